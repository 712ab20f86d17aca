import { describe, expect, it } from "vitest";
import { extensionCost, formatDuration } from "@gridlease/sdk";
import { chainNow, checkExtension, formatCountdown, parseHours } from "./logic.ts";

const terms = {
  pricePerGpuHour: 2_100_000n,
  gpusPerUnit: 8n,
  units: 2n,
  duration: 3600n * 10n,
  feeBps: 250n,
};
const usd = (v: bigint) => `$${Number(v) / 1e6}`;

describe("chainNow", () => {
  it("uses the local clock when there is no block or the chain is behind", () => {
    expect(chainNow(1_700_000_000_500)).toBe(1_700_000_000n);
    expect(
      chainNow(1_700_000_000_000, { timestamp: 1_699_999_000n, readAtMs: 1_699_999_999_000 }),
    ).toBe(1_700_000_000n);
  });
  it("follows a chain that runs ahead, counting the seconds since the block was read", () => {
    const block = { timestamp: 1_800_000_000n, readAtMs: 1_700_000_000_000 };
    expect(chainNow(1_700_000_000_000, block)).toBe(1_800_000_000n);
    expect(chainNow(1_700_000_005_900, block)).toBe(1_800_000_005n);
  });
});

describe("formatCountdown", () => {
  it("formats hours, minutes and seconds, with days when needed", () => {
    expect(formatCountdown(0n)).toBe("00:00:00");
    expect(formatCountdown(-5n)).toBe("00:00:00");
    expect(formatCountdown(3661n)).toBe("01:01:01");
    expect(formatCountdown(2n * 86400n + 3n * 3600n + 4n * 60n + 5n)).toBe("2d 03:04:05");
  });
});

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
