/**
 * Opens thousands of leases on a local `hardhat node` fast, for benchmarks (`npm run bench:indexer`,
 * `npm run bench:app`): one provider with four offers (H100, H200, B200, A100 in four regions), N leases from a
 * handful of buyers, sent as raw `eth_sendTransaction`s with automine off, `batch` transactions per mined block.
 *
 *   - every lease is opened and, a minute later, activated; the blocks are spread over `spread` seconds;
 *   - a third are then ended early by their buyer (or closed, when already past their end);
 *   - the provider claims them all, 200 leases per claim.
 *
 * The provider and buyers send through the node: accounts the node holds keys for, or any address (the node is
 * asked to impersonate it and give it ETH for gas). The funder (usually the deployer) must hold the GRID.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { encodeFunctionData, maxUint256, numberToHex, type Address, type Hex } from "viem";
import { gridleaseMarketAbi, gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { GRID, USD } from "./fixture.ts";

export const BULK_MODELS = ["H100-SXM-80GB", "H200-141GB", "B200-192GB", "A100-80GB"] as const;
export const BULK_REGIONS = ["AU-QLD", "SG", "US-CA", "JP-13"] as const;
const PRICES = [USD("1.95"), USD("3.3"), USD("5.2"), USD("1.2")];
const HOUR = 3600n;
const DAY = 86_400n;
/** The offers' minimum provider bond: small, so that one bond covers the penalties of N live leases. */
const MIN_BOND = GRID("1");
/** Gas limit of every bulk transaction (a claim of 200 leases is the largest). */
const GAS = "0x7a120";

export interface BulkLeaseOptions {
  addresses: { market: Address; usd: Address; grid: Address };
  /** Number of leases to open (10 to 100,000). */
  leases: number;
  provider: Address;
  buyers: readonly Address[];
  /** Holds GRID: sends the provider its bond. */
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

export async function openBulkLeases(
  connection: NetworkConnection,
  options: BulkLeaseOptions,
): Promise<BulkLeaseResult> {
  const N = options.leases;
  if (!Number.isInteger(N) || N < 10 || N > 100_000)
    throw new Error(`leases must be a whole number from 10 to 100000, got ${N}`);
  const BATCH = options.batch ?? 150;
  const { market, usd, grid } = options.addresses;
  const { provider, buyers, funder } = options;
  const rpc = <T = unknown>(method: string, params: unknown[] = []) =>
    connection.provider.request({ method, params }) as Promise<T>;
  const publicClient = await connection.viem.getPublicClient();
  const read = <T>(functionName: string, args: unknown[] = []) =>
    publicClient.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;

  // Senders the node has no key for are impersonated; everyone gets ETH for gas.
  const held = new Set((await rpc<Address[]>("eth_accounts")).map((a) => a.toLowerCase()));
  for (const who of [provider, ...buyers]) {
    if (!held.has(who.toLowerCase())) await rpc("hardhat_impersonateAccount", [who]);
    const balance = BigInt(await rpc<Hex>("eth_getBalance", [who, "latest"]));
    if (balance < 10n ** 20n) await rpc("hardhat_setBalance", [who, numberToHex(10n ** 22n)]);
  }

  const latest = await publicClient.getBlock();
  let clock = options.startTime ?? latest.timestamp + 60n;
  if (clock <= latest.timestamp) clock = latest.timestamp + 1n;
  // Every live lease reserves its no-show penalty (a share of the offer's minimum bond) out of the provider's
  // bond: one minimum bond per lease, plus a margin, covers all N at once.
  const bond = GRID("10000") + MIN_BOND * BigInt(N);
  const offerBase = await read<bigint>("offerCount");
  const leaseBase = await read<bigint>("leaseCount");
  const firstBlock = latest.number + 1n;

  await rpc("evm_setAutomine", [false]);
  try {
    const send = (from: Address, to: Address, data: Hex) =>
      rpc<Hex>("eth_sendTransaction", [{ from, to, data, gas: GAS }]);
    const mine = async () => {
      await rpc("evm_mine", [Number(clock)]);
    };
    /** Sends the items `BATCH` per block; blocks are `seconds` apart. */
    const batched = async (
      items: { from: Address; to?: Address; data: Hex }[],
      seconds: bigint,
    ) => {
      for (let i = 0; i < items.length; i += BATCH) {
        await Promise.all(
          items.slice(i, i + BATCH).map((t) => send(t.from, t.to ?? market, t.data)),
        );
        clock += seconds;
        await mine();
      }
    };
    const marketCall = (functionName: string, args: unknown[]) =>
      encodeFunctionData({
        abi: gridleaseMarketAbi,
        functionName: functionName as never,
        args: args as never,
      });
    const token = (
      abi: typeof testUSDAbi | typeof gridleaseTokenAbi,
      functionName: string,
      args: unknown[],
    ) => encodeFunctionData({ abi, functionName: functionName as never, args: args as never });

    // Setup: one block per step, each step depending on the one before.
    const steps: { from: Address; to: Address; data: Hex }[][] = [
      [
        {
          from: funder,
          to: grid,
          data: token(gridleaseTokenAbi, "transfer", [provider, GRID("100000")]),
        },
        ...buyers.map((b) => ({
          from: b,
          to: usd,
          data: token(testUSDAbi, "mint", [b, USD("100000000")]),
        })),
      ],
      [
        {
          from: provider,
          to: grid,
          data: token(gridleaseTokenAbi, "approve", [market, maxUint256]),
        },
        ...buyers.map((b) => ({
          from: b,
          to: usd,
          data: token(testUSDAbi, "approve", [market, maxUint256]),
        })),
      ],
      [
        {
          from: provider,
          to: market,
          data: marketCall("registerProvider", ["ipfs://provider/bench"]),
        },
      ],
      [{ from: provider, to: market, data: marketCall("depositBond", [bond]) }],
      BULK_MODELS.map((model, i) => ({
        from: provider,
        to: market,
        data: marketCall("createOffer", [
          {
            gpuModel: encodeGpuModel(model),
            gpusPerUnit: 8n,
            totalUnits: 65_535n,
            region: encodeRegion(BULK_REGIONS[i]!),
            paymentToken: usd,
            pricePerGpuHour: PRICES[i]!,
            minDuration: HOUR,
            maxDuration: 30n * DAY,
            minProviderBond: MIN_BOND,
            buyerPolicy: "0x0000000000000000000000000000000000000000",
            specHash: `0x${"11".repeat(32)}`,
            specURI: "ipfs://spec/bench",
          },
        ]),
      })),
    ];
    for (const step of steps) await batched(step, 12n);
    const offerIds = BULK_MODELS.map((_, i) => offerBase + BigInt(i + 1));
    if ((await read<bigint>("offerCount")) !== offerBase + BigInt(BULK_MODELS.length))
      throw new Error("the bulk provider's setup failed (offers not created)");

    // Bulk phases.
    const totalBlocks = Math.ceil((N * 2.8) / BATCH) + 10;
    const step = (options.spread ?? 30n * DAY) / BigInt(totalBlocks);
    const key = `0x${"ab".repeat(32)}` as Hex;
    const leaseIds = Array.from({ length: N }, (_, i) => leaseBase + BigInt(i + 1));
    // Opens and activations interleave in time, so leases start across the whole spread.
    const opens = leaseIds.map((_, i) => ({
      from: buyers[i % buyers.length]!,
      data: marketCall("openLease", [
        offerIds[i % offerIds.length]!,
        1n,
        (1n + BigInt(i % 48)) * HOUR,
        maxUint256,
        key,
      ]),
    }));
    const activations = leaseIds.map((id) => ({
      from: provider,
      data: marketCall("activateLease", [id, `0x${"ee".repeat(64)}`]),
    }));
    // Each batch is activated a minute after it opens (well inside the activation window).
    for (let i = 0; i < N; i += BATCH) {
      await batched(opens.slice(i, i + BATCH), 60n);
      await batched(activations.slice(i, i + BATCH), 60n);
      clock += step;
      if (i % (BATCH * 20) === 0) options.log?.(`opened ${Math.min(i + BATCH, N)} of ${N} leases`);
    }
    const opened = (await read<bigint>("leaseCount")) - leaseBase;
    if (opened !== BigInt(N)) throw new Error(`only ${opened} of ${N} leases opened`);
    // A third end early by the buyer; leases already past their end are closed instead.
    const latestTime = clock;
    const enders: { from: Address; data: Hex }[] = [];
    for (let i = 0; i < N; i += 3) {
      const lease = await read<{ end: bigint }>("getLease", [leaseIds[i]!]);
      const expired = lease.end <= latestTime + step;
      enders.push({
        from: expired ? provider : buyers[i % buyers.length]!,
        data: marketCall(expired ? "closeLease" : "terminateLease", [leaseIds[i]!]),
      });
    }
    await batched(enders, step);
    const claims: { from: Address; data: Hex }[] = [];
    for (let i = 0; i < N; i += 200)
      claims.push({ from: provider, data: marketCall("claim", [leaseIds.slice(i, i + 200)]) });
    // One claim per block.
    for (const c of claims) await batched([c], step);

    const head = await publicClient.getBlockNumber();
    // Every transaction must have succeeded: check each block's receipts (where the node has
    // eth_getBlockReceipts; the lease count below is checked in any case).
    let receiptsChecked = true;
    for (let b = firstBlock; b <= head && receiptsChecked; b++) {
      const receipts = await rpc<{ status: Hex; transactionHash: Hex }[] | null>(
        "eth_getBlockReceipts",
        [numberToHex(b)],
      ).catch(() => ((receiptsChecked = false), null));
      const failed = (receipts ?? []).find((r) => r.status !== "0x1");
      if (failed)
        throw new Error(`bulk transaction ${failed.transactionHash} in block ${b} reverted`);
    }
    const leaseCount = await read<bigint>("leaseCount");
    if (leaseCount !== leaseBase + BigInt(N))
      throw new Error(`only ${leaseCount - leaseBase} of ${N} leases opened`);
    return { offerIds, leaseIds, endTime: clock, head };
  } finally {
    await rpc("evm_setAutomine", [true]);
  }
}
