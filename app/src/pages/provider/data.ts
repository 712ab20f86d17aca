/** Indexer queries and on-chain reads of the provider dashboard. */
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import type { Address, Hex } from "viem";
import { getMarketConfig, getProvider } from "@gridlease/sdk";
import { gql, gqlAll } from "../../lib/indexer.ts";
import { useGridlease } from "../../lib/gridlease.ts";

export interface IndexedOffer {
  offerId: string;
  gpuModel: string;
  region: string;
  paymentToken: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  minDuration: string;
  maxDuration: string;
  minProviderBond: string;
  buyerPolicy: string;
  paused: boolean;
  leaseCount: number;
}

export interface IndexedProviderLease {
  leaseId: string;
  buyer: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  units: string;
  gpus: string;
  pricePerGpuHour: string;
  feeBps: string;
  duration: string;
  startTime: string | null;
  status: string;
  accrued: string;
  claimedGross: string;
  buyerPublicKey: Hex;
  activationDeadline: string;
  openedAt: string;
}

/** A row as GraphQL returns it: reference columns come as related objects. */
type Relations<T, K extends keyof T> = Omit<T, K> & { [k in K]: { id: string } };

const PROVIDER_QUERY = `query ProviderMeta($id: String!) { provider(id: $id) { metadataURI leaseCount leasesServed noShows } }`;

const OFFERS_QUERY = `query ProviderOffers($provider: String!, $after: String) {
  offers(where: { provider: $provider }, orderBy: "offerId", orderDirection: "desc", limit: 500, after: $after) {
    items { offerId gpuModel region paymentToken { id } gpusPerUnit totalUnits unitsInUse pricePerGpuHour minDuration maxDuration minProviderBond buyerPolicy paused leaseCount }
    pageInfo { hasNextPage endCursor }
  }
}`;

const LEASES_QUERY = `query ProviderLeases($provider: String!, $after: String) {
  leases(where: { provider: $provider }, orderBy: "openedAt", orderDirection: "desc", limit: 1000, after: $after) {
    items { leaseId buyer { id } paymentToken { id } gpuModel region units gpus pricePerGpuHour feeBps duration startTime status accrued claimedGross buyerPublicKey activationDeadline openedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

export function useProviderRecord() {
  const client = usePublicClient();
  const { addresses, account, chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-record", chainId, account?.toLowerCase()],
    enabled: !!client && !!addresses && !!account,
    queryFn: () => getProvider(client!, { market: addresses!.market, provider: account! }),
  });
}

export function useMarketConfig() {
  const client = usePublicClient();
  const { addresses, chainId } = useGridlease();
  return useQuery({
    queryKey: ["market-config", chainId, addresses?.market],
    enabled: !!client && !!addresses,
    staleTime: 60_000,
    queryFn: () => getMarketConfig(client!, { market: addresses!.market }),
  });
}

export function useIndexedProvider(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["indexed-provider", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: ({ signal }) =>
      gql<{
        provider: {
          metadataURI: string;
          leaseCount: number;
          leasesServed: number;
          noShows: number;
        } | null;
      }>(PROVIDER_QUERY, { id: provider!.toLowerCase() }, signal).then((d) => d.provider),
  });
}

export function useIndexedOffers(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-offers", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 5_000,
    queryFn: async ({ signal }) =>
      (
        await gqlAll<Relations<IndexedOffer, "paymentToken">>(
          OFFERS_QUERY,
          "offers",
          { provider: provider!.toLowerCase() },
          { signal },
        )
      ).map((o) => ({
        ...o,
        paymentToken: o.paymentToken.id,
      })),
  });
}

export function useIndexedProviderLeases(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-leases", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: async ({ signal }) =>
      (
        await gqlAll<Relations<IndexedProviderLease, "buyer" | "paymentToken">>(
          LEASES_QUERY,
          "leases",
          { provider: provider!.toLowerCase() },
          { signal, max: 20_000 },
        )
      ).map((l) => ({ ...l, buyer: l.buyer.id, paymentToken: l.paymentToken.id })),
  });
}
