/**
 * Load-or-create helpers and the statistics bookkeeping shared by every handler. The subgraph mirrors these in
 * subgraph/src/common/*.ts; both follow the definitions in indexer/README.md.
 */
import type { Context } from "ponder:registry";
import { averagePricePerGpuHour, penalty } from "@gridlease/sdk/pricing";
import {
  account,
  accountSpending,
  credit,
  providerEarning,
  gpuModelDayStat,
  gpuModelStat,
  type leaseEvent,
  leaseCount,
  market,
  paymentToken,
  provider,
  providerBond,
  regionDayStat,
  regionStat,
} from "ponder:schema";

export const SECONDS_PER_DAY = 86_400n;

type Db = Context["db"];

/** Ids are lowercase hex for addresses. */
export const idOf = (address: string) => address.toLowerCase();
/** Rows derived from one log: `<txHash>-<logIndex>`. */
export const logId = (txHash: string, logIndex: number) => `${txHash.toLowerCase()}-${logIndex}`;

type Hex = `0x${string}`;
type MarketRow = typeof market.$inferSelect;

interface LogMeta {
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex };
  log: { logIndex: number };
}

/** The LeaseEvent row for one log; fields an event type does not carry stay null. */
export function leaseEventRow(
  event: LogMeta,
  leaseId: string,
  type: string,
  fields: Partial<typeof leaseEvent.$inferInsert> = {},
): typeof leaseEvent.$inferInsert {
  return {
    id: logId(event.transaction.hash, event.log.logIndex),
    lease: leaseId,
    type,
    account: null,
    txHash: idOf(event.transaction.hash) as Hex,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    amount: null,
    fee: null,
    refund: null,
    penalty: null,
    duration: null,
    startTime: null,
    endTime: null,
    endReason: null,
    downUnits: null,
    evidenceHash: null,
    repairDeadline: null,
    reports: null,
    downUnitSeconds: null,
    accessChanged: null,
    ...fields,
  };
}

/**
 * The bond a lease on an offer with `minProviderBond` reserves from its provider while it lives: the penalty at
 * the market's rate from `PenaltyRateSet` (emitted at deployment, so before any lease).
 */
export async function reservedBond(db: Db, marketAddress: string, minProviderBond: bigint) {
  const row = await marketRow(db, marketAddress);
  return penalty(minProviderBond, row.penaltyBps);
}

/** The market's row, which its deployment events (PenaltyRateSet, ProtocolFeeSet, ...) created before any lease. */
export async function marketRow(db: Db, marketAddress: string) {
  const row = await db.find(market, { id: idOf(marketAddress) });
  if (!row) throw new Error(`no market row for ${marketAddress}: PenaltyRateSet was not indexed`);
  return row;
}

type ProviderBondRow = typeof providerBond.$inferSelect;

/**
 * One upsert of a provider's bond in one token, as `upsertMarket`. The provider's own `bond` and `lockedBond`
 * mirror its row in the market's bond token (GRID), so lists sorted by bond keep one unit.
 */
export async function upsertProviderBond(
  db: Db,
  m: MarketRow,
  providerAddress: string,
  token: string,
  timestamp: bigint,
  change: (row: ProviderBondRow) => Partial<ProviderBondRow>,
) {
  const fresh: ProviderBondRow = {
    id: `${idOf(providerAddress)}:${idOf(token)}`,
    provider: idOf(providerAddress),
    token: idOf(token) as Hex,
    amount: 0n,
    locked: 0n,
    penaltiesPaid: 0n,
    updatedAt: timestamp,
  };
  const row = await db
    .insert(providerBond)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((r) => ({ ...change(r), updatedAt: timestamp }));
  const inBondToken = row.token === idOf(m.bondToken);
  await upsertProvider(db, providerAddress, timestamp, () =>
    inBondToken ? { bond: row.amount, lockedBond: row.locked } : {},
  );
  return row;
}
type PaymentTokenRow = typeof paymentToken.$inferSelect;
type AccountRow = typeof account.$inferSelect;

/**
 * One upsert of the market: `change` maps the current row (a fresh one the first time) to the fields an event
 * changes; `updatedAt` moves to the event's time.
 */
export async function upsertMarket(
  db: Db,
  address: string,
  timestamp: bigint,
  change: (row: MarketRow) => Partial<MarketRow> = () => ({}),
) {
  const fresh: MarketRow = {
    id: idOf(address),
    treasury: "0x0000000000000000000000000000000000000000",
    feeBps: 0n,
    activationWindow: 0n,
    paused: false,
    bondToken: "0x0000000000000000000000000000000000000000",
    penaltyBps: 0n,
    providerCount: 0,
    offerCount: 0,
    leaseCount: 0,
    updatedAt: timestamp,
  };
  return db
    .insert(market)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: timestamp }));
}

/** Creates the market's row if needed and moves its `updatedAt`. */
export const touchMarket = (db: Db, address: string, timestamp: bigint) =>
  upsertMarket(db, address, timestamp);

/** One upsert of a payment token, as `upsertMarket`. */
export async function upsertPaymentToken(
  db: Db,
  address: string,
  timestamp: bigint,
  change: (row: PaymentTokenRow) => Partial<PaymentTokenRow> = () => ({}),
) {
  const fresh: PaymentTokenRow = {
    id: idOf(address),
    allowed: false,
    leaseCount: 0,
    volume: 0n,
    refunded: 0n,
    paidToProviders: 0n,
    feesAccrued: 0n,
    feesWithdrawn: 0n,
    firstSeenAt: timestamp,
    updatedAt: timestamp,
  };
  return db
    .insert(paymentToken)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), updatedAt: timestamp }));
}

/** Creates a payment token's row if needed and moves its `updatedAt`. */
export const touchPaymentToken = (db: Db, address: string, timestamp: bigint) =>
  upsertPaymentToken(db, address, timestamp);

type ProviderRow = typeof provider.$inferSelect;

/** A provider's row before its first event. */
const newProvider = (id: string, timestamp: bigint): ProviderRow => ({
  id,
  metadataURI: "",
  bond: 0n,
  lockedBond: 0n,
  offerCount: 0,
  leaseCount: 0,
  leasesServed: 0,
  gpuSecondsServed: 0n,
  noShows: 0,
  providerTerminations: 0,
  penaltiesPaid: 0n,
  gpuSecondsDown: 0n,
  availabilityBps: 10_000,
  outageReports: 0,
  openOutages: 0,
  outagesUnresolved: 0,
  pendingLeases: 0,
  activeLeases: 0,
  firstSeenAt: timestamp,
  lastSeenAt: timestamp,
  feesPaidUsdMicros: 0n,
  completedWeight: 0n,
  faultWeight: 0n,
  noShowWeight: 0n,
  deliveredWeight: 0n,
  uptimeWeight: 0n,
  reviewWeight: 0n,
  reviewScoreWeight: 0n,
  auditedUntil: 0n,
  reviewCount: 0,
  auditCount: 0,
});

/**
 * One upsert of a provider: `change` maps the current row (a fresh one for a new provider) to the fields an event
 * changes; `lastSeenAt` moves to the event's time.
 */
export async function upsertProvider(
  db: Db,
  address: string,
  timestamp: bigint,
  change: (row: ProviderRow) => Partial<ProviderRow> = () => ({}),
) {
  const fresh = newProvider(idOf(address), timestamp);
  return db
    .insert(provider)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), lastSeenAt: timestamp }));
}

/** Creates the provider's row if needed and moves its `lastSeenAt`. */
export async function touchProvider(db: Db, address: string, timestamp: bigint) {
  return upsertProvider(db, address, timestamp);
}

/** One upsert of a buyer's account: as `upsertProvider`, with `lastSeenAt` moving to the event's time. */
export async function upsertAccount(
  db: Db,
  address: string,
  timestamp: bigint,
  change: (row: AccountRow) => Partial<AccountRow> = () => ({}),
) {
  const fresh: AccountRow = {
    id: idOf(address),
    leaseCount: 0,
    gpuSecondsBought: 0n,
    penaltiesReceived: 0n,
    outageReports: 0,
    pendingLeases: 0,
    activeLeases: 0,
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
  };
  return db
    .insert(account)
    .values({ ...fresh, ...change(fresh) })
    .onConflictDoUpdate((row) => ({ ...change(row), lastSeenAt: timestamp }));
}

/** A lease's place among the counts: its GPU model, region, status and end reason ("None" until it ends). */
export interface LeaseCountKey {
  gpuModel: string;
  region: string;
  status: string;
  endReason: string;
}

/** Adds `delta` (+1 or -1) to the count of leases with `key` (the row `<model>:<region>:<status>:<endReason>`). */
export async function addLeaseCount(db: Db, key: LeaseCountKey, delta: number, timestamp: bigint) {
  const id = `${key.gpuModel}:${key.region}:${key.status}:${key.endReason}`;
  await db
    .insert(leaseCount)
    .values({ id, ...key, leaseCount: delta, updatedAt: timestamp })
    .onConflictDoUpdate((row) => ({ leaseCount: row.leaseCount + delta, updatedAt: timestamp }));
}

/** Moves one lease from the count of `from` to the count of `to` (a status change). */
export async function moveLeaseCount(
  db: Db,
  from: LeaseCountKey,
  to: LeaseCountKey,
  timestamp: bigint,
) {
  await addLeaseCount(db, from, -1, timestamp);
  await addLeaseCount(db, to, 1, timestamp);
}

/** Adds to a provider's earnings in one token. */
export async function addEarnings(
  db: Db,
  providerId: string,
  token: string,
  d: { accrued?: bigint; claimed?: bigint; fees?: bigint },
  timestamp: bigint,
) {
  const id = `${idOf(providerId)}:${idOf(token)}`;
  const row = await db.find(providerEarning, { id });
  const values = {
    earningsAccrued: (row?.earningsAccrued ?? 0n) + (d.accrued ?? 0n),
    earningsClaimed: (row?.earningsClaimed ?? 0n) + (d.claimed ?? 0n),
    feesPaid: (row?.feesPaid ?? 0n) + (d.fees ?? 0n),
    updatedAt: timestamp,
  };
  await db
    .insert(providerEarning)
    .values({ id, provider: idOf(providerId), paymentToken: idOf(token), ...values })
    .onConflictDoUpdate(values);
}

/** Adds to a buyer's spending in one token. */
export async function addSpending(
  db: Db,
  accountId: string,
  token: string,
  d: { spent?: bigint; refunded?: bigint },
  timestamp: bigint,
) {
  const id = `${idOf(accountId)}:${idOf(token)}`;
  const row = await db.find(accountSpending, { id });
  const values = {
    spent: (row?.spent ?? 0n) + (d.spent ?? 0n),
    refunded: (row?.refunded ?? 0n) + (d.refunded ?? 0n),
    updatedAt: timestamp,
  };
  await db
    .insert(accountSpending)
    .values({ id, account: idOf(accountId), paymentToken: idOf(token), ...values })
    .onConflictDoUpdate(values);
}

/** Adds to (or, negative, takes from) an account's credit in one token. */
export async function addCredit(
  db: Db,
  accountId: string,
  token: string,
  d: { credited?: bigint; withdrawn?: bigint },
  timestamp: bigint,
) {
  const id = `${idOf(accountId)}:${idOf(token)}`;
  const row = await db.find(credit, { id });
  const credited = (row?.credited ?? 0n) + (d.credited ?? 0n);
  const withdrawn = (row?.withdrawn ?? 0n) + (d.withdrawn ?? 0n);
  const values = { credited, withdrawn, balance: credited - withdrawn, updatedAt: timestamp };
  await db
    .insert(credit)
    .values({ id, account: idOf(accountId), token: idOf(token) as `0x${string}`, ...values })
    .onConflictDoUpdate(values);
}

/** A change to the market statistics caused by one event. */
export interface StatDelta {
  leasesOpened?: number;
  leasesEnded?: number;
  gpuSecondsLeased?: bigint;
  gpuSecondsReleased?: bigint;
  volume?: bigint;
  refunded?: bigint;
  activeLeases?: number;
  outageReports?: number;
  gpuSecondsDelivered?: bigint;
  gpuSecondsDown?: bigint;
  feesPaid?: bigint;
  feeWeightedPriceSum?: bigint;
}

interface StatRow {
  leasesOpened: number;
  leasesEnded: number;
  gpuSecondsLeased: bigint;
  gpuSecondsReleased: bigint;
  volume: bigint;
  refunded: bigint;
  avgPricePerGpuHour: bigint;
  activeLeases: number;
  outageReports: number;
  gpuSecondsDelivered: bigint;
  gpuSecondsDown: bigint;
  feesPaid: bigint;
  feeWeightedPriceSum: bigint;
  updatedAt: bigint;
}

/** Volume-weighted price per GPU-hour of what was leased (the SDK's definition). */
export const avgPrice = averagePricePerGpuHour;

function applied(row: StatRow, d: StatDelta, timestamp: bigint, activeLeases: number): StatRow {
  const gpuSecondsLeased = row.gpuSecondsLeased + (d.gpuSecondsLeased ?? 0n);
  const volume = row.volume + (d.volume ?? 0n);
  return {
    leasesOpened: row.leasesOpened + (d.leasesOpened ?? 0),
    leasesEnded: row.leasesEnded + (d.leasesEnded ?? 0),
    gpuSecondsLeased,
    gpuSecondsReleased: row.gpuSecondsReleased + (d.gpuSecondsReleased ?? 0n),
    volume,
    refunded: row.refunded + (d.refunded ?? 0n),
    avgPricePerGpuHour: avgPrice(volume, gpuSecondsLeased),
    activeLeases,
    outageReports: row.outageReports + (d.outageReports ?? 0),
    gpuSecondsDelivered: row.gpuSecondsDelivered + (d.gpuSecondsDelivered ?? 0n),
    gpuSecondsDown: row.gpuSecondsDown + (d.gpuSecondsDown ?? 0n),
    feesPaid: row.feesPaid + (d.feesPaid ?? 0n),
    feeWeightedPriceSum: row.feeWeightedPriceSum + (d.feeWeightedPriceSum ?? 0n),
    updatedAt: timestamp,
  };
}

const ZERO: StatRow = {
  leasesOpened: 0,
  leasesEnded: 0,
  gpuSecondsLeased: 0n,
  gpuSecondsReleased: 0n,
  volume: 0n,
  refunded: 0n,
  avgPricePerGpuHour: 0n,
  activeLeases: 0,
  outageReports: 0,
  gpuSecondsDelivered: 0n,
  gpuSecondsDown: 0n,
  feesPaid: 0n,
  feeWeightedPriceSum: 0n,
  updatedAt: 0n,
};

/**
 * Applies `d` to the all-time and the daily statistics of the lease's GPU model and region. A day's
 * `activeLeases` is the all-time running count after the day's latest event.
 */
export async function recordStats(
  db: Db,
  key: { gpuModel: string; region: string; paymentToken: string },
  d: StatDelta,
  timestamp: bigint,
) {
  const day = timestamp / SECONDS_PER_DAY;
  const token = idOf(key.paymentToken);

  const modelTotalId = `${key.gpuModel}:${token}`;
  const modelTotal = await db.find(gpuModelStat, { id: modelTotalId });
  const modelRow = applied(
    modelTotal ?? ZERO,
    d,
    timestamp,
    (modelTotal?.activeLeases ?? 0) + (d.activeLeases ?? 0),
  );
  await db
    .insert(gpuModelStat)
    .values({ id: modelTotalId, gpuModel: key.gpuModel, paymentToken: token, ...modelRow })
    .onConflictDoUpdate(modelRow);
  const modelDayId = `${modelTotalId}:${day}`;
  const modelDay = await db.find(gpuModelDayStat, { id: modelDayId });
  const modelDayRow = applied(modelDay ?? ZERO, d, timestamp, modelRow.activeLeases);
  await db
    .insert(gpuModelDayStat)
    .values({
      id: modelDayId,
      gpuModel: key.gpuModel,
      paymentToken: token,
      day: Number(day),
      date: day * SECONDS_PER_DAY,
      ...modelDayRow,
    })
    .onConflictDoUpdate(modelDayRow);

  const regionTotalId = `${key.region}:${token}`;
  const regionTotal = await db.find(regionStat, { id: regionTotalId });
  const regionRow = applied(
    regionTotal ?? ZERO,
    d,
    timestamp,
    (regionTotal?.activeLeases ?? 0) + (d.activeLeases ?? 0),
  );
  await db
    .insert(regionStat)
    .values({ id: regionTotalId, region: key.region, paymentToken: token, ...regionRow })
    .onConflictDoUpdate(regionRow);
  const regionDayId = `${regionTotalId}:${day}`;
  const regionDay = await db.find(regionDayStat, { id: regionDayId });
  const regionDayRow = applied(regionDay ?? ZERO, d, timestamp, regionRow.activeLeases);
  await db
    .insert(regionDayStat)
    .values({
      id: regionDayId,
      region: key.region,
      paymentToken: token,
      day: Number(day),
      date: day * SECONDS_PER_DAY,
      ...regionDayRow,
    })
    .onConflictDoUpdate(regionDayRow);
}
