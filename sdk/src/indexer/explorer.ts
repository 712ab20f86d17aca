/**
 * The explorer's paged reads: the indexer's `/explorer/*` routes (indexer/README.md, "Reading the index"), which
 * filter and sort on the server and page by keyset cursor, so no caller ever loads a whole table. Totals come from
 * the counts the indexer keeps; `exact: false` means "at least this many" (a capped count).
 *
 * ```ts
 * const first = await pageLeases(indexer, { gpuModel: "H100-SXM-80GB", status: "Active", limit: 50 });
 * const second = first.next ? await pageLeases(indexer, { gpuModel: "H100-SXM-80GB", status: "Active", after: first.next }) : undefined;
 * ```
 */
import type { IndexerClient, RequestOptions } from "./client.ts";
import type {
  AccountListRow,
  LeaseListRow,
  OfferListRow,
  ProviderListRow,
} from "./explorerRows.ts";

export type { AccountListRow, LeaseListRow, OfferListRow, ProviderListRow };

/** One page of a list and the cursor of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A lease status as a person sees it; ActivationOverdue and Expired are judged at `now`. */
export type LeaseStatusFilter = "Pending" | "ActivationOverdue" | "Active" | "Expired" | "Ended";

/** Which leases: every field narrows. */
export interface LeaseFilter {
  gpuModel?: string;
  region?: string;
  status?: LeaseStatusFilter;
  endReason?: string;
  /** The buyer or the provider: a full address or a `0x` prefix of at least 6 characters. */
  address?: string;
  buyer?: string;
  provider?: string;
  offerId?: bigint | string;
  /** Unix seconds the time-derived statuses are judged at (default: the indexer's clock). */
  now?: number;
}

/** A page of leases: newest (default) or oldest first by opening. */
export interface LeasePageQuery extends LeaseFilter {
  order?: "newest" | "oldest";
  /** 1..200, default 50. */
  limit?: number;
  /** The `next` of the page before. */
  after?: string | null;
}

/** A page of offers. */
export interface OfferPageQuery {
  gpuModel?: string;
  region?: string;
  provider?: string;
  order?: "newest" | "price" | "priceDesc";
  limit?: number;
  after?: string | null;
}

/** A page of providers, highest first. */
export interface ProviderPageQuery {
  order?: "leasesServed" | "availability" | "gpuHours" | "newest";
  limit?: number;
  after?: string | null;
}

/** A page of buyers, highest first. */
export interface AccountPageQuery {
  order?: "leases" | "gpuHours" | "newest";
  limit?: number;
  after?: string | null;
}

const text = (v: string | number | bigint | null | undefined) =>
  v === undefined || v === null || v === "" ? undefined : String(v);

function leaseParams(f: LeaseFilter): Record<string, string | undefined> {
  return {
    gpuModel: text(f.gpuModel),
    region: text(f.region),
    status: text(f.status),
    endReason: text(f.endReason),
    address: text(f.address),
    buyer: text(f.buyer),
    provider: text(f.provider),
    offer: text(f.offerId),
    now: text(f.now),
  };
}

const pageParams = (q: { order?: string; limit?: number; after?: string | null }) => ({
  order: text(q.order),
  limit: text(q.limit),
  after: text(q.after),
});

/** One page of leases that pass the filter. */
export function pageLeases(
  client: IndexerClient,
  q: LeasePageQuery,
  opts?: RequestOptions,
): Promise<Page<LeaseListRow>> {
  return client.getJson("/explorer/leases", { ...leaseParams(q), ...pageParams(q) }, opts);
}

/** How many leases pass the filter; `exact: false` when the count stopped at the indexer's cap. */
export function countLeases(
  client: IndexerClient,
  f: LeaseFilter,
  opts?: RequestOptions,
): Promise<{ total: number; exact: boolean }> {
  return client.getJson("/explorer/leases/total", leaseParams(f), opts);
}

/** One page of offers. */
export function pageOffers(
  client: IndexerClient,
  q: OfferPageQuery,
  opts?: RequestOptions,
): Promise<Page<OfferListRow>> {
  return client.getJson(
    "/explorer/offers",
    {
      gpuModel: text(q.gpuModel),
      region: text(q.region),
      provider: text(q.provider),
      ...pageParams(q),
    },
    opts,
  );
}

/** One page of providers. */
export function pageProviders(
  client: IndexerClient,
  q: ProviderPageQuery,
  opts?: RequestOptions,
): Promise<Page<ProviderListRow>> {
  return client.getJson("/explorer/providers", pageParams(q), opts);
}

/** One page of buyers. */
export function pageAccounts(
  client: IndexerClient,
  q: AccountPageQuery,
  opts?: RequestOptions,
): Promise<Page<AccountListRow>> {
  return client.getJson("/explorer/accounts", pageParams(q), opts);
}
