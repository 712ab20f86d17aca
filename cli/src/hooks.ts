/**
 * Operator hooks of the provider agent. A hook is a shell command (`sh -c`): it gets the lease as one JSON
 * document on stdin and GRIDLEASE_LEASE_ID / GRIDLEASE_HOOK in its environment. The provisioning hook prints the
 * connection details as JSON on stdout ({ host, port, user, key | token, …}); a non-zero exit, a timeout or
 * output that is not such JSON is a failure. The health hook (GRIDLEASE_HOOK=health) runs for a lease with an
 * open outage: exit 0 means healthy, and it may print new connection details the same way. Hooks must be
 * idempotent per lease id: after a crash between a hook and the activation, the agent runs the hook again.
 */
import { spawn } from "node:child_process";
import { toJson } from "./output.ts";

export interface HookResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  /** Last lines of stderr, for the log (hooks should not print secrets there). */
  stderr: string;
  error?: string;
}

export function runHook(
  command: string,
  kind: "provision" | "deprovision" | "health",
  input: Record<string, unknown>,
  timeoutMs: number,
): Promise<HookResult> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], {
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        GRIDLEASE_LEASE_ID: String(input.leaseId),
        GRIDLEASE_HOOK: kind,
        GRIDLEASE_PRIVATE_KEY: "",
        GRIDLEASE_KEYSTORE_PASSWORD: "",
      },
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.stdin.on("error", () => {}); // a hook that does not read stdin
    child.stdin.end(`${toJson(input)}\n`);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, code: null, stdout, stderr, error: err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const error = timedOut
        ? `timed out after ${timeoutMs / 1000} s`
        : code !== 0
          ? `exited with code ${code}`
          : undefined;
      resolve({
        ok: error === undefined,
        code,
        stdout,
        stderr: stderr.trim().split("\n").slice(-5).join("\n"),
        error,
      });
    });
  });
}

/** The connection details a provisioning hook printed: the whole stdout, or its last line, as a JSON object. */
export function parseHookOutput(stdout: string): Record<string, unknown> {
  const text = stdout.trim();
  const candidates = [text, text.split("\n").pop() ?? ""];
  for (const c of candidates) {
    try {
      const value = JSON.parse(c);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
    } catch {
      /* next */
    }
  }
  throw new Error("the provisioning hook did not print a JSON object on stdout");
}
