/**
 * The explorer's paged API (/explorer/*) against a real Ponder on the parity scenario, on PGlite and on PostgreSQL.
 * The reference is the
 * GraphQL dump of every entity: each list, under every filter and order, walked page by page, must concatenate to
 * exactly the filtered and ordered rows computed from the dump (no row missing or repeated), each total must equal
 * the true count, and each bad parameter must get its 400.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import { runScenario } from "../../scripts/indexer/scenario.ts";
import {
  DATABASE_KINDS,
  dumpPonder,
  startChain,
  startPonder,
  testDatabases,
  waitForIndexed,
  type Chain,
  type DatabaseKind,
  type PonderProcess,
  type TestDatabases,
} from "./support/ponder.ts";
import type { EntityDump } from "./support/subgraph-runtime.ts";

type Row = Record<string, string | number | boolean | null>;

let chain: Chain;
let databases: TestDatabases;
const ponders = new Map<DatabaseKind, PonderProcess>();
/** Every entity through GraphQL (the parity tests check that both databases give the same). */
let dump: EntityDump;
/** The Ponder the requests go to: each describe block below sets it for its database. */
let ponder: PonderProcess;

beforeAll(async () => {
  chain = await startChain();
  const connection = await network.create({
    network: "localhost",
    override: { url: chain.url },
  });
  const scenario = await runScenario(connection);
  databases = await testDatabases();
  for (const kind of DATABASE_KINDS) {
    const p = await startPonder({ rpcUrl: chain.url, ...(await databases.fresh(kind)) });
    ponders.set(kind, p);
    await waitForIndexed(p, Number(scenario.lastBlock));
  }
  dump = await dumpPonder(ponders.get("PGlite")!.url);
}, 600_000);

afterAll(async () => {
  for (const p of ponders.values()) await p.destroy();
  await databases?.stop();
  await chain?.stop();
}, 120_000);

async function get(path: string, params: Record<string, string | number | undefined> = {}) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
  const res = await fetch(`${ponder.url}/explorer/${path}?${search}`, {
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Every row of a list, page by page; fails on a repeated row or a page larger than asked. */
async function walk(path: string, params: Record<string, string | number | undefined>) {
  const out: Row[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const { status, body } = await get(path, { ...params, after });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.items.length).toBeLessThanOrEqual(Number(params.limit ?? 50));
    out.push(...body.items);
    if (body.next === null) break;
    expect(body.items.length).toBe(Number(params.limit ?? 50));
    after = body.next;
  }
  const ids = out.map((r) => r.id);
  expect(new Set(ids).size, `repeated rows in ${path}`).toBe(ids.length);
  return out;
}

const leases = () => Object.values(dump.Lease!);
const num = (v: unknown) => BigInt(String(v));
const byNumber = (a: Row, b: Row) => Number(num(a.id) - num(b.id));
/** Descending by a numeric column, then by id (an address) descending. */
const ranked = (col: string) => (a: Row, b: Row) =>
  num(b[col]) !== num(a[col])
    ? num(b[col]) > num(a[col])
      ? 1
      : -1
    : String(b.id) > String(a.id)
      ? 1
      : -1;

/** The status a person sees at `now`, as the app's derivedStatus and the route's filter. */
function matchesStatus(l: Row, status: string, now: bigint) {
  if (status === "ActivationOverdue")
    return l.status === "Pending" && num(l.activationDeadline) < now;
  if (status === "Expired")
    return l.status === "Active" && l.endTime !== null && num(l.endTime) <= now;
  return l.status === status;
}

interface LeaseQuery {
  gpuModel?: string;
  region?: string;
  status?: string;
  endReason?: string;
  address?: string;
  buyer?: string;
  provider?: string;
  offer?: string;
  now?: number;
}

function expectedLeases(f: LeaseQuery) {
  const now = BigInt(f.now ?? Math.floor(Date.now() / 1000));
  return leases().filter(
    (l) =>
      (f.gpuModel === undefined || l.gpuModel === f.gpuModel) &&
      (f.region === undefined || l.region === f.region) &&
      (f.status === undefined || matchesStatus(l, f.status, now)) &&
      (f.endReason === undefined || l.endReason === f.endReason) &&
      (f.address === undefined ||
        String(l.buyer).startsWith(f.address.toLowerCase()) ||
        String(l.provider).startsWith(f.address.toLowerCase())) &&
      (f.buyer === undefined || l.buyer === f.buyer) &&
      (f.provider === undefined || l.provider === f.provider) &&
      (f.offer === undefined || l.offer === f.offer),
  );
}

/** The filters to try: each value of each filter alone, and some combinations. */
function leaseQueries(): LeaseQuery[] {
  const ls = leases();
  const distinct = (k: string) => [...new Set(ls.map((l) => String(l[k])))].sort();
  const pending = ls.find((l) => l.status === "Pending")!;
  const active = ls.find((l) => l.status === "Active")!;
  // Times either side of a pending lease's deadline and of an active lease's end.
  const nows = [
    Number(pending.activationDeadline) - 1,
    Number(pending.activationDeadline) + 1,
    Number(active.endTime) - 1,
    Number(active.endTime),
  ];
  const buyer = String(ls[0]!.buyer);
  const provider = String(ls[0]!.provider);
  const qs: LeaseQuery[] = [{}];
  for (const gpuModel of distinct("gpuModel")) qs.push({ gpuModel });
  for (const region of distinct("region")) qs.push({ region });
  for (const endReason of distinct("endReason")) qs.push({ endReason });
  for (const offer of distinct("offer")) qs.push({ offer }, { offer, status: "Ended" });
  for (const b of distinct("buyer"))
    qs.push({ buyer: b }, { buyer: b, status: "Ended" }, { buyer: b, status: "Pending" });
  for (const p of distinct("provider"))
    qs.push(
      { provider: p },
      { provider: p, status: "Active" },
      { provider: p, gpuModel: "B200-192GB" },
    );
  for (const now of nows)
    for (const status of ["Pending", "ActivationOverdue", "Active", "Expired", "Ended"])
      qs.push({ status, now });
  qs.push(
    { address: buyer },
    { address: provider },
    { address: buyer.slice(0, 6) },
    { address: provider.slice(0, 10).toUpperCase().replace("0X", "0x") },
    { address: buyer, status: "Ended", endReason: "Expired" },
    { gpuModel: String(ls[0]!.gpuModel), region: String(ls[0]!.region), status: "Ended" },
    { gpuModel: String(ls[0]!.gpuModel), status: "Expired", now: nows[3] },
    { buyer, provider },
    { gpuModel: "no-such-model" },
  );
  return qs;
}

const LEASE_ROW_FIELDS = [
  "id",
  "status",
  "endReason",
  "gpuModel",
  "region",
  "gpus",
  "pricePerGpuHour",
  "duration",
  "buyer",
  "provider",
  "openedAt",
  "paymentToken",
  "startTime",
  "activationDeadline",
  "endTime",
];
const pick = (r: Row, fields: string[]) => Object.fromEntries(fields.map((f) => [f, r[f]]));

describe("the counts the totals read", () => {
  it("LeaseCount has one row per model, region, status and end reason, equal to the leases with them", () => {
    const expected = new Map<string, number>();
    for (const l of leases()) {
      const key = `${l.gpuModel}:${l.region}:${l.status}:${l.endReason}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const rows = Object.values(dump.LeaseCount!).filter((r) => r.leaseCount !== 0);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.leaseCount]))).toEqual(
      Object.fromEntries(expected),
    );
  });

  it("Provider and Account pending and active counts equal their leases in each status", () => {
    for (const [entity, side] of [
      ["Provider", "provider"],
      ["Account", "buyer"],
    ] as const)
      for (const row of Object.values(dump[entity]!)) {
        const mine = leases().filter((l) => l[side] === row.id);
        expect(
          [row.pendingLeases, row.activeLeases, row.leaseCount],
          `${entity} ${row.id}`,
        ).toEqual([
          mine.filter((l) => l.status === "Pending").length,
          mine.filter((l) => l.status === "Active").length,
          mine.length,
        ]);
      }
  });
});

describe.each(DATABASE_KINDS)("on %s", (kind) => {
  beforeAll(() => {
    ponder = ponders.get(kind)!;
  });

  describe("GET /explorer/leases", () => {
    it("walks every filter in both orders to exactly the filtered, ordered leases", async () => {
      for (const q of leaseQueries()) {
        const expected = expectedLeases(q).sort(byNumber);
        for (const [order, rows] of [
          ["newest", [...expected].reverse()],
          ["oldest", expected],
        ] as const) {
          for (const limit of [1, 3, 200]) {
            const got = await walk("leases", { ...q, order, limit });
            expect(got, `${JSON.stringify(q)} ${order} limit ${limit}`).toEqual(
              rows.map((r) => pick(r, LEASE_ROW_FIELDS)),
            );
          }
        }
      }
    });

    it("defaults to newest first, 50 a page", async () => {
      const { body } = await get("leases");
      expect(body.items.map((r: Row) => r.id)).toEqual(
        leases()
          .sort(byNumber)
          .reverse()
          .slice(0, 50)
          .map((l) => l.id),
      );
    });
  });

  describe("GET /explorer/leases/total", () => {
    it("equals the number of leases each filter matches", async () => {
      for (const q of leaseQueries()) {
        const { status, body } = await get("leases/total", { ...q });
        expect(status, JSON.stringify(body)).toBe(200);
        expect(body, JSON.stringify(q)).toEqual({ total: expectedLeases(q).length, exact: true });
      }
    });
  });

  describe("GET /explorer/offers", () => {
    it("walks every filter and order to exactly the filtered, ordered offers", async () => {
      const offers = Object.values(dump.Offer!);
      const distinct = (k: string) => [...new Set(offers.map((o) => String(o[k])))];
      const filters: Record<string, string>[] = [{}];
      for (const gpuModel of distinct("gpuModel")) filters.push({ gpuModel });
      for (const region of distinct("region")) filters.push({ region });
      for (const provider of distinct("provider")) filters.push({ provider });
      const byPrice = (a: Row, b: Row) =>
        num(a.pricePerGpuHour) === num(b.pricePerGpuHour)
          ? byNumber(a, b)
          : num(a.pricePerGpuHour) < num(b.pricePerGpuHour)
            ? -1
            : 1;
      for (const f of filters) {
        const matching = offers.filter((o) => Object.entries(f).every(([k, v]) => o[k] === v));
        const orders = {
          newest: [...matching].sort(byNumber).reverse(),
          price: [...matching].sort(byPrice),
          priceDesc: [...matching].sort(byPrice).reverse(),
        };
        for (const [order, rows] of Object.entries(orders))
          for (const limit of [1, 2, 200]) {
            const got = await walk("offers", { ...f, order, limit });
            expect(
              got.map((r) => [r.id, r.pricePerGpuHour, r.provider, r.leaseCount, r.attestation]),
              `${JSON.stringify(f)} ${order} limit ${limit}`,
            ).toEqual(
              rows.map((r) => [r.id, r.pricePerGpuHour, r.provider, r.leaseCount, r.attestation]),
            );
          }
      }
    });
  });

  describe("GET /explorer/providers and /explorer/accounts", () => {
    const cases = [
      [
        "providers",
        "Provider",
        {
          leasesServed: "leasesServed",
          availability: "availabilityBps",
          gpuHours: "gpuSecondsServed",
          newest: "firstSeenAt",
        },
      ],
      [
        "accounts",
        "Account",
        { leases: "leaseCount", gpuHours: "gpuSecondsBought", newest: "firstSeenAt" },
      ],
    ] as const;
    for (const [path, entity, orders] of cases)
      it(`walks /explorer/${path} in every order`, async () => {
        const all = Object.values(dump[entity]!);
        for (const [order, col] of Object.entries(orders))
          for (const limit of [1, 200]) {
            const got = await walk(path, { order, limit });
            expect(
              got.map((r) => [r.id, String(r[col]), r.leaseCount, r.pendingLeases, r.activeLeases]),
              `${order} limit ${limit}`,
            ).toEqual(
              [...all]
                .sort(ranked(col))
                .map((r) => [r.id, String(r[col]), r.leaseCount, r.pendingLeases, r.activeLeases]),
            );
          }
      });
  });

  describe("bad parameters", () => {
    const leaseCursor = async () => (await get("leases", { limit: 1 })).body.next as string;
    const cases: [string, Record<string, string>, string][] = [
      ["leases", { status: "Running" }, '"status" must be one of Pending, ActivationOverdue'],
      ["leases", { order: "random" }, '"order" must be one of newest, oldest'],
      ["leases", { endReason: "Bored" }, '"endReason" must be one of None, Expired'],
      ["leases", { gpuModel: "x".repeat(33) }, '"gpuModel" must be a code of 1 to 32'],
      ["leases", { region: "TOO-LONG-1" }, '"region" must be a code of 1 to 8'],
      ["leases", { limit: "0" }, '"limit" must be a whole number from 1 to 200'],
      ["leases", { limit: "201" }, '"limit" must be a whole number from 1 to 200'],
      ["leases", { limit: "ten" }, '"limit" must be a whole number from 1 to 200'],
      ["leases", { after: "not-a-cursor" }, '"after" must be the "next" cursor'],
      ["leases", { address: "0x12" }, '"address" must be an address or its start'],
      ["leases", { address: "abcdef" }, '"address" must be an address or its start'],
      ["leases", { buyer: "0x1234" }, '"buyer" must be an address'],
      ["leases", { provider: "nobody" }, '"provider" must be an address'],
      ["leases", { offer: "-1" }, '"offer" must be a decimal id'],
      ["leases", { now: "yesterday" }, '"now" must be unix seconds'],
      ["leases", { staus: "Active" }, 'unknown parameter "staus"'],
      ["leases/total", { status: "Running" }, '"status" must be one of'],
      ["leases/total", { order: "newest" }, 'unknown parameter "order"'],
      ["offers", { order: "cheapest" }, '"order" must be one of newest, price, priceDesc'],
      ["offers", { provider: "0xabc" }, '"provider" must be an address'],
      ["offers", { status: "Active" }, 'unknown parameter "status"'],
      [
        "providers",
        { order: "bond" },
        '"order" must be one of leasesServed, availability, gpuHours, newest',
      ],
      ["providers", { limit: "1000" }, '"limit" must be a whole number from 1 to 200'],
      ["accounts", { order: "spent" }, '"order" must be one of leases, gpuHours, newest'],
      [
        "accounts",
        { after: Buffer.from('["leases","1"]').toString("base64url") },
        '"after" must be',
      ],
    ];
    for (const [path, params, message] of cases)
      it(`/explorer/${path}?${new URLSearchParams(params)} answers 400`, async () => {
        const { status, body } = await get(path, params);
        expect(status).toBe(400);
        expect(body.error).toContain(message);
      });

    it("refuses a cursor made for another order", async () => {
      const { status, body } = await get("leases", { order: "oldest", after: await leaseCursor() });
      expect(status).toBe(400);
      expect(body.error).toContain(
        '"after" must be the "next" cursor of an earlier page of this list in order "oldest"',
      );
    });
  });
});
