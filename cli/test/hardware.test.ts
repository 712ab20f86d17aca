/**
 * What the agent seals about the hardware (cli/src/hardware/seal.ts): a hook's full report becomes its hash, a
 * hash that disagrees with the report or is not 32 bytes is refused (so the lease is not activated), and the
 * access details the ssh-account hook prints stay far below the market's 4,096-byte payload limit. The machine's
 * throughput program (cli/hardware-check/throughput.py), in its NumPy and pure-Python CPU modes, gives the row
 * hashes the SDK recomputes.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  accessKeyFromSecret,
  buildHardwareReport,
  hardwareReportHash,
  MAX_ACCESS_PAYLOAD_BYTES,
  newThroughputRequest,
  parseThroughputResponse,
  productRows,
  rowHash,
  seedWord,
  openAccess,
  randomAccessSecret,
  sealAccess,
  type AccessDetails,
} from "@gridlease/sdk";
import { THROUGHPUT_PROGRAM } from "../src/hardware/probe.ts";
import { withSealedReportHash } from "../src/hardware/seal.ts";
import { ROOT } from "./support.ts";

const FIXTURES = join(ROOT, "cli", "test", "fixtures", "hardware");
const section = (name: string, output: string) =>
  `@@gridlease-probe:${name}:begin\n${output}\n@@gridlease-probe:${name}:end:0\n`;
const report = buildHardwareReport(
  section("nvidia-smi-xml", readFileSync(join(FIXTURES, "b300-8x.xml"), "utf8")) +
    section("nvidia-smi-topo", readFileSync(join(FIXTURES, "b300-8x.topo.txt"), "utf8")) +
    section("cpuinfo", "processor\t: 0\nmodel name\t: AMD EPYC 9654\n") +
    section("meminfo", "MemTotal: 1584000000 kB\n"),
);
const base = {
  host: "gpu-1.example.net",
  port: 22,
  user: "gl7",
  key: "-----BEGIN OPENSSH PRIVATE KEY-----\n…",
};

describe("sealing the hardware report", () => {
  it("replaces a hook's full report by its hash, and keeps a hook's own hash", () => {
    const sealed = withSealedReportHash({ ...base, hardwareReport: report });
    expect(sealed).toEqual({ ...base, hardwareReportHash: hardwareReportHash(report) });
    const own = { ...base, hardwareReportHash: hardwareReportHash(report) };
    expect(withSealedReportHash(own)).toEqual(own);
    expect(withSealedReportHash(base)).toEqual(base);
  });

  it("refuses a hash that is not the report's, one that is not 32 bytes, and a malformed report", () => {
    expect(() =>
      withSealedReportHash({
        ...base,
        hardwareReport: report,
        hardwareReportHash: `0x${"11".repeat(32)}`,
      }),
    ).toThrow(/is not the hash of its hardwareReport/);
    expect(() => withSealedReportHash({ ...base, hardwareReportHash: "0x1234" })).toThrow(
      /not 32 bytes of hex/,
    );
    expect(() => withSealedReportHash({ ...base, hardwareReport: { gpus: [] } })).toThrow(
      /hardware report/,
    );
  });

  it("keeps the sealed access details of an ssh-account lease far below the 4,096-byte limit", () => {
    const details: AccessDetails = {
      ...base,
      key: `-----BEGIN OPENSSH PRIVATE KEY-----\n${"A".repeat(70 * 5)}\n-----END OPENSSH PRIVATE KEY-----\n`,
      hostKey: `ssh-ed25519 ${"A".repeat(68)}`,
      gpus: [0, 1, 2, 3, 4, 5, 6, 7],
      hardwareReportHash: hardwareReportHash(report),
      label: "provider-reported inventory",
    };
    const pair = accessKeyFromSecret(randomAccessSecret());
    const payload = sealAccess(pair.publicKeyHex, details);
    expect((payload.length - 2) / 2).toBeLessThan(MAX_ACCESS_PAYLOAD_BYTES / 3);
    expect(openAccess(pair.secretKey, payload).hardwareReportHash).toBe(hardwareReportHash(report));
  });
});

const python = spawnSync("python3", ["--version"]).status === 0;

describe.skipIf(!python)("the throughput program's CPU modes agree with the SDK", () => {
  it.each([
    ["numpy-cpu", ""],
    ["python-cpu", 'import sys; sys.modules["numpy"] = None\n'],
  ])("%s", (implementation, prelude) => {
    const request = newThroughputRequest({ gpus: 2, n: 12, iterations: 1, device: "cpu" });
    const run = spawnSync("python3", ["-", JSON.stringify(request)], {
      input: prelude + readFileSync(THROUGHPUT_PROGRAM, "utf8"),
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const response = parseThroughputResponse(run.stdout, request);
    // The pure-Python mode runs wherever python3 does; NumPy may be missing, and then the program says so.
    if (implementation === "numpy-cpu" && response.implementation === "python-cpu") return;
    expect(response.implementation).toBe(implementation);
    const all = Array.from({ length: 12 }, (_, i) => i);
    for (const g of response.gpus)
      expect(g.rowHashes).toEqual(productRows(seedWord(request.seed, g.gpu), 12, all).map(rowHash));
  });
});
