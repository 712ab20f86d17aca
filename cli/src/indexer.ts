/**
 * The Gridlease indexer (Ponder's GraphQL API at `<indexer>/graphql`), read with plain fetch. Its failures map to
 * the CLI's exit codes: unreachable -> 4 (like an RPC), no URL configured -> 5, a GraphQL error -> 1.
 */
import { indexerUrlFor, type Settings } from "./config.ts";
import type { Context } from "./context.ts";
import { CliError, errorCode, errorMessage, EXIT } from "./exit.ts";

export interface Indexer {
  url: string;
  /** Runs a GraphQL query; `T` is the shape the query selects (the indexer's JSON is trusted to match it). */
  query<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Timestamp (seconds) of the latest block the indexer has indexed, or undefined when it does not say. */
  indexedTime(): Promise<bigint | undefined>;
}

/**
 * The indexer for these settings: the configured URL, else (on the local chain, asked of the RPC) the one
 * `npm run dev` starts. Checks a configured URL before connecting, so a malformed one fails without the RPC.
 */
export async function openIndexer(
  settings: Settings,
  connect: () => Promise<Context>,
  timeoutMs = 15_000,
): Promise<Indexer> {
  if (settings.indexerUrl) return indexerAt(settings.indexerUrl, timeoutMs);
  const { url } = indexerUrlFor(settings, (await connect()).chain.id);
  if (!url)
    throw new CliError(
      EXIT.CONFIG,
      "This command reads the Gridlease indexer, but none is set for this chain: pass --indexer-url URL or set GRIDLEASE_INDEXER_URL.",
    );
  return indexerAt(url, timeoutMs);
}

function indexerAt(raw: string, timeoutMs: number): Indexer {
  if (!/^https?:\/\//.test(raw))
    throw new CliError(
      EXIT.USAGE,
      `The indexer URL must start with http:// or https://, got ${JSON.stringify(raw)}`,
      "usage",
    );
  const url = raw.replace(/\/+$/, "").replace(/\/graphql$/, "");
  const unreachable = (err: unknown) =>
    new CliError(
      EXIT.UNREACHABLE,
      `The indexer at ${url} cannot be reached (${err instanceof Error && err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : connectionError(err)}). Is it running, and is --indexer-url right?`,
      "network",
    );
  return {
    url,
    async query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw unreachable(err);
      }
      let body: { data?: T; errors?: { message: string }[] };
      try {
        // The indexer's JSON is trusted to have the shape the query selects.
        body = (await res.json()) as typeof body;
      } catch {
        throw new CliError(
          res.status >= 500 ? EXIT.UNREACHABLE : EXIT.INTERNAL,
          `The indexer at ${url} answered HTTP ${res.status} without GraphQL: is this a Gridlease indexer?`,
          "indexer",
        );
      }
      if (body.errors?.length)
        throw new CliError(
          EXIT.INTERNAL,
          `The indexer refused the query: ${body.errors.map((e) => e.message).join("; ")}`,
          "indexer",
        );
      if (!res.ok || !body.data)
        throw new CliError(EXIT.INTERNAL, `The indexer answered HTTP ${res.status}.`, "indexer");
      return body.data;
    },
    async indexedTime() {
      try {
        const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return undefined;
        const status = (await res.json()) as Record<string, { block?: { timestamp?: number } }>;
        const t = Object.values(status)[0]?.block?.timestamp;
        return typeof t === "number" ? BigInt(t) : undefined;
      } catch (err) {
        throw unreachable(err);
      }
    },
  };
}

/** "ECONNREFUSED" and the like, from fetch's nested causes. */
function connectionError(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) {
    const nested = "errors" in cause && Array.isArray(cause.errors) ? cause.errors[0] : undefined;
    return errorCode(cause) ?? errorCode(nested) ?? cause.message;
  }
  return errorMessage(err);
}

/** A Ponder connection page. */
interface Page<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every item of a plural query, following the cursor (at most `max` items). */
export async function fetchAll<T>(
  indexer: Indexer,
  field: string,
  args: string,
  selection: string,
  max = 10_000,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  while (items.length < max) {
    const data: Record<string, Page<T>> = await indexer.query(
      `query ($after: String) { ${field}(${args}${args ? ", " : ""}limit: 1000, after: $after) { items { ${selection} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    const page = data[field];
    if (!page) break;
    items.push(...page.items);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return items;
}
