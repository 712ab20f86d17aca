/**
 * Workaround for Ponder 0.16.10's indexing cache on PGlite. Once the cache is not complete (after a restart on an
 * existing database, a reorg, or an eviction), Ponder prefetches the rows it predicts the next events will touch.
 * Its profiler learns that `lease.id = "5"` "is" `event.args.leaseId` (it compares with toString()), then queries
 * `WHERE id = $1` with the raw bigint 5n, which PGlite's text serializer rejects ("Invalid input for string type"),
 * so live indexing retries and exits with code 75. Converting a bigint bound to a text primary key to its decimal
 * string, as drizzle does for every parameter through `mapToDriverValue`, makes that prediction the id it stands for.
 */
export function bindTextIds(tables: { id: { mapToDriverValue: (value: unknown) => unknown } }[]) {
  for (const table of tables) {
    const id = table.id;
    const toDriver = id.mapToDriverValue.bind(id);
    id.mapToDriverValue = (value) => toDriver(typeof value === "bigint" ? value.toString() : value);
  }
}
