import { describe, expect, it } from "vitest";
import {
  modelAvailability,
  modelDowntimeSeries,
  netGpuHours,
  priceIndexSeries,
  regionGpuHourSeries,
  regionTotals,
  tokensOf,
  type ModelDayStatRow,
  type RegionDayStatRow,
} from "./series.ts";

const DAY = 86_400;
const base = { gpuSecondsReleased: 0n, volume: 0n };
const m = (
  gpuModel: string,
  day: number,
  token: `0x${string}`,
  price: bigint,
  leased = 3600n,
): ModelDayStatRow => ({
  ...base,
  id: `${gpuModel}:${token}:${day}`,
  gpuModel,
  day,
  date: BigInt(day * DAY),
  paymentToken: token,
  gpuSecondsLeased: leased,
  avgPricePerGpuHour: price,
  // One ended lease at `price` that paid a fee of 1,000 base units (none on a day with nothing leased).
  feesPaid: leased === 0n ? 0n : 1000n,
  feeWeightedPriceSum: leased === 0n ? 0n : price * 1000n,
});

describe("price index series", () => {
  const rows = [
    m("H100-SXM-80GB", 2, "0xusd", 2100000n),
    m("H100-SXM-80GB", 1, "0xusd", 2000000n),
    m("B200-192GB", 1, "0xusd", 5000000n),
    m("B200-192GB", 2, "0xusd", 0n, 0n), // a day on which no fee-paying lease ended: no price
    m("H100-SXM-80GB", 1, "0xgrid", 3000000000000000000n),
  ];
  it("makes one line per model for one token, sorted by day, in whole tokens", () => {
    const s = priceIndexSeries(rows, "0xusd", 6);
    expect(s.map((x) => x.name)).toEqual(["NVIDIA B200 192GB", "NVIDIA H100 SXM 80GB"]);
    expect(s[1].points).toEqual([
      { x: DAY, y: 2 },
      { x: 2 * DAY, y: 2.1 },
    ]);
    expect(s[0].points).toEqual([{ x: DAY, y: 5 }]);
    expect(s[0].color).not.toBe(s[1].color);
  });
  it("gives a model the same colour in every token's chart", () => {
    const usd = priceIndexSeries(rows, "0xusd", 6).find((x) => x.name === "NVIDIA H100 SXM 80GB")!;
    const grid = priceIndexSeries(rows, "0xgrid", 18).find(
      (x) => x.name === "NVIDIA H100 SXM 80GB",
    )!;
    expect(usd.color).toBe(grid.color);
  });
  it("weighs each ended lease by the protocol fee it paid, so a fee-free wash lease moves nothing", () => {
    const day = m("H100-SXM-80GB", 3, "0xusd", 0n);
    // A $2.00 lease that paid $0.10 of fee and a $4.00 one that paid $0.30; a $900 self-dealt lease of 39 base units
    // paid no fee: it is in the volume and the GPU-hours, not in the fee-weighted sums.
    const fees = [100_000n, 300_000n];
    const prices = [2_000_000n, 4_000_000n];
    const row = {
      ...day,
      gpuSecondsLeased: 3n * 3600n,
      avgPricePerGpuHour: 302_000_000n,
      feesPaid: fees[0] + fees[1],
      feeWeightedPriceSum: prices[0] * fees[0] + prices[1] * fees[1],
    };
    expect(priceIndexSeries([row], "0xusd", 6)[0].points).toEqual([{ x: 3 * DAY, y: 3.5 }]);
  });
  it("never mixes tokens", () => {
    expect(tokensOf(rows)).toEqual(["0xgrid", "0xusd"]);
    const g = priceIndexSeries(rows, "0xgrid", 18);
    expect(g).toHaveLength(1);
    expect(g[0].points).toEqual([{ x: DAY, y: 3 }]);
  });
});

describe("GPU-hours by region", () => {
  const r = (
    region: string,
    day: number,
    token: `0x${string}`,
    leased: bigint,
    released = 0n,
  ): RegionDayStatRow => ({
    id: `${region}:${token}:${day}`,
    region,
    day,
    date: BigInt(day * DAY),
    paymentToken: token,
    gpuSecondsLeased: leased,
    gpuSecondsReleased: released,
    volume: 0n,
    avgPricePerGpuHour: 0n,
    feesPaid: 0n,
    feeWeightedPriceSum: 0n,
  });
  it("adds GPU-hours over tokens per region and day", () => {
    const s = regionGpuHourSeries([
      r("SG", 1, "0xusd", 7200n),
      r("SG", 1, "0xgrid", 3600n),
      r("AU-QLD", 2, "0xusd", 36000n),
    ]);
    expect(s.map((x) => x.name)).toEqual(["Brisbane, Australia", "Singapore"]);
    expect(s[1].points).toEqual([{ x: DAY, y: 3 }]);
    expect(s[0].points).toEqual([{ x: 2 * DAY, y: 10 }]);
  });
  it("gives all nine regions distinct colours", () => {
    const codes = ["AU-QLD", "AU-NSW", "JP-27", "JP-13", "SG", "MY-01", "MY-14", "US-CA", "AE-DU"];
    const colors = regionGpuHourSeries(codes.map((c) => r(c, 1, "0xusd", 3600n))).map(
      (x) => x.color,
    );
    expect(new Set(colors).size).toBe(9);
  });
  it("totals each region over the period, most GPU-hours first", () => {
    const t = regionTotals([
      { ...r("SG", 1, "0xusd", 7200n, 3600n), leasesOpened: 2 },
      { ...r("SG", 2, "0xgrid", 3600n), leasesOpened: 1 },
      r("JP-13", 1, "0xusd", 36000n),
    ]);
    expect(t).toEqual([
      { region: "JP-13", leases: 0, leased: 36000n, released: 0n },
      { region: "SG", leases: 3, leased: 10800n, released: 3600n },
    ]);
  });
  it("nets released GPU-hours out of the total", () => {
    expect(netGpuHours([r("SG", 1, "0xusd", 7200n, 3600n), r("SG", 2, "0xusd", 3600n)])).toBe(2);
  });
});

describe("availability by GPU model", () => {
  const rows: ModelDayStatRow[] = [
    { ...m("H100-SXM-80GB", 1, "0xusd", 1n), gpuSecondsDelivered: 36_000n, gpuSecondsDown: 3_600n },
    // The same model and day in another token: GPU time adds up across tokens.
    { ...m("H100-SXM-80GB", 1, "0xgrid", 1n), gpuSecondsDelivered: 3_600n, gpuSecondsDown: 0n },
    { ...m("H100-SXM-80GB", 2, "0xusd", 1n), gpuSecondsDelivered: 0n, gpuSecondsDown: 7_200n },
    { ...m("B200-192GB", 1, "0xusd", 1n), gpuSecondsDelivered: 7_200n, gpuSecondsDown: 0n },
    // Nothing delivered nor down (or an indexer without the columns): left out.
    m("A100-80GB", 1, "0xusd", 1n),
  ];
  it("stacks GPU-hours down per day for the models that had downtime", () => {
    const s = modelDowntimeSeries(rows);
    expect(s.map((x) => x.name)).toEqual(["NVIDIA H100 SXM 80GB"]);
    expect(s[0].points).toEqual([
      { x: DAY, y: 1 },
      { x: 2 * DAY, y: 2 },
    ]);
  });
  it("computes each model's availability, the least available first", () => {
    expect(modelAvailability(rows)).toEqual([
      {
        gpuModel: "H100-SXM-80GB",
        delivered: 39_600n,
        down: 10_800n,
        availabilityBps: 7857, // 39,600 / 50,400
      },
      { gpuModel: "B200-192GB", delivered: 7_200n, down: 0n, availabilityBps: 10_000 },
    ]);
  });
});
