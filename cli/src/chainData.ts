/** Reads of chain history the CLI needs without an indexer: a provider's offers and leases, a buyer's leases. */
import { getContractEvents } from "viem/actions";
import { gridleaseDeployment, gridleaseMarketAbi } from "@gridlease/sdk";
import { isAddressEqual, type Address } from "viem";
import type { Context } from "./context.ts";

/** First block worth scanning: the deployment's start block for the SDK's market, else genesis. */
export function scanStart(ctx: Pick<Context, "chain" | "market">): bigint {
  try {
    const known = gridleaseDeployment(ctx.chain.id).contracts.GridleaseMarket;
    if (known && isAddressEqual(known.address, ctx.market)) return BigInt(known.startBlock);
  } catch {
    /* unknown chain */
  }
  return 0n;
}

/** Blocks per eth_getLogs request: public RPCs refuse wide ranges. */
export const LOG_RANGE = 10_000n;

/** Runs `query` over [from, to] in ranges of LOG_RANGE blocks and concatenates the results. */
async function chunked<T>(
  ctx: Context,
  from: bigint,
  to: bigint | undefined,
  query: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>,
): Promise<T[]> {
  const end = to ?? (await ctx.client.getBlockNumber());
  const all: T[] = [];
  for (let start = from; start <= end; start += LOG_RANGE) {
    const stop = start + LOG_RANGE - 1n < end ? start + LOG_RANGE - 1n : end;
    all.push(...(await query(start, stop)));
  }
  return all;
}

export async function providerOfferIds(
  ctx: Context,
  provider: Address,
  toBlock?: bigint,
): Promise<bigint[]> {
  const logs = await chunked(ctx, scanStart(ctx), toBlock, (fromBlock, to) =>
    getContractEvents(ctx.client, {
      address: ctx.market,
      abi: gridleaseMarketAbi,
      eventName: "OfferCreated",
      args: { provider },
      fromBlock,
      toBlock: to,
      strict: true,
    }),
  );
  return logs.map((l) => l.args.offerId);
}

export async function leasesOpened(
  ctx: Context,
  filter: { offerIds?: bigint[]; buyer?: Address; leaseId?: bigint },
  range: { fromBlock?: bigint; toBlock?: bigint } = {},
) {
  if (filter.offerIds && filter.offerIds.length === 0) return [];
  return chunked(ctx, range.fromBlock ?? scanStart(ctx), range.toBlock, (fromBlock, toBlock) =>
    getContractEvents(ctx.client, {
      address: ctx.market,
      abi: gridleaseMarketAbi,
      eventName: "LeaseOpened",
      args: { leaseId: filter.leaseId, offerId: filter.offerIds, buyer: filter.buyer },
      fromBlock,
      toBlock,
      strict: true,
    }),
  );
}
