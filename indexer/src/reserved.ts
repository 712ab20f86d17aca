/**
 * Reserved capacity (issue #12): LeaseTermsRecorded, TopUpAllowanceSet, TopUpAllowanceRevoked, TopUpExecuted,
 * ExitCharged, ServersReleased and ServersFailed. Each updates the lease and records one LeaseEvent; top-ups and
 * server ends get their own rows (TopUp, ServerEnd). The subgraph mirrors these in subgraph/src/mappings/reserved.ts.
 */
import { ponder } from "ponder:registry";
import { exitEscrow } from "@gridlease/sdk/pricing";
import { account, lease, leaseEvent, offer, serverEnd, topUp } from "ponder:schema";
import {
  addSpending,
  idOf,
  leaseEventRow,
  logId,
  marketRow,
  recordStats,
  touchProvider,
  upsertAccount,
  upsertPaymentToken,
  upsertProvider,
  upsertProviderBond,
} from "./store.ts";

type Hex = `0x${string}`;

// Right after LeaseOpened, in the same transaction: the term, the escrowed exit terms (part of the deposit) and
// the penalty reserved when the stake is worth more than the offer's floor.
ponder.on("GridleaseMarket:LeaseTermsRecorded", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const before = await db.find(lease, { id: a.leaseId.toString() });
  if (!before) throw new Error(`LeaseTermsRecorded for unknown lease ${a.leaseId}`);
  const raise = a.penalty - before.reservedPenalty;
  const l = await db.update(lease, { id: before.id }).set((row) => ({
    // openLease records terms with term = duration and no escrow; openRollingLease funds less or escrows.
    rolling: a.term > row.duration || a.exitEscrow > 0n,
    term: a.term,
    exitEscrow: a.exitEscrow,
    reservedPenalty: a.penalty,
    deposit: row.deposit + a.exitEscrow,
    updatedAt: timestamp,
  }));
  const m = await marketRow(db, event.log.address);
  await upsertProviderBond(db, m, l.provider, l.paymentToken, timestamp, (row) => ({
    locked: row.locked + raise,
  }));
  if (a.exitEscrow > 0n) {
    await addSpending(db, l.buyer, l.paymentToken, { spent: a.exitEscrow }, timestamp);
    await upsertPaymentToken(db, l.paymentToken, timestamp, (row) => ({
      volume: row.volume + a.exitEscrow,
    }));
    await recordStats(db, l, { volume: a.exitEscrow }, timestamp);
  }
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "TermsRecorded", {
      account: l.buyer as Hex,
      amount: a.exitEscrow,
      penalty: a.penalty,
      duration: a.term,
    }),
  );
});

ponder.on("GridleaseMarket:TopUpAllowanceSet", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set({
    topUpPerTopUp: a.perTopUp,
    topUpRemaining: a.totalCap,
    topUpThreshold: a.runwayThreshold,
    topUpRevoked: false,
    updatedAt: timestamp,
  });
  await upsertAccount(db, l.buyer, timestamp);
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "TopUpAllowanceSet", {
      account: l.buyer as Hex,
      amount: a.totalCap,
      duration: a.runwayThreshold,
    }),
  );
});

ponder.on("GridleaseMarket:TopUpAllowanceRevoked", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const l = await db.update(lease, { id: event.args.leaseId.toString() }).set({
    topUpPerTopUp: 0n,
    topUpRemaining: 0n,
    topUpThreshold: 0n,
    topUpRevoked: true,
    updatedAt: timestamp,
  });
  await upsertAccount(db, l.buyer, timestamp);
  await db
    .insert(leaseEvent)
    .values(leaseEventRow(event, l.id, "TopUpAllowanceRevoked", { account: l.buyer as Hex }));
});

// Paid by the buyer whoever sent it: the buyer's spending and the lease's funded time grow as with a manual top-up.
ponder.on("GridleaseMarket:TopUpExecuted", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    duration: row.duration + a.addedDuration,
    fundedUntil: a.fundedUntil,
    deposit: row.deposit + a.amount,
    topUps: row.topUps + a.amount,
    topUpRemaining: a.remaining,
    topUpCount: row.topUpCount + 1,
    updatedAt: timestamp,
  }));
  const gpuSeconds = l.gpus * a.addedDuration;
  await touchProvider(db, l.provider, timestamp);
  await db.update(account, { id: l.buyer }).set((row) => ({
    gpuSecondsBought: row.gpuSecondsBought + gpuSeconds,
  }));
  await addSpending(db, l.buyer, l.paymentToken, { spent: a.amount }, timestamp);
  await upsertPaymentToken(db, l.paymentToken, timestamp, (row) => ({
    volume: row.volume + a.amount,
  }));
  await recordStats(db, l, { gpuSecondsLeased: gpuSeconds, volume: a.amount }, timestamp);
  const txHash = idOf(event.transaction.hash) as Hex;
  await db.insert(topUp).values({
    id: logId(event.transaction.hash, event.log.logIndex),
    lease: l.id,
    executor: idOf(a.executor) as Hex,
    addedDuration: a.addedDuration,
    amount: a.amount,
    fundedUntil: a.fundedUntil,
    remaining: a.remaining,
    timestamp,
    blockNumber: event.block.number,
    txHash,
  });
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "TopUpExecuted", {
      account: idOf(a.executor) as Hex,
      amount: a.amount,
      duration: a.addedDuration,
      endTime: a.fundedUntil,
    }),
  );
});

// An early exit or an Unfunded end: the charge is part of what the lease earned (LeaseEnded's accrued, next).
ponder.on("GridleaseMarket:ExitCharged", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const l = await db.update(lease, { id: event.args.leaseId.toString() }).set((row) => ({
    exitCharge: row.exitCharge + event.args.amount,
    updatedAt: timestamp,
  }));
  await db
    .insert(leaseEvent)
    .values(leaseEventRow(event, l.id, "ExitCharged", { amount: event.args.amount }));
});

interface ServerEndArgs {
  leaseId: bigint;
  count: bigint;
  refund: bigint;
  exitCharge: bigint;
  penalty: bigint;
}

type ServerEndEvent = Parameters<typeof leaseEventRow>[0] & { log: { address: Hex } };
type Db = Parameters<typeof marketRow>[0];

/**
 * Some servers end and the rest run on: the lease, its offer's capacity and the bond reservation shrink; a failure
 * pays the buyer its share of the penalty from the bond in the lease's token.
 */
async function endServers(
  db: Db,
  event: ServerEndEvent,
  kind: "Released" | "Failed",
  a: ServerEndArgs,
) {
  const { timestamp } = event.block;
  const failed = kind === "Failed";
  const paid = failed ? a.penalty : 0n;
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    units: row.units - a.count,
    gpus: row.gpusPerUnit * (row.units - a.count),
    unitsReleased: row.unitsReleased + (failed ? 0n : a.count),
    unitsFailed: row.unitsFailed + (failed ? a.count : 0n),
    reservedPenalty: row.reservedPenalty - a.penalty,
    refunded: row.refunded + a.refund,
    penalty: row.penalty + paid,
    exitCharge: row.exitCharge + a.exitCharge,
    updatedAt: timestamp,
  }));
  const o = await db.update(offer, { id: l.offer }).set((row) => ({
    unitsInUse: row.unitsInUse - a.count,
    updatedAt: timestamp,
  }));
  // A rolling lease's escrowed exit terms are those of the servers left (the contract recomputes them at the end).
  if (l.rolling) {
    await db
      .update(lease, { id: l.id })
      .set({ exitEscrow: exitEscrow(o, l.pricePerGpuHour, l.gpus) });
  }
  const m = await marketRow(db, event.log.address);
  await upsertProviderBond(db, m, l.provider, l.paymentToken, timestamp, (row) => ({
    amount: row.amount - paid,
    locked: row.locked - a.penalty,
    penaltiesPaid: row.penaltiesPaid + paid,
  }));
  await upsertProvider(db, l.provider, timestamp, (row) => ({
    penaltiesPaid: row.penaltiesPaid + paid,
  }));
  // The removed servers' contracted time leaves what the buyer bought and counts as released: their service so far
  // is not counted as delivered (the provider's gpuSecondsServed counts the servers that run to the end).
  const removed = l.gpusPerUnit * a.count * l.duration;
  await upsertAccount(db, l.buyer, timestamp, (row) => ({
    penaltiesReceived: row.penaltiesReceived + paid,
    gpuSecondsBought: row.gpuSecondsBought - removed,
  }));
  await addSpending(
    db,
    l.buyer,
    l.paymentToken,
    { spent: -a.refund, refunded: a.refund },
    timestamp,
  );
  await upsertPaymentToken(db, l.paymentToken, timestamp, (row) => ({
    refunded: row.refunded + a.refund,
  }));
  await recordStats(db, l, { refunded: a.refund, gpuSecondsReleased: removed }, timestamp);
  await db.insert(serverEnd).values({
    id: logId(event.transaction.hash, event.log.logIndex),
    lease: l.id,
    kind,
    count: a.count,
    refund: a.refund,
    exitCharge: a.exitCharge,
    penalty: a.penalty,
    timestamp,
    blockNumber: event.block.number,
    txHash: idOf(event.transaction.hash) as Hex,
  });
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, failed ? "ServersFailed" : "ServersReleased", {
      account: (failed ? l.provider : l.buyer) as Hex,
      downUnits: a.count,
      refund: a.refund,
      amount: a.exitCharge,
      penalty: a.penalty,
    }),
  );
}

ponder.on("GridleaseMarket:ServersReleased", async ({ event, context }) => {
  const a = event.args;
  await endServers(context.db, event, "Released", {
    leaseId: a.leaseId,
    count: a.count,
    refund: a.refund,
    exitCharge: a.exitCharge,
    penalty: a.penaltyReleased,
  });
});

ponder.on("GridleaseMarket:ServersFailed", async ({ event, context }) => {
  const a = event.args;
  await endServers(context.db, event, "Failed", {
    leaseId: a.leaseId,
    count: a.count,
    refund: a.refund,
    exitCharge: 0n,
    penalty: a.penalty,
  });
});
