/**
 * `npm run bench:indexer [-- --leases N --concurrency C --requests R]`: Ponder backfill throughput and the
 * latency of the explorer's main queries, on this machine, against a local `hardhat node` (127.0.0.1 only).
 *
 *   1. seeds N leases (default 5,000) in batches of mined blocks spread over 30 days (scripts/lib/bulk-leases.ts,
 *      shared with `npm run bench:app`): every lease is opened and activated, a third are ended early by their
 *      buyer or closed when already expired, and the provider claims in batches of 200;
 *   2. starts Ponder on a fresh PGlite directory and times the backfill (from /health to /ready: every block but
 *      the last 30, Ponder's finality window on chain 31337) and the whole index (until Ponder has indexed the
 *      chain's head, the last 30 blocks through live indexing);
 *   3. on the complete index, runs each explorer query R times (default 200) with C concurrent clients (default 4)
 *      and records p50/p95/p99;
 *   4. writes bench/indexer.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { BULK_MODELS as MODELS, openBulkLeases } from "../lib/bulk-leases.ts";
import { DAY, SCENARIO_START, deployForIndexer, scenarioContext } from "./scenario.ts";
import {
  graphql,
  startChain,
  startPonder,
  waitForIndexed,
  waitForReady,
} from "../../test/indexer/support/ponder.ts";

const { values: args } = parseArgs({
  options: {
    leases: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "4" },
    requests: { type: "string", default: "200" },
  },
});
const N = Number(args.leases);
const CONCURRENCY = Number(args.concurrency);
const REQUESTS = Number(args.requests);
if (!Number.isInteger(N) || N < 10 || N > 100_000) throw new Error("--leases must be 10..100000");

const chain = await startChain();
let ponderStop: (() => Promise<void>) | undefined;
try {
  const connection = await network.create({ network: "localhost", override: { url: chain.url } });
  const ctx = await scenarioContext(connection, SCENARIO_START);
  const { market, usd, grid } = await deployForIndexer(ctx);
  const { wallets, publicClient } = ctx;
  const started = Date.now();
  const { endTime: clock, head } = await openBulkLeases(connection, {
    addresses: { market: market.address, usd: usd.address, grid: grid.address },
    leases: N,
    provider: wallets[2]!.account.address,
    buyers: wallets.slice(3, 13).map((w) => w.account.address),
    funder: wallets[0]!.account.address,
    startTime: ctx.now() + 12n,
    spread: 30n * DAY,
  });
  const logs = await publicClient.getLogs({
    address: market.address,
    fromBlock: 0n,
    toBlock: head,
  });
  console.log(
    `seeded ${N} leases: ${logs.length} market events in ${head} blocks (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );

  // Backfill.
  const spawnAt = Date.now();
  const ponder = await startPonder({ rpcUrl: chain.url });
  ponderStop = ponder.destroy;
  const healthyAt = Date.now();
  // /ready: the backfill (everything but the last 30 blocks, Ponder's finality window on chain 31337) is done.
  await waitForReady(ponder, 1_800_000);
  const readyAt = Date.now();
  // The last 30 blocks are indexed live, block by block; the queries run once the head is indexed.
  await waitForIndexed(ponder, Number(head), 1_800_000);
  const indexedAt = Date.now();
  const backfillSeconds = (readyAt - healthyAt) / 1000;
  const indexSeconds = (indexedAt - healthyAt) / 1000;
  console.log(
    `Ponder: healthy after ${((healthyAt - spawnAt) / 1000).toFixed(1)} s, ready (backfill done) after ${backfillSeconds.toFixed(1)} s more, head indexed after ${indexSeconds.toFixed(1)} s`,
  );

  // Queries.
  const day = Number((clock - DAY * 30n) / DAY);
  const providerId = wallets[2]!.account.address.toLowerCase();
  const queries: Record<string, () => string> = {
    leaseListByModel: () =>
      `{ leases(where: { gpuModel: "${MODELS[Math.floor(Math.random() * MODELS.length)]}" }, orderBy: "openedAt", orderDirection: "desc", limit: 50) { items { id openedAt status units pricePerGpuHour duration buyer { id } provider { id } } pageInfo { hasNextPage endCursor } } }`,
    leaseWithEvents: () =>
      `{ lease(id: "${1 + Math.floor(Math.random() * N)}") { id status endReason gpuModel region units gpus pricePerGpuHour deposit accrued refunded penalty paidToProvider fee startTime endTime buyer { id leaseCount } provider { id bond } offer { id specURI } events(orderBy: "logIndex") { items { type timestamp txHash amount fee refund penalty endReason } } } }`,
    providerPage: () =>
      `{ provider(id: "${providerId}") { id metadataURI bond leaseCount leasesServed gpuSecondsServed noShows providerTerminations penaltiesPaid earnings { items { paymentToken { id } earningsAccrued earningsClaimed feesPaid } } offers { items { id gpuModel region pricePerGpuHour totalUnits unitsInUse leaseCount } } leases(orderBy: "openedAt", orderDirection: "desc", limit: 20) { items { id status openedAt gpus pricePerGpuHour } } } }`,
    priceIndex30d: () =>
      `{ gpuModelDayStats(where: { gpuModel: "${MODELS[Math.floor(Math.random() * MODELS.length)]}", day_gte: ${day} }, orderBy: "day", orderDirection: "asc", limit: 31) { items { day date paymentToken { id } avgPricePerGpuHour volume gpuSecondsLeased gpuSecondsReleased leasesOpened activeLeases } } }`,
  };
  const results: Record<string, { p50: number; p95: number; p99: number }> = {};
  for (const [name, make] of Object.entries(queries)) {
    const check = await graphql(ponder.url, make());
    if (check.errors) throw new Error(`${name}: ${JSON.stringify(check.errors)}`);
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next++;
          const t = performance.now();
          const res = await graphql(ponder.url, make());
          latencies.push(performance.now() - t);
          if (res.errors) throw new Error(`${name}: ${JSON.stringify(res.errors)}`);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const pct = (q: number) =>
      Number(
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1),
      );
    results[name] = { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) };
    console.log(
      `${name.padEnd(18)} p50 ${results[name].p50} ms  p95 ${results[name].p95} ms  p99 ${results[name].p99} ms`,
    );
  }

  const report = {
    leases: N,
    events: logs.length,
    blocks: Number(head),
    backfillSeconds: Number(backfillSeconds.toFixed(2)),
    indexSeconds: Number(indexSeconds.toFixed(2)),
    eventsPerSecond: Math.round(logs.length / indexSeconds),
    startupSeconds: Number(((healthyAt - spawnAt) / 1000).toFixed(2)),
    database: "pglite",
    concurrency: CONCURRENCY,
    requestsPerQuery: REQUESTS,
    queries: results,
    machine: `${(await import("node:os")).cpus().length} cores, Node ${process.version}`,
  };
  mkdirSync(join(process.cwd(), "bench"), { recursive: true });
  writeFileSync(
    join(process.cwd(), "bench", "indexer.json"),
    JSON.stringify(report, null, 2) + "\n",
  );
  console.log(`events/s ${report.eventsPerSecond}; wrote bench/indexer.json`);
} finally {
  await ponderStop?.();
  await chain.stop();
}
process.exit(0);
