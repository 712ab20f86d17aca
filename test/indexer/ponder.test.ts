/**
 * The Ponder indexer against a real JSON-RPC chain (`hardhat node` on a spare 127.0.0.1 port):
 *
 * - parity: the scenario replayed on the node yields the committed event vectors, and Ponder's entities equal the
 *   committed expected entities (the ones the subgraph WASM produces from those vectors);
 * - the API: clear GraphQL errors, SQL over HTTP that refuses writes, /health and /ready;
 * - reliability: a crash mid-sync resumes with no lost or duplicated rows; a reorg leaves the same state as a
 *   fresh index of the final chain.
 *
 * Every test runs on both databases the indexer supports: embedded PGlite and PostgreSQL (one server for the file,
 * a fresh database per Ponder instance). Both indexers follow the same chain side by side, so the scenario is mined
 * once. Each step reuses the chain and the Ponder processes of the one before, so they run in order in one file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256 } from "viem";
import { verifyOfferClaim } from "@gridlease/sdk/attestation";
import { network } from "hardhat";
import superjson from "superjson";
import type { NetworkConnection } from "hardhat/types/network";
import {
  exportVectors,
  moreLeases,
  runScenario,
  type ScenarioResult,
} from "../../scripts/indexer/scenario.ts";
import {
  replayable,
  replayableEntities,
  scenarioEntities,
  scenarioEvents,
} from "./support/fixtures.ts";
import {
  DATABASE_KINDS,
  settle,
  subgraphView,
  dumpPonder,
  graphql,
  indexedBlock,
  startChain,
  startPonder,
  testDatabases,
  waitForIndexed,
  waitForReady,
  type Chain,
  type DatabaseKind,
  type PonderDatabase,
  type PonderProcess,
  type TestDatabases,
} from "./support/ponder.ts";
import {
  createIndexerClient,
  getIndexedLease,
  getIndexedOffer,
  getLeaseReview,
  getOfferClaim,
  getOfferRequirement,
  listAudits,
  listBuyerVettings,
  listCredits,
  listOpenOutages,
  listOutageEvents,
  listProviders,
  listReviews,
} from "@gridlease/sdk/indexer";
import { publishedAuditors } from "@gridlease/sdk/eas";

let chain: Chain;
let connection: NetworkConnection;
let scenario: ScenarioResult;
let databases: TestDatabases;
/** The current Ponder instance on each database. */
const ponders = new Map<DatabaseKind, PonderProcess>();
const started: PonderProcess[] = [];

/** Starts Ponder on `database`, or on a fresh database of `kind`. */
async function launch(kind: DatabaseKind, database?: PonderDatabase) {
  const p = await startPonder({
    rpcUrl: chain.url,
    ...(database ?? (await databases.fresh(kind))),
  });
  started.push(p);
  ponders.set(kind, p);
  return p;
}

/** Runs `step` for the Ponder instance on each database at once (they follow the same chain). */
const onEach = <T>(step: (kind: DatabaseKind, p: PonderProcess) => Promise<T>) =>
  Promise.all(DATABASE_KINDS.map((kind) => step(kind, ponders.get(kind)!)));

const head = async () => Number(await (await connection.viem.getPublicClient()).getBlockNumber());

beforeAll(async () => {
  chain = await startChain();
  connection = await network.create({ network: "localhost", override: { url: chain.url } });
  scenario = await runScenario(connection, { attestations: true });
  databases = await testDatabases();
  for (const kind of DATABASE_KINDS) await launch(kind);
  await onEach((_, p) => waitForIndexed(p, Number(scenario.lastBlock)));
}, 600_000);

afterAll(async () => {
  for (const p of started) await p.destroy();
  await databases?.stop();
  await chain?.stop();
}, 120_000);

describe.each(DATABASE_KINDS)("on %s", (kind) => {
  // The instance of this database, read when each test runs (beforeAll starts it).
  let ponder: PonderProcess;
  beforeAll(() => {
    ponder = ponders.get(kind)!;
  });

  describe("Ponder on the parity scenario", () => {
    it("sees the same logs as the committed event vectors", async () => {
      const vectors = await exportVectors(await connection.viem.getPublicClient(), scenario.market);
      expect(replayable(vectors)).toEqual(replayable(scenarioEvents()));
    });

    it("indexes exactly the committed entities", async () => {
      expect(replayableEntities(await dumpPonder(ponder.url))).toEqual(
        replayableEntities(scenarioEntities()),
      );
    });

    it("agrees with the subgraph on the published attestation claim, bytes included", async () => {
      const dump = await dumpPonder(ponder.url);
      const expected = await subgraphView(connection, scenario.market);
      expect(Object.keys(dump.OfferAttestation!)).toEqual(["1"]);
      expect(dump.OfferAttestation).toEqual(expected.OfferAttestation);
      expect(dump.Offer!["1"]!.attestation).toBe("1");
      expect(dump.Offer!["2"]!.attestation).toBeNull();
    });
  });

  describe("the Ponder API", () => {
    it("answers /health and, once the backfill is done, /ready", async () => {
      expect((await fetch(`${ponder.url}/health`)).status).toBe(200);
      expect((await fetch(`${ponder.url}/ready`)).status).toBe(200);
      expect(await indexedBlock(ponder.url)).toBeGreaterThanOrEqual(Number(scenario.lastBlock));
    });

    it("serves a lease with its events and a provider page over GraphQL", async () => {
      const res = await graphql(
        ponder.url,
        `
          {
            lease(id: "1") {
              endReason
              buyer {
                id
              }
              provider {
                leaseCount
              }
              events(orderBy: "logIndex") {
                items {
                  type
                }
              }
            }
          }
        `,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.lease.endReason).toBe("Expired");
      // Lease 1's provider serves 8 of the scenario's 15 leases (its reserved-capacity leases included, #12).
      expect(res.data.lease.provider.leaseCount).toBe(8);
      expect(new Set(res.data.lease.events.items.map((e: { type: string }) => e.type))).toEqual(
        new Set(["Opened", "Activated", "Extended", "AccessRotated", "Ended", "EarningsClaimed"]),
      );
    });

    it("serves an offer's claim and its summary to the SDK, which verifies it on the test root only", async () => {
      const client = createIndexerClient({ url: ponder.url });
      const { offerId, roots } = scenario.attestation;
      const claim = (await getOfferClaim(client, offerId))!;
      expect(claim).toMatchObject({ offerId, generation: "hopper" });
      expect(keccak256(claim.report)).toBe(claim.reportHash);
      const offer = (await getIndexedOffer(client, offerId))!;
      expect(offer.attestation).toEqual({
        generation: "hopper",
        reportHash: claim.reportHash,
        publishedAt: claim.publishedAt,
      });
      expect((await getIndexedOffer(client, 2n))!.attestation).toBeNull();
      expect(await getOfferClaim(client, 2n)).toBeUndefined();

      const onTestRoot = await verifyOfferClaim(claim, offer, { roots });
      expect(onTestRoot.failures).toEqual([]);
      expect(onTestRoot.genuine).toBe(true);
      const onNvidiaRoot = await verifyOfferClaim(claim, offer);
      expect(onNvidiaRoot.genuine).toBe(false);
      expect(onNvidiaRoot.failures.map((f) => f.code)).toContain("UntrustedRoot");
    });

    it("serves the SDK's outage, credit and availability queries", async () => {
      const client = createIndexerClient({ url: ponder.url });
      const events = await listOutageEvents(client, { leaseId: scenario.leases.outages! });
      expect(events.map((e) => e.type)).toEqual([
        "OutageReported",
        "OutageReported",
        "OutageResolved",
        "OutageReported",
        "OutageResolved",
      ]);
      const byBuyer = await listOutageEvents(client, { account: events[0]!.account! });
      expect(byBuyer).toHaveLength(3);
      // Every outage of the scenario is closed by its end; none is credited.
      expect(await listOpenOutages(client)).toEqual([]);
      expect(await listCredits(client, { outstanding: true })).toEqual([]);
      const indexed = await getIndexedLease(client, scenario.leases.unresolved!);
      expect(indexed?.lease).toMatchObject({ endReason: "OutageUnresolved", outageReports: 1 });
      const providers = await listProviders(client, { orderBy: "availabilityBps" });
      expect(providers.map((p) => p.availabilityBps)).toEqual(
        providers.map((p) => p.availabilityBps).sort((a, b) => b - a),
      );
    });

    it("serves the SDK's audit, review, vetting and requirement reads, and the providers' reputation inputs", async () => {
      const client = createIndexerClient({ url: ponder.url });
      const attested = scenario.attested!;
      const audits = await listAudits(client, { offerId: 1n });
      expect(audits.map((a) => a.uid)).toEqual([attested.audits.trusted]);
      expect((await listAudits(client)).map((a) => a.uid).sort()).toEqual(
        Object.values(attested.audits).sort(),
      );
      const review = (await getLeaseReview(client, scenario.leases.outages!))!;
      expect(review).toMatchObject({ leaseId: scenario.leases.outages, score: 2, verified: false });
      expect(review.feeWeight).toBeGreaterThan(0n);
      const selfDealt = await listReviews(client, { leaseId: attested.selfDealt[0]! });
      expect(selfDealt.map((r) => [r.score, r.feeWeight])).toEqual([[5, 0n]]);
      const requirement = (await getOfferRequirement(client, attested.offers.vetted))!;
      expect(requirement.attesters.map((a) => a.toLowerCase())).toEqual(
        publishedAuditors(31337).map((a) => a.toLowerCase()),
      );
      const vettings = await listBuyerVettings(client);
      expect(vettings.map((v) => v.uid).sort()).toEqual(Object.values(attested.vetting).sort());
      const dump = await dumpPonder(ponder.url);
      const provider = dump.Provider![dump.Offer!["1"]!.provider as string]!;
      expect(provider).toMatchObject({ reviewCount: 3, auditCount: 3 });
      expect(BigInt(provider.feesPaidUsdMicros as string)).toBeGreaterThan(0n);
    });

    it("answers a malformed query with a GraphQL syntax error", async () => {
      const res = await graphql(ponder.url, `{ leases(limit: 1) { items { id }`);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]?.message).toMatch(/Syntax Error/);
    });

    it("names an unknown field and an unknown filter in the error", async () => {
      const field = await graphql(
        ponder.url,
        `
          {
            leases {
              items {
                nope
              }
            }
          }
        `,
      );
      expect(field.errors?.[0]?.message).toMatch(/Cannot query field "nope" on type "lease"/);
      const filter = await graphql(
        ponder.url,
        `
          {
            leases(where: { colour: "red" }) {
              items {
                id
              }
            }
          }
        `,
      );
      expect(filter.errors?.[0]?.message).toMatch(/"colour" is not defined/);
    });

    it("rejects a wrongly typed argument and a mutation", async () => {
      const typed = await graphql(
        ponder.url,
        `
          {
            leases(limit: "ten") {
              items {
                id
              }
            }
          }
        `,
      );
      expect(typed.errors?.[0]?.message).toMatch(/Int cannot represent/);
      const mutation = await graphql(
        ponder.url,
        `
          mutation {
            deleteLease(id: "1")
          }
        `,
      );
      expect(mutation.errors?.[0]?.message).toMatch(/mutation/i);
    });

    const sql = (query: string) =>
      fetch(
        `${ponder.url}/sql/db?sql=${encodeURIComponent(superjson.stringify({ sql: query, params: [], typings: [] }))}`,
      );

    it("answers a read over SQL", async () => {
      const res = await sql(`select count(*) as n from lease`);
      expect(res.status).toBe(200);
      // PGlite answers a count as a number, node-postgres as a string (a bigint may exceed 2^53).
      const leases = Object.keys(scenarioEntities().Lease!).length;
      expect(JSON.stringify(await res.json())).toMatch(new RegExp(`"n":"?${leases}"?[,}]`));
    });

    it("refuses every write over SQL and changes nothing", async () => {
      for (const write of [
        `delete from lease`,
        `update lease set status = 'Ended'`,
        `insert into market (id) values ('x')`,
        `drop table lease`,
        `select 1; delete from lease`,
      ]) {
        const res = await sql(write);
        expect(res.status, write).toBeGreaterThanOrEqual(400);
        expect(await res.text(), write).toMatch(/not supported|Invalid query|Multiple statements/);
      }
      expect(replayableEntities(await dumpPonder(ponder.url))).toEqual(
        replayableEntities(scenarioEntities()),
      );
    });
  });
});

/**
 * Restart and reorg. Both leave Ponder's indexing cache incomplete, so they exercise its prefetch path in live
 * indexing (the one that failed with "Invalid input for string type" before the workaround in ponder.schema.ts).
 */
describe("Ponder's reliability", () => {
  it("resumes after a restart mid-sync with no lost or duplicated rows, then indexes live", async () => {
    // Live indexing of new blocks, then a stop while more blocks keep coming.
    const first = await moreLeases(connection, scenario.market, { count: 3, buyer: 3, hours: 2n });
    await onEach((_, p) => waitForIndexed(p, Number(first)));
    await onEach((_, p) => p.stop());
    await moreLeases(connection, scenario.market, { count: 3, buyer: 6, hours: 3n });

    // Same database: Ponder resumes from its last finalized checkpoint and backfills the rest.
    for (const kind of DATABASE_KINDS) await launch(kind, ponders.get(kind)!.database);
    await onEach((_, p) => waitForReady(p));
    const expected = await subgraphView(connection, scenario.market);
    const scenarioLeases = Object.keys(scenarioEntities().Lease!).length;
    expect(Object.keys(expected.Lease!)).toHaveLength(scenarioLeases + 6);
    await onEach(async (kind, p) => expect(await settle(p, expected), kind).toEqual(expected));

    // And goes on indexing new blocks live on the reused database.
    const live = await moreLeases(connection, scenario.market, { count: 2, buyer: 4, hours: 3n });
    await onEach((_, p) => waitForIndexed(p, Number(live)));
    const after = await subgraphView(connection, scenario.market);
    expect(Object.keys(after.Lease!)).toHaveLength(scenarioLeases + 8);
    await onEach(async (kind, p) => expect(await settle(p, after), kind).toEqual(after));
    await onEach((_, p) => p.destroy());
  }, 300_000);

  it("follows a reorg to the same state as a fresh index of the final chain", async () => {
    for (const kind of DATABASE_KINDS) await launch(kind);
    const tip = await head();
    await onEach((_, p) => waitForIndexed(p, tip));
    const before = Object.keys((await dumpPonder(ponders.get("PGlite")!.url)).Lease!).length;
    const provider = connection.provider;
    const snapshot = (await provider.request({ method: "evm_snapshot" })) as string;
    const abandoned = await moreLeases(connection, scenario.market, {
      count: 2,
      buyer: 3,
      hours: 4n,
    });
    const reorgedId = String(before + 1);
    const abandonedBuyers = await onEach(async (kind, p) => {
      await waitForIndexed(p, Number(abandoned));
      const onAbandoned = await dumpPonder(p.url);
      expect(Object.keys(onAbandoned.Lease!), kind).toHaveLength(before + 2);
      return onAbandoned.Lease![reorgedId]!.buyer;
    });

    // The chain drops those blocks and grows a longer, different branch.
    expect(await provider.request({ method: "evm_revert", params: [snapshot] })).toBe(true);
    await moreLeases(connection, scenario.market, { count: 4, buyer: 6, hours: 5n });
    const expected = await subgraphView(connection, scenario.market);
    expect(Object.keys(expected.Lease!)).toHaveLength(before + 4);
    // The first reorged lease now belongs to another buyer: the abandoned branch's version must be gone.
    for (const buyer of abandonedBuyers) expect(expected.Lease![reorgedId]!.buyer).not.toBe(buyer);
    await onEach(async (kind, p) => expect(await settle(p, expected), kind).toEqual(expected));

    // A fresh index of the final chain, on each database, agrees.
    const reorged = DATABASE_KINDS.map((kind) => ponders.get(kind)!);
    for (const kind of DATABASE_KINDS) await launch(kind);
    const final = await head();
    await onEach(async (kind, p) => {
      await waitForIndexed(p, final);
      expect(await settle(p, expected), kind).toEqual(expected);
    });
    for (const p of reorged) await p.destroy();
  }, 300_000);
});
