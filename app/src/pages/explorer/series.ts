/** Chart series built from the indexer's per-day statistics. Amounts of different tokens are never mixed. */
import { GPU_MODELS, REGIONS, availabilityBps, gpuModelLabel, regionLabel } from "@gridlease/sdk";
import { feeWeightedPricePerGpuHour } from "@gridlease/sdk/indexer";
import { seriesColor, type Series } from "../../components/charts.tsx";
import { formatUnits } from "viem";
import type { IndexedGpuModelDayStat, IndexedRegionDayStat } from "@gridlease/sdk/indexer";

/** The columns of the SDK's day statistics the charts read. */
type DayStatColumns =
  | "id"
  | "day"
  | "date"
  | "paymentToken"
  | "gpuSecondsLeased"
  | "gpuSecondsReleased"
  | "volume"
  | "avgPricePerGpuHour"
  | "feesPaid"
  | "feeWeightedPriceSum";
export type ModelDayStatRow = Pick<IndexedGpuModelDayStat, DayStatColumns | "gpuModel"> &
  Partial<Pick<IndexedGpuModelDayStat, "gpuSecondsDelivered" | "gpuSecondsDown">>;
export type RegionDayStatRow = Pick<IndexedRegionDayStat, DayStatColumns | "region"> &
  Partial<Pick<IndexedRegionDayStat, "leasesOpened">>;

const EXTRA_COLORS = ["#facc15", "#fb923c", "#4ade80", "#e879f9"];
/** A fixed colour per known label (the same model has the same colour in every chart), then by order of appearance. */
export function labelColor(known: readonly string[], label: string, fallbackIndex: number): string {
  const i = known.indexOf(label);
  const n = i >= 0 ? i : known.length + fallbackIndex;
  return n < 8 ? seriesColor(n) : EXTRA_COLORS[(n - 8) % EXTRA_COLORS.length];
}
const MODEL_CODES = Object.keys(GPU_MODELS);
const REGION_CODES = Object.keys(REGIONS);

/** The payment tokens that occur in some rows, in a stable order. */
export const tokensOf = (rows: readonly { paymentToken: string }[]) =>
  [...new Set(rows.map((r) => r.paymentToken))].sort();

/**
 * The price index of one payment token: a line per GPU model, one point per day on which a lease that paid a
 * protocol fee ended, y = the fee-weighted average price per GPU-hour of those leases in whole tokens (so wash leases
 * that pay no fee do not move it). Models are ordered by name; colours follow that order.
 */
export function priceIndexSeries(
  rows: readonly ModelDayStatRow[],
  token: string,
  decimals: number,
): Series[] {
  const byModel = new Map<string, { x: number; y: number }[]>();
  for (const r of rows) {
    const price = r.paymentToken === token ? feeWeightedPricePerGpuHour(r) : undefined;
    if (price === undefined) continue;
    const points = byModel.get(r.gpuModel) ?? [];
    points.push({ x: Number(r.date), y: Number(formatUnits(price, decimals)) });
    byModel.set(r.gpuModel, points);
  }
  return [...byModel.keys()].sort().map((model, i) => ({
    name: gpuModelLabel(model),
    color: labelColor(MODEL_CODES, model, i),
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
    days.set(x, (days.get(x) ?? 0n) + r.gpuSecondsLeased);
    byRegion.set(r.region, days);
  }
  return [...byRegion.keys()].sort().map((region, i) => ({
    name: regionLabel(region),
    color: labelColor(REGION_CODES, region, i),
    points: [...byRegion.get(region)!.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([x, s]) => ({ x, y: Number(s) / 3600 })),
  }));
}

/** Net GPU-hours (leased − released) from statistics rows, over every token. */
export function netGpuHours(
  rows: readonly { gpuSecondsLeased: bigint; gpuSecondsReleased: bigint }[],
): number {
  let s = 0n;
  for (const r of rows) s += r.gpuSecondsLeased - r.gpuSecondsReleased;
  return Number(s) / 3600;
}

/** Per region over all rows: leases opened, GPU-seconds leased and released; most GPU-hours first. */
export function regionTotals(rows: readonly RegionDayStatRow[]) {
  const m = new Map<string, { region: string; leases: number; leased: bigint; released: bigint }>();
  for (const r of rows) {
    const t = m.get(r.region) ?? { region: r.region, leases: 0, leased: 0n, released: 0n };
    t.leases += r.leasesOpened ?? 0;
    t.leased += r.gpuSecondsLeased;
    t.released += r.gpuSecondsReleased;
    m.set(r.region, t);
  }
  return [...m.values()].sort((a, b) =>
    b.leased > a.leased ? 1 : b.leased < a.leased ? -1 : a.region.localeCompare(b.region),
  );
}

/**
 * GPU-hours down per day (outages, booked when each lease ended), one stacked series per GPU model, over every
 * token. Models without downtime are left out.
 */
export function modelDowntimeSeries(rows: readonly ModelDayStatRow[]): Series[] {
  const byModel = new Map<string, Map<number, bigint>>();
  for (const r of rows) {
    if (!r.gpuSecondsDown) continue;
    const days = byModel.get(r.gpuModel) ?? new Map<number, bigint>();
    const x = Number(r.date);
    days.set(x, (days.get(x) ?? 0n) + r.gpuSecondsDown);
    byModel.set(r.gpuModel, days);
  }
  return [...byModel.keys()].sort().map((model, i) => ({
    name: gpuModelLabel(model),
    color: labelColor(MODEL_CODES, model, i),
    points: [...byModel.get(model)!.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([x, s]) => ({ x, y: Number(s) / 3600 })),
  }));
}

/** Per GPU model over all rows: GPU-seconds delivered and down, and the availability (SDK's availabilityBps). */
export function modelAvailability(rows: readonly ModelDayStatRow[]) {
  const m = new Map<string, { gpuModel: string; delivered: bigint; down: bigint }>();
  for (const r of rows) {
    const t = m.get(r.gpuModel) ?? { gpuModel: r.gpuModel, delivered: 0n, down: 0n };
    t.delivered += r.gpuSecondsDelivered ?? 0n;
    t.down += r.gpuSecondsDown ?? 0n;
    m.set(r.gpuModel, t);
  }
  return [...m.values()]
    .filter((t) => t.delivered + t.down > 0n)
    .map((t) => ({ ...t, availabilityBps: availabilityBps(t.delivered, t.down) }))
    .sort((a, b) => a.availabilityBps - b.availabilityBps || a.gpuModel.localeCompare(b.gpuModel));
}
