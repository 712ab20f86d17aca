/**
 * The indexer's market statistics, all-time and per UTC day, per GPU model or region and payment token, as GraphQL
 * returns them (`Raw*`) and as callers use them (bigints), with the mappers between. GPU time is in GPU-seconds.
 */
import type { Address } from "viem";
import { addr, big } from "./convert.ts";
import type { Ref } from "./rows.ts";

// The columns every statistic has (indexer/ponder.schema.ts `statColumns`).
const STAT_COLUMNS =
  "paymentToken { id } leasesOpened leasesEnded gpuSecondsLeased gpuSecondsReleased volume refunded avgPricePerGpuHour activeLeases outageReports gpuSecondsDelivered gpuSecondsDown feesPaid feeWeightedPriceSum updatedAt";

/** Selection of an all-time GPU-model statistic. */
export const GPU_MODEL_STAT_FIELDS = `id gpuModel ${STAT_COLUMNS}`;
/** Selection of a GPU model's statistic of one day. */
export const GPU_MODEL_DAY_STAT_FIELDS = `id gpuModel day date ${STAT_COLUMNS}`;
/** Selection of a region's statistic of one day. */
export const REGION_DAY_STAT_FIELDS = `id region day date ${STAT_COLUMNS}`;

/** The columns of every raw statistic row. */
export interface RawStat {
  id: string;
  paymentToken: Ref;
  leasesOpened: number;
  leasesEnded: number;
  gpuSecondsLeased: string;
  gpuSecondsReleased: string;
  volume: string;
  refunded: string;
  avgPricePerGpuHour: string;
  activeLeases: number;
  outageReports: number;
  gpuSecondsDelivered: string;
  gpuSecondsDown: string;
  feesPaid: string;
  feeWeightedPriceSum: string;
  updatedAt: string;
}
export interface RawGpuModelStat extends RawStat {
  gpuModel: string;
}
export interface RawGpuModelDayStat extends RawGpuModelStat {
  day: number;
  date: string;
}
export interface RawRegionDayStat extends RawStat {
  region: string;
  day: number;
  date: string;
}

/** What a statistic counts, in one payment token. */
export interface IndexedStat {
  id: string;
  paymentToken: Address;
  leasesOpened: number;
  leasesEnded: number;
  gpuSecondsLeased: bigint;
  /** GPU-seconds given back by leases ended before their term. */
  gpuSecondsReleased: bigint;
  volume: bigint;
  refunded: bigint;
  /** Volume-weighted average price per GPU-hour (`averagePricePerGpuHour` of volume and GPU-seconds). */
  avgPricePerGpuHour: bigint;
  activeLeases: number;
  /** Outage reports filed (raises included). */
  outageReports: number;
  /** GPU-seconds delivered (billed) by leases that ended, booked at their end. */
  gpuSecondsDelivered: bigint;
  /** GPU-seconds down of leases that ended, booked at their end (pricing's `availabilityBps(delivered, down)`). */
  gpuSecondsDown: bigint;
  /** Protocol fees paid by the leases that ended, booked at their end. */
  feesPaid: bigint;
  /** Σ price per GPU-hour × fee paid over those leases: see {@link feeWeightedPricePerGpuHour}. */
  feeWeightedPriceSum: bigint;
  updatedAt: bigint;
}
/** All-time statistics of one GPU model in one payment token. */
export interface IndexedGpuModelStat extends IndexedStat {
  gpuModel: string;
}
/** One UTC day of one GPU model in one payment token. */
export interface IndexedGpuModelDayStat extends IndexedGpuModelStat {
  /** Days since the Unix epoch. */
  day: number;
  /** The day's first second (Unix time). */
  date: bigint;
}
/** One UTC day of one region in one payment token. */
export interface IndexedRegionDayStat extends IndexedStat {
  region: string;
  day: number;
  date: bigint;
}

const toStat = (r: RawStat): IndexedStat => ({
  id: r.id,
  paymentToken: addr(r.paymentToken.id),
  leasesOpened: r.leasesOpened,
  leasesEnded: r.leasesEnded,
  gpuSecondsLeased: big(r.gpuSecondsLeased),
  gpuSecondsReleased: big(r.gpuSecondsReleased),
  volume: big(r.volume),
  refunded: big(r.refunded),
  avgPricePerGpuHour: big(r.avgPricePerGpuHour),
  activeLeases: r.activeLeases,
  outageReports: r.outageReports,
  gpuSecondsDelivered: big(r.gpuSecondsDelivered),
  gpuSecondsDown: big(r.gpuSecondsDown),
  feesPaid: big(r.feesPaid),
  feeWeightedPriceSum: big(r.feeWeightedPriceSum),
  updatedAt: big(r.updatedAt),
});

/**
 * The price index: the average price per GPU-hour of the leases that ended, each weighted by the protocol fee it
 * paid (docs/reputation.md). A wash lease that paid no fee does not move it, and one that paid a fee moves it only
 * as far as that fee weighs. Undefined when no lease that paid a fee ended.
 */
export function feeWeightedPricePerGpuHour(
  stat: Pick<IndexedStat, "feesPaid" | "feeWeightedPriceSum">,
): bigint | undefined {
  return stat.feesPaid === 0n ? undefined : stat.feeWeightedPriceSum / stat.feesPaid;
}

/** Maps a raw all-time GPU-model statistic. */
export const toGpuModelStat = (r: RawGpuModelStat): IndexedGpuModelStat => ({
  ...toStat(r),
  gpuModel: r.gpuModel,
});

/** Maps a raw GPU-model day statistic. */
export const toGpuModelDayStat = (r: RawGpuModelDayStat): IndexedGpuModelDayStat => ({
  ...toStat(r),
  gpuModel: r.gpuModel,
  day: r.day,
  date: big(r.date),
});

/** Maps a raw region day statistic. */
export const toRegionDayStat = (r: RawRegionDayStat): IndexedRegionDayStat => ({
  ...toStat(r),
  region: r.region,
  day: r.day,
  date: big(r.date),
});
