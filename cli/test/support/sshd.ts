/**
 * A real OpenSSH server for the CLI tests: Debian's /usr/sbin/sshd in the foreground (-D) on a spare 127.0.0.1
 * port, with a temporary host key (ssh-keygen) and configuration, and the fake nvidia-smi and gridlease-attest of
 * ./bin first on the sessions' PATH. Tests that create Unix accounts go through `withAccounts`, which removes them even when the
 * test fails. Everything needs root (useradd, sshd): `sshdUnavailable()` says why it cannot run, for skipIf.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SSHD = "/usr/sbin/sshd";

// useradd, userdel and runuser live in the sbin directories, which a CI's minimal PATH may leave out; without this
// the sshd tests would skip there (and the hooks the agent runs would not find them).
process.env.PATH = [process.env.PATH, "/usr/local/sbin", "/usr/sbin", "/sbin"]
  .filter(Boolean)
  .join(":");
/** The fake nvidia-smi's directory. */
export const FAKE_BIN = fileURLToPath(new URL("./bin", import.meta.url));

/** Why these tests cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (useradd and sshd); CI runs as root";
  if (!existsSync(SSHD)) return `${SSHD} is missing (Debian's openssh-server; .ci/run installs it)`;
  if (spawnSync("which", ["useradd", "runuser", "ssh-keygen"]).status !== 0)
    return "useradd, runuser or ssh-keygen is missing";
  return undefined;
}

export interface Sshd {
  host: string;
  port: number;
  /** The host's public key line ("ssh-ed25519 AAAA…"). */
  hostKey: string;
  hostKeyFile: string;
  dir: string;
  /** The fake nvidia-smi's state: which fixture each account (or `default`) sees. */
  smiState: string;
  /** Environment for local runs of the probe (the hook's): the fake nvidia-smi first on PATH. */
  env: NodeJS.ProcessEnv;
  useFixture(name: string, user?: string): void;
  /** What the fake gridlease-attest prints for `user` (or everyone): a bundle array, the unavailable form, garbage. */
  useAttestation(output: string, user?: string): void;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Starts sshd on `port` (from the caller's range) and waits until it accepts connections. */
export async function startSshd(port: number): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), "gridlease-sshd-"));
  chmodSync(dir, 0o755);
  const smiState = join(dir, "smi");
  mkdirSync(join(smiState, "fixtures"), { recursive: true });
  chmodSync(smiState, 0o755);
  chmodSync(join(smiState, "fixtures"), 0o755);
  writeFileSync(join(smiState, "default"), "h100-sxm-8x\n", { mode: 0o644 });
  const hostKeyFile = join(dir, "host_ed25519");
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKeyFile], {
    stdio: "ignore",
  });
  const path = `${FAKE_BIN}:/usr/local/bin:/usr/bin:/bin`;
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKeyFile}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "AuthorizedKeysFile .ssh/authorized_keys",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PermitRootLogin no",
      "StrictModes yes",
      "LogLevel ERROR",
      `SetEnv PATH=${path} GRIDLEASE_FAKE_SMI_STATE=${smiState}`,
      "",
    ].join("\n"),
  );
  // Debian's sshd wants its privilege separation directory.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const deadline = Date.now() + 15_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: "127.0.0.1",
    port,
    hostKey: readFileSync(`${hostKeyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" "),
    hostKeyFile: `${hostKeyFile}.pub`,
    dir,
    smiState,
    env: {
      ...process.env,
      PATH: `${FAKE_BIN}:${process.env.PATH}`,
      GRIDLEASE_FAKE_SMI_STATE: smiState,
    },
    useFixture(name, user = "default") {
      writeFileSync(join(smiState, user), `${name}\n`, { mode: 0o644 });
    },
    useAttestation(output, user = "default") {
      mkdirSync(join(smiState, "attest"), { recursive: true, mode: 0o755 });
      writeFileSync(join(smiState, "attest", user), output, { mode: 0o644 });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes a Unix account and its processes and group (test cleanup; never fails). */
export function removeAccount(user: string) {
  spawnSync("pkill", ["-KILL", "-u", user]);
  spawnSync("userdel", ["--remove", user], { stdio: "ignore" });
  spawnSync("groupdel", [user], { stdio: "ignore" });
}

/** Whether a Unix account exists. */
export const accountExists = (user: string) =>
  spawnSync("id", ["-u", user], { stdio: "ignore" }).status === 0;
