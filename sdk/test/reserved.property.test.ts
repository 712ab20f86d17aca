/**
 * Properties of the reserved-capacity pricing mirrors (sdk/src/pricing.ts) over seeded random terms: the largest
 * top-up is legal and one second more is not, an exit charge holds within the hour and never exceeds the escrow,
 * the scaled penalty is the floor or 10% of the stake. sdk/test/reserved.test.ts checks the same functions against
 * the contract.
 */
import { describe, expect, it } from "vitest";
import {
  cost,
  exitCharge,
  exitEscrow,
  feeOn,
  fundingRange,
  maxTopUp,
  rollingDeposit,
  runway,
  stakePenalty,
  topUpCost,
  type ReservedTerms,
  type TopUpInput,
} from "@gridlease/sdk/pricing";
import { rng } from "./support/rng.ts";

const HOUR = 3600n;
const DAY = 86_400n;
const big = (r: ReturnType<typeof rng>, lo: number, hi: number) => BigInt(r.int(lo, hi));

function randomTerms(r: ReturnType<typeof rng>): ReservedTerms {
  const commitment = r.chance(0.2) ? 0n : big(r, 1, 400) * HOUR + big(r, 0, 3599);
  const notice = commitment !== 0n && r.chance(0.5) ? big(r, 1, Number(commitment)) : 0n;
  return {
    prepaidWindow: big(r, 1, 60) * DAY,
    commitment,
    noticePeriod: notice,
    exitFeeBps: commitment !== 0n && notice === 0n ? big(r, 1, 3000) : 0n,
  };
}

describe("maxTopUp", () => {
  /** Whether executeTopUp would accept `added` seconds: the contract's checks, written out once more. */
  function legal(t: TopUpInput, added: bigint): boolean {
    if (added === 0n || t.perTopUp === 0n) return false;
    if (runway(t.fundedUntil, t.now) >= t.runwayThreshold) return false;
    if (t.funded + added > t.term) return false;
    if (t.fundedUntil + added > t.now + t.prepaidWindow) return false;
    const amount = topUpCost(t.price, t.gpus, t.funded, added);
    return amount <= t.perTopUp && amount <= t.remaining;
  }

  it("gives a legal top-up that one more second would break, or none when none is legal", () => {
    const r = rng(12);
    for (let i = 0; i < 2_000; i++) {
      const start = 1_000_000n;
      const term = big(r, 1, 90) * DAY;
      const funded = big(r, 1, Number(term));
      const now = start + big(r, 0, Number(funded) + 4 * 86_400);
      const price = r.chance(0.3) ? big(r, 1, 50) : big(r, 1, 10_000_000);
      const gpus = big(r, 1, 64);
      const perTopUp = r.chance(0.1) ? 0n : big(r, 1, 2_000_000_000);
      const t: TopUpInput = {
        price,
        gpus,
        funded,
        term,
        fundedUntil: start + funded,
        prepaidWindow: big(r, 1, 30) * DAY,
        perTopUp,
        remaining: r.chance(0.3) ? big(r, 0, Number(perTopUp)) : perTopUp * 3n,
        runwayThreshold: big(r, 1, 10) * DAY,
        now,
      };
      const plan = maxTopUp(t);
      if (plan.addedDuration === 0n) {
        expect(plan.amount).toBe(0n);
        expect(legal(t, 1n), `case ${i}: one second would have been legal`).toBe(false);
        continue;
      }
      expect(legal(t, plan.addedDuration), `case ${i}`).toBe(true);
      expect(legal(t, plan.addedDuration + 1n), `case ${i}: one second more`).toBe(false);
      expect(plan.amount).toBe(
        cost(price, gpus, funded + plan.addedDuration) - cost(price, gpus, funded),
      );
    }
  });
});

describe("exitCharge and exitEscrow", () => {
  it("hold within the hour, never grow with time, stop at the commitment's end and never exceed the escrow", () => {
    const r = rng(7);
    for (let i = 0; i < 1_000; i++) {
      const terms = randomTerms(r);
      const price = big(r, 1, 100_000_000);
      const gpus = big(r, 1, 2_048);
      const start = 10_000_000n;
      const end = start + terms.commitment;
      const at = start + big(r, 0, Number(terms.commitment) + 7_200);
      const charge = exitCharge(terms, { price, gpus, start, at });
      const escrow = exitEscrow(terms, price, gpus);
      expect(charge).toBeLessThanOrEqual(escrow);
      if (at >= end) expect(charge).toBe(0n);
      // Every second until the committed time left crosses a whole hour charges the same.
      const left = end - at;
      const sameUntil = at + (left > 0n ? left % HOUR : 0n);
      expect(exitCharge(terms, { price, gpus, start, at: sameUntil })).toBe(charge);
      const later = at + big(r, 1, 100_000);
      expect(exitCharge(terms, { price, gpus, start, at: later })).toBeLessThanOrEqual(charge);
    }
  });

  it("escrows the notice's cost or the fee on the whole commitment", () => {
    const price = 1_950_000n;
    expect(
      exitEscrow(
        { prepaidWindow: DAY, commitment: 10n * DAY, noticePeriod: 3n * DAY, exitFeeBps: 0n },
        price,
        8n,
      ),
    ).toBe(cost(price, 8n, 3n * DAY));
    expect(
      exitEscrow(
        { prepaidWindow: DAY, commitment: 10n * DAY, noticePeriod: 0n, exitFeeBps: 1_500n },
        price,
        8n,
      ),
    ).toBe(feeOn(cost(price, 8n, 10n * DAY), 1_500n));
    expect(
      exitEscrow(
        { prepaidWindow: DAY, commitment: 0n, noticePeriod: 0n, exitFeeBps: 0n },
        price,
        8n,
      ),
    ).toBe(0n);
  });
});

describe("stakePenalty, rollingDeposit, fundingRange, runway", () => {
  it("reserves the floor, or 10% of the stake when that is more", () => {
    expect(stakePenalty(500n, 4_999n)).toBe(500n);
    expect(stakePenalty(500n, 5_009n)).toBe(500n);
    expect(stakePenalty(500n, 5_010n)).toBe(501n);
    expect(stakePenalty(0n, 0n)).toBe(0n);
  });

  it("prices a rolling lease as its funded seconds plus the exit escrow, and bounds what it may prepay", () => {
    const terms: ReservedTerms = {
      prepaidWindow: 30n * DAY,
      commitment: 90n * DAY,
      noticePeriod: 0n,
      exitFeeBps: 3_000n,
    };
    const out = rollingDeposit(terms, {
      price: 5_000_000n,
      gpus: 15_000n,
      funded: 30n * DAY,
      penaltyFloor: 1n,
    });
    const funded = cost(5_000_000n, 15_000n, 30n * DAY);
    expect(out.exitEscrow).toBe(feeOn(cost(5_000_000n, 15_000n, 90n * DAY), 3_000n));
    expect(out.deposit).toBe(funded + out.exitEscrow);
    expect(out.penalty).toBe(out.deposit / 10n);
    expect(fundingRange(terms, 3n * 365n * DAY)).toEqual({ min: 30n * DAY, max: 3n * 365n * DAY });
    expect(fundingRange(terms, 7n * DAY)).toEqual({ min: 7n * DAY, max: 7n * DAY });
    expect(runway(100n, 40n)).toBe(60n);
    expect(runway(100n, 100n)).toBe(0n);
    expect(runway(100n, 140n)).toBe(0n);
  });
});
