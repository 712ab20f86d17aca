/**
 * `gridlease lease verify --attest` on a real chain against a real sshd. The lease is provisioned as in
 * verify.test.ts (the agent with the shipped ssh-account hook); the host's gridlease-attest is the stand-in of
 * test/support/bin, which prints what each test puts there: NVIDIA's published Hopper report as a bundle array, the
 * "unavailable" form, or garbage. With the report's own nonce the H100 lease passes (GH100, Hopper); with a fresh
 * random nonce the same report is a replay (NonceMismatch, exit 9); a host without confidential computing, a host
 * without the hook and malformed output fail by name; a host that is down is exit 4. `provider attest --host` runs
 * the same hook over SSH and refuses to publish the sample, whose nonce is not the market's.
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUYER_KEY, cli, okJson, PROVIDER_KEY, type AgentProcess, type Chain } from "./support.ts";
import { sshdUnavailable, type Sshd } from "./support/sshd.ts";
import { startSshHost, type SshHost } from "./support/sshHost.ts";
import { FIXTURE_NONCE, fixtureBundleJson, unavailableJson } from "./support/attestation.ts";

const skip = sshdUnavailable();

let host: SshHost;
let chain: Chain;
let sshd: Sshd;
let agent: AgentProcess;
let dir: string;
let keyFile: string;
let offerId: string;
let leaseId: string;

const run = (key: string, args: string[]) => host.run(key, args);
const attest = (extra: string[] = []) =>
  run(BUYER_KEY, ["lease", "verify", leaseId, "--key", keyFile, "--attest", ...extra]);
const failureCodes = (json: { gpus: { verdict: { failures: { code: string }[] } }[] }) =>
  json.gpus.flatMap((g) => g.verdict.failures.map((f) => f.code));

describe.skipIf(skip)("gridlease lease verify --attest over a real sshd", () => {
  beforeAll(async () => {
    host = await startSshHost({ accountPrefix: "glattest" });
    ({ chain, sshd, agent, dir, keyFile, offerId } = host);
    leaseId = await host.openLease();
    await host.activated(leaseId);
    sshd.useAttestation(fixtureBundleJson());
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("passes NVIDIA's Hopper report on its own nonce for an H100 lease", async () => {
    const r = await attest(["--nonce", FIXTURE_NONCE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      leaseId,
      attested: true,
      nonce: FIXTURE_NONCE,
      fixedNonce: true,
      listed: { gpuModel: "H100-SXM-80GB", gpuCount: 8 },
      expectedGeneration: "hopper",
      gpusReported: 1,
      distinctDevices: 1,
    });
    expect(r.json.gpus[0].verdict).toMatchObject({
      genuine: true,
      chip: "GH100",
      generation: "hopper",
      root: "nvidia",
    });
    const text = await cli([
      "lease",
      "verify",
      leaseId,
      "--key",
      keyFile,
      "--attest",
      "--nonce",
      FIXTURE_NONCE,
      "--rpc-url",
      chain.url,
      "--market",
      chain.market,
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/NVIDIA attestation PASSED/);
    expect(text.stdout).toMatch(/proves nothing about freshness/);
    // One report for an 8-GPU lease proves one GPU.
    expect(text.stdout).toMatch(/1 distinct GPU\(s\) attested of the lease's 8/);
  });

  it("fails the same report on a fresh random nonce: a replay", async () => {
    const r = await attest();
    expect(r.code).toBe(9);
    expect(r.json.attested).toBe(false);
    expect(r.json.fixedNonce).toBe(false);
    expect(r.json.nonce).toMatch(/^0x[0-9a-f]{64}$/);
    expect(r.json.nonce).not.toBe(FIXTURE_NONCE);
    expect(failureCodes(r.json)).toEqual(["NonceMismatch"]);
    expect(r.stderr).toMatch(/attestation failed for 1 of 1 GPU/);
    const again = await attest();
    expect(again.json.nonce).not.toBe(r.json.nonce);
  });

  it("gives a host without confidential computing the unavailable verdict, never a pass", async () => {
    sshd.useAttestation(unavailableJson("confidential computing is off on this machine"));
    try {
      const r = await attest(["--nonce", FIXTURE_NONCE]);
      expect(r.code).toBe(9);
      expect(r.json.error).toBeUndefined();
      expect(r.json.attested).toBe(false);
      expect(failureCodes(r.json)).toEqual(["ConfidentialComputingUnavailable"]);
      expect(r.json.gpus[0].headline).toMatch(/confidential computing is off/i);
    } finally {
      sshd.useAttestation(fixtureBundleJson());
    }
  });

  it("names malformed output, a host without the hook and mixed-up flags", async () => {
    sshd.useAttestation("Traceback (most recent call last):\n  ModuleNotFoundError\n");
    try {
      const garbage = await attest(["--nonce", FIXTURE_NONCE]);
      expect(garbage.code).toBe(9);
      expect(garbage.json.error.kind).toBe("MalformedBundle");
      sshd.useAttestation(JSON.stringify([{ format: "gridlease-attestation/1", report: "11e0" }]));
      const incomplete = await attest(["--nonce", FIXTURE_NONCE]);
      expect(incomplete.json.error.kind).toBe("MalformedBundle");
    } finally {
      sshd.useAttestation(fixtureBundleJson());
    }
    const missing = await attest(["--attest-command", "/opt/nowhere/gridlease-attest"]);
    expect(missing.code).toBe(9);
    expect(failureCodes(missing.json)).toEqual(["ConfidentialComputingUnavailable"]);
    expect(missing.json.gpus[0].verdict.failures[0].message).toMatch(/not installed on the host/);

    expect((await attest(["--throughput"])).code).toBe(2);
    expect((await attest(["--nonce", "931d"])).code).toBe(2);
    const noAttest = await run(BUYER_KEY, [
      "lease",
      "verify",
      leaseId,
      "--key",
      keyFile,
      "--nonce",
      FIXTURE_NONCE,
    ]);
    expect(noAttest.code).toBe(2);
    expect((await attest(["--rim", join(dir, "missing.xml")])).code).toBe(2);
  });

  it("lets a provider attest over SSH, and refuses to publish a report on another nonce", async () => {
    const access = await okJson(
      run(BUYER_KEY, ["lease", "access", "--lease", leaseId, "--key", keyFile]),
    );
    const sshKey = join(dir, "lease-ssh.key");
    writeFileSync(sshKey, access.access.key, { mode: 0o600 });
    const before = await chain.rpc("eth_blockNumber");
    const r = await run(PROVIDER_KEY, [
      "provider",
      "attest",
      offerId,
      "--host",
      `${access.access.user}@${sshd.host}:${sshd.port}`,
      "--ssh-key",
      sshKey,
      "--host-key",
      sshd.hostKeyFile,
    ]);
    // The host answers with NVIDIA's sample, which carries its own nonce, not the market's.
    expect(r.code, r.stderr).toBe(9);
    expect(r.json).toMatchObject({ published: false, attested: false });
    expect(r.json.nonce).not.toBe(FIXTURE_NONCE);
    expect(failureCodes(r.json)).toEqual(["NonceMismatch"]);
    expect(await chain.rpc("eth_blockNumber")).toBe(before);
  });

  it("names a host that is down", async () => {
    await agent.stop();
    await sshd.stop();
    const down = await attest(["--nonce", FIXTURE_NONCE]);
    expect(down.code).toBe(4);
    expect(down.json.error.kind).toBe("host-down");
  });
});
