/**
 * The subgraph against the chain, in every `npm test` (not only when the fixtures are regenerated): the parity
 * scenario runs on a fresh in-process chain, the compiled WASM indexes its logs, and every entity is checked
 * against the contract's reads and against statistics recomputed from those reads and the raw logs
 * (scripts/indexer/check-chain.ts, check-chain-eas.ts), the daily statistics, volume, attestations and reputation
 * inputs included. The checker is shown to catch a tampered entity of each kind it recomputes.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { checkAgainstChain } from "../../scripts/indexer/check-chain.ts";
import { exportVectors, runScenario } from "../../scripts/indexer/scenario.ts";
import { replayableEntities, scenarioEntities } from "./support/fixtures.ts";
import { SubgraphRuntime, type EntityDump } from "./support/subgraph-runtime.ts";

let connection: NetworkConnection;
let market: Address;
let dump: EntityDump;

beforeAll(async () => {
  connection = await network.create();
  const result = await runScenario(connection, { attestations: true });
  market = result.market;
  const runtime = await SubgraphRuntime.load();
  runtime.handleAll(await exportVectors(await connection.viem.getPublicClient(), market));
  dump = runtime.dump();
});

/** A deep copy of the dump with one field of one row replaced. */
function tampered(entity: string, id: string, field: string, value: string | number): EntityDump {
  const copy: EntityDump = structuredClone(dump);
  const row = copy[entity]?.[id];
  if (!row) throw new Error(`the scenario has no ${entity} ${id}`);
  row[field] = value;
  return copy;
}

const firstId = (
  entity: string,
  where: (row: EntityDump[string][string]) => boolean = () => true,
) => Object.entries(dump[entity] ?? {}).find(([, row]) => where(row))![0];

describe("the subgraph on the scenario's chain", () => {
  it("agrees with the contract's reads and the statistics recomputed from the chain", async () => {
    expect(await checkAgainstChain(connection, market, dump)).toEqual([]);
  });

  it("has daily statistics on more than one day, with volume, refunds, delivered and down GPU-seconds", () => {
    const days = Object.values(dump.GpuModelDayStat!);
    expect(new Set(days.map((d) => d.day)).size).toBeGreaterThan(2);
    for (const field of ["volume", "refunded", "gpuSecondsDelivered", "gpuSecondsDown"])
      expect(
        days.some((d) => BigInt(d[field] as string) > 0n),
        field,
      ).toBe(true);
  });

  it("rebuilds the committed fixtures (the replay differs only in the attestation claim's bytes)", () => {
    expect(replayableEntities(dump)).toEqual(replayableEntities(scenarioEntities()));
  });
});

describe("the chain check", () => {
  const problemsWith = (d: EntityDump) => checkAgainstChain(connection, market, d);

  it("reports a day's volume, active leases or price index that the chain does not give", async () => {
    const id = firstId("GpuModelDayStat", (r) => BigInt(r.volume as string) > 0n);
    const row = dump.GpuModelDayStat![id]!;
    const wrongVolume = await problemsWith(tampered("GpuModelDayStat", id, "volume", "1"));
    expect(wrongVolume).toContain(
      `GpuModelDayStat ${id} volume: indexed 1, from the chain ${row.volume}`,
    );
    const active = Number(row.activeLeases) + 1;
    expect(await problemsWith(tampered("GpuModelDayStat", id, "activeLeases", active))).toEqual([
      `GpuModelDayStat ${id} activeLeases: indexed ${active}, from the chain ${row.activeLeases}`,
    ]);
    const regionId = firstId("RegionStat");
    expect(await problemsWith(tampered("RegionStat", regionId, "avgPricePerGpuHour", "7"))).toEqual(
      [
        `RegionStat ${regionId} avgPricePerGpuHour: indexed 7, from the chain ${dump.RegionStat![regionId]!.avgPricePerGpuHour}`,
      ],
    );
  });

  it("reports delivered, down and released GPU-seconds, refunds and lease counts off by one", async () => {
    for (const [entity, field] of [
      ["RegionDayStat", "gpuSecondsDelivered"],
      ["RegionDayStat", "gpuSecondsDown"],
      ["GpuModelStat", "gpuSecondsReleased"],
      ["GpuModelStat", "refunded"],
      ["RegionDayStat", "leasesEnded"],
      ["GpuModelDayStat", "outageReports"],
    ] as const) {
      const id = firstId(entity, (r) => Number(r[field]) > 0);
      const value = dump[entity]![id]![field]!;
      const off = typeof value === "number" ? value + 1 : String(BigInt(value as string) + 1n);
      expect(await problemsWith(tampered(entity, id, field, off)), `${entity}.${field}`).toContain(
        `${entity} ${id} ${field}: indexed ${off}, from the chain ${value}`,
      );
    }
  });

  it("reports a day row no event made and a missing one", async () => {
    const id = firstId("GpuModelDayStat");
    const extra: EntityDump = structuredClone(dump);
    const [label, token] = id.split(":");
    extra.GpuModelDayStat![`${label}:${token}:1`] = dump.GpuModelDayStat![id]!;
    expect(await problemsWith(extra)).toContain(
      `GpuModelDayStat ${label}:${token}:1: indexed, but no event on the chain moves it`,
    );
    const missing: EntityDump = structuredClone(dump);
    delete missing.RegionDayStat![firstId("RegionDayStat")];
    expect((await problemsWith(missing)).join("\n")).toMatch(/^RegionDayStat .*: missing/m);
  });

  it("reports the per-token, per-provider and per-buyer totals", async () => {
    const token = firstId("PaymentToken", (r) => BigInt(r.volume as string) > 0n);
    const provider = firstId("Provider", (r) => BigInt(r.gpuSecondsServed as string) > 0n);
    const buyer = firstId("Account", (r) => BigInt(r.gpuSecondsBought as string) > 0n);
    for (const [entity, id, field] of [
      ["PaymentToken", token, "volume"],
      ["PaymentToken", token, "refunded"],
      ["Provider", provider, "gpuSecondsServed"],
      ["Provider", provider, "leasesServed"],
      ["Account", buyer, "gpuSecondsBought"],
      ["Account", buyer, "leaseCount"],
    ] as const) {
      const problems = await problemsWith(tampered(entity, id, field, 0));
      expect(problems.join("\n"), `${entity}.${field}`).toContain(
        `${entity} ${id} ${field}: indexed 0, from the chain`,
      );
    }
  });

  it("reports the lease counts by model, region, status and end reason, and each party's live leases", async () => {
    const counted = firstId("LeaseCount", (r) => Number(r.leaseCount) > 0);
    const n = Number(dump.LeaseCount![counted]!.leaseCount);
    expect(await problemsWith(tampered("LeaseCount", counted, "leaseCount", n + 1))).toEqual([
      `LeaseCount ${counted} leaseCount: indexed ${n + 1}, from the chain ${n}`,
    ]);
    const extra: EntityDump = structuredClone(dump);
    extra.LeaseCount!["A100:EU:Active:None"] = { ...dump.LeaseCount![counted]!, leaseCount: 1 };
    expect(await problemsWith(extra)).toEqual([
      "LeaseCount A100:EU:Active:None leaseCount: indexed 1, from the chain 0",
    ]);
    const provider = firstId("Provider", (r) => Number(r.activeLeases) > 0);
    const buyer = firstId("Account", (r) => Number(r.pendingLeases) > 0);
    expect(await problemsWith(tampered("Provider", provider, "activeLeases", 0))).toEqual([
      `Provider ${provider} activeLeases: indexed 0, from the chain 1`,
    ]);
    expect(await problemsWith(tampered("Account", buyer, "pendingLeases", 0))).toEqual([
      `Account ${buyer} pendingLeases: indexed 0, from the chain 1`,
    ]);
  });

  it("reports reputation inputs, audits, reviews, vettings and requirements the chain does not give", async () => {
    const provider = firstId("Provider");
    for (const field of [
      "feesPaidUsdMicros",
      "faultWeight",
      "uptimeWeight",
      "reviewScoreWeight",
      "auditedUntil",
    ]) {
      const want = dump.Provider![provider]![field];
      expect(await problemsWith(tampered("Provider", provider, field, "1")), field).toEqual([
        `provider ${provider} ${field}: indexed 1, on chain ${want}`,
      ]);
    }
    const revoked = firstId("Audit", (r) => r.revokedAt !== null);
    const revokedAt = dump.Audit![revoked]!.revokedAt;
    expect(await problemsWith(tampered("Audit", revoked, "revokedAt", "0"))).toEqual([
      `audit ${revoked} revokedAt: indexed 0, on chain ${revokedAt}`,
    ]);
    const review = firstId("Review", (r) => BigInt(r.feeWeight as string) > 0n);
    expect(await problemsWith(tampered("Review", review, "feeWeight", "0"))).toEqual([
      `review ${review} feeWeight: indexed 0, on chain ${dump.Review![review]!.feeWeight}`,
    ]);
    const vetting = firstId("BuyerVetting");
    expect(await problemsWith(tampered("BuyerVetting", vetting, "expirationTime", "5"))).toEqual([
      `vetting ${vetting} expirationTime: indexed 5, on chain ${dump.BuyerVetting![vetting]!.expirationTime}`,
    ]);
    const requirement = firstId("OfferRequirement");
    const attesters = dump.OfferRequirement![requirement]!.attesters;
    expect(
      await problemsWith(tampered("OfferRequirement", requirement, "attesters", "0x01")),
    ).toEqual([`requirement ${requirement} attesters: indexed 0x01, on chain ${attesters}`]);
    const missing: EntityDump = structuredClone(dump);
    delete missing.Attestation![firstId("Attestation")];
    expect((await problemsWith(missing)).join("\n")).toMatch(/^Attestation ids: indexed /m);
  });
});
