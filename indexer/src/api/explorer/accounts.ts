/**
 * `GET /explorer/accounts`: buyers by leases, GPU-hours bought or newest, each highest first with the address
 * breaking ties, paged by keyset on (sort column, address).
 */
import { sql } from "ponder";
import { account } from "ponder:schema";
import { checkNames, parseChoice, parseLimit, type Query } from "./params.ts";
import { rankedPage } from "./ranked.ts";
import type { AccountListRow } from "@gridlease/sdk/indexer/explorer-rows";

const SORT_COLUMNS = {
  leases: sql`${account.leaseCount}`,
  gpuHours: sql`${account.gpuSecondsBought}`,
  newest: sql`${account.firstSeenAt}`,
};
const ORDERS = ["leases", "gpuHours", "newest"] as const;

const COLUMNS = sql`${account.id} AS "id", ${account.leaseCount} AS "leaseCount",
  ${account.pendingLeases} AS "pendingLeases", ${account.activeLeases} AS "activeLeases",
  ${account.gpuSecondsBought}::text AS "gpuSecondsBought", ${account.penaltiesReceived}::text AS "penaltiesReceived",
  ${account.outageReports} AS "outageReports", ${account.firstSeenAt}::text AS "firstSeenAt",
  ${account.lastSeenAt}::text AS "lastSeenAt"`;

/** One page of buyers. */
export async function accountPage(q: Query) {
  checkNames(q, ["order", "limit", "after"]);
  const order = parseChoice(q, "order", ORDERS, "leases")!;
  return rankedPage<AccountListRow>(q, {
    table: sql`${account}`,
    id: sql`${account.id}`,
    columns: COLUMNS,
    order,
    sortColumn: SORT_COLUMNS[order],
    sortValue: (row) =>
      String(
        { leases: row.leaseCount, gpuHours: row.gpuSecondsBought, newest: row.firstSeenAt }[order],
      ),
    limit: parseLimit(q),
  });
}
