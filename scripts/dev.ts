/**
 * `npm run dev`: the whole Gridlease market on one machine.
 *
 *   1. compiles the contracts it deploys (`hardhat build --no-tests`: not the Solidity tests);
 *   2. starts `hardhat node` on 127.0.0.1 (genesis set back in time so the seeded history ends at the present);
 *   3. deploys the GridleaseLocal Ignition module and checks it landed where sdk/ says;
 *   4. seeds a realistic market (skip with --no-seed);
 *   5. funds the dev accounts the app offers (#1, #15, #19: TestUSD and GRID; scripts/lib/dev-accounts.ts);
 *   6. starts the indexer (Ponder on an embedded PGlite database; with --postgres on a PostgreSQL server it starts
 *      in a temporary directory; with DATABASE_URL set, in a new schema of that existing PostgreSQL database) and
 *      waits until it has indexed the history;
 *   7. starts a provider agent (`gridlease provider serve` with the demo provisioning hook, scripts/lib/agents.ts)
 *      for every seeded provider, so that a lease opened in the app is activated within seconds (skip with
 *      --no-agent; leases of the seeded history are left as the seed made them);
 *   8. starts the app's Vite dev server (VITE_RPC_URL and VITE_INDEXER_URL point at the two above) and waits
 *      until it answers;
 *   9. prints the URLs, the served providers and the funded dev accounts, then runs until Ctrl-C, which stops
 *      every child it started. The agents' lease events are printed as they happen.
 *
 * The steps live in scripts/lib/stack.ts, which the end-to-end tests and `npm run bench:app` share.
 *
 * Options: --no-seed, --seed N, --no-agent, --port N (chain, default 8545), --indexer-port N (42069),
 * --app-port N (5173), --postgres. Environment: DATABASE_URL. docs/dev-stack.md describes the whole stack.
 * Exit codes: 0 after Ctrl-C, 2 bad arguments, 3 a port is taken, 1 any other failure.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatUnits, toHex } from "viem";
import { DatabaseProblem, parseDatabaseUrl } from "../indexer/scripts/preflight.ts";
import { formatSummary } from "./lib/seed/index.ts";
import { hardhatAccount as account } from "./lib/dev-accounts.ts";
import { LocalStack } from "./lib/stack.ts";

const root = process.cwd();

const USAGE =
  "Usage: [DATABASE_URL=postgresql://…] npm run dev -- [--no-seed] [--seed N] [--no-agent] [--port N] [--indexer-port N] [--app-port N] [--postgres]";

const cli = {
  "no-seed": { type: "boolean", default: false },
  "no-agent": { type: "boolean", default: false },
  postgres: { type: "boolean", default: false },
  seed: { type: "string", default: "gridlease" },
  port: { type: "string", default: "8545" },
  "indexer-port": { type: "string", default: "42069" },
  "app-port": { type: "string", default: "5173" },
  help: { type: "boolean", default: false },
} as const;
let options: ReturnType<typeof parseArgs<{ options: typeof cli }>>["values"];
try {
  options = parseArgs({ options: cli }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(options.port);
const indexerPort = Number(options["indexer-port"]);
const appPort = Number(options["app-port"]);
for (const [name, value, raw] of [
  ["--port", port, options.port],
  ["--indexer-port", indexerPort, options["indexer-port"]],
  ["--app-port", appPort, options["app-port"]],
] as const) {
  if (!Number.isInteger(value) || value < 1024 || value > 65535) {
    console.error(`${name} must be a whole number from 1024 to 65535, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
}
// The indexer's database: PGlite unless --postgres (a server the stack starts) or DATABASE_URL (an existing one).
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
if (options.postgres && databaseUrl) {
  console.error(
    "--postgres starts a PostgreSQL server for the stack, DATABASE_URL points at an existing one: use one of them (unset DATABASE_URL, or drop --postgres).",
  );
  process.exit(2);
}
if (databaseUrl) {
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (err) {
    console.error(err instanceof DatabaseProblem ? err.message : String(err));
    process.exit(2);
  }
}
const hasIndexer = existsSync(join(root, "indexer", "package.json"));
const hasApp = existsSync(join(root, "app", "package.json"));
const launched = Date.now();

function log(line: string) {
  console.log(`• ${`${((Date.now() - launched) / 1000).toFixed(1)} s`.padStart(7)}  ${line}`);
}

/** The agent events worth a line in the terminal (the agent logs more; see cli/README.md). */
const AGENT_EVENTS: Record<string, string> = {
  "lease-opened": "opened",
  "lease-activated": "activated (demo access details sealed to the buyer)",
  "provision-failed": "NOT activated: the provisioning hook failed",
  "activation-failed": "NOT activated: the activation failed",
  "activation-missed": "NOT activated: its activation window had passed",
  deprovisioned: "deprovisioned",
  "lease-closed": "closed",
  "outage-resolved": "outage resolved (the demo health hook answered healthy; billing resumed)",
  "repair-deadline-passed": "outage NOT resolved before its repair deadline",
};

const stack = new LocalStack({
  port,
  indexerPort: hasIndexer ? indexerPort : undefined,
  app: hasApp ? { mode: "dev", port: appPort } : undefined,
  indexerDatabase: options.postgres ? "postgres" : databaseUrl ? { url: databaseUrl } : "pglite",
  seed: options["no-seed"] ? false : options.seed,
  agents: !options["no-agent"],
  onAgentEvent: (provider, entry) => {
    const text = AGENT_EVENTS[entry.event];
    if (!text) return;
    // Failures carry the agent's reason (e.g. the hook's message); success lines need none.
    const why =
      entry.level === "error" && typeof entry.message === "string" ? `: ${entry.message}` : "";
    log(`agent #${provider.index} (${provider.name}): lease ${entry.leaseId} ${text}${why}`);
  },
  log,
});
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack.stop();
  }
  process.exit(code);
}
process.on("SIGINT", () => {
  console.log("\nStopping…");
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));

async function main() {
  await stack.start();
  const { addresses, seeded, funded } = stack;
  const roles: [string, number][] = [["deployer, owner and treasury", 0]];
  if (seeded) {
    const provider = seeded.actors.providers.find((p) => p.address === account(1).address);
    if (provider) roles.push([`provider (${provider.name}, ${provider.region})`, 1]);
    if (seeded.actors.buyers.includes(account(15).address)) roles.push(["buyer", 15]);
  }
  for (const f of funded)
    if (!roles.some(([, i]) => i === f.index)) roles.push([f.role.toLowerCase(), f.index]);

  console.log(`\nGridlease is running (${stack.startupSeconds.toFixed(1)} s)`);
  if (stack.appUrl) console.log(`  app       ${stack.appUrl}/`);
  console.log(`  chain     ${stack.rpcUrl}  (chain id 31337)`);
  if (stack.indexerUrl)
    console.log(
      `  indexer   ${stack.indexerUrl}/graphql  (GraphQL; SQL over HTTP at ${stack.indexerUrl}/sql)`,
    );
  if (stack.indexerDatabase) console.log(`  database  ${stack.indexerDatabase.description}`);
  console.log(`  market    ${addresses!.market}`);
  console.log(`  GRID      ${addresses!.grid}`);
  console.log(`  TestUSD   ${addresses!.usd}`);
  if (seeded) console.log(`\n${formatSummary(seeded)}`);
  if (stack.agents.length) {
    console.log(
      `\nProvider agents: every seeded provider is served (gridlease provider serve, polling every second, demo hook`,
    );
    console.log(
      "scripts/lib/demo-hook.ts: it provisions nothing). A lease opened from now on is activated within seconds;",
    );
    console.log(
      "the seeded history is left as it is, except that a seeded rolling lease under a top-up allowance is kept",
    );
    console.log(
      "funded: its provider's agent executes the top-ups (issue #12). `npm run dev -- --no-agent` turns this off.",
    );
    for (const p of stack.agents)
      console.log(
        `  #${String(p.index).padEnd(3)}${`${p.name} (${p.region})`.padEnd(40)} ${p.address}  offers ${p.offers.join(", ")}`,
      );
  } else if (options["no-agent"]) {
    console.log(
      "\nProvider agents: off (--no-agent). A lease opened in the app stays pending until its provider activates it.",
    );
  } else {
    console.log("\nProvider agents: none (no seeded providers with --no-seed).");
  }
  console.log("\nDev accounts (Hardhat's public test keys: never use them on a real network)");
  for (const [role, index] of roles) {
    const a = account(index);
    const f = funded.find((x) => x.index === index);
    const balances = f
      ? `  (${Number(formatUnits(f.usd, 6)).toLocaleString("en-US", { maximumFractionDigits: 0 })} tUSD, ${Number(formatUnits(f.grid, 18)).toLocaleString("en-US")} GRID)`
      : "";
    console.log(
      `  #${String(index).padEnd(3)}${role.padEnd(40)} ${a.address}  key ${toHex(a.getHdKey().privateKey!)}${balances}`,
    );
  }
  if (stack.appUrl)
    console.log(`\nOpen ${stack.appUrl}/ and connect a dev account from "Connect wallet".`);
  console.log("\nPress Ctrl-C to stop.");

  // Runs until Ctrl-C; if a service dies on its own, stop the rest and fail.
  const dead = await stack.firstExit();
  if (!stopping) {
    const why = dead.service.name === "indexer" && stack.explainIndexerFailure(dead.service.tail());
    console.error(
      `\n${dead.service.name} stopped unexpectedly (code ${dead.code}):\n${dead.service.tail()}${why ? `\n\n${why}` : ""}`,
    );
    await shutdown(1);
  }
}

main().catch(async (err: Error) => {
  if (stopping) return;
  console.error(`\nnpm run dev failed: ${err.message}`);
  await shutdown(/already in use/.test(err.message) ? 3 : 1);
});
