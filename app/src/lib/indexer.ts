import { env } from "../config/env.ts";

/** The indexer did not answer, or answered with an error: shown as a clear state, never as a blank page. */
export class IndexerError extends Error {
  readonly kind: "unreachable" | "query";
  constructor(kind: "unreachable" | "query", message: string) {
    super(message);
    this.name = "IndexerError";
    this.kind = kind;
  }
}

/** Runs one GraphQL query against Ponder (`/graphql`). */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${env.indexerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
      signal: signal ?? AbortSignal.timeout(15_000),
    });
  } catch (err) {
    if ((err as Error).name === "AbortError" && signal?.aborted) throw err;
    throw new IndexerError(
      "unreachable",
      `The indexer at ${env.indexerUrl} does not answer. Explorer data and track records are unavailable until it is back; on-chain actions still work.`,
    );
  }
  if (!response.ok && response.status !== 400)
    throw new IndexerError(
      "unreachable",
      `The indexer answered HTTP ${response.status}. It may still be starting up.`,
    );
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length)
    throw new IndexerError("query", `The indexer refused the query: ${body.errors[0].message}`);
  return body.data as T;
}

interface Page<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Fetches every row of a list query page by page (Ponder serves at most 1,000 per page). `query` must take
 * `$after: String` and return the connection at `data[field]`. `max` bounds the loop.
 */
export async function gqlAll<T>(
  query: string,
  field: string,
  variables: Record<string, unknown> = {},
  opts: { max?: number; signal?: AbortSignal; onPage?: (rows: T[]) => void } = {},
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  const max = opts.max ?? 100_000;
  for (;;) {
    const data: Record<string, Page<T>> = await gql<Record<string, Page<T>>>(
      query,
      { ...variables, after },
      opts.signal,
    );
    const page: Page<T> = data[field];
    rows.push(...page.items);
    opts.onPage?.(rows);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor || rows.length >= max) return rows;
    after = page.pageInfo.endCursor;
  }
}
