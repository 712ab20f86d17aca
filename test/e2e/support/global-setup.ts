/**
 * Starts the stack the end-to-end tests drive, once for every test file, and stops it afterwards (also when a
 * test fails or the run is interrupted): the app's production build (`vite build`, VITE_* pointing at the ports
 * below) served by `vite preview`, a `hardhat node` with a seeded market ending now, the funded dev accounts and
 * Ponder on a fresh PGlite directory, all on spare 127.0.0.1 ports. The tests read the URLs with `e2eStack()`.
 */
import type { TestProject } from "vitest/node";
import { LocalStack } from "../../../scripts/lib/stack.ts";
import { sparePort } from "../../../scripts/lib/services.ts";

export interface E2EStackInfo {
  rpcUrl: string;
  indexerUrl: string;
  appUrl: string;
  market: string;
  grid: string;
  usd: string;
  /** Lease and offer counts of the seeded market. */
  seededLeases: number;
  seededOffers: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    gridleaseStack: E2EStackInfo;
  }
}

export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[e2e] ${line}`);
  let stack: LocalStack | undefined;
  // Other processes take spare ports too; a port taken between the check and the start gets fresh ones.
  for (let attempt = 0; attempt < 3 && !stack; attempt++) {
    const candidate = new LocalStack({
      port: await sparePort(),
      indexerPort: await sparePort(),
      app: { mode: "preview", port: await sparePort() },
      log,
    });
    try {
      await candidate.start();
      stack = candidate;
    } catch (err) {
      await candidate.stop();
      if (!/already in use/.test((err as Error).message) || attempt === 2) throw err;
    }
  }
  const s = stack!;
  const stop = async () => {
    log("Stopping the stack");
    await s.stop();
  };
  // Interrupted (Ctrl-C, CI cancel): stop the children before exiting, whatever vitest does.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  log(
    `Stack ready in ${s.startupSeconds.toFixed(1)} s: app ${s.appUrl}, chain ${s.rpcUrl}, indexer ${s.indexerUrl}`,
  );
  project.provide("gridleaseStack", {
    rpcUrl: s.rpcUrl,
    indexerUrl: s.indexerUrl,
    appUrl: s.appUrl,
    market: s.addresses!.market,
    grid: s.addresses!.grid,
    usd: s.addresses!.usd,
    seededLeases: s.seeded?.leases.count ?? 0,
    seededOffers: s.seeded?.offers.count ?? 0,
  });
  return stop;
}
