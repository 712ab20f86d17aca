import { describe, expect, it } from "vitest";
import { checkTopUpInput, exitQuoteTime, quoteHoldsFor } from "./reserved.ts";

const HOUR = 3600n;
const TERM = 30n * 24n * HOUR;

describe("checkTopUpInput", () => {
  it("reads the caps in the token's decimals and the threshold in hours", () => {
    expect(
      checkTopUpInput({ perTopUp: "500", totalCap: "2,000.5", thresholdHours: "72" }, 6, TERM),
    ).toEqual({
      value: { perTopUp: 500_000_000n, totalCap: 2_000_500_000n, runwayThreshold: 72n * HOUR },
    });
  });
  it("names every bad field and builds nothing", () => {
    expect(
      checkTopUpInput({ perTopUp: "0", totalCap: "x", thresholdHours: "1.5" }, 6, TERM),
    ).toEqual({
      errors: {
        perTopUp: "Must be more than 0.",
        totalCap: "Enter a positive number, e.g. 1.5.",
        thresholdHours: "Enter the runway threshold as a whole number of hours, at least 1.",
      },
    });
    const r = checkTopUpInput({ perTopUp: "10", totalCap: "5", thresholdHours: "721" }, 6, TERM);
    expect(r).toEqual({
      errors: {
        totalCap: "The total cap must be at least the cap per top-up.",
        thresholdHours: "At most the lease's term (720 hours).",
      },
    });
  });
});

describe("exit quote timing", () => {
  const END = 1_000_000n * HOUR;
  it("quotes the next block at the end of its whole-hour bucket (same charge, read once an hour)", () => {
    // 10 h 30 min left at the next block: 10 whole hours, as at END - 10 h.
    expect(exitQuoteTime(END, END - 10n * HOUR - 1801n)).toBe(END - 10n * HOUR);
    // Exactly 10 h left at the next block stays in that bucket.
    expect(exitQuoteTime(END, END - 10n * HOUR - 1n)).toBe(END - 10n * HOUR);
    // One second later it is 9 whole hours.
    expect(exitQuoteTime(END, END - 10n * HOUR)).toBe(END - 9n * HOUR);
    // Past the commitment: the next block itself (no charge).
    expect(exitQuoteTime(END, END + 5n)).toBe(END + 6n);
  });
  it("says how long a quote holds: until the next whole hour of the commitment", () => {
    expect(quoteHoldsFor(END, END - 2n * HOUR - 600n)).toBe(600n);
    expect(quoteHoldsFor(END, END + 1n)).toBe(0n);
  });
});
