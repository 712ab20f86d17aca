/**
 * The seeded throughput check. The buyer picks a random 32-byte seed; the machine builds, for each leased GPU,
 * two n×n matrices whose entries (-1, 0 or 1) follow from the seed, multiplies them `iterations` times, and
 * returns the SHA-256 of every row of the product with the time it took. Entries this small keep every partial
 * sum an integer below 2048, so FP16 tensor cores, FP32 and integer CPUs all compute the same exact product and
 * the row hashes do not depend on the hardware. Only after the hashes arrive does the buyer pick rows at random,
 * recompute them and compare: a machine that skipped rows fails with a probability that grows with the samples.
 *
 * The timings are the machine's own (a provider that lies about its hardware may lie about them too); the
 * buyer's own clock bounds them from below, and both are in the verdict. The speed expected of the listed model
 * is a fraction of its peak dense FP16 throughput (models.ts). In CPU mode (no GPU implementation on the
 * machine) the expectation is scaled down by CPU_MODE_SCALE: that mode proves the protocol, never a GPU's speed.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { HardwareReportError } from "./errors.ts";
import { gpuModelSpec } from "./models.ts";

/** The protocol tag the buyer's request and the machine's answer carry. */
export const THROUGHPUT_PROTOCOL = "gridlease/throughput/v1";
/** Achieved throughput below this fraction of the listed model's peak fails (well-tuned GEMMs reach 0.6-0.8). */
export const MIN_PEAK_FRACTION = 0.5;
/** The speed expectation's scale in CPU mode: about a MFLOPS for an H100 listing, which any CPU beats. */
export const CPU_MODE_SCALE = 1e-9;

/** What the buyer sends to the machine. */
export interface ThroughputRequest {
  protocol: typeof THROUGHPUT_PROTOCOL;
  seed: Hex;
  n: number;
  iterations: number;
  /** GPUs to run on (in CPU mode, simulated one after the other). */
  gpus: number;
  device: "auto" | "cpu";
}

/** One GPU's answer. */
export interface ThroughputGpuResult {
  gpu: number;
  seconds: number;
  /** SHA-256 (hex, no 0x) of each row of the product, as little-endian int32. */
  rowHashes: string[];
}

/** What the machine's check program prints. */
export interface ThroughputResponse {
  protocol: typeof THROUGHPUT_PROTOCOL;
  implementation: string;
  device: "cuda" | "cpu";
  n: number;
  iterations: number;
  gpus: ThroughputGpuResult[];
}

/** The check's outcome, per GPU and overall. */
export interface ThroughputVerdict {
  protocol: typeof THROUGHPUT_PROTOCOL;
  match: boolean;
  device: "cuda" | "cpu";
  implementation: string;
  /** False for the GPU implementation until it has run on a GPU machine (see cli/hardware-check/README.md). */
  implementationTested: boolean;
  note: string;
  gpus: {
    gpu: number;
    tflops: number;
    expectedMinTflops: number;
    rowsChecked: number;
    rowsWrong: number[];
  }[];
  /** Every GPU's work over the buyer's own elapsed time: a floor on the machine's true throughput. */
  wallClockTflops: number | null;
  differences: { field: string; expected: string; actual: string }[];
}

/** A request with a fresh random seed. */
export function newThroughputRequest(args: {
  gpus: number;
  n?: number;
  iterations?: number;
  device?: "auto" | "cpu";
}): ThroughputRequest {
  const seed = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  return {
    protocol: THROUGHPUT_PROTOCOL,
    seed,
    n: args.n ?? 8192,
    iterations: args.iterations ?? 50,
    gpus: args.gpus,
    device: args.device ?? "auto",
  };
}

/** The 32-bit word a GPU's matrices are drawn from: the first 4 bytes of SHA-256(seed ‖ gpu as uint32 BE). */
export function seedWord(seed: Hex, gpu: number): number {
  const input = new Uint8Array(36);
  input.set(hexToBytes(seed), 0);
  new DataView(input.buffer).setUint32(32, gpu);
  return new DataView(sha256(input).buffer).getUint32(0);
}

/** A 32-bit integer hash (Chris Wellons' lowbias32), the same in the Python check program. */
function lowbias32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Entry (i, j) of matrix `which` (0: A, 1: B) for a GPU's seed word: -1, 0 or 1. */
export function matrixEntry(word: number, which: 0 | 1, n: number, i: number, j: number): number {
  return (lowbias32(((which * n * n + i * n + j) ^ word) >>> 0) % 3) - 1;
}

/** SHA-256 (hex) of one row of the product as little-endian int32, as the check program hashes it. */
export function rowHash(row: Int32Array): string {
  const bytes = new Uint8Array(row.length * 4);
  const view = new DataView(bytes.buffer);
  row.forEach((v, j) => view.setInt32(j * 4, v, true));
  return bytesToHex(sha256(bytes)).slice(2);
}

/** Recomputes rows of A×B for one GPU's seed word. */
export function productRows(word: number, n: number, rows: number[]): Int32Array[] {
  const b = new Int8Array(n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) b[k * n + j] = matrixEntry(word, 1, n, k, j);
  return rows.map((i) => {
    const c = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const a = matrixEntry(word, 0, n, i, k);
      if (a === 0) continue;
      const offset = k * n;
      for (let j = 0; j < n; j++) c[j] += a * b[offset + j];
    }
    return c;
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the check program's JSON answer; throws HardwareReportError("malformed-throughput"). */
export function parseThroughputResponse(
  text: string,
  request: ThroughputRequest,
): ThroughputResponse {
  const bad = (why: string): never => {
    throw new HardwareReportError("malformed-throughput", `the throughput check's answer ${why}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim().split("\n").pop() ?? "");
  } catch {
    return bad("is not JSON");
  }
  if (!isRecord(doc) || doc.protocol !== THROUGHPUT_PROTOCOL)
    return bad(`is not ${THROUGHPUT_PROTOCOL}`);
  if (doc.device !== "cuda" && doc.device !== "cpu") bad("names no device");
  if (doc.n !== request.n || doc.iterations !== request.iterations) bad("is for another size");
  if (!Array.isArray(doc.gpus)) bad("lists no GPUs");
  const gpus = (doc.gpus as unknown[]).map((g): ThroughputGpuResult => {
    if (!isRecord(g) || typeof g.gpu !== "number" || typeof g.seconds !== "number")
      return bad("has a malformed GPU");
    const hashes = g.rowHashes;
    if (
      !Array.isArray(hashes) ||
      hashes.length !== request.n ||
      !hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))
    )
      return bad(`has no ${request.n} row hashes for GPU ${g.gpu}`);
    return { gpu: g.gpu, seconds: g.seconds, rowHashes: hashes };
  });
  return {
    protocol: THROUGHPUT_PROTOCOL,
    implementation: typeof doc.implementation === "string" ? doc.implementation : "unknown",
    device: doc.device === "cuda" ? "cuda" : "cpu",
    n: request.n,
    iterations: request.iterations,
    gpus,
  };
}

/** Picks `count` distinct rows below n with the platform's random source (after the answer has arrived). */
export function sampleRows(n: number, count: number): number[] {
  const picked = new Set<number>();
  const words = crypto.getRandomValues(new Uint32Array(count * 4));
  for (const w of words) {
    if (picked.size >= Math.min(count, n)) break;
    picked.add(w % n);
  }
  return [...picked].sort((a, b) => a - b);
}

/**
 * Checks the work (sampled rows recomputed) and the speed (achieved TFLOPS against the listed model's peak,
 * scaled in CPU mode). `rows` defaults to 4 random rows per GPU; `wallSeconds` is the buyer's own elapsed time.
 */
export function checkThroughput(args: {
  request: ThroughputRequest;
  response: ThroughputResponse;
  listedModel: string;
  expectedGpus: number;
  rows?: (gpu: number) => number[];
  wallSeconds?: number;
}): ThroughputVerdict {
  const { request, response } = args;
  const differences: ThroughputVerdict["differences"] = [];
  const differ = (field: string, expected: unknown, actual: unknown) =>
    differences.push({ field, expected: String(expected), actual: String(actual) });
  const spec = gpuModelSpec(args.listedModel);
  if (!spec) differ("listedModel", "a model with a known peak throughput", args.listedModel);
  const scale = response.device === "cpu" ? CPU_MODE_SCALE : 1;
  const expectedMinTflops = (spec?.peakDenseFp16Tflops ?? 0) * MIN_PEAK_FRACTION * scale;
  if (response.gpus.length !== args.expectedGpus)
    differ("throughput.gpus", args.expectedGpus, response.gpus.length);
  const flops = 2 * request.n ** 3 * request.iterations;
  const gpus = response.gpus.map((g) => {
    const rows = args.rows?.(g.gpu) ?? sampleRows(request.n, 4);
    const word = seedWord(request.seed, g.gpu);
    const recomputed = productRows(word, request.n, rows);
    const rowsWrong = rows.filter((r, k) => rowHash(recomputed[k]) !== g.rowHashes[r]);
    if (rowsWrong.length > 0)
      differ(
        `throughput.gpu[${g.gpu}].rows`,
        "recomputed row hashes",
        `rows ${rowsWrong.join(", ")} differ`,
      );
    const tflops = g.seconds > 0 ? flops / g.seconds / 1e12 : 0;
    if (tflops < expectedMinTflops)
      differ(
        `throughput.gpu[${g.gpu}].tflops`,
        `>= ${expectedMinTflops.toPrecision(3)}`,
        tflops.toPrecision(3),
      );
    return { gpu: g.gpu, tflops, expectedMinTflops, rowsChecked: rows.length, rowsWrong };
  });
  const implementationTested = response.device === "cpu";
  return {
    protocol: THROUGHPUT_PROTOCOL,
    match: differences.length === 0,
    device: response.device,
    implementation: response.implementation,
    implementationTested,
    note:
      response.device === "cpu"
        ? `CPU mode: the speed expected of ${args.listedModel} is scaled by ${CPU_MODE_SCALE}; this checks the protocol, not a GPU's speed`
        : "GPU implementation: untested until it has run on a GPU machine; timings are reported by the machine itself",
    gpus,
    wallClockTflops:
      args.wallSeconds && args.wallSeconds > 0
        ? (flops * response.gpus.length) / args.wallSeconds / 1e12
        : null,
    differences,
  };
}
