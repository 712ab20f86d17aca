/**
 * A GraphQL client for the Gridlease Ponder API (`<url>/graphql`) on plain `fetch`, so it runs in Node and in the
 * browser. Failures are `IndexerError`s with a `kind` a caller can branch on, and list queries page through
 * Ponder's cursor connections with a bound on the rows fetched.
 */

/** Why the indexer gave no data: no answer at all, an HTTP error without GraphQL, or a refused query. */
export type IndexerErrorKind = "unreachable" | "http" | "query";

/** The indexer did not answer, or answered with an error. `status` is the HTTP status when there was one. */
export class IndexerError extends Error {
  readonly kind: IndexerErrorKind;
  readonly url: string;
  readonly status?: number;
  constructor(
    kind: IndexerErrorKind,
    message: string,
    opts: { url: string; status?: number; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.name = "IndexerError";
    this.kind = kind;
    this.url = opts.url;
    this.status = opts.status;
  }
}

/** How to reach the indexer. */
export interface IndexerClientOptions {
  /** The indexer's base URL (`http://127.0.0.1:42069`); a trailing `/graphql` is accepted. */
  url: string;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /** Milliseconds before a request counts as unreachable (default 15,000). Ignored when a call passes a signal. */
  timeoutMs?: number;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborts the request; an abort by the caller rethrows the abort error, not an `IndexerError`. */
  signal?: AbortSignal;
}

/** Options of a paged list query. */
export interface PageOptions<T> extends RequestOptions {
  /** Stop after this many rows (default 100,000): a bound on runaway paging. */
  max?: number;
  /** Called with every row so far after each page, for progress display. */
  onPage?: (rows: readonly T[]) => void;
}

/** A Ponder cursor connection as GraphQL returns it. */
export interface Connection<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number;
}

/** The latest block the indexer has processed. */
export interface IndexedBlock {
  number: bigint;
  timestamp: bigint;
}

/** The typed client; see `createIndexerClient`. */
export interface IndexerClient {
  /** The base URL, without `/graphql`. */
  readonly url: string;
  /** Runs one GraphQL document and returns its `data`. */
  query<T>(
    document: string,
    variables?: Record<string, unknown>,
    opts?: RequestOptions,
  ): Promise<T>;
  /**
   * Every row of a list query, page by page (Ponder serves at most 1,000 per page). `document` must take
   * `$after: String` and return the connection at `data[field]`.
   */
  queryAll<T>(
    document: string,
    field: string,
    variables?: Record<string, unknown>,
    opts?: PageOptions<T>,
  ): Promise<T[]>;
  /**
   * GETs a JSON route of the indexer (`/explorer/leases`) with `params` as its query string (undefined ones left
   * out). An answer with an `error` (a 400 for a bad parameter) is an `IndexerError` of kind "query" with it.
   */
  getJson<T>(
    path: string,
    params?: Record<string, string | undefined>,
    opts?: RequestOptions,
  ): Promise<T>;
  /** The latest indexed block (Ponder's `/status`), or undefined when the indexer has not indexed any yet. */
  indexedBlock(opts?: RequestOptions): Promise<IndexedBlock | undefined>;
  /** Timestamp of the latest indexed block, or undefined before the first one. */
  indexedTime(opts?: RequestOptions): Promise<bigint | undefined>;
}

/** Ponder serves at most this many rows per page. */
export const MAX_PAGE_SIZE = 1000;

/** Creates a client for the indexer at `url`. Throws a `TypeError` for a URL that is not http(s). */
export function createIndexerClient(options: IndexerClientOptions): IndexerClient {
  if (!/^https?:\/\/[^/]/.test(options.url))
    throw new TypeError(
      `The indexer URL must start with http:// or https://, got ${JSON.stringify(options.url)}`,
    );
  const url = options.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request(path: string, init: RequestInit, signal?: AbortSignal) {
    try {
      return await doFetch(`${url}${path}`, {
        ...init,
        signal: signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // The caller's own abort is not the indexer's fault: let it through as it is.
      if (signal?.aborted) throw err;
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      throw new IndexerError(
        "unreachable",
        `The indexer at ${url} does not answer (${timedOut ? `no answer within ${timeoutMs / 1000} s` : connectionError(err)}).`,
        { url, cause: err },
      );
    }
  }

  async function query<T>(
    document: string,
    variables: Record<string, unknown> = {},
    opts: RequestOptions = {},
  ): Promise<T> {
    const response = await request(
      "/graphql",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: document, variables }),
      },
      opts.signal,
    );
    let body: { data?: T | null; errors?: { message: string }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch (err) {
      throw new IndexerError(
        "http",
        `The indexer at ${url} answered HTTP ${response.status} without GraphQL${response.status >= 500 ? ": it may still be starting up" : ""}.`,
        { url, status: response.status, cause: err },
      );
    }
    if (body.errors?.length)
      throw new IndexerError(
        "query",
        `The indexer refused the query: ${body.errors.map((e) => e.message).join("; ")}`,
        { url, status: response.status },
      );
    if (!response.ok || body.data == null)
      throw new IndexerError("http", `The indexer at ${url} answered HTTP ${response.status}.`, {
        url,
        status: response.status,
      });
    return body.data;
  }

  async function queryAll<T>(
    document: string,
    field: string,
    variables: Record<string, unknown> = {},
    opts: PageOptions<T> = {},
  ): Promise<T[]> {
    const max = opts.max ?? 100_000;
    const rows: T[] = [];
    let after: string | null = null;
    while (rows.length < max) {
      const data: Record<string, Connection<T> | undefined> = await query(
        document,
        { ...variables, after },
        opts,
      );
      const page = data[field];
      if (!page)
        throw new IndexerError("query", `The indexer's answer has no "${field}" list.`, { url });
      rows.push(...page.items.slice(0, max - rows.length));
      opts.onPage?.(rows);
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
    return rows;
  }

  async function getJson<T>(
    path: string,
    params: Record<string, string | undefined> = {},
    opts: RequestOptions = {},
  ): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
    const query = search.toString() ? `?${search}` : "";
    const response = await request(`${path}${query}`, { method: "GET" }, opts.signal);
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      throw new IndexerError(
        "http",
        `The indexer's ${path} answered HTTP ${response.status} without JSON${response.status === 404 ? ": it may be an older version without this route" : ""}.`,
        { url, status: response.status, cause: err },
      );
    }
    const error =
      body && typeof body === "object" && "error" in body && typeof body.error === "string"
        ? body.error
        : undefined;
    if (error !== undefined)
      throw new IndexerError("query", `The indexer refused the request: ${error}`, {
        url,
        status: response.status,
      });
    if (!response.ok)
      throw new IndexerError("http", `The indexer's ${path} answered HTTP ${response.status}.`, {
        url,
        status: response.status,
      });
    return body as T;
  }

  async function indexedBlock(opts: RequestOptions = {}): Promise<IndexedBlock | undefined> {
    const response = await request("/status", { method: "GET" }, opts.signal);
    if (!response.ok)
      throw new IndexerError("http", `The indexer's /status answered HTTP ${response.status}.`, {
        url,
        status: response.status,
      });
    // One entry per indexed chain: { [chainName]: { id, block: { number, timestamp } | null } }.
    const status = (await response.json()) as Record<
      string,
      { block?: { number?: number; timestamp?: number } | null } | undefined
    >;
    const block = Object.values(status)[0]?.block;
    if (typeof block?.number !== "number" || typeof block.timestamp !== "number") return undefined;
    return { number: BigInt(block.number), timestamp: BigInt(block.timestamp) };
  }

  return {
    url,
    query,
    queryAll,
    getJson,
    indexedBlock,
    indexedTime: async (opts) => (await indexedBlock(opts))?.timestamp,
  };
}

/** "ECONNREFUSED" and the like, from fetch's nested causes. */
function connectionError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause && typeof cause === "object") {
    const c = cause as { code?: unknown; message?: unknown; errors?: { code?: unknown }[] };
    for (const v of [c.code, c.errors?.[0]?.code, c.message])
      if (typeof v === "string" && v) return v;
  }
  return err.message;
}
