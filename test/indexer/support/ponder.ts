/**
 * Test support for the Ponder indexer: a `hardhat node` on a spare 127.0.0.1 port, `ponder start` against it
 * (embedded PGlite in a fresh temporary directory, or a database on a PostgreSQL server the test starts), `ponder
 * serve` replicas, and a dump of every entity through Ponder's GraphQL API in
 * the same plain-JSON shape the subgraph runtime produces, so the two can be compared with one `toEqual`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  rpcReady,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "../../../scripts/lib/services.ts";
import { postgresBinDir, startPostgres, type Postgres } from "../../../scripts/lib/postgres.ts";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { exportVectors } from "../../../scripts/indexer/scenario.ts";
import { SubgraphRuntime, subgraphEntities, type EntityDump } from "./subgraph-runtime.ts";

const root = new URL("../../../", import.meta.url).pathname;
export const INDEXER_DIR = join(root, "indexer");

/**
 * Where the spare-port search starts: GRIDLEASE_TEST_PORT_BASE when set (for a chain; Ponder searches 100 higher),
 * so that people sharing a machine can keep to their own port ranges.
 */
export const portBase = (fallback: number, offset: number) => {
  const base = Number(process.env.GRIDLEASE_TEST_PORT_BASE);
  return Number.isInteger(base) && base > 0 ? base + offset : fallback;
};

/** Ports this process has handed out: instances started side by side must not be given the same one. */
const handedOut = new Set<number>();

/** A port from `base` upward that nothing on 127.0.0.1 listens on and this process has not handed out yet. */
export async function sparePort(base: number): Promise<number> {
  const { createServer } = await import("node:net");
  for (let port = base; port < base + 200; port++) {
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port on 127.0.0.1 from ${base}`);
}

export interface Chain {
  url: string;
  port: number;
  service: Service;
  stop: () => Promise<void>;
}

/** Starts `hardhat node` on 127.0.0.1:`port` (a spare one from 8620 by default). */
export async function startChain(port?: number): Promise<Chain> {
  const p = port ?? (await sparePort(portBase(8620, 0)));
  const service = startService(
    "hardhat node",
    "npx",
    ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(p)],
    { env: { HARDHAT_CONFIG: join(root, "hardhat.config.ts") } },
  );
  const url = `http://127.0.0.1:${p}`;
  await waitUntilReady(service, () => rpcReady(url), 120_000);
  return { url, port: p, service, stop: () => stopService(service) };
}

/**
 * Where a Ponder instance keeps its index: embedded PGlite in a data directory (a fresh one unless given), or a
 * PostgreSQL database (see `testDatabases`).
 */
export type PonderDatabase = { database: "pglite"; dataDir?: string } | { databaseUrl: string };

export interface PonderProcess {
  url: string;
  port: number;
  /** The database it uses, resolved (PGlite's directory filled in): pass it again to restart on the same index. */
  database: PonderDatabase;
  /** The PostgreSQL schema (or PGlite's): `--schema`. */
  schema: string;
  service: Service;
  /** Stops the process (SIGTERM, then SIGKILL); keeps the data. */
  stop: () => Promise<void>;
  /** Stops the process and deletes its PGlite directory (a PostgreSQL database goes with its server). */
  destroy: () => Promise<void>;
}

/**
 * Starts `ponder start` (the indexer) or `ponder serve` (a read-only API replica on an existing PostgreSQL schema)
 * against `rpcUrl`; resolves once /health answers. The database is PGlite unless `databaseUrl` is given.
 */
export async function startPonder(
  opts: {
    rpcUrl: string;
    port?: number;
    schema?: string;
    command?: "start" | "serve";
  } & (PonderDatabase | { database?: undefined; dataDir?: string }),
): Promise<PonderProcess> {
  const port = opts.port ?? (await sparePort(portBase(42100, 100)));
  const schema = opts.schema ?? "gridlease";
  const database: PonderDatabase =
    "databaseUrl" in opts
      ? { databaseUrl: opts.databaseUrl }
      : {
          database: "pglite",
          dataDir: opts.dataDir ?? mkdtempSync(join(tmpdir(), "gridlease-ponder-")),
        };
  const dataDir = "dataDir" in database ? database.dataDir : undefined;
  const service = startService(
    opts.command === "serve" ? "ponder serve" : "ponder",
    "npx",
    [
      "ponder",
      "--root",
      INDEXER_DIR,
      opts.command ?? "start",
      "--schema",
      schema,
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
      "--log-format",
      "json",
    ],
    {
      env: {
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_RPC_URL_31337: opts.rpcUrl,
        PONDER_PGLITE_DIR: dataDir ? join(dataDir, "pglite") : "",
        PONDER_POLLING_INTERVAL: "100",
        DATABASE_URL: "databaseUrl" in database ? database.databaseUrl : "",
        NODE_OPTIONS: "",
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      service,
      async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok,
      180_000,
    );
  } catch (err) {
    await stopService(service, 10_000);
    throw err;
  }
  const stop = () => stopService(service, 10_000);
  return {
    url,
    port,
    database,
    schema,
    service,
    stop,
    destroy: async () => {
      await stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ALL_DATABASE_KINDS = ["PGlite", "PostgreSQL"] as const;
export type DatabaseKind = (typeof ALL_DATABASE_KINDS)[number];
/**
 * The databases the indexer's tests run on: every suite that takes a `TestDatabases` runs on each. Both by
 * default; GRIDLEASE_TEST_DATABASES=PGlite (a comma-separated subset) narrows a run while iterating.
 */
export const DATABASE_KINDS: readonly DatabaseKind[] = (() => {
  const wanted = process.env.GRIDLEASE_TEST_DATABASES?.split(",").map((k) => k.trim());
  if (!wanted?.length || wanted[0] === "") return ALL_DATABASE_KINDS;
  const unknown = wanted.filter((k) => !(ALL_DATABASE_KINDS as readonly string[]).includes(k));
  if (unknown.length)
    throw new Error(
      `GRIDLEASE_TEST_DATABASES names ${unknown.join(", ")}: use ${ALL_DATABASE_KINDS.join(", ")}`,
    );
  return ALL_DATABASE_KINDS.filter((k) => wanted.includes(k));
})();

export interface TestDatabases {
  /** The PostgreSQL server (one per test file, in a temporary directory). */
  postgres: Postgres;
  /** A new, empty database of `kind`: a PGlite directory, or a PostgreSQL database on the one server. */
  fresh: (kind: DatabaseKind) => Promise<PonderDatabase>;
  /** Stops the server and deletes its directory (the PGlite directories go with their Ponder's `destroy`). */
  stop: () => Promise<void>;
}

let databaseCount = 0;

/**
 * Starts one PostgreSQL server (scripts/lib/postgres.ts: initdb in a temporary directory, a spare 127.0.0.1 port)
 * for a test file. Fails with the way to install it when PostgreSQL is missing: the indexer is tested on both.
 */
export async function testDatabases(settings?: Record<string, string>): Promise<TestDatabases> {
  if (!postgresBinDir())
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the indexer's tests run on PGlite and " +
        "PostgreSQL. Install Debian's postgresql package (apt-get install -y postgresql), as .ci/run does.",
    );
  const postgres = await startPostgres({
    port: await sparePort(portBase(55432, 300)),
    settings,
  });
  return {
    postgres,
    fresh: async (kind) =>
      kind === "PGlite"
        ? { database: "pglite" }
        : { databaseUrl: await postgres.createDatabase(`ponder_${++databaseCount}`) },
    stop: () => postgres.stop(),
  };
}

import { indexedBlock } from "../../../scripts/lib/services.ts";
export { indexedBlock };

/** Waits until /ready answers 200 and the indexed block reaches `block`. */
export async function waitForIndexed(p: PonderProcess, block: number, timeoutMs = 180_000) {
  await waitUntilReady(
    p.service,
    async () => {
      const ready = await fetch(`${p.url}/ready`, { signal: AbortSignal.timeout(5_000) });
      return ready.status === 200 && (await indexedBlock(p.url)) >= block;
    },
    timeoutMs,
  );
}

/** Waits until /ready answers 200: the historical backfill is complete. */
export async function waitForReady(p: PonderProcess, timeoutMs = 180_000) {
  await waitUntilReady(
    p.service,
    async () =>
      (await fetch(`${p.url}/ready`, { signal: AbortSignal.timeout(5_000) })).status === 200,
    timeoutMs,
  );
}

/** Posts a GraphQL query; returns the parsed body (data and errors) and the HTTP status. */
export async function graphql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  return { status: res.status, ...body };
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);
/** Ponder's plural query name for an entity: `leaseEvent` -> `leaseEvents`. */
export const pluralQuery = (entity: string) => `${lowerFirst(entity)}s`;

/** Every entity Ponder serves, as the subgraph runtime's dump: same types, ids, fields and encodings. */
export async function dumpPonder(url: string): Promise<EntityDump> {
  const out: EntityDump = {};
  for (const [type, fields] of [...subgraphEntities()].sort(([a], [b]) => a.localeCompare(b))) {
    const stored = fields.filter((f) => !f.derived);
    const selection = stored.map((f) => (f.reference ? `${f.name} { id }` : f.name)).join(" ");
    const rows: EntityDump[string] = {};
    let after: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const res = await graphql(
        url,
        `query ($after: String) { ${pluralQuery(type)}(limit: 1000, after: $after) { items { ${selection} } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      if (res.errors?.length)
        throw new Error(`${type}: ${res.errors.map((e) => e.message).join("; ")}`);
      const conn = res.data[pluralQuery(type)];
      for (const item of conn.items as Record<string, any>[]) {
        const row: Record<string, string | number | boolean | null> = {};
        for (const f of stored) {
          const v = item[f.name];
          row[f.name] =
            v === null || v === undefined
              ? null
              : f.reference
                ? v.id
                : f.list
                  ? (v as unknown[]).map(String).join(",")
                  : f.type === "Bytes"
                    ? String(v).toLowerCase()
                    : f.type === "BigInt"
                      ? String(v)
                      : v;
        }
        rows[row.id as string] = row;
      }
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    out[type] = Object.fromEntries(
      Object.keys(rows)
        .sort()
        .map((id) => [id, rows[id]!]),
    );
  }
  return out;
}

/** What the subgraph computes from every log of `market` now on the chain: the reference for a complete index. */
export async function subgraphView(
  connection: NetworkConnection,
  market: Address,
): Promise<EntityDump> {
  const runtime = await SubgraphRuntime.load();
  runtime.handleAll(await exportVectors(await connection.viem.getPublicClient(), market));
  return runtime.dump();
}

/** Polls Ponder until its entities equal `expected` (or the time is up), then returns its last dump. */
export async function settle(p: PonderProcess, expected: EntityDump, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let dump = await dumpPonder(p.url);
  while (JSON.stringify(dump) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    dump = await dumpPonder(p.url);
  }
  return dump;
}
