/**
 * `@gridlease/sdk/indexer`: the typed client of the Gridlease indexer (Ponder GraphQL), its row types and mappers,
 * and the queries the app and the CLI share.
 *
 * ```ts
 * const indexer = createIndexerClient({ url: "http://127.0.0.1:42069" });
 * const open = await listOffers(indexer, { paused: false });
 * const lease = await getIndexedLease(indexer, 7n); // { lease, events } | undefined
 * ```
 */
export * from "./client.ts";
export * from "./rows.ts";
export * from "./reserved.ts";
export * from "./accounts.ts";
export * from "./stats.ts";
export * from "./queries.ts";
export * from "./outages.ts";
export * from "./attestations.ts";
export * from "./explorer.ts";
export * from "./subgraph.ts";
export * from "./eas.ts";
export * from "./reputation.ts";
