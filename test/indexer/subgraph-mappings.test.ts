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

  it("are fed a scenario that emits every handled event of every data source and ends leases for every reason", () => {
    const events = scenarioEvents();
    // The scenario's tokens (TestUSD, GRID) never refuse a payout, so nothing is credited: the credit handlers
    // are fed hand-made logs below.
    for (const source of runtime.dataSources) {
      const seen = new Set(
        events.filter((e) => e.address.toLowerCase() === source.address).map((e) => e.event),
      );
      for (const name of source.handlers.keys())
        if (!name.startsWith("Credit")) expect(seen, `${source.name} ${name}`).toContain(name);
    }
    const reasons = events
      .filter((e) => e.event === "LeaseEnded")
      .map((e) => Number(e.args.reason));
    expect(new Set(reasons)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
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
      ["9", "Ended", "Expired"],
      ["10", "Ended", "OutageUnresolved"],
      ["11", "Ended", "Expired"],
      ["12", "Ended", "Expired"],
      ["13", "Ended", "Unfunded"],
      ["14", "Ended", "BuyerTerminated"],
      ["15", "Active", "None"],
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
    // 3,000 GRID bonded, 500 withdrawn; its offers are in tUSD, so the two 500 tUSD penalties (half the offers'
    // 1,000 minimum: a refusal and an unresolved outage) leave its tUSD bond of 20,000, not the GRID one.
    expect(provider2).toMatchObject({
      bond: (2500n * 10n ** 18n).toString(),
      penaltiesPaid: (1000n * 10n ** 6n).toString(),
      providerTerminations: 1,
      noShows: 0,
    });
    const bonds = Object.values(dump.ProviderBond!).filter((b) => b.provider === provider2.id);
    const usd = bonds.find(
      (b) => b.token !== dump.Market![Object.keys(dump.Market!)[0]!]!.bondToken,
    )!;
    expect(usd).toMatchObject({
      amount: (19_000n * 10n ** 6n).toString(),
      penaltiesPaid: (1000n * 10n ** 6n).toString(),
    });
    // Its one live lease (15, under notice) reserves its penalty from the tUSD bond.
    expect(usd.locked).toBe(dump.Lease!["15"]!.reservedPenalty);
  });

  it("keep one LeaseEvent per lease log, in order", () => {
    const leaseLogs = scenarioEvents().filter(
      (e) =>
        e.address.toLowerCase() === runtime.addressOf("GridleaseMarket") && "leaseId" in e.args,
    );
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
    // Two leases (6, and 15 under notice) are active at the end of the scenario.
    expect(Object.values(dump.GpuModelStat!).reduce((s, r) => s + Number(r.activeLeases), 0)).toBe(
      2,
    );
  });

  it("keep each lease's outage record: raise, resolves, the cooldown's kept deadline, the moved end", () => {
    const lease = dump.Lease!["9"]!;
    const events = Object.values(dump.LeaseEvent!)
      .filter((e) => e.lease === "9")
      .sort((a, b) => Number(a.blockNumber) - Number(b.blockNumber));
    const reported = events.filter((e) => e.type === "OutageReported");
    const resolved = events.filter((e) => e.type === "OutageResolved");
    // Reported (1 server), raised (2), resolved with new access; re-reported within the hour, resolved without.
    expect(reported.map((e) => [e.downUnits, e.reports])).toEqual([
      ["1", 1],
      ["2", 2],
      ["1", 3],
    ]);
    expect(new Set(reported.map((e) => e.repairDeadline)).size).toBe(1);
    expect(resolved.map((e) => e.accessChanged)).toEqual([true, false]);
    expect(lease).toMatchObject({
      outageOpen: false,
      downUnits: "0",
      outageSince: null,
      outageReports: 3,
      accessRotations: 1,
      downUnitSeconds: resolved[1]!.downUnitSeconds,
      repairDeadline: reported[0]!.repairDeadline,
    });
    // The end moved by the downtime, whole seconds of down unit-seconds over the lease's two servers.
    const downtime = resolved.reduce((s, e) => s + BigInt(e.duration!), 0n);
    expect(lease.outageDowntime).toBe(downtime.toString());
    expect(downtime).toBe(BigInt(lease.downUnitSeconds!) / 2n);
    expect(BigInt(lease.endTime!)).toBe(
      BigInt(lease.startTime!) + BigInt(lease.duration!) + downtime,
    );
    // Closed at its end: the unit-second the whole-second extension left over is refunded.
    expect(lease.endReason).toBe("Expired");
    expect(BigInt(lease.refunded!)).toBeGreaterThan(0n);
  });

  it("end an unresolved outage with the penalty, its open downtime counted up to the end", () => {
    const lease = dump.Lease!["10"]!;
    const report = Object.values(dump.LeaseEvent!).find(
      (e) => e.lease === "10" && e.type === "OutageReported",
    )!;
    expect(BigInt(report.repairDeadline!)).toBeLessThan(BigInt(lease.endTime!));
    expect(lease).toMatchObject({ endReason: "OutageUnresolved", outageOpen: false });
    expect(BigInt(lease.downUnitSeconds!)).toBe(BigInt(lease.endTime!) - BigInt(report.timestamp!));
    // In the lease's token (tUSD): half the offer's 1,000 tUSD minimum bond.
    expect(BigInt(lease.penalty!)).toBe(500n * 10n ** 6n);
    const provider = dump.Provider![lease.provider as string]!;
    // Its other report is the self-dealt lease 11's short outage.
    expect(provider).toMatchObject({ outagesUnresolved: 1, openOutages: 0, outageReports: 2 });
  });

  it("count outage reports per buyer and provider, and availability from delivered and down GPU-seconds", () => {
    const buyer = dump.Lease!["9"]!.buyer as string;
    expect(dump.Account![buyer]!.outageReports).toBe(3);
    for (const p of Object.values(dump.Provider!)) {
      const served = BigInt(p.gpuSecondsServed!);
      const down = BigInt(p.gpuSecondsDown!);
      expect(p.availabilityBps).toBe(Number((served * 10_000n) / (served + down)));
      expect(down).toBeGreaterThan(0n);
    }
    // Per GPU model, delivered and down add up to the providers'.
    const sum = (rows: Record<string, unknown>[], f: string) =>
      rows.reduce((s, r) => s + BigInt(r[f] as string), 0n);
    const models = Object.values(dump.GpuModelStat!);
    const providers = Object.values(dump.Provider!);
    expect(sum(models, "gpuSecondsDelivered")).toBe(sum(providers, "gpuSecondsServed"));
    expect(sum(models, "gpuSecondsDown")).toBe(sum(providers, "gpuSecondsDown"));
    expect(models.reduce((s, r) => s + Number(r.outageReports), 0)).toBe(5);
  });

  it("take the penalty rate from PenaltyRateSet and record the sweep and the repair window", () => {
    const market = Object.values(dump.Market!)[0]!;
    expect(market.penaltyBps).toBe("5000");
    expect(Object.values(dump.TokenSweep!)).toHaveLength(1);
    expect(dump.Offer!["1"]!.repairWindow).toBe(String(3 * 3600));
  });

  it("follow a rolling lease: top-ups by a keeper and the provider, a release, a failure, a revoke, an Unfunded end", () => {
    const lease = dump.Lease!["13"]!;
    const byBlock = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      Number(a.blockNumber) - Number(b.blockNumber);
    const topUps = Object.values(dump.TopUp!)
      .filter((t) => t.lease === "13")
      .sort(byBlock);
    const ends = Object.values(dump.ServerEnd!)
      .filter((e) => e.lease === "13")
      .sort(byBlock);
    const offer = dump.Offer![lease.offer as string]!;
    expect(offer).toMatchObject({
      prepaidWindow: "86400",
      commitment: "259200",
      exitFeeBps: "2000",
    });
    // Two executed top-ups of twelve hours (by two different senders), each moving the funded end.
    expect(topUps.map((t) => t.addedDuration)).toEqual(["43200", "43200"]);
    expect(new Set(topUps.map((t) => t.executor)).size).toBe(2);
    expect(BigInt(topUps[1]!.fundedUntil!) - BigInt(topUps[0]!.fundedUntil!)).toBe(43_200n);
    // One server released (charged inside the commitment), one failed (its penalty share paid): two run on.
    expect(ends.map((e) => [e.kind, e.count])).toEqual([
      ["Released", "1"],
      ["Failed", "1"],
    ]);
    expect(BigInt(ends[0]!.exitCharge!)).toBeGreaterThan(0n);
    const exit = Object.values(dump.LeaseEvent!).find(
      (e) => e.lease === "13" && e.type === "ExitCharged",
    )!;
    expect(lease).toMatchObject({
      rolling: true,
      term: String(10 * 86_400),
      units: "2",
      unitsReleased: "1",
      unitsFailed: "1",
      topUpCount: 2,
      topUpRevoked: true,
      topUpRemaining: "0",
      endReason: "Unfunded",
      reservedPenalty: "0",
      penalty: ends[1]!.penalty,
    });
    // The exit charges (the release's and the escrow charged at the Unfunded end) are part of what it earned.
    expect(BigInt(lease.exitCharge!)).toBe(BigInt(ends[0]!.exitCharge!) + BigInt(exit.amount!));
    // Funded one day, topped up twice by twelve hours and by hand by six: billed to its funded end.
    expect(BigInt(lease.duration!)).toBe(54n * 3600n);
  });

  it("charge the exit fee of a buyer's early exit from a committed rolling lease", () => {
    const lease = dump.Lease!["14"]!;
    expect(lease).toMatchObject({ rolling: true, endReason: "BuyerTerminated" });
    expect(BigInt(lease.exitEscrow!)).toBeGreaterThan(0n);
    expect(BigInt(lease.exitCharge!)).toBeGreaterThan(0n);
    expect(BigInt(lease.accrued!)).toBeGreaterThan(BigInt(lease.exitCharge!));
  });

  it("credit failed payouts per account and token, and debit withdrawals (hand-made logs)", async () => {
    const fresh = await SubgraphRuntime.load();
    const events = scenarioEvents();
    fresh.handleAll(events);
    const last = events.findLast(
      (e) => e.address.toLowerCase() === fresh.addressOf("GridleaseMarket"),
    )!;
    const account = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    const token = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    const log = (event: string, amount: bigint, logIndex: number) => ({
      ...last,
      event,
      args: { account, token, amount: amount.toString() },
      logIndex,
    });
    fresh.handle(log("CreditAdded", 700n, 10));
    fresh.handle(log("CreditAdded", 300n, 11));
    fresh.handle(log("CreditWithdrawn", 1000n, 12));
    const credits = fresh.dump().Credit!;
    expect(credits[`${account.toLowerCase()}:${token.toLowerCase()}`]).toMatchObject({
      account: account.toLowerCase(),
      token: token.toLowerCase(),
      credited: "1000",
      withdrawn: "1000",
      balance: "0",
    });
    expect(fresh.logs).toEqual([]);
  });

  it("log an event for an unknown lease instead of failing", async () => {
    const fresh = await SubgraphRuntime.load();
    const activation = scenarioEvents().find((e) => e.event === "LeaseActivated")!;
    fresh.handle(activation);
    expect(fresh.logs).toEqual([{ level: 1, message: "event for unknown lease 1" }]);
    expect(fresh.dump().Lease).toEqual({});
  });
});
