/**
 * The reputation formula (sdk/src/reputation.ts, docs/reputation.md): fee-weighted evidence, the prior that makes a
 * record cost money, the cases the issue names (fee-free leases, cheap GPU-hours, no-shows), audits by trusted
 * auditors until validUntil only, and the sybil cost as the least fee that reaches a target.
 */
import { describe, expect, it } from "vitest";
import { cost } from "@gridlease/sdk/pricing";
import {
  addEvidence,
  auditedUntilOf,
  COMPONENT_WEIGHTS_BPS,
  feeUsdMicros,
  leaseEvidence,
  marketSybilCost,
  NO_EVIDENCE,
  padWithSelfDealing,
  PRIOR_BPS,
  PRIOR_USD_MICROS,
  providerReputation,
  reviewEvidence,
  scorePercentile,
  sybilCostUsdMicros,
  type EndedLease,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
import { rng as seeded } from "./support/rng.ts";

const NOW = 1_800_000_000n;
const DAY = 86_400n;
const TUSD = 1_000_000n; // base units of one tUSD
const FEE_BPS = 250n;

/** A tUSD lease that ran to term: `gpus` GPUs for `seconds` at `price` base units per GPU-hour. */
const fullLease = (price: bigint, gpus: bigint, seconds: bigint): EndedLease => ({
  endReason: "Expired",
  activated: true,
  feeBps: FEE_BPS,
  accrued: cost(price, gpus, seconds),
  deposit: cost(price, gpus, seconds),
  gpuSecondsServed: gpus * seconds,
  gpuSecondsDown: 0n,
  symbol: "tUSD",
  decimals: 6,
});

const score = (i: ReputationInputs, now = NOW) => providerReputation(i, now).scoreBps;
const BASELINE = score(NO_EVIDENCE);

describe("fees in dollars", () => {
  it("values tUSD and USDC at $1 and GRID at $0.40 per whole token, others at 0", () => {
    expect(feeUsdMicros(2_500_000n, "tUSD", 6)).toBe(2_500_000n);
    expect(feeUsdMicros(1_000_000n, "USDC", 6)).toBe(1_000_000n);
    expect(feeUsdMicros(10n ** 18n, "GRID", 18)).toBe(400_000n);
    expect(feeUsdMicros(10n ** 18n, "WETH", 18)).toBe(0n);
    expect(feeUsdMicros(10n ** 18n, "constructor", 18)).toBe(0n);
  });
  it("rounds down and refuses bad input", () => {
    expect(feeUsdMicros(2n, "GRID", 6)).toBe(0n); // 0.8 micro-USD
    expect(() => feeUsdMicros(-1n, "tUSD", 6)).toThrow(/negative amount/);
    expect(() => feeUsdMicros(1n, "tUSD", 6.5)).toThrow(/decimals/);
  });
});

describe("a provider with no record", () => {
  it("sits at the prior on every fee-weighted component and 0 on the audit", () => {
    const rep = providerReputation(NO_EVIDENCE, NOW);
    for (const name of ["completion", "noShows", "uptime", "reviews"] as const)
      expect(rep.components[name].valueBps).toBe(PRIOR_BPS);
    expect(rep.components.audit.valueBps).toBe(0);
    expect(rep.scoreBps).toBe(((10_000 - COMPONENT_WEIGHTS_BPS.audit) * PRIOR_BPS) / 10_000);
    expect(rep.evidenceUsdMicros).toBe(0n);
  });
  it("moves halfway to perfect after PRIOR_USD_MICROS of perfect evidence", () => {
    const rep = providerReputation(padWithSelfDealing(NO_EVIDENCE, PRIOR_USD_MICROS), NOW);
    expect(rep.components.completion.valueBps).toBe(7500);
    expect(rep.components.uptime.valueBps).toBe(7500);
    expect(rep.components.reviews.valueBps).toBe(7500);
  });
});

describe("fee weighting (the issue's cases)", () => {
  it("a lease under 40 base units pays no fee and adds nothing", () => {
    const lease = { ...fullLease(39n, 1n, 3600n) };
    expect(lease.accrued).toBe(39n);
    expect(leaseEvidence(lease)).toEqual(NO_EVIDENCE);
    const at40 = leaseEvidence(fullLease(40n, 1n, 3600n));
    expect(at40.completedWeight).toBe(1n); // 1 base unit of tUSD = 1 micro-USD
  });
  it("800 GPUs for 30 days at 1 base unit per GPU-hour add about a cent and no score", () => {
    const lease = fullLease(1n, 800n, 30n * DAY);
    expect(lease.gpuSecondsServed / 3600n).toBe(576_000n);
    const evidence = leaseEvidence(lease);
    expect(evidence.feesPaidUsdMicros).toBe(14_400n); // $0.0144
    const padded = addEvidence(NO_EVIDENCE, reviewEvidence(evidence.feesPaidUsdMicros, 5));
    expect(score(addEvidence(padded, evidence)) - BASELINE).toBeLessThanOrEqual(1);
  });
  it("a no-show costs weight by its deposit even though it paid no fee", () => {
    const noShow: EndedLease = {
      ...fullLease(2n * TUSD, 8n, DAY),
      endReason: "NoShowCancelled",
      activated: false,
      accrued: 0n,
      gpuSecondsServed: 0n,
    };
    const e = leaseEvidence(noShow);
    expect(e.feesPaidUsdMicros).toBe(0n);
    expect(e.faultWeight).toBe((noShow.deposit * FEE_BPS) / 10_000n); // $9.60 of fee the lease would have paid
    expect(e.noShowWeight).toBe(e.faultWeight);
    const rep = providerReputation(e, NOW);
    expect(rep.components.completion.valueBps).toBeLessThan(PRIOR_BPS);
    expect(rep.components.noShows.valueBps).toBeLessThan(PRIOR_BPS);
    expect(rep.scoreBps).toBeLessThan(BASELINE);
  });
  it("a provider-terminated lease is a fault weighed by its deposit, not a no-show", () => {
    const lease: EndedLease = {
      ...fullLease(TUSD, 8n, DAY),
      endReason: "ProviderTerminated",
    };
    const e = leaseEvidence({ ...lease, accrued: lease.deposit / 2n });
    expect(e.faultWeight).toBe((lease.deposit * FEE_BPS) / 10_000n);
    expect(e.noShowWeight).toBe(0n);
    expect(e.completedWeight).toBe(0n);
    expect(e.deliveredWeight).toBe(e.feesPaidUsdMicros);
  });
  it("weighs uptime by served ÷ (served + long downtime) of each lease's fee", () => {
    const lease = fullLease(TUSD, 4n, DAY);
    const e = leaseEvidence({ ...lease, gpuSecondsDown: lease.gpuSecondsServed / 3n });
    expect(e.uptimeWeight).toBe((e.deliveredWeight * 3n) / 4n);
    expect(providerReputation(e, NOW).components.uptime.inputs).toMatchObject({
      uptimeWeight: e.uptimeWeight,
      deliveredWeight: e.deliveredWeight,
    });
  });
  it("weighs a GRID lease at $0.40 per GRID", () => {
    const grid: EndedLease = {
      ...fullLease(10n ** 18n, 1n, 400n * 3600n),
      symbol: "GRID",
      decimals: 18,
    };
    expect(leaseEvidence(grid).feesPaidUsdMicros).toBe(4_000_000n); // 10 GRID of fee = $4
  });
  it("refuses a lease that has not ended and a bad review score", () => {
    expect(() => leaseEvidence({ ...fullLease(TUSD, 1n, DAY), endReason: "None" })).toThrow(
      /has not ended/,
    );
    expect(() => reviewEvidence(1n, 0)).toThrow(/score must be 1..5/);
    expect(() => reviewEvidence(1n, 6)).toThrow(/score must be 1..5/);
  });
});

describe("reviews", () => {
  it("map 1..5 stars to 0..100 % by fee, pulled towards the prior", () => {
    const big = 10n ** 15n; // enough fee to swamp the prior
    expect(providerReputation(reviewEvidence(big, 5), NOW).components.reviews.valueBps).toBe(9999);
    expect(providerReputation(reviewEvidence(big, 1), NOW).components.reviews.valueBps).toBe(0);
    expect(providerReputation(reviewEvidence(big, 3), NOW).components.reviews.valueBps).toBe(5000);
  });
  it("a review of a lease that paid no fee moves nothing", () => {
    expect(score(reviewEvidence(0n, 1))).toBe(BASELINE);
  });
});

describe("audits", () => {
  const trusted = "0xbcd4042de499d14e55001ccbb24a551f3b954096";
  const other = "0x71bE63f3384f5fb98995898A86B02Fb2426c5788";
  const pass = { auditor: trusted, verdict: 1, validUntil: NOW + DAY, revokedAt: null };
  it("count only when by a trusted auditor, a Pass, and unrevoked", () => {
    expect(auditedUntilOf([pass], [trusted.toUpperCase().replace("0X", "0x")])).toBe(NOW + DAY);
    expect(auditedUntilOf([{ ...pass, auditor: other }], [trusted])).toBe(0n);
    expect(auditedUntilOf([{ ...pass, verdict: 2 }], [trusted])).toBe(0n);
    expect(auditedUntilOf([{ ...pass, revokedAt: NOW - 1n }], [trusted])).toBe(0n);
    expect(
      auditedUntilOf([pass, { ...pass, validUntil: NOW + 2n * DAY, revokedAt: 5n }], [trusted]),
    ).toBe(NOW + DAY);
  });
  it("count only until validUntil", () => {
    const inputs = { ...NO_EVIDENCE, auditedUntil: NOW + 1n };
    const before = providerReputation(inputs, NOW);
    expect(before.audited).toBe(true);
    expect(before.components.audit.valueBps).toBe(10_000);
    expect(before.scoreBps - BASELINE).toBe(COMPONENT_WEIGHTS_BPS.audit);
    const after = providerReputation(inputs, NOW + 1n);
    expect(after.audited).toBe(false);
    expect(after.scoreBps).toBe(BASELINE);
  });
});

describe("the breakdown", () => {
  it("shows each component's value, weight and inputs, and the score is their weighted sum", () => {
    const inputs: ReputationInputs = {
      completedWeight: 300_000_000n,
      faultWeight: 20_000_000n,
      noShowWeight: 5_000_000n,
      deliveredWeight: 310_000_000n,
      uptimeWeight: 300_000_000n,
      reviewWeight: 100_000_000n,
      reviewScoreWeight: 420_000_000n,
      feesPaidUsdMicros: 315_000_000n,
      auditedUntil: NOW + DAY,
    };
    const rep = providerReputation(inputs, NOW);
    const c = rep.components;
    expect(c.completion.inputs).toEqual({
      completedWeight: 300_000_000n,
      faultWeight: 20_000_000n,
      priorUsdMicros: PRIOR_USD_MICROS,
      priorBps: 5000n,
    });
    // (5000 × 50 + 10,000 × 300) / (50 + 320) = 8783.78
    expect(c.completion.valueBps).toBe(8783);
    // (5000 × 50 + 10,000 × 315) / 370 = 9189.18
    expect(c.noShows.valueBps).toBe(9189);
    // (5000 × 50 + 10,000 × 300) / 360 = 9027.77
    expect(c.uptime.valueBps).toBe(9027);
    // (5000 × 50 + 10,000 × (420 - 100) / 4) / 150 = 7000
    expect(c.reviews.valueBps).toBe(7000);
    expect(c.audit).toEqual({
      valueBps: 10_000,
      weight: COMPONENT_WEIGHTS_BPS.audit,
      inputs: { auditedUntil: NOW + DAY, now: NOW },
    });
    const sum = Object.values(c).reduce((s, x) => s + x.valueBps * x.weight, 0);
    expect(rep.scoreBps).toBe(Math.floor(sum / 10_000));
    expect(Object.values(c).reduce((s, x) => s + x.weight, 0)).toBe(10_000);
    expect(rep.evidenceUsdMicros).toBe(320_000_000n);
  });
  it("refuses inputs that cannot come from events", () => {
    expect(() => providerReputation({ ...NO_EVIDENCE, completedWeight: -1n }, NOW)).toThrow(
      /completedWeight must be a non-negative bigint/,
    );
    expect(() => providerReputation({ ...NO_EVIDENCE, noShowWeight: 1n }, NOW)).toThrow(
      /noShowWeight exceeds faultWeight/,
    );
    expect(() =>
      providerReputation({ ...NO_EVIDENCE, reviewWeight: 1n, reviewScoreWeight: 6n }, NOW),
    ).toThrow(/between 1× and 5×/);
  });
});

describe("sybil cost", () => {
  const honest: ReputationInputs = {
    ...NO_EVIDENCE,
    completedWeight: 200_000_000n,
    faultWeight: 30_000_000n,
    noShowWeight: 10_000_000n,
    deliveredWeight: 210_000_000n,
    uptimeWeight: 190_000_000n,
    reviewWeight: 50_000_000n,
    reviewScoreWeight: 200_000_000n,
    feesPaidUsdMicros: 215_000_000n,
  };
  it("is the least self-dealt fee that reaches the target", () => {
    const target = score(honest) + 500;
    const fee = sybilCostUsdMicros(honest, target, NOW);
    expect(fee).toBeGreaterThan(0n);
    expect(score(padWithSelfDealing(honest, fee))).toBeGreaterThanOrEqual(target);
    expect(score(padWithSelfDealing(honest, fee - 1n))).toBeLessThan(target);
  });
  it("is 0 for a record already at the target", () => {
    expect(sybilCostUsdMicros(honest, score(honest), NOW)).toBe(0n);
  });
  it("grows with the bad evidence a record must bury", () => {
    const bad: ReputationInputs = {
      ...honest,
      completedWeight: 50_000_000n,
      faultWeight: 150_000_000n,
      noShowWeight: 100_000_000n,
      uptimeWeight: 100_000_000n,
      reviewScoreWeight: 100_000_000n, // 2 stars
    };
    const worse = addEvidence(bad, bad);
    expect(score(worse)).toBeLessThan(score(bad));
    const target = score(honest);
    expect(sybilCostUsdMicros(worse, target, NOW)).toBeGreaterThan(
      sybilCostUsdMicros(bad, target, NOW),
    );
  });
  it("cannot buy the audit's share", () => {
    const ceiling = 10_000 - COMPONENT_WEIGHTS_BPS.audit;
    expect(() => sybilCostUsdMicros(honest, ceiling, NOW)).toThrow(/without a published auditor/);
    const audited = { ...honest, auditedUntil: NOW + DAY };
    expect(sybilCostUsdMicros(audited, ceiling, NOW)).toBeGreaterThan(0n);
  });
  it("refuses a target outside 0..10000", () => {
    expect(() => sybilCostUsdMicros(honest, 10_001, NOW)).toThrow(/0..10000/);
    expect(() => sybilCostUsdMicros(honest, 1.5, NOW)).toThrow(/0..10000/);
  });
  it("self-dealing never lowers a score (random records)", () => {
    const rng = seeded(13);
    for (let i = 0; i < 200; i++) {
      const w = () => BigInt(rng.int(0, 1_000_000_000));
      const fault = w();
      const delivered = w();
      const reviewed = w();
      const inputs: ReputationInputs = {
        completedWeight: w(),
        faultWeight: fault,
        noShowWeight: fault / 2n,
        deliveredWeight: delivered,
        uptimeWeight: (delivered * 9n) / 10n,
        reviewWeight: reviewed,
        reviewScoreWeight: reviewed * BigInt(rng.int(1, 5)),
        feesPaidUsdMicros: delivered,
        auditedUntil: 0n,
      };
      const fee = w();
      expect(score(padWithSelfDealing(inputs, fee))).toBeGreaterThanOrEqual(score(inputs));
    }
  });
});

describe("percentiles", () => {
  it("use the nearest rank", () => {
    const scores = [10, 50, 20, 40, 30, 60, 70, 80, 90, 100];
    expect(scorePercentile(scores, 50)).toBe(50);
    expect(scorePercentile(scores, 90)).toBe(90);
    expect(scorePercentile(scores, 100)).toBe(100);
    expect(scorePercentile([7], 90)).toBe(7);
    expect(() => scorePercentile([], 50)).toThrow(/no scores/);
    expect(() => scorePercentile(scores, 0)).toThrow(/percentile/);
  });
});

describe("a market's sybil cost", () => {
  it("lifts the median provider to the 90th percentile", () => {
    const records = new Map<string, ReputationInputs>();
    for (let i = 0; i < 10; i++)
      records.set(`p${i}`, padWithSelfDealing(NO_EVIDENCE, BigInt(i) * 20_000_000n));
    const m = marketSybilCost(records, NOW);
    const scores = [...records.values()].map((r) => score(r));
    expect(m.median).toEqual({ provider: "p4", scoreBps: scores[4] });
    expect(m.p90ScoreBps).toBe(scores[8]);
    expect(m.costUsdMicros).toBe(sybilCostUsdMicros(records.get("p4")!, scores[8], NOW));
    expect(score(padWithSelfDealing(records.get("p4")!, m.costUsdMicros))).toBeGreaterThanOrEqual(
      scores[8],
    );
    expect(() => marketSybilCost(new Map(), NOW)).toThrow(/no scores/);
  });
});
