/**
 * The indexer parity scenario: a small market history that emits every market event but the credit ones (its
 * tokens never refuse a payout, so nothing is credited), ends leases for every reason, and emits every event of EAS's
 * attestations, the three Gridlease resolvers and AttestationPolicy (./scenario-eas.ts: audits, reviews, vetting, a
 * self-dealing provider), with every block's timestamp fixed, so that replaying it on any fresh Hardhat chain
 * (in-process or `hardhat node`) produces the same blocks, transactions and logs.
 *
 * One offer publishes an NVIDIA attestation claim made with the SDK's test PKI. Its report and chain differ with each
 * replay (a fresh synthetic GPU, and a nonce bound to a block hash, which depends on the genesis time): the parity
 * tests compare them between the two indexers on the same chain, and mask them against the committed fixtures.
 *
 * The contracts are deployed from the first account in the order that puts each at the address @gridlease/sdk
 * records for chain 31337, so the Ponder config (which reads those addresses) indexes them. Every later
 * transaction goes through the shared block batcher (../lib/block-batcher.ts, see ./scenario-context.ts), one
 * transaction per block.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { bytesToHex, getAddress, maxUint256, parseEventLogs, type Address, type Hex } from "viem";
import { gridleaseMarketAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { deployments } from "@gridlease/sdk/deployments";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { encodeClaimCertChain, generationCode } from "@gridlease/sdk/attestation";
import { createTestGpu } from "@gridlease/sdk/attestation/testing";
import {
  DAY,
  HOUR,
  SCENARIO_START,
  scenarioContext,
  type ScenarioContext,
  type ScenarioPublicClient,
} from "./scenario-context.ts";
import {
  ATTESTATION_ABIS,
  attestationAddresses,
  attestationSteps,
  deployAttestations,
  type AttestationActors,
  type AttestationResult,
} from "./scenario-eas.ts";
import { reservedSteps, type ReservedResult } from "./scenario-reserved.ts";
import { GRID, USD } from "../lib/fixture.ts";

export {
  DAY,
  HOUR,
  SCENARIO_START,
  scenarioContext,
  type ScenarioContext,
  type ScenarioPublicClient,
} from "./scenario-context.ts";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;

export interface ScenarioResult {
  market: Address;
  usd: Address;
  grid: Address;
  /** Number of the last block the scenario mined. */
  lastBlock: bigint;
  /** Lease ids by the path they took. */
  leases: Record<string, bigint>;
  /** The offer whose provider published an attestation claim, and the test PKI root its chain ends at. */
  attestation: { offerId: bigint; roots: { device: Uint8Array[] } };
  /** The EAS attestations, offers and leases of the attestation steps (./scenario-eas.ts), when run. */
  attested?: AttestationResult;
  /** The reserved offers and rolling leases (./scenario-reserved.ts), after everything else. */
  reserved: ReservedResult;
}

/** Deploys GRID, TestUSD, the allowlist policy and the market as sdk/ expects, and allows both tokens. */
export async function deployForIndexer(ctx: ScenarioContext) {
  const { viem, wallets } = ctx;
  const [deployer, treasury] = wallets;
  // The order of the Ignition module (ignition/modules/Gridlease*.ts), so every address is the SDK's: the
  // indexers tell tUSD from GRID (and weigh fees at their reference rates) by those addresses.
  await ctx.nextBlockAt();
  await viem.deployContract("AllowlistPolicy");
  await ctx.nextBlockAt();
  const grid = await viem.deployContract("GridleaseToken", [
    deployer.account.address,
    GRID("1000000000"),
  ]);
  await ctx.nextBlockAt();
  const usd = await viem.deployContract("TestUSD");
  await ctx.nextBlockAt();
  await ctx.nextBlockAt();
  const periphery = await viem.deployContract("GridleaseMarketPeriphery", [grid.address, 5_000n]);
  await ctx.nextBlockAt();
  const extension = await viem.deployContract("GridleaseMarketExtension", [
    grid.address,
    5_000n,
    periphery.address,
  ]);
  await ctx.nextBlockAt();
  const market = await viem.deployContract("GridleaseMarket", [
    deployer.account.address,
    treasury.account.address,
    grid.address,
    250n,
    3600n,
    5_000n,
    extension.address,
  ]);
  const recorded = deployments["31337"].contracts;
  for (const [name, deployed, expected] of [
    ["GridleaseMarket", market.address, recorded.GridleaseMarket.address],
    ["GridleaseToken", grid.address, recorded.GridleaseToken.address],
    ["TestUSD", usd.address, recorded.TestUSD.address],
  ] as const) {
    if (getAddress(deployed) !== getAddress(expected)) {
      throw new Error(
        `${name} deployed at ${deployed}, but sdk/ expects ${expected}: deploy on a fresh chain, or run \`npm run codegen\``,
      );
    }
  }
  // Before any other transaction of the deployer: the Ignition module's nonces put them right after the market.
  const eas = await deployAttestations(ctx, market.address);
  const call = ctx.contracts({ market: market.address, usd: usd.address, grid: grid.address });
  await ctx.batched(async () => {
    await call.market(deployer.account.address, "setPaymentToken", [usd.address, true]);
    await call.market(deployer.account.address, "setPaymentToken", [grid.address, true]);
  });
  return { market, usd, grid, eas };
}

/**
 * Runs the parity scenario on a fresh chain. With `attestations`, the EAS history of ./scenario-eas.ts too: audits,
 * reviews, buyer vetting and a self-dealing provider (two more offers and two more leases, 11 and 12); without it,
 * the market history alone (the attestation contracts are deployed, and emit nothing).
 */
export async function runScenario(
  connection: NetworkConnection,
  opts: { attestations?: boolean } = {},
): Promise<ScenarioResult> {
  const ctx = await scenarioContext(connection);
  const { wallets } = ctx;
  const { market, usd, grid } = await deployForIndexer(ctx);
  const call = ctx.contracts({ market: market.address, usd: usd.address, grid: grid.address });
  // A token that is never a payment token, sent to the market by mistake and swept by the owner.
  await ctx.nextBlockAt();
  const stray = await ctx.viem.deployContract("TestUSD");
  const onStray = ctx.caller(testUSDAbi, stray.address);
  const accounts = wallets.map((w) => w.account.address);
  const [owner, , provider, buyer, other, provider2, buyer2, sybil] = accounts;
  const actors: AttestationActors = {
    provider,
    provider2,
    buyer,
    buyer2,
    other,
    auditor: accounts[17]!,
    unlisted: accounts[18]!,
    sybil,
  };
  const leases: ScenarioResult["leases"] = {};
  const attested: AttestationResult = {
    audits: { trusted: "0x", revoked: "0x", failed: "0x", unlisted: "0x", expired: "0x" },
    vetting: { vetted: "0x", revoked: "0x" },
    offers: { vetted: 0n, selfDealt: 0n },
    selfDealt: [],
  };
  const gpu = await createTestGpu();
  // The next offer and lease ids, advanced by the attestation and reserved steps as they create them.
  const ids = { nextOfferId: 4n, nextLeaseId: 0n };
  let reserved: ReservedResult | undefined;

  await ctx.batched(async () => {
    // Funding: stablecoins for the buyers, GRID for everyone; unlimited approvals to the market.
    for (const who of [buyer, buyer2, other, sybil, provider, provider2]) {
      await call.usd(owner, "mint", [who, USD("1000000")]);
    }
    for (const who of [provider, provider2, buyer, buyer2, other]) {
      await call.grid(owner, "transfer", [who, GRID("100000")]);
    }
    for (const who of [provider, provider2, buyer, buyer2, other]) {
      await call.usd(who, "approve", [market.address, maxUint256]);
      await call.grid(who, "approve", [market.address, maxUint256]);
    }

    // Providers and offers. Bonds are per payment token: each provider bonds in every token it sells in.
    await call.market(provider, "registerProvider", ["ipfs://provider/brisbane-dc1"]);
    await call.market(provider, "depositBond", [grid.address, GRID("20000")]);
    await call.market(provider, "depositBond", [usd.address, USD("50000")]);
    await call.market(provider2, "registerProvider", ["ipfs://provider/fremont-1"]);
    await call.market(provider2, "depositBond", [grid.address, GRID("3000")]);
    await call.market(provider2, "depositBond", [usd.address, USD("20000")]);
    const offer = (o: {
      model: string;
      units: bigint;
      region: string;
      token: Address;
      price: bigint;
      min: bigint;
      max: bigint;
      bond: bigint;
      repair: bigint;
      spec: string;
    }) => ({
      gpuModel: encodeGpuModel(o.model),
      gpusPerUnit: 8n,
      totalUnits: o.units,
      region: encodeRegion(o.region),
      paymentToken: o.token,
      pricePerGpuHour: o.price,
      minDuration: o.min,
      maxDuration: o.max,
      repairWindow: o.repair,
      minProviderBond: o.bond,
      buyerPolicy: ZERO_ADDRESS,
      specHash: `0x${o.spec.padStart(2, "0").repeat(32)}` as Hex,
      specURI: `ipfs://spec/${o.model.toLowerCase()}`,
    });
    const h100 = 1n;
    const h200 = 2n;
    const b200 = 3n;
    await call.market(provider, "createOffer", [
      offer({
        model: "H100-SXM-80GB",
        units: 16n,
        region: "AU-QLD",
        token: usd.address,
        price: USD("1.95"),
        min: HOUR,
        max: 30n * DAY,
        bond: USD("1000"),
        repair: 2n * HOUR,
        spec: "11",
      }),
    ]);
    await call.market(provider, "createOffer", [
      offer({
        model: "H200-141GB",
        units: 4n,
        region: "SG",
        token: grid.address,
        price: GRID("3.3"),
        min: 600n,
        max: 7n * DAY,
        bond: GRID("2000"),
        repair: HOUR,
        spec: "22",
      }),
    ]);
    await call.market(provider2, "createOffer", [
      offer({
        model: "B200-192GB",
        units: 8n,
        region: "US-CA",
        token: usd.address,
        price: USD("5.2"),
        min: HOUR,
        max: 14n * DAY,
        bond: USD("1000"),
        repair: 15n * 60n,
        spec: "33",
      }),
    ]);
    await call.market(provider, "updateProvider", ["ipfs://provider/brisbane-dc1-v2"]);
    await call.market(provider, "setOfferPrice", [h100, USD("1.85")]);
    await call.market(provider, "setOfferUnits", [h100, 20n]);

    const key = `0x${"ab".repeat(32)}` as Hex;
    const access = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(48)}` as Hex;
    let leaseCount = 0n;
    const open = async (
      who: Address,
      offerId: bigint,
      units: bigint,
      duration: bigint,
    ): Promise<bigint> => {
      await call.market(who, "openLease", [offerId, units, duration, maxUint256, key]);
      return ++leaseCount;
    };

    // Day 0. Lease 1: activated, extended while active, access rotated, left to expire, closed by a third party.
    const expired = await open(buyer, h100, 2n, 4n * HOUR);
    await call.market(provider, "activateLease", [expired, access(1)]);
    const expiredStart = ctx.now();
    await call.market(buyer, "extendLease", [expired, 2n * HOUR]);
    await call.market(provider, "rotateAccess", [expired, access(2)]);

    // Lease 2: the buyer stops after six hours.
    const buyerTerminated = await open(buyer2, b200, 1n, 24n * HOUR);
    await call.market(provider2, "activateLease", [buyerTerminated, access(3)]);
    const buyerTerminatedStart = ctx.now();

    // Lease 3 (priced in GRID): the provider ends it after half an hour and pays the bond penalty.
    const providerTerminated = await open(buyer, h200, 1n, 2n * HOUR);
    await call.market(provider, "activateLease", [providerTerminated, access(4)]);
    ctx.advance(30n * 60n);
    await call.market(provider, "terminateLease", [providerTerminated]);

    // Lease 4: never activated; the buyer cancels after the activation window.
    const noShow = await open(buyer2, h100, 1n, HOUR);
    ctx.advance(HOUR + 1n);
    await call.market(buyer2, "cancelLease", [noShow]);

    // Lease 5: the provider refuses a pending lease.
    const refused = await open(buyer, b200, 1n, HOUR);
    await call.market(provider2, "terminateLease", [refused]);

    ctx.advanceTo(buyerTerminatedStart + 6n * HOUR);
    await call.market(buyer2, "terminateLease", [buyerTerminated]);
    ctx.advanceTo(expiredStart + 6n * HOUR + 60n);
    await call.market(other, "closeLease", [expired]);
    await call.market(provider, "claim", [[expired, providerTerminated]]);
    await call.market(provider2, "claim", [[buyerTerminated]]);

    // Day 1. Lease 6: extended by a third party while pending, then active and claimed mid-way (left active).
    ctx.advanceTo(SCENARIO_START + DAY + HOUR);
    const active = await open(buyer2, h100, 1n, 2n * HOUR);
    await call.market(other, "extendLease", [active, HOUR]);
    await call.market(provider, "activateLease", [active, access(6)]);
    ctx.advance(HOUR);
    await call.market(provider, "claim", [[active]]);
    // Lease 7: left pending.
    const pending = await open(buyer, h100, 3n, 5n * HOUR);

    await call.market(provider, "setOfferPaused", [h200, true]);
    await call.market(owner, "setPaused", [true]);
    await call.market(owner, "setPaused", [false]);
    await call.market(owner, "setProtocolFee", [300n]);
    await call.market(owner, "setActivationWindow", [7200n]);
    await call.market(other, "withdrawFees", [usd.address]);
    await call.market(owner, "setTreasury", [other]);
    await call.market(provider2, "withdrawBond", [grid.address, GRID("500")]);

    // Day 2. Lease 8: at the new fee, expires and is closed by its buyer.
    ctx.advanceTo(SCENARIO_START + 2n * DAY + 2n * HOUR);
    const expired2 = await open(buyer, b200, 2n, HOUR);
    await call.market(provider2, "activateLease", [expired2, access(8)]);
    ctx.advance(2n * HOUR);
    await call.market(buyer, "closeLease", [expired2]);
    await call.market(owner, "setPaymentToken", [grid.address, false]);

    // Day 3. The owner sweeps the stray token; the H100 offer's repair window grows to three hours.
    ctx.advanceTo(SCENARIO_START + 3n * DAY);
    await onStray(owner, "mint", [market.address, USD("25")]);
    await call.market(owner, "sweep", [stray.address, owner]);
    await call.market(provider, "setOfferRepairWindow", [h100, 3n * HOUR]);
    const evidence = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(32)}` as Hex;

    // Lease 9: one of its two servers down, then both (a raise, same deadline), resolved with new access; a report
    // within the hour after keeps the first deadline (the cooldown), resolved without new access. Its end moves
    // later by the downtime, and the close refunds the unit-seconds the whole-second extension did not bill.
    const outages = await open(buyer, h100, 2n, 6n * HOUR);
    await call.market(provider, "activateLease", [outages, access(9)]);
    const outagesStart = ctx.now();
    ctx.advance(HOUR);
    await call.market(buyer, "reportOutage", [outages, 1n, evidence(1)]);
    ctx.advance(30n * 60n);
    await call.market(buyer, "reportOutage", [outages, 2n, evidence(2)]);
    ctx.advance(30n * 60n);
    await call.market(provider, "resolveOutage", [outages, access(10)]);
    ctx.advance(20n * 60n);
    await call.market(buyer, "reportOutage", [outages, 1n, evidence(3)]);
    // An odd number of down unit-seconds: one is left over after the extension, for the refund.
    ctx.advance(HOUR + 1n);
    await call.market(provider, "resolveOutage", [outages, "0x"]);

    // Lease 10: its one server down past the B200 offer's 15-minute repair window; a third party ends it as
    // unresolved (unused refund plus the bond penalty), the open outage down up to the end.
    const unresolved = await open(buyer2, b200, 1n, 4n * HOUR);
    await call.market(provider2, "activateLease", [unresolved, access(11)]);
    ctx.advance(30n * 60n);
    await call.market(buyer2, "reportOutage", [unresolved, 1n, evidence(4)]);
    ctx.advance(16n * 60n);
    await call.market(other, "endUnresolvedOutage", [unresolved]);

    // Attestations (./scenario-eas.ts): audits, reviews of ended leases and of one left active, a review of
    // lease 9 while it runs (weighed when it closes below), buyer vetting behind an offer's requirement.
    ids.nextLeaseId = leaseCount + 1n;
    const steps = opts.attestations
      ? attestationSteps(ctx, { market: market.address, usd: usd.address }, actors, ids)
      : undefined;
    if (steps) {
      attested.audits = await steps.audits();
      await steps.reviewsOfEnded({ expired, buyerTerminated, active });
      await steps.reviewWhileActive(outages);
      const vetting = await steps.vetting();
      attested.vetting = { vetted: vetting.vetted, revoked: vetting.revoked };
      attested.offers.vetted = vetting.offer;
    }

    // Lease 9, past its moved end (six hours plus about 1.3 hours of downtime), closed by its buyer.
    ctx.advanceTo(outagesStart + 8n * HOUR);
    await call.market(buyer, "closeLease", [outages]);

    // The H100 offer's provider publishes an attestation claim from a synthetic GPU (the test PKI: it must not verify
    // on NVIDIA's root). The nonce is bound to the block before the latest, read from the market's own view.
    const nonceBlock = (await ctx.publicClient.getBlockNumber({ cacheTime: 0 })) - 1n;
    const nonce = await ctx.blocks.read({
      to: market.address,
      abi: gridleaseMarketAbi,
      functionName: "attestationNonce",
      args: [h100, provider, nonceBlock],
    });
    await call.market(provider, "publishOfferAttestation", [
      h100,
      generationCode("hopper"),
      nonceBlock,
      bytesToHex(gpu.report(nonce)),
      encodeClaimCertChain(gpu.certChainPem),
    ]);

    // Leases 11 and 12: provider2 pads its record from a second address (a fee-free offer, 5-star reviews).
    if (steps) {
      const selfDealt = await steps.selfDealing();
      attested.offers.selfDealt = selfDealt.offer;
      attested.selfDealt = selfDealt.leases;
    }

    // Reserved capacity (./scenario-reserved.ts): rolling leases, top-ups, per-server ends, exit charges.
    reserved = await reservedSteps(
      ctx,
      { market: market.address, usd: usd.address, grid: grid.address },
      { provider, provider2, buyer, buyer2, other },
      ids,
    );

    Object.assign(leases, {
      expired,
      buyerTerminated,
      providerTerminated,
      noShow,
      refused,
      active,
      pending,
      expired2,
      outages,
      unresolved,
    });
  });

  if (!reserved) throw new Error("the reserved steps did not run");
  return {
    market: getAddress(market.address),
    usd: getAddress(usd.address),
    grid: getAddress(grid.address),
    lastBlock: await ctx.publicClient.getBlockNumber(),
    leases,
    reserved,
    attestation: { offerId: 1n, roots: gpu.roots },
    ...(opts.attestations ? { attested } : {}),
  };
}

/**
 * More activity after the scenario, continuing its clock from the chain's latest block: `count` leases of one unit
 * of offer 1 opened by wallet `buyer` for `hours` hours, every other one activated. Returns the last block.
 */
export async function moreLeases(
  connection: NetworkConnection,
  market: Address,
  opts: { count: number; buyer: number; hours: bigint },
): Promise<bigint> {
  const publicClient = await connection.viem.getPublicClient();
  const ctx = await scenarioContext(connection, (await publicClient.getBlock()).timestamp);
  const onMarket = ctx.caller(gridleaseMarketAbi, market);
  const buyer = ctx.wallets[opts.buyer]!.account.address;
  const provider = ctx.wallets[2]!.account.address;
  const key = `0x${"cd".repeat(32)}` as Hex;
  await ctx.batched(async () => {
    for (let i = 0; i < opts.count; i++) {
      await onMarket(buyer, "openLease", [1n, 1n, opts.hours * HOUR, maxUint256, key]);
      if (i % 2 === 0) {
        const id = await ctx.blocks.read({
          to: market,
          abi: gridleaseMarketAbi,
          functionName: "leaseCount",
        });
        await onMarket(provider, "activateLease", [id, `0x${"ee".repeat(40)}`]);
      }
    }
  });
  return publicClient.getBlockNumber();
}

/** One decoded log with the block and transaction metadata a subgraph handler sees. */
export interface EventVector {
  event: string;
  address: Address;
  /** Decoded arguments; integers as decimal strings, tuples as objects. */
  args: Record<string, unknown>;
  topics: Hex[];
  data: Hex;
  blockNumber: string;
  blockHash: Hex;
  parentHash: Hex;
  blockTimestamp: string;
  txHash: Hex;
  txIndex: number;
  txFrom: Address;
  txTo: Address | null;
  logIndex: number;
}

const jsonable = (value: unknown): unknown => {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonable);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]));
  return value;
};

/** The events of every contract the indexers follow: the market, EAS, the resolvers and the policy. */
const INDEXED_ABI = [gridleaseMarketAbi, ...ATTESTATION_ABIS].flat();

/**
 * Every log from `fromBlock` of the market and of the attestation contracts at the SDK's local addresses (where
 * deployForIndexer puts them), decoded, in chain order.
 */
export async function exportVectors(
  publicClient: ScenarioPublicClient,
  market: Address,
  fromBlock = 0n,
  toBlock?: bigint,
): Promise<EventVector[]> {
  const logs = await publicClient.getLogs({
    address: [market, ...attestationAddresses()],
    fromBlock,
    toBlock,
  });
  const decoded = parseEventLogs({ abi: INDEXED_ABI, logs, strict: true });
  const blocks = new Map<bigint, { timestamp: bigint; hash: Hex | null; parentHash: Hex }>();
  const txs = new Map<Hex, { from: Address; to: Address | null }>();
  const vectors: EventVector[] = [];
  for (const log of decoded) {
    const blockNumber = log.blockNumber!;
    if (!blocks.has(blockNumber))
      blocks.set(blockNumber, await publicClient.getBlock({ blockNumber }));
    if (!txs.has(log.transactionHash!))
      txs.set(
        log.transactionHash!,
        await publicClient.getTransaction({ hash: log.transactionHash! }),
      );
    const block = blocks.get(blockNumber)!;
    const tx = txs.get(log.transactionHash!)!;
    vectors.push({
      event: log.eventName,
      address: getAddress(log.address),
      args: jsonable(log.args) as Record<string, unknown>,
      topics: log.topics as Hex[],
      data: log.data,
      blockNumber: blockNumber.toString(),
      blockHash: log.blockHash!,
      parentHash: block.parentHash,
      blockTimestamp: block.timestamp.toString(),
      txHash: log.transactionHash!,
      txIndex: log.transactionIndex!,
      txFrom: getAddress(tx.from),
      txTo: tx.to ? getAddress(tx.to) : null,
      logIndex: log.logIndex!,
    });
  }
  return vectors;
}
