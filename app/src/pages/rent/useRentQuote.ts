/**
 * The rent form's live quote: the buyer's entry checked against the offer (servers, hours, maximum price,
 * balance), what would stop `openLease` (the SDK's `leaseRefusals`, the same definition the market list uses, fed
 * with the chain's state: market paused, the provider's free bond, the token still allowed, the buyer policy), and
 * the cost breakdown from the SDK's lease math.
 */
import { zeroAddress, type Address } from "viem";
import {
  leaseRefusals,
  type LeaseableOffer,
  type OfferRecord,
  type OpenLeaseErrorName,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import { useTokenBalance } from "../../hooks/useToken.ts";
import { useBuyerAllowed } from "./data.ts";
import { costBreakdown, hourBounds, validateRent, type RentInput } from "./logic.ts";

/** Servers free on an offer now. */
export function unitsFree(offer: OfferRecord): bigint {
  const total = BigInt(offer.totalUnits);
  const inUse = BigInt(offer.unitsInUse);
  return total > inUse ? total - inUse : 0n;
}

/** `getOffer`'s view (small integers as numbers) as the SDK's `canLease` reads an offer. */
export const leaseable = (offerId: bigint, o: OfferRecord): LeaseableOffer => ({
  offerId,
  provider: o.provider,
  paymentToken: o.paymentToken,
  paused: o.paused,
  gpusPerUnit: BigInt(o.gpusPerUnit),
  totalUnits: BigInt(o.totalUnits),
  unitsInUse: BigInt(o.unitsInUse),
  pricePerGpuHour: o.pricePerGpuHour,
  minDuration: BigInt(o.minDuration),
  maxDuration: BigInt(o.maxDuration),
  minProviderBond: o.minProviderBond,
  buyerPolicy: o.buyerPolicy,
});

/** Checks the form shows next to its fields (or above it, for a paused offer), not among the blockers. */
const SAID_ELSEWHERE: ReadonlySet<OpenLeaseErrorName | "PolicyDecides"> = new Set([
  "Market_OfferPaused",
  "Market_ZeroUnits",
  "Market_UnitsUnavailable",
  "Market_DurationOutOfRange",
  "Market_PriceAboveMax",
  // Without a wallet there is no buyer to ask the policy about; with one, its answer is passed in.
  "PolicyDecides",
]);

/** Everything the form shows about the lease being typed, recomputed as the buyer types. */
export function useRentQuote(p: {
  offerId: bigint;
  offer: OfferRecord;
  token: TokenDisplay;
  input: RentInput;
  account: Address | undefined;
}) {
  const { offerId, offer, token, input, account } = p;
  const config = useMarketConfig();
  const balance = useTokenBalance(offer.paymentToken);
  const allowed = useBuyerAllowed(offerId, offer, account);
  const marketPaused = useMarketRead({ functionName: "paused", refetchInterval: 10_000 });
  // The penalty is paid in the offer's token, from the provider's bond in that token.
  const bond = useMarketRead({
    functionName: "bondOf",
    args: [offer.provider, offer.paymentToken],
    refetchInterval: 10_000,
  });
  const tokenAllowed = useMarketRead({
    functionName: "isPaymentToken",
    args: [offer.paymentToken],
    refetchInterval: 10_000,
  });

  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const minDuration = BigInt(offer.minDuration);
  const maxDuration = BigInt(offer.maxDuration);
  const check = validateRent(input, {
    unitsAvailable: unitsFree(offer),
    gpusPerUnit,
    minDuration,
    maxDuration,
    pricePerGpuHour: offer.pricePerGpuHour,
    token,
    balance: account ? balance.data : undefined,
  });

  // Judged at the entered size when it is valid, else at the smallest lease, so the blockers show at once. No
  // blocker is claimed before the chain has answered every question.
  const known =
    marketPaused.data !== undefined &&
    bond.data !== undefined &&
    tokenAllowed.data !== undefined &&
    config.data !== undefined;
  const blockers = known
    ? leaseRefusals(leaseable(offerId, offer), {
        units: check.size?.units ?? 1n,
        duration: check.size?.duration ?? hourBounds(minDuration, maxDuration).min * 3600n,
        buyer: account,
        buyerAllowed: account && offer.buyerPolicy !== zeroAddress ? allowed.data : undefined,
        context: { token },
        marketPaused: marketPaused.data,
        penaltyBps: config.data.penaltyBps,
        provider: { bond: bond.data.amount, lockedBond: bond.data.locked },
        tokenAllowed: tokenAllowed.data,
      })
        .filter((r) => !SAID_ELSEWHERE.has(r.error))
        .map((r) => r.message)
    : [];

  const breakdown =
    check.size && config.data
      ? costBreakdown({
          pricePerGpuHour: offer.pricePerGpuHour,
          gpusPerUnit,
          units: check.size.units,
          duration: check.size.duration,
          feeBps: config.data.feeBps,
        })
      : undefined;

  return { check, blockers, breakdown, balance };
}
