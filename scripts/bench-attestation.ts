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
 * Target: Node <= 50 ms (issue #15). Timings are measured, never asserted by tests.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import {
  parseCertChainPem,
  parseReportHex,
  verifyAttestation,
  type AttestationVerdict,
  type VerifyAttestationInput,
} from "@gridlease/sdk/attestation";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "50" },
    warmup: { type: "string", default: "5" },
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
const TARGETS = { nodeMs: 50 };
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

// One entry per section of bench/attestation.json; a section added later (the browser's) goes here.
const SECTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  node: benchNode,
};

const previous: unknown = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : {};
const results: Record<string, unknown> =
  typeof previous === "object" && previous !== null && !Array.isArray(previous)
    ? { ...previous }
    : {};
for (const [name, run] of Object.entries(SECTIONS)) results[name] = await run();
mkdirSync(new URL("../bench/", import.meta.url), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${OUT.pathname}`);
