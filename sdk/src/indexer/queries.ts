/**
 * The indexer queries the app and the CLI need, each returning mapped rows. Filters go in as GraphQL variables
 * (Ponder's `<table>Filter` inputs), so nothing a caller passes is spliced into a query string.
 */
import type { Address } from "viem";
import type { LeaseConditions } from "../canLease.ts";
import type { IndexerClient, PageOptions, RequestOptions } from "./client.ts";
import { page, pageSize, where, type Order } from "./filters.ts";
import {
  LEASE_EVENT_FIELDS,
  LEASE_FIELDS,
  MARKET_FIELDS,
  OFFER_FIELDS,
  PAYMENT_TOKEN_FIELDS,
  PROVIDER_FIELDS,
  byChainOrder,
  toLease,
  toLeaseEvent,
  toMarket,
  toOffer,
  toPaymentToken,
  toProvider,
  type IndexedLease,
  type IndexedLeaseEvent,
  type IndexedLeaseStatus,
  type IndexedMarket,
  type IndexedOffer,
  type IndexedPaymentToken,
  type IndexedProvider,
  type RawLease,
  type RawLeaseEvent,
  type RawMarket,
  type RawOffer,
  type RawPaymentToken,
  type RawProvider,
} from "./rows.ts";
import {
  ACCOUNT_FIELDS,
  ACCOUNT_SPENDING_FIELDS,
  CREDIT_FIELDS,
  PROVIDER_EARNING_FIELDS,
  toAccount,
  toAccountSpending,
  toCredit,
  toProviderEarning,
  type IndexedAccount,
  type IndexedAccountSpending,
  type IndexedCredit,
  type IndexedProviderEarning,
  type RawAccount,
  type RawAccountSpending,
  type RawCredit,
  type RawProviderEarning,
} from "./accounts.ts";
import {
  GPU_MODEL_DAY_STAT_FIELDS,
  GPU_MODEL_STAT_FIELDS,
  REGION_DAY_STAT_FIELDS,
  toGpuModelDayStat,
  toGpuModelStat,
  toRegionDayStat,
  type IndexedGpuModelDayStat,
  type IndexedGpuModelStat,
  type IndexedRegionDayStat,
  type RawGpuModelDayStat,
  type RawGpuModelStat,
  type RawRegionDayStat,
} from "./stats.ts";

/** The market's configuration and counters, or undefined before the indexer has seen it. */
export async function getIndexedMarket(
  client: IndexerClient,
  opts: RequestOptions = {},
): Promise<IndexedMarket | undefined> {
  const d = await client.query<{ markets: { items: RawMarket[] } }>(
    `query { markets(limit: 1) { items { ${MARKET_FIELDS} } } }`,
    {},
    opts,
  );
  const raw = d.markets.items[0];
  return raw && toMarket(raw);
}

/** Filters of `listOffers`. */
export interface OfferFilter {
  provider?: Address;
  paused?: boolean;
  region?: string;
  gpuModel?: string;
  paymentToken?: Address;
}

/** Offers by offer id, with optional filters (e.g. `{ paused: false }` for the market's listing). */
export async function listOffers(
  client: IndexerClient,
  filter: OfferFilter = {},
  opts: PageOptions<RawOffer> & { orderDirection?: Order } = {},
): Promise<IndexedOffer[]> {
  const rows = await client.queryAll<RawOffer>(
    page("offers", "offerFilter", OFFER_FIELDS, "offerId"),
    "offers",
    {
      where: where({ ...filter }),
      orderDirection: opts.orderDirection ?? "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toOffer);
}

/** One offer, or undefined when the indexer does not know it. */
export async function getIndexedOffer(
  client: IndexerClient,
  offerId: bigint,
  opts: RequestOptions = {},
): Promise<IndexedOffer | undefined> {
  const d = await client.query<{ offer: RawOffer | null }>(
    `query ($id: String!) { offer(id: $id) { ${OFFER_FIELDS} } }`,
    { id: offerId.toString() },
    opts,
  );
  return d.offer ? toOffer(d.offer) : undefined;
}

/** Every provider, by address, or by availability (`orderBy: "availabilityBps"`, highest first by default). */
export async function listProviders(
  client: IndexerClient,
  opts: PageOptions<RawProvider> & {
    orderBy?: "id" | "availabilityBps";
    orderDirection?: Order;
  } = {},
): Promise<IndexedProvider[]> {
  const orderBy = opts.orderBy ?? "id";
  const rows = await client.queryAll<RawProvider>(
    page("providers", "providerFilter", PROVIDER_FIELDS, orderBy),
    "providers",
    {
      where: {},
      orderDirection: opts.orderDirection ?? (orderBy === "id" ? "asc" : "desc"),
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toProvider);
}

/** One provider, or undefined when the indexer has never seen the address as a provider. */
export async function getIndexedProvider(
  client: IndexerClient,
  address: Address,
  opts: RequestOptions = {},
): Promise<IndexedProvider | undefined> {
  const d = await client.query<{ provider: RawProvider | null }>(
    `query ($id: String!) { provider(id: $id) { ${PROVIDER_FIELDS} } }`,
    { id: address.toLowerCase() },
    opts,
  );
  return d.provider ? toProvider(d.provider) : undefined;
}

/** Filters of `listLeases` (the explorer's paged reads take `LeaseFilter`, in ./explorer.ts). */
export interface LeaseListFilter {
  provider?: Address;
  buyer?: Address;
  /** The offer's id. */
  offer?: bigint;
  status?: IndexedLeaseStatus;
  paymentToken?: Address;
}

/** Leases, newest first unless told otherwise (by lease id: ids grow with opening time, and the index follows it). */
export async function listLeases(
  client: IndexerClient,
  filter: LeaseListFilter = {},
  opts: PageOptions<RawLease> & { orderDirection?: Order } = {},
): Promise<IndexedLease[]> {
  const rows = await client.queryAll<RawLease>(
    page("leases", "leaseFilter", LEASE_FIELDS, "leaseId"),
    "leases",
    {
      where: where({ ...filter, offer: filter.offer?.toString() }),
      orderDirection: opts.orderDirection ?? "desc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toLease);
}

/** One lease with its events in chain order, or undefined when the indexer does not know it. */
export async function getIndexedLease(
  client: IndexerClient,
  leaseId: bigint,
  opts: RequestOptions = {},
): Promise<{ lease: IndexedLease; events: IndexedLeaseEvent[] } | undefined> {
  const d = await client.query<{
    lease: RawLease | null;
    leaseEvents: { items: RawLeaseEvent[] };
  }>(
    `query ($id: String!) {
  lease(id: $id) { ${LEASE_FIELDS} }
  leaseEvents(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") {
    items { ${LEASE_EVENT_FIELDS} }
  }
}`,
    { id: leaseId.toString() },
    opts,
  );
  if (!d.lease) return undefined;
  return {
    lease: toLease(d.lease),
    events: d.leaseEvents.items.map(toLeaseEvent).sort(byChainOrder),
  };
}

/** The lease events one transaction emitted, in chain order. */
export async function listTransactionEvents(
  client: IndexerClient,
  txHash: string,
  opts: RequestOptions = {},
): Promise<IndexedLeaseEvent[]> {
  const d = await client.query<{ leaseEvents: { items: RawLeaseEvent[] } }>(
    `query ($hash: String!) { leaseEvents(where: { txHash: $hash }, limit: 1000) { items { ${LEASE_EVENT_FIELDS} } } }`,
    { hash: txHash.toLowerCase() },
    opts,
  );
  return d.leaseEvents.items.map(toLeaseEvent).sort(byChainOrder);
}

/** Every payment token the market has allowed, now or before. */
export async function listPaymentTokens(
  client: IndexerClient,
  opts: RequestOptions = {},
): Promise<IndexedPaymentToken[]> {
  const d = await client.query<{ paymentTokens: { items: RawPaymentToken[] } }>(
    `query { paymentTokens(limit: 100) { items { ${PAYMENT_TOKEN_FIELDS} } } }`,
    {},
    opts,
  );
  return d.paymentTokens.items.map(toPaymentToken);
}

/** What `canLease` reads about one offer, fetched in one request. */
export interface IndexedLeaseContext {
  market: IndexedMarket | undefined;
  offer: IndexedOffer | undefined;
  provider: IndexedProvider | undefined;
  paymentToken: IndexedPaymentToken | undefined;
  /** The provider's bond in the offer's payment token, which backs the lease's penalty; undefined for none. */
  bond?: { amount: bigint; locked: bigint };
}

/**
 * The market, an offer, its provider and its payment token in one request (so all from the same indexed block):
 * the input of `canLease`. The parts the indexer does not know are undefined.
 */
export async function getLeaseContext(
  client: IndexerClient,
  offerId: bigint,
  opts: RequestOptions = {},
): Promise<IndexedLeaseContext> {
  type Nested = Omit<RawOffer, "provider" | "paymentToken"> & {
    provider: (RawProvider & { bonds: { items: BondRow[] } }) | null;
    paymentToken: RawPaymentToken | null;
  };
  type BondRow = { token: string; amount: string; locked: string };
  // The provider's bonds ride along (a provider bonds in a few tokens), so the one in the offer's token is read at
  // the same block as the rest.
  const nested = OFFER_FIELDS.replace(
    "provider { id }",
    `provider { ${PROVIDER_FIELDS} bonds(limit: 100) { items { token amount locked } } }`,
  ).replace("paymentToken { id }", `paymentToken { ${PAYMENT_TOKEN_FIELDS} }`);
  const d = await client.query<{ markets: { items: RawMarket[] }; offer: Nested | null }>(
    `query ($id: String!) {
  markets(limit: 1) { items { ${MARKET_FIELDS} } }
  offer(id: $id) { ${nested} }
}`,
    { id: offerId.toString() },
    opts,
  );
  const market = d.markets.items[0] && toMarket(d.markets.items[0]);
  const raw = d.offer;
  if (!raw) return { market, offer: undefined, provider: undefined, paymentToken: undefined };
  // The indexer creates the provider and token rows before any offer refers to them; an absent one means a broken
  // index, which is better reported than guessed around.
  if (!raw.provider || !raw.paymentToken)
    throw new RangeError(`The indexer's offer #${offerId} has no provider or payment-token row`);
  const token = raw.paymentToken.id.toLowerCase();
  const bond = raw.provider.bonds.items.find((b) => b.token.toLowerCase() === token);
  return {
    market,
    offer: toOffer({ ...raw, provider: raw.provider, paymentToken: raw.paymentToken }),
    provider: toProvider(raw.provider),
    paymentToken: toPaymentToken(raw.paymentToken),
    bond: bond && { amount: BigInt(bond.amount), locked: BigInt(bond.locked) },
  };
}

/**
 * `canLease`'s conditions from an indexed context. `penaltyBps` is the market's immutable (`marketPenaltyBps`).
 * A market the indexer has not seen yet counts as not paused, a token it does not know as not allowed.
 */
export const leaseConditions = (
  context: IndexedLeaseContext,
  penaltyBps: bigint,
): LeaseConditions => ({
  marketPaused: context.market?.paused ?? false,
  penaltyBps,
  // The bond that counts is the one in the offer's payment token (the provider row's bond is its GRID one).
  provider: context.bond && { bond: context.bond.amount, lockedBond: context.bond.locked },
  tokenAllowed: context.paymentToken?.allowed ?? false,
});

/** The explorer's front page: market counters, leases active now, flows per payment token, GPU time per model. */
export interface IndexedOverview {
  market: IndexedMarket | undefined;
  /** Leases whose stored status is Active: the sum of the indexer's `LeaseCount` rows, never a row count. */
  activeLeases: number;
  paymentTokens: IndexedPaymentToken[];
  /** All-time statistics per GPU model and payment token. */
  gpuModelStats: IndexedGpuModelStat[];
}

/** The market overview in one request (so all from the same indexed block). */
export async function getMarketOverview(
  client: IndexerClient,
  opts: RequestOptions = {},
): Promise<IndexedOverview> {
  const d = await client.query<{
    markets: { items: RawMarket[] };
    active: { items: { leaseCount: number }[] };
    paymentTokens: { items: RawPaymentToken[] };
    gpuModelStats: { items: RawGpuModelStat[] };
  }>(
    `query Overview {
  markets(limit: 1) { items { ${MARKET_FIELDS} } }
  active: leaseCounts(where: { status: "Active" }, limit: 1000) { items { leaseCount } }
  paymentTokens(limit: 100) { items { ${PAYMENT_TOKEN_FIELDS} } }
  gpuModelStats(limit: 1000) { items { ${GPU_MODEL_STAT_FIELDS} } }
}`,
    {},
    opts,
  );
  const market = d.markets.items[0];
  return {
    market: market && toMarket(market),
    activeLeases: d.active.items.reduce((sum, r) => sum + r.leaseCount, 0),
    paymentTokens: d.paymentTokens.items.map(toPaymentToken),
    gpuModelStats: d.gpuModelStats.items.map(toGpuModelStat),
  };
}

/** Filters of the day statistics: a range of UTC days (days since the Unix epoch, both ends included), a token. */
export interface DayStatFilter {
  fromDay?: number;
  toDay?: number;
  paymentToken?: Address;
}

/** Filters of `listGpuModelDayStats`. */
export interface GpuModelDayStatFilter extends DayStatFilter {
  gpuModel?: string;
  /** Models whose code starts with this (`H100` for every H100 variant). */
  gpuModelPrefix?: string;
}

const dayRange = (f: DayStatFilter) => ({
  day_gte: f.fromDay,
  day_lte: f.toDay,
  paymentToken: f.paymentToken,
});

/** Per-day statistics per GPU model and payment token, oldest day first. */
export async function listGpuModelDayStats(
  client: IndexerClient,
  filter: GpuModelDayStatFilter = {},
  opts: PageOptions<RawGpuModelDayStat> = {},
): Promise<IndexedGpuModelDayStat[]> {
  const rows = await client.queryAll<RawGpuModelDayStat>(
    page("gpuModelDayStats", "gpuModelDayStatFilter", GPU_MODEL_DAY_STAT_FIELDS, "day"),
    "gpuModelDayStats",
    {
      where: where({
        ...dayRange(filter),
        gpuModel: filter.gpuModel,
        gpuModel_starts_with: filter.gpuModelPrefix,
      }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toGpuModelDayStat);
}

/** Per-day statistics per region and payment token, oldest day first. */
export async function listRegionDayStats(
  client: IndexerClient,
  filter: DayStatFilter & { region?: string } = {},
  opts: PageOptions<RawRegionDayStat> = {},
): Promise<IndexedRegionDayStat[]> {
  const rows = await client.queryAll<RawRegionDayStat>(
    page("regionDayStats", "regionDayStatFilter", REGION_DAY_STAT_FIELDS, "day"),
    "regionDayStats",
    {
      where: where({ ...dayRange(filter), region: filter.region }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toRegionDayStat);
}

/** Leases of one side of an address: how many in all, and the latest ones. */
export interface IndexedLeasePage {
  /** From the provider's or the account's `leaseCount`, kept by the indexer (never a count of rows). */
  totalCount: number;
  /** Newest first. */
  leases: IndexedLease[];
}

/** What the indexer knows of an address, as a provider and as a buyer. */
export interface IndexedAddress {
  /** Undefined when it never registered as a provider. */
  provider: IndexedProvider | undefined;
  /** Its earnings per payment token, as a provider. */
  earnings: IndexedProviderEarning[];
  /** Its offers, by offer id. */
  offers: IndexedOffer[];
  /** Undefined when it never opened a lease. */
  account: IndexedAccount | undefined;
  /** Its spending per payment token, as a buyer. */
  spending: IndexedAccountSpending[];
  /** Its credits per token (payouts the token refused), withdrawn or not. */
  credits: IndexedCredit[];
  /** Leases on its offers. */
  served: IndexedLeasePage;
  /** Leases it bought. */
  bought: IndexedLeasePage;
}

/**
 * An address's record in one request: provider row, earnings, offers, account row, spending, and the latest
 * `recentLeases` leases (default 10, at most 1,000) on each side with their counts.
 */
export async function getIndexedAddress(
  client: IndexerClient,
  address: Address,
  opts: RequestOptions & { recentLeases?: number } = {},
): Promise<IndexedAddress> {
  const recent = opts.recentLeases ?? 10;
  if (!Number.isInteger(recent) || recent < 1 || recent > 1000)
    throw new RangeError(`recentLeases must be an integer from 1 to 1000, got ${recent}`);
  type LeaseConn = { items: RawLease[] };
  const d = await client.query<{
    provider: RawProvider | null;
    providerEarnings: { items: RawProviderEarning[] };
    offers: { items: RawOffer[] };
    account: RawAccount | null;
    accountSpendings: { items: RawAccountSpending[] };
    credits: { items: RawCredit[] };
    served: LeaseConn;
    bought: LeaseConn;
  }>(
    `query Address($id: String!, $recent: Int!) {
  provider(id: $id) { ${PROVIDER_FIELDS} }
  providerEarnings(where: { provider: $id }, limit: 100) { items { ${PROVIDER_EARNING_FIELDS} } }
  offers(where: { provider: $id }, limit: 1000, orderBy: "offerId", orderDirection: "asc") { items { ${OFFER_FIELDS} } }
  account(id: $id) { ${ACCOUNT_FIELDS} }
  accountSpendings(where: { account: $id }, limit: 100) { items { ${ACCOUNT_SPENDING_FIELDS} } }
  credits(where: { account: $id }, limit: 100) { items { ${CREDIT_FIELDS} } }
  served: leases(where: { provider: $id }, limit: $recent, orderBy: "leaseId", orderDirection: "desc") { items { ${LEASE_FIELDS} } }
  bought: leases(where: { buyer: $id }, limit: $recent, orderBy: "leaseId", orderDirection: "desc") { items { ${LEASE_FIELDS} } }
}`,
    { id: address.toLowerCase(), recent },
    opts,
  );
  const leasePage = (c: LeaseConn, count: number | undefined): IndexedLeasePage => ({
    totalCount: count ?? 0,
    leases: c.items.map(toLease),
  });
  return {
    provider: d.provider ? toProvider(d.provider) : undefined,
    earnings: d.providerEarnings.items.map(toProviderEarning),
    offers: d.offers.items.map(toOffer),
    account: d.account ? toAccount(d.account) : undefined,
    spending: d.accountSpendings.items.map(toAccountSpending),
    credits: d.credits.items.map(toCredit),
    served: leasePage(d.served, d.provider?.leaseCount),
    bought: leasePage(d.bought, d.account?.leaseCount),
  };
}
