/**
 * canLease on hand-made offers: each check, and the contract's order between them. The property test beside it
 * (canLease.property.test.ts) holds it to the contract itself.
 */
import { describe, expect, it } from "vitest";
import { zeroAddress } from "viem";
import { canLease, leaseRefusals, MAX_DEPOSIT, type LeaseableOffer } from "@gridlease/sdk";

const offer: LeaseableOffer = {
  offerId: 1n,
  provider: "0x00000000000000000000000000000000000000a1",
  paymentToken: "0x00000000000000000000000000000000000000b2",
  paused: false,
  gpusPerUnit: 8n,
  totalUnits: 4n,
  unitsInUse: 1n,
  pricePerGpuHour: 2_000_000n,
  minDuration: 3600n,
  maxDuration: 86_400n,
  minProviderBond: 1000n,
  buyerPolicy: zeroAddress,
};
const open = {
  units: 1n,
  duration: 3600n,
  marketPaused: false,
  penaltyBps: 5000n,
  provider: { bond: 2_000_000n, lockedBond: 0n },
  tokenAllowed: true,
};

const errorOf = (o: Parameters<typeof canLease>[0], r: Partial<Parameters<typeof canLease>[1]>) => {
  const result = canLease(o, { ...open, ...r });
  return result.ok ? "ok" : result.error;
};

describe("canLease", () => {
  it("opens a lease that passes every check, with its price, deposit and reserved bond", () => {
    // The penalty is 10% of the deposit, above the offer's floor of 1,000 × 50% = 500.
    expect(canLease(offer, open)).toEqual({
      ok: true,
      price: 2_000_000n,
      deposit: 16_000_000n,
      penalty: 1_600_000n,
    });
    // A small lease reserves the floor.
    expect(canLease({ ...offer, pricePerGpuHour: 500n }, open)).toMatchObject({
      deposit: 4_000n,
      penalty: 500n,
    });
  });

  it("prices and checks a rolling lease: funded seconds plus the exit escrow, within the prepaid window", () => {
    const terms = {
      prepaidWindow: 7_200n,
      commitment: 3_600n,
      noticePeriod: 1_800n,
      exitFeeBps: 0n,
    };
    const term = 86_400n;
    // Two hours funded (32,000,000) plus a half-hour notice escrowed (8,000,000).
    expect(
      canLease(offer, {
        ...open,
        provider: { bond: 10n ** 9n, lockedBond: 0n },
        duration: term,
        rolling: { funded: 7_200n, terms },
      }),
    ).toEqual({
      ok: true,
      price: 2_000_000n,
      deposit: 40_000_000n,
      penalty: 4_000_000n,
    });
    const rolling = (funded: bigint, t = terms) => ({
      duration: term,
      rolling: { funded, terms: t },
    });
    expect(
      errorOf(offer, { ...rolling(7_199n), provider: { bond: 10n ** 9n, lockedBond: 0n } }),
    ).toBe("Market_FundingOutOfRange");
    expect(canLease(offer, { ...open, ...rolling(term + 1n) })).toMatchObject({
      error: "Market_FundingOutOfRange",
      args: [term + 1n, 7_200n, term],
    });
    expect(errorOf(offer, rolling(7_200n, { ...terms, prepaidWindow: 0n }))).toBe(
      "Market_NotRollingOffer",
    );
    // The funded deposit's 10% must fit the free bond.
    expect(
      errorOf(offer, { ...rolling(7_200n), provider: { bond: 3_999_999n, lockedBond: 0n } }),
    ).toBe("Market_BondCommitted");
  });

  it("names each failing check's custom error with its arguments", () => {
    expect(canLease(offer, { ...open, units: 4n })).toMatchObject({
      ok: false,
      error: "Market_UnitsUnavailable",
      args: [1n, 4n, 3n],
      message: "Offer #1 has only 3 units available; you asked for 4.",
    });
    expect(errorOf({ offerId: 9n }, {})).toBe("Market_UnknownOffer");
    expect(errorOf({ ...offer, provider: zeroAddress }, {})).toBe("Market_UnknownOffer");
    expect(errorOf({ ...offer, paused: true }, {})).toBe("Market_OfferPaused");
    expect(errorOf(offer, { units: 0n })).toBe("Market_ZeroUnits");
    expect(errorOf(offer, { duration: 3599n })).toBe("Market_DurationOutOfRange");
    expect(errorOf(offer, { duration: 86_401n })).toBe("Market_DurationOutOfRange");
    expect(errorOf(offer, { maxPricePerGpuHour: 1_999_999n })).toBe("Market_PriceAboveMax");
    expect(errorOf(offer, { maxPricePerGpuHour: 2_000_000n })).toBe("ok");
    expect(errorOf(offer, { provider: { bond: 999n, lockedBond: 0n } })).toBe(
      "Market_InsufficientBond",
    );
    expect(errorOf(offer, { provider: undefined })).toBe("Market_InsufficientBond");
    expect(errorOf(offer, { provider: { bond: 2_000_000n, lockedBond: 400_001n } })).toBe(
      "Market_BondCommitted",
    );
    expect(errorOf(offer, { provider: { bond: 2_000_000n, lockedBond: 400_000n } })).toBe("ok");
    expect(errorOf({ ...offer, pricePerGpuHour: 1n }, { duration: 3600n })).toBe("ok");
    expect(
      errorOf(
        { ...offer, pricePerGpuHour: 1n, gpusPerUnit: 1n, minDuration: 60n },
        { duration: 60n },
      ),
    ).toBe("Market_DepositZero");
    expect(
      errorOf(
        { ...offer, pricePerGpuHour: MAX_DEPOSIT, gpusPerUnit: 1n },
        { duration: 3600n, provider: { bond: MAX_DEPOSIT, lockedBond: 0n } },
      ),
    ).toBe("ok");
    expect(
      errorOf(
        { ...offer, pricePerGpuHour: MAX_DEPOSIT + 1n, gpusPerUnit: 1n },
        { duration: 3600n },
      ),
    ).toBe("Market_DepositTooLarge");
    expect(errorOf(offer, { tokenAllowed: false })).toBe("Market_TokenNotAllowed");
    expect(errorOf(offer, { buyerPublicKey: `0x${"00".repeat(32)}` })).toBe(
      "Market_InvalidPublicKey",
    );
    expect(errorOf(offer, { buyerPublicKey: `0x${"00".repeat(31)}01` })).toBe("ok");
  });

  it("leaves a restricted offer to its policy unless told the policy's answer", () => {
    const restricted = {
      ...offer,
      buyerPolicy: "0x00000000000000000000000000000000000000c3" as const,
    };
    expect(canLease(restricted, open)).toMatchObject({
      ok: false,
      error: "PolicyDecides",
      args: [1n, "0x00000000000000000000000000000000000000c3"],
    });
    expect(errorOf(restricted, { buyerAllowed: true })).toBe("ok");
    expect(errorOf(restricted, { buyerAllowed: false })).toBe("Market_BuyerNotAllowed");
    // The policy is asked last, after the deposit, the token and the bond, as in the contract.
    expect(errorOf(restricted, { buyerAllowed: false, provider: undefined })).toBe(
      "Market_InsufficientBond",
    );
    expect(errorOf(restricted, { buyerAllowed: false, tokenAllowed: false })).toBe(
      "Market_TokenNotAllowed",
    );
  });

  it("reports the first failure in the contract's order, and lists the rest", () => {
    const everything = {
      ...open,
      marketPaused: true,
      units: 9n,
      duration: 1n,
      maxPricePerGpuHour: 0n,
      provider: undefined,
      tokenAllowed: false,
      buyerPublicKey: `0x${"00".repeat(32)}` as const,
    };
    expect(leaseRefusals({ ...offer, paused: true }, everything).map((r) => r.error)).toEqual([
      "Market_Paused",
      "Market_OfferPaused",
      "Market_UnitsUnavailable",
      "Market_DurationOutOfRange",
      "Market_PriceAboveMax",
      "Market_TokenNotAllowed",
      "Market_InvalidPublicKey",
      "Market_InsufficientBond",
    ]);
    expect(errorOf({ ...offer, paused: true }, everything)).toBe("Market_Paused");
    expect(errorOf({ offerId: 3n }, { ...everything, marketPaused: false })).toBe(
      "Market_UnknownOffer",
    );
    expect(leaseRefusals(offer, open)).toEqual([]);
  });
});
