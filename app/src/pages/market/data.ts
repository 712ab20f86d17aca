/** The market's data: every unpaused offer and every provider's track record, from the indexer. */
import { useQuery } from "@tanstack/react-query";
import { gqlAll } from "../../lib/indexer.ts";
import { parseOfferSpec, parseProviderMeta } from "../../lib/spec.ts";
import type { MarketOffer, TrackRecord } from "./filters.ts";

/** Ponder serves a reference column as the related entity (`provider { id }`), not as the bare id. */
type Ref = { id: string };

export interface OfferRow {
  offerId: string;
  provider: Ref;
  paymentToken: Ref;
  gpuModel: string;
  region: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  minDuration: string;
  maxDuration: string;
  paused: boolean;
  buyerPolicy: string;
  specURI: string;
  createdAt: string;
}

export interface ProviderRow {
  id: string;
  metadataURI: string;
  leasesServed: number;
  gpuSecondsServed: string;
  noShows: number;
  providerTerminations: number;
}

export const OFFERS_QUERY = `query Offers($after: String) {
  offers(where: { paused: false }, orderBy: "offerId", orderDirection: "asc", limit: 1000, after: $after) {
    items { offerId provider { id } paymentToken { id } gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour
            minDuration maxDuration paused buyerPolicy specURI createdAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PROVIDERS_QUERY = `query Providers($after: String) {
  providers(limit: 1000, after: $after) {
    items { id metadataURI leasesServed gpuSecondsServed noShows providerTerminations }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ZERO = /^0x0{40}$/i;

/** Joins offers with their providers' track records and decodes the spec documents (once per fetch). */
export function toMarketOffers(
  offers: readonly OfferRow[],
  providers: readonly ProviderRow[],
): MarketOffer[] {
  const byId = new Map<string, { name?: string; track: TrackRecord }>();
  for (const p of providers)
    byId.set(p.id.toLowerCase(), {
      name: parseProviderMeta(p.metadataURI).name,
      track: {
        leasesServed: p.leasesServed,
        gpuSecondsServed: BigInt(p.gpuSecondsServed),
        noShows: p.noShows,
        providerTerminations: p.providerTerminations,
      },
    });
  return offers.map((o) => {
    const spec = parseOfferSpec(o.specURI);
    const provider = o.provider.id;
    const p = byId.get(provider.toLowerCase());
    return {
      offerId: BigInt(o.offerId),
      provider,
      providerName: p?.name,
      paymentToken: o.paymentToken.id.toLowerCase(),
      gpuModel: o.gpuModel,
      region: o.region,
      gpusPerUnit: BigInt(o.gpusPerUnit),
      totalUnits: BigInt(o.totalUnits),
      unitsInUse: BigInt(o.unitsInUse),
      pricePerGpuHour: BigInt(o.pricePerGpuHour),
      minDuration: BigInt(o.minDuration),
      maxDuration: BigInt(o.maxDuration),
      paused: o.paused,
      restricted: !ZERO.test(o.buyerPolicy),
      interconnect: spec.interconnect,
      location: spec.location,
      createdAt: BigInt(o.createdAt),
      track: p?.track,
    };
  });
}

/** Every unpaused offer with its provider's track record, re-read every 15 s. */
export function useMarketOffers() {
  return useQuery({
    queryKey: ["market", "offers"],
    refetchInterval: 15_000,
    queryFn: async ({ signal }) => {
      const [offers, providers] = await Promise.all([
        gqlAll<OfferRow>(OFFERS_QUERY, "offers", {}, { signal }),
        gqlAll<ProviderRow>(PROVIDERS_QUERY, "providers", {}, { signal }),
      ]);
      return toMarketOffers(offers, providers);
    },
  });
}
