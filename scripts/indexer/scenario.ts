/**
 * The indexer parity scenario: a small market history that emits every market event but the credit ones (its
 * tokens never refuse a payout, so nothing is credited) and ends leases for every reason, with every block's
 * timestamp fixed, so that replaying it on any fresh Hardhat chain (in-process or
 * `hardhat node`) produces the same blocks, transactions and logs.
 *
 * One offer publishes an NVIDIA attestation claim made with the SDK's test PKI. Its report and chain differ with each
 * replay (a fresh synthetic GPU, and a nonce bound to a block hash, which depends on the genesis time): the parity
 * tests compare them between the two indexers on the same chain, and mask them against the committed fixtures.
 *
 * The contracts are deployed from the first account in the order that puts the market at the address
 * @gridlease/sdk records for chain 31337, so the Ponder config (which reads that address) indexes it. Every later
 * transaction goes through the shared block batcher (../lib/block-batcher.ts), one transaction per block.
 */
import type { NetworkConnection } from "hardhat/types/network";
import {
  bytesToHex,
  getAddress,
  maxUint256,
  parseEventLogs,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
} from "viem";
import { gridleaseMarketAbi, gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { deployments } from "@gridlease/sdk/deployments";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { encodeClaimCertChain, generationCode } from "@gridlease/sdk/attestation";
import { createTestGpu } from "@gridlease/sdk/attestation/testing";
import { BlockBatcher } from "../lib/block-batcher.ts";
import { GRID, USD } from "../lib/fixture.ts";

/** 2030-01-01T00:00:00Z: every scenario block is timed from here, on UTC day boundaries. */
export const SCENARIO_START = 1_893_456_000n;
export const HOUR = 3600n;
export const DAY = 86_400n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;

/** A fixed clock: each transaction lands in its own block, `STEP` seconds after the previous one. */
const STEP = 12n;
/**
 * The gas limit of every scenario transaction: above the costliest (createOffer), and with one transaction per
 * block it only has to fit the block. It is part of each transaction, so changing it changes every hash.
 */
const GAS = 1_000_000n;

type MarketAbi = typeof gridleaseMarketAbi;
type UsdAbi = typeof testUSDAbi;
type GridAbi = typeof gridleaseTokenAbi;
/** A state-changing call of `abi`'s contract from `from`, its name and arguments checked against the ABI. */
type Call<abi extends Abi> = <F extends ContractFunctionName<abi, "nonpayable">>(
  from: Address,
  functionName: F,
  args: ContractFunctionArgs<abi, "nonpayable", F>,
) => Promise<void>;

/** The public client a Hardhat network connection hands out (what `exportVectors` reads the logs with). */
export type ScenarioPublicClient = Awaited<
  ReturnType<NetworkConnection["viem"]["getPublicClient"]>
>;

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
}

/** Connects the wallet clients, the block batcher and a deterministic clock to `connection`. */
export async function scenarioContext(connection: NetworkConnection, start = SCENARIO_START) {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const blocks = new BlockBatcher(connection.provider);
  let now = start;
  const latest = (await publicClient.getBlock()).timestamp;
  if (latest > now)
    throw new Error(`the chain's time (${latest}) is past the scenario start (${now})`);

  /** Times the next automined block at the next clock tick (deployments go around the batcher). */
  async function nextBlockAt() {
    now += STEP;
    await connection.networkHelpers.time.setNextBlockTimestamp(now);
  }
  /**
   * Sends one transaction from a viem contract instance in a block of its own at the next clock tick (automine on,
   * so outside `batched`) and checks its receipt. The scenario itself goes through the batcher; this is for callers
   * that extend it with viem contracts (cli/test/explore.test.ts).
   */
  async function send(call: () => Promise<Hex>) {
    await nextBlockAt();
    const hash = await call();
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  }
  /**
   * Runs `steps` with automine off, so that `market`, `usd` and `grid` calls go through the batcher; automine is
   * back on afterwards, even if a step fails.
   */
  async function batched(steps: () => Promise<void>) {
    await blocks.start();
    try {
      // The node holds the keys of all its wallets: no impersonation.
      for (const w of wallets) await blocks.addSender(w.account.address, false);
      await steps();
    } finally {
      await blocks.finish();
    }
  }
  /** A caller of one contract (inside `batched`): each call is mined alone in a block at the next clock tick. */
  const caller =
    <const abi extends Abi>(abi: abi, to: Address): Call<abi> =>
    async (from, functionName, args) => {
      now += STEP;
      blocks.at(now);
      await blocks.write({ from, to, abi, functionName, args, gas: GAS });
      // mine() checks the receipt: a reverted call stops the scenario here.
      await blocks.mine();
    };
  return {
    viem,
    publicClient,
    wallets,
    blocks,
    batched,
    send,
    nextBlockAt,
    caller,
    /** Callers of the scenario's three contracts at these addresses (to use inside `batched`). */
    contracts: (addresses: { market: Address; usd: Address; grid: Address }) => ({
      market: caller<MarketAbi>(gridleaseMarketAbi, addresses.market),
      usd: caller<UsdAbi>(testUSDAbi, addresses.usd),
      grid: caller<GridAbi>(gridleaseTokenAbi, addresses.grid),
    }),
    /** Moves the clock forward; the next transaction lands `seconds` + one step later. */
    advance: (seconds: bigint) => {
      now += seconds;
    },
    /** Moves the clock to `t` (the next transaction lands one step after it). */
    advanceTo: (t: bigint) => {
      if (t < now) throw new Error(`cannot move the clock back from ${now} to ${t}`);
      now = t;
    },
    now: () => now,
  };
}

export type ScenarioContext = Awaited<ReturnType<typeof scenarioContext>>;

/** Deploys GRID, TestUSD, the allowlist policy and the market as sdk/ expects, and allows both tokens. */
export async function deployForIndexer(ctx: ScenarioContext) {
  const { viem, wallets } = ctx;
  const [deployer, treasury] = wallets;
  await ctx.nextBlockAt();
  const grid = await viem.deployContract("GridleaseToken", [
    deployer.account.address,
    GRID("1000000000"),
  ]);
  await ctx.nextBlockAt();
  const usd = await viem.deployContract("TestUSD");
  await ctx.nextBlockAt();
  await viem.deployContract("AllowlistPolicy");
  await ctx.nextBlockAt();
  const market = await viem.deployContract("GridleaseMarket", [
    deployer.account.address,
    treasury.account.address,
    grid.address,
    250n,
    3600n,
    5_000n,
  ]);
  const expected = deployments["31337"].contracts.GridleaseMarket.address;
  if (getAddress(market.address) !== getAddress(expected)) {
    throw new Error(
      `the market deployed at ${market.address}, but sdk/ expects ${expected}: deploy on a fresh chain, or run \`npm run codegen\``,
    );
  }
  const call = ctx.contracts({ market: market.address, usd: usd.address, grid: grid.address });
  await ctx.batched(async () => {
    await call.market(deployer.account.address, "setPaymentToken", [usd.address, true]);
    await call.market(deployer.account.address, "setPaymentToken", [grid.address, true]);
  });
  return { market, usd, grid };
}

/** Runs the whole parity scenario on a fresh chain. */
export async function runScenario(connection: NetworkConnection): Promise<ScenarioResult> {
  const ctx = await scenarioContext(connection);
  const { wallets } = ctx;
  const { market, usd, grid } = await deployForIndexer(ctx);
  const call = ctx.contracts({ market: market.address, usd: usd.address, grid: grid.address });
  // A token that is never a payment token, sent to the market by mistake and swept by the owner.
  await ctx.nextBlockAt();
  const stray = await ctx.viem.deployContract("TestUSD");
  const onStray = ctx.caller(testUSDAbi, stray.address);
  const [owner, , provider, buyer, other, provider2, buyer2] = wallets.map(
    (w) => w.account.address,
  );
  const leases: ScenarioResult["leases"] = {};
  const gpu = await createTestGpu();

  await ctx.batched(async () => {
    // Funding: stablecoins for the buyers, GRID for everyone; unlimited approvals to the market.
    for (const who of [buyer, buyer2, other]) {
      await call.usd(owner, "mint", [who, USD("1000000")]);
    }
    for (const who of [provider, provider2, buyer, buyer2, other]) {
      await call.grid(owner, "transfer", [who, GRID("100000")]);
    }
    for (const who of [provider, provider2, buyer, buyer2, other]) {
      await call.usd(who, "approve", [market.address, maxUint256]);
      await call.grid(who, "approve", [market.address, maxUint256]);
    }

    // Providers and offers.
    await call.market(provider, "registerProvider", ["ipfs://provider/brisbane-dc1"]);
    await call.market(provider, "depositBond", [GRID("20000")]);
    await call.market(provider2, "registerProvider", ["ipfs://provider/fremont-1"]);
    await call.market(provider2, "depositBond", [GRID("3000")]);
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
        bond: GRID("1000"),
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
        bond: GRID("1000"),
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
    await call.market(provider2, "withdrawBond", [GRID("500")]);

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

  return {
    market: getAddress(market.address),
    usd: getAddress(usd.address),
    grid: getAddress(grid.address),
    lastBlock: await ctx.publicClient.getBlockNumber(),
    leases,
    attestation: { offerId: 1n, roots: gpu.roots },
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

/** One decoded market log with the block and transaction metadata a subgraph handler sees. */
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

/** Every log of the market from `fromBlock`, decoded, in chain order. */
export async function exportVectors(
  publicClient: ScenarioPublicClient,
  market: Address,
  fromBlock = 0n,
  toBlock?: bigint,
): Promise<EventVector[]> {
  const logs = await publicClient.getLogs({ address: market, fromBlock, toBlock });
  const decoded = parseEventLogs({ abi: gridleaseMarketAbi, logs, strict: true });
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
