/** Indexer queries and on-chain reads of the provider dashboard. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address, type Hex } from "viem";
import { getLease, getOffer, type OfferRecord } from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";
import { useMarketRead } from "../../hooks/useContractRead.ts";

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

/** The connected provider's on-chain record: registration, bond and the part of it live leases reserve. */
export function useProviderRecord() {
  const { account } = useGridlease();
  return useMarketRead({
    functionName: "getProvider",
    args: [account ?? zeroAddress],
    enabled: !!account,
  });
}

/** The provider's metadata and track record (indexer). */
export function useIndexedProvider(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["indexed-provider", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: ({ signal }) =>
      indexer
        .query<{
          provider: {
            metadataURI: string;
            leaseCount: number;
            leasesServed: number;
            noShows: number;
          } | null;
        }>(PROVIDER_QUERY, { id: provider!.toLowerCase() }, { signal })
        .then((d) => d.provider),
  });
}

/** The provider's offers as the indexer lists them, newest first. */
export function useIndexedOffers(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-offers", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 5_000,
    queryFn: async ({ signal }) =>
      (
        await indexer.queryAll<Relations<IndexedOffer, "paymentToken">>(
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

/** Every lease of the provider's offers (indexer), newest first. */
export function useIndexedProviderLeases(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-leases", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: async ({ signal }) =>
      (
        await indexer.queryAll<Relations<IndexedProviderLease, "buyer" | "paymentToken">>(
          LEASES_QUERY,
          "leases",
          { provider: provider!.toLowerCase() },
          { signal, max: 20_000 },
        )
      ).map((l) => ({ ...l, buyer: l.buyer.id, paymentToken: l.paymentToken.id })),
  });
}

/** An offer of the provider as the chain has it now. */
export interface LiveOffer {
  offerId: bigint;
  offer: OfferRecord;
}

/** The provider's offers read from the chain (the indexer says which ids exist). */
export function useLiveOffers() {
  const { account, addresses, chainId } = useGridlease();
  const client = useReadClient();
  const indexed = useIndexedOffers(account);
  const ids = (indexed.data ?? []).map((o) => BigInt(o.offerId));
  const market = addresses?.market;
  const live = useQuery({
    queryKey: ["provider-live-offers", chainId, account?.toLowerCase(), ids.join(",")],
    enabled: !!client && !!market && indexed.isSuccess,
    placeholderData: keepPreviousData,
    queryFn: (): Promise<LiveOffer[]> =>
      Promise.all(
        ids.map(async (offerId) => ({
          offerId,
          offer: await getOffer(client!, { market: market!, offerId }),
        })),
      ),
  });
  return { indexed, live };
}

/**
 * The provider's live leases as the chain has them now: pending, active, and ended ones with earnings still to
 * claim. One query shared by every section (same key, so one read per lease), re-read when the indexer sees a
 * lease change status or get claimed, and every 30 s for the countdowns' sake.
 */
export function useLiveLeases() {
  const { account, addresses, chainId } = useGridlease();
  const client = useReadClient();
  const leases = useIndexedProviderLeases(account);
  const rows = (leases.data ?? []).filter(
    (l) =>
      l.status === "Pending" ||
      l.status === "Active" ||
      (l.status === "Ended" && BigInt(l.accrued) > BigInt(l.claimedGross)),
  );
  const market = addresses?.market;
  const live = useQuery({
    queryKey: [
      "provider-live-leases",
      chainId,
      account?.toLowerCase(),
      rows.map((l) => `${l.leaseId}:${l.status}:${l.claimedGross}`).join(","),
    ],
    enabled: !!client && !!market && leases.isSuccess,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    queryFn: () =>
      Promise.all(
        rows.map((r) => getLease(client!, { market: market!, leaseId: BigInt(r.leaseId) })),
      ),
  });
  return { leases, rows, live };
}
