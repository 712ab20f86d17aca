import { describe, expect, it } from "vitest";
import {
  filterOffers,
  filterPatch,
  isOpen,
  paginate,
  parseFilters,
  sortOffers,
  unitsAvailable,
  withTrust,
  type MarketOffer,
  type TokenMeta,
} from "./filters.ts";
import { toOffer, toProvider, type RawOffer, type RawProvider } from "@gridlease/sdk";
import { refusalOf, toMarketOffers, type MarketConditions } from "./data.ts";

const USD = "0x00000000000000000000000000000000000000aa";
const GRID = "0x00000000000000000000000000000000000000bb";
const tokens: Record<string, TokenMeta> = {
  [USD]: { symbol: "tUSD", decimals: 6 },
  [GRID]: { symbol: "GRID", decimals: 18 },
};

let nextId = 1n;
function offer(p: Partial<MarketOffer> = {}): MarketOffer {
  return {
    offerId: nextId++,
    provider: "0x1111111111111111111111111111111111111111",
    paymentToken: USD,
    gpuModel: "H100-SXM-80GB",
    region: "SG",
    gpusPerUnit: 8n,
    totalUnits: 10n,
    unitsInUse: 0n,
    pricePerGpuHour: 2_000_000n,
    minDuration: 3600n,
    maxDuration: 30n * 86400n,
    paused: false,
    restricted: false,
    createdAt: 1000n,
    hasAttestationClaim: false,
    ...p,
  };
}
const base = parseFilters(new URLSearchParams());
const ids = (rows: MarketOffer[]) => rows.map((o) => o.offerId);

describe("parseFilters", () => {
  it("reads every filter from the query string", () => {
    const f = parseFilters(
      new URLSearchParams(
        "gpu=B200-192GB&region=JP-13&minGpus=16&maxPrice=4.5&token=0xABC&fabric=RoCE&sort=served&page=3",
      ),
    );
    expect(f).toEqual({
      gpu: "B200-192GB",
      region: "JP-13",
      minGpus: 16,
      maxPrice: "4.5",
      token: "0xabc",
      fabric: "RoCE",
      sort: "served",
      page: 3,
    });
  });
  it("ignores malformed values and defaults to cheapest first, page 1", () => {
    const f = parseFilters(new URLSearchParams("minGpus=-3&maxPrice=abc&sort=bogus&page=0"));
    expect(f.minGpus).toBeUndefined();
    expect(f.maxPrice).toBeUndefined();
    expect(f.sort).toBe("price");
    expect(f.page).toBe(1);
  });
});

describe("filterPatch", () => {
  it("goes back to page 1 when a filter changes, and drops defaults and empty values", () => {
    expect(filterPatch({ gpu: "A100-80GB", region: "" })).toEqual({
      gpu: "A100-80GB",
      region: undefined,
      page: undefined,
    });
    expect(filterPatch({ sort: "price" })).toEqual({ sort: undefined, page: undefined });
  });
  it("keeps the page when only the page changes", () => {
    expect(filterPatch({ page: "4" })).toEqual({ page: "4" });
    expect(filterPatch({ page: "1" })).toEqual({ page: undefined });
  });
});

describe("filterOffers", () => {
  it("lists only open offers: those the market would lease now", () => {
    const open = offer();
    const refused = offer({ refusal: "Every server of offer #2 is leased." });
    expect(isOpen(open)).toBe(true);
    expect(isOpen(refused)).toBe(false);
    expect(unitsAvailable(offer({ totalUnits: 4n, unitsInUse: 1n }))).toBe(3n);
    expect(ids(filterOffers([open, refused], base, tokens))).toEqual([open.offerId]);
  });

  it("filters by GPU model, region, token and interconnect", () => {
    const a = offer({
      gpuModel: "B200-192GB",
      region: "JP-13",
      interconnect: "InfiniBand NDR · 400 Gb/s per GPU",
    });
    const b = offer({
      gpuModel: "B200-192GB",
      region: "SG",
      paymentToken: GRID,
      interconnect: "RoCE v2 · 200 Gb/s",
    });
    const c = offer({ gpuModel: "A100-80GB", region: "JP-13" });
    expect(ids(filterOffers([a, b, c], { ...base, gpu: "B200-192GB" }, tokens))).toEqual([
      a.offerId,
      b.offerId,
    ]);
    expect(ids(filterOffers([a, b, c], { ...base, region: "JP-13" }, tokens))).toEqual([
      a.offerId,
      c.offerId,
    ]);
    expect(ids(filterOffers([a, b, c], { ...base, token: GRID }, tokens))).toEqual([b.offerId]);
    expect(ids(filterOffers([a, b, c], { ...base, fabric: "infiniband" }, tokens))).toEqual([
      a.offerId,
    ]);
  });

  it("counts min GPUs over the servers free, not the total", () => {
    const small = offer({ gpusPerUnit: 8n, totalUnits: 10n, unitsInUse: 9n }); // 8 GPUs free
    const big = offer({ gpusPerUnit: 8n, totalUnits: 10n, unitsInUse: 6n }); // 32 free
    expect(ids(filterOffers([small, big], { ...base, minGpus: 16 }, tokens))).toEqual([
      big.offerId,
    ]);
    expect(ids(filterOffers([small, big], { ...base, minGpus: 8 }, tokens))).toEqual([
      small.offerId,
      big.offerId,
    ]);
  });

  it("compares the max price in each offer's own token decimals", () => {
    const usd = offer({ pricePerGpuHour: 2_500_000n }); // $2.50
    const grid = offer({ paymentToken: GRID, pricePerGpuHour: 3n * 10n ** 18n }); // 3 GRID
    const unknown = offer({ paymentToken: "0x00000000000000000000000000000000000000cc" });
    expect(ids(filterOffers([usd, grid, unknown], { ...base, maxPrice: "2.5" }, tokens))).toEqual([
      usd.offerId,
    ]);
    expect(ids(filterOffers([usd, grid, unknown], { ...base, maxPrice: "2.49" }, tokens))).toEqual(
      [],
    );
    expect(ids(filterOffers([usd, grid, unknown], { ...base, maxPrice: "3" }, tokens))).toEqual([
      usd.offerId,
      grid.offerId,
    ]);
  });
});

describe("sortOffers", () => {
  it("sorts by price across tokens of different decimals, ties by offer id", () => {
    const a = offer({ pricePerGpuHour: 2_000_000n }); // $2
    const b = offer({ paymentToken: GRID, pricePerGpuHour: 15n * 10n ** 17n }); // 1.5 GRID
    const c = offer({ pricePerGpuHour: 2_000_000n }); // $2, later id
    expect(ids(sortOffers([c, a, b], "price", tokens))).toEqual([b.offerId, a.offerId, c.offerId]);
    expect(ids(sortOffers([c, a, b], "-price", tokens))).toEqual([a.offerId, c.offerId, b.offerId]);
  });
  it("sorts by GPUs available, track record and age", () => {
    const a = offer({
      unitsInUse: 9n,
      track: { leasesServed: 40, gpuSecondsServed: 0n, noShows: 0, providerTerminations: 0 },
      createdAt: 5n,
    });
    const b = offer({ unitsInUse: 0n, createdAt: 9n });
    const c = offer({
      unitsInUse: 5n,
      track: { leasesServed: 3, gpuSecondsServed: 0n, noShows: 1, providerTerminations: 0 },
      createdAt: 1n,
    });
    expect(ids(sortOffers([a, b, c], "available", tokens))).toEqual([
      b.offerId,
      c.offerId,
      a.offerId,
    ]);
    expect(ids(sortOffers([a, b, c], "served", tokens))).toEqual([a.offerId, c.offerId, b.offerId]);
    expect(ids(sortOffers([a, b, c], "newest", tokens))).toEqual([b.offerId, a.offerId, c.offerId]);
  });
  it("does not reorder its input", () => {
    const list = [offer({ pricePerGpuHour: 9n }), offer({ pricePerGpuHour: 1n })];
    const before = ids(list);
    sortOffers(list, "price", tokens);
    expect(ids(list)).toEqual(before);
  });
});

describe("paginate", () => {
  const rows = Array.from({ length: 60 }, (_, i) => i);
  it("cuts pages of 25 and clamps the page number", () => {
    expect(paginate(rows, 1)).toMatchObject({ page: 1, pages: 3, start: 0, end: 25 });
    expect(paginate(rows, 3).rows).toEqual(rows.slice(50));
    expect(paginate(rows, 99)).toMatchObject({ page: 3, start: 50, end: 60 });
    expect(paginate([], 5)).toMatchObject({ page: 1, pages: 1, rows: [] });
  });
  it("filters and sorts 5,000 offers: half by region, cheapest first", () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      offer({
        pricePerGpuHour: BigInt(1_000_000 + ((i * 7919) % 5000) * 1000),
        region: i % 2 ? "SG" : "JP-13",
      }),
    );
    const out = sortOffers(filterOffers(many, { ...base, region: "SG" }, tokens), "price", tokens);
    expect(out).toHaveLength(2500);
    for (let i = 1; i < out.length; i++)
      expect(out[i - 1].pricePerGpuHour <= out[i].pricePerGpuHour).toBe(true);
  });
});

const PROVIDER = "0xabc0000000000000000000000000000000000001";
const rawOffer = (p: Partial<RawOffer> = {}): RawOffer => ({
  offerId: "7",
  provider: { id: PROVIDER },
  paymentToken: { id: USD },
  gpuModel: "H200-141GB",
  region: "JP-27",
  gpusPerUnit: "8",
  totalUnits: "40",
  unitsInUse: "12",
  pricePerGpuHour: "3200000",
  initialPricePerGpuHour: "3200000",
  minDuration: "3600",
  maxDuration: "2592000",
  repairWindow: "14400",
  prepaidWindow: "0",
  commitment: "0",
  noticePeriod: "0",
  exitFeeBps: "0",
  minProviderBond: "1000000000000000000000",
  buyerPolicy: "0x0000000000000000000000000000000000000000",
  specHash: `0x${"00".repeat(32)}`,
  specURI: "",
  paused: false,
  leaseCount: 0,
  createdAt: "100",
  createdAtBlock: "1",
  updatedAt: "100",
  ...p,
});
const rawProvider = (p: Partial<RawProvider> = {}): RawProvider => ({
  id: PROVIDER,
  metadataURI: "",
  bond: "5000000000000000000000",
  lockedBond: "0",
  offerCount: 1,
  leaseCount: 0,
  leasesServed: 12,
  gpuSecondsServed: "720000",
  noShows: 1,
  providerTerminations: 0,
  penaltiesPaid: "0",
  gpuSecondsDown: "0",
  availabilityBps: 10_000,
  outageReports: 0,
  openOutages: 0,
  outagesUnresolved: 0,
  firstSeenAt: "1",
  lastSeenAt: "1",
  ...p,
});
// The provider's bond in the offer's token (tUSD): 5,000 with nothing locked, unless a test says otherwise.
const BOND = 5000n * 10n ** 18n;
const conditions: MarketConditions = {
  marketPaused: false,
  penaltyBps: 5000n,
  allowedTokens: new Set([USD]),
  bonds: new Map([[`${PROVIDER}:${USD}`.toLowerCase(), { bond: BOND, lockedBond: 0n }]]),
};
const refusal = (
  o: Partial<RawOffer> = {},
  b: { bond?: bigint; lockedBond?: bigint } = {},
  c: Partial<MarketConditions> = {},
) =>
  refusalOf(
    toOffer(rawOffer(o)),
    { bond: b.bond ?? BOND, lockedBond: b.lockedBond ?? 0n },
    { ...conditions, ...c },
  );

describe("toMarketOffers", () => {
  it("joins the provider's track record and reads the spec document", () => {
    const spec = {
      interconnect: { fabric: "InfiniBand NDR", gbpsPerGpu: 400 },
      site: { location: "Osaka" },
    };
    const offers = [
      rawOffer({
        provider: { id: "0xAbC0000000000000000000000000000000000001" },
        paymentToken: { id: USD.toUpperCase().replace("0X", "0x") },
        buyerPolicy: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        specURI: `data:application/json,${encodeURIComponent(JSON.stringify(spec))}`,
      }),
    ].map(toOffer);
    const providers = [
      rawProvider({
        metadataURI: `data:application/json,${encodeURIComponent(JSON.stringify({ name: "Kansai Compute" }))}`,
      }),
    ].map(toProvider);
    const [o] = toMarketOffers(offers, providers, conditions);
    expect(o.offerId).toBe(7n);
    expect(o.paymentToken).toBe(USD);
    expect(unitsAvailable(o)).toBe(28n);
    expect(o.providerName).toBe("Kansai Compute");
    expect(o.track).toEqual({
      leasesServed: 12,
      gpuSecondsServed: 720000n,
      noShows: 1,
      providerTerminations: 0,
      availabilityBps: 10_000,
    });
    expect(o.repairWindow).toBe(14_400n);
    expect(o.interconnect).toBe("InfiniBand NDR · 400 Gb/s per GPU");
    expect(o.location).toBe("Osaka");
    expect(o.restricted).toBe(true);
    // A restricted offer is listed: its policy decides buyer by buyer on the rent page.
    expect(isOpen(o)).toBe(true);
  });
});

describe("refusalOf (the SDK's canLease at the smallest lease)", () => {
  it("lists an offer openLease would accept", () => {
    expect(refusal()).toBeUndefined();
  });

  it("hides an offer with every server leased", () => {
    expect(refusal({ unitsInUse: "40" })).toMatch(/only 0 units available/);
  });

  it("hides an offer whose provider's free bond cannot cover one more penalty", () => {
    // Penalty 1,000 × 50% = 500 in the offer's token; 4,600 of the 5,000 bonded in it are reserved by live leases.
    expect(refusal({}, { lockedBond: 4600n * 10n ** 18n })).toBeDefined();
    expect(refusal({}, { lockedBond: 4500n * 10n ** 18n })).toBeUndefined();
  });

  it("hides an offer whose provider's bond is below the offer's minimum", () => {
    expect(refusal({}, { bond: 999n * 10n ** 18n })).toBeDefined();
  });

  it("judges an offer by the provider's bond in the offer's own token, not in another", () => {
    const offers = [rawOffer()].map(toOffer);
    const providers = [rawProvider()].map(toProvider);
    const gridOnly = new Map([
      [`${PROVIDER}:${GRID}`.toLowerCase(), { bond: BOND, lockedBond: 0n }],
    ]);
    expect(toMarketOffers(offers, providers, conditions)[0].refusal).toBeUndefined();
    expect(
      toMarketOffers(offers, providers, { ...conditions, bonds: gridOnly })[0].refusal,
    ).toMatch(/bond/);
  });

  it("hides an offer whose payment token the market no longer allows", () => {
    expect(refusal({}, {}, { allowedTokens: new Set() })).toBeDefined();
  });

  it("hides every offer while the market is paused", () => {
    expect(refusal({}, {}, { marketPaused: true })).toMatch(/paused/i);
  });
});

describe("scores and audits", () => {
  const P1 = "0x1111111111111111111111111111111111111111";
  const P2 = "0x2222222222222222222222222222222222222222";
  const auditor = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E" as const;
  const uid = `0x${"aa".repeat(32)}` as const;
  const rows = () => [offer({ provider: P1 }), offer({ provider: P2 }), offer({ provider: P2 })];
  const scores = new Map([
    [P1, { reputation: { scoreBps: 4_000 } }],
    [P2, { reputation: { scoreBps: 7_250 } }],
  ]);

  it("reads the score and audit filters and the score sort from the query string", () => {
    const f = parseFilters(new URLSearchParams("minScore=72.5&audited=1&sort=score"));
    expect([f.minScore, f.audited, f.sort]).toEqual([72.5, true, "score"]);
    const bad = parseFilters(new URLSearchParams("minScore=101&audited=yes"));
    expect([bad.minScore, bad.audited]).toEqual([undefined, undefined]);
  });

  it("joins scores by provider and audits by offer, 'none' for an offer nobody audited", () => {
    const [a, b, c] = rows();
    const audits = new Map([
      [b.offerId.toString(), { status: "audited" as const, auditor, validUntil: 9n, uid }],
    ]);
    const joined = withTrust([a, b, c], scores, audits);
    expect(joined.map((o) => o.scoreBps)).toEqual([4_000, 7_250, 7_250]);
    expect(joined.map((o) => o.audit?.status)).toEqual(["none", "audited", "none"]);
    // Before either read has loaded, nothing is joined (and the filters let nothing through).
    expect(withTrust([a], undefined, undefined)[0].audit).toBeUndefined();
  });

  it("filters by a minimum score and by a trusted audit, and sorts by score", () => {
    const [a, b, c] = rows();
    const audits = new Map([
      [c.offerId.toString(), { status: "unverified" as const, auditors: [auditor] }],
    ]);
    const joined = withTrust([a, b, c], scores, audits);
    expect(ids(filterOffers(joined, { ...base, minScore: 72.5 }, tokens))).toEqual([
      b.offerId,
      c.offerId,
    ]);
    expect(ids(filterOffers(joined, { ...base, minScore: 72.6 }, tokens))).toEqual([]);
    expect(ids(filterOffers(joined, { ...base, audited: true }, tokens))).toEqual([]);
    expect(ids(filterOffers([a], { ...base, minScore: 1 }, tokens))).toEqual([]);
    expect(ids(sortOffers(joined, "score", tokens))).toEqual([b.offerId, c.offerId, a.offerId]);
  });
});
