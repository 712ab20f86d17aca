/**
 * Runs a host's attestation hook (`gridlease-attest --nonce <64 hex>`, shipped as cli/hooks/nvidia-attest) over an
 * SSH session or on this machine, and reads what it printed: a JSON array of bundles, one per GPU, or one bundle
 * object (the "unavailable" form). The bundles themselves are parsed by the SDK's parseAttestationBundle; this file
 * only moves bytes and names what went wrong.
 */
import { execFile } from "node:child_process";
import type { Hex } from "viem";
import {
  AttestationInputError,
  parseAttestationBundle,
  type AttestationBundle,
} from "@gridlease/sdk/attestation";
import { CliError, errorMessage, EXIT } from "../exit.ts";
import { sshTargetFromFlags, type SshFlags } from "../ssh/flags.ts";
import {
  sshCliError,
  SshError,
  SshSession,
  type ExecResult,
  type SshTarget,
} from "../ssh/session.ts";
import { hookNonceArgument } from "./nonce.ts";

/** The hook's name on a provider's host (cli/hooks/nvidia-attest installed on the PATH). */
export const DEFAULT_ATTEST_COMMAND = "gridlease-attest";

/** The shell command line that asks `command` for a report on `nonce`. */
export const hookCommandLine = (command: string, nonce: Hex): string =>
  `${command} --nonce ${hookNonceArgument(nonce)}`;

const malformed = (what: string) =>
  new CliError(
    EXIT.ATTESTATION_FAILED,
    `The attestation output (gridlease-attest's JSON) is malformed: ${what}`,
    "MalformedBundle",
  );

/** The hook's stdout -> bundles (at least one); a CliError "MalformedBundle" (exit 9) for anything else. */
export function parseHookBundles(stdout: string): AttestationBundle[] {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    const start = stdout.trim().slice(0, 60);
    throw malformed(
      start === "" ? "it printed nothing" : `it is not JSON (it starts ${JSON.stringify(start)})`,
    );
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw malformed("an empty array (no GPU)");
  return items.map((item, gpu) => {
    try {
      return parseAttestationBundle(JSON.stringify(item));
    } catch (err) {
      if (err instanceof AttestationInputError)
        throw malformed(items.length > 1 ? `GPU ${gpu}: ${err.message}` : err.message);
      throw err;
    }
  });
}

/** A finished hook run -> bundles. A hook that is not installed is a host that cannot attest, never an error to retry. */
export function readHookResult(command: string, result: ExecResult): AttestationBundle[] {
  const stderr = result.stderr.trim().split("\n").slice(-2).join(" ");
  if (result.code === 127)
    return [
      {
        kind: "unavailable",
        reason: `\`${command}\` is not installed on the host (${stderr || "command not found"})`,
      },
    ];
  if (result.code !== 0)
    throw new CliError(
      EXIT.ATTESTATION_FAILED,
      `The attestation hook failed on the host (exit ${result.code}): ${stderr || "no message"}`,
      "attest-hook-failed",
    );
  return parseHookBundles(result.stdout);
}

/** Logs in to `target`, runs the hook there and logs out; SSH failures stay SshErrors for the caller to map. */
export async function attestOverSsh(
  target: SshTarget,
  command: string,
  nonce: Hex,
  timeoutMs: number,
): Promise<AttestationBundle[]> {
  const session = await SshSession.connect(target, timeoutMs);
  try {
    const result = await session.exec(hookCommandLine(command, nonce), { timeoutMs });
    return readHookResult(command, result);
  } finally {
    session.close();
  }
}

/** Runs the hook on this machine (`sh -c`), for a provider attesting the host it runs on. */
export function attestLocally(
  command: string,
  nonce: Hex,
  timeoutMs: number,
): Promise<AttestationBundle[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "sh",
      ["-c", hookCommandLine(command, nonce)],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err?.killed)
          return reject(
            new CliError(
              EXIT.UNREACHABLE,
              `\`${command}\` did not finish within ${timeoutMs / 1000} s`,
              "command-timeout",
            ),
          );
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        if (err && code === null)
          return reject(
            new CliError(EXIT.INTERNAL, `Cannot run \`${command}\`: ${errorMessage(err)}`),
          );
        try {
          resolve(readHookResult(command, { stdout, stderr, code }));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

/** Asks a host's GPUs for reports on a nonce (the hook run here or over SSH, as the command's flags say). */
export type HookRunner = (nonce: Hex) => Promise<AttestationBundle[]>;

/**
 * The runner the flags ask for: `--command CMD` (default gridlease-attest) here, or on `--host` over SSH with
 * `--ssh-key` (and `--host-key`, pinned). Reads the key files now, so bad flags fail before anything else.
 */
export function hookRunner(
  values: SshFlags & { command?: string },
  timeoutMs: number,
): { describe: string; run: HookRunner } {
  const command = values.command ?? DEFAULT_ATTEST_COMMAND;
  const target = sshTargetFromFlags(values);
  if (!target)
    return {
      describe: `\`${command}\` on this machine`,
      run: (nonce) => attestLocally(command, nonce, timeoutMs),
    };
  return {
    describe: `\`${command}\` on ${target.user}@${target.host}:${target.port}`,
    run: (nonce) =>
      attestOverSsh(target, command, nonce, timeoutMs).catch((err: unknown) => {
        throw err instanceof SshError ? sshCliError(err) : err;
      }),
  };
}
