/** The rent page's reads: the offer from the chain, its spec and provider track record from the indexer. */
import { useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import { getOffer, isBuyerAllowed, type OfferRecord } from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { parseOfferSpec, parseProviderMeta, type OfferSpec } from "../../lib/spec.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";
import { supportsPermit } from "./permit.ts";

/** The offer as the chain has it now (re-read every 10 s: a price or capacity change shows while the form is open). */
export function useOffer(offerId: bigint | undefined) {
  const client = useReadClient();
  const { chainId, addresses } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["rent", "offer", chainId, offerId?.toString()],
    enabled: !!client && !!market && offerId !== undefined,
    refetchInterval: 10_000,
    queryFn: () => getOffer(client!, { market: market!, offerId: offerId! }),
  });
}

/** A provider's track record as the indexer counts it. */
export interface TrackRecord {
  leasesServed: number;
  gpuSecondsServed: string;
  noShows: number;
  providerTerminations: number;
  /** Delivered ÷ (delivered + down) GPU time over its ended leases, in basis points. */
  availabilityBps: number;
  outageReports: number;
  outagesUnresolved: number;
}

interface IndexedOfferRows {
  offer: { specURI: string } | null;
  provider: (TrackRecord & { metadataURI: string }) | null;
}

const INDEXED_OFFER = `query RentOffer($id: String!, $provider: String!) {
  offer(id: $id) { specURI }
  provider(id: $provider) { metadataURI leasesServed gpuSecondsServed noShows providerTerminations availabilityBps outageReports outagesUnresolved }
}`;

/** What the indexer adds to the on-chain offer: its server details and the provider's name and track record. */
export interface IndexedOffer {
  spec?: OfferSpec;
  providerName?: string;
  track?: TrackRecord;
}

/** The offer's spec document and its provider's track record (indexer; renting works without them). */
export function useIndexedOffer(offerId: bigint, provider: Address) {
  return useQuery({
    queryKey: ["rent", "indexed", offerId.toString(), provider.toLowerCase()],
    retry: 0,
    queryFn: async (): Promise<IndexedOffer> => {
      const rows = await indexer.query<IndexedOfferRows>(INDEXED_OFFER, {
        id: offerId.toString(),
        provider: provider.toLowerCase(),
      });
      return {
        spec: rows.offer ? parseOfferSpec(rows.offer.specURI) : undefined,
        providerName: rows.provider ? parseProviderMeta(rows.provider.metadataURI).name : undefined,
        track: rows.provider ?? undefined,
      };
    },
  });
}

/** Whether the offer's payment token takes an EIP-2612 permit (one signature instead of an approval). */
export function usePermitSupport(token: Address, owner: Address | undefined) {
  const client = useReadClient();
  return useQuery({
    queryKey: ["rent", "permit", client?.chain?.id, token],
    enabled: !!client,
    staleTime: Infinity,
    queryFn: () => supportsPermit(client!, token, owner ?? zeroAddress),
  });
}

/** For an offer with a buyer policy: whether the policy lets `buyer` lease it (undefined until known). */
export function useBuyerAllowed(offerId: bigint, offer: OfferRecord, buyer: Address | undefined) {
  const client = useReadClient();
  const hasPolicy = offer.buyerPolicy !== zeroAddress;
  return useQuery({
    queryKey: ["rent", "allowed", client?.chain?.id, offerId.toString(), buyer],
    enabled: !!client && !!buyer && hasPolicy,
    queryFn: () =>
      isBuyerAllowed(client!, {
        policy: offer.buyerPolicy,
        provider: offer.provider,
        offerId,
        buyer: buyer!,
      }),
  });
}
