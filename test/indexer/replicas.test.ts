/**
 * Horizontal reads: one `ponder start` writes a PostgreSQL schema and two `ponder serve` replicas answer reads from
 * it (indexer/README.md, "Running Ponder"). While the indexer writes new blocks, both replicas give identical
 * answers, over GraphQL and the explorer's /explorer/* routes, whenever they stand at the same indexed block; once
 * it stops writing they agree with the indexer's own API too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import superjson from "superjson";
import type { NetworkConnection } from "hardhat/types/network";
import { moreLeases, runScenario, type ScenarioResult } from "../../scripts/indexer/scenario.ts";
import {
  graphql,
  indexedBlock,
  startChain,
  startPonder,
  testDatabases,
  waitForIndexed,
  type Chain,
  type PonderProcess,
  type TestDatabases,
} from "./support/ponder.ts";

let chain: Chain;
let connection: NetworkConnection;
let scenario: ScenarioResult;
let databases: TestDatabases;
let indexer: PonderProcess;
let replicas: PonderProcess[];
const started: PonderProcess[] = [];

/** A fixed clock for the explorer's time-relative statuses, so that two reads a moment apart compare equal. */
const NOW = 4_000_000_000;

/** Every read the explorer and the SDK make, as one value: GraphQL lists and the explorer's paged routes. */
async function reads(url: string) {
  const gql = await graphql(
    url,
    `
      {
        leases(orderBy: "id", limit: 1000) {
          items {
            id
            status
            endReason
            buyer {
              id
            }
            provider {
              id
            }
            deposit
          }
          totalCount
        }
        offers(orderBy: "id", limit: 1000) {
          items {
            id
            pricePerGpuHour
            unitsInUse
            leaseCount
          }
        }
        providers(orderBy: "id", limit: 1000) {
          items {
            id
            leaseCount
            leasesServed
            availabilityBps
          }
        }
        markets {
          items {
            id
            leaseCount
            offerCount
            providerCount
          }
        }
      }
    `,
  );
  expect(gql.errors).toBeUndefined();
  const routes = [
    `/explorer/leases?limit=200&now=${NOW}`,
    `/explorer/leases?limit=5&order=oldest&now=${NOW}`,
    `/explorer/leases?status=Active&now=${NOW}`,
    `/explorer/leases/total?now=${NOW}`,
    `/explorer/offers?order=price`,
    `/explorer/providers?order=leasesServed`,
    `/explorer/accounts?order=leases`,
  ];
  const explorer: Record<string, unknown> = {};
  for (const route of routes) {
    const res = await fetch(`${url}${route}`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status, route).toBe(200);
    explorer[route] = await res.json();
  }
  return { graphql: gql.data, explorer };
}

/** The reads at one indexed block: undefined when a block was indexed while they ran. */
async function readsAtOneBlock(url: string) {
  const before = await indexedBlock(url);
  const answers = await reads(url);
  return (await indexedBlock(url)) === before ? { block: before, answers } : undefined;
}

beforeAll(async () => {
  chain = await startChain();
  connection = await network.create({ network: "localhost", override: { url: chain.url } });
  scenario = await runScenario(connection);
  databases = await testDatabases();
  const database = await databases.fresh("PostgreSQL");
  indexer = await startPonder({ rpcUrl: chain.url, ...database });
  started.push(indexer);
  await waitForIndexed(indexer, Number(scenario.lastBlock));
  // The replicas read the schema the indexer writes; they need no chain, and take no lock.
  replicas = [];
  for (let i = 0; i < 2; i++) {
    const replica = await startPonder({ rpcUrl: chain.url, ...database, command: "serve" });
    started.push(replica);
    replicas.push(replica);
  }
}, 600_000);

afterAll(async () => {
  for (const p of started) await p.destroy();
  await databases?.stop();
  await chain?.stop();
}, 120_000);

describe("two ponder serve replicas beside one ponder start", () => {
  it("serve the indexer's status, and refuse writes like it", async () => {
    for (const r of replicas) {
      expect((await fetch(`${r.url}/ready`)).status).toBe(200);
      expect(await indexedBlock(r.url)).toBe(await indexedBlock(indexer.url));
      const sql = (query: string) =>
        fetch(
          `${r.url}/sql/db?sql=${encodeURIComponent(superjson.stringify({ sql: query, params: [], typings: [] }))}`,
        );
      const write = await sql(`delete from lease`);
      expect(write.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(await (await sql(`select count(*) as n from lease`)).json())).toMatch(
        /"n":"?13"?[,}]/,
      );
    }
  });

  it("give identical answers at the same indexed block while the indexer writes", async () => {
    const startBlock = await indexedBlock(indexer.url);
    const compared = new Set<number>();
    let writing = true;
    const writer = (async () => {
      try {
        // One block per batch (the scenario mines a batch's transactions together), by buyers it funded. The next
        // batch waits until the replicas have been compared at this one, so every new block gets compared.
        for (const buyer of [3, 4, 6, 3]) {
          const block = Number(
            await moreLeases(connection, scenario.market, { count: 2, buyer, hours: 2n }),
          );
          const deadline = Date.now() + 60_000;
          while (![...compared].some((b) => b >= block) && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        writing = false;
      }
    })();
    writer.catch(() => {}); // awaited below

    // Read both replicas side by side, again and again, while blocks arrive: whenever both stood still at the
    // same block through their reads, their answers must be identical.
    while (writing) {
      const [a, b] = await Promise.all(replicas.map((r) => readsAtOneBlock(r.url)));
      if (!a || !b || a.block !== b.block) continue;
      expect(a.answers, `at block ${a.block}`).toEqual(b.answers);
      compared.add(a.block);
    }
    await writer;
    const head = Number(await (await connection.viem.getPublicClient()).getBlockNumber());
    await waitForIndexed(indexer, head);

    // At the head, with the indexer idle, both replicas answer exactly what the indexer itself answers.
    const final = await Promise.all([indexer, ...replicas].map((p) => readsAtOneBlock(p.url)));
    for (const r of final) expect(r?.block).toBe(head);
    expect(final[1]!.answers).toEqual(final[0]!.answers);
    expect(final[2]!.answers).toEqual(final[0]!.answers);
    // 13 leases of the scenario (3 of them rolling, #12) and 8 written during the reads.
    expect(final[0]!.answers.graphql.leases.totalCount).toBe(21);

    // The replicas were compared at each of the four blocks the indexer wrote.
    expect([...compared].filter((b) => b > startBlock)).toHaveLength(4);
  });
});
