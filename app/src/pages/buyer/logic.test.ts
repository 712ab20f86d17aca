import { describe, expect, it } from "vitest";
import { extensionCost, formatDuration } from "@gridlease/sdk";
import { checkExtension, parseHours } from "./logic.ts";

const terms = {
  pricePerGpuHour: 2_100_000n,
  gpusPerUnit: 8n,
  units: 2n,
  duration: 3600n * 10n,
  feeBps: 250n,
};
const usd = (v: bigint) => `$${Number(v) / 1e6}`;

describe("parseHours", () => {
  it("accepts whole and fractional hours", () => {
    expect(parseHours("2")).toEqual({ seconds: 7200n });
    expect(parseHours(" 0.5 ")).toEqual({ seconds: 1800n });
  });
  it("refuses empty, negative, zero and non-numbers", () => {
    for (const bad of ["", "-1", "0", "abc", "1e3", "1,5"])
      expect(parseHours(bad)).toHaveProperty("error");
  });
});

describe("checkExtension", () => {
  it("prices the top-up with the SDK's extensionCost", () => {
    const r = checkExtension("3", terms, 3600n * 100n, 10n ** 12n, usd, formatDuration);
    expect(r.error).toBeUndefined();
    expect(r.seconds).toBe(10800n);
    expect(r.cost).toBe(extensionCost(terms, 10800n));
    expect(r.cost).toBe(2_100_000n * 16n * 3n);
  });
  it("refuses to go past the offer's maximum duration and says how much room is left", () => {
    const r = checkExtension("95", terms, 3600n * 100n, undefined, usd, formatDuration);
    expect(r.error).toMatch(/add at most 3 days 18 hours/);
    const full = checkExtension(
      "1",
      { ...terms, duration: 3600n * 100n },
      3600n * 100n,
      undefined,
      usd,
      formatDuration,
    );
    expect(full.error).toMatch(/already at the offer's maximum/);
  });
  it("refuses a top-up above the balance", () => {
    const r = checkExtension("1", terms, undefined, 1_000n, usd, formatDuration);
    expect(r.cost).toBe(33_600_000n);
    expect(r.error).toMatch(/your balance is/);
  });
});
