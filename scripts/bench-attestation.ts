/**
 * `npm run bench:attestation [-- --runs N]`: how long verifying NVIDIA's sample attestation report takes. Writes
 * bench/attestation.json, one JSON object with a key per section; a run rewrites only its own sections' keys, so
 * other sections (the browser's) keep their numbers.
 *
 * Section `node`: in this Node process, `verifyAttestation` on the fixture report with its certificate chain and
 * nonce (sdk/test/fixtures/nvidia-attestation/), after W warm-up runs (default 5), median of N runs (default 50):
 *   - reportAndChainMs: without RIMs (the chain, the report signature, the nonce, the generation);
 *   - withRimsMs: the same plus both test RIMs (two XML signatures, their signer chains, 64 measurements compared),
 *     at a date when the RIMs' certificates were valid, so every step runs.
 * Each verdict is checked (genuine, and for the RIMs valid signatures), so a broken verifier cannot look fast.
 *
 * Section `browser`: the app's production build (Vite manifest) served by `vite preview` on a spare 127.0.0.1
 * port; in headless Chromium (scripts/lib/browser.ts) on the app's /verify page, the verifier's chunk is imported as
 * the page imports it, then parse + `verifyAttestation` of the same fixture (no RIMs) is timed: median of N runs
 * after W warm-up runs (the same --runs and --warmup). Also the verifier's lazy chunks: every JS file that importing
 * `app/src/lib/attestationVerifier.ts` fetches beyond what the first page "/" loads (the entry, the market page and
 * their static imports), raw and gzip (level 9). The verdict of every run is checked (genuine).
 *
 * `--only node` or `--only browser` runs one section (the browser's builds the app: about a minute).
 *
 * Targets: Node <= 50 ms, Chromium <= 200 ms (issue #15). Timings are measured, never asserted by tests.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  parseCertChainPem,
  parseReportHex,
  verifyAttestation,
  type AttestationVerdict,
  type VerifyAttestationInput,
} from "@gridlease/sdk/attestation";
import { launchBrowser } from "./lib/browser.ts";
import {
  httpOk,
  sparePort,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "./lib/services.ts";
import { APP_DIR, buildApp } from "./lib/stack.ts";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "50" },
    warmup: { type: "string", default: "5" },
    only: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 10_000)
  throw new Error("--runs must be 1..10000");
if (!Number.isInteger(WARMUP) || WARMUP < 0 || WARMUP > 1_000)
  throw new Error("--warmup must be 0..1000");

const OUT = new URL("../bench/attestation.json", import.meta.url);
const FIXTURES = new URL("../sdk/test/fixtures/nvidia-attestation/", import.meta.url);
const TARGETS = { nodeMs: 50, browserMs: 200 };
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const log = (line: string) => console.log(`• ${line}`);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Number((sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN).toFixed(2));
};

/** The fixture's inputs: NVIDIA's Hopper report, its chain and nonce; and the two test RIMs. */
const SAMPLE: VerifyAttestationInput = {
  report: parseReportHex(fixture("hopperAttestationReport.txt")),
  certChain: parseCertChainPem(fixture("hopperCertChain.txt")),
  expectedNonce: "0x931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb",
  expectedGeneration: "hopper",
};
const RIMS = ["Driver_RIM_test_no_gpu.swidtag", "1010_0200_882_96005E0001_test_no_gpu.swidtag"].map(
  fixture,
);
/** The RIMs' signer certificates expired in 2025-2026: measure them at a date when they were valid. */
const RIMS_VALID_AT = new Date("2024-06-01T00:00:00Z");

/** Median wall time of `verify` over RUNS runs after WARMUP, checking every verdict with `check`. */
async function time(
  label: string,
  verify: () => Promise<AttestationVerdict>,
  check: (v: AttestationVerdict) => string | null,
): Promise<{ medianMs: number; runsMs: number[] }> {
  const runsMs: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = performance.now();
    const verdict = await verify();
    const elapsed = performance.now() - start;
    const problem = check(verdict);
    if (problem) throw new Error(`${label}: the verdict is wrong: ${problem}`);
    if (i >= WARMUP) runsMs.push(Number(elapsed.toFixed(2)));
  }
  log(`${label}: median ${median(runsMs)} ms over ${RUNS} runs`);
  return { medianMs: median(runsMs), runsMs };
}

/** Section `node`: verification in this Node process. */
async function benchNode(): Promise<Record<string, unknown>> {
  const plain = await time(
    "node, report + chain",
    () => verifyAttestation(SAMPLE),
    (v) => (v.genuine ? null : v.failures.map((f) => f.code).join(", ")),
  );
  const withRims = await time(
    "node, report + chain + 2 RIMs",
    () => verifyAttestation({ ...SAMPLE, rims: RIMS, now: RIMS_VALID_AT }),
    (v) =>
      v.firmware.rims.length === 2 &&
      v.firmware.rims.every((r) => r.signature === "valid" && r.root === "nvidia")
        ? null
        : JSON.stringify(v.firmware.rims),
  );
  return {
    reportAndChainMs: plain.medianMs,
    withRimsMs: withRims.medianMs,
    targetMs: TARGETS.nodeMs,
    metTarget: plain.medianMs <= TARGETS.nodeMs,
    runs: RUNS,
    warmup: WARMUP,
    reportAndChainRunsMs: plain.runsMs,
    withRimsRunsMs: withRims.runsMs,
    conditions: `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, one process, sequential runs`,
    measuredAt: new Date().toISOString(),
  };
}

/* ---------------------------------------------------------------- browser */

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

/** The JS files a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(
  manifest: Record<string, ManifestChunk>,
  key: string,
  into = new Set<string>(),
) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the Vite manifest`);
  if (!into.has(chunk.file)) {
    into.add(chunk.file);
    for (const imp of chunk.imports ?? []) staticClosure(manifest, imp, into);
  }
  return into;
}

/**
 * The verifier's lazy chunks in the app's build: the JS that `import("./attestationVerifier.ts")` fetches beyond
 * what the first page "/" already loaded (the entry and its static imports, the market page and its static imports).
 */
function verifierChunks(distDir: string) {
  const manifest = JSON.parse(
    readFileSync(join(distDir, ".vite", "manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  const key = (pattern: RegExp) => {
    const found = Object.keys(manifest).find((k) => pattern.test(k));
    if (!found) throw new Error(`no ${pattern} in the Vite manifest`);
    return found;
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entry) throw new Error("no entry chunk in the Vite manifest");
  const initial = staticClosure(manifest, entry);
  staticClosure(manifest, key(/pages\/market\/MarketPage\.tsx$/), initial);
  const verifierKey = key(/lib\/attestationVerifier\.ts$/);
  const files = [...staticClosure(manifest, verifierKey)].filter(
    (f) => f.endsWith(".js") && !initial.has(f),
  );
  const size = (f: string) => readFileSync(join(distDir, f));
  return {
    entry: manifest[verifierKey]!.file,
    files,
    rawBytes: files.reduce((n, f) => n + size(f).length, 0),
    gzipBytes: files.reduce((n, f) => n + gzipSync(size(f), { level: 9 }).length, 0),
  };
}

/**
 * In headless Chromium on the app's /verify page (a production build served by `vite preview`): imports the
 * verifier's chunk as the page does, then times parse + verifyAttestation of the fixture `runs` times after `warmup`.
 */
async function browserTimes(appUrl: string, chunk: string, warmup: number, runs: number) {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${appUrl}/verify`, { waitUntil: "load" });
    return await page.evaluate(
      async ({ url, reportHex, chainPem, nonce, warmup, runs }) => {
        const m = (await import(url)) as {
          parseReportHex: (t: string) => Uint8Array;
          parseCertChainPem: (t: string) => Uint8Array[];
          verifyAttestation: (i: unknown) => Promise<{ genuine: boolean }>;
        };
        const once = async () => {
          const t0 = performance.now();
          const verdict = await m.verifyAttestation({
            report: m.parseReportHex(reportHex),
            certChain: m.parseCertChainPem(chainPem),
            expectedNonce: nonce,
          });
          if (!verdict.genuine) throw new Error("the fixture did not verify in Chromium");
          return performance.now() - t0;
        };
        for (let i = 0; i < warmup; i++) await once();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await once());
        return times;
      },
      {
        url: `${appUrl}/${chunk}`,
        reportHex: readFileSync(new URL("hopperAttestationReport.txt", FIXTURES), "utf8"),
        chainPem: readFileSync(new URL("hopperCertChain.txt", FIXTURES), "utf8"),
        nonce: SAMPLE.expectedNonce,
        warmup,
        runs,
      },
    );
  } finally {
    await browser.close();
  }
}

/** Builds the app, serves it, measures the verifier in Chromium and sizes its chunks. */
async function measureBrowser(warmup: number, runs: number) {
  const distDir = mkdtempSync(join(tmpdir(), "gridlease-bench-attestation-"));
  let preview: Service | undefined;
  try {
    // The verify page needs no chain or indexer: the URLs point at nothing.
    await buildApp({
      outDir: distDir,
      rpcUrl: "http://127.0.0.1:9",
      indexerUrl: "http://127.0.0.1:9",
      manifest: true,
    });
    const chunks = verifierChunks(distDir);
    const port = await sparePort();
    preview = startService(
      "vite preview",
      "npx",
      [
        "vite",
        "preview",
        "--outDir",
        distDir,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--strictPort",
      ],
      { cwd: APP_DIR },
    );
    const appUrl = `http://127.0.0.1:${port}`;
    await waitUntilReady(preview, () => httpOk(`${appUrl}/verify`), 60_000);
    const times = await browserTimes(appUrl, chunks.entry, warmup, runs);
    return { times, chunks };
  } finally {
    if (preview) await stopService(preview);
    rmSync(distDir, { recursive: true, force: true });
  }
}

/** Section `browser`: verification in Chromium, in the app's build, and the size of the verifier's chunks. */
async function benchBrowser(): Promise<Record<string, unknown>> {
  log("browser: building the app and serving it");
  const { times, chunks } = await measureBrowser(WARMUP, RUNS);
  const medianMs = median(times);
  log(`browser, report + chain: median ${medianMs} ms over ${RUNS} runs`);
  log(
    `browser, the verifier's lazy chunks: ${(chunks.gzipBytes / 1024).toFixed(1)} KiB gzip, ${(chunks.rawBytes / 1024).toFixed(1)} KiB raw (${chunks.files.join(", ")})`,
  );
  return {
    reportAndChainMs: medianMs,
    targetMs: TARGETS.browserMs,
    metTarget: medianMs <= TARGETS.browserMs,
    runs: RUNS,
    warmup: WARMUP,
    reportAndChainRunsMs: times.map((t) => Number(t.toFixed(2))),
    verifierChunks: {
      files: chunks.files.length,
      rawBytes: chunks.rawBytes,
      gzipBytes: chunks.gzipBytes,
      counts:
        'the JS that import() of app/src/lib/attestationVerifier.ts fetches beyond what "/" loads (entry + market page + their static imports), from .vite/manifest.json; gzip level 9',
      loadedOnlyWhenUsed: "asserted by test/e2e/attestation.e2e.test.ts (no request before Verify)",
    },
    conditions: `headless Chromium (system, playwright-core) on the app's production build served by vite preview, ${cpus().length} cores, sequential runs, parse + verify per run`,
    measuredAt: new Date().toISOString(),
  };
}

// One entry per section of bench/attestation.json.
const ALL_SECTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  node: benchNode,
  browser: benchBrowser,
};
if (args.only !== undefined && !(args.only in ALL_SECTIONS))
  throw new Error(`--only must be one of ${Object.keys(ALL_SECTIONS).join(", ")}`);
const SECTIONS = args.only ? { [args.only]: ALL_SECTIONS[args.only]! } : ALL_SECTIONS;

const previous: unknown = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : {};
const results: Record<string, unknown> =
  typeof previous === "object" && previous !== null && !Array.isArray(previous)
    ? { ...previous }
    : {};
for (const [name, run] of Object.entries(SECTIONS)) results[name] = await run();
mkdirSync(new URL("../bench/", import.meta.url), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${OUT.pathname}`);
