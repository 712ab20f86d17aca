/**
 * Harness for the CLI tests: a real `hardhat node` on a spare port with a freshly deployed market (the shared
 * scripts/lib/fixture.ts deployment), the `gridlease` command run as a child process, the provider agent as a
 * long-running child, and a TCP proxy the tests can cut to simulate an RPC outage.
 */
import { expect } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { bytesToHex, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deployMarket } from "../../scripts/lib/fixture.ts";
import {
  rpcReady,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "../../scripts/lib/services.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(ROOT, "cli", "bin", "gridlease.ts");
export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const SMI_FIXTURES = join(FIXTURES, "nvidia-smi");

const MNEMONIC = "test test test test test test test test test test test junk";
/** Hardhat's public test keys: 2 is the provider, 3 the buyer, 4 someone else (as in scripts/lib/fixture.ts). */
export const key = (index: number): Hex =>
  bytesToHex(mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey!);
export const PROVIDER_KEY = key(2);
export const BUYER_KEY = key(3);
export const OTHER_KEY = key(4);

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

/** Offer terms (region, token, price, durations, bond) shared by tests that need an offer but test none of them. */
export const OFFER_TERMS = [
  "--region",
  "AU-QLD",
  "--token",
  "tUSD",
  "--price",
  "2",
  "--min-duration",
  "1h",
  "--max-duration",
  "7d",
  "--min-bond",
  "1000",
];

export const tempDir = () => mkdtempSync(join(tmpdir(), "gridlease-cli-"));

export interface Chain {
  url: string;
  market: Address;
  usd: Address;
  grid: Address;
  node: Service;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** Moves chain time forward and mines a block. */
  advance(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startChain(): Promise<Chain> {
  const port = await sparePort();
  const url = `http://127.0.0.1:${port}`;
  const node = startService(
    "hardhat node",
    "npx",
    ["hardhat", "node", "--network", "devnode", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      env: { GRIDLEASE_GENESIS_DATE: "" },
    },
  );
  try {
    await waitUntilReady(node, () => rpcReady(url), 120_000);
    const connection = await network.create({ network: "localhost", override: { url } });
    const m = await deployMarket(connection);
    const rpc = async (method: string, params: unknown[] = []) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(body.error.message);
      return body.result;
    };
    return {
      url,
      market: m.market.address,
      usd: m.usd.address,
      grid: m.grid.address,
      node,
      rpc,
      async advance(seconds) {
        await rpc("evm_increaseTime", [seconds]);
        await rpc("evm_mine");
      },
      stop: () => stopService(node),
    };
  } catch (err) {
    await stopService(node);
    throw err;
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json: any;
}

/**
 * `gridlease … --json` against a test chain as the wallet `key`. `chain` is read at each call, since tests start it
 * in `beforeAll`; `rpcUrl` points at another endpoint (a proxy, a port where nothing listens).
 */
export const onChain =
  (chain: () => Chain) =>
  (key: string, args: string[], opts: { rpcUrl?: string; env?: NodeJS.ProcessEnv } = {}) =>
    cli([...args, "--rpc-url", opts.rpcUrl ?? chain().url, "--market", chain().market, "--json"], {
      env: { GRIDLEASE_PRIVATE_KEY: key, ...opts.env },
    });

/** Expects a run to exit 0 and returns its JSON output. */
export async function okJson(p: Promise<CliResult>) {
  const r = await p;
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r.json;
}

/** Runs `gridlease …` to completion. */
export function cli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        GRIDLEASE_PRIVATE_KEY: "",
        GRIDLEASE_CONFIG: "",
        XDG_CONFIG_HOME: join(tmpdir(), "gridlease-no-config"),
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.stdin.end(options.input ?? "");
    child.on("close", (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

export interface AgentProcess {
  child: ChildProcess;
  logs: Record<string, any>[];
  output: () => string;
  /** Resolves with the first log entry matching `match` (looking at entries from `since` on). */
  waitFor(
    match: (entry: Record<string, any>) => boolean,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<Record<string, any>>;
  exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export function startAgent(args: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const child = spawn(process.execPath, [BIN, "provider", "serve", ...args], {
    cwd: ROOT,
    env: { ...process.env, XDG_CONFIG_HOME: join(tmpdir(), "gridlease-no-config"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, any>[] = [];
  let raw = "";
  let buffer = "";
  child.stdout!.on("data", (d) => {
    raw += d;
    buffer += d;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line));
  });
  child.stderr!.on("data", (d) => (raw += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  let done = false;
  exited.then(() => (done = true));
  return {
    child,
    logs,
    output: () => raw,
    exited,
    async waitFor(match, { since = 0, timeoutMs = 90_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.slice(since).find(match);
        if (found) return found;
        if (done) throw new Error(`agent exited before the expected log entry:\n${raw}`);
        if (Date.now() > deadline) throw new Error(`expected log entry not seen:\n${raw}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!done) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (!done) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A TCP proxy on 127.0.0.1 in front of `target` that can be taken down and brought back on the same port. */
export async function startProxy(targetPort: number) {
  const port = await sparePort();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, "127.0.0.1");
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await up();
  return { url: `http://127.0.0.1:${port}`, up, down };
}
