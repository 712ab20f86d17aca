/**
 * The queries the indexer benchmark puts under load: every explorer route (`/explorer/*`, design of issue #14:
 * first pages with each filter and order, cursor pages from deep in each list, the lease totals), and the pages
 * the app opens by id or address with the queries it sends: a lease with its events, an address (its rows, then
 * its first page of leases), a transaction's events.
 */
import type { Address, Hex } from "viem";
import {
  ACCOUNT_FIELDS,
  ACCOUNT_SPENDING_FIELDS,
  CREDIT_FIELDS,
  PROVIDER_EARNING_FIELDS,
  PROVIDER_FIELDS,
  createIndexerClient,
  getIndexedLease,
  listTransactionEvents,
  type IndexerClient,
} from "@gridlease/sdk/indexer";
import type { LoadQuery } from "./load.ts";

/** What the queries pick their arguments from: learnt from the index before the load starts. */
export interface QuerySample {
  leaseCount: number;
  models: string[];
  regions: string[];
  buyers: Address[];
  providers: Address[];
  txHashes: Hex[];
}

const pick = <T>(xs: readonly T[]): T => {
  if (xs.length === 0) throw new Error("the benchmark's sample is empty");
  return xs[Math.floor(Math.random() * xs.length)]!;
};

/** Reads a sample of the index (models, regions, buyers, providers, transactions) through GraphQL. */
export async function sampleIndex(client: IndexerClient, leaseCount: number): Promise<QuerySample> {
  const d = await client.query<{
    gpuModelStats: { items: { gpuModel: string }[] };
    regionStats: { items: { region: string }[] };
    accounts: { items: { id: Address }[] };
    providers: { items: { id: Address }[] };
    leaseEvents: { items: { txHash: Hex }[] };
  }>(
    `{ gpuModelStats(limit: 100) { items { gpuModel } } regionStats(limit: 100) { items { region } }
       accounts(limit: 200) { items { id } } providers(limit: 50) { items { id } }
       leaseEvents(limit: 500) { items { txHash } } }`,
  );
  return {
    leaseCount,
    models: [...new Set(d.gpuModelStats.items.map((x) => x.gpuModel))],
    regions: [...new Set(d.regionStats.items.map((x) => x.region))],
    buyers: d.accounts.items.map((x) => x.id),
    providers: d.providers.items.map((x) => x.id),
    txHashes: [...new Set(d.leaseEvents.items.map((x) => x.txHash))],
  };
}

/** GET of a JSON route; throws on an error status, so the load counts it. */
async function getJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`HTTP ${res.status} ${url}: ${body.error ?? ""}`);
  return body;
}

/** The `next` cursors met while following a list `pages` pages deep (for cursor-page queries). */
async function collectCursors(url: string, path: string, pages: number): Promise<string[]> {
  const cursors: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page: { next: string | null } = await getJson(
      `${url}${path}${after ? `${sep}after=${encodeURIComponent(after)}` : ""}`,
      AbortSignal.timeout(30_000),
    );
    if (!page.next) break;
    cursors.push(page.next);
    after = page.next;
  }
  return cursors;
}

/** The explorer routes, each with its filters and orders, first pages and cursor pages. */
export async function explorerQueries(url: string, s: QuerySample): Promise<LoadQuery[]> {
  const route = (name: string, path: () => string): LoadQuery => ({
    name,
    run: (signal) => getJson(`${url}${path()}`, signal),
  });
  const q = (params: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, v);
    const text = p.toString();
    return text ? `?${text}` : "";
  };
  const deep = async (path: string) => {
    const cursors = await collectCursors(url, path, 20);
    return cursors.length ? cursors : [""];
  };
  const withCursor = (path: string, cursors: string[]) => () => {
    const c = pick(cursors);
    return c ? `${path}${path.includes("?") ? "&" : "?"}after=${encodeURIComponent(c)}` : path;
  };
  const model = () => pick(s.models);
  // The app's lease table asks for 100 rows a page, its other lists for 50 (the routes' default).
  const leases = (params: Record<string, string | undefined> = {}) =>
    `/explorer/leases${q({ ...params, limit: "100" })}`;
  const leaseCursors = await deep("/explorer/leases?limit=200");
  const modelPath = `/explorer/leases?gpuModel=${encodeURIComponent(s.models[0]!)}&limit=200`;
  const modelCursors = await deep(modelPath);
  const accountCursors = await deep("/explorer/accounts?limit=200");
  return [
    route("leases newest", () => leases()),
    route("leases oldest", () => leases({ order: "oldest" })),
    route("leases by model", () => leases({ gpuModel: model() })),
    route("leases by region", () => leases({ region: pick(s.regions) })),
    route("leases Active", () => leases({ status: "Active" })),
    route("leases Ended by model", () => leases({ status: "Ended", gpuModel: model() })),
    route("leases by address", () => leases({ address: pick(s.buyers) })),
    route("leases by address prefix", () => leases({ address: pick(s.buyers).slice(0, 8) })),
    route("leases by provider", () => leases({ provider: pick(s.providers) })),
    route("leases cursor page", withCursor(leases(), leaseCursors)),
    route(
      "leases by model cursor page",
      withCursor(leases({ gpuModel: s.models[0] }), modelCursors),
    ),
    route("lease total", () => "/explorer/leases/total"),
    route(
      "lease total by model+status",
      () => `/explorer/leases/total${q({ gpuModel: model(), status: "Active" })}`,
    ),
    route("offers newest", () => "/explorer/offers"),
    route("offers by price", () => `/explorer/offers${q({ order: "price", gpuModel: model() })}`),
    route("providers by leases served", () => "/explorer/providers"),
    route("providers by availability", () => "/explorer/providers?order=availability"),
    route("accounts by leases", () => "/explorer/accounts"),
    route("accounts cursor page", withCursor("/explorer/accounts", accountCursors)),
  ];
}

/** The address page's own query (the app's, app/src/pages/explorer/data.ts): the address's rows and flows. */
const ADDRESS = `query Address($id: String!) {
  provider(id: $id) { ${PROVIDER_FIELDS} }
  providerEarnings(where: { provider: $id }, limit: 100) { items { ${PROVIDER_EARNING_FIELDS} } }
  account(id: $id) { ${ACCOUNT_FIELDS} }
  accountSpendings(where: { account: $id }, limit: 100) { items { ${ACCOUNT_SPENDING_FIELDS} } }
  credits(where: { account: $id }, limit: 100) { items { ${CREDIT_FIELDS} } }
}`;

/** The pages the app opens by id or address, with the queries the app sends. */
export function pageQueries(url: string, client: IndexerClient, s: QuerySample): LoadQuery[] {
  return [
    {
      name: "lease page",
      run: (signal) =>
        getIndexedLease(client, BigInt(1 + Math.floor(Math.random() * s.leaseCount)), { signal }),
    },
    {
      // As app/src/pages/explorer: the address's rows, then (it is a buyer) its first page of leases.
      name: "address page",
      run: async (signal) => {
        const id = pick(s.buyers);
        await client.query(ADDRESS, { id }, { signal });
        await getJson(`${url}/explorer/leases?buyer=${id}&limit=50`, signal);
      },
    },
    {
      name: "search by transaction",
      run: (signal) => listTransactionEvents(client, pick(s.txHashes), { signal }),
    },
  ];
}

/** Every query of the load: the explorer routes, then the pages. */
export async function benchQueries(url: string, leaseCount: number) {
  const client = createIndexerClient({ url, timeoutMs: 30_000 });
  const sample = await sampleIndex(client, leaseCount);
  const queries = [...(await explorerQueries(url, sample)), ...pageQueries(url, client, sample)];
  // Every query answers once before the load: a broken query fails here, not as thousands of errors.
  for (const query of queries) await query.run(AbortSignal.timeout(60_000));
  return { queries, api: "explorer routes", sample };
}
