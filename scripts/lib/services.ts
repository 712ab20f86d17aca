/**
 * Child processes for the dev stack: started in their own process groups so that stopping one stops everything
 * it started, waited on until ready, and stopped in reverse order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Service {
  name: string;
  child: ChildProcess;
  /** Last lines the service printed, for error messages. */
  tail: () => string;
  exited: Promise<number | null>;
}

/** Resolves when nothing listens on 127.0.0.1:`port`, rejects with a plain message when something does. */
export function ensurePortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === "EADDRINUSE"
            ? `Port ${port} on 127.0.0.1 is already in use, so the ${what} cannot start. Stop whatever holds it (another \`npm run dev\`?) or choose another port.`
            : `Cannot check port ${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Starts `command` in its own process group, keeping the last lines of its output. */
export function startService(
  name: string,
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    echo?: boolean;
    cwd?: string;
    /** Called with every non-empty line the service prints. */
    onLine?: (line: string) => void;
  } = {},
): Service {
  const child = spawn(command, args, {
    detached: true,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  const lines: string[] = [];
  const keep = (line: string) => {
    if (!line.trim()) return;
    lines.push(line);
    if (lines.length > 40) lines.shift();
    if (options.echo) console.log(`[${name}] ${line}`);
    options.onLine?.(line);
  };
  // A chunk may end mid-line: the rest of the line comes with the next chunk.
  const reader = () => {
    let partial = "";
    return {
      data: (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split("\n");
        partial = parts.pop() ?? "";
        parts.forEach(keep);
      },
      end: () => keep(partial),
    };
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    const r = reader();
    stream.on("data", r.data);
    stream.on("end", r.end);
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { name, child, tail: () => lines.join("\n"), exited };
}

/** Polls `probe` until it resolves true; fails early if the service exits, or after `timeoutMs`. */
export async function waitUntilReady(
  service: Service,
  probe: () => Promise<boolean>,
  timeoutMs: number,
) {
  let exitCode: number | null | undefined;
  service.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${service.name} exited (code ${exitCode}) before it was ready:\n${service.tail()}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} was not ready after ${timeoutMs / 1000} s:\n${service.tail()}`);
}

/** Stops a service's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopService(service: Service, graceMs = 5_000): Promise<void> {
  const pid = service.child.pid;
  if (pid === undefined || service.child.exitCode !== null || service.child.signalCode !== null)
    return;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), graceMs);
  await service.exited;
  clearTimeout(timer);
  kill("SIGKILL"); // grandchildren that ignored SIGTERM
}

/** True when `url` answers an HTTP GET with a 2xx status. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.ok;
}

/** A port the OS reports free on 127.0.0.1 right now (it may be taken again before you bind it). */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when a JSON-RPC endpoint answers eth_chainId. */
export async function rpcReady(url: string): Promise<boolean> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(2_000),
  });
  return res.ok && typeof ((await res.json()) as { result?: unknown }).result === "string";
}

/** The latest block a Ponder indexer has indexed (from its /status), or -1 before it has one. */
export async function indexedBlock(url: string): Promise<number> {
  const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) return -1;
  const status = (await res.json()) as Record<string, { block?: { number: number } }>;
  const chain = Object.values(status)[0];
  return chain?.block?.number ?? -1;
}
