/**
 * The explorer's exact lookups and aggregates (Ponder GraphQL): the overview, one lease, one address, one
 * transaction. The SDK's typed queries where the explorer reads what they read, and light selections of its own
 * for the lease page and the address page. The paged lists are in listData.ts.
 */
import { useQuery } from "@tanstack/react-query";
import type { Hex } from "viem";
import {
  ACCOUNT_FIELDS,
  ACCOUNT_SPENDING_FIELDS,
  CREDIT_FIELDS,
  PROVIDER_EARNING_FIELDS,
  PROVIDER_FIELDS,
  toAccount,
  toAccountSpending,
  toCredit,
  toProvider,
  toProviderEarning,
  GPU_MODEL_STAT_FIELDS,
  MARKET_FIELDS,
  PAYMENT_TOKEN_FIELDS,
  toGpuModelStat,
  toMarket,
  toPaymentToken,
  LEASE_EVENT_FIELDS,
  listGpuModelDayStats,
  listRegionDayStats,
  listTransactionEvents,
  byChainOrder,
  toLeaseEvent,
  type IndexedAddress,
  type IndexedLeaseEvent,
  type IndexedOverview,
  type RawAccount,
  type RawGpuModelStat,
  type RawMarket,
  type RawPaymentToken,
  type RawAccountSpending,
  type RawCredit,
  type RawLeaseEvent,
  type RawProvider,
  type RawProviderEarning,
} from "@gridlease/sdk/indexer";
import { indexer } from "../../lib/indexer.ts";
import type { SettlementInput } from "./settlement.ts";

interface Conn<T> {
  items: T[];
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

const OVERVIEW = /* GraphQL */ `
  query Overview {
    markets(limit: 1) { items { ${MARKET_FIELDS} } }
    paymentTokens(limit: 100) { items { ${PAYMENT_TOKEN_FIELDS} } }
    gpuModelStats(limit: 1000) { items { ${GPU_MODEL_STAT_FIELDS} } }
  }
`;

/** The overview's aggregates: the market row's counters, flows per payment token, GPU time per model. */
export type Overview = Omit<IndexedOverview, "activeLeases">;

/**
 * Market totals, volume per payment token and GPU-hours per model, in one request: only aggregate rows. The
 * active-lease total comes from `countLeases`, the same count the lease table shows.
 */
export function useOverview() {
  return useQuery({
    queryKey: ["explorer", "overview"],
    queryFn: async ({ signal }): Promise<Overview> => {
      const d = await indexer.query<{
        markets: Conn<RawMarket>;
        paymentTokens: Conn<RawPaymentToken>;
        gpuModelStats: Conn<RawGpuModelStat>;
      }>(OVERVIEW, {}, { signal });
      const market = d.markets.items[0];
      return {
        market: market && toMarket(market),
        paymentTokens: d.paymentTokens.items.map(toPaymentToken),
        gpuModelStats: d.gpuModelStats.items.map(toGpuModelStat),
      };
    },
  });
}

/** Days of statistics the charts show: a bounded read however long the market has run. */
export const CHART_DAYS = 90;

/**
 * The per-day statistics rows of the last `CHART_DAYS` UTC days up to the latest indexed block, by GPU model and by
 * region, for the charts (a few rows a day, never the whole history).
 */
export function useDayStats() {
  return useQuery({
    queryKey: ["explorer", "day-stats", CHART_DAYS],
    queryFn: async ({ signal }) => {
      const now = await indexer.indexedTime({ signal });
      const fromDay = now === undefined ? undefined : Number(now / 86_400n) - (CHART_DAYS - 1);
      const [models, regions] = await Promise.all([
        listGpuModelDayStats(indexer, { fromDay }, { signal }),
        listRegionDayStats(indexer, { fromDay }, { signal }),
      ]);
      return { models, regions };
    },
  });
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

const ADDRESS = /* GraphQL */ `
  query Address($id: String!) {
    provider(id: $id) { ${PROVIDER_FIELDS} }
    providerEarnings(where: { provider: $id }, limit: 100) { items { ${PROVIDER_EARNING_FIELDS} } }
    account(id: $id) { ${ACCOUNT_FIELDS} }
    accountSpendings(where: { account: $id }, limit: 100) { items { ${ACCOUNT_SPENDING_FIELDS} } }
    credits(where: { account: $id }, limit: 100) { items { ${CREDIT_FIELDS} } }
  }
`;

/** An address's record: its provider and account rows (with their counters) and its flows per token. */
export type AddressRecord = Pick<
  IndexedAddress,
  "provider" | "earnings" | "account" | "spending" | "credits"
>;

/**
 * What the indexer knows of an address as a provider and as a buyer, by exact id (its offers and leases are read
 * page by page, see listData.ts; the per-token rows are one per payment token, a handful).
 */
export function useAddress(address: string) {
  const id = address.toLowerCase();
  return useQuery({
    queryKey: ["explorer", "address", id],
    enabled: /^0x[0-9a-f]{40}$/.test(id),
    queryFn: async ({ signal }): Promise<AddressRecord> => {
      const d = await indexer.query<{
        provider: RawProvider | null;
        providerEarnings: Conn<RawProviderEarning>;
        account: RawAccount | null;
        accountSpendings: Conn<RawAccountSpending>;
        credits: Conn<RawCredit>;
      }>(ADDRESS, { id }, { signal });
      return {
        provider: d.provider ? toProvider(d.provider) : undefined,
        earnings: d.providerEarnings.items.map(toProviderEarning),
        account: d.account ? toAccount(d.account) : undefined,
        spending: d.accountSpendings.items.map(toAccountSpending),
        credits: d.credits.items.map(toCredit),
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

/* ------------------------------------------------------------------ reserved capacity (#12) */

/** A lease's reserved-capacity record: rolling terms, its top-up allowance, executed top-ups and server ends. */
export interface LeaseReserved {
  rolling: boolean;
  term: string;
  fundedUntil: string | null;
  exitEscrow: string;
  reservedPenalty: string;
  exitCharge: string;
  unitsReleased: string;
  unitsFailed: string;
  topUpPerTopUp: string;
  topUpRemaining: string;
  topUpThreshold: string;
  topUpRevoked: boolean;
  topUpCount: number;
  topUps: TopUpRow[];
  serverEnds: ServerEndRow[];
}

/** One executed top-up (`TopUpExecuted`). */
export interface TopUpRow {
  id: string;
  executor: string;
  addedDuration: string;
  amount: string;
  fundedUntil: string;
  remaining: string;
  timestamp: string;
  txHash: Hex;
}

/** Some servers released by the buyer or failed by the provider while the rest ran on. */
export interface ServerEndRow {
  id: string;
  kind: "Released" | "Failed";
  count: string;
  refund: string;
  exitCharge: string;
  penalty: string;
  timestamp: string;
  txHash: string;
}

const LEASE_RESERVED = /* GraphQL */ `
  query LeaseReserved($id: String!) {
    lease(id: $id) {
      rolling
      term
      fundedUntil
      exitEscrow
      reservedPenalty
      exitCharge
      unitsReleased
      unitsFailed
      topUpPerTopUp
      topUpRemaining
      topUpThreshold
      topUpRevoked
      topUpCount
    }
    topUps(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") {
      items {
        id
        executor
        addedDuration
        amount
        fundedUntil
        remaining
        timestamp
        txHash
      }
    }
    serverEnds(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") {
      items {
        id
        kind
        count
        refund
        exitCharge
        penalty
        timestamp
        txHash
      }
    }
  }
`;

/**
 * A lease's reserved-capacity record, read apart from the lease (an index from before #12 lacks these fields: the
 * rest of the page still shows); null when the indexer does not know the lease.
 */
export function useLeaseReserved(id: string) {
  return useQuery({
    queryKey: ["explorer", "lease-reserved", id],
    enabled: /^\d+$/.test(id),
    queryFn: async ({ signal }): Promise<LeaseReserved | null> => {
      const d = await indexer.query<{
        lease: Omit<LeaseReserved, "topUps" | "serverEnds"> | null;
        topUps: Conn<TopUpRow>;
        serverEnds: Conn<ServerEndRow>;
      }>(LEASE_RESERVED, { id }, { signal });
      if (!d.lease) return null;
      return { ...d.lease, topUps: d.topUps.items, serverEnds: d.serverEnds.items };
    },
  });
}

/** A provider's bond in one payment token. */
export interface ProviderBondRow {
  token: string;
  amount: string;
  locked: string;
  penaltiesPaid: string;
}

const PROVIDER_BONDS = /* GraphQL */ `
  query ProviderBonds($id: String!) {
    providerBonds(where: { provider: $id }, limit: 100) {
      items {
        token
        amount
        locked
        penaltiesPaid
      }
    }
  }
`;

/** A provider's bonds, one row per payment token it bonded in. */
export function useProviderBonds(address: string) {
  const id = address.toLowerCase();
  return useQuery({
    queryKey: ["explorer", "provider-bonds", id],
    enabled: /^0x[0-9a-f]{40}$/.test(id),
    queryFn: async ({ signal }) =>
      (
        await indexer.query<{ providerBonds: Conn<ProviderBondRow> }>(
          PROVIDER_BONDS,
          { id },
          { signal },
        )
      ).providerBonds.items,
  });
}
