/**
 * `npm run bench:app [-- --leases N --runs R --database pglite|postgres]`: the app's bundle size and its speed in
 * Chromium, on this machine, against a local stack on spare 127.0.0.1 ports. Writes bench/app.json, or
 * bench/app.<database>.<N>.json with --database.
 *
 *   1. builds app/ for production (with Vite's manifest) into a temporary directory, VITE_* pointing at the stack;
 *      - initialJsGzipBytes: gzip (level 9) of the JS the first page "/" loads: the entry chunk and its static
 *        imports (from the manifest), plus the market page's lazy chunk and its static imports, since "/" renders
 *        the market page at once;
 *      - totalJsGzipBytes: gzip of every .js file in the build;
 *   2. starts the stack with scripts/lib/stack.ts (the same code as `npm run dev` and the e2e tests): a seeded
 *      market, then more leases opened fast with scripts/lib/bulk-leases.ts, the indexer, and `vite preview` of the
 *      build. Up to 100,000 leases (default 10,000) are mined and indexed by the stack's Ponder on PGlite; above
 *      that (PostgreSQL only), the seeded market plus mined leases make a template of `--template` leases (default
 *      10,000) that is indexed on PostgreSQL, copied to N in the indexer's own tables and served by `ponder serve`
 *      (scripts/indexer/million.ts, the method in bench/README.md);
 *   3. in headless Chromium, each a median of R (default 5; the first tab is a cold cache, the rest warm):
 *      - marketFirstRenderMs: navigation start to the first offer row on "/" (the first link named /Rent/);
 *      - explorerFirstPageMs: from a click on the overview's "/explorer/leases" link (the app loaded, and nothing
 *        in flight for half a second) to
 *        the next animation frame with the first lease row (a lease link) in the page; explorerFirstPageLoadMs:
 *        navigation start of /explorer/leases in a fresh tab to its first lease row (the app's start-up included);
 *      - explorerFilterMs: on /explorer/leases, from dispatching a change of the "GPU model" filter to the next
 *        animation frame after the table commits the new filter's first page (its `data-filter-seq`, or
 *        `data-last-filter-ms`, changes); the page's own figure (`data-last-filter-ms`) is recorded beside it;
 *      - leasePageMs: from a click on the table's first lease to its "Timeline" heading; leasePageLoadMs:
 *        navigation start to a random lease's "Timeline" heading on /explorer/leases/<id> in a fresh tab.
 *
 * Targets: initial JS <= 250 KB gzip; market first render <= 1,500 ms; the explorer's first page and a filter
 * change <= 300 ms at 1,000,000 leases.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { launchBrowser, type E2EBrowser } from "./lib/browser.ts";
import {
  explorerFilter,
  firstRender,
  inAppNavigation,
  renders,
  type NavigationRequest,
} from "./indexer/bench-browser.ts";
import { openBulkLeases } from "./lib/bulk-leases.ts";
import { hardhatAccount } from "./lib/dev-accounts.ts";
import { LocalStack, ROOT, buildApp } from "./lib/stack.ts";
import { serveBulkIndex, type ServedIndex } from "./indexer/million.ts";
import { gitCommit, loadAverage, machineInfo } from "./indexer/bench-report.ts";
import { sparePort } from "../test/indexer/support/ponder.ts";

const { values: args } = parseArgs({
  options: {
    leases: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    database: { type: "string" },
    template: { type: "string", default: "10000" },
  },
});
const N = Number(args.leases);
const RUNS = Number(args.runs);
const TEMPLATE = Number(args.template);
const MINED_MAX = 100_000;
const bulk = N > MINED_MAX;
const fail = (message: string): never => {
  console.error(`bench:app: ${message}`);
  process.exit(2);
};
if (!Number.isInteger(N) || N < 0 || N > 10_000_000) fail("--leases must be 0..10000000");
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 50) fail("--runs must be 1..50");
if (args.database !== undefined && args.database !== "pglite" && args.database !== "postgres")
  fail(`--database must be pglite or postgres, got ${args.database}`);
if (bulk && args.database !== "postgres")
  fail(
    `above ${MINED_MAX} leases the index is bulk-inserted into PostgreSQL: add --database postgres`,
  );
if (!bulk && args.database === "postgres")
  fail(`--database postgres is for the bulk-inserted index, above ${MINED_MAX} leases`);
if (bulk && (!Number.isInteger(TEMPLATE) || TEMPLATE < 1000 || N % TEMPLATE !== 0))
  fail("--template must be at least 1000 and divide --leases");
process.env.GRIDLEASE_TEST_PORT_BASE ??= "34000";
const portBase = Number(process.env.GRIDLEASE_TEST_PORT_BASE);

const TARGETS = {
  initialJsGzipKB: 250,
  marketFirstRenderMs: 1500,
  explorerFirstPageMs: 300,
  explorerFilterMs: 300,
};
const KB = 1024;
const log = (line: string) => console.log(`• ${line}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Number(s[Math.floor((s.length - 1) / 2)]!.toFixed(1));
};
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** The JS files a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(manifest: Record<string, ManifestChunk>, key: string, into: Set<string>) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the Vite manifest`);
  if (into.has(chunk.file)) return;
  into.add(chunk.file);
  for (const imp of chunk.imports ?? []) staticClosure(manifest, imp, into);
}

function bundleSizes(distDir: string) {
  const manifest = JSON.parse(
    readFileSync(join(distDir, ".vite", "manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entryKey) throw new Error("no entry chunk in the Vite manifest");
  const marketKey = Object.keys(manifest).find((k) => /pages\/market\/MarketPage\.tsx$/.test(k));
  const files = new Set<string>();
  staticClosure(manifest, entryKey, files);
  const shellFiles = [...files];
  if (marketKey) staticClosure(manifest, marketKey, files);
  const initialFiles = [...files].filter((f) => f.endsWith(".js"));
  const allJs = readdirSync(join(distDir, "assets"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => `assets/${f}`);
  const sum = (list: string[]) => list.reduce((n, f) => n + gz(join(distDir, f)), 0);
  return {
    initialJsGzipBytes: sum(initialFiles),
    shellJsGzipBytes: sum(shellFiles.filter((f) => f.endsWith(".js"))),
    totalJsGzipBytes: sum(allJs),
    initialJsFiles: initialFiles,
    marketChunkCounted: Boolean(marketKey),
    jsFiles: allJs.length,
  };
}

const distDir = mkdtempSync(join(tmpdir(), "gridlease-bench-dist-"));
let stack: LocalStack | undefined;
let served: ServedIndex | undefined;
let browser: E2EBrowser | undefined;
const cleanup = async () => {
  await browser?.close();
  await served?.stop();
  await stack?.stop();
  rmSync(distDir, { recursive: true, force: true });
};
process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
let exitCode = 0;
try {
  const machine = machineInfo();
  const ports = {
    chain: await sparePort(portBase + 600),
    indexer: await sparePort(portBase + 700),
    app: await sparePort(portBase + 800),
  };
  const rpcUrl = `http://127.0.0.1:${ports.chain}`;
  const indexerUrl = `http://127.0.0.1:${ports.indexer}`;
  log("Building the app for production");
  await buildApp({ outDir: distDir, rpcUrl, indexerUrl, manifest: true });
  const sizes = bundleSizes(distDir);
  console.log(
    `  initial JS ${(sizes.initialJsGzipBytes / KB).toFixed(1)} KB gzip (${sizes.initialJsFiles.length} files: the entry, its static imports${sizes.marketChunkCounted ? " and the market page's chunk" : "; no market page chunk found"}), total JS ${(sizes.totalJsGzipBytes / KB).toFixed(1)} KB gzip in ${sizes.jsFiles} files`,
  );

  const started = Date.now();
  stack = new LocalStack({
    port: ports.chain,
    // The bulk-inserted index is served separately, once the chain is complete.
    indexerPort: bulk ? undefined : ports.indexer,
    app: { mode: "preview", port: ports.app, distDir },
    log,
    indexerTimeoutMs: 1_800_000,
    populate:
      N > 0
        ? async ({ connection, addresses }) => {
            // In bulk mode the mined leases top the seeded ones up to the template.
            const seeded = Number(
              await (
                await connection.viem.getPublicClient()
              ).readContract({
                address: addresses.market,
                abi: gridleaseMarketAbi,
                functionName: "leaseCount",
              }),
            );
            const more = bulk ? TEMPLATE - seeded : N;
            log(`Opening ${more.toLocaleString("en-US")} more leases`);
            const t = Date.now();
            await openBulkLeases(connection, {
              addresses,
              leases: more,
              // Accounts the seed does not use: the node impersonates them.
              provider: hardhatAccount(90).address,
              buyers: Array.from({ length: 10 }, (_, i) => hardhatAccount(91 + i).address),
              funder: hardhatAccount(0).address,
              // The seeded history ends now; these blocks continue from there, a few hours on.
              spread: 3_600n,
              log: (line) => log(`  ${line}`),
            });
            log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
          }
        : undefined,
  });
  await stack.start();
  if (bulk) {
    const head = Number(await (await stack.connection!.viem.getPublicClient()).getBlockNumber());
    served = await serveBulkIndex({
      rpcUrl,
      head,
      leases: N,
      servePort: ports.indexer,
      portBase: portBase + 500,
      log,
    });
  }
  const stackSeconds = (Date.now() - started) / 1000;
  log(`Stack ready in ${stackSeconds.toFixed(0)} s: ${stack.appUrl}`);
  const leases = bulk ? N : (stack.seeded?.leases.count ?? 0) + N;

  browser = await launchBrowser();
  const b = browser;
  const market = await renders(RUNS, () => firstRender(b, `${stack!.appUrl}/`, "a", "Rent"));
  console.log(
    `  market first render: ${market.ms.map((x) => x.toFixed(0)).join(", ")} ms${market.error ? ` (${market.error})` : ""}`,
  );
  const firstPage = await renders(RUNS, () =>
    firstRender(b, `${stack!.appUrl}/explorer/leases`, "a.lease-link", "^Lease #"),
  );
  console.log(
    `  explorer first page: ${firstPage.ms.map((x) => x.toFixed(0)).join(", ")} ms${firstPage.error ? ` (${firstPage.error})` : ""}`,
  );
  const firstPageRequests: NavigationRequest[] = [];
  const firstPageInApp = await renders(RUNS, () =>
    inAppNavigation(
      b,
      `${stack!.appUrl}/explorer`,
      'a[href="/explorer/leases"]',
      "a.lease-link",
      "^Lease #",
      firstPageRequests,
    ),
  );
  console.log(
    `  explorer first page (in-app, from the overview): ${firstPageInApp.ms.map((x) => x.toFixed(0)).join(", ")} ms${firstPageInApp.error ? ` (${firstPageInApp.error})` : ""}`,
  );
  const leasePageInApp = await renders(RUNS, () =>
    inAppNavigation(b, `${stack!.appUrl}/explorer/leases`, "a.lease-link", "h2", "^Timeline$"),
  );
  console.log(
    `  lease page (in-app, from the table): ${leasePageInApp.ms.map((x) => x.toFixed(0)).join(", ")} ms${leasePageInApp.error ? ` (${leasePageInApp.error})` : ""}`,
  );
  const leaseIds = Array.from({ length: RUNS }, () => 1 + Math.floor(Math.random() * leases));
  const leasePage = await renders(RUNS, (i) =>
    firstRender(b, `${stack!.appUrl}/explorer/leases/${leaseIds[i]}`, "h2", "^Timeline$"),
  );
  console.log(
    `  lease page: ${leasePage.ms.map((x) => x.toFixed(0)).join(", ")} ms${leasePage.error ? ` (${leasePage.error})` : ""}`,
  );
  let filter: Awaited<ReturnType<typeof explorerFilter>> | undefined;
  let filterError: string | null = null;
  try {
    filter = await explorerFilter(b, stack.appUrl, RUNS);
  } catch (err) {
    filterError = (err as Error).message.split("\n")[0]!;
  }
  console.log(
    filter
      ? `  explorer filter: ${filter.ownMs.map((x) => x.toFixed(0)).join(", ")} ms (page's own: ${filter.pageMs.join(", ")}; ${filter.counts.join(" | ")})`
      : `  explorer filter: not measured (${filterError})`,
  );

  const runs = (r: { ms: number[]; error: string | null }) => ({
    medianMs: median(r.ms),
    coldMs: r.ms.length > 0 ? Number(r.ms[0]!.toFixed(1)) : null,
    runsMs: r.ms.map((x) => Number(x.toFixed(1))),
    error: r.error,
  });
  const report = {
    initialJsGzipBytes: sizes.initialJsGzipBytes,
    initialJsCounts:
      "entry chunk + its static imports + the market page's lazy chunk (and its static imports), from .vite/manifest.json; gzip level 9; JS only",
    initialJsFiles: sizes.initialJsFiles,
    shellJsGzipBytes: sizes.shellJsGzipBytes,
    totalJsGzipBytes: sizes.totalJsGzipBytes,
    marketFirstRenderMs: median(market.ms),
    marketFirstRender: runs(market),
    explorerFirstPageMs: median(firstPageInApp.ms),
    explorerFirstPage: { ...runs(firstPageInApp), lastRunRequests: firstPageRequests },
    explorerFirstPageLoadMs: median(firstPage.ms),
    explorerFirstPageLoad: runs(firstPage),
    explorerFilterMs: filter ? median(filter.ownMs) : null,
    explorerFilter: {
      runsMs: filter?.ownMs.map((x) => Number(x.toFixed(1))) ?? [],
      pageReportedMs: filter?.pageMs ?? [],
      counts: filter?.counts ?? [],
      error: filterError,
    },
    leasePageMs: median(leasePageInApp.ms),
    leasePage: runs(leasePageInApp),
    leasePageLoadMs: median(leasePage.ms),
    leasePageLoad: { ...runs(leasePage), leaseIds },
    leases,
    database: bulk ? "postgres" : "pglite",
    index: served
      ? {
          method: `the seeded market and mined leases (${served.bulk.template} leases) indexed by ponder start on PostgreSQL ${served.postgresVersion}, copied to ${N} in PostgreSQL (scripts/indexer/bulk-insert.ts), served by ponder serve`,
          indexSeconds: Number(served.indexSeconds.toFixed(1)),
          bulkSeconds: Number(served.bulkSeconds.toFixed(1)),
          bulk: served.bulk,
        }
      : "mined and indexed by the stack's Ponder on PGlite",
    stackStartupSeconds: Number(stackSeconds.toFixed(1)),
    targets: TARGETS,
    machine: { ...machine, browser: "Chromium (system)", loadAverageAtEnd: loadAverage() },
    measuredAt: new Date().toISOString(),
    commit: gitCommit(),
  };
  const file = args.database ? `app.${args.database}.${N}.json` : "app.json";
  mkdirSync(join(ROOT, "bench"), { recursive: true });
  writeFileSync(join(ROOT, "bench", file), JSON.stringify(report, null, 2) + "\n");

  const verdict = (value: number | null, target: number, unit: string) =>
    value === null
      ? "not measured"
      : `${value.toLocaleString("en-US")} ${unit} (target <= ${target.toLocaleString("en-US")} ${unit}: ${value <= target ? "met" : `missed by ${(value - target).toFixed(1)}`})`;
  console.log(`\nResults (bench/${file}), ${leases.toLocaleString("en-US")} leases`);
  console.log(
    `  initial JS            ${verdict(Number((sizes.initialJsGzipBytes / KB).toFixed(1)), TARGETS.initialJsGzipKB, "KB gzip")}`,
  );
  console.log(`  total JS              ${(sizes.totalJsGzipBytes / KB).toFixed(1)} KB gzip`);
  console.log(
    `  market first render   ${verdict(report.marketFirstRenderMs, TARGETS.marketFirstRenderMs, "ms")}`,
  );
  console.log(
    `  explorer first page   ${verdict(report.explorerFirstPageMs, TARGETS.explorerFirstPageMs, "ms")}`,
  );
  console.log(
    `  explorer filter       ${verdict(report.explorerFilterMs, TARGETS.explorerFilterMs, "ms")}`,
  );
  console.log(
    `  explorer first page, full load from navigation start: ${report.explorerFirstPageLoadMs ?? "-"} ms`,
  );
  console.log(
    `  lease page            ${report.leasePageMs ?? "not measured"} ms in-app, ${report.leasePageLoadMs ?? "-"} ms full load`,
  );
} catch (err) {
  console.error(`\nbench:app failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
