/**
 * The local Gridlease stack, started one way for every caller: `npm run dev` (scripts/dev.ts), the end-to-end
 * tests (test/e2e/) and the app benchmark (scripts/bench-app.ts).
 *
 *   1. compiles the contracts (optional);
 *   2. starts `hardhat node --network devnode` on 127.0.0.1 with its genesis set `historyDays` in the past;
 *   3. deploys the GridleaseLocal Ignition module and checks it landed where sdk/ says;
 *   4. seeds a market (`seedMarket`, optional), runs the caller's `populate` step (optional) and funds the dev
 *      accounts the app offers (`fundDevAccounts`);
 *   5. starts Ponder and waits until it has indexed the chain's head: on a fresh PGlite directory, on a PostgreSQL
 *      the stack starts (./postgres.ts), or in a new schema of an existing PostgreSQL (`indexerDatabase`);
 *   6. starts a provider agent (`gridlease provider serve` with the demo hook) for every seeded provider
 *      (optional, ./agents.ts): leases opened from then on are activated within seconds;
 *   7. serves the app (optional): the Vite dev server (started first, alongside the compilation), or
 *      `vite preview` of a production build (built alongside steps 1-4).
 *
 *   const stack = new LocalStack({ port: 8700, indexerPort: 42200, app: { mode: "dev", port: 5190 } });
 *   try { await stack.start(); … } finally { await stack.stop(); }
 *
 * `stop()` may be called at any moment, also while `start()` is still running (Ctrl-C): it stops every child
 * started so far, in reverse order, and deletes the temporary directories.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import {
  checkDatabase,
  describeDatabase,
  explainPonderFailure,
  parseDatabaseUrl,
  type DatabaseAddress,
} from "../../indexer/scripts/preflight.ts";
import { startAgents, type AgentLogEntry, type ServedProvider } from "./agents.ts";
import { fundDevAccounts, type FundedAccount } from "./dev-accounts.ts";
import { startPostgres, type Postgres } from "./postgres.ts";
import { seedMarket, type SeedSummary } from "./seed/index.ts";
import {
  ensurePortFree,
  httpOk,
  indexedBlock,
  rpcReady,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "./services.ts";

export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
export const APP_DIR = join(ROOT, "app");
const DAY_MS = 86_400_000;

export interface StackAddresses {
  market: Address;
  grid: Address;
  usd: Address;
}

export interface AppOptions {
  /** "dev": the Vite dev server (hot reload); "preview": `vite build` into a temporary directory, then `vite preview`. */
  mode: "dev" | "preview";
  port: number;
  /** Preview only: serve this already-built directory instead of building one. */
  distDir?: string;
}

export interface StackOptions {
  /** Chain JSON-RPC port on 127.0.0.1. */
  port: number;
  /** Ponder's HTTP port; omit to start no indexer. */
  indexerPort?: number;
  /** Serve the app too. */
  app?: AppOptions;
  /** Compile the contracts first (default true): the deployed ones only, not the Solidity tests. */
  compile?: boolean;
  /** Seed value for `seedMarket`, or false for an empty market (default "gridlease"). */
  seed?: string | false;
  /** Days of history the seed writes; it ends at the present (default 15). */
  seedDays?: number;
  /** How far back the chain's genesis is set (default seedDays + 1). */
  historyDays?: number;
  /** Runs after the seed and before the dev accounts are funded and the indexer starts. */
  populate?: (ctx: {
    connection: NetworkConnection;
    addresses: StackAddresses;
    rpcUrl: string;
  }) => Promise<void>;
  /** Fund the app's dev accounts (default true). */
  fundDevAccounts?: boolean;
  /** Run a provider agent for every seeded provider (default false: the e2e tests activate leases themselves). */
  agents?: boolean;
  /** Each log entry of the provider agents (default: none). */
  onAgentEvent?: (provider: ServedProvider, entry: AgentLogEntry) => void;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** How long the indexer may take to index the chain (default 180 s). */
  indexerTimeoutMs?: number;
  /**
   * The indexer's database: "pglite" (default: embedded, in a fresh temporary directory), "postgres" (a PostgreSQL
   * server the stack starts in a temporary directory and deletes on stop), or `{ url }`, an existing PostgreSQL
   * database, where the stack indexes into a new schema `gridlease_<UTC time>` every run (the chain is new every
   * run, so an earlier run's index is wrong for it) and leaves it there on stop.
   */
  indexerDatabase?: "pglite" | "postgres" | { url: string };
}

/** The database the stack's indexer uses, once chosen: what Ponder is given and what the start-up output says. */
interface IndexerDatabase {
  env: NodeJS.ProcessEnv;
  schema: string;
  /** One line: the engine, the URL or directory, the schema and what happens to it. */
  description: string;
  /** PostgreSQL only: where it is, for the messages that explain a failure. */
  address?: DatabaseAddress;
}

/** Production-builds the app into `outDir` with the `VITE_*` variables pointing at the given services. */
export async function buildApp(opts: {
  outDir: string;
  rpcUrl: string;
  indexerUrl: string;
  manifest?: boolean;
  /** Called with the build's process as it starts (so a caller can stop it). */
  onStart?: (service: Service) => void;
}): Promise<void> {
  const build = startService(
    "vite build",
    "npx",
    [
      "vite",
      "build",
      "--outDir",
      opts.outDir,
      "--emptyOutDir",
      "--logLevel",
      "warn",
      ...(opts.manifest ? ["--manifest"] : []),
    ],
    { cwd: APP_DIR, env: { ...appEnv(opts.rpcUrl, opts.indexerUrl), NODE_ENV: "production" } },
  );
  opts.onStart?.(build);
  const code = await build.exited;
  if (code !== 0) throw new Error(`vite build failed (code ${code}):\n${build.tail()}`);
}

function appEnv(rpcUrl: string, indexerUrl: string): NodeJS.ProcessEnv {
  return { VITE_RPC_URL: rpcUrl, VITE_INDEXER_URL: indexerUrl };
}

export class LocalStack {
  readonly options: StackOptions;
  readonly rpcUrl: string;
  readonly indexerUrl: string;
  readonly appUrl: string;
  /** Every child process started so far, in start order. */
  readonly services: Service[] = [];
  connection?: NetworkConnection;
  addresses?: StackAddresses;
  seeded?: SeedSummary;
  funded: FundedAccount[] = [];
  /** The providers whose leases the stack's agents serve. */
  agents: ServedProvider[] = [];
  /** Seconds from `start()` to everything answering. */
  startupSeconds = 0;
  /** The PostgreSQL server the stack started (`indexerDatabase: "postgres"`). */
  postgres?: Postgres;
  /** The indexer's database, once chosen (before the chain starts). */
  indexerDatabase?: IndexerDatabase;
  private readonly tempDirs: string[] = [];
  private deploymentDir = "";
  private stopped = false;

  constructor(options: StackOptions) {
    this.options = options;
    this.rpcUrl = `http://127.0.0.1:${options.port}`;
    this.indexerUrl = options.indexerPort ? `http://127.0.0.1:${options.indexerPort}` : "";
    this.appUrl = options.app ? `http://127.0.0.1:${options.app.port}` : "";
  }

  private log(line: string) {
    this.options.log?.(line);
  }

  private tempDir(prefix: string) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.tempDirs.push(dir);
    return dir;
  }

  private assertRunning() {
    if (this.stopped) throw new Error("the stack was stopped while starting");
  }

  /** Fails fast, before anything starts, when a port is taken. */
  async checkPorts(): Promise<void> {
    const o = this.options;
    await ensurePortFree(o.port, "chain");
    if (o.indexerPort) await ensurePortFree(o.indexerPort, "indexer");
    if (o.app) await ensurePortFree(o.app.port, "app");
  }

  async start(): Promise<this> {
    const started = Date.now();
    const o = this.options;
    await this.checkPorts();
    // An unusable database fails before anything starts, like a taken port.
    if (o.indexerPort) this.indexerDatabase = await this.prepareIndexerDatabase();
    const seedDays = o.seedDays ?? 15;
    const historyDays = o.historyDays ?? seedDays + 1;

    // A production build does not need the chain: it runs alongside the compile, deploy and seed.
    let appBuild: Promise<void> | undefined;
    let distDir = o.app?.distDir ?? "";
    if (o.app?.mode === "preview" && !distDir) {
      distDir = this.tempDir("gridlease-app-dist-");
      this.log("Building the app for production");
      appBuild = buildApp({
        outDir: distDir,
        rpcUrl: this.rpcUrl,
        indexerUrl: this.indexerUrl,
        onStart: (service) => {
          this.services.push(service);
          void service.exited.then(() => this.forget(service));
        },
      });
      appBuild.catch(() => {}); // awaited below
    }

    // The dev server needs neither the chain nor the contracts (the URLs it points at are known already): it
    // starts at once, on the core that the single-threaded compiler leaves free.
    let appReady: Promise<void> = Promise.resolve();
    if (o.app?.mode === "dev") {
      appReady = this.startApp("");
      appReady.catch(() => {}); // awaited below
    }

    if (o.compile !== false) {
      // Only the contracts the stack deploys: the Solidity tests (viaIR, through JS solc) would take minutes.
      this.log("Compiling contracts");
      const build = this.spawn("hardhat build", "npx", [
        "hardhat",
        "build",
        "--no-tests",
        "--quiet",
      ]);
      const code = await build.exited;
      this.forget(build);
      if (code !== 0) throw new Error(`compilation failed:\n${build.tail()}`);
    }
    this.assertRunning();

    this.log(`Starting the chain on ${this.rpcUrl}`);
    const genesis = new Date(Date.now() - historyDays * DAY_MS).toISOString();
    const node = this.spawn(
      "hardhat node",
      "npx",
      [
        "hardhat",
        "node",
        "--network",
        "devnode",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(o.port),
      ],
      { env: { GRIDLEASE_GENESIS_DATE: genesis } },
    );
    await waitUntilReady(node, () => rpcReady(this.rpcUrl), 60_000);
    this.assertRunning();

    // Hardhat is imported only now, so that a bad argument or a taken port fails fast.
    const { network } = await import("hardhat");
    const connection = await network.create({
      network: "localhost",
      override: { url: this.rpcUrl },
    });
    this.connection = connection;
    const { deployments } = await import("@gridlease/sdk/deployments");
    const expected = deployments["31337"].contracts;

    this.log("Deploying the contracts");
    // Each stack keeps its own Ignition journal (the chain is new every run), so stacks on other ports do not
    // trip over one another's; it is deleted once the deployment is done.
    const deploymentId = `local-${o.port}`;
    this.deploymentDir = join(ROOT, "ignition", "deployments", deploymentId);
    rmSync(this.deploymentDir, { recursive: true, force: true });
    const { default: GridleaseLocal } = await import("../../ignition/modules/GridleaseLocal.ts");
    const deployed = await connection.ignition.deploy(GridleaseLocal, {
      parameters: join(ROOT, "ignition", "parameters", "localhost.json"),
      displayUi: false,
      deploymentId,
    });
    // The journal only serves to resume an interrupted deployment; this chain dies with the stack.
    rmSync(this.deploymentDir, { recursive: true, force: true });
    if (deployed.market.address.toLowerCase() !== expected.GridleaseMarket.address.toLowerCase()) {
      throw new Error(
        `the market deployed at ${deployed.market.address}, but sdk/ expects ${expected.GridleaseMarket.address}. Run \`npm run codegen\`.`,
      );
    }
    this.addresses = {
      market: deployed.market.address,
      grid: deployed.grid.address,
      usd: deployed.usd.address,
    };
    this.assertRunning();

    if (o.seed !== false) {
      const seed = o.seed ?? "gridlease";
      this.log(
        `Seeding a market (seed ${JSON.stringify(seed)}): ${seedDays} days of history ending now`,
      );
      const startTime = BigInt(Math.floor(Date.now() / 1000) - seedDays * 86_400);
      this.seeded = await seedMarket(connection, { seed, startTime });
      this.assertRunning();
    }
    if (o.populate) {
      await o.populate({ connection, addresses: this.addresses, rpcUrl: this.rpcUrl });
      this.assertRunning();
    }
    if (o.fundDevAccounts !== false) {
      this.log("Funding the dev accounts");
      this.funded = await fundDevAccounts(connection, this.addresses);
      this.assertRunning();
    }

    let indexerReady: Promise<void> = Promise.resolve();
    if (o.indexerPort) {
      const db = this.indexerDatabase!;
      this.log(`Starting the indexer on ${this.indexerUrl}: Ponder on ${db.description}`);
      const ponder = this.spawn(
        "indexer",
        "npx",
        [
          "ponder",
          "--root",
          join(ROOT, "indexer"),
          "start",
          "--schema",
          db.schema,
          "--hostname",
          "127.0.0.1",
          "--port",
          String(o.indexerPort),
        ],
        {
          env: {
            PONDER_TELEMETRY_DISABLED: "true",
            PONDER_RPC_URL_31337: this.rpcUrl,
            PONDER_POLLING_INTERVAL: "250",
            ...db.env,
          },
        },
      );
      // /ready answers 200 once the backfill is done; the newest blocks are indexed live just after.
      const head = Number(await (await connection.viem.getPublicClient()).getBlockNumber());
      indexerReady = waitUntilReady(
        ponder,
        async () =>
          (await fetch(`${this.indexerUrl}/ready`, { signal: AbortSignal.timeout(2_000) })).ok &&
          (await indexedBlock(this.indexerUrl)) >= head,
        o.indexerTimeoutMs ?? 180_000,
      ).then(
        () => this.log(`The indexer has caught up (block ${head})`),
        (err: Error) => {
          const why = this.explainIndexerFailure(ponder.tail());
          throw why ? new Error(`${err.message}\n\n${why}`) : err;
        },
      );
      indexerReady.catch(() => {}); // awaited below
    }

    let agentsReady: Promise<void> = Promise.resolve();
    if (o.agents && this.seeded) {
      const providers = this.seeded.actors.providers;
      this.log(
        `Starting ${providers.length} provider agents (gridlease provider serve, demo hook)`,
      );
      const stateDir = this.tempDir("gridlease-agents-");
      agentsReady = (async () => {
        this.agents = await startAgents({
          root: ROOT,
          rpcUrl: this.rpcUrl,
          market: this.addresses!.market,
          chainId: this.seeded!.chainId,
          publicClient: await connection.viem.getPublicClient(),
          providers,
          stateDir,
          onStart: (service) => this.services.push(service),
          onEvent: o.onAgentEvent,
        });
        this.log(`${this.agents.length} provider agents started`);
      })();
      agentsReady.catch(() => {}); // awaited below
    }

    // The production build is served once it is done, while the indexer backfills.
    if (o.app?.mode === "preview") {
      if (appBuild) await appBuild;
      this.assertRunning();
      appReady = this.startApp(distDir);
    }
    await appReady;
    await indexerReady;
    await agentsReady;
    this.assertRunning();
    this.startupSeconds = (Date.now() - started) / 1000;
    return this;
  }

  /** Starts the app's server (Vite dev server, or `vite preview` of `distDir`) and resolves once it answers. */
  private async startApp(distDir: string): Promise<void> {
    const app = this.options.app!;
    // Vitest sets NODE_ENV=test, which would give React's development build.
    const env = {
      ...appEnv(this.rpcUrl, this.indexerUrl),
      NODE_ENV: app.mode === "dev" ? "development" : "production",
    };
    const port = String(app.port);
    let service: Service;
    if (app.mode === "dev") {
      this.log(`Starting the app (Vite dev server) on ${this.appUrl}`);
      service = this.spawn(
        "app",
        "npx",
        ["vite", "--host", "127.0.0.1", "--port", port, "--strictPort", "--clearScreen", "false"],
        { cwd: APP_DIR, env },
      );
    } else {
      this.log(`Serving the production build on ${this.appUrl}`);
      service = this.spawn(
        "app",
        "npx",
        [
          "vite",
          "preview",
          "--outDir",
          distDir,
          "--host",
          "127.0.0.1",
          "--port",
          port,
          "--strictPort",
        ],
        { cwd: APP_DIR, env },
      );
    }
    await waitUntilReady(service, () => httpOk(this.appUrl), 120_000);
    if (app.mode === "dev") {
      // The first request makes Vite transform the entry; later page loads are then quick.
      await httpOk(`${this.appUrl}/src/main.tsx`).catch(() => false);
    }
    this.log("The app answers");
  }

  /** Chooses and checks the indexer's database (starting a PostgreSQL server for "postgres"). */
  private async prepareIndexerDatabase(): Promise<IndexerDatabase> {
    const choice = this.options.indexerDatabase ?? "pglite";
    if (choice === "pglite") {
      // A fresh database every run: the chain is new every run too.
      const dir = this.tempDir("gridlease-ponder-");
      return {
        env: { PONDER_PGLITE_DIR: dir, DATABASE_URL: "" },
        schema: "gridlease",
        description: `PGlite in ${dir} (new, deleted on stop)`,
      };
    }
    let url: string;
    let schema: string;
    let note: string;
    if (choice === "postgres") {
      this.log("Starting PostgreSQL for the indexer");
      const postgres = await startPostgres();
      if (this.stopped) {
        await postgres.stop(); // stop() ran while it started, and could not see it
        this.assertRunning();
      }
      this.postgres = postgres;
      url = this.postgres.url;
      schema = "gridlease";
      note = `started by the stack in ${this.postgres.dir}, deleted on stop`;
    } else {
      url = choice.url;
      // The dev chain is new every run: a new schema keeps an earlier run's index (wrong for this chain) apart.
      schema = `gridlease_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
      note = `a new schema for this run, since the dev chain is new every run; it stays when the stack stops: drop it with psql "${parseDatabaseUrl(url).display}" -c 'DROP SCHEMA "${schema}" CASCADE'`;
    }
    const address = parseDatabaseUrl(url);
    const state = await checkDatabase(url, schema);
    return {
      env: { DATABASE_URL: url, PONDER_PGLITE_DIR: "" },
      schema,
      description: `${describeDatabase(address, schema, state)}; ${note}`,
      address,
    };
  }

  /** What went wrong with the indexer's database, in plain words, from the indexer's last output (if anything). */
  explainIndexerFailure(output: string): string | undefined {
    const db = this.indexerDatabase;
    return db ? explainPonderFailure(output, db.address, db.schema) : undefined;
  }

  /** Resolves when one of the stack's services exits on its own (with which one and its code). */
  firstExit(): Promise<{ service: Service; code: number | null }> {
    return Promise.race(
      this.services.map((service) => service.exited.then((code) => ({ service, code }))),
    );
  }

  /** Stops every service started so far (reverse order) and deletes the temporary directories. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of [...this.services].reverse()) await stopService(s);
    // The indexer is stopped by now: its PostgreSQL can go.
    await this.postgres?.stop();
    this.postgres = undefined;
    for (const dir of this.tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    if (this.deploymentDir && existsSync(this.deploymentDir))
      rmSync(this.deploymentDir, { recursive: true, force: true });
  }

  private forget(service: Service) {
    const i = this.services.indexOf(service);
    if (i >= 0) this.services.splice(i, 1);
  }

  private spawn(
    name: string,
    command: string,
    args: string[],
    options: Parameters<typeof startService>[3] = {},
  ): Service {
    this.assertRunning();
    const service = startService(name, command, args, { cwd: ROOT, ...options });
    this.services.push(service);
    return service;
  }
}
