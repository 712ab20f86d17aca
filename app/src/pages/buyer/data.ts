/** The buyer dashboard's reads: the buyer's leases from the indexer, the live ones from the chain. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import { getContractEvents } from "viem/actions";
import {
  credits,
  getOffer,
  gridleaseDeployment,
  gridleaseMarketAbi,
  listLeases,
  type IndexedLease,
  type OfferRecord,
} from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { listReviews, type IndexedReview } from "../../lib/eas.ts";
import { readLiveLease, type LiveLeaseView } from "../../lib/liveLease.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";

/** A lease of the connected buyer as the indexer lists it (the SDK's row). */
export type BuyerLeaseRow = IndexedLease;

/** Every lease the buyer opened, newest first (indexer), up to 5,000. */
export function useBuyerLeases(buyer: Address) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["buyer-leases", chainId, buyer.toLowerCase()],
    refetchInterval: 10_000,
    queryFn: ({ signal }) => listLeases(indexer, { buyer }, { signal, max: 5_000 }),
  });
}

/** A live lease as the chain has it now, with its offer (for the maximum duration and the penalty). */
export interface LiveLease {
  lease: LiveLeaseView;
  offer: OfferRecord;
}

/** The chain's view of the buyer's live leases (re-read when the set changes and every 15 s). */
export function useLiveLeases(buyer: Address, leaseIds: readonly bigint[], enabled: boolean) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["buyer-live-leases", chainId, buyer.toLowerCase(), leaseIds.map(String).join(",")],
    enabled: !!client && !!market && enabled,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
    queryFn: async (): Promise<LiveLease[]> => {
      const leases = await Promise.all(
        leaseIds.map((leaseId) => readLiveLease(client!, { market: market!, leaseId })),
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

/** A refund the token refused to deliver, credited by the market to the buyer (see `withdrawCredit`). */
export interface Credit {
  token: Address;
  amount: bigint;
}

/** The buyer's credits in each of `tokens` (the payment tokens of its leases), only those above zero. */
export function useCredits(buyer: Address, tokens: readonly Address[]) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["buyer-credits", chainId, buyer.toLowerCase(), tokens.join(",").toLowerCase()],
    enabled: !!client && !!market && tokens.length > 0,
    refetchInterval: 30_000,
    queryFn: async (): Promise<Credit[]> => {
      const amounts = await Promise.all(
        tokens.map((token) => credits(client!, { market: market!, token, account: buyer })),
      );
      return tokens.flatMap((token, i) => (amounts[i] > 0n ? [{ token, amount: amounts[i] }] : []));
    },
  });
}

/** The buyer's reviews by lease id (re-read every 15 s: a review just posted shows once indexed). */
export function useBuyerReviews(buyer: Address) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["eas", "reviews", "buyer", chainId, buyer.toLowerCase()],
    refetchInterval: 15_000,
    retry: 0,
    queryFn: async ({ signal }): Promise<Map<string, IndexedReview>> =>
      new Map(
        (await listReviews(indexer, { buyer }, { signal })).map((r) => [r.leaseId.toString(), r]),
      ),
  });
}

/** One executed top-up of a lease, from its `TopUpExecuted` event. */
export interface TopUpRow {
  transactionHash: Hex;
  executor: Address;
  addedDuration: bigint;
  amount: bigint;
  fundedUntil: bigint;
  remaining: bigint;
  /** The block's time (unix seconds), when the node gave it. */
  timestamp?: bigint;
}

/**
 * A lease's executed top-ups, oldest first, read from the chain's logs (from the market's deployment block): the
 * buyer's card and its notifications need them for one lease, which the chain answers without the indexer.
 */
export function useTopUps(leaseId: bigint) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["lease-top-ups", chainId, String(leaseId)],
    enabled: !!client && !!market,
    refetchInterval: 15_000,
    queryFn: async (): Promise<TopUpRow[]> => {
      const logs = await getContractEvents(client!, {
        address: market!,
        abi: gridleaseMarketAbi,
        eventName: "TopUpExecuted",
        args: { leaseId },
        fromBlock: BigInt(gridleaseDeployment(chainId).contracts.GridleaseMarket?.startBlock ?? 0),
      });
      return logs.map((l) => ({
        transactionHash: l.transactionHash,
        executor: l.args.executor!,
        addedDuration: l.args.addedDuration!,
        amount: l.args.amount!,
        fundedUntil: l.args.fundedUntil!,
        remaining: l.args.remaining!,
        timestamp: l.blockTimestamp ?? undefined,
      }));
    },
  });
}
