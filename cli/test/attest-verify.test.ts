/**
 * `gridlease attest verify` offline, on NVIDIA's published Hopper report and chain: it passes with the report's own
 * nonce (GH100, Hopper, NVIDIA's root), and fails with a named reason and exit 9 for a one-bit change, another
 * nonce, no nonce, a malformed hex file, another root (marked loudly as custom) and the "unavailable" bundle. Bad
 * flags and unreadable files are usage errors (exit 2). No chain is involved.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./support.ts";
import {
  FIXTURE_CHAIN,
  FIXTURE_NONCE,
  FIXTURE_REPORT,
  FIXTURE_RIMS,
  fixtureBundleJson,
  RIM_ROOT,
  unavailableJson,
} from "./support/attestation.ts";

let dir: string;
const verify = (args: string[]) => cli(["attest", "verify", ...args, "--json"]);
const fixtureArgs = ["--report", FIXTURE_REPORT, "--chain", FIXTURE_CHAIN];

/** Expects exit 9 and returns the JSON document (verdicts, or an error for unreadable evidence). */
async function failed(args: string[]) {
  const r = await verify(args);
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(9);
  return r.json;
}
const failureCodes = (json: { gpus: { verdict: { failures: { code: string }[] } }[] }) =>
  json.gpus.flatMap((g) => g.verdict.failures.map((f) => f.code));

describe("gridlease attest verify", () => {
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes NVIDIA's published Hopper report with its own nonce", async () => {
    const r = await verify([...fixtureArgs, "--nonce", FIXTURE_NONCE, "--generation", "hopper"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      attested: true,
      nonce: FIXTURE_NONCE,
      gpusReported: 1,
      distinctDevices: 1,
      customRoot: null,
      expectedGeneration: "hopper",
    });
    expect(r.json.gpus[0].verdict).toMatchObject({
      genuine: true,
      chip: "GH100",
      generation: "hopper",
      root: "nvidia",
      nonce: { matches: true },
      signature: { verified: true },
      revocation: { status: "not-checked" },
      failures: [],
    });
    const text = await cli(["attest", "verify", ...fixtureArgs, "--nonce", FIXTURE_NONCE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/NVIDIA attestation PASSED/);
    expect(text.stdout).toMatch(/GH100/);
    expect(text.stdout).not.toMatch(/custom root/);
  });

  it("rejects a copy of the report with one bit flipped", async () => {
    const hex = readFileSync(FIXTURE_REPORT, "utf8").replace(/\s+/g, "");
    // A bit in the middle of the measurement blocks: covered by the signature, not the nonce.
    const at = 400;
    const flipped =
      hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
    const file = join(dir, "flipped.hex");
    writeFileSync(file, flipped);
    const json = await failed([
      "--report",
      file,
      "--chain",
      FIXTURE_CHAIN,
      "--nonce",
      FIXTURE_NONCE,
    ]);
    expect(json.attested).toBe(false);
    expect(failureCodes(json)).toContain("ReportSignatureInvalid");
    expect(json.gpus[0].verdict.signature.verified).toBe(false);
  });

  it("names a wrong nonce and a missing one", async () => {
    const wrong = await failed([...fixtureArgs, "--nonce", `0x${"ab".repeat(32)}`]);
    expect(failureCodes(wrong)).toContain("NonceMismatch");
    expect(wrong.gpus[0].verdict.nonce).toMatchObject({ matches: false });
    const none = await failed(fixtureArgs);
    expect(failureCodes(none)).toContain("NonceNotChecked");
  });

  it("compares the measurements with the RIMs given", async () => {
    const rims = FIXTURE_RIMS.flatMap((file) => ["--rim", file]);
    const r = await verify([...fixtureArgs, "--nonce", FIXTURE_NONCE, ...rims]);
    const verdict = r.json.gpus[0].verdict;
    expect(verdict.firmware.checked).toBe(true);
    expect(verdict.firmware.rims).toHaveLength(2);
    expect(verdict.measurements.some((m: { firmware: string }) => m.firmware === "match")).toBe(
      true,
    );
    // NVIDIA's no-GPU test RIMs do not describe the sample's firmware exactly: the differences are named by index,
    // and they fail the verdict.
    const mismatches = verdict.failures.filter(
      (f: { code: string }) => f.code === "MeasurementMismatch",
    );
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((f: { index?: number }) => typeof f.index === "number")).toBe(true);
    expect(r.code).toBe(9);
  });

  it("marks another root as custom and fails the chain against it", async () => {
    const r = await cli([
      "attest",
      "verify",
      ...fixtureArgs,
      "--nonce",
      FIXTURE_NONCE,
      "--device-root",
      RIM_ROOT,
    ]);
    expect(r.code).toBe(9);
    expect(r.stdout).toMatch(/WARNING: custom root, not NVIDIA/);
    const json = await failed([
      ...fixtureArgs,
      "--nonce",
      FIXTURE_NONCE,
      "--device-root",
      RIM_ROOT,
    ]);
    expect(json.customRoot).toBe(RIM_ROOT);
    expect(failureCodes(json)).toContain("UntrustedRoot");
  });

  it("reads a hook's bundle array, and its unavailable form never passes", async () => {
    const bundle = join(dir, "bundle.json");
    writeFileSync(bundle, fixtureBundleJson(2));
    const r = await verify(["--bundle", bundle, "--nonce", FIXTURE_NONCE]);
    expect(r.code, r.stderr).toBe(0);
    // The same GPU answering twice is one device.
    expect(r.json).toMatchObject({ attested: true, gpusReported: 2, distinctDevices: 1 });

    const off = join(dir, "off.json");
    writeFileSync(off, unavailableJson("confidential computing is off on this machine"));
    const json = await failed(["--bundle", off, "--nonce", FIXTURE_NONCE]);
    expect(failureCodes(json)).toEqual(["ConfidentialComputingUnavailable"]);
    expect(json.gpus[0].genuine).toBe(false);
  });

  it("names malformed evidence (exit 9) and bad flags or unreadable files (exit 2)", async () => {
    const badHex = join(dir, "bad.hex");
    writeFileSync(badHex, "11e001ffzz");
    const hex = await verify(["--report", badHex, "--chain", FIXTURE_CHAIN]);
    expect(hex.code).toBe(9);
    expect(hex.json.error.kind).toBe("MalformedHex");
    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, "Traceback (most recent call last):\n");
    const bundle = await verify(["--bundle", garbage]);
    expect(bundle.code).toBe(9);
    expect(bundle.json.error.kind).toBe("MalformedBundle");

    expect(
      (await verify(["--report", join(dir, "missing.hex"), "--chain", FIXTURE_CHAIN])).code,
    ).toBe(2);
    expect((await verify(["--report", FIXTURE_REPORT])).code).toBe(2);
    expect((await verify([...fixtureArgs, "--bundle", garbage])).code).toBe(2);
    expect((await verify([...fixtureArgs, "--nonce", "0x1234"])).code).toBe(2);
    expect((await verify([...fixtureArgs, "--generation", "ampere"])).code).toBe(2);
    expect((await verify([...fixtureArgs, "--device-root", FIXTURE_REPORT])).code).toBe(2);
  });
});
