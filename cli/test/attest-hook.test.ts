/**
 * The host hook cli/hooks/nvidia-attest against a stand-in `pynvml` (fixtures/attestation/fake-pynvml) that answers
 * with NVIDIA's published report: it hands NVML the nonce it was given and prints the bundle array that `attest
 * verify --bundle` passes; every machine that cannot attest (CC off, no driver, a driver too old, no bindings, a GPU
 * that does not answer) gets the unavailable form with a plain reason; a nonce that is not 64 hex digits is refused.
 * Real NVML on a confidential-computing GPU is NOT exercised here (no such machine).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, FIXTURES, tempDir } from "./support.ts";
import { FIXTURE_CHAIN, FIXTURE_NONCE, FIXTURE_REPORT } from "./support/attestation.ts";

const HOOK = fileURLToPath(new URL("../hooks/nvidia-attest", import.meta.url));
const FAKE_NVML = join(FIXTURES, "attestation", "fake-pynvml");
const python = spawnSync("python3", ["--version"]).status === 0;
// Where NVIDIA's real bindings are installed the "missing bindings" case cannot be staged.
const realPynvml = python && spawnSync("python3", ["-c", "import pynvml"]).status === 0;
let dir: string;

/** Runs the hook as a host would, NVML played by the stand-in in `mode`. */
function hook(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("python3", [HOOK, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      PYTHONPATH: FAKE_NVML,
      GRIDLEASE_FAKE_NVML_REPORT: FIXTURE_REPORT,
      GRIDLEASE_FAKE_NVML_CHAIN: FIXTURE_CHAIN,
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const nonceArg = FIXTURE_NONCE.slice(2);

describe.skipIf(!python)("cli/hooks/nvidia-attest with a stand-in NVML", () => {
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one bundle per GPU for the nonce it was given, which attest verify passes", async () => {
    const nonces = join(dir, "nonces.log");
    const r = hook(["--nonce", nonceArg], {
      GRIDLEASE_FAKE_NVML: "cc-on",
      GRIDLEASE_FAKE_NVML_GPUS: "2",
      GRIDLEASE_FAKE_NVML_NONCES: nonces,
    });
    expect(r.code, r.stderr).toBe(0);
    const bundles = JSON.parse(r.stdout);
    expect(bundles).toHaveLength(2);
    expect(bundles[0]).toMatchObject({ format: "gridlease-attestation/1", tool: "nvml" });
    expect(bundles[0].report).toBe(readFileSync(FIXTURE_REPORT, "utf8").replace(/\s+/g, ""));
    expect(bundles[0].certChain).toBe(readFileSync(FIXTURE_CHAIN, "utf8"));
    expect(readFileSync(nonces, "utf8")).toBe(`${nonceArg}\n${nonceArg}\n`);

    const file = join(dir, "bundle.json");
    writeFileSync(file, r.stdout);
    const verified = await cli([
      "attest",
      "verify",
      "--bundle",
      file,
      "--nonce",
      FIXTURE_NONCE,
      "--json",
    ]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ attested: true, gpusReported: 2 });
  });

  it("counts Hopper's protected-PCIe mode as on", () => {
    const r = hook(["--nonce", nonceArg], { GRIDLEASE_FAKE_NVML: "ppcie" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it.each([
    ["cc-off", /confidential computing is off/],
    ["no-driver", /NVML did not start: Driver Not Loaded/],
    ["old-driver", /driver is too old/],
    ["report-fails", /GPU 0 gave no attestation report: Timeout/],
  ])("says why a %s machine cannot attest", async (mode, reason) => {
    const r = hook(["--nonce", nonceArg], { GRIDLEASE_FAKE_NVML: mode });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe("gridlease-attestation/1");
    expect(out.unavailable).toMatch(reason);
    const file = join(dir, `${mode}.json`);
    writeFileSync(file, r.stdout);
    const verified = await cli([
      "attest",
      "verify",
      "--bundle",
      file,
      "--nonce",
      FIXTURE_NONCE,
      "--json",
    ]);
    expect(verified.code).toBe(9);
    expect(verified.json.gpus[0].verdict.failures[0].code).toBe("ConfidentialComputingUnavailable");
  });

  it.skipIf(realPynvml)("says so when NVIDIA's Python bindings are missing", () => {
    const r = hook(["--nonce", nonceArg], { PYTHONPATH: "" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).unavailable).toMatch(/bindings for Python are not installed/);
  });

  it.each([
    [[]],
    [["--nonce"]],
    [["--nonce", `0x${nonceArg}`]],
    [["--nonce", nonceArg.slice(2)]],
    [["--nonce", `${nonceArg.slice(1)}g`]],
    [["--nonce", nonceArg, "--extra"]],
  ])("refuses the arguments %j", (args) => {
    const r = hook(args, { GRIDLEASE_FAKE_NVML: "cc-on" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--nonce/);
  });
});
