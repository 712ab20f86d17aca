/** `quoteLease`: a lease request priced with the SDK's lease math and checked with `canLease`. */
import { isAddressEqual, zeroAddress, type Address } from "viem";
import { leaseRefusals, toLeaseableOffer } from "../canLease.ts";
import { describeRevert } from "../errors.ts";
import { cost, settle } from "../pricing.ts";
import { getOffer, getProvider, isPaymentToken, read } from "./reads.ts";
import type { OnMarket, ReadClient } from "./types.ts";

/** A priced lease request, checked against the offer's current on-chain terms. */
export interface LeaseQuote {
  offerId: bigint;
  paymentToken: Address;
  pricePerGpuHour: bigint;
  gpusPerUnit: bigint;
  units: bigint;
  duration: bigint;
  /** Protocol fee locked at open (the market's current fee). */
  feeBps: bigint;
  /** Escrowed at open. */
  deposit: bigint;
  /** Fee and provider share if the lease runs its full term. */
  fee: bigint;
  toProvider: bigint;
  /** The price with the slippage allowance: pass it as `maxPricePerGpuHour`. */
  maxPricePerGpuHour: bigint;
  /** The deposit at `maxPricePerGpuHour`: what an approval or permit should cover. */
  maxDeposit: bigint;
  unitsAvailable: bigint;
  /** Why `openLease` would revert now, in plain English; empty when it should go through. */
  problems: string[];
}

/**
 * Prices `units` of an offer for `duration` seconds with the SDK's lease math and the offer's current terms,
 * and lists what would stop it opening. `slippageBps` raises the suggested maximum price (default 0).
 */
export async function quoteLease(
  c: ReadClient,
  p: OnMarket & { offerId: bigint; units: bigint; duration: bigint; slippageBps?: bigint },
): Promise<LeaseQuote> {
  const [offer, feeBps, marketPaused, penaltyBps] = await Promise.all([
    getOffer(c, p),
    read(c, p.market, "feeBps", []),
    read(c, p.market, "paused", []),
    read(c, p.market, "PENALTY_BPS", []),
  ]);
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new Error(describeRevert("Market_UnknownOffer", [p.offerId]));
  const [provider, tokenAllowed] = await Promise.all([
    getProvider(c, { market: p.market, provider: offer.provider }),
    isPaymentToken(c, { market: p.market, token: offer.paymentToken }),
  ]);
  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const terms = {
    pricePerGpuHour: offer.pricePerGpuHour,
    gpusPerUnit,
    units: p.units,
    duration: p.duration,
    feeBps,
  };
  const full = settle(terms, p.duration);
  const maxPricePerGpuHour =
    offer.pricePerGpuHour + (offer.pricePerGpuHour * (p.slippageBps ?? 0n)) / 10_000n;
  const unitsAvailable = BigInt(offer.totalUnits - offer.unitsInUse);

  // canLease's checks (the buyer policy aside: the app asks it separately), every one that fails.
  const refusals = leaseRefusals(toLeaseableOffer(p.offerId, offer), {
    units: p.units,
    duration: p.duration,
    marketPaused,
    penaltyBps,
    provider: { bond: BigInt(provider.bond), lockedBond: BigInt(provider.lockedBond) },
    tokenAllowed,
  });
  return {
    offerId: p.offerId,
    paymentToken: offer.paymentToken,
    pricePerGpuHour: offer.pricePerGpuHour,
    gpusPerUnit,
    units: p.units,
    duration: p.duration,
    feeBps,
    deposit: full.deposit,
    fee: full.fee,
    toProvider: full.toProvider,
    maxPricePerGpuHour,
    maxDeposit: cost(maxPricePerGpuHour, gpusPerUnit * p.units, p.duration),
    unitsAvailable,
    problems: refusals.flatMap((r) => (r.error === "PolicyDecides" ? [] : [r.message])),
  };
}
