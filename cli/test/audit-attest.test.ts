/**
 * `gridlease audit attest` over a real sshd: the auditor logs in to the offer's machine (here with a lease's SSH
 * login, which the shipped ssh-account hook made), runs lease verify's hardware probe (the fake nvidia-smi prints
 * the H100 fixture) and attests Pass with the report's hash; a machine with one GPU missing gets a Fail attested;
 * --dry-run attests nothing; a host that is down is refused with plain words and nothing is sent.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeAudit, getEasAttestation } from "@gridlease/sdk/eas";
import { BUYER_KEY, key, okJson, PROVIDER_KEY, sparePort } from "./support.ts";
import { sshdUnavailable } from "./support/sshd.ts";
import { startSshHost, type SshHost } from "./support/sshHost.ts";
import { nonceOf, startAttestations, type Attestations } from "./support/eas.ts";

const PREFIX = "glaudit";
const AUDITOR_KEY = key(17);
const AUDITOR = privateKeyToAccount(AUDITOR_KEY).address;
const skip = sshdUnavailable();

let host: SshHost;
let eas: Attestations;
let login: string[];
let account: string;

const attest = (extra: string[], hostFlags = login) =>
  host.run(AUDITOR_KEY, ["audit", "attest", host.offerId, ...hostFlags, ...extra], {
    env: eas.env,
  });

describe.skipIf(skip)("gridlease audit attest over a real sshd", () => {
  beforeAll(async () => {
    host = await startSshHost({ accountPrefix: PREFIX });
    eas = await startAttestations(host.chain);
    const leaseId = await host.openLease();
    await host.activated(leaseId);
    account = host.account(leaseId);
    const access = await okJson(
      host.run(BUYER_KEY, ["lease", "access", "--lease", leaseId, "--key", host.keyFile]),
    );
    const keyFile = join(host.dir, "auditor-ssh.key");
    writeFileSync(keyFile, access.access.key, { mode: 0o600 });
    const { user, host: hostname, port } = access.access;
    login = [
      "--host",
      `${user}@${hostname}:${port}`,
      "--ssh-key",
      keyFile,
      "--host-key",
      host.sshd.hostKeyFile,
    ];
  });

  afterAll(async () => {
    await host?.stop();
  });

  const read = async (uid: Hex) => {
    const client = createPublicClient({ transport: http(host.chain.url) });
    return getEasAttestation(client, { deployment: eas.deployment, uid });
  };

  it("probes the machine and attests Pass with the report's hash, valid for the time asked", async () => {
    const dry = await okJson(attest(["--dry-run"]));
    expect(dry).toMatchObject({ verdict: "Pass", attested: false, differences: [] });
    const r = await okJson(attest(["--valid-for", "7d"]));
    expect(r).toMatchObject({
      offerId: host.offerId,
      verdict: "Pass",
      attested: true,
      auditor: AUDITOR,
      hardwareReportHash: dry.hardwareReportHash,
      listed: { gpuModel: "H100-SXM-80GB", gpuCount: 8 },
    });
    const a = await read(r.uid);
    expect(a).toMatchObject({
      attester: AUDITOR,
      recipient: privateKeyToAccount(PROVIDER_KEY).address,
    });
    expect(a!.expirationTime).toBe(BigInt(r.validUntil));
    expect(decodeAudit(a!.data)).toEqual({
      offerId: BigInt(host.offerId),
      hardwareReportHash: dry.hardwareReportHash,
      verdict: 1,
      validUntil: BigInt(r.validUntil),
    });
  });

  it("attests Fail, with the differences, for a machine that is not what the offer lists", async () => {
    host.sshd.useFixture("h100-sxm-7of8", account);
    try {
      const r = await okJson(attest([]));
      expect(r.verdict).toBe("Fail");
      expect(r.differences.map((d: { field: string }) => d.field)).toContain("gpus.count");
      expect(decodeAudit((await read(r.uid))!.data).verdict).toBe(2);
    } finally {
      rmSync(join(host.sshd.smiState, account), { force: true });
    }
  });

  it("refuses bad flags, an unknown offer and a host that is down, sending nothing", async () => {
    expect((await attest([], [])).code).toBe(2);
    expect((await attest(["--valid-for", "soon"])).code).toBe(2);
    expect((await attest([], ["--host", "nobody", "--ssh-key", "x"])).code).toBe(2);
    const before = await nonceOf(host.chain, AUDITOR);
    const unknown = await host.run(AUDITOR_KEY, ["audit", "attest", "99", ...login], {
      env: eas.env,
    });
    expect(unknown.code).toBe(7);
    const closed = await sparePort();
    const down = await attest(
      [],
      ["--host", `auditor@127.0.0.1:${closed}`, "--ssh-key", login[3]!],
    );
    expect(down.code).toBe(4);
    expect(down.json.error.kind).toBe("host-down");
    expect(down.json.error.message).toMatch(
      /Cannot reach auditor@127\.0\.0\.1:\d+: ECONNREFUSED.*nothing was attested/,
    );
    expect(await nonceOf(host.chain, AUDITOR)).toBe(before);
  });
});
