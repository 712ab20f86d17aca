/**
 * The dev stack's indexer on PostgreSQL (scripts/lib/stack.ts, `indexerDatabase`), as `npm run dev -- --postgres`
 * and `DATABASE_URL=… npm run dev` use it: a server the stack starts and deletes, an existing database in a new
 * schema per run, and a database that cannot be reached refused before anything starts. No seed, so the indexer has
 * only the deployment to index.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStack } from "../../scripts/lib/stack.ts";
import {
  graphql,
  portBase,
  sparePort,
  testDatabases,
  type TestDatabases,
} from "./support/ponder.ts";

let databases: TestDatabases;
const stacks: LocalStack[] = [];

async function stackOn(indexerDatabase: "postgres" | { url: string }) {
  const lines: string[] = [];
  const stack = new LocalStack({
    port: await sparePort(portBase(8620, 0)),
    indexerPort: await sparePort(portBase(42100, 100)),
    compile: false,
    seed: false,
    fundDevAccounts: false,
    indexerDatabase,
    log: (line) => lines.push(line),
  });
  stacks.push(stack);
  return { stack, lines };
}

/** The market row as the stack's indexer serves it: the deployment was indexed. */
async function indexedMarket(url: string) {
  const res = await graphql(
    url,
    `
      {
        markets {
          items {
            id
          }
        }
      }
    `,
  );
  expect(res.errors).toBeUndefined();
  return res.data.markets.items as { id: string }[];
}

beforeAll(async () => {
  databases = await testDatabases();
}, 120_000);

afterAll(async () => {
  for (const s of stacks) await s.stop();
  await databases?.stop();
}, 120_000);

describe("the dev stack's indexer on PostgreSQL", () => {
  it("--postgres: a server the stack starts, says it uses, and deletes on stop", async () => {
    const { stack, lines } = await stackOn("postgres");
    await stack.start();
    const pg = stack.postgres!;
    expect(stack.indexerDatabase!.description).toMatch(
      new RegExp(
        `^PostgreSQL postgresql://postgres@127\\.0\\.0\\.1:${pg.port}/gridlease, schema "gridlease" \\(new: .*\\); started by the stack in ${pg.dir}, deleted on stop$`,
      ),
    );
    expect(
      lines.some((l) =>
        l.includes(`Ponder on PostgreSQL postgresql://postgres@127.0.0.1:${pg.port}`),
      ),
    ).toBe(true);
    expect(await indexedMarket(stack.indexerUrl)).toHaveLength(1);
    expect(await pg.query(`select count(*) from gridlease.market`)).toBe("1\n");
    await stack.stop();
    expect(existsSync(pg.dir)).toBe(false);
    expect(stack.postgres).toBeUndefined();
  }, 300_000);

  it("DATABASE_URL: an existing database, in a new schema for the run that stays after the stop", async () => {
    const url = await databases.postgres.createDatabase("dev_existing");
    const { stack } = await stackOn({ url });
    await stack.start();
    const schema = stack.indexerDatabase!.schema;
    expect(schema).toMatch(/^gridlease_\d{14}$/);
    expect(stack.indexerDatabase!.description).toContain(`PostgreSQL ${url}, schema "${schema}"`);
    expect(stack.indexerDatabase!.description).toContain(`DROP SCHEMA "${schema}" CASCADE`);
    expect(await indexedMarket(stack.indexerUrl)).toHaveLength(1);
    await stack.stop();
    expect(
      await databases.postgres.query(`select count(*) from "${schema}".market`, "dev_existing"),
    ).toBe("1\n");
  }, 300_000);

  it("a DATABASE_URL with nothing listening stops the stack before anything starts", async () => {
    const port = await sparePort(portBase(55432, 500));
    const { stack } = await stackOn({ url: `postgresql://postgres@127.0.0.1:${port}/gridlease` });
    await expect(stack.start()).rejects.toThrow(
      `Nothing is listening on 127.0.0.1:${port} (connection refused)`,
    );
    expect(stack.services).toEqual([]);
    expect(stack.connection).toBeUndefined();
  });
});
