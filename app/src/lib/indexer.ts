/**
 * The app's one client of the Gridlease indexer (Ponder GraphQL at VITE_INDEXER_URL): the SDK's typed client, so
 * paging, timeouts and the `IndexerError` kinds are the same as the CLI's.
 */
import { createIndexerClient, IndexerError } from "@gridlease/sdk";
import { env } from "../config/env.ts";

/** Every indexer read of the app goes through this client. */
export const indexer = createIndexerClient({ url: env.indexerUrl });

/** The indexer gave nothing usable (no answer, or an HTTP error), as opposed to refusing one query. */
export const isIndexerDown = (error: unknown): boolean =>
  error instanceof IndexerError && error.kind !== "query";
