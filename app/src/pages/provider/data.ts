/** Indexer queries and on-chain reads of the provider dashboard. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import { readContract } from "viem/actions";
import {
  getIndexedAddress,
  getIndexedProvider,
  getOffer,
  gridleaseMarketAbi,
  listLeases,
  listOffers,
  type IndexedLease,
  type OfferRecord,
} from "@gridlease/sdk";
import { indexer } from "../../lib/indexer.ts";
import { readLiveLease } from "../../lib/liveLease.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";
import { CONTRACT_READ_KEY, useMarketRead } from "../../hooks/useContractRead.ts";

/** A lease of the provider's offers as the indexer lists it (the SDK's row). */
export type IndexedProviderLease = IndexedLease;

/** The connected provider's on-chain record: whether it is registered (bonds are per token: `useProviderBonds`). */
export function useProviderRecord() {
  const { account } = useGridlease();
  return useMarketRead({
    functionName: "getProvider",
    args: [account ?? zeroAddress],
    enabled: !!account,
  });
}

/** A bond in one payment token: what is deposited, and the part live leases reserve. */
export interface TokenBond {
  token: Address;
  amount: bigint;
  locked: bigint;
}

/** The payment tokens of this chain a provider may bond in, keyed as the offer form names them. */
export function useBondTokens(): Partial<Record<"usd" | "grid", Address>> {
  const { addresses } = useGridlease();
  return { grid: addresses?.grid, ...(addresses?.usd ? { usd: addresses.usd } : {}) };
}

/** The provider's bond in each payment token of the chain (`bondOf`), keyed "grid" and "usd". */
export function useProviderBonds(provider: Address | undefined) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const tokens = useBondTokens();
  return useQuery({
    queryKey: [CONTRACT_READ_KEY, chainId, "provider-bonds", provider?.toLowerCase()],
    enabled: !!client && !!addresses && !!provider,
    refetchInterval: 15_000,
    queryFn: async (): Promise<Partial<Record<"usd" | "grid", TokenBond>>> => {
      const entries = await Promise.all(
        Object.entries(tokens)
          .flatMap(([key, token]) => (token ? [[key, token] as const] : []))
          .map(async ([key, token]) => {
            const bond = await readContract(client!, {
              address: addresses!.market,
              abi: gridleaseMarketAbi,
              functionName: "bondOf",
              args: [provider!, token],
            });
            return [
              key,
              { token, amount: BigInt(bond.amount), locked: BigInt(bond.locked) },
            ] as const;
          }),
      );
      return Object.fromEntries(entries);
    },
  });
}

/** The provider's metadata and track record (indexer); null before the indexer has seen it. */
export function useIndexedProvider(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["indexed-provider", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: async ({ signal }) =>
      (await getIndexedProvider(indexer, provider!, { signal })) ?? null,
  });
}

/**
 * Outage reports a buyer filed on all its leases (indexer), so a provider can spot a buyer who cries wolf; null
 * before the indexer has seen the buyer.
 */
export function useBuyerOutageReports(buyer: Address) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["buyer-outage-reports", chainId, buyer.toLowerCase()],
    refetchInterval: 30_000,
    queryFn: async ({ signal }) =>
      (await getIndexedAddress(indexer, buyer, { signal, recentLeases: 1 })).account
        ?.outageReports ?? null,
  });
}

/** The provider's offers as the indexer lists them, newest first. */
export function useIndexedOffers(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-offers", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 5_000,
    queryFn: ({ signal }) =>
      listOffers(indexer, { provider: provider! }, { signal, orderDirection: "desc" }),
  });
}

/** Every lease of the provider's offers (indexer), newest first, up to 20,000. */
export function useIndexedProviderLeases(provider: Address | undefined) {
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: ["provider-leases", chainId, provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 10_000,
    queryFn: ({ signal }) => listLeases(indexer, { provider: provider! }, { signal, max: 20_000 }),
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
  const ids = (indexed.data ?? []).map((o) => o.offerId);
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
 * claim, each with its outage record when it had reports. One query shared by every section (same key, so one read
 * per lease), re-read when the indexer sees a lease change status or get claimed, and every 15 s so that a new
 * outage report shows soon.
 */
export function useLiveLeases() {
  const { account, addresses, chainId } = useGridlease();
  const client = useReadClient();
  const leases = useIndexedProviderLeases(account);
  const rows = (leases.data ?? []).filter(
    (l) =>
      l.status === "Pending" ||
      l.status === "Active" ||
      (l.status === "Ended" && l.accrued > l.claimedGross),
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
    refetchInterval: 15_000,
    queryFn: () =>
      Promise.all(rows.map((r) => readLiveLease(client!, { market: market!, leaseId: r.leaseId }))),
  });
  return { leases, rows, live };
}
