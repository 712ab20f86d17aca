/**
 * Runs the SDK's hardware probe (PROBE_SCRIPT) on this machine or over SSH and builds the canonical report, and
 * runs the seeded throughput check (cli/hardware-check/throughput.py) over SSH. Parsing and checks live in the
 * SDK (sdk/src/hardware); this file only moves bytes.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildHardwareReport,
  checkThroughput,
  HardwareReportError,
  parseThroughputResponse,
  PROBE_SCRIPT,
  type HardwareReport,
  type ThroughputRequest,
  type ThroughputVerdict,
} from "@gridlease/sdk";
import { SshError, type SshSession } from "../ssh/session.ts";

/** The throughput check program the buyer sends to the machine (Python 3; PyTorch with CUDA when present). */
export const THROUGHPUT_PROGRAM = fileURLToPath(
  new URL("../../hardware-check/throughput.py", import.meta.url),
);

/** Runs the probe on this machine (as `asUser` through runuser when given, so root sees what that account sees). */
export function probeLocally(
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; asUser?: string } = {},
): Promise<HardwareReport> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const [command, args] = options.asUser
    ? ["runuser", ["-u", options.asUser, "--", "sh", "-c", PROBE_SCRIPT]]
    : ["sh", ["-c", PROBE_SCRIPT]];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, env: options.env ?? process.env, maxBuffer: 64 << 20 },
      (err, stdout) => {
        if (err?.killed)
          return reject(
            new SshError(
              "command-timeout",
              `the hardware probe did not finish within ${timeoutMs / 1000} s`,
            ),
          );
        try {
          resolve(buildHardwareReport(stdout));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

/** Runs the probe over an SSH session and builds the report the machine gives of itself. */
export async function probeOverSsh(
  session: SshSession,
  timeoutMs: number,
): Promise<HardwareReport> {
  const { stdout } = await session.exec(PROBE_SCRIPT, { timeoutMs });
  return buildHardwareReport(stdout);
}

/** Sends the seeded throughput check over SSH and checks its answer against the listing. */
export async function throughputOverSsh(
  session: SshSession,
  args: {
    request: ThroughputRequest;
    listedModel: string;
    expectedGpus: number;
    timeoutMs: number;
  },
): Promise<ThroughputVerdict> {
  const started = performance.now();
  // The program comes on stdin (`python3 -`), the request as its one argument: nothing is written to the machine.
  const request = JSON.stringify(args.request).replaceAll("'", "");
  const { stdout, stderr, code } = await session.exec(`python3 - '${request}'`, {
    stdin: readFileSync(THROUGHPUT_PROGRAM, "utf8"),
    timeoutMs: args.timeoutMs,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0 && stdout.trim() === "")
    throw new HardwareReportError(
      "malformed-throughput",
      `the throughput check failed on the machine (exit ${code}): ${stderr.trim().split("\n").slice(-2).join(" ")}`,
    );
  const response = parseThroughputResponse(stdout, args.request);
  return checkThroughput({ ...args, response, wallSeconds });
}
