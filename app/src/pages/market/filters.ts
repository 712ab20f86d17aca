/**
 * The market list as pure functions: turning indexer rows into offers a buyer compares, the filters and sort order
 * kept in the query string, and the filtering/sorting itself (memoised by the page).
 */
import { formatUnits, parseUnits } from "viem";
import type { TokenDisplay } from "@gridlease/sdk";
import type { AuditStatus } from "../../lib/eas.ts";

/** An offer row from the indexer, with the provider's track record joined in. Amounts stay bigint. */
export interface MarketOffer {
  offerId: bigint;
  provider: string;
  providerName?: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  unitsInUse: bigint;
  pricePerGpuHour: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  /** Seconds the provider has to repair a server a buyer reports down. */
  repairWindow?: bigint;
  paused: boolean;
  /** The offer restricts buyers through a policy contract (an allowlist). */
  restricted: boolean;
  interconnect?: string;
  location?: string;
  createdAt: bigint;
  track?: TrackRecord;
  /** Why the market would refuse every lease of the offer now (the SDK's `canLease`); undefined when it is open. */
  refusal?: string;
  /** The provider published an attestation claim (verified in the browser before any badge shows). */
  hasAttestationClaim: boolean;
  /** The provider's score (0..10,000), once the indexer's evidence has loaded (`withTrust`). */
  scoreBps?: number;
  /** The offer's hardware audit as this viewer trusts it, once audits have loaded. */
  audit?: AuditStatus;
}

export interface TrackRecord {
  leasesServed: number;
  gpuSecondsServed: bigint;
  noShows: number;
  providerTerminations: number;
  /** Delivered ÷ (delivered + down) GPU time on its ended leases, in basis points (10,000 before any outage). */
  availabilityBps?: number;
}

/** Token display data the list needs: symbol and decimals (the SDK's `TokenDisplay`). */
export type TokenMeta = TokenDisplay;

/** Servers of the offer not leased now. */
export const unitsAvailable = (o: Pick<MarketOffer, "totalUnits" | "unitsInUse">) =>
  o.totalUnits > o.unitsInUse ? o.totalUnits - o.unitsInUse : 0n;

/** Open: `openLease` would accept a lease of it now (decided by the SDK's `canLease` when the rows load). */
export const isOpen = (o: MarketOffer) => o.refusal === undefined;

export const SORTS = {
  price: "Price per GPU-hour, lowest first",
  "-price": "Price per GPU-hour, highest first",
  available: "Most GPUs available",
  served: "Most leases served",
  score: "Highest provider score first",
  newest: "Newest offers first",
} as const;
export type SortKey = keyof typeof SORTS;

export interface Filters {
  gpu?: string;
  region?: string;
  /** Minimum GPUs available on the offer (GPUs per server × servers free). */
  minGpus?: number;
  /** Highest price per GPU-hour, as a decimal in the offer's payment token ("2.5"). */
  maxPrice?: string;
  /** Payment token address (lowercase). */
  token?: string;
  /** Interconnect fabric contains this text ("InfiniBand", "RoCE"). */
  fabric?: string;
  /** Lowest provider score, 0..100. */
  minScore?: number;
  /** Only offers a trusted auditor audited (and passed). */
  audited?: boolean;
  sort: SortKey;
  /** 1-based page number. */
  page: number;
}

export const DEFAULT_SORT: SortKey = "price";

const positiveInt = (v: string | null) =>
  v !== null && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
const decimal = (v: string | null) =>
  v !== null && /^\d+(\.\d+)?$/.test(v.trim()) ? v.trim() : undefined;
const text = (v: string | null) => (v && v.trim() ? v.trim() : undefined);
const score = (v: string | null) =>
  v !== null && /^\d{1,3}(\.\d+)?$/.test(v.trim()) && Number(v) <= 100 ? Number(v) : undefined;

/** Reads the filters from the query string, ignoring anything malformed. */
export function parseFilters(params: URLSearchParams): Filters {
  const sort = params.get("sort");
  return {
    gpu: text(params.get("gpu")),
    region: text(params.get("region")),
    minGpus: positiveInt(params.get("minGpus")),
    maxPrice: decimal(params.get("maxPrice")),
    token: text(params.get("token"))?.toLowerCase(),
    fabric: text(params.get("fabric")),
    minScore: score(params.get("minScore")),
    audited: params.get("audited") === "1" ? true : undefined,
    sort: sort && sort in SORTS ? (sort as SortKey) : DEFAULT_SORT,
    page: positiveInt(params.get("page")) ?? 1,
  };
}

/** Whether any filter (not the sort or the page) narrows the list. */
export const hasFilters = (f: Filters): boolean =>
  !!(
    f.gpu ||
    f.region ||
    f.minGpus ||
    f.maxPrice ||
    f.token ||
    f.fabric ||
    f.minScore ||
    f.audited
  );

/** The query-string patch for a filter change; any change but the page itself goes back to page 1. */
export function filterPatch(
  patch: Partial<Record<keyof Filters, string | undefined>>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(patch))
    out[k] = v === undefined || v === "" ? undefined : String(v);
  if (out.sort === DEFAULT_SORT) out.sort = undefined;
  if (!("page" in patch)) out.page = undefined;
  if (out.page === "1") out.page = undefined;
  return out;
}

/** The price as a plain number of tokens, for comparing offers priced in different tokens. */
const priceValue = (o: MarketOffer, tokens: Record<string, TokenMeta | undefined>) => {
  const t = tokens[o.paymentToken.toLowerCase()];
  return Number(formatUnits(o.pricePerGpuHour, t?.decimals ?? 18));
};

/** Open offers that pass every filter. */
export function filterOffers(
  offers: readonly MarketOffer[],
  f: Filters,
  tokens: Record<string, TokenMeta | undefined>,
): MarketOffer[] {
  const fabric = f.fabric?.toLowerCase();
  return offers.filter((o) => {
    if (!isOpen(o)) return false;
    if (f.gpu && o.gpuModel !== f.gpu) return false;
    if (f.region && o.region !== f.region) return false;
    if (f.token && o.paymentToken.toLowerCase() !== f.token) return false;
    if (f.minGpus && o.gpusPerUnit * unitsAvailable(o) < BigInt(f.minGpus)) return false;
    if (fabric && !(o.interconnect ?? "").toLowerCase().includes(fabric)) return false;
    // Until scores and audits load, their filters let nothing through rather than everything.
    if (f.minScore !== undefined && (o.scoreBps ?? -1) < f.minScore * 100) return false;
    if (f.audited && o.audit?.status !== "audited") return false;
    if (f.maxPrice !== undefined) {
      const decimals = tokens[o.paymentToken.toLowerCase()]?.decimals;
      if (decimals === undefined) return false;
      if (o.pricePerGpuHour > parseUnits(f.maxPrice, decimals)) return false;
    }
    return true;
  });
}

/** A sorted copy; ties go to the lower offer id, so the order is stable across refreshes. */
export function sortOffers(
  offers: readonly MarketOffer[],
  sort: SortKey,
  tokens: Record<string, TokenMeta | undefined>,
): MarketOffer[] {
  const byId = (a: MarketOffer, b: MarketOffer) =>
    a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0;
  const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const keyed = offers.map((o) => ({ o, price: priceValue(o, tokens) }));
  keyed.sort((a, b) => {
    let c = 0;
    switch (sort) {
      case "price":
        c = a.price - b.price;
        break;
      case "-price":
        c = b.price - a.price;
        break;
      case "available":
        c = cmpBig(b.o.gpusPerUnit * unitsAvailable(b.o), a.o.gpusPerUnit * unitsAvailable(a.o));
        break;
      case "served":
        c = (b.o.track?.leasesServed ?? 0) - (a.o.track?.leasesServed ?? 0);
        break;
      case "score":
        c = (b.o.scoreBps ?? -1) - (a.o.scoreBps ?? -1);
        break;
      case "newest":
        c = cmpBig(b.o.createdAt, a.o.createdAt);
        break;
    }
    return c !== 0 ? c : byId(a.o, b.o);
  });
  return keyed.map((k) => k.o);
}

export const PAGE_SIZE = 25;

/** One page of a list, with the page number clamped to what exists. */
export function paginate<T>(rows: readonly T[], page: number, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(1, page), pages);
  const start = (current - 1) * size;
  return {
    rows: rows.slice(start, start + size),
    page: current,
    pages,
    start,
    end: Math.min(start + size, rows.length),
  };
}

/** GPU-hours from GPU-seconds, rounded down to whole hours for display. */
export const gpuHours = (gpuSeconds: bigint) => gpuSeconds / 3600n;

/**
 * The offers with their provider's score and their audit status joined in (each left undefined until its read has
 * loaded; an offer nobody audited gets "none" once audits have).
 */
export function withTrust(
  offers: readonly MarketOffer[],
  scores: ReadonlyMap<string, { reputation: { scoreBps: number } }> | undefined,
  audits: ReadonlyMap<string, AuditStatus> | undefined,
): MarketOffer[] {
  if (!scores && !audits) return [...offers];
  return offers.map((o) => ({
    ...o,
    scoreBps: scores?.get(o.provider.toLowerCase())?.reputation.scoreBps,
    audit: audits ? (audits.get(o.offerId.toString()) ?? { status: "none" }) : undefined,
  }));
}
