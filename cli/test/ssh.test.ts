/**
 * The ssh-account hook and the probe over SSH, against a real OpenSSH server (support/sshd.ts): the hook makes a
 * per-lease account holding a fresh key and the lease's GPUs, idempotently; the probe over SSH gives the report
 * whose hash the hook sealed; the throughput check runs there in CPU mode; deprovisioning kills what the account
 * left running and removes it. Failures each get their named error: a host that is down, a key it refuses, a
 * host key that is not the sealed one, a probe that times out, a malformed report, a hook outside its setup.
 * Accounts made here are removed in afterEach/afterAll, even when a test fails.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HardwareReportError, hardwareReportHash, newThroughputRequest } from "@gridlease/sdk";
import { probeOverSsh, throughputOverSsh } from "../src/hardware/probe.ts";
import { SshError, SshSession, type SshTarget } from "../src/ssh/session.ts";
import {
  accountExists,
  removeAccount,
  sshdUnavailable,
  startSshd,
  type Sshd,
} from "./support/sshd.ts";

const HOOK = fileURLToPath(new URL("../hooks/ssh-account", import.meta.url));
const SSHD_PORT = 46100;
const DEAD_PORT = 46101;
const PREFIX = "gltest";
const skip = sshdUnavailable();

let sshd: Sshd;
let dir: string;
let configPath: string;
const made = new Set<string>();

interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: SshTarget & { gpus: number[]; hardwareReportHash?: string; label?: string };
}

function hook(
  kind: string,
  lease: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): Promise<HookRun> {
  made.add(`${PREFIX}${String(lease.leaseId)}`);
  return new Promise((resolve) => {
    const child = spawn(HOOK, [], {
      env: { ...sshd.env, GRIDLEASE_HOOK: kind, GRIDLEASE_SSH_ACCOUNT_CONFIG: configPath, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(JSON.stringify(lease));
    child.on("close", (code) => {
      let json;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** Fake /dev/nvidia0..7 as the driver leaves them by default: root:root 0666. */
function resetDevices() {
  for (let i = 0; i < 8; i++) {
    const path = join(dir, "dev", `nvidia${i}`);
    writeFileSync(path, "");
    chownSync(path, 0, 0);
    chmodSync(path, 0o666);
  }
}

const lease = (id: number, gpusPerUnit = 4) => ({
  leaseId: String(id),
  units: "1",
  gpusPerUnit: String(gpusPerUnit),
});

async function expectSshError(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SshError);
  expect((err as SshError).code).toBe(code);
  return (err as SshError).message;
}

describe.skipIf(skip)("ssh-account hook and the probe over a real sshd", () => {
  beforeAll(async () => {
    sshd = await startSshd(SSHD_PORT);
    dir = mkdtempSync(join(tmpdir(), "gridlease-ssh-account-"));
    mkdirSync(join(dir, "dev"));
    resetDevices();
    configPath = join(dir, "ssh-account.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        host: sshd.host,
        port: sshd.port,
        hostKeyFile: sshd.hostKeyFile,
        gpus: [0, 1, 2, 3, 4, 5, 6, 7],
        deviceDir: join(dir, "dev"),
        stateDir: join(dir, "state"),
        accountPrefix: PREFIX,
      }),
      { mode: 0o600 },
    );
  });

  afterEach(() => {
    // Whatever a test left (even when it failed): accounts, their processes, the hook's state, the devices.
    for (const user of made) if (accountExists(user)) removeAccount(user);
    made.clear();
    rmSync(join(dir, "state"), { recursive: true, force: true });
    resetDevices();
    sshd.useFixture("h100-sxm-8x");
  });

  afterAll(async () => {
    for (const user of made) removeAccount(user);
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("provisions an account with a fresh key and the lease's GPUs, seals the report hash the buyer then probes", async () => {
    const first = await hook("provision", lease(1));
    expect(first.code, first.stderr).toBe(0);
    const details = first.json;
    expect(details).toMatchObject({
      host: "127.0.0.1",
      port: SSHD_PORT,
      user: `${PREFIX}1`,
      gpus: [0, 1, 2, 3],
      hostKey: sshd.hostKey,
      label: "provider-reported inventory",
    });
    expect(details.key).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    expect(JSON.stringify(details).length).toBeLessThan(1500);
    const gid = Number(spawnSync("id", ["-g", `${PREFIX}1`], { encoding: "utf8" }).stdout);
    for (const n of [0, 3]) {
      const st = statSync(join(dir, "dev", `nvidia${n}`));
      expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }).toEqual({
        uid: 0,
        gid,
        mode: 0o660,
      });
    }
    expect(statSync(join(dir, "dev", "nvidia4")).mode & 0o777).toBe(0o666);

    // Idempotent: the same account, key and GPUs.
    const again = await hook("provision", lease(1));
    expect(again.json).toEqual(details);

    const session = await SshSession.connect(details);
    try {
      const report = await probeOverSsh(session, 30_000);
      expect(report.gpus).toHaveLength(8);
      expect(hardwareReportHash(report)).toBe(details.hardwareReportHash);
      const whoami = await session.exec("id -un", { timeoutMs: 10_000 });
      expect(whoami.stdout.trim()).toBe(`${PREFIX}1`);
    } finally {
      session.close();
    }
  });

  it("gives the next lease the next free GPUs and refuses a lease the host cannot hold", async () => {
    expect((await hook("provision", lease(2))).json.gpus).toEqual([0, 1, 2, 3]);
    expect((await hook("provision", lease(3))).json.gpus).toEqual([4, 5, 6, 7]);
    const full = await hook("provision", lease(4, 1));
    expect(full.code).toBe(4);
    expect(full.stderr).toMatch(/needs 1 GPUs; 0 of this host's 8 are free/);
    expect(accountExists(`${PREFIX}4`)).toBe(false);
  });

  it("deprovisions: kills what the account left running, gives the GPUs back, removes the account; twice is fine", async () => {
    const p = await hook("provision", lease(5));
    expect(p.code, p.stderr).toBe(0);
    const user = `${PREFIX}5`;
    const bg = spawn("runuser", ["-u", user, "--", "sh", "-c", "sleep 300 & sleep 300"], {
      detached: true,
      stdio: "ignore",
    });
    bg.unref();
    await new Promise((r) => setTimeout(r, 300));
    expect(spawnSync("pgrep", ["-u", user]).status).toBe(0);
    const d = await hook("deprovision", { ...lease(5), reason: "expired" });
    expect(d.code, d.stderr).toBe(0);
    expect(accountExists(user)).toBe(false);
    expect(spawnSync("pgrep", ["-u", user]).status).not.toBe(0);
    for (const n of [0, 3]) {
      const st = statSync(join(dir, "dev", `nvidia${n}`));
      expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }).toEqual({
        uid: 0,
        gid: 0,
        mode: 0o666,
      });
    }
    expect((await hook("deprovision", lease(5))).code).toBe(0);
    // Its GPUs are free again.
    expect((await hook("provision", lease(6))).json.gpus).toEqual([0, 1, 2, 3]);
  });

  it("refuses to run outside its dedicated setup and refuses bad input", async () => {
    const loose = join(dir, "loose.json");
    writeFileSync(loose, readFileSync(configPath));
    chmodSync(loose, 0o666);
    const r1 = await hook("provision", lease(7), { GRIDLEASE_SSH_ACCOUNT_CONFIG: loose });
    expect(r1.code).toBe(3);
    expect(r1.stderr).toMatch(/must be owned by root and writable by root only/);
    const r2 = await hook("provision", lease(7), {
      GRIDLEASE_SSH_ACCOUNT_CONFIG: join(dir, "none.json"),
    });
    expect(r2.code).toBe(3);
    const strict = join(dir, "strict.json");
    writeFileSync(
      strict,
      JSON.stringify({ ...JSON.parse(readFileSync(configPath, "utf8")), serviceUser: "gridlease" }),
      { mode: 0o600 },
    );
    const r3 = await hook("provision", lease(7), {
      GRIDLEASE_SSH_ACCOUNT_CONFIG: strict,
      SUDO_USER: "",
    });
    expect(r3.code).toBe(3);
    expect(r3.stderr).toMatch(/only gridlease through sudo/);
    const r4 = await hook("provision", { leaseId: "x" });
    expect(r4.code).toBe(2);
    const r5 = await hook("unknown", lease(7));
    expect(r5.code).toBe(2);
    expect(accountExists(`${PREFIX}7`)).toBe(false);
  });

  it("fails provisioning (so the lease is never activated) when the machine's report is malformed", async () => {
    writeFileSync(join(sshd.smiState, "fixtures", "broken.xml"), "<nvidia_smi_log><gpu>");
    writeFileSync(join(sshd.smiState, "fixtures", "broken.topo.txt"), "");
    sshd.useFixture("broken");
    const r = await hook("provision", lease(8));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/malformed XML/);
  });

  describe("named SSH errors", () => {
    let details: HookRun["json"];
    beforeAll(async () => {
      const r = await hook("provision", lease(9));
      expect(r.code, r.stderr).toBe(0);
      details = r.json;
    });
    afterAll(() => removeAccount(`${PREFIX}9`));
    // The outer afterEach removes accounts after each test: provision again when needed.
    const fresh = async () => (await hook("provision", lease(9))).json;

    it("a host that is down", async () => {
      expect(
        await expectSshError(
          SshSession.connect({ ...details, port: DEAD_PORT }, 5_000),
          "host-down",
        ),
      ).toMatch(/ECONNREFUSED/);
    });

    it("a key the host refuses", async () => {
      const other = (await hook("provision", lease(10))).json;
      const d = await fresh();
      await expectSshError(SshSession.connect({ ...d, key: other.key }, 10_000), "refused");
    });

    it("a host key that is not the sealed one", async () => {
      const d = await fresh();
      const other = spawnSync(
        "sh",
        ["-c", `ssh-keygen -q -t ed25519 -N '' -f ${dir}/other && cat ${dir}/other.pub`],
        { encoding: "utf8" },
      ).stdout;
      await expectSshError(
        SshSession.connect({ ...d, hostKey: other }, 10_000),
        "host-key-mismatch",
      );
    });

    it("a probe that times out, and a malformed report over SSH", async () => {
      const d = await fresh();
      const session = await SshSession.connect(d);
      try {
        sshd.useFixture("hang", d.user);
        await expectSshError(probeOverSsh(session, 1_500), "command-timeout");
        writeFileSync(join(sshd.smiState, "fixtures", "broken.xml"), "<nvidia_smi_log><gpu>");
        writeFileSync(join(sshd.smiState, "fixtures", "broken.topo.txt"), "");
        sshd.useFixture("broken", d.user);
        const err = await probeOverSsh(session, 30_000).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HardwareReportError);
        expect((err as HardwareReportError).code).toBe("malformed-xml");
      } finally {
        rmSync(join(sshd.smiState, d.user), { force: true });
        session.close();
      }
    });

    it("runs the seeded throughput check in CPU mode and checks sampled rows", async () => {
      const d = await fresh();
      const session = await SshSession.connect(d);
      try {
        const request = newThroughputRequest({ gpus: 2, n: 24, iterations: 1, device: "cpu" });
        const v = await throughputOverSsh(session, {
          request,
          listedModel: "H100-SXM-80GB",
          expectedGpus: 2,
          timeoutMs: 60_000,
        });
        expect(v.device).toBe("cpu");
        expect(v.gpus.map((g) => g.rowsWrong)).toEqual([[], []]);
        expect(v.gpus.every((g) => g.rowsChecked === 4)).toBe(true);
        expect(v.note).toMatch(/CPU mode/);
      } finally {
        session.close();
      }
    });
  });
});
