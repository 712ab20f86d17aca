/**
 * Lease arithmetic, mirroring contracts/libraries/LeaseMath.sol to the last base unit.
 * Every amount is floor(pricePerGpuHour × gpus × seconds / 3600).
 */

export const SECONDS_PER_HOUR = 3600n;
export const BPS = 10_000n;

/** Cost of `gpus` GPUs for `seconds` seconds at `pricePerGpuHour` (token base units), rounded down. */
export function cost(pricePerGpuHour: bigint, gpus: bigint, seconds: bigint): bigint {
  if (pricePerGpuHour < 0n || gpus < 0n || seconds < 0n)
    throw new RangeError("cost: negative input");
  return (pricePerGpuHour * gpus * seconds) / SECONDS_PER_HOUR;
}

/** Seconds of service delivered at `now` by a lease that started at `start` and lasts `duration`. */
export function elapsed(start: bigint, duration: bigint, now: bigint): bigint {
  if (now <= start) return 0n;
  const e = now - start;
  return e < duration ? e : duration;
}

/** Protocol share of a cumulative gross amount, rounded down. */
export function feeOn(grossCumulative: bigint, feeBps: bigint): bigint {
  return (grossCumulative * feeBps) / BPS;
}

/**
 * The penalty a lease on an offer reserves from the provider's bond while it is live, and pays its buyer when the
 * provider fails it: minProviderBond × PENALTY_BPS / 10,000, rounded down (the market's `_penaltyOf`).
 */
export function penalty(minProviderBond: bigint, penaltyBps: bigint): bigint {
  return (minProviderBond * penaltyBps) / BPS;
}

/** Volume-weighted price per GPU-hour of what was leased: volume × 3600 / GPU-seconds, rounded down; 0 for none. */
export function averagePricePerGpuHour(volume: bigint, gpuSeconds: bigint): bigint {
  return gpuSeconds === 0n ? 0n : (volume * SECONDS_PER_HOUR) / gpuSeconds;
}

/**
 * A provider's availability, as both indexers compute it (indexer/README.md, "Outages"): delivered ÷ (delivered +
 * down) GPU-seconds of its ended leases, in basis points rounded down; 10,000 when there is neither.
 */
export function availabilityBps(gpuSecondsDelivered: bigint, gpuSecondsDown: bigint): number {
  if (gpuSecondsDelivered < 0n || gpuSecondsDown < 0n)
    throw new RangeError("GPU-seconds delivered and down must not be negative");
  const total = gpuSecondsDelivered + gpuSecondsDown;
  return total === 0n ? Number(BPS) : Number((gpuSecondsDelivered * BPS) / total);
}

/** Terms of a lease needed to price it. */
export interface LeaseTerms {
  pricePerGpuHour: bigint;
  gpusPerUnit: bigint;
  units: bigint;
  /** Billed duration in seconds. */
  duration: bigint;
  feeBps: bigint;
}

/** The deposit escrowed when a lease with these terms opens. */
export function deposit(t: LeaseTerms): bigint {
  return cost(t.pricePerGpuHour, t.gpusPerUnit * t.units, t.duration);
}

/** The top-up `extendLease` pulls for `addedSeconds` more. */
export function extensionCost(t: LeaseTerms, addedSeconds: bigint): bigint {
  const gpus = t.gpusPerUnit * t.units;
  return (
    cost(t.pricePerGpuHour, gpus, t.duration + addedSeconds) -
    cost(t.pricePerGpuHour, gpus, t.duration)
  );
}

/** How a lease's deposit splits if it ends after `usedSeconds` of service. */
export interface Settlement {
  deposit: bigint;
  accrued: bigint;
  refund: bigint;
  fee: bigint;
  toProvider: bigint;
}

/** Settlement of a lease that ends after `usedSeconds` (clamped to its duration). */
export function settle(t: LeaseTerms, usedSeconds: bigint): Settlement {
  const used = usedSeconds < 0n ? 0n : usedSeconds > t.duration ? t.duration : usedSeconds;
  const d = deposit(t);
  const accrued = cost(t.pricePerGpuHour, t.gpusPerUnit * t.units, used);
  const fee = feeOn(accrued, t.feeBps);
  return { deposit: d, accrued, refund: d - accrued, fee, toProvider: accrued - fee };
}

/* Outages: billing in unit-seconds (GridleaseMarketState's `_accruedAt`, `_billedUnitSeconds`, `_downUnitSeconds`). */

/** Reports a lease may take (the market's MAX_OUTAGE_REPORTS); reaching it opens the unresolved-outage exit. */
export const MAX_OUTAGE_REPORTS = 12n;

/** A lease's outage record, as `getOutage` returns it (all zero for a lease that never had a report). */
export interface OutageRecord {
  /** When the open outage (or its last raise) began; 0 when none is open. */
  since: bigint;
  /** The open (or last) outage's repair deadline. */
  deadline: bigint;
  /** When the last outage was resolved; 0 before any. */
  lastResolved: bigint;
  /** Servers down in the open outage. */
  downUnits: bigint;
  /** Reports filed on the lease. */
  reports: bigint;
  /** Seconds the lease's end moved later for resolved downtime. */
  extension: bigint;
  /** Down unit-seconds of resolved outages and of raises (the open part not included). */
  downUnitSeconds: bigint;
}

/** A lease's outage record from `getOutage`'s viem result (numbers widened to bigint). */
export function toOutageRecord(o: {
  since: number | bigint;
  deadline: number | bigint;
  lastResolved: number | bigint;
  downUnits: number | bigint;
  reports: number | bigint;
  extension: number | bigint;
  downUnitSeconds: number | bigint;
}): OutageRecord {
  return {
    since: BigInt(o.since),
    deadline: BigInt(o.deadline),
    lastResolved: BigInt(o.lastResolved),
    downUnits: BigInt(o.downUnits),
    reports: BigInt(o.reports),
    extension: BigInt(o.extension),
    downUnitSeconds: BigInt(o.downUnitSeconds),
  };
}

/** When an active or ended lease ends: start + paid duration + the time resolved outages added. */
export function leaseEnd(start: bigint, duration: bigint, outage?: OutageRecord): bigint {
  return start + duration + (outage?.extension ?? 0n);
}

/** Down unit-seconds of a lease's outages up to `t`, the open outage's included. */
export function downUnitSecondsAt(outage: OutageRecord, t: bigint): bigint {
  const open = outage.since !== 0n && t > outage.since ? outage.downUnits * (t - outage.since) : 0n;
  return outage.downUnitSeconds + open;
}

/**
 * Billed unit-seconds of an active or ended lease up to `t` (clamped to its end): every server's seconds of service
 * less the down unit-seconds.
 */
export function billedUnitSeconds(
  units: bigint,
  start: bigint,
  duration: bigint,
  t: bigint,
  outage?: OutageRecord,
): bigint {
  const served = elapsed(start, duration + (outage?.extension ?? 0n), t);
  return units * served - (outage ? downUnitSecondsAt(outage, start + served) : 0n);
}

/** Gross amount an active or ended lease has earned by `t`: its billed unit-seconds at its price, rounded down once. */
export function accruedAt(
  t: LeaseTerms & { start: bigint },
  now: bigint,
  outage?: OutageRecord,
): bigint {
  return cost(
    t.pricePerGpuHour,
    t.gpusPerUnit,
    billedUnitSeconds(t.units, t.start, t.duration, now, outage),
  );
}

/**
 * Whether anyone may end the lease as OutageUnresolved at `now`: its open outage's repair deadline passed before now
 * and before the lease's end, or it reached MAX_OUTAGE_REPORTS while running.
 */
export function unresolvedExitOpen(outage: OutageRecord, end: bigint, now: bigint): boolean {
  if (outage.since !== 0n && now > outage.deadline && outage.deadline < end) return true;
  return outage.reports >= MAX_OUTAGE_REPORTS && now < end;
}
