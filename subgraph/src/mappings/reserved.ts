// Reserved capacity, as indexer/src/reserved.ts: terms, top-up allowances, executed top-ups, exit charges and
// per-server ends. Each updates the lease and records one LeaseEvent; top-ups and server ends get their own rows.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  ExitCharged,
  LeaseTermsRecorded,
  ServersFailed,
  ServersReleased,
  TopUpAllowanceRevoked,
  TopUpAllowanceSet,
  TopUpExecuted,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { Account, Offer, ServerEnd, TopUp } from "../../generated/schema";
import {
  saveProviderBond,
  touchAccount,
  touchPaymentToken,
  touchProvider,
  touchProviderBond,
  touchSpending,
} from "../common/entities";
import { idOf, logId, SECONDS_PER_HOUR as HOUR, ZERO } from "../common/ids";
import { recordStats, StatDelta } from "../common/stats";
import { leaseEvent, loadLease } from "./leases";

const BPS = BigInt.fromI32(10000);

// Right after LeaseOpened, in the same transaction: the term, the escrowed exit terms (part of the deposit) and
// the penalty reserved when the stake is worth more than the offer's floor.
export function handleLeaseTermsRecorded(event: LeaseTermsRecorded): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  let raise = p.penalty.minus(lease.reservedPenalty);
  // openLease records terms with term = duration and no escrow; openRollingLease funds less or escrows.
  lease.rolling = p.term.gt(lease.duration) || p.exitEscrow.gt(ZERO);
  lease.term = p.term;
  lease.exitEscrow = p.exitEscrow;
  lease.reservedPenalty = p.penalty;
  lease.deposit = lease.deposit.plus(p.exitEscrow);
  lease.updatedAt = timestamp;
  lease.save();
  let bond = touchProviderBond(lease.provider, Bytes.fromHexString(lease.paymentToken), timestamp);
  bond.locked = bond.locked.plus(raise);
  saveProviderBond(bond, idOf(event.address), timestamp);
  if (p.exitEscrow.gt(ZERO)) {
    let spending = touchSpending(lease.buyer, lease.paymentToken, timestamp);
    spending.spent = spending.spent.plus(p.exitEscrow);
    spending.save();
    let token = touchPaymentToken(lease.paymentToken, timestamp);
    token.volume = token.volume.plus(p.exitEscrow);
    token.save();
    let d = new StatDelta();
    d.volume = p.exitEscrow;
    recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  }
  let row = leaseEvent(event, lease.id, "TermsRecorded");
  row.account = Bytes.fromHexString(lease.buyer);
  row.amount = p.exitEscrow;
  row.penalty = p.penalty;
  row.duration = p.term;
  row.save();
}

export function handleTopUpAllowanceSet(event: TopUpAllowanceSet): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  lease.topUpPerTopUp = p.perTopUp;
  lease.topUpRemaining = p.totalCap;
  lease.topUpThreshold = p.runwayThreshold;
  lease.topUpRevoked = false;
  lease.updatedAt = timestamp;
  lease.save();
  touchAccount(lease.buyer, timestamp).save();
  let row = leaseEvent(event, lease.id, "TopUpAllowanceSet");
  row.account = Bytes.fromHexString(lease.buyer);
  row.amount = p.totalCap;
  row.duration = p.runwayThreshold;
  row.save();
}

export function handleTopUpAllowanceRevoked(event: TopUpAllowanceRevoked): void {
  let timestamp = event.block.timestamp;
  let lease = loadLease(event.params.leaseId);
  if (lease == null) return;
  lease.topUpPerTopUp = ZERO;
  lease.topUpRemaining = ZERO;
  lease.topUpThreshold = ZERO;
  lease.topUpRevoked = true;
  lease.updatedAt = timestamp;
  lease.save();
  touchAccount(lease.buyer, timestamp).save();
  let row = leaseEvent(event, lease.id, "TopUpAllowanceRevoked");
  row.account = Bytes.fromHexString(lease.buyer);
  row.save();
}

// Paid by the buyer whoever sent it: the buyer's spending and the lease's funded time grow as with a manual top-up.
export function handleTopUpExecuted(event: TopUpExecuted): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  lease.duration = lease.duration.plus(p.addedDuration);
  lease.fundedUntil = p.fundedUntil;
  lease.deposit = lease.deposit.plus(p.amount);
  lease.topUps = lease.topUps.plus(p.amount);
  lease.topUpRemaining = p.remaining;
  lease.topUpCount += 1;
  lease.updatedAt = timestamp;
  lease.save();
  let gpuSeconds = lease.gpus.times(p.addedDuration);
  touchProvider(lease.provider, timestamp).save();
  // The buyer did nothing here: its lastSeenAt stays.
  let account = Account.load(lease.buyer);
  if (account != null) {
    account.gpuSecondsBought = account.gpuSecondsBought.plus(gpuSeconds);
    account.save();
  }
  let spending = touchSpending(lease.buyer, lease.paymentToken, timestamp);
  spending.spent = spending.spent.plus(p.amount);
  spending.save();
  let token = touchPaymentToken(lease.paymentToken, timestamp);
  token.volume = token.volume.plus(p.amount);
  token.save();
  let d = new StatDelta();
  d.gpuSecondsLeased = gpuSeconds;
  d.volume = p.amount;
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  let topUp = new TopUp(logId(event));
  topUp.lease = lease.id;
  topUp.executor = p.executor;
  topUp.addedDuration = p.addedDuration;
  topUp.amount = p.amount;
  topUp.fundedUntil = p.fundedUntil;
  topUp.remaining = p.remaining;
  topUp.timestamp = timestamp;
  topUp.blockNumber = event.block.number;
  topUp.txHash = event.transaction.hash;
  topUp.save();
  let row = leaseEvent(event, lease.id, "TopUpExecuted");
  row.account = p.executor;
  row.amount = p.amount;
  row.duration = p.addedDuration;
  row.endTime = p.fundedUntil;
  row.save();
}

// An early exit or an Unfunded end: the charge is part of what the lease earned (LeaseEnded's accrued, next).
export function handleExitCharged(event: ExitCharged): void {
  let lease = loadLease(event.params.leaseId);
  if (lease == null) return;
  lease.exitCharge = lease.exitCharge.plus(event.params.amount);
  lease.updatedAt = event.block.timestamp;
  lease.save();
  let row = leaseEvent(event, lease.id, "ExitCharged");
  row.amount = event.params.amount;
  row.save();
}

/** The exit terms a rolling lease escrows (sdk/src/pricing.ts exitEscrow, the contract's _exitEscrowOf). */
function exitEscrowOf(offer: Offer, price: BigInt, gpus: BigInt): BigInt {
  if (offer.commitment.equals(ZERO)) return ZERO;
  if (!offer.noticePeriod.equals(ZERO))
    return price.times(gpus).times(offer.noticePeriod).div(HOUR);
  return price.times(gpus).times(offer.commitment).div(HOUR).times(offer.exitFeeBps).div(BPS);
}

/**
 * Some servers end and the rest run on: the lease, its offer's capacity and the bond reservation shrink; a failure
 * pays the buyer its share of the penalty from the bond in the lease's token.
 */
function endServers(
  event: ethereum.Event,
  leaseId: BigInt,
  failed: boolean,
  count: BigInt,
  refund: BigInt,
  exitCharge: BigInt,
  penalty: BigInt,
): void {
  let timestamp = event.block.timestamp;
  let lease = loadLease(leaseId);
  if (lease == null) return;
  let paid = failed ? penalty : ZERO;
  lease.units = lease.units.minus(count);
  lease.gpus = lease.gpusPerUnit.times(lease.units);
  if (failed) lease.unitsFailed = lease.unitsFailed.plus(count);
  else lease.unitsReleased = lease.unitsReleased.plus(count);
  lease.reservedPenalty = lease.reservedPenalty.minus(penalty);
  lease.refunded = lease.refunded.plus(refund);
  lease.penalty = lease.penalty.plus(paid);
  lease.exitCharge = lease.exitCharge.plus(exitCharge);
  lease.updatedAt = timestamp;
  lease.save();
  let offer = Offer.load(lease.offer);
  if (offer != null) {
    offer.unitsInUse = offer.unitsInUse.minus(count);
    offer.updatedAt = timestamp;
    offer.save();
    // A rolling lease's escrowed exit terms are those of the servers left (the contract recomputes them at the end).
    if (lease.rolling) {
      lease.exitEscrow = exitEscrowOf(offer, lease.pricePerGpuHour, lease.gpus);
      lease.save();
    }
  }
  let bond = touchProviderBond(lease.provider, Bytes.fromHexString(lease.paymentToken), timestamp);
  bond.amount = bond.amount.minus(paid);
  bond.locked = bond.locked.minus(penalty);
  bond.penaltiesPaid = bond.penaltiesPaid.plus(paid);
  saveProviderBond(bond, idOf(event.address), timestamp);
  let provider = touchProvider(lease.provider, timestamp);
  provider.penaltiesPaid = provider.penaltiesPaid.plus(paid);
  provider.save();
  // The removed servers' contracted time leaves what the buyer bought and counts as released: their service so far
  // is not counted as delivered (the provider's gpuSecondsServed counts the servers that run to the end).
  let removed = lease.gpusPerUnit.times(count).times(lease.duration);
  let account = touchAccount(lease.buyer, timestamp);
  account.penaltiesReceived = account.penaltiesReceived.plus(paid);
  account.gpuSecondsBought = account.gpuSecondsBought.minus(removed);
  account.save();
  let spending = touchSpending(lease.buyer, lease.paymentToken, timestamp);
  spending.spent = spending.spent.minus(refund);
  spending.refunded = spending.refunded.plus(refund);
  spending.save();
  let token = touchPaymentToken(lease.paymentToken, timestamp);
  token.refunded = token.refunded.plus(refund);
  token.save();
  let d = new StatDelta();
  d.refunded = refund;
  d.gpuSecondsReleased = removed;
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  let end = new ServerEnd(logId(event));
  end.lease = lease.id;
  end.kind = failed ? "Failed" : "Released";
  end.count = count;
  end.refund = refund;
  end.exitCharge = exitCharge;
  end.penalty = penalty;
  end.timestamp = timestamp;
  end.blockNumber = event.block.number;
  end.txHash = event.transaction.hash;
  end.save();
  let row = leaseEvent(event, lease.id, failed ? "ServersFailed" : "ServersReleased");
  row.account = Bytes.fromHexString(failed ? lease.provider : lease.buyer);
  row.downUnits = count;
  row.refund = refund;
  row.amount = exitCharge;
  row.penalty = penalty;
  row.save();
}

export function handleServersReleased(event: ServersReleased): void {
  let p = event.params;
  endServers(event, p.leaseId, false, p.count, p.refund, p.exitCharge, p.penaltyReleased);
}

export function handleServersFailed(event: ServersFailed): void {
  let p = event.params;
  endServers(event, p.leaseId, true, p.count, p.refund, ZERO, p.penalty);
}
