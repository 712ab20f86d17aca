/** The formatting module: one way to show tokens, stablecoins, durations, times and end reasons. */
import { describe, expect, it } from "vitest";
import {
  BOND_TOKEN_DISPLAY,
  deployments,
  endReasonShortLabel,
  endReasonText,
  formatTokenAmount,
  formatTokenAmountShort,
  isStablecoin,
  knownTokenDisplay,
  leaseStatusShortLabel,
  tokenDisplay,
} from "@gridlease/sdk";

const tUSD = tokenDisplay("tUSD", 6);

describe("stablecoins", () => {
  it("knows USD stablecoins by symbol and nothing else", () => {
    for (const s of ["USDC", "USDT", "usdc", "tUSD", "DAI", "USD₮", "PYUSD", "USDe"])
      expect(isStablecoin(s), s).toBe(true);
    for (const s of ["GRID", "WETH", "USDCX", "AUSD", "EURC", ""])
      expect(isStablecoin(s), s).toBe(false);
  });

  it("decides isUsd from the symbol unless told", () => {
    expect(tokenDisplay("USDC", 6).isUsd).toBe(true);
    expect(tokenDisplay("GRID", 18).isUsd).toBe(false);
    expect(formatTokenAmount(2_100_000n, { symbol: "USDC", decimals: 6 })).toBe("$2.10");
    expect(formatTokenAmount(2_100_000n, { symbol: "USDC", decimals: 6, isUsd: false })).toBe(
      "2.1 USDC",
    );
  });

  it("knows every deployment's GRID and test USD by address, in any case", () => {
    const local = deployments["31337"].contracts;
    expect(
      knownTokenDisplay(local.GridleaseToken.address.toUpperCase().replace("0X", "0x")),
    ).toEqual(BOND_TOKEN_DISPLAY);
    expect(knownTokenDisplay(local.TestUSD.address)).toEqual({
      symbol: "tUSD",
      decimals: 6,
      isUsd: true,
    });
    expect(knownTokenDisplay("0x000000000000000000000000000000000000dEaD")).toBeUndefined();
    expect(knownTokenDisplay(undefined)).toBeUndefined();
  });
});

describe("token amounts", () => {
  it("shows exact amounts with every decimal, dollars for stablecoins", () => {
    expect(formatTokenAmount(1_234_567_891n, tUSD)).toBe("$1,234.567891");
    expect(formatTokenAmount(-5_000_000n, tUSD)).toBe("-$5.00");
    expect(formatTokenAmount(5_000n * 10n ** 18n + 25n * 10n ** 16n, BOND_TOKEN_DISPLAY)).toBe(
      "5,000.25 GRID",
    );
    expect(formatTokenAmount(1234567n)).toBe("1,234,567 base units");
  });

  it("rounds short amounts half up, and says dust is dust", () => {
    expect(formatTokenAmountShort(1_234_565_000n, tUSD)).toBe("$1,234.57");
    expect(formatTokenAmountShort("1234564999", tUSD)).toBe("$1,234.56");
    expect(formatTokenAmountShort(12_345_650n * 10n ** 12n, BOND_TOKEN_DISPLAY)).toBe(
      "12.3457 GRID",
    );
    expect(formatTokenAmountShort(10n ** 18n, BOND_TOKEN_DISPLAY)).toBe("1 GRID");
    expect(formatTokenAmountShort(4_000n, tUSD)).toBe("<$0.01");
    expect(formatTokenAmountShort(-4_000n, tUSD)).toBe(">-$0.01");
    expect(formatTokenAmountShort(5n, BOND_TOKEN_DISPLAY)).toBe("<0.0001 GRID");
    expect(formatTokenAmountShort(0n, tUSD)).toBe("$0.00");
    expect(formatTokenAmountShort(1_500_000n, tUSD, { digits: 0 })).toBe("$2");
    expect(formatTokenAmountShort("42", undefined)).toBe("42 base units");
  });
});

describe("end reasons and statuses", () => {
  it("labels end reasons by number, name or an indexer's string", () => {
    expect(endReasonShortLabel(3)).toBe("Provider ended");
    expect(endReasonShortLabel(4n)).toBe("No-show");
    expect(endReasonShortLabel("Expired")).toBe("Ran full term");
    expect(endReasonShortLabel("SomethingNew")).toBe("SomethingNew");
    expect(endReasonShortLabel("toString")).toBe("toString");
    expect(() => endReasonShortLabel(9)).toThrow(RangeError);
    expect(endReasonText("BuyerTerminated")).toBe("Ended early by the buyer");
    expect(endReasonText("constructor")).toBe("constructor");
  });

  it("gives badges a short status", () => {
    expect(leaseStatusShortLabel("ActivationOverdue")).toBe("Activation overdue");
    expect(leaseStatusShortLabel("Expired")).toBe("Term over");
    expect(leaseStatusShortLabel("Active")).toBe("Active");
  });
});
