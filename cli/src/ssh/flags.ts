/**
 * The SSH login flags of commands that log in to a provider's host themselves (`provider attest --host`,
 * `audit attest`): `--host USER@HOST[:PORT] --ssh-key FILE [--host-key FILE]`. The key files are read now, so a
 * bad flag fails before anything else.
 */
import { readFileSync } from "node:fs";
import { errorMessage, usage } from "../exit.ts";
import type { SshTarget } from "./session.ts";

/** The flags as parseArgs gives them. */
export interface SshFlags {
  host?: string;
  "ssh-key"?: string;
  "host-key"?: string;
}

/** The help lines of the flags, indented to `width`. */
export const sshFlagsHelp = (width: number) =>
  [
    `${"  --host USER@HOST[:PORT]".padEnd(width)}the machine to log in to over SSH (port 22 by default)`,
    `${"  --ssh-key FILE".padEnd(width)}the OpenSSH private key for --host`,
    `${"  --host-key FILE".padEnd(width)}the host's public key (e.g. /etc/ssh/ssh_host_ed25519_key.pub): pinned when given`,
  ].join("\n");

/** `user@host[:port]` -> its parts; a usage error naming the flag otherwise. */
function parseHostFlag(raw: string): { user: string; host: string; port: number } {
  const m = /^([^@\s]+)@([^:\s]+)(?::(\d{1,5}))?$/.exec(raw.trim());
  const port = Number(m?.[3] ?? 22);
  if (!m || port < 1 || port > 65535)
    throw usage(`--host must be USER@HOST or USER@HOST:PORT, got ${JSON.stringify(raw)}`);
  return { user: m[1], host: m[2], port };
}

function readKeyFile(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw usage(`${flag} ${file}: ${errorMessage(err)}`);
  }
}

/** The login the flags describe, or undefined without --host (then --ssh-key and --host-key are usage errors). */
export function sshTargetFromFlags(values: SshFlags): SshTarget | undefined {
  if (values.host === undefined) {
    if (values["ssh-key"] !== undefined || values["host-key"] !== undefined)
      throw usage("--ssh-key and --host-key only go with --host");
    return undefined;
  }
  const where = parseHostFlag(values.host);
  if (values["ssh-key"] === undefined) throw usage("--host needs --ssh-key FILE");
  return {
    ...where,
    key: readKeyFile(values["ssh-key"], "--ssh-key"),
    hostKey:
      values["host-key"] === undefined ? undefined : readKeyFile(values["host-key"], "--host-key"),
  };
}
