/**
 * The explorer's paged lists for the subgraph (The Graph's GraphQL), from the same filters, orders and row types
 * as the Ponder routes (`explorer.ts`): `first` with `orderBy`/`orderDirection` and a keyset `where` on the sort
 * key, never `skip` (graph-node reads and throws away every skipped row, and caps `skip` at 5,000).
 *
 * graph-node sorts by one field and breaks its ties by `id` in the same direction, in the C locale it requires,
 * so a page starts after the last row's (sort value, id): `or: [{ key_lt: v }, { key: v, id_lt: id }]`. Leases and
 * the newest offers sort by their numeric id alone (`leaseId`, `offerId`), which has no ties.
 *
 * Any `{ query }` client will do; graph-node also answers at `<subgraph URL>/graphql`, so the indexer client works:
 *
 * ```ts
 * const graph = createIndexerClient({ url: "http://127.0.0.1:8000/subgraphs/name/gridlease" });
 * const first = await pageSubgraphLeases(graph, { gpuModel: "H100-SXM-80GB", limit: 50 });
 * const second = await pageSubgraphLeases(graph, { gpuModel: "H100-SXM-80GB", limit: 50, after: first.next });
 * ```
 */
import { IndexerError, type IndexerClient, type RequestOptions } from "./client.ts";
import type {
  AccountListRow,
  AccountPageQuery,
  LeaseFilter,
  LeaseListRow,
  LeasePageQuery,
  OfferListRow,
  OfferPageQuery,
  Page,
  ProviderListRow,
  ProviderPageQuery,
} from "./explorer.ts";

/** What the subgraph functions need of a client: one GraphQL request. An `IndexerClient` has it too. */
export type SubgraphClient = Pick<IndexerClient, "query">;

/** One GraphQL request for The Graph: the document and its variables. */
export interface SubgraphRequest {
  /** The collection field the answer holds the rows at. */
  field: string;
  document: string;
  variables: Record<string, unknown>;
}

/** A where clause of The Graph's filter language (`field`, `field_lt`, `or: [...]`, `and: [...]`). */
type Where = Record<string, unknown>;

const LIMIT = { min: 1, max: 200, fallback: 50 };

function pageSize(limit: number | undefined): number {
  const n = limit ?? LIMIT.fallback;
  if (!Number.isInteger(n) || n < LIMIT.min || n > LIMIT.max)
    throw new RangeError(
      `limit must be a whole number from ${LIMIT.min} to ${LIMIT.max}, got ${limit}`,
    );
  return n;
}

/** The opaque cursor after a row: the order it belongs to, the row's sort value and its id. */
function encodeCursor(order: string, key: readonly string[]): string {
  return btoa(JSON.stringify([order, ...key]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function decodeCursor(after: string, order: string, parts: number): string[] {
  const bad = new RangeError(
    `after must be the "next" cursor of an earlier page of this list in order "${order}"`,
  );
  let key: unknown;
  try {
    key = JSON.parse(atob(after.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw bad;
  }
  if (
    !Array.isArray(key) ||
    key.length !== parts + 1 ||
    key[0] !== order ||
    !key.every((k) => typeof k === "string" && /^[0-9a-zA-Z:-]{1,100}$/.test(k))
  )
    throw bad;
  return key.slice(1) as string[];
}

function choice<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T {
  const v = value ?? allowed[0]!;
  if (!allowed.includes(v))
    throw new RangeError(`${name} must be one of ${allowed.join(", ")}; got "${value}"`);
  return v;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function address(name: string, value: string): string {
  if (!ADDRESS.test(value))
    throw new RangeError(`${name} must be an address (0x and 40 hex digits), got "${value}"`);
  return value.toLowerCase();
}

/** `where` from plain conditions and `or` groups: one object, or `and` of them when there are groups. */
function whereOf(plain: Where, groups: Where[][]): Where | undefined {
  const parts: Where[] = [];
  if (Object.keys(plain).length) parts.push(plain);
  for (const g of groups) parts.push({ or: g });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** The keyset condition after (value, id) in a list sorted by `key` in `direction`, ties by id the same way. */
function after(
  key: string,
  direction: "asc" | "desc",
  value: string | number,
  id: string,
): Where[] {
  const op = direction === "desc" ? "_lt" : "_gt";
  return [{ [`${key}${op}`]: value }, { [key]: value, [`id${op}`]: id }];
}

function request(
  field: string,
  entity: string,
  selection: string,
  args: { first: number; orderBy: string; orderDirection: "asc" | "desc"; where?: Where },
): SubgraphRequest {
  return {
    field,
    document: `query Page($first: Int!, $orderBy: ${entity}_orderBy!, $orderDirection: OrderDirection!, $where: ${entity}_filter) {
  ${field}(first: $first, orderBy: $orderBy, orderDirection: $orderDirection, where: $where) { ${selection} }
}`,
    variables: { ...args, where: args.where ?? {} },
  };
}

const LEASE_FIELDS = `id leaseId status endReason gpuModel region gpus pricePerGpuHour duration buyer { id }
    provider { id } openedAt paymentToken { id } startTime activationDeadline endTime`;

const LEASE_ORDERS = ["newest", "oldest"] as const;
const STATUSES = ["Pending", "ActivationOverdue", "Active", "Expired", "Ended"] as const;

/**
 * The request for one page of leases. Statuses are the Ponder route's: the stored `Pending`, `Active` and `Ended`,
 * and `ActivationOverdue` (pending past its activation deadline) and `Expired` (active at or past its end) judged
 * at `now` (unix seconds, default the local clock).
 */
export function subgraphLeasePageRequest(q: LeasePageQuery): SubgraphRequest {
  const order = choice("order", q.order, LEASE_ORDERS);
  const first = pageSize(q.limit) + 1;
  const plain: Where = {};
  const groups: Where[][] = [];
  if (q.gpuModel !== undefined) plain.gpuModel = q.gpuModel;
  if (q.region !== undefined) plain.region = q.region;
  if (q.endReason !== undefined) plain.endReason = q.endReason;
  if (q.buyer !== undefined) plain.buyer = address("buyer", q.buyer);
  if (q.provider !== undefined) plain.provider = address("provider", q.provider);
  if (q.offerId !== undefined) plain.offer = String(q.offerId);
  if (q.status !== undefined) {
    const status = choice("status", q.status, STATUSES);
    const now = String(q.now ?? Math.floor(Date.now() / 1000));
    if (status === "ActivationOverdue")
      Object.assign(plain, { status: "Pending", activationDeadline_lt: now });
    else if (status === "Expired") Object.assign(plain, { status: "Active", endTime_lte: now });
    else plain.status = status;
  }
  if (q.address !== undefined) {
    if (!/^0x[0-9a-fA-F]{4,40}$/.test(q.address))
      throw new RangeError(
        `address must be an address or its start: 0x and 4 to 40 hex digits, got "${q.address}"`,
      );
    // A prefix is the range of addresses that start with it, as the Ponder route reads it.
    const p = q.address.toLowerCase();
    const side = (f: string): Where =>
      p.length === 42
        ? { [f]: p }
        : { [`${f}_gte`]: p.padEnd(42, "0"), [`${f}_lte`]: p.padEnd(42, "f") };
    groups.push([side("buyer"), side("provider")]);
  }
  const direction = order === "newest" ? "desc" : "asc";
  if (q.after) {
    const [leaseId] = decodeCursor(q.after, order, 1);
    plain[direction === "desc" ? "leaseId_lt" : "leaseId_gt"] = leaseId;
  }
  return request("leases", "Lease", LEASE_FIELDS, {
    first,
    orderBy: "leaseId",
    orderDirection: direction,
    where: whereOf(plain, groups),
  });
}

const OFFER_FIELDS = `id offerId provider { id } paymentToken { id } gpuModel region gpusPerUnit totalUnits
    unitsInUse pricePerGpuHour minDuration maxDuration paused leaseCount attestation { id } createdAt`;
const OFFER_ORDERS = ["newest", "price", "priceDesc"] as const;

/** The request for one page of offers: newest (by offer id), or by price either way with ties by id. */
export function subgraphOfferPageRequest(q: OfferPageQuery): SubgraphRequest {
  const order = choice("order", q.order, OFFER_ORDERS);
  const plain: Where = {};
  const groups: Where[][] = [];
  if (q.gpuModel !== undefined) plain.gpuModel = q.gpuModel;
  if (q.region !== undefined) plain.region = q.region;
  if (q.provider !== undefined) plain.provider = address("provider", q.provider);
  const newest = order === "newest";
  const direction = order === "price" ? "asc" : "desc";
  if (q.after) {
    if (newest) plain.offerId_lt = decodeCursor(q.after, order, 1)[0];
    else {
      const [price, id] = decodeCursor(q.after, order, 2) as [string, string];
      groups.push(after("pricePerGpuHour", direction, price, id));
    }
  }
  return request("offers", "Offer", OFFER_FIELDS, {
    first: pageSize(q.limit) + 1,
    orderBy: newest ? "offerId" : "pricePerGpuHour",
    orderDirection: direction,
    where: whereOf(plain, groups),
  });
}

/** Ranked lists: the subgraph field each order sorts by, and whether it is an Int (else a BigInt). */
const PROVIDER_SORT = {
  leasesServed: ["leasesServed", "Int"],
  availability: ["availabilityBps", "Int"],
  gpuHours: ["gpuSecondsServed", "BigInt"],
  newest: ["firstSeenAt", "BigInt"],
} as const;
const ACCOUNT_SORT = {
  leases: ["leaseCount", "Int"],
  gpuHours: ["gpuSecondsBought", "BigInt"],
  newest: ["firstSeenAt", "BigInt"],
} as const;

function rankedRequest(
  field: string,
  entity: string,
  selection: string,
  sorts: Record<string, readonly [string, "Int" | "BigInt"]>,
  q: { order?: string; limit?: number; after?: string | null },
): SubgraphRequest {
  const order = choice("order", q.order, Object.keys(sorts));
  const [key, type] = sorts[order]!;
  let where: Where | undefined;
  if (q.after) {
    const [value, id] = decodeCursor(q.after, order, 2) as [string, string];
    where = { or: after(key, "desc", type === "Int" ? Number(value) : value, id) };
  }
  return request(field, entity, selection, {
    first: pageSize(q.limit) + 1,
    orderBy: key,
    orderDirection: "desc",
    where,
  });
}

const PROVIDER_FIELDS = `id metadataURI bond offerCount leaseCount leasesServed pendingLeases activeLeases
    gpuSecondsServed gpuSecondsDown availabilityBps noShows providerTerminations openOutages firstSeenAt lastSeenAt`;
const ACCOUNT_FIELDS = `id leaseCount pendingLeases activeLeases gpuSecondsBought penaltiesReceived outageReports
    firstSeenAt lastSeenAt`;

/** The request for one page of providers, highest first by the order's column, ties by address. */
export function subgraphProviderPageRequest(q: ProviderPageQuery): SubgraphRequest {
  return rankedRequest("providers", "Provider", PROVIDER_FIELDS, PROVIDER_SORT, q);
}

/** The request for one page of buyers, highest first by the order's column, ties by address. */
export function subgraphAccountPageRequest(q: AccountPageQuery): SubgraphRequest {
  return rankedRequest("accounts", "Account", ACCOUNT_FIELDS, ACCOUNT_SORT, q);
}

/** The Graph's answer for a row: references as `{ id }`, BigInts as strings, Ints as numbers. */
type GraphRow = Record<string, unknown>;
const refId = (v: unknown): string | null =>
  v && typeof v === "object" && "id" in v ? String(v.id) : null;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Sends `req` and cuts its one-row look-ahead into a page and the cursor after its last row. */
async function run<T>(
  client: SubgraphClient,
  req: SubgraphRequest,
  convert: (row: GraphRow) => T,
  cursorKey: (row: GraphRow) => string[],
  order: string,
  opts?: RequestOptions,
): Promise<Page<T>> {
  const data = await client.query<Record<string, GraphRow[] | undefined>>(
    req.document,
    req.variables,
    opts,
  );
  const rows = data[req.field];
  if (!Array.isArray(rows))
    throw new IndexerError("query", `The subgraph's answer has no "${req.field}" list.`, {
      url: "subgraph",
    });
  const limit = Number(req.variables.first) - 1;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(convert),
    next: rows.length > limit && last ? encodeCursor(order, cursorKey(last)) : null,
  };
}

/** One page of leases from the subgraph, newest first unless `order` is "oldest". */
export function pageSubgraphLeases(
  client: SubgraphClient,
  q: LeasePageQuery,
  opts?: RequestOptions,
): Promise<Page<LeaseListRow>> {
  return run(
    client,
    subgraphLeasePageRequest(q),
    (r) => ({
      id: String(r.id),
      status: String(r.status),
      endReason: String(r.endReason),
      gpuModel: String(r.gpuModel),
      region: String(r.region),
      gpus: String(r.gpus),
      pricePerGpuHour: String(r.pricePerGpuHour),
      duration: String(r.duration),
      buyer: refId(r.buyer) ?? "",
      provider: refId(r.provider) ?? "",
      openedAt: String(r.openedAt),
      paymentToken: refId(r.paymentToken) ?? "",
      startTime: text(r.startTime),
      activationDeadline: String(r.activationDeadline),
      endTime: text(r.endTime),
    }),
    (r) => [String(r.leaseId)],
    q.order ?? "newest",
    opts,
  );
}

/** One page of offers from the subgraph. */
export function pageSubgraphOffers(
  client: SubgraphClient,
  q: OfferPageQuery,
  opts?: RequestOptions,
): Promise<Page<OfferListRow>> {
  const order = q.order ?? "newest";
  return run(
    client,
    subgraphOfferPageRequest(q),
    (r) => ({
      id: String(r.id),
      provider: refId(r.provider) ?? "",
      paymentToken: refId(r.paymentToken) ?? "",
      gpuModel: String(r.gpuModel),
      region: String(r.region),
      gpusPerUnit: String(r.gpusPerUnit),
      totalUnits: String(r.totalUnits),
      unitsInUse: String(r.unitsInUse),
      pricePerGpuHour: String(r.pricePerGpuHour),
      minDuration: String(r.minDuration),
      maxDuration: String(r.maxDuration),
      paused: Boolean(r.paused),
      leaseCount: Number(r.leaseCount),
      attestation: refId(r.attestation),
      createdAt: String(r.createdAt),
    }),
    (r) => (order === "newest" ? [String(r.offerId)] : [String(r.pricePerGpuHour), String(r.id)]),
    order,
    opts,
  );
}

/** One page of providers from the subgraph. */
export function pageSubgraphProviders(
  client: SubgraphClient,
  q: ProviderPageQuery,
  opts?: RequestOptions,
): Promise<Page<ProviderListRow>> {
  const order = q.order ?? "leasesServed";
  const [key] =
    PROVIDER_SORT[
      choice("order", order, Object.keys(PROVIDER_SORT) as (keyof typeof PROVIDER_SORT)[])
    ];
  return run(
    client,
    subgraphProviderPageRequest(q),
    (r) => ({
      id: String(r.id),
      metadataURI: String(r.metadataURI),
      bond: String(r.bond),
      offerCount: Number(r.offerCount),
      leaseCount: Number(r.leaseCount),
      leasesServed: Number(r.leasesServed),
      pendingLeases: Number(r.pendingLeases),
      activeLeases: Number(r.activeLeases),
      gpuSecondsServed: String(r.gpuSecondsServed),
      gpuSecondsDown: String(r.gpuSecondsDown),
      availabilityBps: Number(r.availabilityBps),
      noShows: Number(r.noShows),
      providerTerminations: Number(r.providerTerminations),
      openOutages: Number(r.openOutages),
      firstSeenAt: String(r.firstSeenAt),
      lastSeenAt: String(r.lastSeenAt),
    }),
    (r) => [String(r[key]), String(r.id)],
    order,
    opts,
  );
}

/** One page of buyers from the subgraph. */
export function pageSubgraphAccounts(
  client: SubgraphClient,
  q: AccountPageQuery,
  opts?: RequestOptions,
): Promise<Page<AccountListRow>> {
  const order = q.order ?? "leases";
  const [key] =
    ACCOUNT_SORT[
      choice("order", order, Object.keys(ACCOUNT_SORT) as (keyof typeof ACCOUNT_SORT)[])
    ];
  return run(
    client,
    subgraphAccountPageRequest(q),
    (r) => ({
      id: String(r.id),
      leaseCount: Number(r.leaseCount),
      pendingLeases: Number(r.pendingLeases),
      activeLeases: Number(r.activeLeases),
      gpuSecondsBought: String(r.gpuSecondsBought),
      penaltiesReceived: String(r.penaltiesReceived),
      outageReports: Number(r.outageReports),
      firstSeenAt: String(r.firstSeenAt),
      lastSeenAt: String(r.lastSeenAt),
    }),
    (r) => [String(r[key]), String(r.id)],
    order,
    opts,
  );
}

/**
 * How many leases pass `f`, from the counts the subgraph keeps (never by reading leases): the `LeaseCount` rows
 * for a GPU model, region, stored status (Pending, Active, Ended) and end reason, or a buyer's or provider's own
 * counts for one party with at most a stored status. Other filters (an address prefix, an offer, the statuses
 * judged at a time) have no count there: a RangeError says so.
 */
export async function countSubgraphLeases(
  client: SubgraphClient,
  f: LeaseFilter,
  opts?: RequestOptions,
): Promise<{ total: number; exact: boolean }> {
  const status = f.status === undefined ? undefined : choice("status", f.status, STATUSES);
  const uncounted = [
    f.address !== undefined && "address",
    f.offerId !== undefined && "offer",
    (status === "ActivationOverdue" || status === "Expired") && `status ${status}`,
    f.buyer !== undefined && f.provider !== undefined && "buyer and provider together",
  ].filter(Boolean);
  const party = f.buyer ?? f.provider;
  if (party !== undefined && (f.gpuModel ?? f.region ?? f.endReason) !== undefined)
    uncounted.push("a party with a model, region or end reason");
  if (uncounted.length)
    throw new RangeError(
      `The subgraph keeps no lease count by ${uncounted.join(", ")}: page through the leases instead`,
    );
  if (party !== undefined) {
    const entity = f.buyer !== undefined ? "account" : "provider";
    const id = address(entity === "account" ? "buyer" : "provider", party);
    const d = await client.query<Record<string, Record<string, number> | null>>(
      `query Count($id: ID!) { ${entity}(id: $id) { leaseCount pendingLeases activeLeases } }`,
      { id },
      opts,
    );
    const c = d[entity];
    if (!c) return { total: 0, exact: true };
    const byStatus: Record<string, number> = {
      Pending: c.pendingLeases!,
      Active: c.activeLeases!,
      Ended: c.leaseCount! - c.pendingLeases! - c.activeLeases!,
    };
    return { total: status === undefined ? c.leaseCount! : byStatus[status]!, exact: true };
  }
  const where: Where = {};
  if (f.gpuModel !== undefined) where.gpuModel = f.gpuModel;
  if (f.region !== undefined) where.region = f.region;
  if (f.endReason !== undefined) where.endReason = f.endReason;
  if (status !== undefined) where.status = status;
  // A few rows per model, region and status: page by id all the same, so that no count is ever cut short.
  let total = 0;
  let lastId = "";
  for (;;) {
    const d = await client.query<{ leaseCounts: { id: string; leaseCount: number }[] }>(
      `query Count($where: LeaseCount_filter) {
  leaseCounts(first: 1000, orderBy: id, orderDirection: asc, where: $where) { id leaseCount }
}`,
      { where: { ...where, id_gt: lastId } },
      opts,
    );
    for (const row of d.leaseCounts) total += row.leaseCount;
    if (d.leaseCounts.length < 1000) return { total, exact: true };
    lastId = d.leaseCounts.at(-1)!.id;
  }
}
