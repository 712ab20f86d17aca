/**
 * Leases: LeaseOpened, LeaseActivated, LeaseAccessRotated, LeaseExtended, LeaseEnded, EarningsClaimed.
 * Each updates the lease, its parties and the statistics, and records one LeaseEvent. Outages: ./outages.ts;
 * terms, top-ups and per-server ends: ./reserved.ts.
 */
import { ponder } from "ponder:registry";
import { availabilityBps, cost, feeOn } from "@gridlease/sdk/pricing";
import { endReasonName } from "@gridlease/sdk/status";
import { account, lease, leaseEvent, offer } from "ponder:schema";
import {
  addEarnings,
  addLeaseCount,
  addSpending,
  idOf,
  leaseEventRow,
  marketRow,
  moveLeaseCount,
  recordStats,
  reservedBond,
  touchProvider,
  upsertProviderBond,
  upsertProvider,
  upsertMarket,
  upsertPaymentToken,
  upsertAccount,
} from "./store.ts";
import { leaseEndEvidence, longOutageDown, withEvidence } from "./reputation.ts";

type Hex = `0x${string}`;

ponder.on("GridleaseMarket:LeaseOpened", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const id = a.leaseId.toString();
  const o = await db.update(offer, { id: a.offerId.toString() }).set((row) => ({
    unitsInUse: row.unitsInUse + a.units,
    leaseCount: row.leaseCount + 1,
    updatedAt: timestamp,
  }));
  const gpus = o.gpusPerUnit * a.units;
  const buyer = idOf(a.buyer);
  // The event carries only what nothing else gives: the price is the offer's, the fee and the activation window
  // the market's, all as they are now; a rolling lease's exit escrow comes in LeaseTermsRecorded (./reserved.ts).
  const m = await marketRow(db, event.log.address);
  const deposit = cost(o.pricePerGpuHour, gpus, a.duration);
  // The contract reserves the offer's penalty floor from the provider's bond in the lease's token while the lease
  // lives; LeaseTermsRecorded raises it when the stake is worth more.
  const reserved = await reservedBond(db, event.log.address, o.minProviderBond);

  await db.insert(lease).values({
    id,
    leaseId: a.leaseId,
    offer: o.id,
    provider: o.provider,
    buyer,
    paymentToken: o.paymentToken,
    gpuModel: o.gpuModel,
    region: o.region,
    units: a.units,
    gpusPerUnit: o.gpusPerUnit,
    gpus,
    pricePerGpuHour: o.pricePerGpuHour,
    feeBps: m.feeBps,
    duration: a.duration,
    initialDuration: a.duration,
    status: "Pending",
    endReason: "None",
    buyerPublicKey: idOf(a.buyerPublicKey) as Hex,
    activationDeadline: timestamp + m.activationWindow,
    openedAt: timestamp,
    openedAtBlock: event.block.number,
    startTime: null,
    endTime: null,
    closedAt: null,
    deposit,
    topUps: 0n,
    extensionCount: 0,
    accrued: 0n,
    claimedGross: 0n,
    paidToProvider: 0n,
    fee: 0n,
    refunded: 0n,
    penalty: 0n,
    encryptedAccess: null,
    accessPostedAt: null,
    accessRotatedAt: null,
    accessRotations: 0,
    outageOpen: false,
    downUnits: 0n,
    outageSince: null,
    repairDeadline: null,
    lastResolvedAt: null,
    outageReports: 0,
    outageDowntime: 0n,
    downUnitSeconds: 0n,
    outageStartedAt: null,
    outageStartDownUnitSeconds: 0n,
    longDownUnitSeconds: 0n,
    review: null,
    rolling: false,
    term: a.duration,
    fundedUntil: null,
    exitEscrow: 0n,
    reservedPenalty: reserved,
    exitCharge: 0n,
    unitsReleased: 0n,
    unitsFailed: 0n,
    topUpPerTopUp: 0n,
    topUpRemaining: 0n,
    topUpThreshold: 0n,
    topUpRevoked: false,
    topUpCount: 0,
    updatedAt: timestamp,
  });

  await upsertProviderBond(db, m, o.provider, o.paymentToken, timestamp, (row) => ({
    locked: row.locked + reserved,
  }));
  await upsertProvider(db, o.provider, timestamp, (row) => ({
    leaseCount: row.leaseCount + 1,
    pendingLeases: row.pendingLeases + 1,
  }));
  await upsertAccount(db, buyer, timestamp, (row) => ({
    leaseCount: row.leaseCount + 1,
    pendingLeases: row.pendingLeases + 1,
    gpuSecondsBought: row.gpuSecondsBought + gpus * a.duration,
  }));
  await addLeaseCount(
    db,
    { gpuModel: o.gpuModel, region: o.region, status: "Pending", endReason: "None" },
    1,
    timestamp,
  );
  await addSpending(db, buyer, o.paymentToken, { spent: deposit }, timestamp);
  await upsertPaymentToken(db, o.paymentToken, timestamp, (row) => ({
    leaseCount: row.leaseCount + 1,
    volume: row.volume + deposit,
  }));
  await upsertMarket(db, event.log.address, timestamp, (row) => ({
    leaseCount: row.leaseCount + 1,
  }));
  await recordStats(
    db,
    o,
    { leasesOpened: 1, gpuSecondsLeased: gpus * a.duration, volume: deposit },
    timestamp,
  );
  await db.insert(leaseEvent).values(
    leaseEventRow(event, id, "Opened", {
      account: buyer as Hex,
      amount: deposit,
      duration: a.duration,
    }),
  );
});

ponder.on("GridleaseMarket:LeaseActivated", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    status: "Active",
    startTime: a.start,
    endTime: a.end,
    // Billing stops at the funded end: the end for a fully prepaid lease, before it for a rolling one.
    fundedUntil: a.start + row.duration,
    encryptedAccess: idOf(a.encryptedAccess) as Hex,
    accessPostedAt: timestamp,
    updatedAt: timestamp,
  }));
  await upsertProvider(db, l.provider, timestamp, (row) => ({
    leasesServed: row.leasesServed + 1,
    pendingLeases: row.pendingLeases - 1,
    activeLeases: row.activeLeases + 1,
  }));
  // The buyer did nothing here: its counts move, its lastSeenAt stays.
  await db.update(account, { id: l.buyer }).set((row) => ({
    pendingLeases: row.pendingLeases - 1,
    activeLeases: row.activeLeases + 1,
  }));
  await moveLeaseCount(
    db,
    { gpuModel: l.gpuModel, region: l.region, status: "Pending", endReason: "None" },
    { gpuModel: l.gpuModel, region: l.region, status: "Active", endReason: "None" },
    timestamp,
  );
  await recordStats(db, l, { activeLeases: 1 }, timestamp);
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "Activated", {
      account: l.provider as Hex,
      startTime: a.start,
      endTime: a.end,
    }),
  );
});

ponder.on("GridleaseMarket:LeaseAccessRotated", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const l = await db.update(lease, { id: event.args.leaseId.toString() }).set((row) => ({
    encryptedAccess: idOf(event.args.encryptedAccess) as Hex,
    accessRotatedAt: timestamp,
    accessRotations: row.accessRotations + 1,
    updatedAt: timestamp,
  }));
  await touchProvider(db, l.provider, timestamp);
  await db
    .insert(leaseEvent)
    .values(leaseEventRow(event, l.id, "AccessRotated", { account: l.provider as Hex }));
});

ponder.on("GridleaseMarket:LeaseExtended", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    duration: row.duration + a.addedDuration,
    // A rolling lease's top-up moves its funded end only: its end is start + term.
    endTime:
      !row.rolling && row.status === "Active" && row.endTime !== null
        ? row.endTime + a.addedDuration
        : row.endTime,
    fundedUntil: row.fundedUntil === null ? null : row.fundedUntil + a.addedDuration,
    // A fully prepaid lease's term is what it paid for; a rolling lease's is fixed at open.
    term: row.rolling ? row.term : row.term + a.addedDuration,
    deposit: row.deposit + a.topUp,
    topUps: row.topUps + a.topUp,
    extensionCount: row.extensionCount + 1,
    updatedAt: timestamp,
  }));
  const gpuSeconds = l.gpus * a.addedDuration;
  await touchProvider(db, l.provider, timestamp);
  await upsertAccount(db, l.buyer, timestamp, (row) => ({
    gpuSecondsBought: row.gpuSecondsBought + gpuSeconds,
  }));
  await addSpending(db, l.buyer, l.paymentToken, { spent: a.topUp }, timestamp);
  await upsertPaymentToken(db, l.paymentToken, timestamp, (row) => ({
    volume: row.volume + a.topUp,
  }));
  await recordStats(db, l, { gpuSecondsLeased: gpuSeconds, volume: a.topUp }, timestamp);
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "Extended", {
      account: idOf(a.payer) as Hex,
      amount: a.topUp,
      duration: a.addedDuration,
    }),
  );
});

ponder.on("GridleaseMarket:LeaseEnded", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const id = a.leaseId.toString();
  const before = await db.find(lease, { id });
  if (!before) throw new Error(`LeaseEnded for unknown lease ${id}`);
  const reason = endReasonName(a.reason);
  // Read before the update: Ponder's store may hand back the cached row that the update then changes in place.
  const wasActive = before.status === "Active";
  const wasOpen = before.outageOpen;
  const reservedLeft = before.reservedPenalty;
  // Seconds served: from activation to the end (0 if never activated); the end includes the time resolved
  // outages added. An outage still open is down up to the end.
  // A rolling lease is billed up to its funded end only (the unfunded time after it is not served).
  const billedEnd =
    before.rolling && before.fundedUntil !== null && before.fundedUntil < a.endTime
      ? before.fundedUntil
      : a.endTime;
  const served =
    wasActive && before.startTime !== null && billedEnd > before.startTime
      ? billedEnd - before.startTime
      : 0n;
  const openDown =
    wasOpen && before.outageSince !== null && a.endTime > before.outageSince
      ? before.downUnits * (a.endTime - before.outageSince)
      : 0n;
  const downUnitSeconds = before.downUnitSeconds + openDown;
  // The paid duration the contract keeps: the time served less what outages added, never past what was paid.
  let used = served > before.outageDowntime ? served - before.outageDowntime : 0n;
  if (used > before.duration) used = before.duration;
  // Delivered (billed) GPU-seconds: every server's seconds of service less its down seconds.
  const delivered = before.gpusPerUnit * (before.units * served - downUnitSeconds);
  const down = before.gpusPerUnit * downUnitSeconds;
  const released = before.gpus * before.duration - delivered;
  // The open outage closes with the lease; only outages open 900 s or more count against its uptime.
  const longDownUnitSeconds =
    before.longDownUnitSeconds + longOutageDown(before, a.endTime, downUnitSeconds);
  const fee = feeOn(a.accrued, before.feeBps);
  await db.update(lease, { id }).set({
    status: "Ended",
    endReason: reason,
    duration: used,
    endTime: a.endTime,
    closedAt: timestamp,
    accrued: a.accrued,
    // Servers failed earlier paid their share already.
    refunded: before.refunded + a.refund,
    penalty: before.penalty + a.penalty,
    reservedPenalty: 0n,
    outageOpen: false,
    downUnits: 0n,
    outageSince: null,
    downUnitSeconds,
    outageStartedAt: null,
    outageStartDownUnitSeconds: 0n,
    longDownUnitSeconds,
    updatedAt: timestamp,
  });
  const evidence = await leaseEndEvidence(db, before, {
    reason: a.reason,
    accrued: a.accrued,
    activated: wasActive,
    gpuSecondsServed: delivered,
    gpuSecondsDown: before.gpusPerUnit * longDownUnitSeconds,
  });
  await db.update(offer, { id: before.offer }).set((row) => ({
    unitsInUse: row.unitsInUse - before.units,
    updatedAt: timestamp,
  }));
  // The reservation left is released; the penalty paid (if any) leaves the bond in the lease's token.
  const m = await marketRow(db, event.log.address);
  await upsertProviderBond(db, m, before.provider, before.paymentToken, timestamp, (row) => ({
    amount: row.amount - a.penalty,
    locked: row.locked - reservedLeft,
    penaltiesPaid: row.penaltiesPaid + a.penalty,
  }));
  await upsertProvider(db, before.provider, timestamp, (row) => {
    const gpuSecondsServed = row.gpuSecondsServed + delivered;
    const gpuSecondsDown = row.gpuSecondsDown + down;
    return {
      gpuSecondsServed,
      gpuSecondsDown,
      availabilityBps: availabilityBps(gpuSecondsServed, gpuSecondsDown),
      openOutages: row.openOutages - (wasOpen ? 1 : 0),
      outagesUnresolved: row.outagesUnresolved + (reason === "OutageUnresolved" ? 1 : 0),
      penaltiesPaid: row.penaltiesPaid + a.penalty,
      noShows: row.noShows + (reason === "NoShowCancelled" ? 1 : 0),
      providerTerminations: row.providerTerminations + (reason === "ProviderTerminated" ? 1 : 0),
      pendingLeases: row.pendingLeases - (wasActive ? 0 : 1),
      activeLeases: row.activeLeases - (wasActive ? 1 : 0),
      ...withEvidence(row, evidence),
    };
  });
  await upsertAccount(db, before.buyer, timestamp, (row) => ({
    gpuSecondsBought: row.gpuSecondsBought - released,
    penaltiesReceived: row.penaltiesReceived + a.penalty,
    pendingLeases: row.pendingLeases - (wasActive ? 0 : 1),
    activeLeases: row.activeLeases - (wasActive ? 1 : 0),
  }));
  await moveLeaseCount(
    db,
    {
      gpuModel: before.gpuModel,
      region: before.region,
      status: wasActive ? "Active" : "Pending",
      endReason: "None",
    },
    { gpuModel: before.gpuModel, region: before.region, status: "Ended", endReason: reason },
    timestamp,
  );
  await addEarnings(db, before.provider, before.paymentToken, { accrued: a.accrued }, timestamp);
  await addSpending(
    db,
    before.buyer,
    before.paymentToken,
    { spent: -a.refund, refunded: a.refund },
    timestamp,
  );
  await upsertPaymentToken(db, before.paymentToken, timestamp, (row) => ({
    refunded: row.refunded + a.refund,
  }));
  await recordStats(
    db,
    before,
    {
      leasesEnded: 1,
      gpuSecondsReleased: released,
      gpuSecondsDelivered: delivered,
      gpuSecondsDown: down,
      refunded: a.refund,
      activeLeases: wasActive ? -1 : 0,
      feesPaid: fee,
      feeWeightedPriceSum: before.pricePerGpuHour * fee,
    },
    timestamp,
  );
  await db.insert(leaseEvent).values(
    leaseEventRow(event, id, "Ended", {
      amount: a.accrued,
      refund: a.refund,
      penalty: a.penalty,
      endTime: a.endTime,
      endReason: reason,
    }),
  );
});

ponder.on("GridleaseMarket:EarningsClaimed", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const net = a.gross - a.fee;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    claimedGross: row.claimedGross + a.gross,
    paidToProvider: row.paidToProvider + net,
    fee: row.fee + a.fee,
    updatedAt: timestamp,
  }));
  await touchProvider(db, a.provider, timestamp);
  await addEarnings(db, a.provider, l.paymentToken, { claimed: net, fees: a.fee }, timestamp);
  await upsertPaymentToken(db, l.paymentToken, timestamp, (row) => ({
    paidToProviders: row.paidToProviders + net,
    feesAccrued: row.feesAccrued + a.fee,
  }));
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "EarningsClaimed", {
      account: idOf(a.provider) as Hex,
      amount: a.gross,
      fee: a.fee,
    }),
  );
});
