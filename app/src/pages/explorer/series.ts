/** Chart series built from the indexer's per-day statistics. Amounts of different tokens are never mixed. */
import { gpuModelLabel, regionLabel } from "@gridlease/sdk";
import { seriesColor, type Series } from "../../components/charts.tsx";
import { toNumber } from "./tokens.ts";

export interface DayStatRow {
  id: string;
  day: number;
  date: string;
  paymentToken: string;
  gpuSecondsLeased: string;
  gpuSecondsReleased: string;
  volume: string;
  avgPricePerGpuHour: string;
}
export interface ModelDayStatRow extends DayStatRow {
  gpuModel: string;
}
export interface RegionDayStatRow extends DayStatRow {
  region: string;
}

/** The payment tokens that occur in some rows, in a stable order. */
export const tokensOf = (rows: readonly { paymentToken: string }[]) => [...new Set(rows.map((r) => r.paymentToken))].sort();

/**
 * The price index of one payment token: a line per GPU model, one point per day with something leased, y = the
 * volume-weighted average price per GPU-hour in whole tokens. Models are ordered by name; colours follow that order.
 */
export function priceIndexSeries(rows: readonly ModelDayStatRow[], token: string, decimals: number): Series[] {
  const byModel = new Map<string, { x: number; y: number }[]>();
  for (const r of rows) {
    if (r.paymentToken !== token || BigInt(r.gpuSecondsLeased) === 0n) continue;
    const points = byModel.get(r.gpuModel) ?? [];
    points.push({ x: Number(r.date), y: toNumber(r.avgPricePerGpuHour, decimals) });
    byModel.set(r.gpuModel, points);
  }
  return [...byModel.keys()].sort().map((model, i) => ({
    name: gpuModelLabel(model),
    color: seriesColor(i),
    points: byModel.get(model)!.sort((a, b) => a.x - b.x),
  }));
}

/**
 * GPU-hours contracted per day and region, over every payment token (GPU-hours are not money, so they add up).
 * One series per region (stacked), y in GPU-hours.
 */
export function regionGpuHourSeries(rows: readonly RegionDayStatRow[]): Series[] {
  const byRegion = new Map<string, Map<number, bigint>>();
  for (const r of rows) {
    const days = byRegion.get(r.region) ?? new Map<number, bigint>();
    const x = Number(r.date);
    days.set(x, (days.get(x) ?? 0n) + BigInt(r.gpuSecondsLeased));
    byRegion.set(r.region, days);
  }
  return [...byRegion.keys()].sort().map((region, i) => ({
    name: regionLabel(region),
    color: seriesColor(i),
    points: [...byRegion.get(region)!.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([x, s]) => ({ x, y: Number(s) / 3600 })),
  }));
}

/** Net GPU-hours (leased − released) from statistics rows, over every token. */
export function netGpuHours(rows: readonly { gpuSecondsLeased: string; gpuSecondsReleased: string }[]): number {
  let s = 0n;
  for (const r of rows) s += BigInt(r.gpuSecondsLeased) - BigInt(r.gpuSecondsReleased);
  return Number(s) / 3600;
}
