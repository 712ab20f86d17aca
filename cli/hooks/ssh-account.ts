/**
 * The ssh-account provisioning hook: one Unix account per lease, reachable over the host's sshd with a key made
 * for the lease, with the lease's GPUs assigned to it through device-file permissions.
 *
 *   GRIDLEASE_HOOK=provision    stdin: the lease (the agent's hook input). Creates the account `<prefix><leaseId>`
 *                               and its private group, gives the group the next free GPUs of the config
 *                               (/dev/nvidiaN root:<group> 0660), generates an ed25519 key, authorises it, probes
 *                               the hardware as that account and prints the access details:
 *                               {host, port, user, key, hostKey, gpus, hardwareReportHash, label}.
 *   GRIDLEASE_HOOK=deprovision  kills every process of the account, gives the GPUs back (owner and mode as they
 *                               were), removes the account, its home and the lease's state.
 *
 * Both are idempotent per lease id: a second provision prints the same key and GPUs; a second deprovision does
 * nothing. It refuses to run (exit 3) unless it is root and its config file is root's and not writable by
 * others: the dedicated setup of docs/hardware-verification.md (a service user allowed this one command through
 * sudo). Exit codes: 0 done, 2 bad input, 3 refused, 4 no free GPUs, 5 a system command failed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  chmodSync,
  chownSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { hardwareReportHash, INVENTORY_LABEL } from "@gridlease/sdk";
import { probeLocally } from "../src/hardware/probe.ts";

/** The hook's configuration file (JSON), root's own. */
export interface SshAccountConfig {
  /** Host name or address buyers connect to. */
  host: string;
  port: number;
  /** The sshd host public key, sealed so that `lease verify` can pin it. */
  hostKeyFile: string;
  /** Minor numbers (/dev/nvidiaN) of the GPUs the agent may lease out. */
  gpus: number[];
  /** Where the nvidiaN device files are (default /dev). */
  deviceDir?: string;
  /** Where per-lease state lives (default /var/lib/gridlease/ssh-account), root-only. */
  stateDir?: string;
  /** Account names are `<prefix><leaseId>` (default "gl"). */
  accountPrefix?: string;
  /** Parent of the accounts' homes (default /home). */
  homeBase?: string;
  shell?: string;
  /** When set, the hook must be run through sudo by this user (SUDO_USER). */
  serviceUser?: string;
  /** Seal the hash of the hardware report probed as the lease's account (default true). */
  probe?: boolean;
  probeTimeoutMs?: number;
}

/** What the hook remembers about a lease (stateDir/<leaseId>/lease.json). */
interface LeaseState {
  user: string;
  gpus: number[];
  /** Each GPU device's owner and mode before the lease, restored at deprovisioning. */
  devices: { path: string; uid: number; gid: number; mode: number }[];
}

class HookError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

const CONFIG_PATH = process.env.GRIDLEASE_SSH_ACCOUNT_CONFIG ?? "/etc/gridlease/ssh-account.json";

// The account tools (useradd, userdel, pkill) live in the sbin directories, which a service's or CI's minimal PATH
// may leave out: look there too, after whatever PATH the hook was given.
process.env.PATH = [process.env.PATH, "/usr/local/sbin", "/usr/sbin", "/sbin"]
  .filter(Boolean)
  .join(":");

/** Reads the config after checking the dedicated setup: root, a root-owned config not writable by others. */
function loadConfig(): SshAccountConfig {
  if (process.getuid?.() !== 0)
    throw new HookError(
      3,
      "refusing to run: ssh-account must run as root, through the sudoers rule in docs/hardware-verification.md",
    );
  let st;
  try {
    st = statSync(CONFIG_PATH);
  } catch {
    throw new HookError(
      3,
      `refusing to run: no config at ${CONFIG_PATH} (see docs/hardware-verification.md)`,
    );
  }
  if (st.uid !== 0 || (st.mode & 0o022) !== 0)
    throw new HookError(
      3,
      `refusing to run: ${CONFIG_PATH} must be owned by root and writable by root only`,
    );
  let config: SshAccountConfig;
  try {
    config = JSON.parse(readFileSync(CONFIG_PATH, "utf8"));
  } catch {
    throw new HookError(2, `${CONFIG_PATH} is not JSON`);
  }
  if (config.serviceUser && process.env.SUDO_USER !== config.serviceUser)
    throw new HookError(
      3,
      `refusing to run: the config allows only ${config.serviceUser} through sudo`,
    );
  if (
    typeof config.host !== "string" ||
    !Number.isInteger(config.port) ||
    !Array.isArray(config.gpus)
  )
    throw new HookError(2, `${CONFIG_PATH} needs host, port and gpus`);
  return config;
}

function sh(command: string, args: string[], options: { allow?: number[] } = {}): string {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error) throw new HookError(5, `${command} failed: ${r.error.message}`);
  if (r.status !== 0 && !(options.allow ?? []).includes(r.status ?? -1))
    throw new HookError(
      5,
      `${command} ${args.join(" ")} exited with ${r.status}: ${r.stderr.trim()}`,
    );
  return r.stdout;
}

const userExists = (user: string) => spawnSync("id", ["-u", user]).status === 0;

async function readLease(): Promise<{ leaseId: string; gpuCount: number }> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  let lease: unknown;
  try {
    lease = JSON.parse(text);
  } catch {
    throw new HookError(2, "expected the lease as JSON on stdin");
  }
  const l = typeof lease === "object" && lease !== null ? (lease as Record<string, unknown>) : {};
  if (!/^\d+$/.test(String(l.leaseId))) throw new HookError(2, "the lease JSON has no leaseId");
  const units = Number(l.units ?? 1);
  const per = Number(l.gpusPerUnit ?? 0);
  if (!Number.isInteger(units) || !Number.isInteger(per) || units < 1 || per < 0)
    throw new HookError(2, "the lease JSON has no valid units and gpusPerUnit");
  return { leaseId: String(l.leaseId), gpuCount: units * per };
}

function paths(config: SshAccountConfig, leaseId: string) {
  const stateDir = config.stateDir ?? "/var/lib/gridlease/ssh-account";
  const dir = join(stateDir, leaseId);
  return { stateDir, dir, file: join(dir, "lease.json"), key: join(dir, "id_ed25519") };
}

/** GPUs held by other leases, from their state files. */
function gpusInUse(stateDir: string, except: string): Set<number> {
  const used = new Set<number>();
  if (!existsSync(stateDir)) return used;
  for (const id of readdirSync(stateDir)) {
    if (id === except) continue;
    try {
      const s: LeaseState = JSON.parse(readFileSync(join(stateDir, id, "lease.json"), "utf8"));
      s.gpus.forEach((g) => used.add(g));
    } catch {
      /* a lease dir without state holds nothing */
    }
  }
  return used;
}

async function provision(config: SshAccountConfig, leaseId: string, gpuCount: number) {
  const p = paths(config, leaseId);
  const user = `${config.accountPrefix ?? "gl"}${leaseId}`;
  const home = join(config.homeBase ?? "/home", user);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  chmodSync(p.stateDir, 0o700);
  let state: LeaseState;
  if (existsSync(p.file)) state = JSON.parse(readFileSync(p.file, "utf8"));
  else {
    const used = gpusInUse(p.stateDir, leaseId);
    const free = config.gpus.filter((g) => !used.has(g));
    if (free.length < gpuCount)
      throw new HookError(
        4,
        `lease ${leaseId} needs ${gpuCount} GPUs; ${free.length} of this host's ${config.gpus.length} are free`,
      );
    state = { user, gpus: free.slice(0, gpuCount), devices: [] };
    // Claim the GPUs before touching the system, so that a concurrent or retried run sees them taken.
    writeFileSync(p.file, JSON.stringify(state), { mode: 0o600 });
  }
  if (!userExists(user))
    sh("useradd", [
      "--create-home",
      "--home-dir",
      home,
      "--user-group",
      "--shell",
      config.shell ?? "/bin/bash",
      "--password",
      "*",
      "--comment",
      `gridlease lease ${leaseId}`,
      user,
    ]);
  if (!existsSync(p.key))
    sh("ssh-keygen", [
      "-q",
      "-t",
      "ed25519",
      "-N",
      "",
      "-C",
      `gridlease-lease-${leaseId}`,
      "-f",
      p.key,
    ]);
  const uid = Number(sh("id", ["-u", user]).trim());
  const gid = Number(sh("id", ["-g", user]).trim());
  const sshDir = join(home, ".ssh");
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(sshDir, "authorized_keys"), readFileSync(`${p.key}.pub`), { mode: 0o600 });
  for (const f of [sshDir, join(sshDir, "authorized_keys")]) chownSync(f, uid, gid);
  const deviceDir = config.deviceDir ?? "/dev";
  for (const minor of state.gpus) {
    const path = join(deviceDir, `nvidia${minor}`);
    if (!existsSync(path))
      throw new HookError(5, `${path} does not exist: is GPU ${minor} in the config present?`);
    if (!state.devices.some((d) => d.path === path)) {
      const st = statSync(path);
      state.devices.push({ path, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 });
      writeFileSync(p.file, JSON.stringify(state), { mode: 0o600 });
    }
    chownSync(path, 0, gid);
    chmodSync(path, 0o660);
  }
  let reportHash: string | undefined;
  if (config.probe !== false) {
    const report = await probeLocally({ asUser: user, timeoutMs: config.probeTimeoutMs ?? 60_000 });
    reportHash = hardwareReportHash(report);
  }
  const hostKey = readFileSync(config.hostKeyFile, "utf8")
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join(" ");
  return {
    host: config.host,
    port: config.port,
    user,
    key: readFileSync(p.key, "utf8"),
    hostKey,
    gpus: state.gpus,
    ...(reportHash ? { hardwareReportHash: reportHash, label: INVENTORY_LABEL } : {}),
  };
}

function deprovision(config: SshAccountConfig, leaseId: string) {
  const p = paths(config, leaseId);
  const user = `${config.accountPrefix ?? "gl"}${leaseId}`;
  if (userExists(user)) {
    // Everything the account left running, until nothing is left (new processes may fork while we kill).
    for (let i = 0; i < 20 && spawnSync("pgrep", ["-u", user]).status === 0; i++) {
      spawnSync("pkill", ["-KILL", "-u", user]);
      execFileSync("sleep", ["0.1"]);
    }
    sh("userdel", ["--remove", user], { allow: [12] }); // 12: home already gone
    if (spawnSync("getent", ["group", user]).status === 0) sh("groupdel", [user]);
  }
  if (existsSync(p.file)) {
    const state: LeaseState = JSON.parse(readFileSync(p.file, "utf8"));
    for (const d of state.devices) {
      if (!existsSync(d.path)) continue;
      chownSync(d.path, d.uid, d.gid);
      chmodSync(d.path, d.mode);
    }
  }
  rmSync(p.dir, { recursive: true, force: true });
}

async function main() {
  const kind = process.env.GRIDLEASE_HOOK;
  if (kind !== "provision" && kind !== "deprovision")
    throw new HookError(
      2,
      `GRIDLEASE_HOOK must be "provision" or "deprovision", got ${JSON.stringify(kind)}`,
    );
  const config = loadConfig();
  const { leaseId, gpuCount } = await readLease();
  if (kind === "deprovision") return deprovision(config, leaseId);
  process.stdout.write(`${JSON.stringify(await provision(config, leaseId, gpuCount))}\n`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`ssh-account: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof HookError ? err.exitCode : 5;
}
