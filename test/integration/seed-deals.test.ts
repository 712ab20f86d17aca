/**
 * The three deals of issue #12 in the seeded market (scripts/lib/seed/deals.ts), asserted from the chain: the
 * Datasection-like rolling lease of 1,875 B200 servers kept funded by top-ups (one server failed and replaced), the
 * Edge Matrix-like pool of small GRID providers selling H100 below $2, and the Singapore H200 lease that left its
 * 90-day commitment early for the exit fee. Amounts are checked against the SDK's pricing mirrors.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, parseEventLogs, type Log } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { decodeGpuModel, decodeRegion } from "@gridlease/sdk/labels";
import { cost, exitCharge, exitEscrow, stakePenalty } from "@gridlease/sdk/pricing";
import { EndReason } from "@gridlease/sdk/status";
import {
  DATACENTER_DEAL,
  DEAL_ACCOUNTS,
  SINGAPORE_DEAL,
  seedMarket,
  type SeedAddresses,
  type SeedSummary,
} from "../../scripts/lib/seed/index.ts";
import { GRID_USD } from "../../scripts/lib/seed/catalog.ts";
import { hardhatAccount } from "../../scripts/lib/dev-accounts.ts";
import { LeaseStatus } from "./support/market.ts";

const DAY = 86_400n;
const account = (index: number) => getAddress(hardhatAccount(index).address);

interface MarketEvent {
  blockNumber: bigint;
  timestamp: bigint;
  eventName: string;
  args: Record<string, any>;
}

let connection: NetworkConnection;
let addresses: SeedAddresses;
let summary: SeedSummary;
let events: MarketEvent[];
let now: bigint;
const market = (name: string) => events.filter((e) => e.eventName === name);
const read = async (functionName: string, args: unknown[] = []): Promise<any> =>
  (await connection.viem.getPublicClient()).readContract({
    address: addresses.market,
    abi: gridleaseMarketAbi,
    functionName: functionName as never,
    args: args as never,
  });

beforeAll(async () => {
  connection = await network.create();
  summary = await seedMarket(connection, { seed: "deals" });
  addresses = summary.addresses;
  const client = await connection.viem.getPublicClient();
  const logs = (await client.getLogs({
    address: addresses.market,
    fromBlock: 0n,
    toBlock: "latest",
  })) as Log[];
  const decoded = parseEventLogs({ abi: gridleaseMarketAbi, logs, strict: true });
  const times = new Map<bigint, bigint>();
  for (const n of new Set(decoded.map((e) => e.blockNumber)))
    times.set(n, (await client.getBlock({ blockNumber: n })).timestamp);
  events = decoded.map((e) => ({
    blockNumber: e.blockNumber,
    timestamp: times.get(e.blockNumber)!,
    eventName: e.eventName,
    args: e.args as Record<string, any>,
  }));
  now = (await client.getBlock()).timestamp;
});

describe("seed: the deals of issue #12", () => {
  const ofLease = (name: string, id: bigint) => market(name).filter((e) => e.args.leaseId === id);
  const termsSet = (offerId: bigint) =>
    market("OfferTermsSet").find((e) => e.args.offerId === offerId)!.args;

  it("has a Datasection-like 1,875 x 8 B200 rolling lease in JP-27, kept funded by top-ups the agent executes", async () => {
    const d = summary.deals!.datacenter;
    const created = market("OfferCreated").find((e) => e.args.offerId === d.offerId)!.args;
    expect(decodeGpuModel(created.terms.gpuModel)).toBe("B200-192GB");
    expect(decodeRegion(created.terms.region)).toBe("JP-27");
    expect(getAddress(created.terms.paymentToken)).toBe(addresses.usd);
    expect(termsSet(d.offerId)).toMatchObject({
      prepaidWindow: 30n * DAY,
      commitment: 1_095n * DAY,
      noticePeriod: 90n * DAY,
      exitFeeBps: 0n,
    });

    const [opened] = ofLease("LeaseOpened", d.leaseId);
    expect(opened.args).toMatchObject({ offerId: d.offerId, units: 1_875n, duration: 30n * DAY });
    // The deposit was one window plus 90 days of notice; the penalty 10% of it, far above the offer's floor.
    const price = DATACENTER_DEAL.price;
    const gpus = 15_000n;
    const escrow = exitEscrow(DATACENTER_DEAL.terms, price, gpus);
    expect(escrow).toBe(cost(price, gpus, 90n * DAY));
    const [recorded] = ofLease("LeaseTermsRecorded", d.leaseId);
    expect(recorded.args).toMatchObject({ term: 1_095n * DAY, exitEscrow: escrow });
    const reserved = stakePenalty(0n, cost(price, gpus, 30n * DAY) + escrow);
    expect(recorded.args.penalty).toBe(reserved);
    expect(reserved).toBeGreaterThan(10_000_000n * 1_000_000n); // over $10M

    // Topped up daily by the provider's agent, once by a keeper; never beyond one window ahead.
    expect(ofLease("TopUpAllowanceSet", d.leaseId)).toHaveLength(1);
    const topUps = ofLease("TopUpExecuted", d.leaseId);
    expect(topUps.length).toBeGreaterThanOrEqual(12);
    const executors = new Set(topUps.map((e) => getAddress(e.args.executor)));
    expect(executors).toEqual(new Set([d.provider, account(DEAL_ACCOUNTS.keeper)]));
    for (const e of topUps) expect(e.args.fundedUntil).toBeLessThanOrEqual(e.timestamp + 30n * DAY);
    const view = await read("getLeaseTerms", [d.leaseId]);
    expect(view).toMatchObject({ rolling: true, committed: true, term: 1_095n * DAY });
    expect(view.fundedUntil).toBe(topUps.at(-1)!.args.fundedUntil);
    expect(view.fundedUntil - now).toBeGreaterThan(28n * DAY);

    // One server failed: the buyer got its share of the penalty, rounded up; the other 1,874 run on.
    const [failed] = ofLease("ServersFailed", d.leaseId);
    expect(failed.args.count).toBe(1n);
    expect(failed.args.penalty).toBe((reserved + 1_874n) / 1_875n);
    expect(failed.args.refund).toBeGreaterThan(0n);
    const lease = await read("getLease", [d.leaseId]);
    expect(lease.units).toBe(1_874n);
    expect(lease.status).toBe(LeaseStatus.Active);

    // The replacement: the same buyer leases one server on the same terms, with its own allowance and top-ups.
    const [replacement] = ofLease("LeaseOpened", d.replacementLeaseId);
    expect(replacement.args).toMatchObject({
      offerId: d.offerId,
      buyer: opened.args.buyer,
      units: 1n,
    });
    expect(replacement.blockNumber).toBeGreaterThan(failed.blockNumber);
    expect(ofLease("TopUpExecuted", d.replacementLeaseId).length).toBeGreaterThan(0);

    // The bond in tUSD reserves exactly the two live leases' penalties.
    const bond = await read("bondOf", [d.provider, addresses.usd]);
    const live = [d.leaseId, d.replacementLeaseId].map((id) => read("getLeaseTerms", [id]));
    const penalties = (await Promise.all(live)).reduce((a, v) => a + v.penalty, 0n);
    expect(bond.locked).toBe(penalties);
    expect(bond.amount).toBeGreaterThanOrEqual(penalties);
  });

  it("has an Edge Matrix-like pool of small GRID providers selling H100 below $2, leased in bulk", async () => {
    const p = summary.deals!.pool;
    expect(p.providers.length).toBeGreaterThanOrEqual(8);
    const offers = market("OfferCreated").filter((e) => p.offerIds.includes(e.args.offerId));
    expect(new Set(offers.map((e) => getAddress(e.args.provider)))).toEqual(new Set(p.providers));
    for (const e of offers) {
      expect(decodeGpuModel(e.args.terms.gpuModel)).toBe("H100-SXM-80GB");
      expect(getAddress(e.args.terms.paymentToken)).toBe(addresses.grid);
      expect(e.args.terms.totalUnits).toBeLessThanOrEqual(4n);
      // Below $2 per GPU-hour at the seed's reference rate.
      expect(Number(e.args.terms.pricePerGpuHour) / 1e18).toBeLessThan(2 / GRID_USD);
    }
    for (const provider of p.providers) {
      expect((await read("bondOf", [provider, addresses.grid])).amount).toBeGreaterThan(0n);
      expect((await read("bondOf", [provider, addresses.usd])).amount).toBe(0n);
    }
    // One bulk buyer leased a server from every node at once.
    const bulk = market("LeaseOpened").filter((e) => p.bulkLeaseIds.includes(e.args.leaseId));
    expect(bulk.length).toBeGreaterThanOrEqual(p.providers.length);
    expect(new Set(bulk.map((e) => e.args.buyer)).size).toBe(1);
    expect(new Set(bulk.map((e) => e.args.offerId))).toEqual(new Set(p.offerIds));
    expect(new Set(bulk.slice(0, p.providers.length).map((e) => e.blockNumber)).size).toBe(1);
  });

  it("has a Singapore H200 lease under a 90-day commitment, left early for the exit fee", async () => {
    const sg = summary.deals!.singapore;
    expect(termsSet(sg.offerId)).toMatchObject({
      prepaidWindow: 0n,
      commitment: 90n * DAY,
      noticePeriod: 0n,
      exitFeeBps: 2_000n,
    });
    const [opened] = ofLease("LeaseOpened", sg.leaseId);
    expect(opened.args).toMatchObject({ offerId: sg.offerId, units: 32n, duration: 90n * DAY });
    const [activated] = ofLease("LeaseActivated", sg.leaseId);
    const [ended] = ofLease("LeaseEnded", sg.leaseId);
    expect(Number(ended.args.reason)).toBe(EndReason.BuyerTerminated);
    expect(ended.args.penalty).toBe(0n);
    // The fee on the committed value left, in whole hours, added to what the lease earned.
    const start = activated.args.start as bigint;
    const at = ended.timestamp;
    const gpus = 32n * 8n;
    const charge = exitCharge(SINGAPORE_DEAL.terms, {
      price: SINGAPORE_DEAL.price,
      gpus,
      start,
      at,
    });
    expect(charge).toBeGreaterThan(0n);
    expect(charge).toBe(sg.exitCharge);
    expect(ofLease("ExitCharged", sg.leaseId).map((e) => e.args.amount)).toEqual([charge]);
    expect(ended.args.accrued).toBe(cost(SINGAPORE_DEAL.price, gpus, at - start) + charge);
    expect(ended.args.refund).toBe(
      cost(SINGAPORE_DEAL.price, gpus, 90n * DAY) - ended.args.accrued,
    );
  });
});
