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
  provider: { bond: 1000n, lockedBond: 0n },
  tokenAllowed: true,
};

const errorOf = (o: Parameters<typeof canLease>[0], r: Partial<Parameters<typeof canLease>[1]>) => {
  const result = canLease(o, { ...open, ...r });
  return result.ok ? "ok" : result.error;
};

describe("canLease", () => {
  it("opens a lease that passes every check, with its price, deposit and reserved bond", () => {
    expect(canLease(offer, open)).toEqual({
      ok: true,
      price: 2_000_000n,
      deposit: 16_000_000n,
      penalty: 500n,
    });
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
    expect(errorOf(offer, { provider: { bond: 1400n, lockedBond: 901n } })).toBe(
      "Market_BondCommitted",
    );
    expect(errorOf(offer, { provider: { bond: 1400n, lockedBond: 900n } })).toBe("ok");
    expect(errorOf({ ...offer, pricePerGpuHour: 1n }, { duration: 3600n })).toBe("ok");
    expect(
      errorOf(
        { ...offer, pricePerGpuHour: 1n, gpusPerUnit: 1n, minDuration: 60n },
        { duration: 60n },
      ),
    ).toBe("Market_DepositZero");
    expect(
      errorOf({ ...offer, pricePerGpuHour: MAX_DEPOSIT, gpusPerUnit: 1n }, { duration: 3600n }),
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
    // The policy is asked after the bond checks and before the deposit ones, as in the contract.
    expect(errorOf(restricted, { buyerAllowed: false, provider: undefined })).toBe(
      "Market_InsufficientBond",
    );
    expect(errorOf(restricted, { buyerAllowed: false, tokenAllowed: false })).toBe(
      "Market_BuyerNotAllowed",
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
      "Market_InsufficientBond",
      "Market_TokenNotAllowed",
      "Market_InvalidPublicKey",
    ]);
    expect(errorOf({ ...offer, paused: true }, everything)).toBe("Market_Paused");
    expect(errorOf({ offerId: 3n }, { ...everything, marketPaused: false })).toBe(
      "Market_UnknownOffer",
    );
    expect(leaseRefusals(offer, open)).toEqual([]);
  });
});
