/**
 * The explorer's paged queries for the subgraph: every request validates against the API graph-node derives from
 * subgraph/schema.graphql (support/graphSchema.ts), pages with `first` and a keyset `where` (never `skip`), and
 * walking the pages of an in-memory table yields exactly the filtered, sorted rows, each once.
 */
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  countSubgraphLeases,
  pageSubgraphAccounts,
  pageSubgraphLeases,
  pageSubgraphOffers,
  pageSubgraphProviders,
  subgraphAccountPageRequest,
  subgraphLeasePageRequest,
  subgraphOfferPageRequest,
  subgraphProviderPageRequest,
  type LeaseFilter,
  type LeasePageQuery,
  type OfferPageQuery,
  type Page,
  type SubgraphClient,
  type SubgraphRequest,
} from "@gridlease/sdk/indexer";
import { runGraphQuery, subgraphApi, type Row } from "./support/graphSchema.ts";
import { rng } from "./support/rng.ts";

const NOW = 1_900_000_000;
const ADDRESSES = [
  "0xaaaa000000000000000000000000000000000001",
  "0xaaaa000000000000000000000000000000000002",
  "0xaaab000000000000000000000000000000000003",
  "0xbbbb000000000000000000000000000000000004",
  "0xcccc000000000000000000000000000000000005",
];
const MODELS = ["H100-SXM-80GB", "B200-192GB", "H200-141GB"];
const REGIONS = ["US-CA", "SG"];

/** A table of leases, offers, providers and buyers with many ties on every sort column. */
function table(seed: number) {
  const r = rng(seed);
  const leases: Row[] = [];
  for (let i = 1; i <= 137; i++) {
    const status = r.pick(["Pending", "Active", "Ended"]);
    const start = status === "Pending" ? null : NOW - r.int(-5, 5) * 3600;
    leases.push({
      id: String(i),
      leaseId: String(i),
      offer: String(r.int(1, 12)),
      status,
      endReason: status === "Ended" ? r.pick(["Expired", "BuyerTerminated"]) : "None",
      gpuModel: r.pick(MODELS),
      region: r.pick(REGIONS),
      gpus: "8",
      pricePerGpuHour: "1000",
      duration: "3600",
      buyer: r.pick(ADDRESSES),
      provider: r.pick(ADDRESSES),
      paymentToken: "0x00000000000000000000000000000000000000aa",
      openedAt: String(NOW - 86_400 + i),
      activationDeadline: String(NOW + r.int(-3, 3) * 600),
      startTime: start === null ? null : String(start),
      endTime: start === null ? null : String(start + 3 * 3600),
    });
  }
  const offers: Row[] = Array.from({ length: 23 }, (_, i) => ({
    id: String(i + 1),
    offerId: String(i + 1),
    provider: r.pick(ADDRESSES),
    paymentToken: "0x00000000000000000000000000000000000000aa",
    gpuModel: r.pick(MODELS),
    region: r.pick(REGIONS),
    gpusPerUnit: "8",
    totalUnits: "4",
    unitsInUse: "1",
    // Few prices, so most pages end inside a run of equal prices.
    pricePerGpuHour: String(r.pick([900, 1000, 1100])),
    minDuration: "600",
    maxDuration: "86400",
    paused: false,
    leaseCount: r.int(0, 3),
    attestation: null,
    createdAt: String(NOW + i),
  }));
  const ranked = (extra: (i: number) => Row): Row[] =>
    ADDRESSES.concat(
      Array.from({ length: 14 }, (_, i) => `0x${(i + 16).toString(16).padStart(40, "d")}`),
    ).map((id, i) => ({ id, ...extra(i) }));
  const providers = ranked((i) => ({
    metadataURI: `ipfs://p/${i}`,
    bond: "0",
    offerCount: 1,
    leaseCount: 3,
    leasesServed: r.int(0, 2),
    pendingLeases: 0,
    activeLeases: 0,
    gpuSecondsServed: String(r.pick([0, 3600, 7200])),
    gpuSecondsDown: "0",
    availabilityBps: r.pick([10_000, 9_000]),
    noShows: 0,
    providerTerminations: 0,
    openOutages: 0,
    firstSeenAt: String(NOW + r.int(0, 3)),
    lastSeenAt: String(NOW),
  }));
  const accounts = ranked(() => ({
    leaseCount: r.int(0, 2),
    pendingLeases: 0,
    activeLeases: 0,
    gpuSecondsBought: String(r.pick([0, 3600])),
    penaltiesReceived: "0",
    outageReports: 0,
    firstSeenAt: String(NOW + r.int(0, 2)),
    lastSeenAt: String(NOW),
  }));
  return { Lease: leases, Offer: offers, Provider: providers, Account: accounts };
}

/** A client whose answers come from the in-memory table, through the derived API. */
function memoryClient(rows: Record<string, Row[]>) {
  const requests: string[] = [];
  const client: SubgraphClient = {
    query: async <T>(document: string, variables?: Record<string, unknown>) => {
      requests.push(document);
      return (await runGraphQuery(rows, document, variables)) as T;
    },
  };
  return { client, requests };
}

/** Every page from the first, following `next`; fails on a page past the limit or a loop. */
async function walk<T extends { id: string }>(
  fetchPage: (after: string | null) => Promise<Page<T>>,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: Page<T> = await fetchPage(after);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error("the walk did not end");
}

const big = (v: unknown) => BigInt(v as string);
const describeFilter = (f: object) =>
  JSON.stringify(f, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

/** The leases that pass `f`, by the filter's definition (not through the built where clause). */
function expectedLeases(rows: Row[], f: LeaseFilter): Row[] {
  return rows.filter((l) => {
    if (f.gpuModel !== undefined && l.gpuModel !== f.gpuModel) return false;
    if (f.region !== undefined && l.region !== f.region) return false;
    if (f.endReason !== undefined && l.endReason !== f.endReason) return false;
    if (f.buyer !== undefined && l.buyer !== f.buyer.toLowerCase()) return false;
    if (f.provider !== undefined && l.provider !== f.provider.toLowerCase()) return false;
    if (f.offerId !== undefined && l.offer !== String(f.offerId)) return false;
    const now = BigInt(f.now ?? NOW);
    if (
      f.status === "ActivationOverdue" &&
      !(l.status === "Pending" && big(l.activationDeadline) < now)
    )
      return false;
    if (f.status === "Expired" && !(l.status === "Active" && big(l.endTime) <= now)) return false;
    if (["Pending", "Active", "Ended"].includes(f.status ?? "") && l.status !== f.status)
      return false;
    const a = f.address?.toLowerCase();
    if (a && !String(l.buyer).startsWith(a) && !String(l.provider).startsWith(a)) return false;
    return true;
  });
}

const LEASE_FILTERS: LeaseFilter[] = [
  {},
  { gpuModel: "H100-SXM-80GB" },
  { gpuModel: "B200-192GB", region: "SG" },
  { status: "Pending", now: NOW },
  { status: "ActivationOverdue", now: NOW },
  { status: "Active", now: NOW },
  { status: "Expired", now: NOW },
  { status: "Ended", endReason: "Expired" },
  { address: ADDRESSES[0]! },
  { address: "0xAAAA00", region: "US-CA" },
  { address: "0xaaab", status: "Ended" },
  { buyer: ADDRESSES[1]!.toUpperCase().replace("0X", "0x"), offerId: 3n },
];

describe("the subgraph's paged requests", () => {
  const { schema } = subgraphApi();
  const requests: [string, SubgraphRequest][] = [
    ...(LEASE_FILTERS.flatMap((f) =>
      (["newest", "oldest"] as const).flatMap((order) => [
        [`leases ${order} ${describeFilter(f)}`, subgraphLeasePageRequest({ ...f, order })],
      ]),
    ) as [string, SubgraphRequest][]),
    ...(["newest", "price", "priceDesc"] as const).map(
      (order) =>
        [
          `offers ${order}`,
          subgraphOfferPageRequest({ order, gpuModel: "H100-SXM-80GB", provider: ADDRESSES[0] }),
        ] as [string, SubgraphRequest],
    ),
    ...(["leasesServed", "availability", "gpuHours", "newest"] as const).map(
      (order) =>
        [`providers ${order}`, subgraphProviderPageRequest({ order })] as [string, SubgraphRequest],
    ),
    ...(["leases", "gpuHours", "newest"] as const).map(
      (order) =>
        [`accounts ${order}`, subgraphAccountPageRequest({ order })] as [string, SubgraphRequest],
    ),
  ];

  it("validate against the API graph-node derives from the schema, with their variables, and never skip", async () => {
    for (const [name, req] of requests) {
      expect(validate(schema, parse(req.document)), name).toEqual([]);
      expect(req.document, name).not.toMatch(/\bskip\b/);
      // Executing on an empty table coerces the variables (the where clause) against the filter input types.
      await expect(runGraphQuery({}, req.document, req.variables), name).resolves.toEqual({
        [req.field]: [],
      });
    }
  });

  it("are refused by the derived API when they name a field the schema does not have", async () => {
    const req = subgraphLeasePageRequest({ gpuModel: "H100-SXM-80GB" });
    const wrong = { ...req.variables, where: { gpuModel: "H100-SXM-80GB", colour_lt: "1" } };
    await expect(runGraphQuery({}, req.document, wrong)).rejects.toThrow(/colour_lt/);
    expect(validate(schema, parse(req.document.replace("leaseId", "leaseNumber")))).not.toEqual([]);
  });

  it("ask for one row more than the page, after the cursor's key", async () => {
    const { client, requests: sent } = memoryClient(table(1));
    const first = await pageSubgraphLeases(client, { limit: 5 });
    expect(first.items.map((l) => l.id)).toEqual(["137", "136", "135", "134", "133"]);
    const req = subgraphLeasePageRequest({ limit: 5, after: first.next });
    expect(req.variables).toMatchObject({ first: 6, orderBy: "leaseId", orderDirection: "desc" });
    expect(req.variables.where).toEqual({ leaseId_lt: "133" });
    expect(sent).toHaveLength(1);
  });
});

describe("walking the pages of an in-memory subgraph", () => {
  const rows = table(7);
  const { client } = memoryClient(rows);

  it("gives every lease that passes the filter once, in order, for each filter, order and page size", async () => {
    for (const f of LEASE_FILTERS)
      for (const order of ["newest", "oldest"] as const)
        for (const limit of [1, 7, 50]) {
          const q: LeasePageQuery = { ...f, order, limit };
          const ids = await walk((after) => pageSubgraphLeases(client, { ...q, after }), limit);
          const want = expectedLeases(rows.Lease, f)
            .map((l) => Number(l.id))
            .sort((a, b) => (order === "newest" ? b - a : a - b))
            .map(String);
          expect(want.length, describeFilter(f)).toBeGreaterThan(0);
          expect(ids, describeFilter(q)).toEqual(want);
        }
  });

  it("pages offers by price through runs of equal prices, either way, and newest by offer id", async () => {
    for (const order of ["newest", "price", "priceDesc"] as const)
      for (const limit of [1, 2, 5]) {
        const q: OfferPageQuery = { order, limit, region: "US-CA" };
        const ids = await walk((after) => pageSubgraphOffers(client, { ...q, after }), limit);
        const sorted = rows.Offer.filter((o) => o.region === "US-CA").sort((a, b) => {
          if (order === "newest") return Number(b.offerId) - Number(a.offerId);
          const sign = order === "price" ? 1 : -1;
          const byPrice = Number(a.pricePerGpuHour) - Number(b.pricePerGpuHour);
          // Ties by id in the sort's direction, as graph-node orders them (ids compared as strings).
          return sign * (byPrice || (String(a.id) < String(b.id) ? -1 : 1));
        });
        expect(ids, `${order} ${limit}`).toEqual(sorted.map((o) => String(o.id)));
      }
  });

  it("pages providers and buyers highest first through ties, each once", async () => {
    for (const order of ["leasesServed", "availability", "gpuHours", "newest"] as const)
      for (const limit of [1, 3]) {
        const ids = await walk(
          (after) => pageSubgraphProviders(client, { order, limit, after }),
          limit,
        );
        expect([...ids].sort(), order).toEqual(rows.Provider.map((p) => String(p.id)).sort());
        const key = {
          leasesServed: "leasesServed",
          availability: "availabilityBps",
          gpuHours: "gpuSecondsServed",
          newest: "firstSeenAt",
        }[order];
        const values = ids.map((id) => Number(rows.Provider.find((p) => p.id === id)![key]));
        expect(values, order).toEqual([...values].sort((a, b) => b - a));
      }
    for (const order of ["leases", "gpuHours", "newest"] as const) {
      const ids = await walk(
        (after) => pageSubgraphAccounts(client, { order, limit: 2, after }),
        2,
      );
      expect([...ids].sort(), order).toEqual(rows.Account.map((a) => String(a.id)).sort());
    }
  });
});

/** The counts the subgraph keeps, made from the leases: LeaseCount rows and each party's own counts. */
function withCounts(rows: ReturnType<typeof table>) {
  const counts = new Map<string, Row>();
  const parties = new Map<string, Row>();
  for (const l of rows.Lease) {
    const id = `${l.gpuModel}:${l.region}:${l.status}:${l.endReason}`;
    const c = counts.get(id) ?? { id, ...l, leaseCount: 0, updatedAt: "0" };
    c.leaseCount = Number(c.leaseCount) + 1;
    counts.set(id, c);
    for (const [entity, who] of [
      ["Account", l.buyer],
      ["Provider", l.provider],
    ] as const) {
      const key = `${entity}:${who}`;
      const p = parties.get(key) ?? { id: who, leaseCount: 0, pendingLeases: 0, activeLeases: 0 };
      p.leaseCount = Number(p.leaseCount) + 1;
      if (l.status === "Pending") p.pendingLeases = Number(p.pendingLeases) + 1;
      if (l.status === "Active") p.activeLeases = Number(p.activeLeases) + 1;
      parties.set(key, p);
    }
  }
  const of = (entity: string) =>
    [...parties].filter(([k]) => k.startsWith(`${entity}:`)).map(([, v]) => v);
  return {
    ...rows,
    LeaseCount: [...counts.values()],
    Account: of("Account"),
    Provider: of("Provider"),
  };
}

describe("lease totals from the subgraph's counts", () => {
  const rows = withCounts(table(11));
  const { client, requests } = memoryClient(rows);

  it("add up the LeaseCount rows, or a party's own counts, to the leases that pass the filter", async () => {
    const filters: LeaseFilter[] = [
      {},
      { gpuModel: "H100-SXM-80GB" },
      { region: "SG", status: "Active" },
      { status: "Ended", endReason: "Expired" },
      { buyer: ADDRESSES[0]! },
      { provider: ADDRESSES[3]!, status: "Pending" },
      { buyer: ADDRESSES[2]!, status: "Ended" },
      { buyer: "0x00000000000000000000000000000000000000ff" },
    ];
    for (const f of filters)
      expect(await countSubgraphLeases(client, f), describeFilter(f)).toEqual({
        total: expectedLeases(rows.Lease, f).length,
        exact: true,
      });
    expect(requests.join("\n")).not.toMatch(/\bleases\(/);
  });

  it("refuse a filter the subgraph keeps no count for", async () => {
    for (const f of [
      { address: "0xaaaa00" },
      { offerId: 3n },
      { status: "Expired", now: NOW },
      { buyer: ADDRESSES[0]!, gpuModel: "B200-192GB" },
    ] as LeaseFilter[])
      await expect(countSubgraphLeases(client, f), describeFilter(f)).rejects.toThrow(
        /The subgraph keeps no lease count by .*: page through the leases instead/,
      );
  });
});

describe("bad input", () => {
  it("is refused with the parameter and what it takes, before any request", () => {
    expect(() => subgraphLeasePageRequest({ limit: 0 })).toThrow(
      /limit must be a whole number from 1 to 200/,
    );
    expect(() => subgraphLeasePageRequest({ limit: 201 })).toThrow(/limit/);
    expect(() => subgraphLeasePageRequest({ after: "not a cursor" })).toThrow(
      /after must be the "next" cursor/,
    );
    expect(() => subgraphLeasePageRequest({ address: "0x12" })).toThrow(
      /0x and 4 to 40 hex digits/,
    );
    expect(() => subgraphLeasePageRequest({ buyer: "alice" })).toThrow(/buyer must be an address/);
    expect(() => subgraphLeasePageRequest({ status: "Lost" as LeaseFilter["status"] })).toThrow(
      /status must be one of Pending, ActivationOverdue, Active, Expired, Ended/,
    );
    expect(() =>
      subgraphOfferPageRequest({ order: "cheapest" as OfferPageQuery["order"] }),
    ).toThrow(/order must be one of newest, price, priceDesc/);
  });

  it("refuses a cursor made for another order", async () => {
    const { client } = memoryClient(table(3));
    const byPrice = await pageSubgraphOffers(client, { order: "price", limit: 2 });
    expect(() => subgraphOfferPageRequest({ order: "newest", after: byPrice.next })).toThrow(
      /in order "newest"/,
    );
  });
});
