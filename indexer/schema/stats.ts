/**
 * The market statistics: per GPU model and per region, each all-time and per UTC day, in one payment token.
 * Tables only (their relations are in ../ponder.schema.ts, which re-exports these). Definitions in indexer/README.md.
 */
import { index, onchainTable, type PgColumnsBuilders } from "ponder";

/** Columns every market statistic has, all-time or per day. */
const statColumns = (t: PgColumnsBuilders) => ({
  paymentToken: t.text().notNull(),
  leasesOpened: t.integer().notNull(),
  leasesEnded: t.integer().notNull(),
  gpuSecondsLeased: t.bigint().notNull(),
  gpuSecondsReleased: t.bigint().notNull(),
  volume: t.bigint().notNull(),
  refunded: t.bigint().notNull(),
  avgPricePerGpuHour: t.bigint().notNull(),
  activeLeases: t.integer().notNull(),
  /** Outage reports filed (raises included). */
  outageReports: t.integer().notNull(),
  /** GPU-seconds delivered (billed) by leases that ended, counted at their end. */
  gpuSecondsDelivered: t.bigint().notNull(),
  /** GPU-seconds down of leases that ended, counted at their end. */
  gpuSecondsDown: t.bigint().notNull(),
  /** Protocol fee paid by leases that ended, floor(accrued × feeBps / 10,000) each, counted at their end. */
  feesPaid: t.bigint().notNull(),
  /** Σ price per GPU-hour × fee paid over the same leases: ÷ feesPaid is the fee-weighted price index. */
  feeWeightedPriceSum: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
});

/** All-time statistics of one GPU model in one payment token. */
export const gpuModelStat = onchainTable("gpu_model_stat", (t) => ({
  id: t.text().primaryKey(),
  gpuModel: t.text().notNull(),
  ...statColumns(t),
}));

/** One UTC day of one GPU model in one payment token: the price index and the volume charts. */
export const gpuModelDayStat = onchainTable(
  "gpu_model_day_stat",
  (t) => ({
    id: t.text().primaryKey(),
    gpuModel: t.text().notNull(),
    day: t.integer().notNull(),
    date: t.bigint().notNull(),
    ...statColumns(t),
  }),
  (table) => ({ modelDayIdx: index().on(table.gpuModel, table.day) }),
);

/** All-time statistics of one region in one payment token. */
export const regionStat = onchainTable("region_stat", (t) => ({
  id: t.text().primaryKey(),
  region: t.text().notNull(),
  ...statColumns(t),
}));

/** One UTC day of one region in one payment token. */
export const regionDayStat = onchainTable(
  "region_day_stat",
  (t) => ({
    id: t.text().primaryKey(),
    region: t.text().notNull(),
    day: t.integer().notNull(),
    date: t.bigint().notNull(),
    ...statColumns(t),
  }),
  (table) => ({ regionDayIdx: index().on(table.region, table.day) }),
);
