/** The explorer's indexer queries (Ponder GraphQL). Bigints arrive as decimal strings. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { indexer } from "../../lib/indexer.ts";
import type { LeaseListItem } from "./leaseFilter.ts";
import type { ModelDayStatRow, RegionDayStatRow } from "./series.ts";
import type { SettlementInput } from "./settlement.ts";

interface Conn<T> {
  items: T[];
  totalCount?: number;
}

/**
 * Ponder names a relation like the column it follows (`provider`, `buyer`, `paymentToken`, `lease`), and the
 * relation replaces the column in GraphQL: the queries ask for `provider { id }` and this turns every such
 * `{ id }` back into the id string, so the rest of the explorer sees flat rows.
 */
export function flatten<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] =
      v !== null &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      "id" in v &&
      Object.keys(v).length === 1
        ? (v as { id: unknown }).id
        : v;
  }
  return out as T;
}
const flatAll = <T>(rows: readonly unknown[]) =>
  rows.map((r) => flatten<T>(r as Record<string, unknown>));

/* ------------------------------------------------------------------ overview */

export interface TokenTotals {
  id: string;
  leaseCount: number;
  volume: string;
  refunded: string;
  paidToProviders: string;
  feesAccrued: string;
}
export interface StatTotals {
  gpuSecondsLeased: string;
  gpuSecondsReleased: string;
}
export interface Overview {
  market:
    { leaseCount: number; providerCount: number; offerCount: number; feeBps: string } | undefined;
  activeLeases: number;
  tokens: TokenTotals[];
  modelStats: StatTotals[];
}

const OVERVIEW = /* GraphQL */ `
  query Overview {
    markets(limit: 1) {
      items {
        leaseCount
        providerCount
        offerCount
        feeBps
      }
    }
    active: leases(where: { status: "Active" }, limit: 1) {
      totalCount
    }
    paymentTokens(limit: 100) {
      items {
        id
        leaseCount
        volume
        refunded
        paidToProviders
        feesAccrued
      }
    }
    gpuModelStats(limit: 1000) {
      items {
        gpuSecondsLeased
        gpuSecondsReleased
      }
    }
  }
`;

/** Market totals, active leases, volume per payment token and GPU-hours per model. */
export function useOverview() {
  return useQuery({
    queryKey: ["explorer", "overview"],
    queryFn: async ({ signal }): Promise<Overview> => {
      const d = await indexer.query<{
        markets: Conn<NonNullable<Overview["market"]>>;
        active: { totalCount: number };
        paymentTokens: Conn<TokenTotals>;
        gpuModelStats: Conn<StatTotals>;
      }>(OVERVIEW, {}, { signal });
      return {
        market: d.markets.items[0],
        activeLeases: d.active.totalCount,
        tokens: d.paymentTokens.items,
        modelStats: d.gpuModelStats.items,
      };
    },
  });
}

const STAT_FIELDS =
  "id day date paymentToken { id } leasesOpened gpuSecondsLeased gpuSecondsReleased volume avgPricePerGpuHour";

const MODEL_DAYS = /* GraphQL */ `
  query ModelDays($after: String) {
    gpuModelDayStats(limit: 1000, after: $after, orderBy: "day", orderDirection: "asc") {
      items { gpuModel ${STAT_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const REGION_DAYS = /* GraphQL */ `
  query RegionDays($after: String) {
    regionDayStats(limit: 1000, after: $after, orderBy: "day", orderDirection: "asc") {
      items { region ${STAT_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Every per-day statistics row, by GPU model and by region, for the charts. */
export function useDayStats() {
  return useQuery({
    queryKey: ["explorer", "day-stats"],
    queryFn: async ({ signal }) => {
      const [models, regions] = await Promise.all([
        indexer.queryAll<Record<string, unknown>>(MODEL_DAYS, "gpuModelDayStats", {}, { signal }),
        indexer.queryAll<Record<string, unknown>>(REGION_DAYS, "regionDayStats", {}, { signal }),
      ]);
      return {
        models: flatAll<ModelDayStatRow>(models),
        regions: flatAll<RegionDayStatRow>(regions),
      };
    },
  });
}

/* ------------------------------------------------------------------ lease list */

const LEASE_FIELDS =
  "id status endReason gpuModel region gpus pricePerGpuHour duration buyer { id } provider { id } openedAt paymentToken { id } startTime activationDeadline";

const LEASES = /* GraphQL */ `
  query Leases($after: String) {
    leases(limit: 1000, after: $after, orderBy: "openedAt", orderDirection: "desc") {
      items { ${LEASE_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const LEASE_COUNT = /* GraphQL */ `
  query LeaseCount {
    leases(limit: 1) {
      totalCount
    }
  }
`;

/** Every lease, page by page; `loaded`/`total` report progress while the pages arrive. */
export function useAllLeases() {
  const [progress, setProgress] = useState<{ loaded: number; total?: number }>({ loaded: 0 });
  const query = useQuery({
    queryKey: ["explorer", "all-leases"],
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      setProgress({ loaded: 0 });
      indexer
        .query<{ leases: { totalCount: number } }>(LEASE_COUNT, {}, { signal })
        .then((d) => setProgress((p) => ({ ...p, total: d.leases.totalCount })))
        .catch(() => undefined);
      const rows = await indexer.queryAll<Record<string, unknown>>(
        LEASES,
        "leases",
        {},
        {
          signal,
          onPage: (rows) => setProgress((p) => ({ ...p, loaded: rows.length })),
        },
      );
      return flatAll<LeaseListItem>(rows);
    },
  });
  return { ...query, progress };
}

/* ------------------------------------------------------------------ one lease */

export interface LeaseDetail extends SettlementInput {
  id: string;
  offer: string;
  provider: string;
  buyer: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  gpus: string;
  initialDuration: string;
  openedAt: string;
  endTime: string | null;
  closedAt: string | null;
  topUps: string;
  extensionCount: number;
  accessPostedAt: string | null;
  accessRotations: number;
}

export interface LeaseEventRow {
  id: string;
  lease: string;
  type: string;
  account: string | null;
  txHash: string;
  blockNumber: string;
  logIndex: number;
  timestamp: string;
  amount: string | null;
  fee: string | null;
  refund: string | null;
  penalty: string | null;
  duration: string | null;
  startTime: string | null;
  endTime: string | null;
  endReason: string | null;
}

const EVENT_FIELDS =
  "id lease { id } type account txHash blockNumber logIndex timestamp amount fee refund penalty duration startTime endTime endReason";

const LEASE = /* GraphQL */ `
  query Lease($id: String!) {
    lease(id: $id) {
      id offer { id } provider { id } buyer { id } paymentToken { id } gpuModel region units gpusPerUnit gpus pricePerGpuHour feeBps
      duration initialDuration status endReason activationDeadline openedAt startTime endTime closedAt
      deposit topUps extensionCount accrued claimedGross paidToProvider fee refunded penalty
      accessPostedAt accessRotations
    }
    leaseEvents(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") {
      items { ${EVENT_FIELDS} }
    }
  }
`;

/** Events in chain order (block, then log index). */
export const byChainOrder = (a: LeaseEventRow, b: LeaseEventRow) =>
  Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)) || a.logIndex - b.logIndex;

/** One lease and its events in chain order; `lease` is null when the indexer does not know it. */
export function useLease(id: string) {
  return useQuery({
    queryKey: ["explorer", "lease", id],
    enabled: /^\d+$/.test(id),
    queryFn: async ({ signal }) => {
      const d = await indexer.query<{
        lease: Record<string, unknown> | null;
        leaseEvents: Conn<Record<string, unknown>>;
      }>(LEASE, { id }, { signal });
      return {
        lease: d.lease ? flatten<LeaseDetail>(d.lease) : null,
        events: flatAll<LeaseEventRow>(d.leaseEvents.items).sort(byChainOrder),
      };
    },
  });
}

/* ------------------------------------------------------------------ one address */

export interface ProviderRecord {
  id: string;
  metadataURI: string;
  bond: string;
  offerCount: number;
  leaseCount: number;
  leasesServed: number;
  gpuSecondsServed: string;
  noShows: number;
  providerTerminations: number;
  penaltiesPaid: string;
  firstSeenAt: string;
  lastSeenAt: string;
}
export interface EarningRow {
  paymentToken: string;
  earningsAccrued: string;
  earningsClaimed: string;
  feesPaid: string;
}
export interface OfferRow {
  id: string;
  gpuModel: string;
  region: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  paymentToken: string;
  paused: boolean;
  leaseCount: number;
}
export interface AccountRecord {
  id: string;
  leaseCount: number;
  gpuSecondsBought: string;
  penaltiesReceived: string;
  firstSeenAt: string;
  lastSeenAt: string;
}
export interface SpendingRow {
  paymentToken: string;
  spent: string;
  refunded: string;
}

const ADDRESS = /* GraphQL */ `
  query Address($id: String!) {
    provider(id: $id) {
      id metadataURI bond offerCount leaseCount leasesServed gpuSecondsServed noShows providerTerminations
      penaltiesPaid firstSeenAt lastSeenAt
    }
    providerEarnings(where: { provider: $id }, limit: 100) { items { paymentToken { id } earningsAccrued earningsClaimed feesPaid } }
    offers(where: { provider: $id }, limit: 1000, orderBy: "createdAt", orderDirection: "desc") {
      items { id gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour paymentToken { id } paused leaseCount }
    }
    account(id: $id) { id leaseCount gpuSecondsBought penaltiesReceived firstSeenAt lastSeenAt }
    accountSpendings(where: { account: $id }, limit: 100) { items { paymentToken { id } spent refunded } }
    served: leases(where: { provider: $id }, limit: 50, orderBy: "openedAt", orderDirection: "desc") {
      totalCount items { ${LEASE_FIELDS} }
    }
    bought: leases(where: { buyer: $id }, limit: 50, orderBy: "openedAt", orderDirection: "desc") {
      totalCount items { ${LEASE_FIELDS} }
    }
  }
`;

export interface AddressData {
  provider: ProviderRecord | null;
  earnings: EarningRow[];
  offers: OfferRow[];
  account: AccountRecord | null;
  spending: SpendingRow[];
  served: { totalCount: number; items: LeaseListItem[] };
  bought: { totalCount: number; items: LeaseListItem[] };
}

/** What the indexer knows of an address as a provider and as a buyer. */
export function useAddress(address: string) {
  const id = address.toLowerCase();
  return useQuery({
    queryKey: ["explorer", "address", id],
    enabled: /^0x[0-9a-f]{40}$/.test(id),
    queryFn: async ({ signal }): Promise<AddressData> => {
      type Rows = Conn<Record<string, unknown>>;
      const d = await indexer.query<{
        provider: ProviderRecord | null;
        providerEarnings: Rows;
        offers: Rows;
        account: AccountRecord | null;
        accountSpendings: Rows;
        served: { totalCount: number; items: Record<string, unknown>[] };
        bought: { totalCount: number; items: Record<string, unknown>[] };
      }>(ADDRESS, { id }, { signal });
      return {
        provider: d.provider,
        earnings: flatAll<EarningRow>(d.providerEarnings.items),
        offers: flatAll<OfferRow>(d.offers.items),
        account: d.account,
        spending: flatAll<SpendingRow>(d.accountSpendings.items),
        served: { totalCount: d.served.totalCount, items: flatAll<LeaseListItem>(d.served.items) },
        bought: { totalCount: d.bought.totalCount, items: flatAll<LeaseListItem>(d.bought.items) },
      };
    },
  });
}

/* ------------------------------------------------------------------ a transaction */

const TX_EVENTS = /* GraphQL */ `
  query TxEvents($hash: String!) {
    leaseEvents(where: { txHash: $hash }, limit: 1000) { items { ${EVENT_FIELDS} } }
  }
`;
const LEASE_TOKENS = /* GraphQL */ `
  query LeaseTokens($ids: [String!]) {
    leases(where: { id_in: $ids }, limit: 1000) {
      items {
        id
        paymentToken {
          id
        }
      }
    }
  }
`;

export interface TxEventRow extends LeaseEventRow {
  /** The payment token of the event's lease (amounts are in it). */
  paymentToken: string | undefined;
}

/** The lease events a transaction emitted, each with its lease's payment token. */
export function useTxEvents(hash: string | undefined) {
  return useQuery({
    queryKey: ["explorer", "tx", hash],
    enabled: !!hash,
    queryFn: async ({ signal }): Promise<TxEventRow[]> => {
      const d = await indexer.query<{ leaseEvents: Conn<Record<string, unknown>> }>(
        TX_EVENTS,
        { hash },
        { signal },
      );
      const events = flatAll<LeaseEventRow>(d.leaseEvents.items).sort(byChainOrder);
      if (events.length === 0) return [];
      const ids = [...new Set(events.map((e) => e.lease))];
      const l = await indexer.query<{ leases: Conn<Record<string, unknown>> }>(
        LEASE_TOKENS,
        { ids },
        { signal },
      );
      const tokens = new Map(
        flatAll<{ id: string; paymentToken: string }>(l.leases.items).map((x) => [
          x.id,
          x.paymentToken,
        ]),
      );
      return events.map((e) => ({ ...e, paymentToken: tokens.get(e.lease) }));
    },
  });
}
