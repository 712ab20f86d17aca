/**
 * A provider's reputation score, from evidence weighted by the protocol fees behind it (docs/reputation.md).
 *
 * Every input is a sum of micro-USD of protocol fee, never a count: a lease, its GPU-hours and its review weigh
 * what its fee was worth, so padding a record costs the padder that fee. A lease that paid no fee (under 40 base
 * units at 2.5 %) weighs nothing, and 576,000 GPU-hours at 1 base unit per GPU-hour weigh about a cent. Each
 * component starts at a prior that takes PRIOR_USD_MICROS of evidence to move halfway, so a provider with no
 * record is neither trusted nor condemned, and buying a record costs real fees. All maths is integer.
 *
 *   const rep = providerReputation(inputs, nowSeconds); // rep.scoreBps, rep.components.uptime.inputs, ...
 */
import { BPS, feeOn } from "./pricing.ts";
import { EndReason, type EndReasonName } from "./status.ts";

/** Reference value of one whole token, in micro-USD, used to weigh fees paid in it (other tokens weigh 0). */
export const FEE_REFERENCE_USD_MICROS: Readonly<Record<string, bigint>> = Object.freeze({
  GRID: 400_000n,
  tUSD: 1_000_000n,
  USDC: 1_000_000n,
});

/** `amount` base units of the token `symbol` (with `decimals`) in micro-USD, rounded down; 0 for an unknown token. */
export function feeUsdMicros(amount: bigint, symbol: string, decimals: number): bigint {
  if (amount < 0n) throw new RangeError(`feeUsdMicros: negative amount ${amount}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77)
    throw new RangeError(`feeUsdMicros: decimals must be an integer in 0..77, got ${decimals}`);
  const rate = Object.hasOwn(FEE_REFERENCE_USD_MICROS, symbol)
    ? (FEE_REFERENCE_USD_MICROS[symbol] ?? 0n)
    : 0n;
  return (amount * rate) / 10n ** BigInt(decimals);
}

/** The evidence behind a provider's score: every weight is micro-USD of protocol fee (docs/reputation.md). */
export interface ReputationInputs {
  /** Fee paid by its leases that ended Expired or BuyerTerminated. */
  completedWeight: bigint;
  /** Fee the whole deposit would have paid, over leases it failed (no-show, provider terminated, outage unresolved). */
  faultWeight: bigint;
  /** The NoShowCancelled part of faultWeight. */
  noShowWeight: bigint;
  /** Fee paid by ended leases that were activated. */
  deliveredWeight: bigint;
  /** deliveredWeight, each lease's share scaled by served ÷ (served + down in outages open at least 15 minutes). */
  uptimeWeight: bigint;
  /** Fee paid by the leases of its reviews (counted once the lease ended). */
  reviewWeight: bigint;
  /** Σ that fee × the review's score (1..5). */
  reviewScoreWeight: bigint;
  /** Fee paid by all its ended leases. */
  feesPaidUsdMicros: bigint;
  /** Latest validUntil of an unrevoked Pass audit of its offers by a published auditor; 0 for none. */
  auditedUntil: bigint;
}

/** The names of the inputs: the fields the indexers keep on each provider under the same names. */
export const REPUTATION_INPUT_FIELDS = [
  "completedWeight",
  "faultWeight",
  "noShowWeight",
  "deliveredWeight",
  "uptimeWeight",
  "reviewWeight",
  "reviewScoreWeight",
  "feesPaidUsdMicros",
  "auditedUntil",
] as const satisfies readonly (keyof ReputationInputs)[];

/** A provider with no record. */
export const NO_EVIDENCE: Readonly<ReputationInputs> = Object.freeze({
  completedWeight: 0n,
  faultWeight: 0n,
  noShowWeight: 0n,
  deliveredWeight: 0n,
  uptimeWeight: 0n,
  reviewWeight: 0n,
  reviewScoreWeight: 0n,
  feesPaidUsdMicros: 0n,
  auditedUntil: 0n,
});

/** Evidence summed (auditedUntil: the later of the two). */
export function addEvidence(a: ReputationInputs, b: ReputationInputs): ReputationInputs {
  return {
    completedWeight: a.completedWeight + b.completedWeight,
    faultWeight: a.faultWeight + b.faultWeight,
    noShowWeight: a.noShowWeight + b.noShowWeight,
    deliveredWeight: a.deliveredWeight + b.deliveredWeight,
    uptimeWeight: a.uptimeWeight + b.uptimeWeight,
    reviewWeight: a.reviewWeight + b.reviewWeight,
    reviewScoreWeight: a.reviewScoreWeight + b.reviewScoreWeight,
    feesPaidUsdMicros: a.feesPaidUsdMicros + b.feesPaidUsdMicros,
    auditedUntil: a.auditedUntil > b.auditedUntil ? a.auditedUntil : b.auditedUntil,
  };
}

/** An ended lease, as much of it as its evidence needs. */
export interface EndedLease {
  endReason: EndReasonName;
  /** Whether the provider activated it (a no-show never was). */
  activated: boolean;
  /** The fee rate locked into the lease. */
  feeBps: bigint;
  /** What it billed in total, in token base units. */
  accrued: bigint;
  /** What its buyer escrowed (deposit and top-ups), in token base units. */
  deposit: bigint;
  /** GPU-seconds billed. */
  gpuSecondsServed: bigint;
  /** GPU-seconds down in outages that stayed open at least OUTAGE_MIN_SECONDS. */
  gpuSecondsDown: bigint;
  /** The payment token's symbol and decimals. */
  symbol: string;
  decimals: number;
}

/** Outages shorter than this (15 minutes) do not count against uptime. */
export const OUTAGE_MIN_SECONDS = 900n;

const FAULTS: ReadonlySet<EndReasonName> = new Set([
  "NoShowCancelled",
  "ProviderTerminated",
  "OutageUnresolved",
]);
const COMPLETIONS: ReadonlySet<EndReasonName> = new Set(["Expired", "BuyerTerminated"]);

/** The fee an ended lease paid, in micro-USD: usd(floor(accrued × feeBps / 10,000)). */
export function paidFeeUsdMicros(lease: EndedLease): bigint {
  return feeUsdMicros(feeOn(lease.accrued, lease.feeBps), lease.symbol, lease.decimals);
}

/**
 * What one ended lease adds to its provider's record. A failed lease weighs the fee its whole deposit would have
 * paid, so a no-show costs weight even though it paid no fee.
 */
export function leaseEvidence(lease: EndedLease): ReputationInputs {
  if (!(lease.endReason in EndReason) || lease.endReason === "None")
    throw new RangeError(`leaseEvidence: the lease has not ended (endReason ${lease.endReason})`);
  if (lease.gpuSecondsServed < 0n || lease.gpuSecondsDown < 0n)
    throw new RangeError("leaseEvidence: GPU-seconds must not be negative");
  const paid = paidFeeUsdMicros(lease);
  const fault = FAULTS.has(lease.endReason)
    ? feeUsdMicros(feeOn(lease.deposit, lease.feeBps), lease.symbol, lease.decimals)
    : 0n;
  const seconds = lease.gpuSecondsServed + lease.gpuSecondsDown;
  const delivered = lease.activated ? paid : 0n;
  return {
    ...NO_EVIDENCE,
    completedWeight: COMPLETIONS.has(lease.endReason) ? paid : 0n,
    faultWeight: fault,
    noShowWeight: lease.endReason === "NoShowCancelled" ? fault : 0n,
    deliveredWeight: delivered,
    uptimeWeight: seconds === 0n ? delivered : (delivered * lease.gpuSecondsServed) / seconds,
    feesPaidUsdMicros: paid,
  };
}

/** What a review of a lease that paid `paidFeeUsdMicros` adds, once that lease has ended. */
export function reviewEvidence(paidFeeUsdMicros: bigint, score: number): ReputationInputs {
  if (!Number.isInteger(score) || score < 1 || score > 5)
    throw new RangeError(`reviewEvidence: score must be 1..5, got ${score}`);
  if (paidFeeUsdMicros < 0n) throw new RangeError("reviewEvidence: negative fee");
  return {
    ...NO_EVIDENCE,
    reviewWeight: paidFeeUsdMicros,
    reviewScoreWeight: paidFeeUsdMicros * BigInt(score),
  };
}

/** An audit of one of a provider's offers, as the indexers store it. */
export interface AuditRecord {
  auditor: string;
  /** 1 Pass, 2 Fail. */
  verdict: number;
  validUntil: bigint;
  /** When it was revoked; null or 0 while it stands. */
  revokedAt: bigint | null;
}

/**
 * auditedUntil for a provider: the latest validUntil of its unrevoked Pass audits by an auditor in `trusted` (the
 * market's published list by default, the viewer's choice otherwise); 0 when there is none. Expiry is applied by
 * providerReputation against its `now`.
 */
export function auditedUntilOf(audits: readonly AuditRecord[], trusted: readonly string[]): bigint {
  const names = new Set(trusted.map((a) => a.toLowerCase()));
  let until = 0n;
  for (const a of audits)
    if (
      a.verdict === 1 &&
      !a.revokedAt &&
      names.has(a.auditor.toLowerCase()) &&
      a.validUntil > until
    )
      until = a.validUntil;
  return until;
}

/** The parts of the score. */
export type ComponentName = "completion" | "noShows" | "uptime" | "reviews" | "audit";

/** Each component's share of the score, in basis points (they sum to 10,000). */
export const COMPONENT_WEIGHTS_BPS: Readonly<Record<ComponentName, number>> = Object.freeze({
  completion: 3000,
  noShows: 2000,
  uptime: 2500,
  reviews: 2000,
  // Small on purpose: fees cannot buy it, so it must not put the top of the market out of reach of a record
  // built the honest way; it separates providers of equal records.
  audit: 500,
});

/** Every fee-weighted component starts at PRIOR_BPS, held there by this much fee ($50) of imaginary evidence. */
export const PRIOR_USD_MICROS = 50_000_000n;
/** The value of a fee-weighted component with no evidence: 50 %. */
export const PRIOR_BPS = 5000;

/** One part of the score, with every number it was computed from. */
export interface ReputationComponent {
  /** 0..10,000. */
  valueBps: number;
  /** Its share of the score in basis points (COMPONENT_WEIGHTS_BPS). */
  weight: number;
  /** The numbers behind valueBps: the evidence (micro-USD of fee, or seconds for the audit) and the prior. */
  inputs: Record<string, bigint>;
}

/** A provider's score and its breakdown. */
export interface Reputation {
  /** Σ component valueBps × weight / 10,000, rounded down: 0..10,000. */
  scoreBps: number;
  components: Record<ComponentName, ReputationComponent>;
  /** Fee behind the record: completedWeight + faultWeight. */
  evidenceUsdMicros: bigint;
  /** Whether a published auditor's Pass audit is valid at `now`. */
  audited: boolean;
}

/**
 * A fee-weighted average pulled towards the prior: (PRIOR_BPS × PRIOR + Σ value × weight) / (PRIOR + Σ weight), where
 * `goodBpsWeight` is Σ value × weight with value in basis points.
 */
function withPrior(goodBpsWeight: bigint, weight: bigint): number {
  return Number(
    (BigInt(PRIOR_BPS) * PRIOR_USD_MICROS + goodBpsWeight) / (PRIOR_USD_MICROS + weight),
  );
}

function checkInputs(i: ReputationInputs): void {
  for (const [key, value] of Object.entries(i))
    if (typeof value !== "bigint" || value < 0n)
      throw new RangeError(
        `reputation: ${key} must be a non-negative bigint, got ${String(value)}`,
      );
  if (i.noShowWeight > i.faultWeight)
    throw new RangeError("reputation: noShowWeight exceeds faultWeight");
  if (i.uptimeWeight > i.deliveredWeight)
    throw new RangeError("reputation: uptimeWeight exceeds deliveredWeight");
  if (i.reviewScoreWeight < i.reviewWeight || i.reviewScoreWeight > 5n * i.reviewWeight)
    throw new RangeError(
      "reputation: reviewScoreWeight must lie between 1× and 5× reviewWeight (scores are 1..5)",
    );
}

/** A provider's score at `now` (Unix seconds) from its evidence, each component with its inputs. */
export function providerReputation(inputs: ReputationInputs, now: bigint): Reputation {
  checkInputs(inputs);
  const {
    completedWeight: done,
    faultWeight: fault,
    noShowWeight: noShow,
    deliveredWeight: delivered,
    uptimeWeight: up,
    reviewWeight: reviewed,
    reviewScoreWeight: scored,
    auditedUntil,
  } = inputs;
  const leases = done + fault;
  const audited = auditedUntil > now;
  const prior = { priorUsdMicros: PRIOR_USD_MICROS, priorBps: BigInt(PRIOR_BPS) };
  const values: Record<ComponentName, [number, Record<string, bigint>]> = {
    completion: [
      withPrior(done * BPS, leases),
      { completedWeight: done, faultWeight: fault, ...prior },
    ],
    // A no-show is a fault too: it counts here and in completion, the worst failure weighing twice.
    noShows: [
      withPrior((leases - noShow) * BPS, leases),
      { noShowWeight: noShow, completedWeight: done, faultWeight: fault, ...prior },
    ],
    uptime: [
      withPrior(up * BPS, delivered),
      { uptimeWeight: up, deliveredWeight: delivered, ...prior },
    ],
    // A score s in 1..5 is worth (s - 1) / 4: 1 is 0 %, 5 is 100 %.
    reviews: [
      withPrior(((scored - reviewed) * BPS) / 4n, reviewed),
      { reviewScoreWeight: scored, reviewWeight: reviewed, ...prior },
    ],
    audit: [audited ? Number(BPS) : 0, { auditedUntil, now }],
  };
  let weighted = 0;
  const components = {} as Record<ComponentName, ReputationComponent>;
  for (const name of Object.keys(COMPONENT_WEIGHTS_BPS) as ComponentName[]) {
    const [valueBps, componentInputs] = values[name];
    const weight = COMPONENT_WEIGHTS_BPS[name];
    weighted += valueBps * weight;
    components[name] = { valueBps, weight, inputs: componentInputs };
  }
  return {
    scoreBps: Math.floor(weighted / Number(BPS)),
    components,
    evidenceUsdMicros: leases,
    audited,
  };
}

/**
 * The record after self-dealing that pays `feeUsdMicros` of protocol fee: leases from the provider's own second
 * address that run to term with no outage and get a 5-star review, the best evidence money can buy.
 */
export function padWithSelfDealing(from: ReputationInputs, feeUsdMicros: bigint): ReputationInputs {
  if (feeUsdMicros < 0n) throw new RangeError("padWithSelfDealing: negative fee");
  return addEvidence(from, {
    ...NO_EVIDENCE,
    completedWeight: feeUsdMicros,
    deliveredWeight: feeUsdMicros,
    uptimeWeight: feeUsdMicros,
    reviewWeight: feeUsdMicros,
    reviewScoreWeight: 5n * feeUsdMicros,
    feesPaidUsdMicros: feeUsdMicros,
  });
}

/** Beyond this ($10^15) no amount of fee is taken as reachable. */
const SYBIL_SEARCH_LIMIT = 10n ** 21n;

/**
 * The least protocol fee, in micro-USD, that self-dealing (padWithSelfDealing) must pay to lift `from` to
 * `targetScoreBps` at `now`; 0 when it is already there. Throws a RangeError when fees alone cannot get there (the
 * audit's share cannot be bought).
 */
export function sybilCostUsdMicros(
  from: ReputationInputs,
  targetScoreBps: number,
  now: bigint,
): bigint {
  if (!Number.isInteger(targetScoreBps) || targetScoreBps < 0 || targetScoreBps > Number(BPS))
    throw new RangeError(
      `sybilCostUsdMicros: target must be an integer 0..10000, got ${targetScoreBps}`,
    );
  const reaches = (fee: bigint) =>
    providerReputation(padWithSelfDealing(from, fee), now).scoreBps >= targetScoreBps;
  if (reaches(0n)) return 0n;
  let hi = 1n;
  while (!reaches(hi)) {
    if (hi > SYBIL_SEARCH_LIMIT)
      throw new RangeError(
        `sybilCostUsdMicros: fees cannot lift this record to ${targetScoreBps} bps` +
          (from.auditedUntil > now ? "" : " without a published auditor's audit"),
      );
    hi *= 2n;
  }
  // The score never falls as perfect evidence is added, so the least sufficient fee lies in (hi / 2, hi].
  let lo = hi / 2n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The `percentile` (1..100) of `scores` by the nearest-rank method: the smallest score at or above that share. */
export function scorePercentile(scores: readonly number[], percentile: number): number {
  if (scores.length === 0) throw new RangeError("scorePercentile: no scores");
  if (!(percentile > 0 && percentile <= 100))
    throw new RangeError(`scorePercentile: percentile must be in (0, 100], got ${percentile}`);
  const sorted = [...scores].sort((a, b) => a - b);
  const score = sorted[Math.ceil((percentile / 100) * sorted.length) - 1];
  if (score === undefined) throw new RangeError("scorePercentile: no score at that rank");
  return score;
}

/** The sybil cost of a market: what self-dealing costs to lift its median provider to its 90th percentile. */
export interface MarketSybilCost<K> {
  /** The provider at the median (nearest rank) and its score. */
  median: { provider: K; scoreBps: number };
  /** The score at the 90th percentile (nearest rank). */
  p90ScoreBps: number;
  /** sybilCostUsdMicros from the median provider's record to p90ScoreBps. */
  costUsdMicros: bigint;
}

/**
 * The fee, in micro-USD, that lifts the median provider of `records` to the 90th percentile through self-dealing,
 * scores taken at `now`. Throws a RangeError for an empty market, or when fees cannot reach the target.
 */
export function marketSybilCost<K>(
  records: ReadonlyMap<K, ReputationInputs>,
  now: bigint,
): MarketSybilCost<K> {
  const scored = [...records].map(([provider, inputs]) => ({
    provider,
    inputs,
    scoreBps: providerReputation(inputs, now).scoreBps,
  }));
  const scores = scored.map((x) => x.scoreBps);
  const medianScore = scorePercentile(scores, 50);
  const median = scored.find((x) => x.scoreBps === medianScore)!;
  const p90ScoreBps = scorePercentile(scores, 90);
  return {
    median: { provider: median.provider, scoreBps: median.scoreBps },
    p90ScoreBps,
    costUsdMicros: sybilCostUsdMicros(median.inputs, p90ScoreBps, now),
  };
}
