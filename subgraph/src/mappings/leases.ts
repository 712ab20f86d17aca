// Leases, as indexer/src/leases.ts: each handler updates the lease, its parties and the statistics, and records
// one LeaseEvent. Outages: ./outages.ts; terms, top-ups and per-server ends: ./reserved.ts.
import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  EarningsClaimed,
  LeaseAccessRotated,
  LeaseActivated,
  LeaseEnded,
  LeaseExtended,
  LeaseOpened,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { Account, Lease, LeaseEvent, Offer } from "../../generated/schema";
import {
  saveProviderBond,
  touchAccount,
  touchEarning,
  touchMarket,
  touchPaymentToken,
  touchProvider,
  touchProviderBond,
  touchSpending,
} from "../common/entities";
import { endReasonName, idOf, logId, SECONDS_PER_HOUR, ZERO } from "../common/ids";
import { addLeaseCount } from "../common/leaseCounts";
import { penaltyOf } from "../common/penalty";
import { addLeaseEvidence, feeOn, longOutageDown } from "../common/reputation";
import { availabilityBps, recordStats, StatDelta } from "../common/stats";

/** The LeaseEvent for one log; fields its type does not carry stay null. */
export function leaseEvent(event: ethereum.Event, leaseId: string, type: string): LeaseEvent {
  let row = new LeaseEvent(logId(event));
  row.lease = leaseId;
  row.type = type;
  row.txHash = event.transaction.hash;
  row.blockNumber = event.block.number;
  row.logIndex = event.logIndex.toI32();
  row.timestamp = event.block.timestamp;
  return row;
}

export function loadLease(leaseId: BigInt): Lease | null {
  let lease = Lease.load(leaseId.toString());
  if (lease == null) log.error("event for unknown lease {}", [leaseId.toString()]);
  return lease;
}

export function handleLeaseOpened(event: LeaseOpened): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let id = p.leaseId.toString();
  let offer = Offer.load(p.offerId.toString());
  if (offer == null) {
    log.error("lease {} opened on unknown offer {}", [id, p.offerId.toString()]);
    return;
  }
  offer.unitsInUse = offer.unitsInUse.plus(p.units);
  offer.leaseCount += 1;
  offer.updatedAt = timestamp;
  offer.save();
  let gpus = offer.gpusPerUnit.times(p.units);
  let buyerId = idOf(p.buyer);
  // The event carries only what nothing else gives: the price is the offer's, the fee and the activation window
  // the market's, all as they are now; a rolling lease's exit escrow comes in LeaseTermsRecorded (./reserved.ts).
  let market = touchMarket(idOf(event.address), timestamp);
  let deposit = offer.pricePerGpuHour.times(gpus).times(p.duration).div(SECONDS_PER_HOUR);
  // The contract reserves the offer's penalty floor from the provider's bond in the lease's token while the lease
  // lives; LeaseTermsRecorded raises it when the stake is worth more.
  let reserved = penaltyOf(idOf(event.address), offer.minProviderBond);

  let lease = new Lease(id);
  lease.leaseId = p.leaseId;
  lease.offer = offer.id;
  lease.provider = offer.provider;
  lease.buyer = buyerId;
  lease.paymentToken = offer.paymentToken;
  lease.gpuModel = offer.gpuModel;
  lease.region = offer.region;
  lease.units = p.units;
  lease.gpusPerUnit = offer.gpusPerUnit;
  lease.gpus = gpus;
  lease.pricePerGpuHour = offer.pricePerGpuHour;
  lease.feeBps = market.feeBps;
  lease.duration = p.duration;
  lease.initialDuration = p.duration;
  lease.status = "Pending";
  lease.endReason = "None";
  lease.buyerPublicKey = p.buyerPublicKey;
  lease.activationDeadline = timestamp.plus(market.activationWindow);
  lease.openedAt = timestamp;
  lease.openedAtBlock = event.block.number;
  lease.deposit = deposit;
  lease.topUps = ZERO;
  lease.extensionCount = 0;
  lease.accrued = ZERO;
  lease.claimedGross = ZERO;
  lease.paidToProvider = ZERO;
  lease.fee = ZERO;
  lease.refunded = ZERO;
  lease.penalty = ZERO;
  lease.accessRotations = 0;
  lease.outageOpen = false;
  lease.downUnits = ZERO;
  lease.outageReports = 0;
  lease.outageDowntime = ZERO;
  lease.downUnitSeconds = ZERO;
  lease.outageStartDownUnitSeconds = ZERO;
  lease.longDownUnitSeconds = ZERO;
  lease.rolling = false;
  lease.term = p.duration;
  lease.exitEscrow = ZERO;
  lease.reservedPenalty = reserved;
  lease.exitCharge = ZERO;
  lease.unitsReleased = ZERO;
  lease.unitsFailed = ZERO;
  lease.topUpPerTopUp = ZERO;
  lease.topUpRemaining = ZERO;
  lease.topUpThreshold = ZERO;
  lease.topUpRevoked = false;
  lease.topUpCount = 0;
  lease.updatedAt = timestamp;
  lease.save();

  let bond = touchProviderBond(offer.provider, Bytes.fromHexString(offer.paymentToken), timestamp);
  bond.locked = bond.locked.plus(reserved);
  saveProviderBond(bond, idOf(event.address), timestamp);
  let provider = touchProvider(offer.provider, timestamp);
  provider.leaseCount += 1;
  provider.pendingLeases += 1;
  provider.save();
  let account = touchAccount(buyerId, timestamp);
  account.leaseCount += 1;
  account.pendingLeases += 1;
  account.gpuSecondsBought = account.gpuSecondsBought.plus(gpus.times(p.duration));
  account.save();
  addLeaseCount(offer.gpuModel, offer.region, "Pending", "None", 1, timestamp);
  let spending = touchSpending(buyerId, offer.paymentToken, timestamp);
  spending.spent = spending.spent.plus(deposit);
  spending.save();
  let token = touchPaymentToken(offer.paymentToken, timestamp);
  token.leaseCount += 1;
  token.volume = token.volume.plus(deposit);
  token.save();
  market = touchMarket(idOf(event.address), timestamp);
  market.leaseCount += 1;
  market.save();

  let d = new StatDelta();
  d.leasesOpened = 1;
  d.gpuSecondsLeased = gpus.times(p.duration);
  d.volume = deposit;
  recordStats(offer.gpuModel, offer.region, offer.paymentToken, d, timestamp);

  let row = leaseEvent(event, id, "Opened");
  row.account = p.buyer;
  row.amount = deposit;
  row.duration = p.duration;
  row.save();
}

export function handleLeaseActivated(event: LeaseActivated): void {
  let timestamp = event.block.timestamp;
  let lease = loadLease(event.params.leaseId);
  if (lease == null) return;
  lease.status = "Active";
  lease.startTime = event.params.start;
  lease.endTime = event.params.end;
  // Billing stops at the funded end: the end for a fully prepaid lease, before it for a rolling one.
  lease.fundedUntil = event.params.start.plus(lease.duration);
  lease.encryptedAccess = event.params.encryptedAccess;
  lease.accessPostedAt = timestamp;
  lease.updatedAt = timestamp;
  lease.save();
  let provider = touchProvider(lease.provider, timestamp);
  provider.leasesServed += 1;
  provider.pendingLeases -= 1;
  provider.activeLeases += 1;
  provider.save();
  // The buyer did nothing here: its counts move, its lastSeenAt stays.
  let account = Account.load(lease.buyer);
  if (account != null) {
    account.pendingLeases -= 1;
    account.activeLeases += 1;
    account.save();
  }
  addLeaseCount(lease.gpuModel, lease.region, "Pending", "None", -1, timestamp);
  addLeaseCount(lease.gpuModel, lease.region, "Active", "None", 1, timestamp);
  let d = new StatDelta();
  d.activeLeases = 1;
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  let row = leaseEvent(event, lease.id, "Activated");
  row.account = Bytes.fromHexString(lease.provider);
  row.startTime = event.params.start;
  row.endTime = event.params.end;
  row.save();
}

export function handleLeaseAccessRotated(event: LeaseAccessRotated): void {
  let timestamp = event.block.timestamp;
  let lease = loadLease(event.params.leaseId);
  if (lease == null) return;
  lease.encryptedAccess = event.params.encryptedAccess;
  lease.accessRotatedAt = timestamp;
  lease.accessRotations += 1;
  lease.updatedAt = timestamp;
  lease.save();
  touchProvider(lease.provider, timestamp).save();
  let row = leaseEvent(event, lease.id, "AccessRotated");
  row.account = Bytes.fromHexString(lease.provider);
  row.save();
}

export function handleLeaseExtended(event: LeaseExtended): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  lease.duration = lease.duration.plus(p.addedDuration);
  let end = lease.endTime;
  // A rolling lease's top-up moves its funded end only: its end is start + term.
  if (!lease.rolling && lease.status == "Active" && end !== null) {
    lease.endTime = end.plus(p.addedDuration);
  }
  let funded = lease.fundedUntil;
  if (funded !== null) lease.fundedUntil = funded.plus(p.addedDuration);
  // A fully prepaid lease's term is what it paid for; a rolling lease's is fixed at open.
  if (!lease.rolling) lease.term = lease.term.plus(p.addedDuration);
  lease.deposit = lease.deposit.plus(p.topUp);
  lease.topUps = lease.topUps.plus(p.topUp);
  lease.extensionCount += 1;
  lease.updatedAt = timestamp;
  lease.save();
  let gpuSeconds = lease.gpus.times(p.addedDuration);
  touchProvider(lease.provider, timestamp).save();
  let account = touchAccount(lease.buyer, timestamp);
  account.gpuSecondsBought = account.gpuSecondsBought.plus(gpuSeconds);
  account.save();
  let spending = touchSpending(lease.buyer, lease.paymentToken, timestamp);
  spending.spent = spending.spent.plus(p.topUp);
  spending.save();
  let token = touchPaymentToken(lease.paymentToken, timestamp);
  token.volume = token.volume.plus(p.topUp);
  token.save();
  let d = new StatDelta();
  d.gpuSecondsLeased = gpuSeconds;
  d.volume = p.topUp;
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  let row = leaseEvent(event, lease.id, "Extended");
  row.account = p.payer;
  row.amount = p.topUp;
  row.duration = p.addedDuration;
  row.save();
}

export function handleLeaseEnded(event: LeaseEnded): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  let reason = endReasonName(p.reason);
  let wasActive = lease.status == "Active";
  let wasOpen = lease.outageOpen;
  // Seconds served: from activation to the end (0 if never activated); the end includes the time resolved
  // outages added. An outage still open is down up to the end.
  // A rolling lease is billed up to its funded end only (the unfunded time after it is not served).
  let billedEnd = p.endTime;
  let funded = lease.fundedUntil;
  if (lease.rolling && funded !== null && funded.lt(p.endTime)) billedEnd = funded;
  let served = ZERO;
  let start = lease.startTime;
  if (wasActive && start !== null && billedEnd.gt(start)) served = billedEnd.minus(start);
  let openDown = ZERO;
  let since = lease.outageSince;
  if (wasOpen && since !== null && p.endTime.gt(since)) {
    openDown = lease.downUnits.times(p.endTime.minus(since));
  }
  let downUnitSeconds = lease.downUnitSeconds.plus(openDown);
  // The paid duration the contract keeps: the time served less what outages added, never past what was paid.
  let used = served.gt(lease.outageDowntime) ? served.minus(lease.outageDowntime) : ZERO;
  if (used.gt(lease.duration)) used = lease.duration;
  // Delivered (billed) GPU-seconds: every server's seconds of service less its down seconds.
  let delivered = lease.gpusPerUnit.times(lease.units.times(served).minus(downUnitSeconds));
  let down = lease.gpusPerUnit.times(downUnitSeconds);
  let released = lease.gpus.times(lease.duration).minus(delivered);
  // The open outage closes with the lease; only outages open 900 s or more count against its uptime.
  let longDownUnitSeconds = lease.longDownUnitSeconds.plus(
    longOutageDown(lease, p.endTime, downUnitSeconds),
  );
  let fee = feeOn(p.accrued, lease.feeBps);
  lease.status = "Ended";
  lease.endReason = reason;
  lease.duration = used;
  lease.endTime = p.endTime;
  lease.closedAt = timestamp;
  lease.accrued = p.accrued;
  // Servers failed earlier paid their share already.
  lease.refunded = lease.refunded.plus(p.refund);
  lease.penalty = lease.penalty.plus(p.penalty);
  let reservedLeft = lease.reservedPenalty;
  lease.reservedPenalty = ZERO;
  lease.outageOpen = false;
  lease.downUnits = ZERO;
  lease.outageSince = null;
  lease.downUnitSeconds = downUnitSeconds;
  lease.outageStartedAt = null;
  lease.outageStartDownUnitSeconds = ZERO;
  lease.longDownUnitSeconds = longDownUnitSeconds;
  lease.updatedAt = timestamp;
  lease.save();

  let offer = Offer.load(lease.offer);
  if (offer != null) {
    offer.unitsInUse = offer.unitsInUse.minus(lease.units);
    offer.updatedAt = timestamp;
    offer.save();
  }
  // The reservation left is released; the penalty paid (if any) leaves the bond in the lease's token.
  let bond = touchProviderBond(lease.provider, Bytes.fromHexString(lease.paymentToken), timestamp);
  bond.amount = bond.amount.minus(p.penalty);
  bond.locked = bond.locked.minus(reservedLeft);
  bond.penaltiesPaid = bond.penaltiesPaid.plus(p.penalty);
  saveProviderBond(bond, idOf(event.address), timestamp);
  let provider = touchProvider(lease.provider, timestamp);
  provider.gpuSecondsServed = provider.gpuSecondsServed.plus(delivered);
  provider.gpuSecondsDown = provider.gpuSecondsDown.plus(down);
  provider.availabilityBps = availabilityBps(provider.gpuSecondsServed, provider.gpuSecondsDown);
  if (wasOpen) provider.openOutages -= 1;
  if (reason == "OutageUnresolved") provider.outagesUnresolved += 1;
  provider.penaltiesPaid = provider.penaltiesPaid.plus(p.penalty);
  if (reason == "NoShowCancelled") provider.noShows += 1;
  if (reason == "ProviderTerminated") provider.providerTerminations += 1;
  if (wasActive) provider.activeLeases -= 1;
  else provider.pendingLeases -= 1;
  addLeaseEvidence(
    provider,
    lease,
    reason,
    p.accrued,
    wasActive,
    delivered,
    lease.gpusPerUnit.times(longDownUnitSeconds),
  );
  provider.save();
  let account = touchAccount(lease.buyer, timestamp);
  account.gpuSecondsBought = account.gpuSecondsBought.minus(released);
  account.penaltiesReceived = account.penaltiesReceived.plus(p.penalty);
  if (wasActive) account.activeLeases -= 1;
  else account.pendingLeases -= 1;
  account.save();
  addLeaseCount(
    lease.gpuModel,
    lease.region,
    wasActive ? "Active" : "Pending",
    "None",
    -1,
    timestamp,
  );
  addLeaseCount(lease.gpuModel, lease.region, "Ended", reason, 1, timestamp);
  let earning = touchEarning(lease.provider, lease.paymentToken, timestamp);
  earning.earningsAccrued = earning.earningsAccrued.plus(p.accrued);
  earning.save();
  let spending = touchSpending(lease.buyer, lease.paymentToken, timestamp);
  spending.spent = spending.spent.minus(p.refund);
  spending.refunded = spending.refunded.plus(p.refund);
  spending.save();
  let token = touchPaymentToken(lease.paymentToken, timestamp);
  token.refunded = token.refunded.plus(p.refund);
  token.save();

  let d = new StatDelta();
  d.leasesEnded = 1;
  d.gpuSecondsReleased = released;
  d.gpuSecondsDelivered = delivered;
  d.gpuSecondsDown = down;
  d.refunded = p.refund;
  d.activeLeases = wasActive ? -1 : 0;
  d.feesPaid = fee;
  d.feeWeightedPriceSum = lease.pricePerGpuHour.times(fee);
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);

  let row = leaseEvent(event, lease.id, "Ended");
  row.amount = p.accrued;
  row.refund = p.refund;
  row.penalty = p.penalty;
  row.endTime = p.endTime;
  row.endReason = reason;
  row.save();
}

export function handleEarningsClaimed(event: EarningsClaimed): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  let net = p.gross.minus(p.fee);
  lease.claimedGross = lease.claimedGross.plus(p.gross);
  lease.paidToProvider = lease.paidToProvider.plus(net);
  lease.fee = lease.fee.plus(p.fee);
  lease.updatedAt = timestamp;
  lease.save();
  touchProvider(idOf(p.provider), timestamp).save();
  let earning = touchEarning(idOf(p.provider), lease.paymentToken, timestamp);
  earning.earningsClaimed = earning.earningsClaimed.plus(net);
  earning.feesPaid = earning.feesPaid.plus(p.fee);
  earning.save();
  let token = touchPaymentToken(lease.paymentToken, timestamp);
  token.paidToProviders = token.paidToProviders.plus(net);
  token.feesAccrued = token.feesAccrued.plus(p.fee);
  token.save();
  let row = leaseEvent(event, lease.id, "EarningsClaimed");
  row.account = p.provider;
  row.amount = p.gross;
  row.fee = p.fee;
  row.save();
}
