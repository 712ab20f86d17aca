/**
 * The indexer's HTTP API, read-only: GraphQL at /graphql (and /), SQL over HTTP at /sql/* for @ponder/client, and
 * the explorer's paged lists and totals at /explorer/* (./explorer/index.ts).
 * Ponder itself serves /health (the process is up), /ready (historical indexing is complete: 200, else 503),
 * /status (latest indexed block per chain) and /metrics.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, graphql } from "ponder";
import { explorer } from "./explorer/index.ts";

const app = new Hono();

app.route("/explorer", explorer);
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));
app.use("/", graphql({ db, schema }));

export default app;
