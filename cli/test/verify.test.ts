/**
 * `gridlease lease verify` on a real chain against a real sshd: a provider lists a server with `offer create
 * --detect` (the fake nvidia-smi prints the H100 fixture), the agent provisions each lease with the shipped
 * ssh-account hook and seals the report hash, and the buyer verifies over SSH: a match, then mismatches (other
 * GPUs, 7 of 8, a consumer card, with an outage reported as evidence), and the named failures (not the buyer,
 * not active, a malformed report, a probe timeout, the host down). Accounts are removed even when a test fails.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUYER_KEY, cli, okJson, type AgentProcess, type Chain } from "./support.ts";
import { sshdUnavailable, type Sshd } from "./support/sshd.ts";
import { startSshHost, type SshHost } from "./support/sshHost.ts";

const PREFIX = "glverify";
const skip = sshdUnavailable();

let host: SshHost;
let chain: Chain;
let sshd: Sshd;
let agent: AgentProcess;
let dir: string;
let keyFile: string;
let specFile: string;
let leaseId: string;

const ok = okJson;
const verify = (id: string, extra: string[] = [], key = keyFile) =>
  host.run(BUYER_KEY, ["lease", "verify", id, "--key", key, ...extra]);

describe.skipIf(skip)("gridlease lease verify over a real sshd", () => {
  beforeAll(async () => {
    host = await startSshHost({
      accountPrefix: PREFIX,
      units: 2,
      offerFlags: (hostDir) => ["--spec-out", join(hostDir, "spec.json")],
    });
    ({ chain, sshd, agent, dir, keyFile } = host);
    specFile = join(dir, "spec.json");
    expect(JSON.parse(readFileSync(specFile, "utf8")).label).toBe("provider-reported inventory");
    leaseId = await host.openLease();
    await host.activated(leaseId);
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("passes a machine that is what was listed and sealed, also against the offer's spec file", async () => {
    const r = await verify(leaseId, ["--spec-file", specFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      leaseId,
      match: true,
      label: "provider-reported inventory",
      outage: null,
    });
    expect(r.json.verdict.listed).toEqual({ gpuModel: "H100-SXM-80GB", gpuCount: 8 });
    expect(r.json.verdict.sealedHash).toBe(r.json.verdict.reportHash);
    expect(r.json.evidenceHash).toMatch(/^0x[0-9a-f]{64}$/);
    const text = await cli([
      "lease",
      "verify",
      "--lease",
      leaseId,
      "--key",
      keyFile,
      "--rpc-url",
      chain.url,
      "--market",
      chain.market,
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/MATCH \(provider-reported inventory/);
  });

  it.each([
    ["h100-sxm-other-uuids", ["reportHash"]],
    ["h100-sxm-7of8", ["reportHash", "gpus.count"]],
    [
      "rtx4090-8x",
      [
        "reportHash",
        "gpus[0].model",
        "gpus[0].memoryMiB",
        "gpus[0].architecture",
        "topology[0][1]",
      ],
    ],
  ])("fails %s with exit 8 and the differing fields", async (fixture, fields) => {
    sshd.useFixture(fixture, `${PREFIX}${leaseId}`);
    try {
      const r = await verify(leaseId);
      expect(r.code).toBe(8);
      expect(r.json.match).toBe(false);
      expect(r.json.verdict.differences.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(fields),
      );
      expect(r.stderr).toMatch(/not what was listed or sealed/);
    } finally {
      rmSync(join(sshd.smiState, `${PREFIX}${leaseId}`), { force: true });
    }
  });

  it("reports an outage with the verdict hash as evidence on a mismatch", async () => {
    sshd.useFixture("h100-sxm-other-uuids", `${PREFIX}${leaseId}`);
    try {
      const r = await verify(leaseId, ["--report-outage-on-mismatch"]);
      expect(r.code, r.stderr).toBe(8);
      expect(r.json.outage).toMatchObject({ units: "1" });
      expect(r.json.outage.tx).toMatch(/^0x/);
    } finally {
      rmSync(join(sshd.smiState, `${PREFIX}${leaseId}`), { force: true });
    }
  });

  // The whole mismatch loop, outage half included (the health hook fails, the agent does not resolve, the buyer
  // ends after the repair window), is cli/test/mismatch-loop.test.ts.

  it("names a caller who is not the buyer, a malformed report and a probe that times out", async () => {
    const other = join(dir, "other.key");
    await ok(cli(["keys", "generate", "--out", other]));
    const notBuyer = await verify(leaseId, [], other);
    expect(notBuyer.code).toBe(5);
    expect(notBuyer.json.error.kind).toBe("not-buyer");

    const user = `${PREFIX}${leaseId}`;
    writeFileSync(join(sshd.smiState, "fixtures", "broken.xml"), "<nvidia_smi_log><gpu>");
    writeFileSync(join(sshd.smiState, "fixtures", "broken.topo.txt"), "");
    sshd.useFixture("broken", user);
    const malformed = await verify(leaseId);
    expect(malformed.code).toBe(8);
    expect(malformed.json.error).toMatchObject({ kind: "malformed-xml" });

    sshd.useFixture("hang", user);
    const slow = await verify(leaseId, ["--timeout", "2s"]);
    expect(slow.code).toBe(4);
    expect(slow.json.error.kind).toBe("command-timeout");
    rmSync(join(sshd.smiState, user), { force: true });

    const unknown = await verify("999");
    expect(unknown.code).toBe(7);
    expect(unknown.json.error.kind).toBe("not-found");
    expect((await verify(leaseId, ["extra"])).code).toBe(2);
  });

  it("names a lease that is not active, and a host that is down", async () => {
    await agent.stop();
    const pending = await host.openLease();
    const r = await verify(pending);
    expect(r.code).toBe(7);
    expect(r.json.error.kind).toBe("not-active");
    await sshd.stop();
    const down = await verify(leaseId);
    expect(down.code).toBe(4);
    expect(down.json.error.kind).toBe("host-down");
  });
});
