/**
 * The rent form's live quote: the buyer's entry checked against the offer (servers, hours, maximum price, balance),
 * the SDK's `quoteLease` (the same checks as `openLease`: market or offer paused, provider bond, token allowed), the
 * buyer policy, and the cost breakdown from the SDK's lease math.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import { quoteLease, type OfferRecord, type TokenDisplay } from "@gridlease/sdk";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";
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

/** Everything the form shows about the lease being typed, recomputed as the buyer types. */
export function useRentQuote(p: {
  offerId: bigint;
  offer: OfferRecord;
  token: TokenDisplay | undefined;
  input: RentInput;
  account: Address | undefined;
}) {
  const { offerId, offer, token, input, account } = p;
  const client = useReadClient();
  const { addresses } = useGridlease();
  const market = addresses?.market ?? zeroAddress;
  const config = useMarketConfig();
  const balance = useTokenBalance(offer.paymentToken);
  const allowed = useBuyerAllowed(offerId, offer, account);

  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const minDuration = BigInt(offer.minDuration);
  const maxDuration = BigInt(offer.maxDuration);
  const bounds = hourBounds(minDuration, maxDuration);
  const check = token
    ? validateRent(input, {
        unitsAvailable: unitsFree(offer),
        gpusPerUnit,
        minDuration,
        maxDuration,
        pricePerGpuHour: offer.pricePerGpuHour,
        token,
        balance: account ? balance.data : undefined,
      })
    : undefined;

  // Priced at the entered size when it is valid, else at the smallest lease, so the blockers show at once.
  const units = check?.size?.units ?? 1n;
  const duration = check?.size?.duration ?? bounds.min * 3600n;
  const quote = useQuery({
    queryKey: [
      "rent",
      "quote",
      client?.chain?.id,
      offerId.toString(),
      units.toString(),
      duration.toString(),
      offer.pricePerGpuHour.toString(),
    ],
    enabled: !!client && !!addresses,
    placeholderData: keepPreviousData,
    queryFn: () => quoteLease(client!, { market, offerId, units, duration }),
  });
  const blockers = (quote.data?.problems ?? []).filter(
    // Units and duration are checked next to their fields, a paused offer is said above the form.
    (problem) => !/server|unit|duration|hours|paused by its provider/i.test(problem),
  );
  if (offer.buyerPolicy !== zeroAddress && account && allowed.data === false)
    blockers.push(
      "This provider serves only buyers it has vetted, and your address is not on its list.",
    );

  const breakdown =
    check?.size && config.data
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
