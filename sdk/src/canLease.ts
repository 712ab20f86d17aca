/**
 * `canLease`: would `openLease` (or `openRollingLease`, given `rolling`) accept these terms on this offer now? The
 * one definition of an "open" offer: the market page, the rent page and the CLI ask it, and it names the custom
 * error the contract would revert with.
 *
 * The checks and their order are those of `GridleaseMarket._openLease` / `openRollingLease`, `_checkOpen` and
 * `_recordLease` (contracts/GridleaseMarket.sol, contracts/abstracts/GridleaseMarketState.sol):
 *
 *   1. Market_Paused                 the market is paused
 *   2. Market_UnknownOffer           no such offer
 *   3. Market_OfferPaused            the provider paused the offer
 *   4. Market_ZeroUnits              units = 0
 *   5. Market_UnitsUnavailable       units > totalUnits − unitsInUse
 *   6. Market_DurationOutOfRange     duration (a rolling lease: its term) outside [minDuration, maxDuration]
 *   7. Market_PriceAboveMax          the offer's price > maxPricePerGpuHour (when given)
 *   8. Market_DepositZero            the deposit for the duration rounds down to 0
 *   9. Market_DepositTooLarge        the deposit for the duration exceeds uint104
 *      rolling only: Market_NotRollingOffer (no prepaid window), Market_FundingOutOfRange (funded outside
 *      min(window, term)..term), Market_DepositTooLarge (funded cost plus the exit escrow exceeds uint104)
 *  10. Market_TokenNotAllowed        the market no longer allows the offer's payment token
 *  11. Market_InvalidPublicKey       buyerPublicKey is zero (only checked when given)
 *  12. Market_InsufficientBond       the provider's bond IN THE OFFER'S PAYMENT TOKEN < the offer's minProviderBond
 *  13. Market_BondCommitted          free bond (bond − lockedBond) < the lease's penalty: max(minProviderBond ×
 *                                    PENALTY_BPS / 10,000, STAKE_PENALTY_BPS of the escrowed deposit)
 *  14. Market_BuyerNotAllowed        the offer's buyer policy says no (see below)
 *
 * Buyer policy: a restricted offer's policy contract answers `isAllowed(provider, offerId, buyer)` on-chain, which no
 * index can know. Pass its answer as `buyerAllowed`; without it a restricted offer that passes every earlier check
 * gives `{ ok: false, error: "PolicyDecides" }` (not a contract error: the policy decides).
 *
 * What stays the buyer's problem and is not checked: the buyer's token balance and allowance (or permit), which the
 * transfer after these checks needs, and a zero public key when `buyerPublicKey` is not passed.
 */
import { zeroAddress, type Address, type Hex } from "viem";
import { describeRevert, type ErrorContext } from "./errors.ts";
import {
  cost,
  fundingRange,
  penalty as penaltyOf,
  rollingDeposit,
  stakePenalty,
  type ReservedTerms,
} from "./pricing.ts";
import type { OfferRecord } from "./actions/types.ts";

/** The largest deposit the market stores (uint104: the lease's `settled` field). */
export const MAX_DEPOSIT = (1n << 104n) - 1n;

/** The fields of an offer `canLease` reads: an `IndexedOffer`, or `getOffer`'s view with its `offerId`. */
export interface LeaseableOffer {
  offerId: bigint;
  /** The zero address for an offer that does not exist (as `getOffer` returns it). */
  provider: Address;
  paymentToken: Address;
  paused: boolean;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  unitsInUse: bigint;
  pricePerGpuHour: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  minProviderBond: bigint;
  /** The zero address when anyone may lease. */
  buyerPolicy: Address;
}

/** `getOffer`'s view (small integers as numbers) as a `LeaseableOffer`. */
export const toLeaseableOffer = (offerId: bigint, view: OfferRecord): LeaseableOffer => ({
  offerId,
  provider: view.provider,
  paymentToken: view.paymentToken,
  paused: view.paused,
  gpusPerUnit: BigInt(view.gpusPerUnit),
  totalUnits: BigInt(view.totalUnits),
  unitsInUse: BigInt(view.unitsInUse),
  pricePerGpuHour: view.pricePerGpuHour,
  minDuration: BigInt(view.minDuration),
  maxDuration: BigInt(view.maxDuration),
  minProviderBond: BigInt(view.minProviderBond),
  buyerPolicy: view.buyerPolicy,
});

/** The state around the offer that `openLease` reads. */
export interface LeaseConditions {
  /** The market's pause switch. */
  marketPaused: boolean;
  /** The market's PENALTY_BPS (immutable: `deployments[chainId].contracts.GridleaseMarket.penaltyBps`). */
  penaltyBps: bigint;
  /**
   * The offer's provider's bond in the offer's payment token (`bondOf(provider, paymentToken)`: `amount` as `bond`,
   * `locked` as `lockedBond`); undefined for a provider with none.
   */
  provider: { bond: bigint; lockedBond: bigint } | undefined;
  /** Whether the market allows the offer's payment token now. */
  tokenAllowed: boolean;
}

/** The terms a buyer asks for. */
export interface LeaseTermsRequest {
  units: bigint;
  /** Seconds. */
  duration: bigint;
  /** The buyer's price cap; without it any price passes (as a cap of 2^256 − 1 would). */
  maxPricePerGpuHour?: bigint;
  /** The buyer (for messages). */
  buyer?: Address;
  /** The buyer policy's answer for this buyer, when the offer has a policy; see the module comment. */
  buyerAllowed?: boolean;
  /** Checked last, as the contract does, when given. */
  buyerPublicKey?: Hex;
  /** Token display data for the messages. */
  context?: ErrorContext;
  /**
   * For `openRollingLease`: `duration` is then the term, `funded` the seconds prepaid now, and `terms` the offer's
   * reserved-capacity terms (`getOfferTerms`).
   */
  rolling?: { funded: bigint; terms: ReservedTerms };
}

/** The custom errors `openLease` can revert with before moving tokens. */
export type OpenLeaseErrorName =
  | "Market_Paused"
  | "Market_UnknownOffer"
  | "Market_OfferPaused"
  | "Market_ZeroUnits"
  | "Market_UnitsUnavailable"
  | "Market_DurationOutOfRange"
  | "Market_PriceAboveMax"
  | "Market_InsufficientBond"
  | "Market_BondCommitted"
  | "Market_BuyerNotAllowed"
  | "Market_DepositZero"
  | "Market_DepositTooLarge"
  | "Market_NotRollingOffer"
  | "Market_FundingOutOfRange"
  | "Market_TokenNotAllowed"
  | "Market_InvalidPublicKey";

/**
 * `openLease` would succeed (given the buyer's funds): the price it locks, the deposit it pulls (a rolling lease:
 * the funded seconds' cost plus the exit escrow) and the penalty it reserves out of the provider's bond.
 */
export interface LeaseAllowed {
  ok: true;
  price: bigint;
  deposit: bigint;
  penalty: bigint;
}

/** `openLease` would revert with `error(...args)`; `message` explains it in plain English. */
export interface LeaseRefused {
  ok: false;
  error: OpenLeaseErrorName;
  args: readonly unknown[];
  message: string;
}

/** Every check up to the buyer policy passes; the offer's policy contract decides (pass `buyerAllowed`). */
export interface LeasePolicyDecides {
  ok: false;
  error: "PolicyDecides";
  args: readonly [offerId: bigint, policy: Address];
  message: string;
}

/** The answer of `canLease`. */
export type CanLeaseResult = LeaseAllowed | LeaseRefused | LeasePolicyDecides;

const ZERO_KEY = /^0x0{64}$/i;

/** An offer that exists: `getOffer` returns a zero provider for one that does not. */
const exists = (offer: LeaseableOffer | { provider?: undefined }): offer is LeaseableOffer =>
  offer.provider !== undefined && offer.provider.toLowerCase() !== zeroAddress;

/**
 * Every check `openLease` would fail on, in the contract's order: the first is the error it reverts with (that is
 * `canLease`), the rest are what would still stand in the way once it is fixed. Empty when the lease can open.
 * An unknown offer or a paused market stops the list, as nothing else can be judged then.
 */
export function leaseRefusals(
  offer: LeaseableOffer | { offerId: bigint; provider?: undefined },
  request: LeaseTermsRequest & LeaseConditions,
): (LeaseRefused | LeasePolicyDecides)[] {
  const out: (LeaseRefused | LeasePolicyDecides)[] = [];
  const refuse = (error: OpenLeaseErrorName, args: readonly unknown[]) =>
    out.push({
      ok: false,
      error,
      args,
      message:
        describeRevert(error, args, request.context ?? {}) ??
        `The market would refuse with ${error}.`,
    });
  const { units, duration } = request;
  const offerId = offer.offerId;

  if (request.marketPaused) refuse("Market_Paused", []);
  if (!exists(offer)) {
    refuse("Market_UnknownOffer", [offerId]);
    return out;
  }
  const o = offer;
  if (o.paused) refuse("Market_OfferPaused", [offerId]);
  if (units <= 0n) refuse("Market_ZeroUnits", []);
  const available = o.totalUnits - o.unitsInUse;
  if (units > available) refuse("Market_UnitsUnavailable", [offerId, units, available]);
  if (duration < o.minDuration || duration > o.maxDuration)
    refuse("Market_DurationOutOfRange", [duration, o.minDuration, o.maxDuration]);
  const price = o.pricePerGpuHour;
  if (request.maxPricePerGpuHour !== undefined && price > request.maxPricePerGpuHour)
    refuse("Market_PriceAboveMax", [offerId, price, request.maxPricePerGpuHour]);
  // The deposit checks only mean something for a positive number of units.
  const gpus = o.gpusPerUnit * units;
  if (units > 0n) {
    const full = cost(price, gpus, duration);
    if (full === 0n) refuse("Market_DepositZero", [offerId, units, duration]);
    if (full > MAX_DEPOSIT) refuse("Market_DepositTooLarge", [full]);
  }
  const deposit = depositOf(o, request);
  if (request.rolling) {
    const { terms, funded } = request.rolling;
    if (terms.prepaidWindow === 0n) refuse("Market_NotRollingOffer", [offerId]);
    else {
      const range = fundingRange(terms, duration);
      if (funded < range.min || funded > range.max)
        refuse("Market_FundingOutOfRange", [funded, range.min, range.max]);
    }
    if (units > 0n && deposit > MAX_DEPOSIT) refuse("Market_DepositTooLarge", [deposit]);
  }
  if (!request.tokenAllowed) refuse("Market_TokenNotAllowed", [o.paymentToken]);
  if (request.buyerPublicKey !== undefined && ZERO_KEY.test(request.buyerPublicKey))
    refuse("Market_InvalidPublicKey", []);
  const bond = request.provider?.bond ?? 0n;
  if (bond < o.minProviderBond)
    refuse("Market_InsufficientBond", [o.provider, bond, o.minProviderBond]);
  // The contract subtracts only once the bond covers the minimum, so the free bond is never negative there.
  else {
    const reserve = stakePenalty(penaltyOf(o.minProviderBond, request.penaltyBps), deposit);
    const freeBond = bond - (request.provider?.lockedBond ?? 0n);
    if (freeBond < reserve) refuse("Market_BondCommitted", [o.provider, freeBond, reserve]);
  }
  if (o.buyerPolicy.toLowerCase() !== zeroAddress) {
    if (request.buyerAllowed === undefined)
      out.push({
        ok: false,
        error: "PolicyDecides",
        args: [offerId, o.buyerPolicy],
        message: `Offer #${offerId} is restricted: its buyer policy (${o.buyerPolicy}) decides who may lease it.`,
      });
    else if (!request.buyerAllowed)
      refuse("Market_BuyerNotAllowed", [offerId, request.buyer ?? zeroAddress]);
  }
  return out;
}

/**
 * Whether `openLease(offer.offerId, units, duration, maxPrice, key)` would pass the market's checks, in the
 * contract's order, and if not the custom error it would revert with. For an offer that does not exist pass
 * `{ offerId }` alone, or `getOffer`'s view (its provider is the zero address).
 */
export function canLease(
  offer: LeaseableOffer | { offerId: bigint; provider?: undefined },
  request: LeaseTermsRequest & LeaseConditions,
): CanLeaseResult {
  const [first] = leaseRefusals(offer, request);
  if (first) return first;
  // Every check passed, so the offer exists.
  const o = offer as LeaseableOffer;
  const deposit = depositOf(o, request);
  return {
    ok: true,
    price: o.pricePerGpuHour,
    deposit,
    penalty: stakePenalty(penaltyOf(o.minProviderBond, request.penaltyBps), deposit),
  };
}

/** What the lease escrows at open: the duration's cost, or for a rolling lease the funded cost plus the exit escrow. */
function depositOf(o: LeaseableOffer, request: LeaseTermsRequest): bigint {
  const gpus = o.gpusPerUnit * request.units;
  if (!request.rolling) return cost(o.pricePerGpuHour, gpus, request.duration);
  return rollingDeposit(request.rolling.terms, {
    price: o.pricePerGpuHour,
    gpus,
    funded: request.rolling.funded,
  }).deposit;
}
