/**
 * The explorer's paged read API under /explorer (indexer/README.md, "Reading the index"): lists filtered and
 * sorted on the server, keyset cursors, and totals from the aggregates. A bad parameter answers 400 with a message
 * that names it and what it allows.
 */
import { Hono } from "hono";
import { accountPage } from "./accounts.ts";
import { leasePage, leaseTotal } from "./leases.ts";
import { offerPage } from "./offers.ts";
import { ParamError } from "./params.ts";
import { providerPage } from "./providers.ts";

export const explorer = new Hono();

explorer.get("/leases", async (c) => c.json(await leasePage(c.req.query())));
explorer.get("/leases/total", async (c) => c.json(await leaseTotal(c.req.query())));
explorer.get("/offers", async (c) => c.json(await offerPage(c.req.query())));
explorer.get("/providers", async (c) => c.json(await providerPage(c.req.query())));
explorer.get("/accounts", async (c) => c.json(await accountPage(c.req.query())));

explorer.onError((err, c) => {
  if (err instanceof ParamError) return c.json({ error: err.message }, 400);
  console.error(err);
  return c.json({ error: `the explorer query failed: ${err.message}` }, 500);
});
