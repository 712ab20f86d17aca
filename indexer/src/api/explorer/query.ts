/** Running the explorer's SQL on Ponder's read-only connection, the same way on PGlite and on PostgreSQL. */
import { db } from "ponder:api";
import { sql } from "ponder";

/** A fragment of SQL with its parameters bound (drizzle's `sql` template). */
export type SQL = ReturnType<typeof sql>;

/** The rows of a query; numeric columns must be selected `::text` (the two drivers parse numeric differently). */
export async function rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return result.rows as T[];
}

/** The conditions joined with AND (TRUE when there are none). */
export const allOf = (conds: SQL[]): SQL =>
  conds.length ? sql.join(conds, sql` AND `) : sql`TRUE`;

/** A page of rows: `limit` of the `limit + 1` fetched, and the cursor after the last when there were more. */
export function pageOf<R>(
  fetched: readonly R[],
  limit: number,
  cursorOf: (row: R) => string,
): { items: R[]; next: string | null } {
  const items = fetched.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: fetched.length > limit && last !== undefined ? cursorOf(last) : null };
}
