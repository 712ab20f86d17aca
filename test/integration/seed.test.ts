/**
 * The seed (scripts/lib/seed/index.ts) on Hardhat's in-process chain. Everything is asserted from the chain (event
 * logs and reads), not from the seed's own summary: the market it builds is big, realistic, covers every
 * lifecycle state and end reason (outages repaired in time and one never repaired), keeps the token conservation
 * invariant, and is the same for the same seed. One offer publishes an attestation claim made with the SDK's test
 * PKI, which must not verify on NVIDIA's root. On EAS: audits by the published and by an unlisted auditor (one
 * revoked, one expired), reviews only by the leases' buyers, a vetted-buyer offer with a vetted buyer who leases and
 * a refused one, and a self-dealing provider whose padding moves its score by almost nothing.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, describe, expect, it } from "vitest";
import {
  getAddress,
  keccak256,
  parseEventLogs,
  toBytes,
  zeroAddress,
  type Address,
  type Log,
} from "viem";
import {
  allowlistPolicyAbi,
  attestationPolicyAbi,
  easAbi,
  gridleaseAuditResolverAbi,
  gridleaseMarketAbi,
  gridleaseReviewResolverAbi,
  gridleaseTokenAbi,
  gridleaseVettingResolverAbi,
  schemaRegistryAbi,
  testUSDAbi,
} from "@gridlease/sdk/abis";
import { easDeployment, publishedAuditors } from "@gridlease/sdk/eas";
import { providerReputation } from "@gridlease/sdk/reputation";
import { deployments } from "@gridlease/sdk/deployments";
import { decodeGpuModel, decodeRegion, GPU_MODELS } from "@gridlease/sdk/labels";
import GridleaseLocal from "../../ignition/modules/GridleaseLocal.ts";
import {
  formatSummary,
  seedMarket,
  type SeedAddresses,
  type SeedSummary,
} from "../../scripts/lib/seed/index.ts";
import { verifyOfferClaim } from "@gridlease/sdk/attestation";
import { EndReason } from "@gridlease/sdk/status";
import { LeaseStatus } from "./support/market.ts";
import { hardhatAccount } from "../../scripts/lib/dev-accounts.ts";
import {
  foldReputation,
  reputationEvents,
  type ReputationSources,
} from "../../scripts/lib/seed/reputation.ts";

const DAY = 86_400n;
const HOUR = 3_600n;
const SEED = "integration";
/** Both runs of a seed start at the same time, so their logs can be compared as they are. */
const START = (BigInt(Math.floor(Date.now() / 1000)) / DAY + 2n) * DAY;

const abi = [
  ...gridleaseMarketAbi,
  ...gridleaseTokenAbi,
  ...testUSDAbi,
  ...allowlistPolicyAbi,
  ...easAbi,
  ...schemaRegistryAbi,
  ...gridleaseAuditResolverAbi,
  ...gridleaseReviewResolverAbi,
  ...gridleaseVettingResolverAbi,
  ...attestationPolicyAbi,
];
const generated = deployments["31337"].contracts;
const eas = easDeployment(31337);
const account = (index: number) => getAddress(hardhatAccount(index).address);

type Connection = NetworkConnection;

interface ChainEvent {
  blockNumber: bigint;
  logIndex: number;
  /** Block time, for blocks the seed mined (deployment blocks carry the wall-clock time). */
  timestamp: bigint | null;
  address: Address;
  eventName: string;
  args: Record<string, any>;
}

/** Every log of the chain, decoded against the generated ABIs, with its block time. */
async function chainEvents(connection: Connection): Promise<ChainEvent[]> {
  const client = await connection.viem.getPublicClient();
  const logs = (await client.getLogs({ fromBlock: 0n, toBlock: "latest" })) as Log[];
  const decoded = parseEventLogs({ abi, logs, strict: true });
  expect(decoded.length, "every log decodes against the generated ABIs").toBe(logs.length);
  const blockNumbers = [...new Set(decoded.map((e) => e.blockNumber))];
  const times = new Map(
    await Promise.all(
      blockNumbers.map(
        async (n) => [n, (await client.getBlock({ blockNumber: n })).timestamp] as const,
      ),
    ),
  );
  return decoded.map((e) => {
    const t = times.get(e.blockNumber)!;
    return {
      blockNumber: e.blockNumber,
      logIndex: e.logIndex,
      timestamp: t >= START ? t : null,
      address: getAddress(e.address),
      eventName: e.eventName,
      args: e.args as Record<string, any>,
    };
  });
}

/**
 * Events without the attestation claim's bytes, which differ with each run: a fresh test GPU signs the report, and
 * its nonce is bound to a block hash (deployment blocks carry the wall-clock time).
 */
const withoutClaimBytes = (list: ChainEvent[]): ChainEvent[] =>
  list.map((e) =>
    e.eventName === "OfferAttestationPublished"
      ? { ...e, args: { ...e.args, nonce: "", reportHash: "", report: "", certChain: "" } }
      : e,
  );

/** Events with EAS UIDs blanked (a UID hashes the attestation's time). */
const withoutUids = (list: ChainEvent[]): ChainEvent[] =>
  list.map((e) => ("uid" in e.args ? { ...e, args: { ...e.args, uid: "" } } : e));

const addressesOf = (result: Record<string, { address: string }>): SeedAddresses => ({
  market: getAddress(result.market.address),
  grid: getAddress(result.grid.address),
  usd: getAddress(result.usd.address),
  policy: getAddress(result.policy.address),
});

describe("seed", () => {
  let connection: Connection;
  let addresses: SeedAddresses;
  let events: ChainEvent[];
  let now: bigint;
  let summary: SeedSummary;
  const market = (name: string) =>
    events.filter((e) => e.address === addresses.market && e.eventName === name);
  const read = async (functionName: string, args: unknown[] = []): Promise<any> =>
    (await connection.viem.getPublicClient()).readContract({
      address: addresses.market,
      abi: gridleaseMarketAbi,
      functionName: functionName as never,
      args: args as never,
    });

  beforeAll(async () => {
    // The seed deploys GridleaseLocal itself on a fresh chain, at the generated addresses.
    connection = await network.create();
    summary = await seedMarket(connection, { seed: SEED, startTime: START });
    addresses = summary.addresses;
    expect(addresses.market).toBe(getAddress(generated.GridleaseMarket.address));
    events = await chainEvents(connection);
    now = (await (await connection.viem.getPublicClient()).getBlock()).timestamp;
  });

  it("registers at least 12 bonded providers with name and site metadata, across at least 6 regions", async () => {
    const registered = market("ProviderRegistered");
    const providers = new Set(registered.map((e) => getAddress(e.args.provider)));
    expect(providers.size).toBeGreaterThanOrEqual(12);
    for (const e of registered) {
      expect(e.args.metadataURI).toMatch(/^data:application\/json,/);
      const meta = JSON.parse(
        decodeURIComponent(e.args.metadataURI.slice("data:application/json,".length)),
      );
      expect(meta.name).toEqual(expect.any(String));
      expect(meta.sites[0]).toMatchObject({
        region: expect.any(String),
        location: expect.any(String),
      });
    }
    const bonded = new Set(market("BondDeposited").map((e) => getAddress(e.args.provider)));
    expect(bonded).toEqual(providers);
    for (const p of providers) {
      const record = await read("getProvider", [p]);
      expect(record.registered).toBe(true);
      // Bonded in every token its offers sell in (a lease's penalty is paid from the bond in its token).
      const tokens = new Set(
        market("OfferCreated")
          .filter((e) => getAddress(e.args.provider) === p)
          .map((e) => getAddress(e.args.paymentToken)),
      );
      for (const token of tokens)
        expect((await read("bondOf", [p, token])).amount, `${p} bond in ${token}`).toBeGreaterThan(
          0n,
        );
    }
    const regions = new Set(market("OfferCreated").map((e) => decodeRegion(e.args.terms.region)));
    expect(regions.size).toBeGreaterThanOrEqual(6);
    const providerRegions = new Set(
      market("OfferCreated").map((e) => `${e.args.provider}:${decodeRegion(e.args.terms.region)}`),
    );
    expect(new Set([...providerRegions].map((k) => k.split(":")[0]))).toEqual(providers);
  });

  it("lists at least 40 offers over all seven GPU models, in both tokens, on demand and reserved, at realistic prices", () => {
    const offers = market("OfferCreated").map((e): Record<string, any> => ({
      id: e.args.offerId as bigint,
      provider: getAddress(e.args.provider),
      ...(e.args.terms as Record<string, any>),
      gpu: decodeGpuModel(e.args.terms.gpuModel),
    }));
    expect(offers.length).toBeGreaterThanOrEqual(40);
    expect(new Set(offers.map((o) => o.gpu))).toEqual(new Set(Object.keys(GPU_MODELS)));
    expect(new Set(offers.map((o) => getAddress(o.paymentToken)))).toEqual(
      new Set([addresses.usd, addresses.grid]),
    );

    const reserved = offers.filter((o) => o.minDuration >= 30n * DAY);
    const onDemand = offers.filter((o) => o.minDuration <= 4n * HOUR && o.maxDuration <= 30n * DAY);
    expect(reserved.length).toBeGreaterThan(0);
    expect(onDemand.length).toBeGreaterThan(0);
    expect(reserved.length + onDemand.length).toBe(offers.length);
    for (const o of reserved) expect(o.maxDuration).toBeLessThanOrEqual(1096n * DAY);
    // Reserved is cheaper than the same provider's on-demand price for the same GPU.
    let compared = 0;
    for (const r of reserved) {
      const od = onDemand.find(
        (o) => o.provider === r.provider && o.gpu === r.gpu && o.paymentToken === r.paymentToken,
      );
      if (od) {
        expect(r.pricePerGpuHour).toBeLessThan(od.pricePerGpuHour);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);

    // DESIGN.md's prices per GPU-hour, for on-demand offers in TestUSD.
    const range: Record<string, [number, number]> = {
      "A100-80GB": [1.0, 1.4],
      "H100-SXM-80GB": [1.8, 2.5],
      "H200-141GB": [3.0, 3.6],
      "B200-192GB": [4.5, 6.0],
      "B300-288GB": [6.0, 8.0],
      "L40S-48GB": [0.7, 0.9],
      "RTX4090-24GB": [0.3, 0.45],
    };
    // The self-dealer's private offer (1 base unit per GPU-hour) is priced to pad a record, not to sell.
    const selfDealt = summary.trust!.selfDealer.offerId;
    for (const o of onDemand.filter(
      (o) => getAddress(o.paymentToken) === addresses.usd && o.id !== selfDealt,
    )) {
      const usd = Number(o.pricePerGpuHour) / 1e6;
      expect(usd, `${o.gpu} offer ${o.id}`).toBeGreaterThanOrEqual(range[o.gpu][0]);
      expect(usd, `${o.gpu} offer ${o.id}`).toBeLessThanOrEqual(range[o.gpu][1]);
    }

    for (const o of offers) {
      // 8 GPUs per HGX server; fewer in L40S and RTX 4090 boxes.
      const hgx = !["L40S-48GB", "RTX4090-24GB"].includes(o.gpu);
      if (hgx) expect(o.gpusPerUnit).toBe(8n);
      else expect(o.gpusPerUnit).toBeLessThan(8n);
      // Clusters of 300-400 servers; the datacenter deal lists a whole campus.
      if (o.id !== summary.deals!.datacenter.offerId)
        expect(o.totalUnits).toBeLessThanOrEqual(400n);
      // The spec is a data: URI whose JSON hashes to specHash and lists CPU, RAM, NVMe and interconnect.
      expect(o.specURI).toMatch(/^data:application\/json,/);
      const json = decodeURIComponent(o.specURI.slice("data:application/json,".length));
      expect(keccak256(toBytes(json))).toBe(o.specHash);
      const spec = JSON.parse(json);
      expect(spec.gpu).toMatchObject({ model: o.gpu, count: Number(o.gpusPerUnit) });
      expect(spec.server.cpu.cores).toBeGreaterThan(0);
      expect(spec.server.ramGB).toBeGreaterThan(0);
      expect(spec.server.nvme.totalTB).toBeGreaterThan(0);
      expect(spec.interconnect.fabric).toEqual(expect.any(String));
      expect(spec.site.region).toBe(decodeRegion(o.region));
    }
  });

  it("opens at least 150 leases from many buyers over at least 14 days", () => {
    const opened = market("LeaseOpened");
    expect(opened.length).toBeGreaterThanOrEqual(150);
    expect(new Set(opened.map((e) => e.args.buyer)).size).toBeGreaterThanOrEqual(20);
    const times = opened.map((e) => e.timestamp!);
    const span = times.reduce((a, b) => (b > a ? b : a)) - times.reduce((a, b) => (b < a ? b : a));
    expect(span).toBeGreaterThanOrEqual(14n * DAY);
    const seeded = events.filter((e) => e.timestamp !== null).map((e) => e.timestamp!);
    expect(seeded[seeded.length - 1] - seeded[0]).toBeGreaterThanOrEqual(14n * DAY);
  });

  it("leaves leases in every status and ended for every reason", async () => {
    const count: bigint = await read("leaseCount");
    const views = await Promise.all(
      Array.from({ length: Number(count) }, (_, i) => read("getLease", [BigInt(i + 1)])),
    );
    const statuses = views.map((v) => v.status as number);
    const pendingInWindow = views.filter(
      (v) => v.status === LeaseStatus.Pending && v.activationDeadline >= now,
    );
    const pendingPastWindow = views.filter(
      (v) => v.status === LeaseStatus.Pending && v.activationDeadline < now,
    );
    expect(pendingInWindow.length).toBeGreaterThan(0);
    expect(pendingPastWindow.length).toBeGreaterThan(0);
    expect(statuses).toContain(LeaseStatus.Active);
    expect(statuses).toContain(LeaseStatus.Expired);
    expect(statuses).toContain(LeaseStatus.Ended);

    const reasons = new Set(market("LeaseEnded").map((e) => Number(e.args.reason)));
    expect(reasons).toEqual(
      new Set([
        EndReason.Expired,
        EndReason.BuyerTerminated,
        EndReason.ProviderTerminated,
        EndReason.NoShowCancelled,
        EndReason.OutageUnresolved,
      ]),
    );
    // The provider both refused a pending lease and cut an active one short.
    const activated = new Set(market("LeaseActivated").map((e) => e.args.leaseId));
    const providerEnded = market("LeaseEnded").filter(
      (e) => Number(e.args.reason) === EndReason.ProviderTerminated,
    );
    expect(providerEnded.some((e) => activated.has(e.args.leaseId))).toBe(true);
    expect(providerEnded.some((e) => !activated.has(e.args.leaseId))).toBe(true);
    expect(providerEnded.every((e) => e.args.penalty > 0n)).toBe(true);
  });

  it("has outages: some repaired in time (billing paused, the end moved later), one unrepaired and ended by its buyer", async () => {
    const reported = market("OutageReported");
    const resolved = market("OutageResolved");
    expect(reported.every((e) => BigInt(e.args.evidenceHash) !== 0n)).toBe(true);
    // A raise: a second report on a lease while its outage is open, with more servers down.
    const raised = reported.filter((e, i) =>
      reported.slice(0, i).some((r) => r.args.leaseId === e.args.leaseId),
    );
    expect(raised.length).toBeGreaterThan(0);
    expect(new Set(resolved.map((e) => e.args.leaseId)).size).toBeGreaterThanOrEqual(2);
    for (const e of resolved) {
      const id = e.args.leaseId as bigint;
      const opened = market("LeaseOpened").find((o) => o.args.leaseId === id)!;
      const activated = market("LeaseActivated").find((a) => a.args.leaseId === id)!;
      const report = reported.filter((r) => r.args.leaseId === id && r.blockNumber < e.blockNumber);
      // Resolved before the deadline fixed by its report; the lease's end moved later by the downtime.
      expect(e.timestamp!).toBeLessThanOrEqual(report.at(-1)!.args.repairDeadline);
      expect(e.args.downtime).toBeGreaterThan(0n);
      expect(e.args.end).toBeGreaterThan(activated.timestamp! + opened.args.duration);
      const outage = await read("getOutage", [id]);
      expect(BigInt(outage.extension)).toBeGreaterThan(0n);
      expect(BigInt(outage.downUnitSeconds)).toBeGreaterThan(0n);
    }

    const unresolved = market("LeaseEnded").filter(
      (e) => Number(e.args.reason) === EndReason.OutageUnresolved,
    );
    expect(unresolved).toHaveLength(1);
    const [ended] = unresolved;
    const id = ended.args.leaseId as bigint;
    const lastReport = reported.filter((r) => r.args.leaseId === id).at(-1)!;
    expect(resolved.some((r) => r.args.leaseId === id)).toBe(false);
    expect(ended.timestamp!).toBeGreaterThan(lastReport.args.repairDeadline);
    expect(ended.args.refund).toBeGreaterThan(0n);
    expect(ended.args.penalty).toBeGreaterThan(0n);
    const buyer = market("LeaseOpened").find((o) => o.args.leaseId === id)!.args.buyer;
    const endTx = events.filter(
      (e) => e.blockNumber === ended.blockNumber && e.eventName === "Transfer",
    );
    // Refund and penalty went to the buyer (nothing credited).
    expect(endTx.some((t) => getAddress(t.args.to) === getAddress(buyer))).toBe(true);
    expect(market("CreditAdded")).toHaveLength(0);
    expect((await read("getLease", [id])).status).toBe(LeaseStatus.Ended);
  });

  it("extends, rotates access, claims partially and fully, and withdraws fees", async () => {
    const extended = market("LeaseExtended");
    expect(extended.length).toBeGreaterThan(0);
    // One extension while the lease was still pending, and one paid by someone other than the buyer.
    const activatedAt = new Map(
      market("LeaseActivated").map((e) => [e.args.leaseId, e.blockNumber]),
    );
    expect(
      extended.some(
        (e) => !activatedAt.has(e.args.leaseId) || activatedAt.get(e.args.leaseId)! > e.blockNumber,
      ),
    ).toBe(true);
    const buyerOf = new Map(market("LeaseOpened").map((e) => [e.args.leaseId, e.args.buyer]));
    expect(extended.some((e) => e.args.payer !== buyerOf.get(e.args.leaseId))).toBe(true);
    expect(market("LeaseAccessRotated").length).toBeGreaterThan(0);

    const claims = market("EarningsClaimed");
    const claimed = new Map<bigint, bigint>();
    for (const c of claims)
      claimed.set(c.args.leaseId, (claimed.get(c.args.leaseId) ?? 0n) + c.args.gross);
    // Full: a lease that ended and whose whole accrual was claimed.
    expect(
      market("LeaseEnded").some(
        (e) => e.args.accrued > 0n && claimed.get(e.args.leaseId) === e.args.accrued,
      ),
    ).toBe(true);
    // Partial: a claim made before the lease's end.
    const partial = [];
    for (const c of claims.slice(0, 60)) {
      const v = await read("getLease", [c.args.leaseId]);
      if (c.timestamp! < v.end) partial.push(c);
    }
    expect(partial.length).toBeGreaterThan(0);

    const withdrawn = market("FeesWithdrawn");
    expect(new Set(withdrawn.map((e) => getAddress(e.args.token)))).toEqual(
      new Set([addresses.usd, addresses.grid]),
    );
  });

  it("changes prices (leases before and after keep their own), units and pause state", async () => {
    const opened = market("LeaseOpened");
    const changes = market("OfferPriceChanged");
    expect(changes.length).toBeGreaterThan(0);
    // LeaseOpened no longer carries the price: each lease's locked price is read back.
    const priceOf = new Map<bigint, bigint>();
    for (const o of opened.filter((o) => changes.some((c) => c.args.offerId === o.args.offerId)))
      priceOf.set(o.args.leaseId, (await read("getLease", [o.args.leaseId])).pricePerGpuHour);
    const bothSides = changes.filter((c) => {
      const onOffer = opened.filter((o) => o.args.offerId === c.args.offerId);
      const before = onOffer.filter((o) => o.blockNumber < c.blockNumber);
      const after = onOffer.filter((o) => o.blockNumber > c.blockNumber);
      return (
        before.some((o) => priceOf.get(o.args.leaseId) === c.args.oldPrice) &&
        after.some((o) => priceOf.get(o.args.leaseId) === c.args.newPrice)
      );
    });
    expect(bothSides.length).toBeGreaterThan(0);

    expect(market("OfferUnitsChanged").length).toBeGreaterThan(0);
    const pauses = market("OfferPausedSet");
    expect(pauses.some((e) => e.args.paused === false)).toBe(true);
    const pausedNow = pauses.filter((e) => e.args.paused).map((e) => e.args.offerId as bigint);
    const states = await Promise.all(pausedNow.map((id) => read("getOffer", [id])));
    expect(states.some((o) => o.paused)).toBe(true);
  });

  it("has a provider that serves only its allowlisted buyers", () => {
    // The self-dealer's private offer is allowlist-only too: its second address leases it (tested below).
    const selfDealt = summary.trust!.selfDealer.offerId;
    const policyOffers = market("OfferCreated").filter(
      (e) =>
        getAddress(e.args.terms.buyerPolicy) === addresses.policy && e.args.offerId !== selfDealt,
    );
    expect(policyOffers.length).toBeGreaterThan(0);
    const providers = new Set(policyOffers.map((e) => getAddress(e.args.provider)));
    expect(providers.size).toBe(1);
    const [provider] = providers;
    const ids = new Set(policyOffers.map((e) => e.args.offerId));
    expect(
      market("OfferCreated").every(
        (e) =>
          ids.has(e.args.offerId) ||
          e.args.offerId === selfDealt ||
          e.args.terms.buyerPolicy === zeroAddress ||
          getAddress(e.args.terms.buyerPolicy) === eas.policy,
      ),
    ).toBe(true);

    // Replay the allowlist and the openings in chain order: every buyer was allowed when it leased.
    const allowed = new Set<Address>();
    let leases = 0;
    for (const e of events) {
      if (
        e.address === addresses.policy &&
        e.eventName === "BuyerAllowed" &&
        getAddress(e.args.provider) === provider
      ) {
        if (e.args.allowed) allowed.add(getAddress(e.args.buyer));
        else allowed.delete(getAddress(e.args.buyer));
      }
      if (
        e.address === addresses.market &&
        e.eventName === "LeaseOpened" &&
        ids.has(e.args.offerId)
      ) {
        expect(allowed.has(getAddress(e.args.buyer))).toBe(true);
        leases++;
      }
    }
    expect(leases).toBeGreaterThan(0);
    const removed = events.filter((e) => e.eventName === "BuyerAllowed" && !e.args.allowed);
    expect(removed.length).toBeGreaterThan(0);
  });

  it("holds exactly the escrow, the unclaimed fees and the bonds", async () => {
    const client = await connection.viem.getPublicClient();
    const count: bigint = await read("leaseCount");
    const escrow = { [addresses.usd]: 0n, [addresses.grid]: 0n } as Record<Address, bigint>;
    for (let id = 1n; id <= count; id++) {
      const [v, left] = await Promise.all([read("getLease", [id]), read("escrowOf", [id])]);
      escrow[getAddress(v.paymentToken)] += left;
    }
    const bonds = { [addresses.usd]: 0n, [addresses.grid]: 0n } as Record<Address, bigint>;
    for (const p of new Set(market("ProviderRegistered").map((e) => e.args.provider as Address)))
      for (const token of [addresses.usd, addresses.grid])
        bonds[token] += (await read("bondOf", [p, token])).amount;
    const balance = (token: Address) =>
      client.readContract({
        address: token,
        abi: testUSDAbi,
        functionName: "balanceOf",
        args: [addresses.market],
      });
    for (const token of [addresses.usd, addresses.grid])
      expect(await balance(token)).toBe(
        escrow[token] + (await read("protocolFees", [token])) + bonds[token],
      );
  });

  it("builds the same chain for the same seed, and a different one for another seed", async () => {
    // Same seed, but deployed by the test and handed over: identical logs and block times.
    const again = await network.create();
    const deployed = addressesOf(
      (await again.ignition.deploy(GridleaseLocal, { displayUi: false })) as never,
    );
    await seedMarket(again, { seed: SEED, startTime: START, addresses: deployed });
    const replay = await chainEvents(again);
    expect(replay.length).toBe(events.length);
    expect(withoutClaimBytes(replay)).toEqual(withoutClaimBytes(events));
    await again.close();

    const other = await network.create();
    await seedMarket(other, { seed: `${SEED}-other`, startTime: START });
    const different = await chainEvents(other);
    expect(different).not.toEqual(events);
    const opened = (list: ChainEvent[]) =>
      list.filter((e) => e.eventName === "LeaseOpened").map((e) => e.args);
    expect(opened(different)).not.toEqual(opened(events));
    await other.close();
  });

  it("builds the same market, shifted in time, from another start time", async () => {
    const shift = 3n * DAY + 5n * HOUR;
    const later = await network.create();
    await seedMarket(later, { seed: SEED, startTime: START + shift });
    const timeArgs: Record<string, string[]> = {
      LeaseActivated: ["start", "end"],
      TopUpExecuted: ["fundedUntil"],
      LeaseEnded: ["endTime"],
      OutageReported: ["repairDeadline"],
      OutageResolved: ["end"],
      AuditAttested: ["validUntil"],
      BuyerVetted: ["expirationTime"],
    };
    const unshifted = (await chainEvents(later)).map((e) => ({
      ...e,
      timestamp: e.timestamp === null ? null : e.timestamp - shift,
      args: {
        ...e.args,
        ...Object.fromEntries((timeArgs[e.eventName] ?? []).map((k) => [k, e.args[k] - shift])),
      },
    }));
    // An attestation's UID hashes its time: compare everything but the UIDs.
    expect(withoutUids(withoutClaimBytes(unshifted))).toEqual(
      withoutUids(withoutClaimBytes(events)),
    );
    await later.close();
  });

  it("publishes one test-PKI attestation claim on a Singapore H100 offer, which does not verify on NVIDIA's root", async () => {
    const claims = market("OfferAttestationPublished");
    expect(claims).toHaveLength(1);
    const { offerId, provider, generation, nonce, reportHash, report, certChain } = claims[0]!.args;
    const offer = await read("getOffer", [offerId]);
    expect(getAddress(offer.provider)).toBe(getAddress(provider));
    expect(decodeGpuModel(offer.gpuModel)).toMatch(/^H100/);
    expect(decodeRegion(offer.region)).toBe("SG");
    expect(await read("getOfferAttestation", [offerId])).toMatchObject({ reportHash, generation });
    expect(keccak256(report)).toBe(reportHash);

    const verdict = await verifyOfferClaim(
      { generation, nonce, report, certChain, reportHash },
      { gpuModel: decodeGpuModel(offer.gpuModel) },
    );
    expect(verdict.genuine).toBe(false);
    expect(verdict.failures.map((f) => f.code)).toEqual(["UntrustedRoot"]);
    expect(verdict.nonce.matches).toBe(true);
    expect(formatSummary(summary)).toContain(
      "1 offer claims an NVIDIA attestation made with a test PKI (the app must show it unverified)",
    );
  });

  describe("trust on EAS", () => {
    const at = (address: Address, name: string) =>
      events.filter((e) => e.address === address && e.eventName === name);
    const readEas = async (functionName: string, args: unknown[]): Promise<any> =>
      (await connection.viem.getPublicClient()).readContract({
        address: eas.eas,
        abi: easAbi,
        functionName: functionName as never,
        args: args as never,
      });
    const auditor = account(17);
    const unlisted = account(18);

    it("uses the published auditor's account for audits, which is also a seeded buyer's", () => {
      expect(publishedAuditors(31337)).toEqual([auditor]);
      expect(summary.trust!.auditors).toEqual({ published: auditor, unlisted });
      expect(summary.actors.buyers).toContain(auditor);
    });

    it("has audits by the published auditor (passed, failed, revoked, expired) and one by an unlisted auditor", async () => {
      const attested = at(eas.auditResolver, "AuditAttested");
      expect(attested).toHaveLength(8);
      const offers = new Map(market("OfferCreated").map((e) => [e.args.offerId, e.args]));
      for (const a of attested) {
        // Recipient is the offer's provider, and EAS holds the same expiry as validUntil.
        expect(getAddress(a.args.provider)).toBe(getAddress(offers.get(a.args.offerId)!.provider));
        const stored = await readEas("getAttestation", [a.args.uid]);
        expect(stored.expirationTime).toBe(a.args.validUntil);
        expect(stored.schema).toBe(eas.schemas.audit.uid);
      }
      const by = (who: Address) => attested.filter((a) => getAddress(a.args.auditor) === who);
      expect(by(auditor)).toHaveLength(7);
      expect(by(unlisted)).toHaveLength(1);
      expect(attested.filter((a) => a.args.verdict === 2)).toHaveLength(1);
      const revoked = at(eas.auditResolver, "AuditRevoked");
      expect(revoked).toHaveLength(1);
      expect(
        (await readEas("getAttestation", [revoked[0].args.uid])).revocationTime,
      ).toBeGreaterThan(0n);
      const standing = attested.filter(
        (a) => a.args.verdict === 1 && !revoked.some((r) => r.args.uid === a.args.uid),
      );
      expect(standing.some((a) => a.args.validUntil <= now)).toBe(true); // expired
      expect(standing.filter((a) => a.args.validUntil > now).length).toBeGreaterThanOrEqual(5);
      const statuses = summary.trust!.audits.map((a) => a.status).sort();
      expect(statuses).toEqual([
        "audited",
        "audited",
        "audited",
        "audited",
        "expired",
        "failed",
        "revoked",
        "unverified",
      ]);
      // Offers without any audit remain.
      expect(new Set(attested.map((a) => a.args.offerId)).size).toBeLessThan(offers.size);
    });

    it("has reviews only by each lease's buyer, once per lease, after activation, some verified", () => {
      const reviews = at(eas.reviewResolver, "ReviewPosted");
      expect(reviews.length).toBeGreaterThanOrEqual(60);
      const opened = new Map(market("LeaseOpened").map((e) => [e.args.leaseId, e]));
      const activated = new Map(market("LeaseActivated").map((e) => [e.args.leaseId, e]));
      const offers = new Map(market("OfferCreated").map((e) => [e.args.offerId, e.args]));
      for (const r of reviews) {
        const lease = opened.get(r.args.leaseId)!;
        expect(getAddress(r.args.buyer)).toBe(getAddress(lease.args.buyer));
        expect(getAddress(r.args.provider)).toBe(
          getAddress(offers.get(lease.args.offerId)!.provider),
        );
        expect(activated.get(r.args.leaseId)!.blockNumber).toBeLessThan(r.blockNumber);
        expect(r.args.score).toBeGreaterThanOrEqual(1);
        expect(r.args.score).toBeLessThanOrEqual(5);
      }
      expect(new Set(reviews.map((r) => r.args.leaseId)).size).toBe(reviews.length);
      expect(reviews.some((r) => r.args.verified)).toBe(true);
      expect(reviews.some((r) => !r.args.verified)).toBe(true);
      expect(new Set(reviews.map((r) => r.args.score)).size).toBeGreaterThanOrEqual(4);
    });

    it("has a vetted-buyer offer: the vetted buyer leases it, the other is refused", async () => {
      const vettedOffers = market("OfferCreated").filter(
        (e) => getAddress(e.args.terms.buyerPolicy) === eas.policy,
      );
      expect(vettedOffers).toHaveLength(1);
      const offer = vettedOffers[0].args;
      expect(getAddress(offer.provider)).toBe(account(1)); // the Brisbane operator
      const [requirement] = at(eas.policy, "RequirementSet");
      expect(requirement.args).toMatchObject({
        offerId: offer.offerId,
        schema: eas.schemas.vetting.uid,
      });
      expect(requirement.args.attesters.map(getAddress)).toEqual([auditor]);
      const vetted = account(15);
      const refused = account(19);
      const vettings = at(eas.vettingResolver, "BuyerVetted");
      expect(vettings.map((v) => [getAddress(v.args.buyer), getAddress(v.args.attester)])).toEqual([
        [vetted, auditor],
        [refused, unlisted],
      ]);
      expect(at(eas.policy, "AttestationRegistered").map((e) => getAddress(e.args.buyer))).toEqual([
        vetted,
        refused,
      ]);
      const leases = market("LeaseOpened").filter((e) => e.args.offerId === offer.offerId);
      expect(leases.length).toBeGreaterThan(0);
      expect(new Set(leases.map((e) => getAddress(e.args.buyer)))).toEqual(new Set([vetted]));
      const check = async (buyer: Address) =>
        (await connection.viem.getPublicClient()).readContract({
          address: eas.policy,
          abi: attestationPolicyAbi,
          functionName: "check",
          args: [offer.offerId, buyer],
        });
      expect(await check(vetted)).toBe(0); // Allowed
      expect(await check(refused)).toBe(3); // AttesterNotNamed
      expect(summary.trust!.vetting!.refused).toMatchObject({ buyer: refused, code: 3 });
      expect(summary.trust!.vetting!.refused.error).toMatch(/^Market_BuyerNotAllowed\(/);
      expect(formatSummary(summary)).toMatch(/is refused: .*attester the provider does not name/);
    });

    it("has a self-dealing provider whose padding adds many leases and GPU-hours but almost no score", async () => {
      const d = summary.trust!.selfDealer;
      expect(d.provider).toBe("Mission District GPU Rigs");
      const padding = market("LeaseOpened").filter(
        (e) => getAddress(e.args.buyer) === d.secondAddress,
      );
      expect(padding.length).toBeGreaterThanOrEqual(30);
      expect(padding.every((e) => e.args.offerId === d.offerId)).toBe(true);
      expect((await read("getOffer", [d.offerId])).pricePerGpuHour).toBe(1n);
      const ids = new Set(padding.map((e) => e.args.leaseId));
      const ended = market("LeaseEnded").filter((e) => ids.has(e.args.leaseId));
      expect(ended).toHaveLength(padding.length);
      expect(ended.every((e) => Number(e.args.reason) === EndReason.Expired)).toBe(true);
      const reviews = at(eas.reviewResolver, "ReviewPosted").filter((r) => ids.has(r.args.leaseId));
      expect(reviews).toHaveLength(padding.length);
      expect(reviews.every((r) => r.args.score === 5)).toBe(true);
      expect(d.gpuHours).toBeGreaterThanOrEqual(10_000);

      // The score, folded from the chain's events with and without the padding.
      const src: ReputationSources = {
        market: addresses.market,
        auditResolver: eas.auditResolver,
        reviewResolver: eas.reviewResolver,
        tokens: new Map([
          [addresses.usd, { symbol: "tUSD", decimals: 6 }],
          [addresses.grid, { symbol: "GRID", decimals: 18 }],
        ]),
      };
      const request = (method: string, params: unknown[]) =>
        connection.provider.request({ method, params });
      const chain = await reputationEvents(request, src);
      const withIt = foldReputation(chain, src, [auditor]).get(d.address)!;
      const without = foldReputation(chain, src, [auditor], (l) => l.buyer === d.secondAddress).get(
        d.address,
      )!;
      const fees = withIt.feesPaidUsdMicros - without.feesPaidUsdMicros;
      expect(fees).toBe(d.feesUsdMicros);
      expect(fees).toBeLessThan(10_000n); // under a cent
      const gain =
        providerReputation(withIt, now).scoreBps - providerReputation(without, now).scoreBps;
      expect(gain).toBeGreaterThanOrEqual(0);
      expect(gain).toBeLessThanOrEqual(1);
      expect(d.scoreWithBps - d.scoreWithoutBps).toBe(gain);
      expect(formatSummary(summary)).toContain(
        "every input is weighted by the fees its leases paid",
      );
    });
  });

  it("refuses to seed a market twice", async () => {
    await expect(seedMarket(connection, { seed: SEED })).rejects.toThrow(/already has/);
    // And leaves automine on.
    expect(await connection.provider.request({ method: "hardhat_getAutomine" })).toBe(true);
  });
});
