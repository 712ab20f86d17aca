/**
 * An open-loop load generator for the indexer benchmarks: requests leave on a fixed schedule (request i at
 * start + i / rate), whether or not earlier answers have come back, so a slow server cannot slow the load down and
 * hide its own latency (closed-loop clients wait, and then measure only what they let through). Each latency runs
 * from the request's scheduled time, not from when the client got round to sending it, for the same reason.
 */

/** One kind of request of the load: `run` sends it and throws on an error answer. */
export interface LoadQuery {
  name: string;
  run: (signal: AbortSignal) => Promise<unknown>;
}

export interface Percentiles {
  /** Requests sent (answered or failed). */
  count: number;
  /** Of them, failed: error answers and timeouts, counted in the percentiles at the time they took to fail. */
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface LoadResult {
  rate: number;
  requests: number;
  seconds: number;
  /** Requests sent per second, as achieved (the schedule's rate unless the client itself fell behind). */
  achievedRate: number;
  /** The largest delay between a request's scheduled time and its sending (the client's own lag). */
  maxSendLagMs: number;
  all: Percentiles;
  queries: Record<string, Percentiles>;
  /** The first few error messages. */
  errorSamples: string[];
}

const round = (x: number) => Number(x.toFixed(1));

/** Nearest-rank percentiles of latencies in ms. */
export function percentiles(latencies: number[], errors = 0): Percentiles {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    s.length ? round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!) : null;
  return {
    count: s.length,
    errors,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: s.length ? round(s[s.length - 1]!) : null,
  };
}

/**
 * Sends `requests` requests at `rate` per second, cycling through `queries` in turn, and reports the latency
 * percentiles of each query and of all. Every request is bounded by `timeoutMs` (a timeout counts as an error).
 */
export async function openLoop(
  queries: readonly LoadQuery[],
  opts: { rate: number; requests: number; timeoutMs?: number },
): Promise<LoadResult> {
  if (queries.length === 0) throw new Error("openLoop: no queries");
  if (!(opts.rate > 0) || !Number.isInteger(opts.requests) || opts.requests < 1)
    throw new Error(`openLoop: bad rate ${opts.rate} or request count ${opts.requests}`);
  const interval = 1000 / opts.rate;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  const errors = new Map<string, number>(queries.map((q) => [q.name, 0]));
  const errorSamples: string[] = [];
  const inFlight: Promise<void>[] = [];
  let maxSendLagMs = 0;
  const start = performance.now();
  for (let i = 0; i < opts.requests; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    const q = queries[i % queries.length]!;
    inFlight.push(
      q.run(AbortSignal.timeout(timeoutMs)).then(
        () => void latencies.get(q.name)!.push(performance.now() - due),
        (err: unknown) => {
          // A failure counts in the percentiles at the time it took to fail (a timeout: at least timeoutMs), so
          // that a server which drops requests cannot look fast on the ones it answered.
          latencies.get(q.name)!.push(performance.now() - due);
          errors.set(q.name, errors.get(q.name)! + 1);
          if (errorSamples.length < 5)
            errorSamples.push(`${q.name}: ${err instanceof Error ? err.message : String(err)}`);
        },
      ),
    );
  }
  const sentSeconds = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  const all = [...latencies.values()].flat();
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    rate: opts.rate,
    requests: opts.requests,
    seconds: round(seconds),
    achievedRate: round(opts.requests / Math.max(sentSeconds, interval / 1000)),
    maxSendLagMs: round(maxSendLagMs),
    all: percentiles(all, errorCount),
    queries: Object.fromEntries(
      queries.map((q) => [q.name, percentiles(latencies.get(q.name)!, errors.get(q.name)!)]),
    ),
    errorSamples,
  };
}
