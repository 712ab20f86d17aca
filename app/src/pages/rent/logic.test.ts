import { describe, expect, it } from "vitest";
import { costBreakdown, hourBounds, parseAmount, validateRent, type RentContext } from "./logic.ts";

const tUSD = { symbol: "tUSD", decimals: 6 };
const ctx: RentContext = {
  unitsAvailable: 5n,
  gpusPerUnit: 8n,
  minDuration: 3600n, // 1 hour
  maxDuration: 7n * 86400n, // 7 days = 168 hours
  pricePerGpuHour: 2_100_000n, // $2.10
  token: tUSD,
};
const ok = { servers: "2", hours: "10", maxPrice: "2.1" };

describe("validateRent", () => {
  it("accepts valid input and prices it at the current price", () => {
    const r = validateRent(ok, { ...ctx, balance: 10_000_000_000n });
    expect(r.ok).toBe(true);
    // 2 servers × 8 GPUs × 10 h × $2.10
    expect(r.values).toEqual({
      units: 2n,
      duration: 36_000n,
      maxPricePerGpuHour: 2_100_000n,
      deposit: 336_000_000n,
      maxDeposit: 336_000_000n,
    });
  });

  it("sizes the approval or permit at the buyer's maximum price", () => {
    const r = validateRent({ ...ok, maxPrice: "2.5" }, ctx);
    expect(r.values?.deposit).toBe(336_000_000n);
    expect(r.values?.maxDeposit).toBe(400_000_000n);
  });

  it("wants whole servers from 1 to the number free", () => {
    expect(validateRent({ ...ok, servers: "1.5" }, ctx).errors.servers).toMatch(
      /whole number of servers/,
    );
    expect(validateRent({ ...ok, servers: "" }, ctx).errors.servers).toMatch(/whole number/);
    expect(validateRent({ ...ok, servers: "0" }, ctx).errors.servers).toBe(
      "Choose from 1 to 5 servers (that many are free).",
    );
    expect(validateRent({ ...ok, servers: "6" }, ctx).errors.servers).toBe(
      "Choose from 1 to 5 servers (that many are free).",
    );
    expect(validateRent({ ...ok, servers: "5" }, ctx).ok).toBe(true);
    expect(validateRent(ok, { ...ctx, unitsAvailable: 0n }).errors.servers).toMatch(
      /No server is free/,
    );
  });

  it("wants whole hours within the offer's duration range", () => {
    expect(validateRent({ ...ok, hours: "2.5" }, ctx).errors.hours).toMatch(
      /whole number of hours/,
    );
    expect(validateRent({ ...ok, hours: "0" }, ctx).errors.hours).toBe(
      "The provider accepts 1 hour to 7 days: enter 1 to 168 hours.",
    );
    expect(validateRent({ ...ok, hours: "169" }, ctx).errors.hours).toMatch(/enter 1 to 168 hours/);
    expect(validateRent({ ...ok, hours: "168" }, ctx).ok).toBe(true);
    // A minimum of 90 minutes rounds up to 2 whole hours.
    expect(
      validateRent({ ...ok, hours: "1" }, { ...ctx, minDuration: 5400n }).errors.hours,
    ).toMatch(/enter 2 to 168 hours/);
  });

  it("wants a max price at least the current price, in the token's decimals", () => {
    expect(validateRent({ ...ok, maxPrice: "2.09" }, ctx).errors.maxPrice).toBe(
      "The current price is $2.10 per GPU-hour: your maximum must be at least that.",
    );
    expect(validateRent({ ...ok, maxPrice: "abc" }, ctx).errors.maxPrice).toMatch(
      /at most 6 decimals/,
    );
    expect(validateRent({ ...ok, maxPrice: "2.1000001" }, ctx).errors.maxPrice).toMatch(
      /at most 6 decimals/,
    );
    expect(validateRent({ ...ok, maxPrice: "3" }, ctx).ok).toBe(true);
  });

  it("still sizes the lease (for the cost shown) when only the max price or the balance is wrong", () => {
    expect(validateRent({ ...ok, maxPrice: "1" }, ctx).size).toEqual({
      units: 2n,
      duration: 36_000n,
    });
    expect(validateRent(ok, { ...ctx, balance: 0n }).size).toEqual({
      units: 2n,
      duration: 36_000n,
    });
    expect(validateRent({ ...ok, servers: "99" }, ctx).size).toBeUndefined();
  });

  it("reports every invalid field at once", () => {
    const r = validateRent({ servers: "9", hours: "x", maxPrice: "1" }, ctx);
    expect(r.ok).toBe(false);
    expect(Object.keys(r.errors).sort()).toEqual(["hours", "maxPrice", "servers"]);
  });

  it("checks the balance against the deposit", () => {
    const r = validateRent(ok, { ...ctx, balance: 100_000_000n });
    expect(r.ok).toBe(false);
    expect(r.errors.balance).toBe(
      "Insufficient balance: you have $100.00, the deposit is $336.00.",
    );
    expect(validateRent(ok, { ...ctx, balance: 336_000_000n }).ok).toBe(true);
  });

  it("formats other tokens with their symbol", () => {
    const grid = { symbol: "GRID", decimals: 18 };
    const r = validateRent(
      { servers: "1", hours: "1", maxPrice: "2" },
      { ...ctx, token: grid, pricePerGpuHour: 2n * 10n ** 18n, balance: 10n ** 18n },
    );
    expect(r.errors.balance).toBe("Insufficient balance: you have 1 GRID, the deposit is 16 GRID.");
  });
});

describe("hourBounds and parseAmount", () => {
  it("rounds the minimum up and the maximum down to whole hours", () => {
    expect(hourBounds(1800n, 9000n)).toEqual({ min: 1n, max: 2n });
    expect(hourBounds(0n, 3600n)).toEqual({ min: 1n, max: 1n });
  });
  it("parses decimal token amounts", () => {
    expect(parseAmount("2.5", 6)).toBe(2_500_000n);
    expect(parseAmount(" 7 ", 18)).toBe(7n * 10n ** 18n);
    expect(parseAmount("-1", 6)).toBeUndefined();
    expect(parseAmount("1e3", 6)).toBeUndefined();
  });
});

describe("costBreakdown", () => {
  const terms = {
    pricePerGpuHour: 2_000_000n,
    gpusPerUnit: 8n,
    units: 2n,
    duration: 36_000n,
    feeBps: 250n,
  };

  it("splits the deposit into provider share and protocol fee", () => {
    const b = costBreakdown(terms);
    expect(b.gpus).toBe(16n);
    expect(b.deposit).toBe(320_000_000n); // 16 GPUs × 10 h × $2
    expect(b.fee).toBe(8_000_000n); // 2.5%
    expect(b.toProvider).toBe(312_000_000n);
    expect(b.perHour).toBe(32_000_000n);
  });

  it("refunds the unused part after 25, 50 and 75% of the term", () => {
    const b = costBreakdown(terms);
    expect(b.refunds.map((r) => [r.percent, r.usedSeconds, r.refund, r.toProvider, r.fee])).toEqual(
      [
        [25, 9_000n, 240_000_000n, 78_000_000n, 2_000_000n],
        [50, 18_000n, 160_000_000n, 156_000_000n, 4_000_000n],
        [75, 27_000n, 80_000_000n, 234_000_000n, 6_000_000n],
      ],
    );
    for (const r of b.refunds) expect(r.refund + r.toProvider + r.fee).toBe(b.deposit);
  });

  it("rounds what is billed down, as the contract does", () => {
    const b = costBreakdown({
      pricePerGpuHour: 1n,
      gpusPerUnit: 1n,
      units: 1n,
      duration: 10_800n,
      feeBps: 250n,
    });
    expect(b.deposit).toBe(3n);
    expect(b.refunds[0]).toMatchObject({
      usedSeconds: 2_700n,
      refund: 3n,
      toProvider: 0n,
      fee: 0n,
    });
  });
});
