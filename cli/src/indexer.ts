/**
 * Which Gridlease indexer a command reads: the configured URL, else on the local chain the one `npm run dev`
 * starts. The client itself is the SDK's (`@gridlease/sdk/indexer`); its `IndexerError`s become exit codes in
 * `toCliError` (context.ts): unreachable -> 4 (like an RPC), no URL for the chain -> 5, a refused query -> 1.
 */
import { createIndexerClient, type IndexerClient } from "@gridlease/sdk/indexer";
import { indexerUrlFor, type Settings } from "./config.ts";
import type { Context } from "./context.ts";
import { CliError, errorMessage, EXIT, usage } from "./exit.ts";

/** What the indexer commands' help says they need. */
export const NEEDS_INDEXER =
  "Needs the indexer (--indexer-url; on the local chain 31337 the one `npm run dev` starts) and the RPC (for token symbols).";

/**
 * The indexer for these settings. A configured URL is checked before connecting, so a malformed one fails
 * without the RPC; without one, the RPC is asked for its chain to pick the default.
 */
export async function openIndexer(
  settings: Settings,
  connect: () => Promise<Context>,
  timeoutMs = 15_000,
): Promise<IndexerClient> {
  const url = settings.indexerUrl ?? indexerUrlFor(settings, (await connect()).chain.id).url;
  if (!url)
    throw new CliError(
      EXIT.CONFIG,
      "This command reads the Gridlease indexer, but none is set for this chain: pass --indexer-url URL or set GRIDLEASE_INDEXER_URL.",
    );
  try {
    return createIndexerClient({ url, timeoutMs });
  } catch (err) {
    throw usage(errorMessage(err));
  }
}
