/** The lease table's rows and filters: pure, so they are fast to test and fast on 10,000+ rows. */

/** A lease as the table reads it from the indexer (bigints arrive as decimal strings). */
export interface LeaseListItem {
  id: string;
  status: string;
  endReason: string;
  gpuModel: string;
  region: string;
  gpus: string;
  pricePerGpuHour: string;
  duration: string;
  buyer: string;
  provider: string;
  openedAt: string;
  paymentToken: string;
  /** Activation time, null while pending. */
  startTime?: string | null;
  activationDeadline?: string;
}

/** A row ready to filter: numbers parsed and addresses lowercased once, when the rows load. */
export interface LeaseRow extends LeaseListItem {
  n: number;
  opened: number;
  buyerLc: string;
  providerLc: string;
  /**
   * The status as a person sees it when the rows loaded: Pending, ActivationOverdue (pending past its deadline),
   * Active, Expired (active past its end, not closed yet) or Ended.
   */
  state: string;
}

/** The derived status of a lease at `now` (unix seconds), from the indexer's status and times. */
export function leaseState(it: LeaseListItem, now: number): string {
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

/** Rows ready to filter (numbers parsed, addresses lowercased, status derived at `now`), newest first. */
export function prepareRows(
  items: readonly LeaseListItem[],
  now = Math.floor(Date.now() / 1000),
): LeaseRow[] {
  const rows = new Array<LeaseRow>(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    rows[i] = {
      ...it,
      n: Number(it.id),
      opened: Number(it.openedAt),
      buyerLc: it.buyer.toLowerCase(),
      providerLc: it.provider.toLowerCase(),
      state: leaseState(it, now),
    };
  }
  // Newest first; the id breaks ties (several leases can open in one block).
  rows.sort((a, b) => b.opened - a.opened || b.n - a.n);
  return rows;
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

/**
 * The rows that pass every filter, in their order. The address filter matches the buyer or the provider,
 * case-insensitively: from the start when it begins with "0x" ("0x7099" finds 0x70997970…), anywhere otherwise
 * ("dc79c8" finds …17dc79c8). One pass, no allocation per row.
 */
export function filterLeases(rows: readonly LeaseRow[], f: LeaseFilters): LeaseRow[] {
  let addr = f.address.trim().toLowerCase();
  const prefix = addr.startsWith("0x");
  if (addr === "0x") addr = "";
  const { gpu, region, status, reason } = f;
  if (!gpu && !region && !status && !reason && !addr) return rows as LeaseRow[];
  const out: LeaseRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (gpu && r.gpuModel !== gpu) continue;
    if (region && r.region !== region) continue;
    // "Active" takes every active lease (term over or not); "Expired" and "ActivationOverdue" only those.
    if (status && r.status !== status && r.state !== status) continue;
    if (reason && r.endReason !== reason) continue;
    if (
      addr &&
      (prefix
        ? !r.buyerLc.startsWith(addr) && !r.providerLc.startsWith(addr)
        : !r.buyerLc.includes(addr) && !r.providerLc.includes(addr))
    )
      continue;
    out.push(r);
  }
  return out;
}

/** Distinct values of a field, sorted: the options of a filter (only values that occur). */
export function distinct(
  rows: readonly LeaseRow[],
  field: "gpuModel" | "region" | "status" | "endReason",
): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) seen.add(rows[i][field]);
  return [...seen].sort();
}
