/**
 * An SSH session to a leased machine, with the maintained `ssh2` library: connect with the private key from the
 * access details, pin the host key when the provider sealed one, run commands with a deadline. Every failure is
 * an SshError with a code a person (and a test) can tell apart: the host is down, it refused us, it is not the
 * host that was sealed, a command timed out.
 */
import { Client, type ConnectConfig } from "ssh2";
import { CliError, errorCode, errorMessage, EXIT } from "../exit.ts";

/** Why an SSH step failed. */
export type SshErrorCode =
  | "host-down"
  | "refused"
  | "host-key-mismatch"
  | "handshake-timeout"
  | "command-timeout"
  | "bad-access-details";

/** A failed SSH step, with a message fit to show a person. */
export class SshError extends Error {
  override name = "SshError";
  readonly code: SshErrorCode;

  constructor(code: SshErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** An SSH failure as the CLI reports it: not the sealed host 8, a refused key or unusable details 5, else unreachable 4. */
export function sshCliError(err: SshError): CliError {
  const exit =
    err.code === "host-key-mismatch"
      ? EXIT.MISMATCH
      : err.code === "refused" || err.code === "bad-access-details"
        ? EXIT.CONFIG
        : EXIT.UNREACHABLE;
  return new CliError(exit, err.message, err.code);
}

/** Where and how to log in (the fields of the sealed access details that SSH needs). */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** OpenSSH private key. */
  key: string;
  /** The host's public key as an OpenSSH line ("ssh-ed25519 AAAA… [comment]"); pinned when given. */
  hostKey?: string;
}

/** A command's outcome. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** The key blob of an OpenSSH public key line. */
function keyBlob(line: string): Buffer {
  const [, b64] = line.trim().split(/\s+/);
  if (!b64)
    throw new SshError(
      "bad-access-details",
      "the sealed host key is not an OpenSSH public key line",
    );
  return Buffer.from(b64, "base64");
}

/** An open connection; close it when done. */
export class SshSession {
  private readonly client: Client;
  readonly target: SshTarget;

  private constructor(client: Client, target: SshTarget) {
    this.client = client;
    this.target = target;
  }

  /** Connects and authenticates, or throws an SshError within `timeoutMs`. */
  static connect(target: SshTarget, timeoutMs = 20_000): Promise<SshSession> {
    const pinned = target.hostKey ? keyBlob(target.hostKey) : undefined;
    let hostKeyRejected = false;
    return new Promise((resolve, reject) => {
      const client = new Client();
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey: target.key,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          hostKeyRejected = pinned !== undefined && !pinned.equals(key);
          return !hostKeyRejected;
        },
      };
      client.once("ready", () => resolve(new SshSession(client, target)));
      client.once("error", (err: Error & { level?: string }) => {
        client.end();
        const where = `${target.user}@${target.host}:${target.port}`;
        const code = errorCode(err);
        if (hostKeyRejected)
          reject(
            new SshError(
              "host-key-mismatch",
              `${where} is not the host sealed in the access details (its host key differs)`,
            ),
          );
        else if (
          code &&
          [
            "ECONNREFUSED",
            "EHOSTUNREACH",
            "ENETUNREACH",
            "ENOTFOUND",
            "EAI_AGAIN",
            "ECONNRESET",
          ].includes(code)
        )
          reject(
            new SshError(
              "host-down",
              `Cannot reach ${where}: ${code} (the machine is down or not listening)`,
            ),
          );
        else if (err.level === "client-authentication")
          reject(
            new SshError("refused", `${where} refused the lease's key (authentication failed)`),
          );
        else if (err.level === "client-timeout")
          reject(
            new SshError(
              "handshake-timeout",
              `${where} did not complete the SSH handshake within ${timeoutMs / 1000} s`,
            ),
          );
        else reject(new SshError("host-down", `SSH to ${where} failed: ${errorMessage(err)}`));
      });
      try {
        client.connect(config);
      } catch (err) {
        reject(
          new SshError(
            "bad-access-details",
            `Cannot use the access details for SSH: ${errorMessage(err)}`,
          ),
        );
      }
    });
  }

  /** Runs a command (optionally feeding stdin); an SshError("command-timeout") after `timeoutMs`. */
  exec(command: string, options: { stdin?: string; timeoutMs: number }): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err)
          return reject(new SshError("host-down", `Cannot run a command over SSH: ${err.message}`));
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
          stream.close();
          reject(
            new SshError(
              "command-timeout",
              `\`${command.split("\n")[0].slice(0, 60)}\` did not finish within ${options.timeoutMs / 1000} s on ${this.target.host}`,
            ),
          );
        }, options.timeoutMs);
        stream.on("data", (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        stream.on("close", (code: number | null) => {
          clearTimeout(timer);
          resolve({ stdout, stderr, code });
        });
        stream.end(options.stdin ?? "");
      });
    });
  }

  /** Ends the connection (and any command still running on it). */
  close() {
    this.client.end();
  }
}

/** The SSH login in opened access details, or a plain error when the provider sealed no SSH key. */
export function sshTargetOf(
  leaseId: bigint,
  d: { host: string; port: number; user: string; key?: unknown; hostKey?: unknown },
  command: string,
): SshTarget {
  if (typeof d.key !== "string" || d.key === "")
    throw new CliError(
      EXIT.CONFIG,
      `Lease #${leaseId}'s access details carry no SSH key (token access): ${command} needs SSH access.`,
      "no-ssh-key",
    );
  return {
    host: d.host,
    port: d.port,
    user: d.user,
    key: d.key,
    hostKey: typeof d.hostKey === "string" ? d.hostKey : undefined,
  };
}
