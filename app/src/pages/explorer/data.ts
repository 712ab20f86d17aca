/**
 * The explorer's indexer queries (Ponder GraphQL): the SDK's typed queries where the explorer reads what they
 * read, and two light selections of its own for the lease table (10,000+ rows) and the lease page.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { isAddress } from "viem";
import {
  getIndexedAddress,
  getMarketOverview,
  LEASE_EVENT_FIELDS,
  listGpuModelDayStats,
  listRegionDayStats,
  listTransactionEvents,
  byChainOrder,
  toLeaseEvent,
  type IndexedAddress,
  type IndexedLease,
  type IndexedLeaseEvent,
  type IndexedOverview,
  type RawLeaseEvent,
} from "@gridlease/sdk/indexer";
import { indexer } from "../../lib/indexer.ts";
import type { LeaseListItem } from "./leaseFilter.ts";
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

/** Market totals, active leases, volume per payment token and GPU-hours per model. */
export function useOverview() {
  return useQuery({
    queryKey: ["explorer", "overview"],
    queryFn: ({ signal }): Promise<IndexedOverview> => getMarketOverview(indexer, { signal }),
  });
}

/** Every per-day statistics row, by GPU model and by region, for the charts. */
export function useDayStats() {
  return useQuery({
    queryKey: ["explorer", "day-stats"],
    queryFn: async ({ signal }) => {
      const [models, regions] = await Promise.all([
        listGpuModelDayStats(indexer, {}, { signal }),
        listRegionDayStats(indexer, {}, { signal }),
      ]);
      return { models, regions };
    },
  });
}

/* ------------------------------------------------------------------ lease list */

const LEASE_LIST_FIELDS =
  "id status endReason gpuModel region gpus pricePerGpuHour duration buyer { id } provider { id } openedAt paymentToken { id } startTime activationDeadline";

const LEASES = /* GraphQL */ `
  query Leases($after: String) {
    leases(limit: 1000, after: $after, orderBy: "openedAt", orderDirection: "desc") {
      items { ${LEASE_LIST_FIELDS} }
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
  outageOpen: boolean;
  repairDeadline: string | null;
  outageReports: number;
}

const LEASE = /* GraphQL */ `
  query Lease($id: String!) {
    lease(id: $id) {
      id offer { id } provider { id } buyer { id } paymentToken { id } gpuModel region units gpusPerUnit gpus pricePerGpuHour feeBps
      duration initialDuration status endReason activationDeadline openedAt startTime endTime closedAt
      deposit topUps extensionCount accrued claimedGross paidToProvider fee refunded penalty
      accessPostedAt accessRotations
      outageOpen downUnits outageSince repairDeadline lastResolvedAt outageReports outageDowntime downUnitSeconds
    }
    leaseEvents(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") {
      items { ${LEASE_EVENT_FIELDS} }
    }
  }
`;

/** One lease and its events in chain order; `lease` is null when the indexer does not know it. */
export function useLease(id: string) {
  return useQuery({
    queryKey: ["explorer", "lease", id],
    enabled: /^\d+$/.test(id),
    queryFn: async ({ signal }) => {
      const d = await indexer.query<{
        lease: Record<string, unknown> | null;
        leaseEvents: Conn<RawLeaseEvent>;
      }>(LEASE, { id }, { signal });
      return {
        lease: d.lease ? flatten<LeaseDetail>(d.lease) : null,
        events: d.leaseEvents.items.map(toLeaseEvent).sort(byChainOrder),
      };
    },
  });
}

/* ------------------------------------------------------------------ one address */

/** A lease of the SDK as the lease table's row (which keeps the indexer's decimal strings). */
const listItem = (l: IndexedLease): LeaseListItem => ({
  id: l.leaseId.toString(),
  status: l.status,
  endReason: l.endReason,
  gpuModel: l.gpuModel,
  region: l.region,
  gpus: l.gpus.toString(),
  pricePerGpuHour: l.pricePerGpuHour.toString(),
  duration: l.duration.toString(),
  buyer: l.buyer,
  provider: l.provider,
  openedAt: l.openedAt.toString(),
  paymentToken: l.paymentToken,
  startTime: l.startTime?.toString() ?? null,
  activationDeadline: l.activationDeadline.toString(),
});

/** An address's record, with its latest leases as lease-table rows and its newest offers first. */
export interface AddressData extends Omit<IndexedAddress, "served" | "bought"> {
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
      if (!isAddress(id)) throw new TypeError(`Not an address: ${address}`);
      const d = await getIndexedAddress(indexer, id, {
        signal,
        recentLeases: 50,
      });
      return {
        ...d,
        offers: [...d.offers].reverse(),
        served: { totalCount: d.served.totalCount, items: d.served.leases.map(listItem) },
        bought: { totalCount: d.bought.totalCount, items: d.bought.leases.map(listItem) },
      };
    },
  });
}

/* ------------------------------------------------------------------ a transaction */

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

export interface TxEventRow extends IndexedLeaseEvent {
  /** The payment token of the event's lease (amounts are in it). */
  paymentToken: string | undefined;
}

/** The lease events a transaction emitted, each with its lease's payment token. */
export function useTxEvents(hash: string | undefined) {
  return useQuery({
    queryKey: ["explorer", "tx", hash],
    enabled: !!hash,
    queryFn: async ({ signal }): Promise<TxEventRow[]> => {
      const events = hash ? await listTransactionEvents(indexer, hash, { signal }) : [];
      if (events.length === 0) return [];
      const ids = [...new Set(events.map((e) => e.leaseId.toString()))];
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
      return events.map((e) => ({ ...e, paymentToken: tokens.get(e.leaseId.toString()) }));
    },
  });
}
