/**
 * `npm run bench:app [-- --leases N --runs R]`: the app's bundle size and its speed in Chromium, on this machine,
 * against a local stack on spare 127.0.0.1 ports. Writes bench/app.json.
 *
 *   1. builds app/ for production (with Vite's manifest) into a temporary directory, VITE_* pointing at the stack;
 *      - initialJsGzipBytes: gzip (level 9) of the JS the first page "/" loads: the entry chunk and its static
 *        imports (from the manifest), plus the market page's lazy chunk and its static imports, since "/" renders
 *        the market page at once;
 *      - totalJsGzipBytes: gzip of every .js file in the build;
 *   2. starts the stack with scripts/lib/stack.ts (the same code as `npm run dev` and the e2e tests): a seeded
 *      market, then N more leases (default 10,000) opened fast with scripts/lib/bulk-leases.ts, the indexer,
 *      and `vite preview` of the build;
 *   3. in headless Chromium:
 *      - marketFirstRenderMs: navigation start to the first offer row on "/" (the first link named /Rent/, seen by
 *        a MutationObserver installed before the app loads, at performance.now()); median of R fresh tabs
 *        (default 5; the first is a cold cache, the rest warm);
 *      - explorerFilter10kMs: on /explorer/leases with every lease loaded, the time from dispatching a change of
 *        the "GPU model" filter to the next animation frame after the row count text changes; median of R
 *        changes. The page's own figure (`data-last-filter-ms` on the table container) is recorded beside it.
 *
 * Targets: initial JS <= 250 KB gzip; market first render <= 1,500 ms; a filter on 10k leases <= 100 ms.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { launchBrowser, type E2EBrowser } from "./lib/browser.ts";
import { openBulkLeases } from "./lib/bulk-leases.ts";
import { hardhatAccount } from "./lib/dev-accounts.ts";
import { sparePort } from "./lib/services.ts";
import { LocalStack, ROOT, buildApp } from "./lib/stack.ts";

const { values: args } = parseArgs({
  options: {
    leases: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
  },
});
const N = Number(args.leases);
const RUNS = Number(args.runs);
if (!Number.isInteger(N) || N < 0 || N > 100_000) throw new Error("--leases must be 0..100000");
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 50) throw new Error("--runs must be 1..50");

const TARGETS = { initialJsGzipKB: 250, marketFirstRenderMs: 1500, explorerFilter10kMs: 100 };
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

/** Loads "/" in a fresh tab and returns the page's time from navigation start to the first /Rent/ link. */
async function marketFirstRender(browser: E2EBrowser, appUrl: string): Promise<number> {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(() => {
      const g = globalThis as unknown as {
        __firstOfferAt?: number;
        document: {
          querySelectorAll: (s: string) => ArrayLike<{
            textContent: string | null;
            getAttribute: (n: string) => string | null;
          }>;
          documentElement: unknown;
        };
        MutationObserver: new (cb: () => void) => {
          observe: (n: unknown, o: unknown) => void;
          disconnect: () => void;
        };
      };
      const found = () =>
        Array.from(g.document.querySelectorAll("a")).some((a) =>
          /Rent/.test(a.getAttribute("aria-label") ?? a.textContent ?? ""),
        );
      const observer = new g.MutationObserver(() => {
        if (g.__firstOfferAt === undefined && found()) {
          g.__firstOfferAt = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(g.document.documentElement ?? g.document, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    await page.goto(`${appUrl}/`, { waitUntil: "commit" });
    await page.getByRole("link", { name: /Rent/ }).first().waitFor({ timeout: 60_000 });
    const t = await page.evaluate(
      () =>
        (globalThis as unknown as { __firstOfferAt?: number }).__firstOfferAt ?? performance.now(),
    );
    return t;
  } finally {
    await page.close();
  }
}

/** The first number in `text` ("10,184 leases" -> 10184), or null. */
const firstNumber = (text: string) => {
  const m = /(\d[\d,]*)/.exec(text);
  return m ? Number(m[1]!.replace(/,/g, "")) : null;
};

/**
 * Changes the "GPU model" filter on /explorer/leases `runs` times (cycling through its options) and times each:
 * from dispatching the change to the next animation frame after the row count text changes.
 */
async function explorerFilter(
  browser: E2EBrowser,
  appUrl: string,
  minRows: number,
  runs: number,
): Promise<{ ownMs: number[]; pageMs: (number | null)[]; rowCounts: (number | null)[] }> {
  const page: Page = await browser.context.newPage();
  try {
    await page.goto(`${appUrl}/explorer/leases`, { waitUntil: "load" });
    const select = page.getByLabel("GPU model");
    await select.waitFor({ timeout: 60_000 });
    // The row count text ("2,533 of 10,184 leases"): the page's lease count (data-testid="lease-count"), else a
    // live region, else the first text like "10,184 leases".
    const rowCountText = () =>
      page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: {
              querySelector: (s: string) => { textContent: string | null } | null;
              body: { innerText: string };
            };
          }
        ).document;
        const marked =
          d.querySelector("[data-testid=lease-count]") ??
          d.querySelector(".lease-count") ??
          d.querySelector("[role=status]");
        if (marked?.textContent && /\d/.test(marked.textContent)) return marked.textContent;
        const m = /\b\d[\d,]*\s+(?:of\s+\d[\d,]*\s+)?(?:leases|rows|results)\b/i.exec(
          d.body.innerText,
        );
        return m ? m[0] : "";
      });
    // Every lease loaded before the first filter: the total ("of N leases") reaches minRows, and no longer loading.
    const loadedTotal = (text: string) => {
      if (/loading/i.test(text)) return 0;
      const m = /of\s+(\d[\d,]*)/.exec(text);
      return m ? Number(m[1]!.replace(/,/g, "")) : (firstNumber(text) ?? 0);
    };
    const deadline = Date.now() + 180_000;
    while (loadedTotal(await rowCountText()) < minRows) {
      if (Date.now() > deadline)
        throw new Error(
          `the lease table never showed ${minRows} rows (row count text: "${await rowCountText()}")`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    const options = await select.evaluate((el) =>
      Array.from((el as unknown as { options: ArrayLike<{ value: string }> }).options).map(
        (o) => o.value,
      ),
    );
    const models = options.filter((v) => v !== "");
    if (models.length === 0) throw new Error("the GPU model filter has no options");
    const ownMs: number[] = [];
    const pageMs: (number | null)[] = [];
    const rowCounts: (number | null)[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate between a model and "all" (or between two models), so the row count changes each time.
      const current = await select.inputValue();
      const target = i % 2 === 0 || !options.includes("") ? models[i % models.length]! : "";
      const value = target === current ? models[(i + 1) % models.length]! : target;
      const before = await rowCountText();
      const ms = await select.evaluate(
        (el, { value, before }) =>
          new Promise<number>((resolve, reject) => {
            const g = globalThis as unknown as {
              document: {
                querySelector: (s: string) => { textContent: string | null } | null;
                body: { innerText: string };
              };
              MutationObserver: new (cb: () => void) => {
                observe: (n: unknown, o: unknown) => void;
                disconnect: () => void;
              };
              requestAnimationFrame: (cb: () => void) => void;
              Event: new (type: string, init: unknown) => unknown;
            };
            const text = () => {
              const marked =
                g.document.querySelector("[data-testid=lease-count]") ??
                g.document.querySelector(".lease-count") ??
                g.document.querySelector("[role=status]");
              if (marked?.textContent && /\d/.test(marked.textContent)) return marked.textContent;
              const m = /\b\d[\d,]*\s+(?:of\s+\d[\d,]*\s+)?(?:leases|rows|results)\b/i.exec(
                g.document.body.innerText,
              );
              return m ? m[0] : "";
            };
            const select = el as unknown as {
              value: string;
              dispatchEvent: (e: unknown) => boolean;
            };
            const timer = setTimeout(() => {
              observer.disconnect();
              reject(new Error(`the row count did not change within 30 s (still "${text()}")`));
            }, 30_000);
            let done = false;
            const observer = new g.MutationObserver(() => {
              // The filtered count (the first number) changed; a "refreshing…" note alone does not count.
              const count = (t: string) => /(\d[\d,]*)/.exec(t)?.[1] ?? t;
              if (done || count(text()) === count(before)) return;
              done = true;
              observer.disconnect();
              g.requestAnimationFrame(() => {
                clearTimeout(timer);
                resolve(performance.now() - t0);
              });
            });
            observer.observe(g.document.body, {
              childList: true,
              subtree: true,
              characterData: true,
              attributes: true,
            });
            const t0 = performance.now();
            select.value = value;
            select.dispatchEvent(new g.Event("input", { bubbles: true }));
            select.dispatchEvent(new g.Event("change", { bubbles: true }));
          }),
        { value, before },
      );
      ownMs.push(ms);
      const own = await page
        .locator("[data-last-filter-ms]")
        .first()
        .getAttribute("data-last-filter-ms", { timeout: 5_000 })
        .catch(() => null);
      pageMs.push(own === null || own === "" || Number.isNaN(Number(own)) ? null : Number(own));
      const rows = await page
        .locator("[data-row-count]")
        .first()
        .getAttribute("data-row-count", { timeout: 5_000 })
        .catch(() => null);
      rowCounts.push(rows === null ? firstNumber(await rowCountText()) : Number(rows));
    }
    return { ownMs, pageMs, rowCounts };
  } finally {
    await page.close();
  }
}

const distDir = mkdtempSync(join(tmpdir(), "gridlease-bench-dist-"));
let stack: LocalStack | undefined;
let browser: E2EBrowser | undefined;
process.once("SIGINT", () => {
  void (async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(distDir, { recursive: true, force: true });
    process.exit(130);
  })();
});
let exitCode = 0;
try {
  const ports = { chain: await sparePort(), indexer: await sparePort(), app: await sparePort() };
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
    indexerPort: ports.indexer,
    app: { mode: "preview", port: ports.app, distDir },
    log,
    indexerTimeoutMs: 1_800_000,
    populate:
      N > 0
        ? async ({ connection, addresses }) => {
            log(`Opening ${N.toLocaleString("en-US")} more leases`);
            const t = Date.now();
            await openBulkLeases(connection, {
              addresses,
              leases: N,
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
  const stackSeconds = (Date.now() - started) / 1000;
  log(`Stack ready in ${stackSeconds.toFixed(0)} s: ${stack.appUrl}`);

  browser = await launchBrowser();
  const renders: number[] = [];
  let marketError: string | null = null;
  try {
    for (let i = 0; i < RUNS; i++) renders.push(await marketFirstRender(browser, stack.appUrl));
  } catch (err) {
    marketError = (err as Error).message.split("\n")[0]!;
  }
  console.log(
    `  market first render: ${renders.map((x) => x.toFixed(0)).join(", ")} ms${marketError ? ` (${marketError})` : ""}`,
  );

  let filter: Awaited<ReturnType<typeof explorerFilter>> | undefined;
  let filterError: string | null = null;
  try {
    filter = await explorerFilter(
      browser,
      stack.appUrl,
      N + (stack.seeded?.leases.count ?? 0),
      RUNS,
    );
  } catch (err) {
    filterError = (err as Error).message.split("\n")[0]!;
  }
  if (filter)
    console.log(
      `  explorer filter: ${filter.ownMs.map((x) => x.toFixed(0)).join(", ")} ms (page's own: ${filter.pageMs.join(", ")}; rows ${filter.rowCounts.join(", ")})`,
    );
  else console.log(`  explorer filter: not measured (${filterError})`);

  const report = {
    initialJsGzipBytes: sizes.initialJsGzipBytes,
    initialJsCounts:
      "entry chunk + its static imports + the market page's lazy chunk (and its static imports), from .vite/manifest.json; gzip level 9; JS only",
    initialJsFiles: sizes.initialJsFiles,
    shellJsGzipBytes: sizes.shellJsGzipBytes,
    totalJsGzipBytes: sizes.totalJsGzipBytes,
    marketFirstRenderMs: median(renders),
    marketFirstRenderColdMs: renders.length > 0 ? Number(renders[0]!.toFixed(1)) : null,
    marketFirstRenderRunsMs: renders.map((x) => Number(x.toFixed(1))),
    marketFirstRenderError: marketError,
    explorerFilter10kMs: filter ? median(filter.ownMs) : null,
    explorerFilterRunsMs: filter?.ownMs.map((x) => Number(x.toFixed(1))) ?? [],
    explorerFilterPageReportedMs: filter?.pageMs ?? [],
    explorerFilterRowCounts: filter?.rowCounts ?? [],
    explorerFilterError: filterError,
    leases: (stack.seeded?.leases.count ?? 0) + N,
    stackStartupSeconds: Number(stackSeconds.toFixed(1)),
    targets: TARGETS,
    machine: `${cpus().length} cores, Node ${process.version}, Chromium (system), shared with other work`,
  };
  mkdirSync(join(ROOT, "bench"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "app.json"), JSON.stringify(report, null, 2) + "\n");

  const verdict = (value: number | null, target: number, unit: string) =>
    value === null
      ? "not measured"
      : `${value.toLocaleString("en-US")} ${unit} (target <= ${target.toLocaleString("en-US")} ${unit}: ${value <= target ? "met" : `missed by ${(value - target).toFixed(1)}`})`;
  console.log("\nResults (bench/app.json)");
  console.log(
    `  initial JS            ${verdict(Number((sizes.initialJsGzipBytes / KB).toFixed(1)), TARGETS.initialJsGzipKB, "KB gzip")}`,
  );
  console.log(`  total JS              ${(sizes.totalJsGzipBytes / KB).toFixed(1)} KB gzip`);
  console.log(
    `  market first render   ${verdict(report.marketFirstRenderMs, TARGETS.marketFirstRenderMs, "ms")}; cold cache ${report.marketFirstRenderColdMs ?? "-"} ms`,
  );
  console.log(
    `  filter on ${report.leases.toLocaleString("en-US")} leases  ${verdict(report.explorerFilter10kMs, TARGETS.explorerFilter10kMs, "ms")}`,
  );
} catch (err) {
  console.error(`\nbench:app failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await browser?.close();
  await stack?.stop();
  rmSync(distDir, { recursive: true, force: true });
}
process.exit(exitCode);
