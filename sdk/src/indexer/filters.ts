/** The GraphQL building blocks of the SDK's list queries: a paged list document, its filter and its page size. */

/** A sort direction. */
export type Order = "asc" | "desc";

/**
 * A paged list query of `name` (Ponder's plural field) taking `$where: <filter>`, ordered by `orderBy` (a fixed
 * column name, never caller input).
 */
export const page = (name: string, filter: string, fields: string, orderBy: string) =>
  `query ($where: ${filter}, $after: String, $orderDirection: String, $limit: Int) {
  ${name}(where: $where, orderBy: "${orderBy}", orderDirection: $orderDirection, limit: $limit, after: $after) {
    items { ${fields} }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Drops undefined filter fields; lowercases addresses as the indexer stores them. */
export function where(filter: Record<string, string | number | boolean | undefined>) {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(filter))
    if (v !== undefined) out[k] = typeof v === "string" && /^0x/i.test(v) ? v.toLowerCase() : v;
  return out;
}

/** Rows per page: Ponder serves at most 1,000. */
export const pageSize = (max: number | undefined) => Math.min(max ?? 1000, 1000);
