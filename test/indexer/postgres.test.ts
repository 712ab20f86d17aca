/**
 * The indexer on PostgreSQL when something is wrong, against a real server (scripts/lib/postgres.ts): each case
 * gets a message that says what happened and what to do, from `npm run indexer` (indexer/scripts/start.ts, its
 * checks in indexer/scripts/preflight.ts), and none of them loses indexed data.
 *
 * - a malformed DATABASE_URL, a server that is not listening, a database that does not exist: refused in seconds,
 *   before Ponder starts (Ponder itself retries for a minute and then says only "Failed to connect");
 * - a schema left by another build or another Ponder version, or holding tables Ponder did not create: refused,
 *   the rows left exactly as they were;
 * - the server stopped while Ponder indexes: Ponder stops and says so; once the server is back, Ponder restarted
 *   on the same database resumes with no lost or duplicated rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { join } from "node:path";
import { moreLeases, runScenario, type ScenarioResult } from "../../scripts/indexer/scenario.ts";
import {
  indexedBlock,
  startService,
  stopService,
  waitUntilReady,
  type Service,
} from "../../scripts/lib/services.ts";
import {
  INDEXER_DIR,
  settle,
  subgraphView,
  portBase,
  sparePort,
  startChain,
  startPonder,
  testDatabases,
  waitForIndexed,
  waitForReady,
  type Chain,
  type PonderProcess,
  type TestDatabases,
} from "./support/ponder.ts";

let chain: Chain;
let connection: NetworkConnection;
let scenario: ScenarioResult;
let databases: TestDatabases;
const started: PonderProcess[] = [];
const runs: Service[] = [];

/** `npm run indexer` (indexer/scripts/start.ts) with `databaseUrl`; resolves with its exit code and output. */
function runIndexer(databaseUrl: string, args: string[] = []) {
  const service = startService(
    "npm run indexer",
    "node",
    [join(INDEXER_DIR, "scripts", "start.ts"), ...args],
    {
      env: {
        DATABASE_URL: databaseUrl,
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_RPC_URL_31337: chain.url,
        PONDER_POLLING_INTERVAL: "100",
        PONDER_SCHEMA: "",
        DATABASE_SCHEMA: "",
        NODE_OPTIONS: "",
      },
    },
  );
  runs.push(service);
  return service;
}

/** Runs `npm run indexer` until it exits on its own (within `timeoutMs`); returns the code and the output's tail. */
async function indexerExit(databaseUrl: string, args: string[] = [], timeoutMs = 120_000) {
  const service = runIndexer(databaseUrl, args);
  const timer = setTimeout(() => void stopService(service), timeoutMs);
  const code = await service.exited;
  clearTimeout(timer);
  return { code, output: service.tail() };
}

/** A digest of every row of the schema's lease and offer tables: equal digests, equal rows. */
async function digest(database: string, schema: string) {
  return (
    await databases.postgres.query(
      `select (select count(*) || ':' || md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from "${schema}".lease t)` +
        ` || '/' || (select count(*) || ':' || md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from "${schema}".offer t)`,
      database,
    )
  ).trim();
}

beforeAll(async () => {
  chain = await startChain();
  connection = await network.create({ network: "localhost", override: { url: chain.url } });
  scenario = await runScenario(connection);
  databases = await testDatabases();
}, 600_000);

afterAll(async () => {
  for (const s of runs) await stopService(s, 10_000);
  for (const p of started) await p.destroy();
  await databases?.stop();
  await chain?.stop();
}, 120_000);

describe("npm run indexer refuses a database it cannot use, before Ponder starts", () => {
  it("a malformed DATABASE_URL: exit 2, naming what is wrong, the password hidden", async () => {
    for (const [url, why] of [
      ["not a url", /cannot be parsed as a URL/],
      ["mysql://root:hunter2@127.0.0.1/gridlease", /starts with "mysql:" instead of "postgresql:"/],
      ["postgresql://postgres:hunter2@127.0.0.1:5432", /names no database/],
    ] as const) {
      const run = await indexerExit(url);
      expect(run.code, url).toBe(2);
      expect(run.output, url).toMatch(why);
      expect(run.output, url).toMatch(
        /Expected postgresql:\/\/USER\[:PASSWORD\]@HOST\[:PORT\]\/DATABASE/,
      );
      expect(run.output, url).not.toContain("hunter2");
    }
  });

  it("nothing listening: exit 3 at once, saying so, instead of Ponder's minute of retries", async () => {
    const port = await sparePort(portBase(55432, 500));
    const run = await indexerExit(`postgresql://postgres@127.0.0.1:${port}/gridlease`);
    expect(run.code).toBe(3);
    expect(run.output).toContain(`Nothing is listening on 127.0.0.1:${port} (connection refused)`);
    expect(run.output).not.toMatch(/Failed to connect to database/);
  });

  it("a database that does not exist: exit 3, naming it and how to create it", async () => {
    const url = databases.postgres.url.replace(/\/gridlease$/, "/nowhere");
    const run = await indexerExit(url);
    expect(run.code).toBe(3);
    expect(run.output).toContain(`has no database "nowhere"`);
    expect(run.output).toContain(`createdb -h 127.0.0.1 -p ${databases.postgres.port} nowhere`);
  });

  it("a schema holding tables Ponder did not create: exit 4, and the tables are left alone", async () => {
    const url = await databases.postgres.createDatabase("foreign_tables");
    await databases.postgres.query(
      `create schema other; create table other.lease (id text primary key); insert into other.lease values ('mine')`,
      "foreign_tables",
    );
    const run = await indexerExit(url, ["--schema", "other"]);
    expect(run.code).toBe(4);
    expect(run.output).toMatch(
      /Schema "other" .* already holds 1 tables that Ponder did not create/,
    );
    expect(await databases.postgres.query(`select id from other.lease`, "foreign_tables")).toBe(
      "mine\n",
    );
  });
});

describe("a schema left by another build or another Ponder version", () => {
  let url: string;
  let before: string;
  const database = "left_behind";

  beforeAll(async () => {
    url = await databases.postgres.createDatabase(database);
    const p = await startPonder({ rpcUrl: chain.url, databaseUrl: url });
    started.push(p);
    await waitForIndexed(p, Number(scenario.lastBlock));
    await p.stop();
    before = await digest(database, "gridlease");
    // The scenario's 13 leases (3 of them rolling, #12).
    expect(before).toMatch(/^13:[0-9a-f]{32}\/\d+:[0-9a-f]{32}$/);
  });

  const meta = (path: string, value: string) =>
    databases.postgres.query(
      `update gridlease._ponder_meta set value = jsonb_set(value, '{${path}}', '${value}') where key = 'app'`,
      database,
    );

  it("another build: Ponder refuses it, and the message says what happened and what to do; no row changes", async () => {
    // What Ponder records for a schema written from other handlers, schema or config.
    await meta("build_id", '"0123456789"');
    const run = await indexerExit(url);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      `Schema "gridlease" was previously used by a different Ponder app`,
    );
    expect(run.output).toContain(
      `holds an index written by a different build of this indexer (its handlers, schema or config have changed since), and Ponder never overwrites one. Nothing in it was changed.`,
    );
    expect(run.output).toContain(`--schema NAME`);
    expect(run.output).toContain(`DROP SCHEMA "gridlease" CASCADE`);
    expect(await digest(database, "gridlease")).toBe(before);
  });

  it("another Ponder version: exit 4 before Ponder starts; no row changes", async () => {
    await meta("version", '"5"');
    const run = await indexerExit(url);
    expect(run.code).toBe(4);
    expect(run.output).toContain(
      `holds an index written by another version of Ponder (its bookkeeping is version 5, this indexer writes version 6)`,
    );
    expect(run.output).toContain(`DROP SCHEMA "gridlease" CASCADE`);
    expect(await digest(database, "gridlease")).toBe(before);
  });
});

// Ponder retries a failed query for about a minute before it stops, and a restart waits up to 25 s for the stopped
// run's lock to expire: this test takes about two minutes.
describe("the server stopped while Ponder indexes", () => {
  it("Ponder stops and says so; restarted on the same database it resumes with no lost or duplicated rows", async () => {
    const url = await databases.postgres.createDatabase("disappears");
    const port = await sparePort(portBase(42100, 100));
    const first = runIndexer(url, ["--port", String(port)]);
    const ponderUrl = `http://127.0.0.1:${port}`;
    await waitUntilReady(
      first,
      async () =>
        (await fetch(`${ponderUrl}/ready`)).ok &&
        (await indexedBlock(ponderUrl)) >= Number(scenario.lastBlock),
      180_000,
    );

    // New blocks arrive and the server goes away while Ponder indexes them.
    const more = moreLeases(connection, scenario.market, { count: 4, buyer: 5, hours: 2n });
    await databases.postgres.halt();
    await more;
    const code = await first.exited;
    expect(code).not.toBe(0);
    expect(first.tail()).toContain(
      `The indexer lost its connection to PostgreSQL (${url}) and stopped. What it had indexed is safe`,
    );

    await databases.postgres.restart();
    const resumed = await startPonder({ rpcUrl: chain.url, databaseUrl: url });
    started.push(resumed);
    await waitForReady(resumed);
    const expected = await subgraphView(connection, scenario.market);
    // The scenario's 13 leases (10, and 3 rolling ones of #12) and the 4 opened while the server was away.
    expect(Object.keys(expected.Lease!)).toHaveLength(17);
    expect(await settle(resumed, expected)).toEqual(expected);
  }, 300_000);
});
