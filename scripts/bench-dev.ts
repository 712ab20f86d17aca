/**
 * `npm run bench:dev`: how long `npm run dev` takes to be ready, cold and warm, on this machine. Writes
 * bench/dev.json.
 *
 *   1. clones the committed HEAD into a temporary directory (`git clone --shared`: the working tree's uncommitted
 *      changes are not measured);
 *   2. gives the clone this checkout's installed packages: every entry of node_modules/ (the root's and each
 *      workspace's) is linked, except the tools' caches (.vite, .vite-temp, .vitest-cache, .cache), and the
 *      workspace links (node_modules/@gridlease/*) point into the clone. So "cold" means: after `npm install`,
 *      with no artifacts/, cache/ (Hardhat's compilation cache), ignition/deployments/, indexer/.ponder/,
 *      indexer/generated/ nor Vite dependency cache, and a new Ponder database (the stack makes one every run);
 *   3. cold: runs `npm run dev` in the clone and times it from the start to "Press Ctrl-C to stop." (everything
 *      answering: chain, deployment, seed, indexer caught up, provider agents, app), then stops it with SIGINT
 *      and checks that it exits cleanly;
 *   4. warm: the same again in the same clone (compiled contracts and Vite's cache now present);
 *   5. writes the ready times, each step's start time, the machine and the date to bench/dev.json, and deletes
 *      the clone (--keep leaves it).
 *
 * Options: --port N, --indexer-port N, --app-port N (default: npm run dev's own 8545, 42069, 5173), --warm-runs N
 * (default 1), --out FILE (default bench/dev.json), --keep. Exit codes: 0 done, 1 a run failed, 2 bad arguments.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensurePortFree } from "./lib/services.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
/** Tool caches left out of the clone: with them, a "cold" start would not be cold. */
const CACHES = new Set([".vite", ".vite-temp", ".vitest-cache", ".cache"]);
const READY = "Press Ctrl-C to stop.";

const cli = {
  port: { type: "string", default: "8545" },
  "indexer-port": { type: "string", default: "42069" },
  "app-port": { type: "string", default: "5173" },
  "warm-runs": { type: "string", default: "1" },
  out: { type: "string", default: join(ROOT, "bench", "dev.json") },
  keep: { type: "boolean", default: false },
} as const;
const USAGE =
  "Usage: npm run bench:dev -- [--port N] [--indexer-port N] [--app-port N] [--warm-runs N] [--out FILE] [--keep]";

let options: ReturnType<typeof parseArgs<{ options: typeof cli }>>["values"];
try {
  options = parseArgs({ options: cli }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const ports = [options.port, options["indexer-port"], options["app-port"]].map(Number);
const warmRuns = Number(options["warm-runs"]);
if (ports.some((p) => !Number.isInteger(p) || p < 1024 || p > 65535)) {
  console.error(`ports must be whole numbers from 1024 to 65535\n${USAGE}`);
  process.exit(2);
}
if (!Number.isInteger(warmRuns) || warmRuns < 0 || warmRuns > 10) {
  console.error(`--warm-runs must be a whole number from 0 to 10\n${USAGE}`);
  process.exit(2);
}

/** One `npm run dev` until ready: its ready time and when each step of its printout started. */
interface Run {
  readySeconds: number;
  /** The stack's own count, from its first line to ready (without npm's and Node's start-up). */
  stackSeconds: number;
  steps: { at: number; step: string }[];
  /** The machine's 1-minute load average when the run started and when it was ready (2 cores: 2 is busy). */
  loadAverage: { atStart: number; atReady: number };
}

/** Waits until every process of the group has exited and the stack's ports are free again (30 s at most). */
async function waitForStop(pgid: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let alive = true;
    try {
      process.kill(-pgid, 0);
    } catch {
      alive = false;
    }
    const free = await Promise.all(
      ports.map((p) =>
        ensurePortFree(p!, "check").then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!alive && free.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error("npm run dev left processes or ports behind 30 s after Ctrl-C");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Links `from`'s entries into `to`: caches are left out, workspace links are copied as they are (relative, so
 * they point into the clone), scope folders are recreated entry by entry, everything else is linked by path.
 */
function linkModules(from: string, to: string) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (CACHES.has(name)) continue;
    const source = join(from, name);
    const target = join(to, name);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory() && name.startsWith("@")) linkModules(source, target);
    else symlinkSync(source, target);
  }
}

function cloneHead(): { dir: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), "gridlease-bench-dev-"));
  execFileSync("git", ["clone", "--quiet", "--shared", ROOT, dir], { stdio: "inherit" });
  const commit = execFileSync("git", ["-C", dir, "rev-parse", "HEAD"]).toString().trim();
  for (const workspace of ["", "app", "cli", "indexer", "sdk", "subgraph"]) {
    const modules = join(ROOT, workspace, "node_modules");
    if (existsSync(modules)) linkModules(modules, join(dir, workspace, "node_modules"));
  }
  return { dir, commit };
}

/** Runs `npm run dev` in `dir` until it is ready, then stops it with SIGINT and checks that it exits with 0. */
async function timeDev(dir: string): Promise<Run> {
  for (const [i, what] of ["chain", "indexer", "app"].entries())
    await ensurePortFree(ports[i]!, what);
  const loadAtStart = loadavg()[0]!;
  const started = performance.now();
  const child = spawn(
    "npm",
    [
      "run",
      "dev",
      "--",
      "--port",
      String(ports[0]),
      "--indexer-port",
      String(ports[1]),
      "--app-port",
      String(ports[2]),
    ],
    { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) resolve((performance.now() - started) / 1000);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(({ code }) =>
      reject(new Error(`npm run dev exited (code ${code}) before it was ready:\n${output}`)),
    );
  });
  const timeout = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 600_000);
  try {
    const readySeconds = await ready;
    const steps = [...output.matchAll(/^•\s+([\d.]+) s {2}(.+)$/gm)].map((m) => ({
      at: Number(m[1]),
      step: m[2]!,
    }));
    const stackSeconds = Number(/Gridlease is running \(([\d.]+) s\)/.exec(output)?.[1] ?? NaN);
    const loadAtReady = loadavg()[0]!;
    // Ctrl-C in a terminal: SIGINT to the whole foreground group (npm dies of it; the stack stops cleanly).
    process.kill(-child.pid!, "SIGINT");
    const { code, signal } = await exited;
    if (code !== 0 && signal !== "SIGINT")
      throw new Error(`npm run dev exited with ${code ?? signal} after Ctrl-C:\n${output}`);
    await waitForStop(child.pid!);
    return {
      readySeconds: Number(readySeconds.toFixed(1)),
      stackSeconds,
      steps,
      loadAverage: {
        atStart: Number(loadAtStart.toFixed(2)),
        atReady: Number(loadAtReady.toFixed(2)),
      },
    };
  } finally {
    clearTimeout(timeout);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

async function main() {
  console.log("Cloning HEAD and linking the installed packages (without tool caches)…");
  const { dir, commit } = cloneHead();
  try {
    console.log(`Cold start: npm run dev in ${dir}`);
    const cold = await timeDev(dir);
    console.log(`  ready in ${cold.readySeconds} s`);
    const warm: Run[] = [];
    for (let i = 0; i < warmRuns; i++) {
      console.log(`Warm start ${i + 1}/${warmRuns}`);
      warm.push(await timeDev(dir));
      console.log(`  ready in ${warm[i]!.readySeconds} s`);
    }
    const report = {
      what: "npm run dev, from the command to 'Press Ctrl-C to stop.' (chain, deployment, seed, indexer caught up, provider agents, app answering)",
      cold: "a fresh git clone of the commit with this checkout's node_modules linked in: no artifacts/, cache/, ignition/deployments/, indexer/.ponder/, indexer/generated/, no Vite dependency cache, a new Ponder database",
      warm: "the same clone again right after the cold run (contracts compiled, Vite's cache filled); the chain, seed and Ponder database are new every run",
      commit,
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? "unknown",
        memoryGB: Math.round(totalmem() / 2 ** 30),
        platform: `${process.platform} ${process.arch}`,
        node: process.version,
      },
      coldStart: cold,
      warmStarts: warm,
    };
    mkdirSync(join(options.out, ".."), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `\nCold ${cold.readySeconds} s; warm ${warm.map((w) => `${w.readySeconds} s`).join(", ") || "-"}`,
    );
    console.log(`Wrote ${options.out}`);
  } finally {
    if (options.keep) console.log(`Kept the clone in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`\nnpm run bench:dev failed: ${err.message}`);
  process.exit(1);
});
