/** What a search box entry is: a lease id, an address or a transaction hash. */
export type SearchTarget =
  | { kind: "lease"; id: string }
  | { kind: "address"; address: string }
  | { kind: "tx"; hash: string }
  | { kind: "empty" }
  | { kind: "invalid"; query: string };

/** What a search entry is: a lease id (with or without "#"), an address, a transaction hash, or nothing usable. */
export function classifySearch(raw: string): SearchTarget {
  const q = raw.trim();
  if (!q) return { kind: "empty" };
  const lease = /^#?\s*(\d{1,30})$/.exec(q);
  if (lease) return { kind: "lease", id: BigInt(lease[1]).toString() };
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return { kind: "address", address: q.toLowerCase() };
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) return { kind: "tx", hash: q.toLowerCase() };
  return { kind: "invalid", query: q };
}

/** Where a search goes directly, or undefined when the search page itself shows the answer (tx, invalid). */
export function searchDestination(target: SearchTarget): string | undefined {
  if (target.kind === "lease") return `/explorer/leases/${target.id}`;
  if (target.kind === "address") return `/explorer/address/${target.address}`;
  return undefined;
}

/** The search page's URL for a query. */
export const searchUrl = (q: string) => `/explorer/search?q=${encodeURIComponent(q.trim())}`;
