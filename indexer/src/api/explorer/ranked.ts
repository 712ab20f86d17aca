/** A page of a ranking by one column, highest first, the id (an address) breaking ties: providers and buyers. */
import { sql } from "ponder";
import { encodeCursor, parseCursor, type Query } from "./params.ts";
import { pageOf, rows, type SQL } from "./query.ts";

/**
 * Rows of `table` by `sortColumn` descending, then id descending. `after` holds the last row's (sort value, id);
 * the row-value comparison `(sort, id) < (v, id)` is one index condition on the (sort, id) index.
 */
export async function rankedPage<R extends { id: string }>(
  q: Query,
  p: {
    table: SQL;
    id: SQL;
    columns: SQL;
    order: string;
    sortColumn: SQL;
    /** The sort column's value in a row, as a decimal string (the cursor's first part). */
    sortValue: (row: R) => string;
    limit: number;
  },
): Promise<{ items: R[]; next: string | null }> {
  const after = parseCursor(q, p.order, ["uint", "address"]);
  const keyset = after ? sql`(${p.sortColumn}, ${p.id}) < (${after[0]}, ${after[1]})` : sql`TRUE`;
  const fetched = await rows<R>(
    sql`SELECT ${p.columns} FROM ${p.table} WHERE ${keyset}
      ORDER BY ${p.sortColumn} DESC, ${p.id} DESC LIMIT ${p.limit + 1}`,
  );
  return pageOf(fetched, p.limit, (row) => encodeCursor(p.order, [p.sortValue(row), row.id]));
}
