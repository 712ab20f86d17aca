/** The buyer dashboard's reads: the buyer's leases from the indexer, the live ones from the chain. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getLease, getOffer, type LeaseView, type OfferRecord } from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";

/** A lease of the connected buyer as the indexer lists it. */
export interface BuyerLeaseRow {
  leaseId: string;
  provider: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  gpus: string;
  status: string;
  endReason: string;
  openedAt: string;
  closedAt: string | null;
  deposit: string;
  refunded: string;
  penalty: string;
}

/** A row as GraphQL returns it: reference columns come as related objects. */
type Relations<T, K extends keyof T> = Omit<T, K> & { [k in K]: { id: string } };

const LEASES_QUERY = `query BuyerLeases($buyer: String!, $after: String) {
  leases(where: { buyer: $buyer }, orderBy: "openedAt", orderDirection: "desc", limit: 500, after: $after) {
    items { leaseId provider { id } paymentToken { id } gpuModel region gpus status endReason openedAt closedAt deposit refunded penalty }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Every lease the buyer opened, newest first (indexer). */
export function useBuyerLeases(buyer: string) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["buyer-leases", chainId, buyer],
    refetchInterval: 10_000,
    queryFn: async ({ signal }): Promise<BuyerLeaseRow[]> =>
      (
        await indexer.queryAll<Relations<BuyerLeaseRow, "provider" | "paymentToken">>(
          LEASES_QUERY,
          "leases",
          { buyer },
          { signal, max: 5_000 },
        )
      ).map((r) => ({ ...r, provider: r.provider.id, paymentToken: r.paymentToken.id })),
  });
}

/** A live lease as the chain has it now, with its offer (for the maximum duration and the penalty). */
export interface LiveLease {
  lease: LeaseView;
  offer: OfferRecord;
}

/** The chain's view of the buyer's live leases (re-read when the set changes and every 15 s). */
export function useLiveLeases(buyer: string, leaseIds: readonly bigint[], enabled: boolean) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["buyer-live-leases", chainId, buyer, leaseIds.map(String).join(",")],
    enabled: !!client && !!market && enabled,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
    queryFn: async (): Promise<LiveLease[]> => {
      const leases = await Promise.all(
        leaseIds.map((leaseId) => getLease(client!, { market: market!, leaseId })),
      );
      const offerIds = [...new Set(leases.map((l) => l.offerId))];
      const offers = await Promise.all(
        offerIds.map((offerId) => getOffer(client!, { market: market!, offerId })),
      );
      const byOffer = new Map(offerIds.map((id, i) => [id, offers[i]]));
      return leases.flatMap((lease) => {
        const offer = byOffer.get(lease.offerId);
        return offer ? [{ lease, offer }] : [];
      });
    },
  });
}
