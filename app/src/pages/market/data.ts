/**
 * The market's data: every offer that can be leased now, with its provider's track record, from the indexer. "Can
 * be leased" is the SDK's `canLease` (openLease's own checks: market and offer paused, a server free, the provider's
 * bond and free bond, the payment token still allowed), so the list never shows an offer that cannot be rented.
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  canLease,
  getIndexedMarket,
  listOffers,
  listPaymentTokens,
  listProviders,
  marketPenaltyBps,
  PROVIDER_BOND_FIELDS,
  toProviderBond,
  type RawProviderBond,
  type IndexedOffer,
  type IndexedProvider,
} from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { parseOfferSpec, parseProviderMeta } from "../../lib/spec.ts";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import type { MarketOffer } from "./filters.ts";

/** The market-wide state `openLease` checks besides the offer itself. */
export interface MarketConditions {
  marketPaused: boolean;
  /** The market's PENALTY_BPS: each lease reserves minProviderBond × it / 10,000 of the provider's free bond. */
  penaltyBps: bigint;
  /** Payment tokens the market allows now (lowercase addresses). */
  allowedTokens: ReadonlySet<string>;
  /** Every provider's bond per payment token. */
  bonds: BondIndex;
}

/**
 * Why `openLease` would refuse every lease of this offer now (the SDK's message), or undefined when one can open.
 * Asked at the smallest lease (one server, the minimum duration), and at the largest when the smallest rounds to a
 * zero deposit. A restricted offer counts as open: its buyer policy decides buyer by buyer, on the rent page.
 */
export function refusalOf(
  offer: IndexedOffer,
  bond: { bond: bigint; lockedBond: bigint } | undefined,
  c: MarketConditions,
): string | undefined {
  const conditions = {
    marketPaused: c.marketPaused,
    penaltyBps: c.penaltyBps,
    // The provider's bond in the offer's payment token: the penalty is reserved from it and paid in it.
    provider: bond,
    tokenAllowed: c.allowedTokens.has(offer.paymentToken.toLowerCase()),
  };
  let answer = canLease(offer, { ...conditions, units: 1n, duration: offer.minDuration });
  if (!answer.ok && answer.error === "Market_DepositZero")
    answer = canLease(offer, {
      ...conditions,
      units: offer.totalUnits - offer.unitsInUse,
      duration: offer.maxDuration,
    });
  return answer.ok || answer.error === "PolicyDecides" ? undefined : answer.message;
}

/** Joins offers with their providers' track records, decodes the spec documents and asks `refusalOf`. */
export function toMarketOffers(
  offers: readonly IndexedOffer[],
  providers: readonly IndexedProvider[],
  conditions: MarketConditions,
): MarketOffer[] {
  const byAddress = new Map(providers.map((p) => [p.address.toLowerCase(), p]));
  return offers.map((o) => {
    const spec = parseOfferSpec(o.specURI);
    const p = byAddress.get(o.provider.toLowerCase());
    return {
      offerId: o.offerId,
      provider: o.provider,
      providerName: p ? parseProviderMeta(p.metadataURI).name : undefined,
      paymentToken: o.paymentToken.toLowerCase(),
      gpuModel: o.gpuModel,
      region: o.region,
      gpusPerUnit: o.gpusPerUnit,
      totalUnits: o.totalUnits,
      unitsInUse: o.unitsInUse,
      pricePerGpuHour: o.pricePerGpuHour,
      minDuration: o.minDuration,
      maxDuration: o.maxDuration,
      repairWindow: o.repairWindow,
      paused: o.paused,
      restricted: o.restricted,
      interconnect: spec.interconnect,
      location: spec.location,
      createdAt: o.createdAt,
      track: p && {
        leasesServed: p.leasesServed,
        gpuSecondsServed: p.gpuSecondsServed,
        noShows: p.noShows,
        providerTerminations: p.providerTerminations,
        availabilityBps: p.availabilityBps,
      },
      refusal: refusalOf(o, bondIn(conditions.bonds, o.provider, o.paymentToken), conditions),
      hasAttestationClaim: o.attestation !== null,
    };
  });
}

/** Every provider's bond per token, keyed `<provider>:<token>` (lowercase), as the indexer's ProviderBond rows. */
export type BondIndex = ReadonlyMap<string, { bond: bigint; lockedBond: bigint }>;

/** The bond of `provider` in `token`, undefined for none (canLease then refuses an offer that needs one). */
const bondIn = (bonds: BondIndex, provider: string, token: string) =>
  bonds.get(`${provider.toLowerCase()}:${token.toLowerCase()}`);

const BONDS = /* GraphQL */ `
  query Bonds($after: String, $limit: Int) {
    providerBonds(orderBy: "id", orderDirection: "asc", limit: $limit, after: $after) {
      items { ${PROVIDER_BOND_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Every provider's bond per token (a row per provider and token it bonded in: a few per provider). */
async function listBonds(signal: AbortSignal): Promise<BondIndex> {
  const rows = await indexer.queryAll<RawProviderBond>(
    BONDS,
    "providerBonds",
    { limit: 1000 },
    { signal },
  );
  return new Map(
    rows
      .map(toProviderBond)
      .map((b) => [
        `${b.provider.toLowerCase()}:${b.token.toLowerCase()}`,
        { bond: b.amount, lockedBond: b.locked },
      ]),
  );
}

/** The market's PENALTY_BPS: recorded with the deployment, else read once from the chain. */
function usePenaltyBps(): bigint | undefined {
  const { chainId } = useGridlease();
  const recorded = useMemo(() => {
    try {
      return marketPenaltyBps(chainId);
    } catch {
      return undefined;
    }
  }, [chainId]);
  const read = useMarketRead({
    functionName: "PENALTY_BPS",
    enabled: recorded === undefined,
    staleTime: Infinity,
  });
  return recorded ?? read.data;
}

/** Every unpaused offer with its provider's track record and whether it can be leased now, re-read every 15 s. */
export function useMarketOffers() {
  const penaltyBps = usePenaltyBps();
  const query = useQuery({
    queryKey: ["market", "offers"],
    refetchInterval: 15_000,
    queryFn: async ({ signal }) => {
      const [offers, providers, market, tokens, bonds] = await Promise.all([
        listOffers(indexer, { paused: false }, { signal }),
        listProviders(indexer, { signal }),
        getIndexedMarket(indexer, { signal }),
        listPaymentTokens(indexer, { signal }),
        listBonds(signal),
      ]);
      const allowedTokens = new Set(
        tokens.filter((t) => t.allowed).map((t) => t.address.toLowerCase()),
      );
      return { offers, providers, bonds, marketPaused: market?.paused ?? false, allowedTokens };
    },
  });
  const raw = query.data;
  // Until the penalty rate is known no offer counts as open: better a moment's "loading" than a wrong listing.
  const data = useMemo(
    () =>
      raw && penaltyBps !== undefined
        ? toMarketOffers(raw.offers, raw.providers, { ...raw, penaltyBps })
        : undefined,
    [raw, penaltyBps],
  );
  return { ...query, data, isPending: query.isPending || (!!raw && penaltyBps === undefined) };
}

/**
 * Every provider's score and every offer's audit status for this viewer, once ./trust.ts has loaded (a chunk of its
 * own, fetched after the list) and the indexer has answered; re-read and re-judged (with the trusted list saved in
 * Settings at that moment) every 30 s. Each part is undefined until known.
 */
export function useMarketTrust() {
  const { chainId } = useGridlease();
  const q = useQuery({
    queryKey: ["market", "trust"],
    refetchInterval: 30_000,
    retry: 0,
    queryFn: async ({ signal }) => {
      const trust = await import("./trust.ts");
      return { judge: trust.judgeTrust, data: await trust.loadTrust(signal) };
    },
  });
  return useMemo(() => (q.data ? q.data.judge(q.data.data, chainId) : {}), [q.data, chainId]);
}
