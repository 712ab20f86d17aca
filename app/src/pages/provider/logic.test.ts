import { describe, expect, it } from "vitest";
import { keccak256, parseUnits, toBytes, zeroAddress, type Address } from "viem";
import { decodeGpuModel, decodeRegion, feeOn } from "@gridlease/sdk";
import { parseOfferSpec, readDataUri } from "../../lib/spec.ts";
import {
  buildOffer,
  checkRepairWindow,
  earningsByDay,
  EMPTY_OFFER_FORM,
  fillDays,
  netClaimable,
  parseAllowlist,
  parseAmount,
  splitByDay,
  utilisationByDay,
  type OfferContext,
  type ProviderLeaseRow,
} from "./logic.ts";
import { validateProfile } from "./profile.ts";
import { validateAccessForm } from "./access.ts";

const USD = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const GRID = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as Address;
const POLICY = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" as Address;
const ctx: OfferContext = {
  tokens: {
    usd: { address: USD, decimals: 6, symbol: "tUSD" },
    grid: { address: GRID, decimals: 18, symbol: "GRID" },
  },
  policy: POLICY,
  limits: { maxUnits: 1000n, maxGpusPerUnit: 16n, maxLeaseDuration: 3n * 365n * 86400n },
  bonds: { usd: parseUnits("5000", 6), grid: parseUnits("5000", 18) },
};
const form = {
  ...EMPTY_OFFER_FORM,
  price: "2.15",
  servers: "40",
  region: "JP-13",
  minHours: "2",
  maxHours: "168",
  minBond: "1000",
};

describe("parseAmount", () => {
  it("parses decimals into base units", () => {
    expect(parseAmount("1.5", 6)).toEqual({ value: 1_500_000n });
    expect(parseAmount("1,000", 18)).toEqual({ value: 10n ** 21n });
  });
  it("refuses bad input, too many decimals, zero and amounts above the maximum", () => {
    expect(parseAmount("", 6)).toHaveProperty("error");
    expect(parseAmount("-1", 6)).toHaveProperty("error");
    expect(parseAmount("1.0000001", 6)).toEqual({ error: "At most 6 decimal places." });
    expect(parseAmount("0", 6)).toHaveProperty("error");
    expect(parseAmount("0", 6, { allowZero: true })).toEqual({ value: 0n });
    expect(parseAmount("11", 0, { max: 10n, maxMessage: "no" })).toEqual({ error: "no" });
  });
});

describe("parseAllowlist", () => {
  it("takes one address per line, drops blanks and duplicates", () => {
    const a = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const b = "0xcd3b766ccdd6ae721141f452c550ca635964ce71";
    expect(parseAllowlist(`${a}\n\n${b}\n${a.toLowerCase()}`)).toEqual({ addresses: [a, b] });
  });
  it("names what is not an address", () => {
    expect(parseAllowlist("0x1234\nbob")).toEqual({ error: "Not addresses: 0x1234, bob" });
  });
});

describe("buildOffer", () => {
  it("turns the form into createOffer params", () => {
    const { errors, params, allowlist } = buildOffer(form, ctx);
    expect(errors).toEqual({});
    expect(allowlist).toBeUndefined();
    expect(params).toBeDefined();
    expect(decodeGpuModel(params!.gpuModel)).toBe("H100-SXM-80GB");
    expect(decodeRegion(params!.region)).toBe("JP-13");
    expect(params!.gpusPerUnit).toBe(8n);
    expect(params!.totalUnits).toBe(40n);
    expect(params!.paymentToken).toBe(USD);
    expect(params!.pricePerGpuHour).toBe(2_150_000n);
    expect(params!.minDuration).toBe(7200n);
    expect(params!.maxDuration).toBe(168n * 3600n);
    // In the offer's payment token (tUSD, 6 decimals), as the contract now reads it.
    expect(params!.minProviderBond).toBe(parseUnits("1000", 6));
    expect(params!.buyerPolicy).toBe(zeroAddress);
    expect(params!.repairWindow).toBe(4n * 3600n);
  });
  it("writes the spec as a gridlease.spec/v1 data: URI and hashes its JSON", () => {
    const { params } = buildOffer({ ...form, datacenter: "Equinix TY11" }, ctx);
    const doc = readDataUri(params!.specURI) as Record<string, unknown>;
    expect(doc.schema).toBe("gridlease.spec/v1");
    expect(params!.specHash).toBe(keccak256(toBytes(JSON.stringify(doc))));
    expect(parseOfferSpec(params!.specURI)).toMatchObject({
      interconnect: "InfiniBand NDR · 400 Gb/s per GPU",
      cpuCores: 112,
      ramGB: 2048,
      nvmeTB: 30.72,
      location: "Tokyo, Japan",
      datacenter: "Equinix TY11",
    });
  });
  it("prices in GRID with 18 decimals when GRID is the payment token", () => {
    const { params } = buildOffer({ ...form, paymentToken: "grid", price: "3" }, ctx);
    expect(params!.paymentToken).toBe(GRID);
    expect(params!.pricePerGpuHour).toBe(3n * 10n ** 18n);
  });
  it("attaches the allowlist policy when buyers are listed", () => {
    const buyer = "0xcd3B766CCDd6AE721141F452C550Ca635964ce71";
    const { params, allowlist } = buildOffer({ ...form, allowlist: buyer }, ctx);
    expect(params!.buyerPolicy).toBe(POLICY);
    expect(allowlist).toEqual([buyer]);
  });
  it("reports each bad field next to it and builds nothing", () => {
    const { errors, params } = buildOffer(
      {
        ...form,
        gpusPerUnit: "0",
        servers: "2000",
        price: "",
        minHours: "10",
        maxHours: "5",
        allowlist: "nope",
        ramGB: "x",
        minBond: "9000",
      },
      ctx,
    );
    expect(params).toBeUndefined();
    expect(errors.gpusPerUnit).toMatch(/from 1 to 16/);
    expect(errors.servers).toMatch(/from 1 to 1,000/);
    expect(errors.price).toBe("Enter an amount.");
    expect(errors.maxHours).toBe("Must be at least the minimum duration.");
    expect(errors.allowlist).toMatch(/nope/);
    expect(errors.ramGB).toBeDefined();
    expect(errors.minBond).toMatch(/tUSD bond is below/);
  });
  it("checks the minimum bond against the bond in the offer's own token", () => {
    // 6,000 GRID is above the 5,000 GRID bond; 6,000 tUSD above the 5,000 tUSD bond; 4,000 of either is fine.
    const grid = buildOffer({ ...form, paymentToken: "grid", minBond: "6000" }, ctx);
    expect(grid.errors.minBond).toMatch(/GRID bond is below/);
    expect(
      buildOffer({ ...form, paymentToken: "grid", minBond: "4000" }, ctx).params,
    ).toBeDefined();
    const small = buildOffer({ ...form, minBond: "4000" }, ctx);
    expect(small.params!.minProviderBond).toBe(parseUnits("4000", 6));
  });
  it("refuses a maximum beyond the market's limit", () => {
    expect(buildOffer({ ...form, maxHours: String(4 * 365 * 24) }, ctx).errors.maxHours).toMatch(
      /At most 26,280 hours/,
    );
  });
});

describe("checkRepairWindow", () => {
  const bounds = { minRepairWindow: 900n, maxRepairWindow: 7n * 86_400n };
  it("turns hours into seconds within the market's bounds", () => {
    expect(checkRepairWindow("4", bounds)).toEqual({ seconds: 14_400n });
    expect(checkRepairWindow("0.25", bounds)).toEqual({ seconds: 900n });
    expect(checkRepairWindow("168", bounds)).toEqual({ seconds: 7n * 86_400n });
  });
  it("refuses a window outside the bounds, naming them, and anything but a positive number", () => {
    expect(checkRepairWindow("0.2", bounds)).toEqual({
      error: "The repair window must be from 15 minutes to 7 days.",
    });
    expect(checkRepairWindow("169", bounds)).toHaveProperty("error");
    expect(checkRepairWindow("four", bounds)).toHaveProperty("error");
  });
  it("stops buildOffer with the error beside the field", () => {
    const r = buildOffer({ ...form, repairHours: "200" }, ctx);
    expect(r.params).toBeUndefined();
    expect(r.errors.repairHours).toMatch(/from 15 minutes to 7 days/);
  });
});

describe("netClaimable", () => {
  it("is the unclaimed gross less the fee on it, computed on cumulative amounts like the contract", () => {
    expect(netClaimable(1_000_001n, 333_333n, 250n)).toBe(
      1_000_001n - 333_333n - (feeOn(1_000_001n, 250n) - feeOn(333_333n, 250n)),
    );
    expect(netClaimable(5n, 5n, 250n)).toBe(0n);
  });
});

const D = 86_400;
const T0 = 20_000 * D; // a UTC midnight
const lease = (p: Partial<ProviderLeaseRow>): ProviderLeaseRow => ({
  leaseId: 1n,
  paymentToken: USD,
  gpuModel: "H100-SXM-80GB",
  gpus: 8n,
  pricePerGpuHour: 2_000_000n,
  feeBps: 0n,
  duration: BigInt(2 * D),
  startTime: BigInt(T0 + 12 * 3600),
  ...p,
});

describe("splitByDay", () => {
  it("splits a span at UTC midnights", () => {
    expect(splitByDay(T0 + 3600, T0 + D + 7200)).toEqual([
      [T0, D - 3600],
      [T0 + D, 7200],
    ]);
  });
});

describe("utilisation and earnings series", () => {
  const rows = [
    lease({}),
    lease({
      leaseId: 2n,
      gpuModel: "B200-192GB",
      gpus: 16n,
      duration: 3600n,
      startTime: BigInt(T0 + D + 1800),
      feeBps: 1000n,
    }),
    lease({ leaseId: 3n, startTime: null }), // never activated
  ];
  it("counts GPU-hours in service per day and model, cut at now", () => {
    const now = T0 + D + 12 * 3600; // 1.5 days... lease 1 ran 12 h on day 0 and 12 h on day 1
    const u = utilisationByDay(rows, now);
    expect([...u.get("H100-SXM-80GB")!.entries()]).toEqual([
      [T0, 96],
      [T0 + D, 96],
    ]);
    expect([...u.get("B200-192GB")!.entries()]).toEqual([[T0 + D, 16]]);
  });
  it("sums earnings per day per token, net of the fee", () => {
    const e = earningsByDay(rows, T0 + 3 * D);
    const days = e.get(USD.toLowerCase())!;
    // lease 1: 12 h × 8 GPUs × $2 = $192 on day 0, 24 h on day 1 = $384, 12 h on day 2 = $192; lease 2: 1 h × 16 × $2 − 10 %.
    expect(days.get(T0)).toBe(192_000_000n);
    expect(days.get(T0 + D)).toBe(384_000_000n + 28_800_000n);
    expect(days.get(T0 + 2 * D)).toBe(192_000_000n);
  });
  it("fills missing days with zero", () => {
    const filled = fillDays(new Map([[T0 + 2 * D, 5]]), 0, T0, T0 + 3 * D);
    expect(filled.map((p) => p.y)).toEqual([0, 0, 5, 0]);
  });
});

describe("validateProfile", () => {
  it("needs a name; website and contact are optional but checked", () => {
    expect(validateProfile({ name: "", website: "", contact: "" })).toHaveProperty("name");
    expect(validateProfile({ name: "Kanto Compute", website: "", contact: "" })).toEqual({});
    expect(validateProfile({ name: "K", website: "kanto", contact: "" })).toHaveProperty("website");
    expect(
      validateProfile({
        name: "K",
        website: "https://kanto.example",
        contact: "ops@kanto.example",
      }),
    ).toEqual({});
  });
});

describe("validateAccessForm", () => {
  it("builds details with a key for a private key block and a token otherwise", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----";
    expect(
      validateAccessForm({ host: "gpu1.example.com", port: "2222", user: "ubuntu", secret: key })
        .details,
    ).toEqual({
      host: "gpu1.example.com",
      port: 2222,
      user: "ubuntu",
      key: key + "\n",
    });
    expect(
      validateAccessForm({ host: "10.0.0.7", port: "22", user: "root", secret: "tok_123" }).details,
    ).toMatchObject({ token: "tok_123" });
  });
  it("flags each bad field", () => {
    const { errors, details } = validateAccessForm({
      host: "bad host",
      port: "70000",
      user: "",
      secret: "",
    });
    expect(details).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(["host", "port", "secret", "user"]);
  });
});
