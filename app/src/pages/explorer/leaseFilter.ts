/**
 * The lease table's filters and rows: pure, so they are fast to test. The indexer filters, sorts and pages on the
 * server; this turns the query string into the query it is sent (or a plain reason why it is not sent).
 */
import {
  EndReason,
  GPU_MODELS,
  REGIONS,
  gpuModelLabel,
  regionLabel,
  type EndReasonName,
} from "@gridlease/sdk";
import type { LeaseFilter, LeaseListRow, LeaseStatusFilter } from "@gridlease/sdk/indexer";
import type { FilterChoice } from "../../components/SelectFilter.tsx";

/** A lease as the table reads it from the indexer (bigints arrive as decimal strings). */
export type LeaseListItem = LeaseListRow;

/** A row ready to show: numbers parsed and addresses lowercased once, when its page loads. */
export interface LeaseRow extends LeaseListItem {
  opened: number;
  buyerLc: string;
  providerLc: string;
  /**
   * The status as a person sees it when the page loaded: Pending, ActivationOverdue (pending past its deadline),
   * Active, Expired (active past its end, not closed yet) or Ended.
   */
  state: string;
}

/** The derived status of a lease at `now` (unix seconds), from the indexer's status and times. */
export function leaseState(
  it: Pick<LeaseListItem, "status" | "startTime" | "duration"> & { activationDeadline?: string },
  now: number,
): string {
  if (
    it.status === "Pending" &&
    it.activationDeadline !== undefined &&
    now > Number(it.activationDeadline)
  )
    return "ActivationOverdue";
  if (it.status === "Active" && it.startTime && now >= Number(it.startTime) + Number(it.duration))
    return "Expired";
  return it.status;
}

/** One page's rows ready to show (the server already ordered them), with the status derived at `now`. */
export function toLeaseRows(
  items: readonly LeaseListItem[],
  now = Math.floor(Date.now() / 1000),
): LeaseRow[] {
  return items.map((it) => ({
    ...it,
    opened: Number(it.openedAt),
    buyerLc: it.buyer.toLowerCase(),
    providerLc: it.provider.toLowerCase(),
    state: leaseState(it, now),
  }));
}

export interface LeaseFilters {
  gpu: string;
  region: string;
  status: string;
  reason: string;
  address: string;
}

/** URL query keys of the filters. */
export const FILTER_KEYS = [
  "gpu",
  "region",
  "status",
  "reason",
  "address",
] as const satisfies readonly (keyof LeaseFilters)[];

/** No filter set. */
export const NO_FILTERS: LeaseFilters = {
  gpu: "",
  region: "",
  status: "",
  reason: "",
  address: "",
};

/** The table's filters from the query string (an absent one is ""). */
export function filtersFromParams(params: URLSearchParams): LeaseFilters {
  return {
    gpu: params.get("gpu") ?? "",
    region: params.get("region") ?? "",
    status: params.get("status") ?? "",
    reason: params.get("reason") ?? "",
    address: params.get("address") ?? "",
  };
}

/** One string per distinct set of filters (a memo key). */
export const filtersKey = (f: LeaseFilters) => FILTER_KEYS.map((k) => f[k]).join("|");

/** Whether any filter is set. */
export const hasFilters = (f: LeaseFilters) => FILTER_KEYS.some((k) => f[k] !== "");

/** The status filter's choices, in the indexer's names, as people read them. */
export const STATUS_CHOICES: readonly (readonly [LeaseStatusFilter, string])[] = [
  ["Pending", "Pending (all)"],
  ["ActivationOverdue", "Pending, activation overdue"],
  ["Active", "Active (all)"],
  ["Expired", "Active, term over (not closed)"],
  ["Ended", "Ended"],
];

const isStatus = (s: string): s is LeaseStatusFilter => STATUS_CHOICES.some(([v]) => v === s);

/** The end reasons a lease can have once ended (the contract's `EndReason`, without None). */
export const END_REASONS = Object.keys(EndReason).filter(
  (r): r is Exclude<EndReasonName, "None"> => r !== "None",
);

/** The shortest address prefix the indexer filters by (0x and 4 hex digits): shorter ones match too much. */
export const MIN_ADDRESS_PREFIX = 6;

/**
 * Why an address filter cannot be sent, in plain words, or undefined when it can: a full address, or the first
 * `MIN_ADDRESS_PREFIX` characters or more of one (an index range; a fragment from the middle cannot be looked up).
 */
export function addressFilterProblem(raw: string): string | undefined {
  const a = raw.trim();
  if (a === "") return undefined;
  if (!/^0x/i.test(a))
    return `“${a}” is not the start of an address: type an address from its beginning, 0x followed by hexadecimal digits.`;
  if (!/^0x[0-9a-f]*$/i.test(a))
    return `“${a}” is not an address: after 0x an address has only hexadecimal digits (0-9, a-f).`;
  if (a.length > 42) return `“${a}” is longer than an address (0x and 40 hexadecimal digits).`;
  if (a.length < MIN_ADDRESS_PREFIX)
    return `Type at least ${MIN_ADDRESS_PREFIX} characters of the address (0x and ${MIN_ADDRESS_PREFIX - 2} hexadecimal digits) to filter by it.`;
  return undefined;
}

/**
 * The indexer query of a set of filters, or the plain reason it is not sent (a bad address filter, an unknown
 * status): bad input never becomes a request.
 */
export function leaseQueryOf(
  f: LeaseFilters,
): { query: LeaseFilter; problem?: undefined } | { problem: string; query?: undefined } {
  const problem = addressFilterProblem(f.address);
  if (problem) return { problem };
  if (f.status && !isStatus(f.status))
    return {
      problem: `“${f.status}” is not a lease status: choose one of ${STATUS_CHOICES.map(([v]) => v).join(", ")}.`,
    };
  const query: LeaseFilter = {};
  if (f.gpu) query.gpuModel = f.gpu;
  if (f.region) query.region = f.region;
  if (f.status && isStatus(f.status)) query.status = f.status;
  if (f.reason) query.endReason = f.reason;
  const address = f.address.trim().toLowerCase();
  if (address) query.address = address;
  return { query };
}

/** Known codes in their listed order, and the current value too when it is not one of them (from a shared URL). */
const known = (codes: readonly string[], current: string) =>
  current && !codes.includes(current) ? [...codes, current] : codes;

/** The GPU model filter's choices: the SDK's known models (never read from loaded rows). */
export const modelChoices = (current: string): FilterChoice[] =>
  known(Object.keys(GPU_MODELS), current).map((m) => [m, gpuModelLabel(m)]);

/** The region filter's choices: the SDK's known regions. */
export const regionChoices = (current: string): FilterChoice[] =>
  known(Object.keys(REGIONS), current).map((r) => [r, `${regionLabel(r)} (${r})`]);

/** "1,000,000 leases", or "at least 10,000 leases" when the indexer's total is a bound. */
export function totalText(total: { total: number; exact: boolean }, noun = "leases"): string {
  const n = total.total.toLocaleString("en-US");
  return total.exact ? `${n} ${noun}` : `at least ${n} ${noun}`;
}
