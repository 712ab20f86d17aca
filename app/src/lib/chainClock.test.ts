import { describe, expect, it } from "vitest";
import { chainNow, formatCountdown } from "./chainClock.ts";

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
