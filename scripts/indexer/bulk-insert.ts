/**
 * A million-lease index without mining a million leases: the indexer's own tables, filled by PostgreSQL itself.
 *
 *   1. Ponder indexes a real chain of K leases (`ponder start` on PostgreSQL), which creates its tables, indexes
 *      and every aggregate from real events; then it is stopped.
 *   2. The K leases are the template. PostgreSQL copies them m - 1 times (N = m x K) with `INSERT ... SELECT` over
 *      `generate_series`, cycle c of them shifted so that the copy is a later, distinct piece of history:
 *        - lease ids + c*K (ids still grow with opening time), lease events' ids from new transaction hashes
 *          (md5 of the original and c), every timestamp + c*D whole days (D: the template's span in UTC days),
 *          every block number + c*(the template's last block + 1);
 *        - each buyer becomes a new address per cycle (md5 of the address and c): its account, spending and
 *          credit rows are copied with it, so N/K more accounts, each consistent with its own leases;
 *        - the day statistics are copied with their day moved by c*D (the template's days never overlap a copy's);
 *        - the all-time aggregates (market, payment token, provider, offer, model, region and the lease
 *          counts by model/region/status) have their additive columns multiplied by m, since every lease counted in them now exists m
 *          times; ratios and prices stay as they were, offers and providers are not copied.
 *      The copy runs with `session_replication_role = replica`, so Ponder's live-indexing triggers do not fire,
 *      and the big tables' secondary indexes are dropped first and rebuilt after (PostgreSQL builds a sorted index
 *      in one pass, far faster than N inserts into it), then ANALYZE.
 *   3. `ponder serve` serves the schema: the same API, without indexing.
 */
import type { Postgres } from "../lib/postgres.ts";

const SCHEMA = "gridlease";

interface Column {
  name: string;
  type: string;
}

/** Columns added up over leases in the all-time aggregates: multiplied by the copy factor. */
const ADDITIVE = new Set([
  "lease_count",
  "leases_served",
  "gpu_seconds_served",
  "no_shows",
  "provider_terminations",
  "penalties_paid",
  "gpu_seconds_down",
  "outage_reports",
  "open_outages",
  "outages_unresolved",
  "volume",
  "refunded",
  "paid_to_providers",
  "fees_accrued",
  "earnings_accrued",
  "earnings_claimed",
  "fees_paid",
  "leases_opened",
  "leases_ended",
  "gpu_seconds_leased",
  "gpu_seconds_released",
  "active_leases",
  "gpu_seconds_delivered",
  "pending_leases",
  "fee_weighted_price_sum",
  "fees_paid_usd_micros",
  "completed_weight",
  "fault_weight",
  "no_show_weight",
  "delivered_weight",
  "uptime_weight",
]);
/** Tables holding all-time aggregates: their additive columns are multiplied, their rows not copied. */
const AGGREGATES = [
  "market",
  "payment_token",
  "provider",
  "provider_earning",
  "offer",
  "gpu_model_stat",
  "region_stat",
  "lease_count",
];
const isTime = (c: string) =>
  /(_at|_time|_deadline|_since)$/.test(c) || c === "timestamp" || c === "date";
const isBlock = (c: string) => /_block$/.test(c) || c === "block_number";

export interface BulkInsertResult {
  /** Totals the copy must keep consistent with the lease rows, each as found and as expected. */
  checks: Record<string, { expected: number; found: number }>;
  template: number;
  copies: number;
  leases: number;
  leaseEvents: number;
  accounts: number;
  spanDays: number;
  seconds: Record<string, number>;
}

/** Copies the K indexed leases of `pg`'s `gridlease` schema until it holds `leases` (a multiple of K); see above. */
export async function bulkInsertLeases(
  pg: Postgres,
  leases: number,
  opts: { log?: (line: string) => void } = {},
): Promise<BulkInsertResult> {
  const log = opts.log ?? (() => {});
  const one = async (sql: string) => (await pg.query(sql)).trim();
  const num = async (sql: string) => Number(await one(sql));
  const K = await num(`SELECT count(*) FROM ${SCHEMA}.lease`);
  const maxId = await num(`SELECT coalesce(max(lease_id), 0) FROM ${SCHEMA}.lease`);
  if (K === 0 || maxId !== K)
    throw new Error(
      `the template must hold leases 1..K with no gap (it has ${K}, the largest id is ${maxId})`,
    );
  if (leases % K !== 0 || leases < 2 * K)
    throw new Error(
      `--leases must be a multiple of the template's ${K} leases, at least twice it (got ${leases})`,
    );
  const m = leases / K;
  const [minT, maxT] = (
    await one(`SELECT min(timestamp), max(timestamp) FROM ${SCHEMA}.lease_event`)
  )
    .split("|")
    .map(Number);
  const spanDays = Math.floor(maxT! / 86_400) - Math.floor(minT! / 86_400) + 1;
  const S = spanDays * 86_400;
  const BS = (await num(`SELECT max(block_number) FROM ${SCHEMA}.lease_event`)) + 1;
  log(
    `template: ${K} leases over ${spanDays} UTC day(s); ${m - 1} copies to ${leases.toLocaleString("en-US")}`,
  );

  const columns = async (table: string): Promise<Column[]> =>
    (
      await pg.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = '${table}' ORDER BY ordinal_position`,
      )
    )
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name, type] = line.split("|");
        return { name: name!, type: type! };
      });
  const tables = new Set(
    (
      await pg.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${SCHEMA}'`,
      )
    )
      .trim()
      .split("\n"),
  );

  // Expressions of cycle `c` (a column of generate_series), by column.
  const addr = (x: string) =>
    `('0x' || substr(md5(${x} || ':' || c), 1, 32) || substr(${x}, 35, 8))`;
  const tx = (x: string) => `('0x' || md5(${x} || ':' || c) || md5(c || ':' || ${x}))`;
  const shifted = (col: string) =>
    isTime(col) ? `"${col}" + c * ${S}` : isBlock(col) ? `"${col}" + c * ${BS}` : `"${col}"`;
  const seconds: Record<string, number> = {};

  /** INSERT ... SELECT of `table`'s rows for every cycle, with `rule` overriding a column's expression. */
  const copy = async (table: string, rule: (col: string) => string | undefined) => {
    const cols = await columns(table);
    const list = cols.map((c) => `"${c.name}"`).join(", ");
    const exprs = cols.map((c) => rule(c.name) ?? shifted(c.name)).join(", ");
    const t = Date.now();
    await pg.query(
      `SET session_replication_role = replica; INSERT INTO ${SCHEMA}.${table} (${list}) SELECT ${exprs} FROM ${SCHEMA}.${table} t CROSS JOIN generate_series(1, ${m - 1}) AS c`,
    );
    seconds[table] = (Date.now() - t) / 1000;
    log(`  ${table}: ${seconds[table].toFixed(1)} s`);
  };
  /** Drops a table's secondary indexes and returns the statements that rebuild them. */
  const dropIndexes = async (table: string) => {
    const defs = (
      await pg.query(
        `SELECT indexname || '|' || indexdef FROM pg_indexes WHERE schemaname = '${SCHEMA}' AND tablename = '${table}' AND indexname NOT LIKE '%_pkey'`,
      )
    )
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => ({
        name: line.slice(0, line.indexOf("|")),
        def: line.slice(line.indexOf("|") + 1),
      }));
    for (const d of defs) await pg.query(`DROP INDEX ${SCHEMA}."${d.name}"`);
    return defs.map((d) => d.def);
  };

  const leaseIndexes = await dropIndexes("lease");
  const eventIndexes = await dropIndexes("lease_event");
  await copy("lease", (col) =>
    col === "id"
      ? `(lease_id + c * ${K})::text`
      : col === "lease_id"
        ? `lease_id + c * ${K}`
        : col === "buyer"
          ? addr("buyer")
          : undefined,
  );
  await copy("lease_event", (col) =>
    col === "id"
      ? `${tx("tx_hash")} || '-' || log_index`
      : col === "lease"
        ? `(lease::numeric + c * ${K})::text`
        : col === "tx_hash"
          ? tx("tx_hash")
          : undefined,
  );
  await copy("account", (col) => (col === "id" ? addr("id") : undefined));
  for (const table of ["account_spending", "credit"].filter((x) => tables.has(x)))
    await copy(table, (col) =>
      col === "id"
        ? `replace(id, account, ${addr("account")})`
        : col === "account"
          ? addr("account")
          : undefined,
    );
  for (const table of ["gpu_model_day_stat", "region_day_stat"])
    await copy(table, (col) =>
      col === "id"
        ? `regexp_replace(id, ':' || day || '$', ':' || (day + c * ${spanDays}))`
        : col === "day"
          ? `day + c * ${spanDays}`
          : undefined,
    );

  for (const table of AGGREGATES.filter((x) => tables.has(x))) {
    const sets = (await columns(table))
      .filter((c) => ADDITIVE.has(c.name))
      .map((c) => `"${c.name}" = "${c.name}" * ${m}`);
    if (sets.length)
      await pg.query(
        `SET session_replication_role = replica; UPDATE ${SCHEMA}.${table} SET ${sets.join(", ")}`,
      );
  }

  let t = Date.now();
  // More sort memory than the default 64 MB: each index is one sort of up to a few million keys.
  for (const def of [...leaseIndexes, ...eventIndexes])
    await pg.query(`SET maintenance_work_mem = '512MB'; ${def}`);
  seconds.indexes = (Date.now() - t) / 1000;
  log(`  indexes rebuilt: ${seconds.indexes.toFixed(1)} s`);
  t = Date.now();
  await pg.query(`VACUUM ANALYZE`);
  seconds.analyze = (Date.now() - t) / 1000;
  const checks = await consistencyChecks(one, leases);
  const failed = Object.entries(checks).filter(([, c]) => c.expected !== c.found);
  if (failed.length)
    throw new Error(
      `the bulk-inserted index is inconsistent: ${failed.map(([k, c]) => `${k} ${c.found}, expected ${c.expected}`).join("; ")}`,
    );
  return {
    checks,
    template: K,
    copies: m - 1,
    leases: await num(`SELECT count(*) FROM ${SCHEMA}.lease`),
    leaseEvents: await num(`SELECT count(*) FROM ${SCHEMA}.lease_event`),
    accounts: await num(`SELECT count(*) FROM ${SCHEMA}.account`),
    spanDays,
    seconds,
  };
}

/** The explorer's totals against the lease rows: what the aggregates say must be what the rows hold. */
async function consistencyChecks(one: (sql: string) => Promise<string>, leases: number) {
  const n = async (sql: string) => Number(await one(sql));
  const checks: Record<string, { expected: number; found: number }> = {
    "lease rows": { expected: leases, found: await n(`SELECT count(*) FROM ${SCHEMA}.lease`) },
    "market.lease_count": {
      expected: leases,
      found: await n(`SELECT sum(lease_count) FROM ${SCHEMA}.market`),
    },
    "sum of lease_count rows": {
      expected: leases,
      found: await n(`SELECT sum(lease_count) FROM ${SCHEMA}.lease_count`),
    },
    "sum of account.lease_count": {
      expected: leases,
      found: await n(`SELECT sum(lease_count) FROM ${SCHEMA}.account`),
    },
    "leases with events": {
      expected: leases,
      found: await n(`SELECT count(DISTINCT lease) FROM ${SCHEMA}.lease_event`),
    },
  };
  // Per status, and per buyer: the count rows against the rows counted.
  const mismatched = async (sql: string) => n(`SELECT count(*) FROM (${sql}) x`);
  checks["statuses whose count differs from the rows"] = {
    expected: 0,
    found: await mismatched(
      `SELECT status FROM ${SCHEMA}.lease GROUP BY status HAVING count(*) <> (SELECT sum(lease_count) FROM ${SCHEMA}.lease_count c WHERE c.status = ${SCHEMA}.lease.status)`,
    ),
  };
  checks["accounts whose lease_count differs from their rows"] = {
    expected: 0,
    found: await mismatched(
      `SELECT a.id FROM ${SCHEMA}.account a LEFT JOIN (SELECT buyer, count(*) AS n FROM ${SCHEMA}.lease GROUP BY buyer) l ON l.buyer = a.id WHERE coalesce(l.n, 0) <> a.lease_count`,
    ),
  };
  return checks;
}
