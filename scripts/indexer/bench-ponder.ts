/**
 * Ponder as the indexer benchmarks run it: `ponder start` (indexes the chain) or `ponder serve` (serves an
 * existing schema, no indexing), on embedded PGlite or on a PostgreSQL `DATABASE_URL`, on 127.0.0.1, plus a reader
 * of its Prometheus `/metrics` (events indexed, and where the backfill's time went).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  indexedBlock,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "../lib/services.ts";

const INDEXER_DIR = new URL("../../indexer", import.meta.url).pathname;

export type BenchDatabase = { kind: "pglite" } | { kind: "postgres"; url: string };

export interface BenchPonder {
  url: string;
  service: Service;
  stop: () => Promise<void>;
}

/** Starts `ponder <command>` on `port`; resolves once /health answers. */
export async function startBenchPonder(opts: {
  command: "start" | "serve";
  rpcUrl: string;
  database: BenchDatabase;
  port: number;
  schema?: string;
}): Promise<BenchPonder> {
  const pgliteDir =
    opts.database.kind === "pglite" ? mkdtempSync(join(tmpdir(), "gridlease-bench-pglite-")) : "";
  const service = startService(
    `ponder ${opts.command}`,
    "npx",
    [
      "ponder",
      "--root",
      INDEXER_DIR,
      opts.command,
      "--schema",
      opts.schema ?? "gridlease",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(opts.port),
      "--log-format",
      "json",
    ],
    {
      env: {
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_RPC_URL_31337: opts.rpcUrl,
        PONDER_PGLITE_DIR: pgliteDir,
        PONDER_POLLING_INTERVAL: "100",
        DATABASE_URL: opts.database.kind === "postgres" ? opts.database.url : "",
        NODE_OPTIONS: "",
      },
    },
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    await stopService(service, 15_000);
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(
      service,
      async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok,
      180_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, service, stop };
}

/** Waits until Ponder is ready (backfill done) and has indexed block `head`. */
export async function waitForHead(p: BenchPonder, head: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.service.child.exitCode !== null) throw new Error(`Ponder exited:\n${p.service.tail()}`);
    const ready = await fetch(`${p.url}/ready`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready && (await indexedBlock(p.url).catch(() => -1)) >= head) return;
    if (Date.now() > deadline)
      throw new Error(`Ponder did not index block ${head} in time:\n${p.service.tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One Prometheus sample: metric name with its labels, and the value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Ponder's /metrics, parsed (text exposition format; comments skipped). */
export async function readMetrics(url: string): Promise<MetricSample[]> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}/metrics answered HTTP ${res.status}`);
  const out: MetricSample[] = [];
  for (const line of (await res.text()).split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of a metric over all its label sets (0 when absent). */
export const metricSum = (samples: MetricSample[], name: string) =>
  samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);

/**
 * Samples the events indexed every `everyMs` until stopped: the first sample with events and the first one at
 * the final count bound the steady state, so Ponder's start-up (build, migrations, RPC warm-up) is left out.
 */
export function sampleProgress(url: string, everyMs = 250) {
  const samples: { t: number; events: number }[] = [];
  // Ponder resets its historical metrics once it indexes live: keep the last snapshot that has them.
  let historical: MetricSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      const metrics = await readMetrics(url).catch(() => undefined);
      if (metrics) {
        samples.push({ t, events: metricSum(metrics, "ponder_indexing_completed_events") });
        if (metrics.some((m) => m.name === "ponder_historical_transform_duration"))
          historical = metrics;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    /** Stops sampling and returns the steady-state window over the samples taken. */
    async stop() {
      running = false;
      await loop;
      const final = samples.at(-1)?.events ?? 0;
      const first = samples.find((s) => s.events > 0);
      const last = samples.find((s) => s.events >= final);
      if (!first || !last || last.t <= first.t) return undefined;
      return {
        historical,
        events: final,
        eventsInWindow: last.events - first.events,
        seconds: (last.t - first.t) / 1000,
        firstAt: first.t,
        lastAt: last.t,
      };
    },
  };
}

/**
 * Where the backfill's time went, from Ponder's own metrics: per step of its historical loop (extract: reading
 * the RPC data; prefetch, index: the handlers, load: flushing the handlers' writes, finalize, commit), and the
 * handlers' mean time per event.
 */
export function backfillBreakdown(samples: MetricSample[]) {
  const seconds = (name: string, label: string) =>
    Object.fromEntries(
      samples
        .filter((s) => s.name === name)
        .map((s) => [s.labels[label] ?? "total", Number((s.value / 1000).toFixed(2))]),
    );
  const handlerMs = metricSum(samples, "ponder_indexing_function_duration_sum");
  const handlerCount = metricSum(samples, "ponder_indexing_function_duration_count");
  const sqlMs = metricSum(samples, "ponder_indexing_store_raw_sql_duration_sum");
  // Per event type: the handlers' mean milliseconds and how many ran.
  const byEvent: Record<string, { count: number; meanMs: number }> = {};
  for (const c of samples.filter((x) => x.name === "ponder_indexing_function_duration_count")) {
    const event = c.labels.event ?? "?";
    const sum = samples.find(
      (x) => x.name === "ponder_indexing_function_duration_sum" && x.labels.event === event,
    );
    if (c.value > 0 && sum)
      byEvent[event] = { count: c.value, meanMs: Number((sum.value / c.value).toFixed(3)) };
  }
  return {
    /** Wall time of the loop: extract, waiting for the RPC sync to deliver blocks; transform, indexing them. */
    concurrencyGroupSeconds: seconds("ponder_historical_concurrency_group_duration", "group"),
    transformSeconds: seconds("ponder_historical_transform_duration", "step"),
    extractSeconds: seconds("ponder_historical_extract_duration", "step"),
    handlerMsPerEvent: handlerCount ? Number((handlerMs / handlerCount).toFixed(3)) : null,
    handlerSeconds: Number((handlerMs / 1000).toFixed(2)),
    storeSqlSeconds: Number((sqlMs / 1000).toFixed(2)),
    handlerByEvent: byEvent,
  };
}
