/** `quoteLease`: a lease request priced with the SDK's lease math and checked with `canLease`. */
import { isAddressEqual, zeroAddress, type Address } from "viem";
import { leaseRefusals, toLeaseableOffer } from "../canLease.ts";
import { describeRevert } from "../errors.ts";
import {
  cost,
  exitEscrow,
  penalty as penaltyFloor,
  rollingDeposit,
  settle,
  stakePenalty,
  type ReservedTerms,
} from "../pricing.ts";
import { getOffer, isPaymentToken, read } from "./reads.ts";
import { bondOf, getOfferTerms } from "./reserved.ts";
import type { OnMarket, ReadClient } from "./types.ts";

/** A priced lease request, checked against the offer's current on-chain terms. */
export interface LeaseQuote {
  offerId: bigint;
  paymentToken: Address;
  pricePerGpuHour: bigint;
  gpusPerUnit: bigint;
  units: bigint;
  /** Seconds: the lease's duration, or a rolling lease's term. */
  duration: bigint;
  /** A rolling lease's seconds prepaid at open; undefined for a fully prepaid lease. */
  funded: bigint | undefined;
  /** Protocol fee locked at open (the market's current fee). */
  feeBps: bigint;
  /** Escrowed at open (a rolling lease: the funded seconds' cost plus `exitEscrow`). */
  deposit: bigint;
  /** Fee and provider share if the lease runs its full term. */
  fee: bigint;
  toProvider: bigint;
  /** The offer's reserved-capacity terms (all zero for a plain offer): show the exit terms before signing. */
  terms: ReservedTerms;
  /** What a rolling lease escrows for its exit at open (0 otherwise). */
  exitEscrow: bigint;
  /** What the lease reserves out of the provider's bond, and pays the buyer if the provider fails it. */
  penalty: bigint;
  /** The price with the slippage allowance: pass it as `maxPricePerGpuHour`. */
  maxPricePerGpuHour: bigint;
  /** The deposit at `maxPricePerGpuHour`: what an approval or permit should cover. */
  maxDeposit: bigint;
  unitsAvailable: bigint;
  /** Why `openLease` (`openRollingLease` with `funded`) would revert now, in plain English; empty when it should go. */
  problems: string[];
}

/**
 * Prices `units` of an offer for `duration` seconds with the SDK's lease math and the offer's current terms,
 * and lists what would stop it opening. With `funded`, it prices a rolling lease of term `duration` that prepays
 * `funded` seconds. `slippageBps` raises the suggested maximum price (default 0).
 */
export async function quoteLease(
  c: ReadClient,
  p: OnMarket & {
    offerId: bigint;
    units: bigint;
    duration: bigint;
    funded?: bigint;
    slippageBps?: bigint;
  },
): Promise<LeaseQuote> {
  const [offer, feeBps, marketPaused, penaltyBps, terms] = await Promise.all([
    getOffer(c, p),
    read(c, p.market, "feeBps", []),
    read(c, p.market, "paused", []),
    read(c, p.market, "PENALTY_BPS", []),
    getOfferTerms(c, p),
  ]);
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new Error(describeRevert("Market_UnknownOffer", [p.offerId]));
  const [bond, tokenAllowed] = await Promise.all([
    bondOf(c, { market: p.market, provider: offer.provider, token: offer.paymentToken }),
    isPaymentToken(c, { market: p.market, token: offer.paymentToken }),
  ]);
  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const gpus = gpusPerUnit * p.units;
  const full = settle(
    {
      pricePerGpuHour: offer.pricePerGpuHour,
      gpusPerUnit,
      units: p.units,
      duration: p.duration,
      feeBps,
    },
    p.duration,
  );
  const maxPricePerGpuHour =
    offer.pricePerGpuHour + (offer.pricePerGpuHour * (p.slippageBps ?? 0n)) / 10_000n;
  const unitsAvailable = BigInt(offer.totalUnits - offer.unitsInUse);
  const rolling = p.funded === undefined ? undefined : { funded: p.funded, terms };
  const depositAt = (price: bigint) =>
    rolling
      ? rollingDeposit(terms, { price, gpus, funded: rolling.funded }).deposit
      : cost(price, gpus, p.duration);
  const deposit = depositAt(offer.pricePerGpuHour);

  // canLease's checks (the buyer policy aside: the app asks it separately), every one that fails.
  const refusals = leaseRefusals(toLeaseableOffer(p.offerId, offer), {
    units: p.units,
    duration: p.duration,
    marketPaused,
    penaltyBps,
    provider: { bond: bond.amount, lockedBond: bond.locked },
    tokenAllowed,
    rolling,
  });
  return {
    offerId: p.offerId,
    paymentToken: offer.paymentToken,
    pricePerGpuHour: offer.pricePerGpuHour,
    gpusPerUnit,
    units: p.units,
    duration: p.duration,
    funded: p.funded,
    feeBps,
    deposit,
    fee: full.fee,
    toProvider: full.toProvider,
    terms,
    exitEscrow: rolling ? exitEscrow(terms, offer.pricePerGpuHour, gpus) : 0n,
    penalty: stakePenalty(penaltyFloor(BigInt(offer.minProviderBond), penaltyBps), deposit),
    maxPricePerGpuHour,
    maxDeposit: depositAt(maxPricePerGpuHour),
    unitsAvailable,
    problems: refusals.flatMap((r) => (r.error === "PolicyDecides" ? [] : [r.message])),
  };
}
