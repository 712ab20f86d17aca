/** Pure helpers of the provider dashboard: form validation, the offer form -> createOffer params, chart series. */
import { isAddress, keccak256, toBytes, zeroAddress, type Address, type Hex } from "viem";
import {
  encodeGpuModel,
  encodeRegion,
  feeOn,
  formatDuration,
  GPU_MODELS,
  REGIONS,
  type IndexedLease,
  type OfferParams,
} from "@gridlease/sdk";
import { parseAmount } from "../../lib/amountInput.ts";
import { toDataUri } from "../../lib/spec.ts";

// Moved down to lib/ (the buyer's auto top-up form reads amounts too); re-exported for this page's callers.
export { parseAmount };

/** A whole number in [min, max]. */
export function parseWhole(
  input: string,
  min: number,
  max: number,
  what: string,
): { value: number } | { error: string } {
  const text = input.trim();
  if (!/^\d+$/.test(text)) return { error: `Enter ${what} as a whole number.` };
  const value = Number(text);
  if (value < min || value > max)
    return { error: `${capitalise(what)} must be from ${min} to ${max.toLocaleString("en-US")}.` };
  return { value };
}

/** A positive decimal number (RAM, NVMe, hours). */
export function parsePositive(
  input: string,
  what: string,
  opts: { allowZero?: boolean } = {},
): { value: number } | { error: string } {
  const text = input.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: `Enter ${what} as a positive number.` };
  const value = Number(text);
  if (!(value > 0) && !(opts.allowZero && value === 0))
    return { error: `${capitalise(what)} must be more than 0.` };
  return { value };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "One address per line" (commas and spaces also separate); every entry must be an address. */
export function parseAllowlist(text: string): { addresses: Address[] } | { error: string } {
  const entries = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isAddress(e, { strict: false }));
  if (bad.length)
    return {
      error: `Not ${bad.length === 1 ? "an address" : "addresses"}: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? "…" : ""}`,
    };
  const seen = new Set<string>();
  const addresses: Address[] = [];
  for (const e of entries) {
    const key = e.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(e as Address);
  }
  return { addresses };
}

/** The create-offer form as typed. */
export interface OfferForm {
  gpuModel: string;
  gpusPerUnit: string;
  servers: string;
  region: string;
  interconnect: string;
  interconnectGbps: string;
  cpuCores: string;
  ramGB: string;
  nvmeTB: string;
  price: string;
  paymentToken: "usd" | "grid";
  minHours: string;
  maxHours: string;
  minBond: string;
  allowlist: string;
  datacenter: string;
  /** Hours the provider has to resolve an outage the buyer reports. */
  repairHours: string;
}

export const EMPTY_OFFER_FORM: OfferForm = {
  gpuModel: "H100-SXM-80GB",
  gpusPerUnit: "8",
  servers: "1",
  region: "AU-QLD",
  interconnect: "InfiniBand NDR",
  interconnectGbps: "400",
  cpuCores: "112",
  ramGB: "2048",
  nvmeTB: "30.72",
  price: "",
  paymentToken: "usd",
  minHours: "1",
  maxHours: "720",
  minBond: "0",
  allowlist: "",
  datacenter: "",
  repairHours: "4",
};

/** The market's repair-window bounds (MIN_REPAIR_WINDOW, MAX_REPAIR_WINDOW) when the config is not read yet. */
export const DEFAULT_REPAIR_BOUNDS = { minRepairWindow: 15n * 60n, maxRepairWindow: 7n * 86_400n };

export interface OfferContext {
  tokens: {
    usd?: { address: Address; decimals: number; symbol: string };
    grid: { address: Address; decimals: number; symbol: string };
  };
  policy?: Address;
  limits: {
    maxUnits: bigint;
    maxGpusPerUnit: bigint;
    maxLeaseDuration: bigint;
    minRepairWindow?: bigint;
    maxRepairWindow?: bigint;
  };
  /** The provider's bond now in each payment token (base units), for the min-bond check. */
  bonds?: Partial<Record<"usd" | "grid", bigint>>;
}

export type OfferErrors = Partial<Record<keyof OfferForm, string>>;

/** The gridlease.spec/v1 document of a listing (same shape as the seeded catalog). */
export function offerSpecDoc(f: OfferForm, gpusPerUnit: number) {
  const gbps = Number(f.interconnectGbps);
  return {
    schema: "gridlease.spec/v1",
    gpu: {
      model: f.gpuModel,
      name: (GPU_MODELS as Record<string, string>)[f.gpuModel] ?? f.gpuModel,
      count: gpusPerUnit,
    },
    server: {
      cpu: { cores: Number(f.cpuCores), sockets: 1 },
      ramGB: Number(f.ramGB),
      nvme: { totalTB: Number(f.nvmeTB) },
    },
    interconnect: { fabric: f.interconnect.trim(), ...(gbps > 0 ? { gbpsPerGpu: gbps } : {}) },
    site: {
      region: f.region,
      location: (REGIONS as Record<string, string>)[f.region] ?? f.region,
      ...(f.datacenter.trim() ? { datacenter: f.datacenter.trim() } : {}),
    },
  };
}

/**
 * Validates every field of the offer form and, when all are valid, builds the `createOffer` params (spec JSON as a
 * data: URI, specHash = keccak256 of the JSON text, as the seed does) and the buyers to allow first.
 */
export function buildOffer(
  f: OfferForm,
  ctx: OfferContext,
): { errors: OfferErrors; params?: OfferParams; allowlist?: Address[] } {
  const errors: OfferErrors = {};
  const take = <T>(key: keyof OfferForm, r: { value: T } | { error: string }): T | undefined => {
    if ("error" in r) {
      errors[key] = r.error;
      return undefined;
    }
    return r.value;
  };
  if (!(f.gpuModel in GPU_MODELS)) errors.gpuModel = "Pick a GPU model.";
  if (!(f.region in REGIONS)) errors.region = "Pick a region.";
  const gpus = take(
    "gpusPerUnit",
    parseWhole(f.gpusPerUnit, 1, Number(ctx.limits.maxGpusPerUnit), "GPUs per server"),
  );
  const servers = take("servers", parseWhole(f.servers, 1, Number(ctx.limits.maxUnits), "servers"));
  if (f.interconnect.trim() === "")
    errors.interconnect = "Describe the interconnect, e.g. InfiniBand NDR.";
  else if (f.interconnect.length > 80) errors.interconnect = "At most 80 characters.";
  if (f.interconnectGbps.trim() !== "")
    take("interconnectGbps", parsePositive(f.interconnectGbps, "Gb/s per GPU"));
  take("cpuCores", parseWhole(f.cpuCores, 1, 4096, "CPU cores"));
  take("ramGB", parsePositive(f.ramGB, "RAM"));
  take("nvmeTB", parsePositive(f.nvmeTB, "NVMe", { allowZero: true }));
  const token = f.paymentToken === "usd" ? ctx.tokens.usd : ctx.tokens.grid;
  if (!token) errors.paymentToken = "This token is not deployed on this chain.";
  const price = token
    ? take(
        "price",
        parseAmount(f.price, token.decimals, {
          max: 2n ** 96n - 1n,
          maxMessage: "That price is too large.",
        }),
      )
    : undefined;
  const minH = take("minHours", parsePositive(f.minHours, "the minimum duration"));
  const maxH = take("maxHours", parsePositive(f.maxHours, "the maximum duration"));
  const minDuration = minH !== undefined ? BigInt(Math.round(minH * 3600)) : undefined;
  const maxDuration = maxH !== undefined ? BigInt(Math.round(maxH * 3600)) : undefined;
  if (minDuration !== undefined && minDuration === 0n) errors.minHours = "At least one second.";
  if (maxDuration !== undefined && maxDuration > ctx.limits.maxLeaseDuration)
    errors.maxHours = `At most ${(Number(ctx.limits.maxLeaseDuration) / 3600).toLocaleString("en-US")} hours.`;
  if (
    minDuration !== undefined &&
    maxDuration !== undefined &&
    minDuration > maxDuration &&
    !errors.maxHours
  )
    errors.maxHours = "Must be at least the minimum duration.";
  // The minimum bond is in the offer's payment token (the penalty is paid in it, from the bond in it).
  const minBond = token
    ? take(
        "minBond",
        parseAmount(f.minBond, token.decimals, {
          allowZero: true,
          max: 2n ** 104n - 1n, // the contract's bound (Market_InvalidBond)
          maxMessage: "That bond is too large.",
        }),
      )
    : undefined;
  const bond = ctx.bonds?.[f.paymentToken === "usd" ? "usd" : "grid"];
  if (minBond !== undefined && bond !== undefined && minBond > bond && !errors.minBond)
    errors.minBond = `Your ${token!.symbol} bond is below this: no lease could open until you deposit more.`;
  let allowlist: Address[] | undefined;
  if (f.allowlist.trim() !== "") {
    const r = parseAllowlist(f.allowlist);
    if ("error" in r) errors.allowlist = r.error;
    else if (!ctx.policy) errors.allowlist = "No allowlist policy is deployed on this chain.";
    else allowlist = r.addresses;
  }
  if (f.datacenter.length > 80) errors.datacenter = "At most 80 characters.";
  const repairWindow = checkRepairWindow(f.repairHours, ctx.limits);
  if ("error" in repairWindow) errors.repairHours = repairWindow.error;
  if (
    Object.keys(errors).length > 0 ||
    gpus === undefined ||
    servers === undefined ||
    !token ||
    price === undefined ||
    !("seconds" in repairWindow)
  )
    return { errors };
  const json = JSON.stringify(offerSpecDoc(f, gpus));
  const specHash: Hex = keccak256(toBytes(json));
  const params: OfferParams = {
    gpuModel: encodeGpuModel(f.gpuModel),
    gpusPerUnit: BigInt(gpus),
    totalUnits: BigInt(servers),
    region: encodeRegion(f.region),
    paymentToken: token.address,
    pricePerGpuHour: price,
    minDuration: minDuration!,
    maxDuration: maxDuration!,
    repairWindow: repairWindow.seconds,
    minProviderBond: minBond!,
    buyerPolicy: allowlist ? ctx.policy! : zeroAddress,
    specHash,
    specURI: toDataUri(JSON.parse(json)),
  };
  return { errors, params, allowlist };
}

/** Hours typed for the repair window, as seconds within the market's bounds; an error message otherwise. */
export function checkRepairWindow(
  hours: string,
  bounds: { minRepairWindow?: bigint; maxRepairWindow?: bigint },
): { seconds: bigint } | { error: string } {
  const min = bounds.minRepairWindow ?? DEFAULT_REPAIR_BOUNDS.minRepairWindow;
  const max = bounds.maxRepairWindow ?? DEFAULT_REPAIR_BOUNDS.maxRepairWindow;
  const parsed = parsePositive(hours, "the repair window");
  if ("error" in parsed) return parsed;
  const seconds = BigInt(Math.round(parsed.value * 3600));
  if (seconds < min || seconds > max)
    return {
      error: `The repair window must be from ${formatDuration(min)} to ${formatDuration(max)}.`,
    };
  return { seconds };
}

/*//////////////////////////////////////////////////////////////
                      EARNINGS AND UTILISATION
//////////////////////////////////////////////////////////////*/

/** What the provider receives from a claim of this lease now: the gross not yet paid, less the fee on it. */
export function netClaimable(accrued: bigint, settled: bigint, feeBps: bigint): bigint {
  if (accrued <= settled) return 0n;
  return accrued - settled - (feeOn(accrued, feeBps) - feeOn(settled, feeBps));
}

/** A provider's lease as the indexer lists it (the fields of the SDK's row the charts read). */
export type ProviderLeaseRow = Pick<
  IndexedLease,
  | "leaseId"
  | "paymentToken"
  | "gpuModel"
  | "gpus"
  | "pricePerGpuHour"
  | "feeBps"
  | "duration"
  | "startTime"
>;

const DAY = 86_400;

/** Splits [from, to) into UTC days: [dayStart, seconds in that day]. */
export function splitByDay(from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let t = from;
  while (t < to) {
    const dayStart = Math.floor(t / DAY) * DAY;
    const end = Math.min(to, dayStart + DAY);
    out.push([dayStart, end - t]);
    t = end;
  }
  return out;
}

/** The seconds a lease was (or is) in service: from activation to the end of its billed time, cut at `now`. */
function serviceWindow(l: ProviderLeaseRow, now: number): [number, number] | undefined {
  if (!l.startTime) return undefined;
  const start = Number(l.startTime);
  const end = Math.min(now, start + Number(l.duration));
  return end > start ? [start, end] : undefined;
}

/** GPU-hours in service per UTC day, one series per GPU model: { model -> Map(dayStart -> GPU-hours) }. */
export function utilisationByDay(
  leases: ProviderLeaseRow[],
  now: number,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const l of leases) {
    const w = serviceWindow(l, now);
    if (!w) continue;
    const days = out.get(l.gpuModel) ?? new Map<number, number>();
    out.set(l.gpuModel, days);
    for (const [day, secs] of splitByDay(w[0], w[1]))
      days.set(day, (days.get(day) ?? 0) + (secs * Number(l.gpus)) / 3600);
  }
  return out;
}

/**
 * Earnings per UTC day per payment token, net of the protocol fee, in base units: price × GPUs × seconds served that
 * day / 3600, less the fee. (Rounding is per day, so the sum can differ from the claimed amounts by a few units.)
 */
export function earningsByDay(
  leases: ProviderLeaseRow[],
  now: number,
): Map<string, Map<number, bigint>> {
  const out = new Map<string, Map<number, bigint>>();
  for (const l of leases) {
    const w = serviceWindow(l, now);
    if (!w) continue;
    const token = l.paymentToken.toLowerCase();
    const days = out.get(token) ?? new Map<number, bigint>();
    out.set(token, days);
    const rate = l.pricePerGpuHour * l.gpus;
    const feeBps = l.feeBps;
    for (const [day, secs] of splitByDay(w[0], w[1])) {
      const gross = (rate * BigInt(secs)) / 3600n;
      days.set(day, (days.get(day) ?? 0n) + gross - feeOn(gross, feeBps));
    }
  }
  return out;
}

/** Fills days without service with 0 from the first to the last day, so a line chart does not skip gaps. */
export function fillDays<T>(
  days: Map<number, T>,
  zero: T,
  from?: number,
  to?: number,
): { x: number; y: T }[] {
  const keys = [...days.keys()];
  if (keys.length === 0 && (from === undefined || to === undefined)) return [];
  const first = from ?? Math.min(...keys);
  const last = to ?? Math.max(...keys);
  const out: { x: number; y: T }[] = [];
  for (let d = first; d <= last; d += DAY) out.push({ x: d, y: days.get(d) ?? zero });
  return out;
}
