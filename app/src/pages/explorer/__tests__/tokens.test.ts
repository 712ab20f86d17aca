import { describe, expect, it } from "vitest";
import { formatAmount, knownToken, toNumber } from "../tokens.ts";
import { GRID, USD } from "./fixtures.ts";

describe("amounts", () => {
  it("knows the deployed tokens", () => {
    expect(knownToken(USD)).toEqual({ symbol: "tUSD", decimals: 6, isUsd: true });
    expect(knownToken(GRID.toUpperCase().replace("0X", "0x"))).toEqual({
      symbol: "GRID",
      decimals: 18,
      isUsd: false,
    });
    expect(knownToken("0x0000000000000000000000000000000000000001")).toBeUndefined();
  });
  it("rounds USD to cents and other tokens to 4 decimals", () => {
    const usd = knownToken(USD)!;
    const grid = knownToken(GRID)!;
    expect(formatAmount(2_105_000n, usd)).toBe("$2.11");
    expect(formatAmount("1234567890", usd)).toBe("$1,234.57");
    expect(formatAmount(0n, usd)).toBe("$0.00");
    expect(formatAmount(-1_500_000n, usd)).toBe("-$1.50");
    expect(formatAmount(12_345_678_900_000_000_000n, grid)).toBe("12.3457 GRID");
    expect(formatAmount(5n * 10n ** 21n, grid)).toBe("5,000 GRID");
    expect(formatAmount(2_105_000n, usd, { digits: 4 })).toBe("$2.1050");
    expect(formatAmount(1234n, undefined)).toBe("1,234 base units");
    expect(toNumber("2500000", 6)).toBe(2.5);
    expect(formatAmount(1_900_000n, grid)).toBe("<0.0001 GRID");
    expect(formatAmount(4_000n, usd)).toBe("<$0.01");
  });
});
