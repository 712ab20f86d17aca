/**
 * The Gridlease indexer (Ponder's GraphQL API at `<indexer>/graphql`), read with plain fetch. Its failures map to
 * the CLI's exit codes: unreachable -> 4 (like an RPC), no URL configured -> 5, a GraphQL error -> 1.
 */
import type { Settings } from "./config.ts";
import { CliError, EXIT } from "./exit.ts";

export interface Indexer {
  url: string;
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Timestamp (seconds) of the latest block the indexer has indexed, or undefined when it does not say. */
  indexedTime(): Promise<bigint | undefined>;
}

export function indexerFor(settings: Settings, timeoutMs = 15_000): Indexer {
  const raw = settings.indexerUrl;
  if (!raw)
    throw new CliError(
      EXIT.CONFIG,
      "This command reads the Gridlease indexer, but none is set: pass --indexer-url URL or set GRIDLEASE_INDEXER_URL.",
    );
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
      `The indexer at ${url} cannot be reached (${(err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : connectionError(err)}). Is it running, and is --indexer-url right?`,
      "network",
    );
  return {
    url,
    async query(query, variables) {
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
      let body: { data?: any; errors?: { message: string }[] };
      try {
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
  const cause = (
    err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }
  ).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
}
