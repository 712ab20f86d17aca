/**
 * The subgraph's AssemblyScript mappings, compiled by `graph build` and executed in Node by a stand-in for
 * graph-node (support/subgraph-runtime.ts): the committed scenario vectors must produce exactly the committed
 * entities, and the entities must say what the scenario did.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { scenarioEntities, scenarioEvents } from "./support/fixtures.ts";
import { SUBGRAPH_DIR, SubgraphRuntime, type EntityDump } from "./support/subgraph-runtime.ts";

let output: string;
let dump: EntityDump;
let runtime: SubgraphRuntime;

// The global setup (support/build-subgraph.ts) ran `graph codegen` and `graph build` before this file.
beforeAll(() => {
  output = readFileSync(join(SUBGRAPH_DIR, "build", "build.log"), "utf8");
});

describe("graph codegen and graph build", () => {
  it("compile the mappings into one WASM data source", () => {
    expect(output).toContain("Build completed");
  });

  it("render the manifest from networks.json with the market's address and start block", () => {
    const networks = JSON.parse(readFileSync(join(SUBGRAPH_DIR, "networks.json"), "utf8"));
    const [network, contracts] = Object.entries(networks)[0] as [
      string,
      { GridleaseMarket: { address: string; startBlock: number } },
    ];
    const manifest = readFileSync(join(SUBGRAPH_DIR, "subgraph.yaml"), "utf8");
    expect(manifest).toContain(`network: "${network}"`);
    expect(manifest).toContain(`address: "${contracts.GridleaseMarket.address}"`);
    expect(manifest).toContain(`startBlock: ${contracts.GridleaseMarket.startBlock}`);
  });
});

describe("the mappings", () => {
  beforeAll(async () => {
    runtime = await SubgraphRuntime.load();
    runtime.handleAll(scenarioEvents());
    dump = runtime.dump();
  });

  it("handle every market event but the ownership ones", () => {
    const marketEvents = gridleaseMarketAbi
      .filter((e) => e.type === "event")
      .map((e) => e.name)
      .filter((n) => !n.startsWith("Ownership"));
    expect(runtime.handledEvents().sort()).toEqual([...new Set(marketEvents)].sort());
  });

  it("are fed a scenario that emits every handled event and ends leases for every reason", () => {
    const events = scenarioEvents();
    const seen = new Set(events.map((e) => e.event));
    for (const name of runtime.handledEvents()) expect(seen, name).toContain(name);
    const reasons = events
      .filter((e) => e.event === "LeaseEnded")
      .map((e) => Number(e.args.reason));
    expect(new Set(reasons)).toEqual(new Set([1, 2, 3, 4]));
  });

  it("rebuild exactly the committed entities from the committed vectors", () => {
    expect(dump).toEqual(scenarioEntities());
    expect(runtime.logs).toEqual([]);
  });

  it("record each lease's end reason and settlement breakdown", () => {
    const leases = dump.Lease!;
    expect(Object.values(leases).map((l) => [l.id, l.status, l.endReason])).toEqual([
      ["1", "Ended", "Expired"],
      ["2", "Ended", "BuyerTerminated"],
      ["3", "Ended", "ProviderTerminated"],
      ["4", "Ended", "NoShowCancelled"],
      ["5", "Ended", "ProviderTerminated"],
      ["6", "Active", "None"],
      ["7", "Pending", "None"],
      ["8", "Ended", "Expired"],
    ]);
    for (const l of Object.values(leases).filter((l) => l.status === "Ended")) {
      // The deposit splits exactly into what the provider earned and what went back to the buyer.
      expect(BigInt(l.accrued!) + BigInt(l.refunded!), `lease ${l.id}`).toBe(BigInt(l.deposit!));
    }
    for (const l of Object.values(leases)) {
      expect(BigInt(l.paidToProvider!) + BigInt(l.fee!), `lease ${l.id}`).toBe(
        BigInt(l.claimedGross!),
      );
    }
    // A no-show is refunded in full and never started.
    expect(leases["4"]).toMatchObject({
      accrued: "0",
      startTime: null,
      refunded: leases["4"]!.deposit,
    });
    expect(BigInt(leases["4"]!.penalty!)).toBeGreaterThan(0n);
  });

  it("reduce the provider's bond by the penalties it paid", () => {
    const provider2 = Object.values(dump.Provider!).find(
      (p) => p.metadataURI === "ipfs://provider/fremont-1",
    )!;
    // 3,000 GRID bonded, a 500 GRID penalty (half the offer's 1,000 minimum), 500 withdrawn.
    expect(provider2).toMatchObject({
      bond: (2000n * 10n ** 18n).toString(),
      penaltiesPaid: (500n * 10n ** 18n).toString(),
      providerTerminations: 1,
      noShows: 0,
    });
  });

  it("keep one LeaseEvent per lease log, in order", () => {
    const leaseLogs = scenarioEvents().filter((e) => "leaseId" in e.args);
    const rows = Object.values(dump.LeaseEvent!);
    expect(rows).toHaveLength(leaseLogs.length);
    const types = Object.fromEntries(rows.map((r) => [r.id, r.type]));
    for (const log of leaseLogs) {
      expect(types[`${log.txHash}-${log.logIndex}`]).toBe(
        log.event === "EarningsClaimed" ? "EarningsClaimed" : log.event.replace(/^Lease/, ""),
      );
    }
  });

  it("net the statistics: leased minus released GPU-seconds equals what buyers kept", () => {
    const leased = Object.values(dump.GpuModelStat!).reduce(
      (s, r) => s + BigInt(r.gpuSecondsLeased!),
      0n,
    );
    const released = Object.values(dump.GpuModelStat!).reduce(
      (s, r) => s + BigInt(r.gpuSecondsReleased!),
      0n,
    );
    const bought = Object.values(dump.Account!).reduce(
      (s, r) => s + BigInt(r.gpuSecondsBought!),
      0n,
    );
    expect(leased - released).toBe(bought);
    const byDay = Object.values(dump.GpuModelDayStat!).reduce(
      (s, r) => s + BigInt(r.gpuSecondsLeased!),
      0n,
    );
    expect(byDay).toBe(leased);
    // One lease (6) is active at the end of the scenario.
    expect(Object.values(dump.GpuModelStat!).reduce((s, r) => s + Number(r.activeLeases), 0)).toBe(
      1,
    );
  });

  it("log an event for an unknown lease instead of failing", async () => {
    const fresh = await SubgraphRuntime.load();
    const activation = scenarioEvents().find((e) => e.event === "LeaseActivated")!;
    fresh.handle(activation);
    expect(fresh.logs).toEqual([{ level: 1, message: "event for unknown lease 1" }]);
    expect(fresh.dump().Lease).toEqual({});
  });
});
