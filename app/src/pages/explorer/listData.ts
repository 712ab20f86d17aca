/**
 * The explorer's paged lists (leases, offers, providers, buyers) and the lease totals: the indexer's `/explorer/*` routes
 * through the SDK, which filter, sort and page on the server (keyset cursors). The browser holds only the pages
 * it has loaded and never counts rows: totals come from the indexer's aggregates.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import {
  countLeases,
  pageAccounts,
  pageLeases,
  pageOffers,
  pageProviders,
  type LeaseFilter,
  type Page,
} from "@gridlease/sdk/indexer";
import { indexer } from "../../lib/indexer.ts";
import { toLeaseRows, type LeaseRow } from "./leaseFilter.ts";

/** Rows per page of the lease table: what one scroll to the end loads. */
export const LEASE_PAGE_SIZE = 100;
/** Rows per page of the offer and provider tables and of an address's lists. */
export const LIST_PAGE_SIZE = 50;

type PageFetcher<T> = (after: string | null, signal: AbortSignal) => Promise<Page<T>>;

/**
 * One paged list: the first page at once, the next on `fetchNextPage()`. While a new filter's first page loads,
 * the previous rows stay on screen (`isPlaceholderData`), so the table does not flash empty.
 */
function usePages<T>(key: readonly unknown[], fetchPage: PageFetcher<T>, enabled = true) {
  return useInfiniteQuery({
    queryKey: ["explorer", ...key],
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    getNextPageParam: (last: Page<T>) => last.next,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** The rows of every loaded page, in order. */
export function useLoadedItems<T>(pages: readonly Page<T>[] | undefined): T[] {
  return useMemo(() => (pages ? pages.flatMap((p) => p.items) : []), [pages]);
}

/** Leases matching `filter`, newest first, `LEASE_PAGE_SIZE` per page; nothing is asked while `filter` is undefined. */
export function useLeasePages(filter: LeaseFilter | undefined, pageSize = LEASE_PAGE_SIZE) {
  const q = usePages(
    ["leases", filter ?? null, pageSize],
    (after, signal) => pageLeases(indexer, { ...filter, limit: pageSize, after }, { signal }),
    filter !== undefined,
  );
  // Each page's rows are derived once (status at the time it loaded), not again when the next page arrives.
  const rows = useMemo((): LeaseRow[] => {
    const out: LeaseRow[] = [];
    for (const p of q.data?.pages ?? []) out.push(...rowsOf(p.items));
    return out;
  }, [q.data]);
  return { ...q, rows };
}

const derived = new WeakMap<object, LeaseRow[]>();
function rowsOf(items: Parameters<typeof toLeaseRows>[0]): LeaseRow[] {
  let rows = derived.get(items);
  if (!rows) derived.set(items, (rows = toLeaseRows(items)));
  return rows;
}

/** How many leases match `filter`, from the indexer's aggregates: `{ total, exact }`. */
export function useLeaseTotal(filter: LeaseFilter | undefined) {
  return useQuery({
    queryKey: ["explorer", "lease-total", filter ?? null],
    enabled: filter !== undefined,
    queryFn: ({ signal }) => countLeases(indexer, filter ?? {}, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** Offer list order, as the indexer names it. */
export type OfferOrder = "newest" | "price" | "priceDesc";

/** Offers by model, region and provider, in `order`; nothing is asked unless `enabled`. */
export function useOfferPages(
  q: { gpuModel?: string; region?: string; provider?: string; order?: OfferOrder },
  enabled = true,
) {
  return usePages(
    ["offers", q],
    (after, signal) => pageOffers(indexer, { ...q, limit: LIST_PAGE_SIZE, after }, { signal }),
    enabled,
  );
}

/** Provider list order, as the indexer names it. */
export type ProviderOrder = "leasesServed" | "availability" | "gpuHours" | "newest";

/** Every provider, in `order`. */
export function useProviderPages(order: ProviderOrder) {
  return usePages(["providers", order], (after, signal) =>
    pageProviders(indexer, { order, limit: LIST_PAGE_SIZE, after }, { signal }),
  );
}

/** Buyer list order, as the indexer names it. */
export type AccountOrder = "leases" | "gpuHours" | "newest";

/** Every buyer (an address that opened a lease), in `order`. */
export function useAccountPages(order: AccountOrder) {
  return usePages(["accounts", order], (after, signal) =>
    pageAccounts(indexer, { order, limit: LIST_PAGE_SIZE, after }, { signal }),
  );
}
