/**
 * The parity scenario's clock and callers (./scenario.ts, ./scenario-eas.ts): wallet clients, the shared block
 * batcher (../lib/block-batcher.ts, one transaction per block) and a deterministic clock, so that replaying the
 * scenario on any fresh Hardhat chain produces the same blocks, transactions and logs.
 */
import type { NetworkConnection } from "hardhat/types/network";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hex } from "viem";
import { gridleaseMarketAbi, gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { BlockBatcher } from "../lib/block-batcher.ts";

/** 2030-01-01T00:00:00Z: every scenario block is timed from here, on UTC day boundaries. */
export const SCENARIO_START = 1_893_456_000n;
export const HOUR = 3600n;
export const DAY = 86_400n;

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
