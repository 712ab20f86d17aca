// Market statistics per GPU model and per region, all-time and per UTC day, as `recordStats` in
// indexer/src/store.ts. A day's `activeLeases` is the all-time running count after the day's latest event.
import { BigInt } from "@graphprotocol/graph-ts";
import { GpuModelDayStat, GpuModelStat, RegionDayStat, RegionStat } from "../../generated/schema";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR, ZERO } from "./ids";

/** A change to the statistics caused by one event. */
export class StatDelta {
  leasesOpened: i32 = 0;
  leasesEnded: i32 = 0;
  gpuSecondsLeased: BigInt = BigInt.zero();
  gpuSecondsReleased: BigInt = BigInt.zero();
  volume: BigInt = BigInt.zero();
  refunded: BigInt = BigInt.zero();
  activeLeases: i32 = 0;
  outageReports: i32 = 0;
  gpuSecondsDelivered: BigInt = BigInt.zero();
  gpuSecondsDown: BigInt = BigInt.zero();
  feesPaid: BigInt = BigInt.zero();
  feeWeightedPriceSum: BigInt = BigInt.zero();
}

/** Volume-weighted price per GPU-hour: volume × 3600 / GPU-seconds, rounded down. */
export function avgPrice(volume: BigInt, gpuSeconds: BigInt): BigInt {
  return gpuSeconds.equals(ZERO) ? ZERO : volume.times(SECONDS_PER_HOUR).div(gpuSeconds);
}

/** delivered ÷ (delivered + down) in basis points, rounded down; 10,000 when both are 0 (sdk/src/pricing.ts). */
export function availabilityBps(delivered: BigInt, down: BigInt): i32 {
  let total = delivered.plus(down);
  if (total.equals(ZERO)) return 10000;
  return delivered.times(BigInt.fromI32(10000)).div(total).toI32();
}

function modelTotal(id: string, gpuModel: string, token: string, d: StatDelta, ts: BigInt): i32 {
  let s = GpuModelStat.load(id);
  if (s == null) {
    s = new GpuModelStat(id);
    s.gpuModel = gpuModel;
    s.paymentToken = token;
    s.leasesOpened = 0;
    s.leasesEnded = 0;
    s.gpuSecondsLeased = ZERO;
    s.gpuSecondsReleased = ZERO;
    s.volume = ZERO;
    s.refunded = ZERO;
    s.activeLeases = 0;
    s.outageReports = 0;
    s.gpuSecondsDelivered = ZERO;
    s.gpuSecondsDown = ZERO;
    s.feesPaid = ZERO;
    s.feeWeightedPriceSum = ZERO;
  }
  s.leasesOpened += d.leasesOpened;
  s.leasesEnded += d.leasesEnded;
  s.gpuSecondsLeased = s.gpuSecondsLeased.plus(d.gpuSecondsLeased);
  s.gpuSecondsReleased = s.gpuSecondsReleased.plus(d.gpuSecondsReleased);
  s.volume = s.volume.plus(d.volume);
  s.refunded = s.refunded.plus(d.refunded);
  s.outageReports += d.outageReports;
  s.gpuSecondsDelivered = s.gpuSecondsDelivered.plus(d.gpuSecondsDelivered);
  s.gpuSecondsDown = s.gpuSecondsDown.plus(d.gpuSecondsDown);
  s.feesPaid = s.feesPaid.plus(d.feesPaid);
  s.feeWeightedPriceSum = s.feeWeightedPriceSum.plus(d.feeWeightedPriceSum);
  s.avgPricePerGpuHour = avgPrice(s.volume, s.gpuSecondsLeased);
  s.activeLeases += d.activeLeases;
  s.updatedAt = ts;
  s.save();
  return s.activeLeases;
}

function modelDay(
  id: string,
  gpuModel: string,
  token: string,
  day: BigInt,
  d: StatDelta,
  active: i32,
  ts: BigInt,
): void {
  let s = GpuModelDayStat.load(id);
  if (s == null) {
    s = new GpuModelDayStat(id);
    s.gpuModel = gpuModel;
    s.paymentToken = token;
    s.day = day.toI32();
    s.date = day.times(SECONDS_PER_DAY);
    s.leasesOpened = 0;
    s.leasesEnded = 0;
    s.gpuSecondsLeased = ZERO;
    s.gpuSecondsReleased = ZERO;
    s.volume = ZERO;
    s.refunded = ZERO;
    s.outageReports = 0;
    s.gpuSecondsDelivered = ZERO;
    s.gpuSecondsDown = ZERO;
    s.feesPaid = ZERO;
    s.feeWeightedPriceSum = ZERO;
  }
  s.leasesOpened += d.leasesOpened;
  s.leasesEnded += d.leasesEnded;
  s.gpuSecondsLeased = s.gpuSecondsLeased.plus(d.gpuSecondsLeased);
  s.gpuSecondsReleased = s.gpuSecondsReleased.plus(d.gpuSecondsReleased);
  s.volume = s.volume.plus(d.volume);
  s.refunded = s.refunded.plus(d.refunded);
  s.outageReports += d.outageReports;
  s.gpuSecondsDelivered = s.gpuSecondsDelivered.plus(d.gpuSecondsDelivered);
  s.gpuSecondsDown = s.gpuSecondsDown.plus(d.gpuSecondsDown);
  s.feesPaid = s.feesPaid.plus(d.feesPaid);
  s.feeWeightedPriceSum = s.feeWeightedPriceSum.plus(d.feeWeightedPriceSum);
  s.avgPricePerGpuHour = avgPrice(s.volume, s.gpuSecondsLeased);
  s.activeLeases = active;
  s.updatedAt = ts;
  s.save();
}

function regionTotal(id: string, region: string, token: string, d: StatDelta, ts: BigInt): i32 {
  let s = RegionStat.load(id);
  if (s == null) {
    s = new RegionStat(id);
    s.region = region;
    s.paymentToken = token;
    s.leasesOpened = 0;
    s.leasesEnded = 0;
    s.gpuSecondsLeased = ZERO;
    s.gpuSecondsReleased = ZERO;
    s.volume = ZERO;
    s.refunded = ZERO;
    s.activeLeases = 0;
    s.outageReports = 0;
    s.gpuSecondsDelivered = ZERO;
    s.gpuSecondsDown = ZERO;
    s.feesPaid = ZERO;
    s.feeWeightedPriceSum = ZERO;
  }
  s.leasesOpened += d.leasesOpened;
  s.leasesEnded += d.leasesEnded;
  s.gpuSecondsLeased = s.gpuSecondsLeased.plus(d.gpuSecondsLeased);
  s.gpuSecondsReleased = s.gpuSecondsReleased.plus(d.gpuSecondsReleased);
  s.volume = s.volume.plus(d.volume);
  s.refunded = s.refunded.plus(d.refunded);
  s.outageReports += d.outageReports;
  s.gpuSecondsDelivered = s.gpuSecondsDelivered.plus(d.gpuSecondsDelivered);
  s.gpuSecondsDown = s.gpuSecondsDown.plus(d.gpuSecondsDown);
  s.feesPaid = s.feesPaid.plus(d.feesPaid);
  s.feeWeightedPriceSum = s.feeWeightedPriceSum.plus(d.feeWeightedPriceSum);
  s.avgPricePerGpuHour = avgPrice(s.volume, s.gpuSecondsLeased);
  s.activeLeases += d.activeLeases;
  s.updatedAt = ts;
  s.save();
  return s.activeLeases;
}

function regionDay(
  id: string,
  region: string,
  token: string,
  day: BigInt,
  d: StatDelta,
  active: i32,
  ts: BigInt,
): void {
  let s = RegionDayStat.load(id);
  if (s == null) {
    s = new RegionDayStat(id);
    s.region = region;
    s.paymentToken = token;
    s.day = day.toI32();
    s.date = day.times(SECONDS_PER_DAY);
    s.leasesOpened = 0;
    s.leasesEnded = 0;
    s.gpuSecondsLeased = ZERO;
    s.gpuSecondsReleased = ZERO;
    s.volume = ZERO;
    s.refunded = ZERO;
    s.outageReports = 0;
    s.gpuSecondsDelivered = ZERO;
    s.gpuSecondsDown = ZERO;
    s.feesPaid = ZERO;
    s.feeWeightedPriceSum = ZERO;
  }
  s.leasesOpened += d.leasesOpened;
  s.leasesEnded += d.leasesEnded;
  s.gpuSecondsLeased = s.gpuSecondsLeased.plus(d.gpuSecondsLeased);
  s.gpuSecondsReleased = s.gpuSecondsReleased.plus(d.gpuSecondsReleased);
  s.volume = s.volume.plus(d.volume);
  s.refunded = s.refunded.plus(d.refunded);
  s.outageReports += d.outageReports;
  s.gpuSecondsDelivered = s.gpuSecondsDelivered.plus(d.gpuSecondsDelivered);
  s.gpuSecondsDown = s.gpuSecondsDown.plus(d.gpuSecondsDown);
  s.feesPaid = s.feesPaid.plus(d.feesPaid);
  s.feeWeightedPriceSum = s.feeWeightedPriceSum.plus(d.feeWeightedPriceSum);
  s.avgPricePerGpuHour = avgPrice(s.volume, s.gpuSecondsLeased);
  s.activeLeases = active;
  s.updatedAt = ts;
  s.save();
}

/** Applies `d` to the all-time and daily statistics of a lease's GPU model and region. */
export function recordStats(
  gpuModel: string,
  region: string,
  token: string,
  d: StatDelta,
  timestamp: BigInt,
): void {
  let day = timestamp.div(SECONDS_PER_DAY);
  let modelId = gpuModel + ":" + token;
  let modelActive = modelTotal(modelId, gpuModel, token, d, timestamp);
  modelDay(modelId + ":" + day.toString(), gpuModel, token, day, d, modelActive, timestamp);
  let regionId = region + ":" + token;
  let regionActive = regionTotal(regionId, region, token, d, timestamp);
  regionDay(regionId + ":" + day.toString(), region, token, day, d, regionActive, timestamp);
}
