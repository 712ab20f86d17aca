/**
 * `npm run bench:indexer -- --database pglite|postgres[,…] --leases N [--rates 50,100,200 --seconds S]`: the
 * indexer's backfill throughput and its queries' latency under an open-loop load, on this machine, against a local
 * `hardhat node` (127.0.0.1 only). Writes one bench/indexer.<database>.<N>.json per database.
 *
 *   1. mines N leases (10 to 100,000) through the chain in batches of transactions per block spread over 30 days
 *      (scripts/lib/bulk-leases.ts): every lease is opened and activated, a third are ended early by their buyer
 *      or closed when already expired, and the provider claims in batches of 200. With N above 100,000
 *      (PostgreSQL only) or with `--template K`, K leases (default 10,000; N must be a multiple) are mined and
 *      indexed, and the rest bulk-inserted into the indexer's own tables (./bulk-insert.ts), then served by
 *      `ponder serve`;
 *   2. for each database (the same chain for all): `ponder start` on a fresh PGlite directory or a fresh
 *      PostgreSQL (scripts/lib/postgres.ts), sampling Ponder's /metrics every 250 ms. Throughput at steady state:
 *      events indexed between the first sample with any event and the first sample at the final count, over the
 *      seconds between them: Ponder's start-up (build, migrations, first RPC round trips) is left out;
 *   3. on the complete index, an open-loop load (./load.ts) of the explorer's queries (./bench-queries.ts) at
 *      each rate for S seconds (default 20), with p50/p95/p99 per query.
 *
 * `--note` records what else ran on the machine (the JSON also has the load average before the run).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { openBulkLeases } from "../lib/bulk-leases.ts";
import { startPostgres, type Postgres } from "../lib/postgres.ts";
import { stopService } from "../lib/services.ts";
import { sparePort, startChain } from "../../test/indexer/support/ponder.ts";
import { benchQueries } from "./bench-queries.ts";
import { gitCommit, loadAverage, machineInfo } from "./bench-report.ts";
import {
  backfillBreakdown,
  readMetrics,
  sampleProgress,
  startBenchPonder,
  waitForHead,
  type BenchDatabase,
} from "./bench-ponder.ts";
import { bulkInsertLeases, type BulkInsertResult } from "./bulk-insert.ts";
import { openLoop, type LoadResult } from "./load.ts";
import { DAY, SCENARIO_START, deployForIndexer, scenarioContext } from "./scenario.ts";

const { values: args } = parseArgs({
  options: {
    database: { type: "string", default: "pglite" },
    leases: { type: "string", default: "5000" },
    template: { type: "string" },
    rates: { type: "string", default: "50,100,200" },
    seconds: { type: "string", default: "20" },
    note: { type: "string", default: "" },
  },
});
const N = Number(args.leases);
const TEMPLATE = Number(args.template ?? 10_000);
const SECONDS = Number(args.seconds);
const RATES = args.rates.split(",").map(Number);
const DATABASES = args.database.split(",");
const MINED_MAX = 100_000;
// Bulk-inserted above what is mined, or when a template is given (to try the method on a small N).
const bulk = N > MINED_MAX || args.template !== undefined;
const fail = (message: string): never => {
  console.error(`bench:indexer: ${message}`);
  process.exit(2);
};
if (!Number.isInteger(N) || N < 10 || N > 10_000_000)
  fail("--leases must be a whole number from 10 to 10000000");
if (DATABASES.some((d) => d !== "pglite" && d !== "postgres"))
  fail(`--database must be pglite, postgres or both (pglite,postgres), got ${args.database}`);
if (bulk && DATABASES.join() !== "postgres")
  fail(
    `above ${MINED_MAX} leases the rows are bulk-inserted into PostgreSQL: use --database postgres`,
  );
if (
  bulk &&
  (!Number.isInteger(TEMPLATE) || TEMPLATE < 10 || TEMPLATE > MINED_MAX || N % TEMPLATE !== 0)
)
  fail(`--template must be 10..${MINED_MAX} and divide --leases`);
if (RATES.some((r) => !(r > 0 && r <= 2000)))
  fail("--rates must be numbers of requests per second, 1..2000");
if (!(SECONDS >= 1 && SECONDS <= 600)) fail("--seconds must be 1..600");
// Spare ports from 34000 up unless told otherwise (people sharing the machine keep to their own ranges).
process.env.GRIDLEASE_TEST_PORT_BASE ??= "34000";
const portBase = Number(process.env.GRIDLEASE_TEST_PORT_BASE);

const log = (line: string) => console.log(`• ${line}`);
const secondsSince = (t: number) => Number(((performance.now() - t) / 1000).toFixed(1));
const machine = machineInfo();

/** Indexes the chain with `ponder start` and measures the backfill. */
async function backfill(rpcUrl: string, database: BenchDatabase, head: number) {
  const spawnAt = performance.now();
  const ponder = await startBenchPonder({
    command: "start",
    rpcUrl,
    database,
    port: await sparePort(portBase + 100),
  });
  const healthySeconds = secondsSince(spawnAt);
  const progress = sampleProgress(ponder.url);
  try {
    await waitForHead(ponder, head, 3_600_000);
  } catch (err) {
    await progress.stop();
    await ponder.stop();
    throw err;
  }
  const indexSeconds = secondsSince(spawnAt);
  const window = await progress.stop();
  // Ponder's historical loop's metrics as they stood at its end (it resets them for live indexing).
  const breakdown = backfillBreakdown(
    window?.historical.length ? window.historical : await readMetrics(ponder.url),
  );
  const eventsPerSecond = window ? Math.round(window.eventsInWindow / window.seconds) : null;
  log(
    `${database.kind}: healthy after ${healthySeconds} s, head indexed after ${indexSeconds} s; ${window?.events} events, ${eventsPerSecond} events/s at steady state (${window?.seconds.toFixed(1)} s)`,
  );
  return {
    ponder,
    result: {
      events: window?.events ?? null,
      eventsPerSecond,
      steadyStateSeconds: window ? Number(window.seconds.toFixed(2)) : null,
      eventsInSteadyState: window?.eventsInWindow ?? null,
      startupSeconds: window ? Number(((window.firstAt - spawnAt) / 1000).toFixed(2)) : null,
      healthySeconds,
      indexSeconds,
      breakdown,
    },
  };
}

/** The open-loop load at every rate. */
async function queryLoad(url: string, leaseCount: number) {
  const { queries, api } = await benchQueries(url, leaseCount);
  log(
    `load: ${queries.length} queries (${api}), ${RATES.join("/")} requests/s for ${SECONDS} s each`,
  );
  // A warm-up at the lowest rate, not recorded: a just-started server compiles and caches on its first requests.
  await openLoop(queries, {
    rate: Math.min(...RATES),
    requests: Math.max(queries.length, Math.round(Math.min(...RATES) * 3)),
  });
  const results: LoadResult[] = [];
  for (const rate of RATES) {
    const r = await openLoop(queries, { rate, requests: Math.round(rate * SECONDS) });
    log(
      `  ${rate}/s: all p50 ${r.all.p50} p95 ${r.all.p95} p99 ${r.all.p99} ms, ${r.all.errors} errors (achieved ${r.achievedRate}/s)`,
    );
    for (const [name, p] of Object.entries(r.queries))
      console.log(
        `      ${name.padEnd(32)} p50 ${p.p50}  p95 ${p.p95}  p99 ${p.p99}  errors ${p.errors}`,
      );
    results.push(r);
  }
  return { api, queries: queries.map((q) => q.name), rates: results };
}

const chain = await startChain(await sparePort(portBase));
const cleanups: (() => Promise<void>)[] = [];
let exitCode = 0;
try {
  const connection = await network.create({ network: "localhost", override: { url: chain.url } });
  const ctx = await scenarioContext(connection, SCENARIO_START);
  const { market, usd, grid } = await deployForIndexer(ctx);
  const { wallets } = ctx;
  const mined = bulk ? TEMPLATE : N;
  const minedAt = performance.now();
  const { head } = await openBulkLeases(connection, {
    addresses: { market: market.address, usd: usd.address, grid: grid.address },
    leases: mined,
    provider: wallets[2]!.account.address,
    buyers: wallets.slice(3, 13).map((w) => w.account.address),
    funder: wallets[0]!.account.address,
    startTime: ctx.now() + 12n,
    spread: bulk ? DAY / 2n : 30n * DAY,
    log,
  });
  const miningSeconds = secondsSince(minedAt);
  log(
    `mined ${mined.toLocaleString("en-US")} leases in ${Number(head)} blocks in ${miningSeconds} s`,
  );

  for (const db of DATABASES) {
    const runAt = performance.now();
    let pg: Postgres | undefined;
    let database: BenchDatabase = { kind: "pglite" };
    let postgresVersion: string | null = null;
    if (db === "postgres") {
      pg = await startPostgres({ port: await sparePort(portBase + 300) });
      cleanups.push(pg.stop);
      database = { kind: "postgres", url: pg.url };
      postgresVersion = (await pg.query("SHOW server_version")).trim();
    }
    const { ponder, result: index } = await backfill(chain.url, database, Number(head));
    let served = ponder;
    let bulkResult: BulkInsertResult | null = null;
    let bulkSeconds: number | null = null;
    if (bulk && pg) {
      await ponder.stop();
      const t = performance.now();
      bulkResult = await bulkInsertLeases(pg, N, { log });
      bulkSeconds = secondsSince(t);
      log(
        `bulk insert: ${bulkResult.leases} leases, ${bulkResult.leaseEvents} events in ${bulkSeconds} s`,
      );
      served = await startBenchPonder({
        command: "serve",
        rpcUrl: chain.url,
        database,
        port: await sparePort(portBase + 200),
      });
    }
    cleanups.push(served.stop);
    const load = await queryLoad(served.url, N);
    await served.stop();
    const report = {
      database: db,
      postgresVersion,
      leases: N,
      method: bulk
        ? `${TEMPLATE} leases mined and indexed by ponder start, copied to ${N} in PostgreSQL (scripts/indexer/bulk-insert.ts), served by ponder serve`
        : "mined through the chain, indexed by ponder start",
      blocks: Number(head),
      miningSeconds,
      backfill: index,
      bulkInsert: bulkResult && { ...bulkResult, totalSeconds: bulkSeconds },
      load,
      runSeconds: secondsSince(runAt),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      note: args.note,
      commit: gitCommit(),
      measuredAt: new Date().toISOString(),
    };
    const file = join(process.cwd(), "bench", `indexer.${db}.${N}.json`);
    mkdirSync(join(process.cwd(), "bench"), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    log(`wrote ${file}`);
    await pg?.stop();
  }
} catch (err) {
  console.error(
    `bench:indexer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await stopService(chain.service).catch(() => undefined);
}
process.exit(exitCode);
