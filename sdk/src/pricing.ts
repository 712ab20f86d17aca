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

/* Reserved capacity (issue #12): rolling prepayment, commitments, scaled penalties, top-ups. Each function mirrors
 * the Solidity named beside it (contracts/abstracts/GridleaseMarketState.sol, GridleaseMarketExtension.sol). */

/** The share of a lease's escrowed deposit its penalty is at least (the market's STAKE_PENALTY_BPS: 10%). */
export const STAKE_PENALTY_BPS = 1_000n;
/** The highest exit fee a commitment may set, in bps of the remaining committed value (MAX_EXIT_FEE_BPS). */
export const MAX_EXIT_FEE_BPS = 3_000n;
/** The shortest prepaid window a rolling offer may set (MIN_PREPAID_WINDOW: one day). */
export const MIN_PREPAID_WINDOW = 86_400n;
/** How long an unfunded rolling lease may still be topped up before its provider may end it (GRACE_PERIOD). */
export const GRACE_PERIOD = 3n * 86_400n;

/** An offer's reserved-capacity terms (`getOfferTerms`, `OfferTermsSet`); a zero field means "not offered". */
export interface ReservedTerms {
  /** Seconds a rolling lease prepays at least (or its whole term if shorter); 0: leases prepay in full. */
  prepaidWindow: bigint;
  /** Seconds from activation during which the buyer's exit costs something; 0: no commitment. */
  commitment: bigint;
  /** Seconds of billed notice an early exit costs (or 0 with an exit fee). */
  noticePeriod: bigint;
  /** Exit fee in bps of the remaining committed value (or 0 with a notice period). */
  exitFeeBps: bigint;
}

/** `getOfferTerms`'s viem result (small integers as numbers) with every field a bigint. */
export function toReservedTerms(t: {
  prepaidWindow: number | bigint;
  commitment: number | bigint;
  noticePeriod: number | bigint;
  exitFeeBps: number | bigint;
}): ReservedTerms {
  return {
    prepaidWindow: BigInt(t.prepaidWindow),
    commitment: BigInt(t.commitment),
    noticePeriod: BigInt(t.noticePeriod),
    exitFeeBps: BigInt(t.exitFeeBps),
  };
}

/** Terms of an offer without reserved capacity: everything zero. */
export const NO_RESERVED_TERMS: ReservedTerms = {
  prepaidWindow: 0n,
  commitment: 0n,
  noticePeriod: 0n,
  exitFeeBps: 0n,
};

/**
 * What a committed rolling lease of `gpus` GPUs escrows at open for its exit (`_exitEscrowOf`): the notice's cost,
 * or the exit fee on the whole committed value; 0 without a commitment. No early exit can charge more.
 */
export function exitEscrow(terms: ReservedTerms, price: bigint, gpus: bigint): bigint {
  if (terms.commitment === 0n) return 0n;
  if (terms.noticePeriod !== 0n) return cost(price, gpus, terms.noticePeriod);
  return feeOn(cost(price, gpus, terms.commitment), terms.exitFeeBps);
}

/** Whole hours of committed time left at `at`, in seconds (rounded down: a quote holds until the hour turns). */
export function committedSecondsLeft(terms: ReservedTerms, start: bigint, at: bigint): bigint {
  const commitEnd = start + terms.commitment;
  if (terms.commitment === 0n || at >= commitEnd) return 0n;
  const left = commitEnd - at;
  return left - (left % SECONDS_PER_HOUR);
}

/**
 * What the buyer's exit at `at` costs `gpus` GPUs of a lease activated at `start` (`_exitChargeAt`): nothing after
 * the commitment; before it, the notice (at most the committed whole hours left) or the exit fee on the remaining
 * committed value, in whole hours. Pass the GPUs of the servers that leave (all of them for a termination).
 */
export function exitCharge(
  terms: ReservedTerms,
  p: { price: bigint; gpus: bigint; start: bigint; at: bigint },
): bigint {
  const left = committedSecondsLeft(terms, p.start, p.at);
  if (left === 0n) return 0n;
  if (terms.noticePeriod !== 0n)
    return cost(p.price, p.gpus, left < terms.noticePeriod ? left : terms.noticePeriod);
  return feeOn(cost(p.price, p.gpus, left), terms.exitFeeBps);
}

/** The penalty a lease with `stake` escrowed reserves (`_penaltyFor`): STAKE_PENALTY_BPS of it, at least `floor`. */
export function stakePenalty(floor: bigint, stake: bigint): bigint {
  const scaled = (stake * STAKE_PENALTY_BPS) / BPS;
  return scaled > floor ? scaled : floor;
}

/** What `openRollingLease` escrows and reserves: the funded seconds' cost plus the exit escrow, and its penalty. */
export function rollingDeposit(
  terms: ReservedTerms,
  p: { price: bigint; gpus: bigint; funded: bigint; penaltyFloor?: bigint },
): { deposit: bigint; exitEscrow: bigint; penalty: bigint } {
  const escrow = exitEscrow(terms, p.price, p.gpus);
  const deposit = cost(p.price, p.gpus, p.funded) + escrow;
  return { deposit, exitEscrow: escrow, penalty: stakePenalty(p.penaltyFloor ?? 0n, deposit) };
}

/** The funded seconds `openRollingLease` accepts for a `term`: from min(window, term) to the term. */
export function fundingRange(terms: ReservedTerms, term: bigint): { min: bigint; max: bigint } {
  return { min: terms.prepaidWindow < term ? terms.prepaidWindow : term, max: term };
}

/** Seconds of funding left at `now`: the funded end minus now, 0 once unfunded. */
export function runway(fundedUntil: bigint, now: bigint): bigint {
  return fundedUntil > now ? fundedUntil - now : 0n;
}

/** What `executeTopUp` reads to size a top-up: the lease, its offer's window and the buyer's allowance. */
export interface TopUpInput {
  /** The lease's locked price per GPU-hour. */
  price: bigint;
  /** GPUs of the lease now (gpusPerUnit × units). */
  gpus: bigint;
  /** Funded seconds (the lease's `duration`). */
  funded: bigint;
  /** The lease's term in seconds. */
  term: bigint;
  /** When its funding runs out (`getLeaseTerms().fundedUntil`). */
  fundedUntil: bigint;
  /** The offer's prepaid window. */
  prepaidWindow: bigint;
  /** The allowance (`getTopUpAllowance`); perTopUp 0 means none. */
  perTopUp: bigint;
  remaining: bigint;
  runwayThreshold: bigint;
  now: bigint;
}

/** The largest number of seconds whose top-up from `funded` costs at most `budget` (cost is floor-rounded). */
function secondsAffordable(price: bigint, gpus: bigint, funded: bigint, budget: bigint): bigint {
  const rate = price * gpus;
  if (rate === 0n) return MAX_SECONDS;
  // cost(funded + a) <= budget + cost(funded) <=> rate × (funded + a) < (budget + cost(funded) + 1) × 3600.
  const ceilingTotal = ((budget + cost(price, gpus, funded) + 1n) * SECONDS_PER_HOUR - 1n) / rate;
  return ceilingTotal > funded ? ceilingTotal - funded : 0n;
}
const MAX_SECONDS = (1n << 64n) - 1n;

/**
 * The largest top-up `executeTopUp` accepts now, and what it pulls: min(term − funded, now + window − funded end,
 * the seconds the per-top-up cap and what remains of the allowance afford); 0 seconds when there is no allowance
 * or the runway is not below the threshold.
 */
export function maxTopUp(t: TopUpInput): { addedDuration: bigint; amount: bigint } {
  const none = { addedDuration: 0n, amount: 0n };
  if (t.perTopUp === 0n || runway(t.fundedUntil, t.now) >= t.runwayThreshold) return none;
  const budget = t.perTopUp < t.remaining ? t.perTopUp : t.remaining;
  const limits = [
    t.term - t.funded,
    t.now + t.prepaidWindow - t.fundedUntil,
    secondsAffordable(t.price, t.gpus, t.funded, budget),
  ];
  const added = limits.reduce((a, b) => (b < a ? b : a));
  if (added <= 0n) return none;
  return { addedDuration: added, amount: topUpCost(t.price, t.gpus, t.funded, added) };
}

/** What a top-up of `added` seconds pulls from the buyer: cost(funded + added) − cost(funded). */
export function topUpCost(price: bigint, gpus: bigint, funded: bigint, added: bigint): bigint {
  return cost(price, gpus, funded + added) - cost(price, gpus, funded);
}
