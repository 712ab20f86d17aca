/**
 * `GET /explorer/providers`: providers by leases served, availability, GPU-hours served or newest, each highest
 * first with the address breaking ties, paged by keyset on (sort column, address).
 */
import { sql } from "ponder";
import { provider } from "ponder:schema";
import { checkNames, parseChoice, parseLimit, type Query } from "./params.ts";
import { rankedPage } from "./ranked.ts";
import type { ProviderListRow } from "@gridlease/sdk/indexer/explorer-rows";

const SORT_COLUMNS = {
  leasesServed: sql`${provider.leasesServed}`,
  availability: sql`${provider.availabilityBps}`,
  gpuHours: sql`${provider.gpuSecondsServed}`,
  newest: sql`${provider.firstSeenAt}`,
};
const ORDERS = ["leasesServed", "availability", "gpuHours", "newest"] as const;

const COLUMNS = sql`${provider.id} AS "id", ${provider.metadataURI} AS "metadataURI", ${provider.bond}::text AS "bond",
  ${provider.offerCount} AS "offerCount", ${provider.leaseCount} AS "leaseCount",
  ${provider.leasesServed} AS "leasesServed", ${provider.pendingLeases} AS "pendingLeases",
  ${provider.activeLeases} AS "activeLeases", ${provider.gpuSecondsServed}::text AS "gpuSecondsServed",
  ${provider.gpuSecondsDown}::text AS "gpuSecondsDown", ${provider.availabilityBps} AS "availabilityBps",
  ${provider.noShows} AS "noShows", ${provider.providerTerminations} AS "providerTerminations",
  ${provider.openOutages} AS "openOutages", ${provider.firstSeenAt}::text AS "firstSeenAt",
  ${provider.lastSeenAt}::text AS "lastSeenAt"`;

/** One page of providers. */
export async function providerPage(q: Query) {
  checkNames(q, ["order", "limit", "after"]);
  const order = parseChoice(q, "order", ORDERS, "leasesServed")!;
  return rankedPage<ProviderListRow>(q, {
    table: sql`${provider}`,
    id: sql`${provider.id}`,
    columns: COLUMNS,
    order,
    sortColumn: SORT_COLUMNS[order],
    sortValue: (row) =>
      String(
        {
          leasesServed: row.leasesServed,
          availability: row.availabilityBps,
          gpuHours: row.gpuSecondsServed,
          newest: row.firstSeenAt,
        }[order],
      ),
    limit: parseLimit(q),
  });
}
