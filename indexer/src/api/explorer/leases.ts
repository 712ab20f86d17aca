/**
 * `GET /explorer/leases` and `GET /explorer/leases/total`: the lease list, filtered on the server and paged by
 * keyset on the lease id (ids grow with opening time, so the order is the opening order), and its total from the
 * counts the handlers keep (`lease_count`, `Provider`/`Account` lease counts) or, where none fits the filter, a
 * bounded count.
 */
import { sql } from "ponder";
import { account, lease, leaseCount, offer, provider } from "ponder:schema";
import { EndReason } from "@gridlease/sdk/status";
import {
  checkNames,
  encodeCursor,
  parseAddress,
  parseAddressPrefix,
  parseChoice,
  parseCursor,
  parseId,
  parseLabel,
  parseLimit,
  parseNow,
  type Query,
} from "./params.ts";
import { allOf, pageOf, rows, type SQL } from "./query.ts";
import type { LeaseListRow } from "@gridlease/sdk/indexer/explorer-rows";

const STATUSES = ["Pending", "ActivationOverdue", "Active", "Expired", "Ended"] as const;
const END_REASONS = Object.keys(EndReason);
const ORDERS = ["newest", "oldest"] as const;
const FILTER_NAMES = [
  "gpuModel",
  "region",
  "status",
  "endReason",
  "address",
  "buyer",
  "provider",
  "offer",
  "now",
];

/** Totals at or above this are not counted further: `{ total: 10000, exact: false }`. */
export const COUNT_CAP = 10_000;

const COLUMNS = sql`${lease.id} AS "id", ${lease.status} AS "status", ${lease.endReason} AS "endReason",
  ${lease.gpuModel} AS "gpuModel", ${lease.region} AS "region", ${lease.gpus}::text AS "gpus",
  ${lease.pricePerGpuHour}::text AS "pricePerGpuHour", ${lease.duration}::text AS "duration",
  ${lease.buyer} AS "buyer", ${lease.provider} AS "provider", ${lease.openedAt}::text AS "openedAt",
  ${lease.paymentToken} AS "paymentToken", ${lease.startTime}::text AS "startTime",
  ${lease.activationDeadline}::text AS "activationDeadline", ${lease.endTime}::text AS "endTime",
  ${lease.leaseId} AS "sortKey"`;

interface LeaseFilter {
  gpuModel?: string;
  region?: string;
  status?: (typeof STATUSES)[number];
  endReason?: string;
  address?: { lo: string; hi: string };
  buyer?: string;
  provider?: string;
  offer?: string;
  now: string;
}

function parseFilter(q: Query): LeaseFilter {
  return {
    gpuModel: parseLabel(q, "gpuModel", 32),
    region: parseLabel(q, "region", 8),
    status: parseChoice(q, "status", STATUSES),
    endReason: parseChoice(q, "endReason", END_REASONS),
    address: parseAddressPrefix(q, "address"),
    buyer: parseAddress(q, "buyer"),
    provider: parseAddress(q, "provider"),
    offer: parseId(q, "offer"),
    now: parseNow(q),
  };
}

/** The filter's conditions on the lease table, except `address` (a union of a buyer and a provider side). */
function conditions(f: LeaseFilter): SQL[] {
  const conds: SQL[] = [];
  if (f.gpuModel !== undefined) conds.push(sql`${lease.gpuModel} = ${f.gpuModel}`);
  if (f.region !== undefined) conds.push(sql`${lease.region} = ${f.region}`);
  if (f.endReason !== undefined) conds.push(sql`${lease.endReason} = ${f.endReason}`);
  if (f.buyer !== undefined) conds.push(sql`${lease.buyer} = ${f.buyer}`);
  if (f.provider !== undefined) conds.push(sql`${lease.provider} = ${f.provider}`);
  if (f.offer !== undefined) conds.push(sql`${lease.offer} = ${f.offer}`);
  // The indexer stores Pending, Active and Ended; the other two are judged at `now`, as the app's derivedStatus.
  if (f.status === "ActivationOverdue")
    conds.push(sql`${lease.status} = 'Pending' AND ${lease.activationDeadline} < ${f.now}`);
  else if (f.status === "Expired")
    conds.push(sql`${lease.status} = 'Active' AND ${lease.endTime} <= ${f.now}`);
  else if (f.status !== undefined) conds.push(sql`${lease.status} = ${f.status}`);
  return conds;
}

/** A buyer or provider column that starts with the `address` filter: equality or a range, both index-backed. */
function addressCondition(column: SQL, range: { lo: string; hi: string }): SQL {
  return range.lo === range.hi
    ? sql`${column} = ${range.lo}`
    : sql`${column} BETWEEN ${range.lo} AND ${range.hi}`;
}

/** One page of leases. */
export async function leasePage(q: Query) {
  checkNames(q, [...FILTER_NAMES, "order", "limit", "after"]);
  const f = parseFilter(q);
  const order = parseChoice(q, "order", ORDERS, "newest")!;
  const limit = parseLimit(q);
  const after = parseCursor(q, order, ["uint"]);
  const newest = order === "newest";
  const dir = sql.raw(newest ? "DESC" : "ASC");
  const conds = conditions(f);
  if (after)
    conds.push(newest ? sql`${lease.leaseId} < ${after[0]}` : sql`${lease.leaseId} > ${after[0]}`);

  let query: SQL;
  if (f.address === undefined) {
    query = sql`SELECT ${COLUMNS} FROM ${lease} WHERE ${allOf(conds)}
      ORDER BY ${lease.leaseId} ${dir} LIMIT ${limit + 1}`;
  } else {
    // Buyer or provider: each side walks its own (address, lease id) index; the union keeps a lease once.
    const side = (column: SQL) =>
      sql`(SELECT ${COLUMNS} FROM ${lease} WHERE ${allOf([...conds, addressCondition(column, f.address!)])}
        ORDER BY ${lease.leaseId} ${dir} LIMIT ${limit + 1})`;
    query = sql`SELECT * FROM (${side(sql`${lease.buyer}`)} UNION ${side(sql`${lease.provider}`)}) AS "matched"
      ORDER BY "sortKey" ${dir} LIMIT ${limit + 1}`;
  }
  const fetched = await rows<LeaseListRow & { sortKey: unknown }>(query);
  const items = fetched.map(({ sortKey: _, ...row }) => row);
  return pageOf(items, limit, (row) => encodeCursor(order, [row.id]));
}

/** The number of leases that pass the filter: exact from the aggregates where one fits, else bounded. */
export async function leaseTotal(q: Query): Promise<{ total: number; exact: boolean }> {
  checkNames(q, FILTER_NAMES);
  const f = parseFilter(q);
  const stored = f.status === undefined || ["Pending", "Active", "Ended"].includes(f.status);
  const labelled = f.gpuModel !== undefined || f.region !== undefined || f.endReason !== undefined;
  const parties = [f.address, f.buyer, f.provider, f.offer].filter((v) => v !== undefined).length;

  if (stored && parties === 0) return { total: await fromLeaseCounts(f), exact: true };
  if (stored && !labelled && parties === 1) {
    if (f.buyer !== undefined || f.provider !== undefined) {
      const table = f.buyer !== undefined ? account : provider;
      const [row] = await rows<{ all: number; pending: number; active: number }>(
        sql`SELECT ${table.leaseCount} AS "all", ${table.pendingLeases} AS "pending",
          ${table.activeLeases} AS "active" FROM ${table} WHERE ${table.id} = ${f.buyer ?? f.provider}`,
      );
      if (!row) return { total: 0, exact: true };
      const byStatus = {
        Pending: row.pending,
        Active: row.active,
        Ended: row.all - row.pending - row.active,
      };
      return {
        total: f.status === undefined ? row.all : byStatus[f.status as keyof typeof byStatus],
        exact: true,
      };
    }
    if (f.offer !== undefined && f.status === undefined) {
      const [row] = await rows<{ all: number }>(
        sql`SELECT ${offer.leaseCount} AS "all" FROM ${offer} WHERE ${offer.id} = ${f.offer}`,
      );
      return { total: row?.all ?? 0, exact: true };
    }
  }
  return boundedCount(f);
}

/** Sum of the `lease_count` rows that match: a few rows per model and region. */
async function fromLeaseCounts(f: LeaseFilter): Promise<number> {
  const conds: SQL[] = [];
  if (f.gpuModel !== undefined) conds.push(sql`${leaseCount.gpuModel} = ${f.gpuModel}`);
  if (f.region !== undefined) conds.push(sql`${leaseCount.region} = ${f.region}`);
  if (f.status !== undefined) conds.push(sql`${leaseCount.status} = ${f.status}`);
  if (f.endReason !== undefined) conds.push(sql`${leaseCount.endReason} = ${f.endReason}`);
  const [row] = await rows<{ total: string }>(
    sql`SELECT coalesce(sum(${leaseCount.leaseCount}), 0)::text AS "total" FROM ${leaseCount}
      WHERE ${allOf(conds)}`,
  );
  return Number(row?.total ?? 0);
}

/** Counts matching leases up to COUNT_CAP; exact when it stops short of the cap. */
async function boundedCount(f: LeaseFilter) {
  const conds = conditions(f);
  const capped = (extra: SQL[]) =>
    sql`(SELECT ${lease.id} FROM ${lease} WHERE ${allOf([...conds, ...extra])} LIMIT ${COUNT_CAP})`;
  const matched =
    f.address === undefined
      ? capped([])
      : sql`(${capped([addressCondition(sql`${lease.buyer}`, f.address)])} UNION ${capped([addressCondition(sql`${lease.provider}`, f.address)])})`;
  const [row] = await rows<{ n: number }>(
    sql`SELECT count(*)::int AS "n" FROM ${matched} AS "matched"`,
  );
  const n = row?.n ?? 0;
  return n < COUNT_CAP ? { total: n, exact: true } : { total: COUNT_CAP, exact: false };
}
