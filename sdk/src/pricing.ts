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
