/**
 * Outages and credits from the indexer: open outages (a provider's dashboard lists them first, with the time left),
 * a lease's outage record in the shape the SDK's billing math takes (`accruedAt`, `unresolvedExitOpen` in
 * ../pricing.ts), outage reports on the lease timeline, and an account's credits.
 */
import type { Address } from "viem";
import type { OutageRecord } from "../pricing.ts";
import { CREDIT_FIELDS, toCredit, type IndexedCredit, type RawCredit } from "./accounts.ts";
import type { IndexerClient, PageOptions } from "./client.ts";
import { page, pageSize, where } from "./filters.ts";
import {
  LEASE_EVENT_FIELDS,
  LEASE_FIELDS,
  byChainOrder,
  toLease,
  toLeaseEvent,
  type IndexedLease,
  type IndexedLeaseEvent,
  type RawLease,
  type RawLeaseEvent,
} from "./rows.ts";

/** Filters of `listOpenOutages`. */
export interface OpenOutageFilter {
  provider?: Address;
  buyer?: Address;
  gpuModel?: string;
}

/** Leases with an outage open now, the nearest repair deadline first. */
export async function listOpenOutages(
  client: IndexerClient,
  filter: OpenOutageFilter = {},
  opts: PageOptions<RawLease> = {},
): Promise<IndexedLease[]> {
  const rows = await client.queryAll<RawLease>(
    page("leases", "leaseFilter", LEASE_FIELDS, "repairDeadline"),
    "leases",
    {
      where: where({ ...filter, outageOpen: true, status: "Active" }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toLease);
}

/** Filters of `listOutageEvents`. */
export interface OutageEventFilter {
  /** One lease's outages. */
  leaseId?: bigint;
  /** Reports filed by one buyer. */
  account?: Address;
}

/** OutageReported and OutageResolved events, in chain order. */
export async function listOutageEvents(
  client: IndexerClient,
  filter: OutageEventFilter = {},
  opts: PageOptions<RawLeaseEvent> = {},
): Promise<IndexedLeaseEvent[]> {
  const rows = await client.queryAll<RawLeaseEvent>(
    page("leaseEvents", "leaseEventFilter", LEASE_EVENT_FIELDS, "blockNumber"),
    "leaseEvents",
    {
      where: where({
        lease: filter.leaseId?.toString(),
        account: filter.account,
        type_starts_with: "Outage",
      }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toLeaseEvent).sort(byChainOrder);
}

/**
 * A lease's outage record as the contract's `getOutage` holds it, for the SDK's billing math. An ended lease's
 * downtime is all in `downUnitSeconds` (the indexer closes an outage open at the end), so nothing stays open.
 */
export const leaseOutageRecord = (lease: IndexedLease): OutageRecord => ({
  since: lease.outageSince ?? 0n,
  deadline: lease.repairDeadline ?? 0n,
  lastResolved: lease.lastResolvedAt ?? 0n,
  downUnits: lease.downUnits,
  reports: BigInt(lease.outageReports),
  extension: lease.outageDowntime,
  downUnitSeconds: lease.downUnitSeconds,
});

/** Seconds until an open outage's repair deadline at `now` (0 once past); undefined when no outage is open. */
export function repairTimeLeft(lease: IndexedLease, now: bigint): bigint | undefined {
  if (!lease.outageOpen || lease.repairDeadline === null) return undefined;
  return lease.repairDeadline > now ? lease.repairDeadline - now : 0n;
}

/** Filters of `listCredits`. */
export interface CreditFilter {
  account?: Address;
  token?: Address;
  /** Only credits with something left to withdraw. */
  outstanding?: boolean;
}

/** Credits (payouts the token refused, to withdraw with `withdrawCredit`), per account and token. */
export async function listCredits(
  client: IndexerClient,
  filter: CreditFilter = {},
  opts: PageOptions<RawCredit> = {},
): Promise<IndexedCredit[]> {
  const rows = await client.queryAll<RawCredit>(
    page("credits", "creditFilter", CREDIT_FIELDS, "id"),
    "credits",
    {
      where: where({
        account: filter.account,
        token: filter.token,
        balance_gt: filter.outstanding ? "0" : undefined,
      }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toCredit);
}
