/**
 * Opens thousands of leases on a local `hardhat node` fast, for benchmarks (`npm run bench:indexer`,
 * `npm run bench:app`): one provider with four offers (H100, H200, B200, A100 in four regions), N leases from a
 * handful of buyers, sent through the block batcher (./block-batcher.ts: automine off, fully specified
 * transactions, every receipt checked), `batch` transactions per mined block.
 *
 *   - every lease is opened and, a minute later, activated; the blocks are spread over `spread` seconds;
 *   - a third are then ended early by their buyer (or closed, when already past their end);
 *   - the provider claims them all, 200 leases per claim.
 *
 * The provider and buyers send through the node: accounts the node holds keys for, or any address (the node is
 * asked to impersonate it and give it ETH for gas). The funder (usually the deployer) mints the provider's bond in
 * test USD, the offers' payment token, which is the token the bond must be in (#12: bonds per payment token).
 */
import type { NetworkConnection } from "hardhat/types/network";
import {
  maxUint256,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
} from "viem";
import { gridleaseMarketAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { BlockBatcher } from "./block-batcher.ts";
import { USD } from "./fixture.ts";

type MarketAbi = typeof gridleaseMarketAbi;

export const BULK_MODELS = ["H100-SXM-80GB", "H200-141GB", "B200-192GB", "A100-80GB"] as const;
export const BULK_REGIONS = ["AU-QLD", "SG", "US-CA", "JP-13"] as const;
const PRICES = [USD("1.95"), USD("3.3"), USD("5.2"), USD("1.2")];
const HOUR = 3600n;
/** The longest bulk lease, in hours (they run 1 to 48 hours). */
const MAX_HOURS = 48n;
const DAY = 86_400n;
/** The offers' minimum provider bond, in their payment token (USD): small, so one bond covers N live leases. */
const MIN_BOND = USD("1");
/**
 * The largest penalty a bulk lease reserves: 10 % of its deposit (the stake penalty, above the floor of half of
 * MIN_BOND), the deposit being at most the dearest offer's 8 GPUs for 48 hours.
 */
const MAX_LEASE_PENALTY = (PRICES.reduce((a, b) => (a > b ? a : b)) * 8n * MAX_HOURS) / 10n;
/** Gas limit of every bulk transaction but claims (openLease, the largest, uses about 200k). */
const GAS = 300_000n;
/** Leases per claim, and the gas limit of such a claim. */
const CLAIM_BATCH = 200;
const CLAIM_GAS = 80_000n + 30_000n * BigInt(CLAIM_BATCH);

export interface BulkLeaseOptions {
  addresses: { market: Address; usd: Address; grid: Address };
  /** Number of leases to open (10 to 100,000). */
  leases: number;
  provider: Address;
  buyers: readonly Address[];
  /** Mints the provider its bond in test USD (anyone may mint test USD). */
  funder: Address;
  /** Timestamp of the first block this writes; default: a minute after the latest block. */
  startTime?: bigint;
  /** Seconds the lease blocks are spread over (on top of a minute per batch); default 30 days. */
  spread?: bigint;
  /** Transactions per mined block (default 150: well under the block gas limit). */
  batch?: number;
  log?: (line: string) => void;
}

export interface BulkLeaseResult {
  offerIds: bigint[];
  leaseIds: bigint[];
  /** Timestamp of the last block mined. */
  endTime: bigint;
  /** Number of the last block mined. */
  head: bigint;
}

/** Opens `options.leases` leases on four new offers of one provider, fast; see the file's comment. */
export async function openBulkLeases(
  connection: NetworkConnection,
  options: BulkLeaseOptions,
): Promise<BulkLeaseResult> {
  const N = options.leases;
  if (!Number.isInteger(N) || N < 10 || N > 100_000)
    throw new Error(`leases must be a whole number from 10 to 100000, got ${N}`);
  const BATCH = options.batch ?? 150;
  const { market, usd } = options.addresses;
  const { provider, buyers, funder } = options;
  const publicClient = await connection.viem.getPublicClient();
  const marketCount = (functionName: "offerCount" | "leaseCount") =>
    publicClient.readContract({ address: market, abi: gridleaseMarketAbi, functionName });
  // A batch of BATCH transactions always fits one block.
  const blocks = new BlockBatcher(connection.provider, {
    blockGasBudget: GAS * BigInt(BATCH) + CLAIM_GAS,
  });

  // Senders the node has no key for are impersonated (and given ETH for gas).
  const held = new Set(
    ((await connection.provider.request({ method: "eth_accounts" })) as Address[]).map((a) =>
      a.toLowerCase(),
    ),
  );
  const latest = await publicClient.getBlock();
  let clock = options.startTime ?? latest.timestamp + 60n;
  if (clock <= latest.timestamp) clock = latest.timestamp + 1n;
  // Every live lease reserves its no-show penalty (the larger of half the offer's minimum bond and 10 % of its
  // deposit) out of the provider's USD bond: the largest such penalty per lease, plus a margin, covers all N at once.
  const bond = USD("10000") + MAX_LEASE_PENALTY * BigInt(N);
  const offerBase = await marketCount("offerCount");
  const leaseBase = await marketCount("leaseCount");

  /** One queued transaction: `send` queues it into the block being filled. */
  type Tx = { send: () => Promise<void> };
  /** A market call, typed on the market's ABI. */
  const onMarket = <F extends ContractFunctionName<MarketAbi, "nonpayable">>(
    from: Address,
    functionName: F,
    args: ContractFunctionArgs<MarketAbi, "nonpayable", F>,
    gas = GAS,
  ): Tx => ({
    send: () =>
      blocks.write({ from, to: market, abi: gridleaseMarketAbi, functionName, args, gas }),
  });

  await blocks.start();
  try {
    for (const who of [funder, provider, ...buyers])
      await blocks.addSender(who, !held.has(who.toLowerCase()));
    /** Sends the items `BATCH` per block (in parallel within a block); blocks are `seconds` apart. */
    const batched = async (items: Tx[], seconds: bigint) => {
      for (let i = 0; i < items.length; i += BATCH) {
        clock += seconds;
        blocks.at(clock);
        await Promise.all(items.slice(i, i + BATCH).map((t) => t.send()));
        await blocks.mine();
      }
    };

    // Setup: one block per step, each step depending on the one before.
    const steps: Tx[][] = [
      [
        {
          send: () =>
            blocks.write({
              from: funder,
              to: usd,
              abi: testUSDAbi,
              functionName: "mint",
              args: [provider, bond],
              gas: GAS,
            }),
        },
        ...buyers.map((b) => ({
          send: () =>
            blocks.write({
              from: b,
              to: usd,
              abi: testUSDAbi,
              functionName: "mint",
              args: [b, USD("100000000")],
              gas: GAS,
            }),
        })),
      ],
      [
        {
          send: () =>
            blocks.write({
              from: provider,
              to: usd,
              abi: testUSDAbi,
              functionName: "approve",
              args: [market, maxUint256],
              gas: GAS,
            }),
        },
        ...buyers.map((b) => ({
          send: () =>
            blocks.write({
              from: b,
              to: usd,
              abi: testUSDAbi,
              functionName: "approve",
              args: [market, maxUint256],
              gas: GAS,
            }),
        })),
      ],
      [onMarket(provider, "registerProvider", ["ipfs://provider/bench"])],
      [onMarket(provider, "depositBond", [usd, bond])],
      BULK_MODELS.map((model, i) =>
        onMarket(provider, "createOffer", [
          {
            gpuModel: encodeGpuModel(model),
            gpusPerUnit: 8n,
            totalUnits: 65_535n,
            region: encodeRegion(BULK_REGIONS[i]!),
            paymentToken: usd,
            pricePerGpuHour: PRICES[i]!,
            minDuration: HOUR,
            maxDuration: 30n * DAY,
            repairWindow: 4n * HOUR,
            minProviderBond: MIN_BOND,
            buyerPolicy: "0x0000000000000000000000000000000000000000",
            specHash: `0x${"11".repeat(32)}`,
            specURI: "ipfs://spec/bench",
          },
        ]),
      ),
    ];
    for (const step of steps) await batched(step, 12n);
    const offerIds = BULK_MODELS.map((_, i) => offerBase + BigInt(i + 1));
    if ((await marketCount("offerCount")) !== offerBase + BigInt(BULK_MODELS.length))
      throw new Error("the bulk provider's setup failed (offers not created)");

    // Bulk phases.
    const totalBlocks = Math.ceil((N * 2.8) / BATCH) + 10;
    const step = (options.spread ?? 30n * DAY) / BigInt(totalBlocks);
    const key = `0x${"ab".repeat(32)}` as Hex;
    const leaseIds = Array.from({ length: N }, (_, i) => leaseBase + BigInt(i + 1));
    // Opens and activations interleave in time, so leases start across the whole spread.
    const opens = leaseIds.map((_, i) =>
      onMarket(buyers[i % buyers.length]!, "openLease", [
        offerIds[i % offerIds.length]!,
        1n,
        (1n + (BigInt(i) % MAX_HOURS)) * HOUR,
        maxUint256,
        key,
      ]),
    );
    const activations = leaseIds.map((id) =>
      onMarket(provider, "activateLease", [id, `0x${"ee".repeat(64)}`]),
    );
    // Each batch is activated a minute after it opens (well inside the activation window).
    for (let i = 0; i < N; i += BATCH) {
      await batched(opens.slice(i, i + BATCH), 60n);
      await batched(activations.slice(i, i + BATCH), 60n);
      clock += step;
      if (i % (BATCH * 20) === 0) options.log?.(`opened ${Math.min(i + BATCH, N)} of ${N} leases`);
    }
    const opened = (await marketCount("leaseCount")) - leaseBase;
    if (opened !== BigInt(N)) throw new Error(`only ${opened} of ${N} leases opened`);
    // A third end early by the buyer; leases already past their end when their block is mined are closed instead.
    // Each block of enders is `step` later than the one before, so "past its end" is decided per block, at the
    // timestamp that block gets (terminateLease reverts on a lease that has expired).
    const ending = leaseIds.filter((_, i) => i % 3 === 0);
    // The buyer is read back: transactions within a block are ordered by the node, not by the order they were sent,
    // so lease ids are not in the order of the open calls.
    // Read BATCH at a time: one by one, the reads alone took a minute at 100,000 leases.
    const ends = new Map<bigint, { end: bigint; buyer: Address }>();
    for (let i = 0; i < ending.length; i += BATCH) {
      const slice = ending.slice(i, i + BATCH);
      const leases = await Promise.all(
        slice.map((id) =>
          publicClient.readContract({
            address: market,
            abi: gridleaseMarketAbi,
            functionName: "getLease",
            args: [id],
          }),
        ),
      );
      slice.forEach((id, j) => ends.set(id, { end: leases[j]!.end, buyer: leases[j]!.buyer }));
    }
    for (let i = 0; i < ending.length; i += BATCH) {
      clock += step;
      blocks.at(clock);
      await Promise.all(
        ending.slice(i, i + BATCH).map((id) => {
          const { end, buyer } = ends.get(id)!;
          return (
            end <= clock
              ? onMarket(provider, "closeLease", [id])
              : onMarket(buyer, "terminateLease", [id])
          ).send();
        }),
      );
      await blocks.mine();
    }
    // One claim of up to CLAIM_BATCH leases per block.
    for (let i = 0; i < N; i += CLAIM_BATCH)
      await batched(
        [onMarket(provider, "claim", [leaseIds.slice(i, i + CLAIM_BATCH)], CLAIM_GAS)],
        step,
      );

    const head = await publicClient.getBlockNumber();
    return { offerIds, leaseIds, endTime: clock, head };
  } finally {
    await blocks.finish();
  }
}
