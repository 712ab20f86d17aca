/**
 * The indexer client with an injected fetch: how it pages, what each failure becomes, and how rows are mapped.
 * (test/indexer/ponder.test.ts runs the same queries against a real Ponder.)
 */
import { describe, expect, it } from "vitest";
import {
  feeWeightedPricePerGpuHour,
  byChainOrder,
  createIndexerClient,
  getLeaseContext,
  IndexerError,
  leaseConditions,
  getIndexedAddress,
  getMarketOverview,
  listGpuModelDayStats,
  listOffers,
  listRegionDayStats,
  toLease,
  toLeaseEvent,
  type RawLease,
  type RawOffer,
} from "@gridlease/sdk/indexer";

type Handler = (
  url: string,
  body: { query: string; variables: Record<string, unknown> } | undefined,
) => Response;

/** A fetch that answers with `handler` and records every request. */
function fakeFetch(handler: Handler) {
  const calls: { url: string; variables?: Record<string, unknown>; query?: string }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, variables: body?.variables, query: body?.query });
    return handler(url, body);
  };
  return { fetch, calls };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const rawOffer = (id: number): RawOffer => ({
  offerId: String(id),
  provider: { id: "0xAbCd000000000000000000000000000000000001" },
  paymentToken: { id: "0x00000000000000000000000000000000000000aa" },
  gpuModel: "H100-SXM-80GB",
  region: "AU-QLD",
  gpusPerUnit: "8",
  totalUnits: "4",
  unitsInUse: "1",
  pricePerGpuHour: "1950000",
  initialPricePerGpuHour: "2000000",
  minDuration: "3600",
  maxDuration: "2592000",
  repairWindow: "3600",
  minProviderBond: "1000000000000000000000",
  buyerPolicy: "0x0000000000000000000000000000000000000000",
  specHash: "0x11",
  specURI: "ipfs://spec",
  paused: false,
  leaseCount: 3,
  createdAt: "1700000000",
  createdAtBlock: "12",
  updatedAt: "1700000100",
  prepaidWindow: "0",
  commitment: "0",
  noticePeriod: "0",
  exitFeeBps: "0",
});

const rawLease: RawLease = {
  leaseId: "5",
  offer: { id: "2" },
  provider: { id: "0x01" },
  buyer: { id: "0x02" },
  paymentToken: { id: "0x03" },
  gpuModel: "H100-SXM-80GB",
  region: "AU-QLD",
  units: "1",
  gpusPerUnit: "8",
  gpus: "8",
  pricePerGpuHour: "1950000",
  feeBps: "250",
  duration: "3600",
  initialDuration: "3600",
  status: "Ended",
  endReason: "ProviderTerminated",
  buyerPublicKey: "0x11",
  activationDeadline: "100",
  openedAt: "50",
  openedAtBlock: "3",
  startTime: null,
  endTime: "90",
  closedAt: "90",
  deposit: "1",
  topUps: "0",
  extensionCount: 0,
  accrued: "0",
  claimedGross: "0",
  paidToProvider: "0",
  fee: "0",
  refunded: "1",
  penalty: "500",
  encryptedAccess: null,
  accessPostedAt: null,
  accessRotatedAt: null,
  accessRotations: 0,
  outageOpen: false,
  downUnits: "0",
  outageSince: null,
  repairDeadline: null,
  lastResolvedAt: null,
  outageReports: 0,
  outageDowntime: "0",
  downUnitSeconds: "0",
  updatedAt: "90",
  rolling: true,
  term: "864000",
  fundedUntil: null,
  exitEscrow: "40",
  reservedPenalty: "500",
  exitCharge: "0",
  unitsReleased: "0",
  unitsFailed: "0",
  topUpPerTopUp: "10",
  topUpRemaining: "30",
  topUpThreshold: "3600",
  topUpRevoked: false,
  topUpCount: 0,
};

describe("createIndexerClient", () => {
  it("refuses a URL that is not http(s) and accepts one ending in /graphql", () => {
    expect(() => createIndexerClient({ url: "localhost:42069" })).toThrow(TypeError);
    expect(createIndexerClient({ url: "http://127.0.0.1:42069/graphql/" }).url).toBe(
      "http://127.0.0.1:42069",
    );
  });

  it("pages through a connection, passing the cursor and stopping at the last page", async () => {
    const pages = [
      { items: [rawOffer(1), rawOffer(2)], pageInfo: { hasNextPage: true, endCursor: "c1" } },
      { items: [rawOffer(3)], pageInfo: { hasNextPage: false, endCursor: "c2" } },
    ];
    const { fetch, calls } = fakeFetch((_url, body) =>
      json({ data: { offers: pages[body?.variables.after === "c1" ? 1 : 0] } }),
    );
    const client = createIndexerClient({ url: "http://indexer.test", fetch });
    const seen: number[] = [];
    const offers = await listOffers(
      client,
      { paused: false, provider: "0xAbCd000000000000000000000000000000000001" },
      {
        onPage: (rows) => seen.push(rows.length),
      },
    );
    expect(offers.map((o) => o.offerId)).toEqual([1n, 2n, 3n]);
    expect(seen).toEqual([2, 3]);
    expect(calls.map((c) => c.url)).toEqual([
      "http://indexer.test/graphql",
      "http://indexer.test/graphql",
    ]);
    expect(calls[0]!.variables).toMatchObject({
      after: null,
      limit: 1000,
      where: { paused: false, provider: "0xabcd000000000000000000000000000000000001" },
    });
    expect(calls[1]!.variables).toMatchObject({ after: "c1" });
  });

  it("stops paging at `max` rows even when the indexer has more", async () => {
    const { fetch, calls } = fakeFetch(() =>
      json({
        data: {
          offers: {
            items: [rawOffer(1), rawOffer(2)],
            pageInfo: { hasNextPage: true, endCursor: "next" },
          },
        },
      }),
    );
    const client = createIndexerClient({ url: "http://indexer.test", fetch });
    const offers = await listOffers(client, {}, { max: 3 });
    expect(offers).toHaveLength(3);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.variables).toMatchObject({ limit: 3 });
  });

  it("names each failure: unreachable, HTTP without GraphQL, refused query", async () => {
    const down = createIndexerClient({
      url: "http://indexer.test",
      fetch: async () => {
        throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
      },
    });
    await expect(down.query("{ x }")).rejects.toMatchObject({
      name: "IndexerError",
      kind: "unreachable",
      message: expect.stringContaining("ECONNREFUSED"),
    });

    const html = createIndexerClient({
      url: "http://indexer.test",
      fetch: async () => new Response("<html>Bad gateway</html>", { status: 502 }),
    });
    await expect(html.query("{ x }")).rejects.toMatchObject({ kind: "http", status: 502 });

    const refused = createIndexerClient({
      url: "http://indexer.test",
      fetch: async () => json({ errors: [{ message: 'Cannot query field "nope"' }] }, 400),
    });
    const err = await refused.query("{ nope }").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexerError);
    expect(err).toMatchObject({
      kind: "query",
      status: 400,
      message: expect.stringContaining('"nope"'),
    });
  });

  it("lets the caller's own abort through as an abort, not as an indexer failure", async () => {
    const controller = new AbortController();
    const client = createIndexerClient({
      url: "http://indexer.test",
      fetch: async (_input, init) => {
        controller.abort();
        throw init?.signal?.reason ?? new Error("aborted");
      },
    });
    const err = await client
      .query("{ x }", {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(IndexerError);
    expect(err).toMatchObject({ name: "AbortError" });
  });

  it("reads the indexed block from /status, and undefined before any block", async () => {
    let status: unknown = {
      localhost: { id: 31337, block: { number: 42, timestamp: 1700000000 } },
    };
    const client = createIndexerClient({
      url: "http://indexer.test",
      fetch: async () => json(status),
    });
    expect(await client.indexedBlock()).toEqual({ number: 42n, timestamp: 1700000000n });
    expect(await client.indexedTime()).toBe(1700000000n);
    status = {};
    expect(await client.indexedBlock()).toBeUndefined();
  });
});

describe("row mappers", () => {
  it("maps an offer: bigints, lowercase addresses, restricted from the policy", () => {
    const [offer] = [rawOffer(7)].map((r) => ({
      ...r,
      buyerPolicy: "0x00000000000000000000000000000000000000Bb",
    }));
    const client = createIndexerClient({
      url: "http://indexer.test",
      fetch: async () =>
        json({
          data: { offers: { items: [offer], pageInfo: { hasNextPage: false, endCursor: null } } },
        }),
    });
    return listOffers(client).then(([o]) =>
      expect(o).toMatchObject({
        offerId: 7n,
        provider: "0xabcd000000000000000000000000000000000001",
        minProviderBond: 10n ** 21n,
        restricted: true,
        buyerPolicy: "0x00000000000000000000000000000000000000bb",
      }),
    );
  });

  it("maps a lease and refuses a status or end reason it does not know", () => {
    expect(toLease(rawLease)).toMatchObject({
      leaseId: 5n,
      offerId: 2n,
      startTime: null,
      endTime: 90n,
      penalty: 500n,
      rolling: true,
      term: 864_000n,
      fundedUntil: null,
      exitEscrow: 40n,
      topUpAllowance: { perTopUp: 10n, remaining: 30n, runwayThreshold: 3600n, revoked: false },
    });
    expect(() => toLease({ ...rawLease, status: "Weird" })).toThrow(RangeError);
    expect(() => toLease({ ...rawLease, endReason: "Weird" })).toThrow(RangeError);
  });

  it("orders events by block, then log index", () => {
    const e = (blockNumber: bigint, logIndex: number) => ({
      ...toLeaseEvent({
        id: "x",
        lease: { id: "1" },
        type: "Opened",
        account: null,
        txHash: "0x01",
        blockNumber: "0",
        logIndex: 0,
        timestamp: "0",
        amount: null,
        fee: null,
        refund: null,
        penalty: null,
        duration: null,
        startTime: null,
        endTime: null,
        endReason: null,
        downUnits: null,
        evidenceHash: null,
        repairDeadline: null,
        reports: null,
        downUnitSeconds: null,
        accessChanged: null,
      }),
      blockNumber,
      logIndex,
    });
    const sorted = [e(10n, 2), e(9n, 5), e(10n, 1)].sort(byChainOrder);
    expect(sorted.map((x) => `${x.blockNumber}:${x.logIndex}`)).toEqual(["9:5", "10:1", "10:2"]);
  });

  it("gathers canLease's conditions in one request", async () => {
    const { fetch, calls } = fakeFetch(() =>
      json({
        data: {
          markets: {
            items: [
              {
                id: "0x0m",
                treasury: "0x0t",
                feeBps: "250",
                activationWindow: "3600",
                paused: true,
                bondToken: "0x0g",
                penaltyBps: "5000",
                providerCount: 1,
                offerCount: 1,
                leaseCount: 0,
              },
            ],
          },
          offer: {
            ...rawOffer(1),
            provider: {
              id: "0xabcd000000000000000000000000000000000001",
              metadataURI: "",
              bond: "3000",
              lockedBond: "1000",
              offerCount: 1,
              leaseCount: 2,
              leasesServed: 1,
              gpuSecondsServed: "0",
              noShows: 0,
              providerTerminations: 0,
              penaltiesPaid: "0",
              gpuSecondsDown: "0",
              availabilityBps: 10_000,
              outageReports: 0,
              openOutages: 0,
              outagesUnresolved: 0,
              firstSeenAt: "1",
              lastSeenAt: "2",
              // Its bonds per token: the one in the offer's payment token (0xaa) is what canLease counts.
              bonds: {
                items: [
                  { token: "0x00000000000000000000000000000000000000bb", amount: "9", locked: "9" },
                  {
                    token: "0x00000000000000000000000000000000000000AA",
                    amount: "3000",
                    locked: "1000",
                  },
                ],
              },
            },
            paymentToken: {
              id: "0x00000000000000000000000000000000000000aa",
              allowed: false,
              leaseCount: 0,
              volume: "0",
              refunded: "0",
              paidToProviders: "0",
              feesAccrued: "0",
              feesWithdrawn: "0",
            },
          },
        },
      }),
    );
    const ctx = await getLeaseContext(
      createIndexerClient({ url: "http://indexer.test", fetch }),
      1n,
    );
    expect(calls).toHaveLength(1);
    expect(leaseConditions(ctx, 5000n)).toEqual({
      marketPaused: true,
      penaltyBps: 5000n,
      provider: { bond: 3000n, lockedBond: 1000n },
      tokenAllowed: false,
    });
  });
});

const stat = {
  paymentToken: { id: "0x00000000000000000000000000000000000000AA" },
  leasesOpened: 2,
  leasesEnded: 1,
};
const statNumbers = {
  gpuSecondsLeased: "57600",
  gpuSecondsReleased: "3600",
  volume: "31200000",
  refunded: "1950000",
  avgPricePerGpuHour: "1950000",
  activeLeases: 1,
  outageReports: 2,
  gpuSecondsDelivered: "50400",
  gpuSecondsDown: "1800",
  feesPaid: "78000",
  feeWeightedPriceSum: "152100000000",
  updatedAt: "1700086400",
};

describe("explorer queries", () => {
  it("reads the overview in one request and maps every part", async () => {
    const { fetch, calls } = fakeFetch(() =>
      json({
        data: {
          markets: { items: [] },
          active: { items: [{ leaseCount: 3 }, { leaseCount: 1 }] },
          paymentTokens: {
            items: [
              {
                id: "0x00000000000000000000000000000000000000AA",
                allowed: true,
                leaseCount: 3,
                volume: "31200000",
                refunded: "0",
                paidToProviders: "28000000",
                feesAccrued: "3200000",
                feesWithdrawn: "0",
              },
            ],
          },
          gpuModelStats: {
            items: [
              { id: "H100-SXM-80GB:0xaa", gpuModel: "H100-SXM-80GB", ...stat, ...statNumbers },
            ],
          },
        },
      }),
    );
    const o = await getMarketOverview(createIndexerClient({ url: "http://indexer.test", fetch }));
    expect(calls).toHaveLength(1);
    // Active leases are the sum of the indexer's LeaseCount rows: no row count on the server.
    expect(calls[0]!.query).not.toContain("totalCount");
    expect(o.market).toBeUndefined();
    expect(o.activeLeases).toBe(4);
    expect(o.paymentTokens[0]).toMatchObject({
      address: "0x00000000000000000000000000000000000000aa",
      volume: 31_200_000n,
    });
    expect(o.gpuModelStats[0]).toMatchObject({
      gpuModel: "H100-SXM-80GB",
      paymentToken: "0x00000000000000000000000000000000000000aa",
      gpuSecondsLeased: 57_600n,
      gpuSecondsReleased: 3600n,
      leasesOpened: 2,
      outageReports: 2,
      gpuSecondsDelivered: 50_400n,
      gpuSecondsDown: 1800n,
      feesPaid: 78_000n,
      feeWeightedPriceSum: 152_100_000_000n,
    });
    expect(feeWeightedPricePerGpuHour(o.gpuModelStats[0]!)).toBe(1_950_000n);
    expect(feeWeightedPricePerGpuHour({ feesPaid: 0n, feeWeightedPriceSum: 0n })).toBeUndefined();
  });

  it("filters day statistics by day range, model prefix and token, and pages them", async () => {
    const day = (n: number) => ({
      id: `H100-SXM-80GB:0xaa:${n}`,
      gpuModel: "H100-SXM-80GB",
      day: n,
      date: String(n * 86_400),
      ...stat,
      ...statNumbers,
    });
    const pages = [
      { items: [day(19_700)], pageInfo: { hasNextPage: true, endCursor: "c1" } },
      { items: [day(19_701)], pageInfo: { hasNextPage: false, endCursor: null } },
    ];
    const { fetch, calls } = fakeFetch((_url, body) =>
      json({ data: { gpuModelDayStats: pages[body?.variables.after === "c1" ? 1 : 0] } }),
    );
    const client = createIndexerClient({ url: "http://indexer.test", fetch });
    const rows = await listGpuModelDayStats(client, {
      gpuModelPrefix: "H100",
      fromDay: 19_700,
      toDay: 19_730,
      paymentToken: "0x00000000000000000000000000000000000000AA",
    });
    expect(rows.map((r) => [r.day, r.date])).toEqual([
      [19_700, 19_700n * 86_400n],
      [19_701, 19_701n * 86_400n],
    ]);
    expect(rows[0]).toMatchObject({ avgPricePerGpuHour: 1_950_000n, volume: 31_200_000n });
    expect(calls[0]!.query).toContain("gpuModelDayStats(");
    expect(calls[0]!.variables).toMatchObject({
      where: {
        gpuModel_starts_with: "H100",
        day_gte: 19_700,
        day_lte: 19_730,
        paymentToken: "0x00000000000000000000000000000000000000aa",
      },
      orderDirection: "asc",
    });
    expect(calls[1]!.variables).toMatchObject({ after: "c1" });
  });

  it("asks for every region day without a filter", async () => {
    const { fetch, calls } = fakeFetch(() =>
      json({
        data: {
          regionDayStats: {
            items: [
              { id: "SG:0xaa:1", region: "SG", day: 1, date: "86400", ...stat, ...statNumbers },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        },
      }),
    );
    const rows = await listRegionDayStats(
      createIndexerClient({ url: "http://indexer.test", fetch }),
    );
    expect(rows).toEqual([
      expect.objectContaining({ region: "SG", day: 1, date: 86_400n, gpuSecondsLeased: 57_600n }),
    ]);
    expect(calls[0]!.variables).toMatchObject({ where: {} });
  });

  it("reads an address's record as a provider and as a buyer", async () => {
    const who = "0xAbCd000000000000000000000000000000000001";
    const { fetch, calls } = fakeFetch(() =>
      json({
        data: {
          provider: null,
          providerEarnings: { items: [] },
          offers: { items: [] },
          account: {
            id: who.toLowerCase(),
            leaseCount: 1,
            gpuSecondsBought: "28800",
            penaltiesReceived: "500",
            outageReports: 4,
            firstSeenAt: "50",
            lastSeenAt: "90",
          },
          accountSpendings: {
            items: [
              {
                id: "x",
                account: { id: who.toLowerCase() },
                paymentToken: { id: "0x03" },
                spent: "1",
                refunded: "1",
                updatedAt: "90",
              },
            ],
          },
          credits: {
            items: [
              {
                id: "y",
                account: { id: who.toLowerCase() },
                token: "0x03",
                credited: "7",
                withdrawn: "2",
                balance: "5",
                updatedAt: "91",
              },
            ],
          },
          served: { items: [] },
          bought: { items: [rawLease] },
        },
      }),
    );
    const client = createIndexerClient({ url: "http://indexer.test", fetch });
    const a = await getIndexedAddress(client, who, { recentLeases: 1 });
    expect(calls[0]!.variables).toEqual({ id: who.toLowerCase(), recent: 1 });
    expect(a.provider).toBeUndefined();
    expect(a.account).toMatchObject({
      leaseCount: 1,
      gpuSecondsBought: 28_800n,
      penaltiesReceived: 500n,
      outageReports: 4,
    });
    expect(a.credits).toEqual([
      {
        account: who.toLowerCase(),
        token: "0x03",
        credited: 7n,
        withdrawn: 2n,
        balance: 5n,
        updatedAt: 91n,
      },
    ]);
    expect(a.spending).toEqual([
      { account: who.toLowerCase(), paymentToken: "0x03", spent: 1n, refunded: 1n, updatedAt: 90n },
    ]);
    // The counts are the provider's and the account's leaseCount (no row count on the server).
    expect(calls[0]!.query).not.toContain("totalCount");
    expect(a.served.totalCount).toBe(0);
    expect(a.bought.totalCount).toBe(1);
    expect(a.bought.leases.map((l) => l.leaseId)).toEqual([5n]);
    await expect(getIndexedAddress(client, who, { recentLeases: 0 })).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(1);
  });
});
