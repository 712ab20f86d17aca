/**
 * A bulk-inserted index served by `ponder serve`, for the benchmarks at a million leases (`npm run bench:app --
 * --leases 1000000 --database postgres`): a fresh PostgreSQL, `ponder start` on the chain until its head is
 * indexed (the template), the copy to N leases (./bulk-insert.ts), then `ponder serve` on `servePort`.
 */
import { startPostgres, type Postgres } from "../lib/postgres.ts";
import { sparePort } from "../../test/indexer/support/ponder.ts";
import { startBenchPonder, waitForHead, type BenchPonder } from "./bench-ponder.ts";
import { bulkInsertLeases, type BulkInsertResult } from "./bulk-insert.ts";

export interface ServedIndex {
  pg: Postgres;
  ponder: BenchPonder;
  postgresVersion: string;
  bulk: BulkInsertResult;
  indexSeconds: number;
  bulkSeconds: number;
  /** Stops `ponder serve` and the database (deleting it). */
  stop: () => Promise<void>;
}

/** Indexes the chain at `rpcUrl` up to `head` on a new PostgreSQL, copies it to `leases` and serves it. */
export async function serveBulkIndex(opts: {
  rpcUrl: string;
  head: number;
  leases: number;
  servePort: number;
  portBase: number;
  log: (line: string) => void;
}): Promise<ServedIndex> {
  const pg = await startPostgres({ port: await sparePort(opts.portBase) });
  let ponder: BenchPonder | undefined;
  try {
    const database = { kind: "postgres" as const, url: pg.url };
    const postgresVersion = (await pg.query("SHOW server_version")).trim();
    let t = performance.now();
    opts.log(`Indexing the template chain on PostgreSQL ${postgresVersion}`);
    ponder = await startBenchPonder({
      command: "start",
      rpcUrl: opts.rpcUrl,
      database,
      port: await sparePort(opts.portBase + 50),
    });
    await waitForHead(ponder, opts.head, 1_800_000);
    await ponder.stop();
    const indexSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    opts.log(`Copying it to ${opts.leases.toLocaleString("en-US")} leases`);
    const bulk = await bulkInsertLeases(pg, opts.leases, { log: opts.log });
    const bulkSeconds = (performance.now() - t) / 1000;
    opts.log(`  ${bulk.leases} leases, ${bulk.leaseEvents} events in ${bulkSeconds.toFixed(0)} s`);
    ponder = await startBenchPonder({
      command: "serve",
      rpcUrl: opts.rpcUrl,
      database,
      port: opts.servePort,
    });
    const served = ponder;
    return {
      pg,
      ponder: served,
      postgresVersion,
      bulk,
      indexSeconds,
      bulkSeconds,
      stop: async () => {
        await served.stop();
        await pg.stop();
      },
    };
  } catch (err) {
    await ponder?.stop();
    await pg.stop();
    throw err;
  }
}
