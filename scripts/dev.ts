/**
 * `npm run dev`: the whole Gridlease market on one machine.
 *
 *   1. compiles the contracts;
 *   2. starts `hardhat node` on 127.0.0.1 (genesis set back in time so the seeded history ends at the present);
 *   3. deploys the GridleaseLocal Ignition module and checks it landed where sdk/ says;
 *   4. seeds a realistic market (skip with --no-seed);
 *   5. starts the indexer (Ponder on an embedded PGlite database) and waits until it has indexed the history;
 *      starts the app when that workspace exists;
 *   6. prints the URLs and the funded dev accounts, then runs until Ctrl-C, which stops every child it started.
 *
 * Options: --no-seed, --seed N, --port N (chain, default 8545), --indexer-port N (42069), --app-port N (5173).
 * Exit codes: 0 after Ctrl-C, 2 bad arguments, 3 a port is taken, 1 any other failure.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { formatSummary, seedMarket } from "./lib/seed.ts";
import {
  ensurePortFree,
  indexedBlock,
  rpcReady,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "./lib/services.ts";

const root = process.cwd();
const DAY_MS = 86_400_000;
/** How far back the chain's genesis is set: a little more than the seeded history spans. */
const HISTORY_DAYS = 16;
/** Days of market history the seed writes. */
const SEED_DAYS = 15;
/** Hardhat's default accounts: public test keys. */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";
const account = (addressIndex: number) => mnemonicToAccount(TEST_MNEMONIC, { addressIndex });

const cli = {
  "no-seed": { type: "boolean", default: false },
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
  console.error(
    `${(err as Error).message}\nUsage: npm run dev -- [--no-seed] [--seed N] [--port N] [--indexer-port N] [--app-port N]`,
  );
  process.exit(2);
}
if (options.help) {
  console.log(
    "Usage: npm run dev -- [--no-seed] [--seed N] [--port N] [--indexer-port N] [--app-port N]",
  );
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
const rpcUrl = `http://127.0.0.1:${port}`;

const services: Service[] = [];
let stopping = false;
let pgliteDir = "";

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const s of [...services].reverse()) await stopService(s);
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on("SIGINT", () => {
  console.log("\nStopping…");
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));

function step(text: string) {
  console.log(`• ${text}`);
}

async function main() {
  const started = Date.now();
  await ensurePortFree(port, "chain");
  const hasIndexer = existsSync(join(root, "indexer", "package.json"));
  const hasApp = existsSync(join(root, "app", "package.json"));
  if (hasIndexer) await ensurePortFree(indexerPort, "indexer");
  if (hasApp) await ensurePortFree(appPort, "app");

  step("Compiling contracts");
  const build = startService("hardhat build", "npx", ["hardhat", "build", "--quiet"]);
  services.push(build);
  const buildCode = await build.exited;
  services.pop();
  if (buildCode !== 0) throw new Error(`compilation failed:\n${build.tail()}`);

  step(`Starting the chain on ${rpcUrl}`);
  const genesis = new Date(Date.now() - HISTORY_DAYS * DAY_MS).toISOString();
  const node = startService(
    "hardhat node",
    "npx",
    ["hardhat", "node", "--network", "devnode", "--hostname", "127.0.0.1", "--port", String(port)],
    { env: { GRIDLEASE_GENESIS_DATE: genesis } },
  );
  services.push(node);
  await waitUntilReady(node, () => rpcReady(rpcUrl), 60_000);

  // Hardhat is imported only now, so that a bad argument or a taken port fails fast.
  const { network } = await import("hardhat");
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  const { deployments } = await import("@gridlease/sdk/deployments");
  const expected = deployments["31337"].contracts;

  step("Deploying the contracts");
  // The dev chain is new every run, so an Ignition journal from an earlier run is stale.
  rmSync(join(root, "ignition", "deployments", "chain-31337"), { recursive: true, force: true });
  const { default: GridleaseLocal } = await import("../ignition/modules/GridleaseLocal.ts");
  const deployed = await connection.ignition.deploy(GridleaseLocal, {
    parameters: join(root, "ignition", "parameters", "localhost.json"),
    displayUi: false,
  });
  if (deployed.market.address.toLowerCase() !== expected.GridleaseMarket.address.toLowerCase()) {
    throw new Error(
      `the market deployed at ${deployed.market.address}, but sdk/ expects ${expected.GridleaseMarket.address}. Run \`npm run codegen\`.`,
    );
  }

  let summary = "";
  const roles: [string, number][] = [["deployer, owner and treasury", 0]];
  if (!options["no-seed"]) {
    step(
      `Seeding a market (seed ${JSON.stringify(options.seed)}): ${SEED_DAYS} days of history ending now`,
    );
    const startTime = BigInt(Math.floor(Date.now() / 1000) - SEED_DAYS * 86_400);
    const seeded = await seedMarket(connection, { seed: options.seed, startTime });
    summary = formatSummary(seeded);
    const provider = seeded.actors.providers.find((p) => p.address === account(1).address);
    if (provider) roles.push([`provider (${provider.name}, ${provider.region})`, 1]);
    if (seeded.actors.buyers.includes(account(15).address)) roles.push(["buyer", 15]);
  }

  let indexerUrl = "";
  if (hasIndexer) {
    step(`Starting the indexer (Ponder on PGlite) on http://127.0.0.1:${indexerPort}`);
    // A fresh database every run: the chain is new every run too.
    pgliteDir = mkdtempSync(join(tmpdir(), "gridlease-ponder-"));
    const ponder = startService(
      "indexer",
      "npx",
      [
        "ponder",
        "--root",
        "indexer",
        "start",
        "--schema",
        "gridlease",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(indexerPort),
      ],
      {
        env: {
          PONDER_TELEMETRY_DISABLED: "true",
          PONDER_RPC_URL_31337: rpcUrl,
          PONDER_PGLITE_DIR: pgliteDir,
          PONDER_POLLING_INTERVAL: "250",
        },
      },
    );
    services.push(ponder);
    indexerUrl = `http://127.0.0.1:${indexerPort}`;
    // /ready answers 200 once the backfill is done; the newest blocks are indexed live just after.
    const head = Number(await (await connection.viem.getPublicClient()).getBlockNumber());
    await waitUntilReady(
      ponder,
      async () =>
        (await fetch(`${indexerUrl}/ready`, { signal: AbortSignal.timeout(2_000) })).ok &&
        (await indexedBlock(indexerUrl)) >= head,
      120_000,
    );
  }
  if (hasApp) step("Starting the app (not yet wired)");

  console.log(`\nGridlease is running (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  chain     ${rpcUrl}  (chain id 31337)`);
  if (indexerUrl)
    console.log(`  indexer   ${indexerUrl}/graphql  (GraphQL; SQL over HTTP at ${indexerUrl}/sql)`);
  console.log(`  market    ${deployed.market.address}`);
  console.log(`  GRID      ${deployed.grid.address}`);
  console.log(`  TestUSD   ${deployed.usd.address}`);
  if (summary) console.log(`\n${summary}`);
  console.log("\nDev accounts (Hardhat's public test keys: never use them on a real network)");
  for (const [role, index] of roles) {
    const a = account(index);
    console.log(`  ${role.padEnd(40)} ${a.address}  key ${toHex(a.getHdKey().privateKey!)}`);
  }
  console.log("\nPress Ctrl-C to stop.");

  // Runs until Ctrl-C; if a service dies on its own, stop the rest and fail.
  const dead = await Promise.race(services.map((s) => s.exited.then((code) => ({ s, code }))));
  if (!stopping) {
    console.error(`\n${dead.s.name} stopped unexpectedly (code ${dead.code}):\n${dead.s.tail()}`);
    await shutdown(1);
  }
}

main().catch(async (err: Error) => {
  console.error(`\nnpm run dev failed: ${err.message}`);
  await shutdown(/already in use/.test(err.message) ? 3 : 1);
});
