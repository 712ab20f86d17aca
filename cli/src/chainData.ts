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

export async function providerOfferIds(
  ctx: Context,
  provider: Address,
  toBlock?: bigint,
): Promise<bigint[]> {
  const logs = await getContractEvents(ctx.client, {
    address: ctx.market,
    abi: gridleaseMarketAbi,
    eventName: "OfferCreated",
    args: { provider },
    fromBlock: scanStart(ctx),
    toBlock,
    strict: true,
  });
  return logs.map((l) => l.args.offerId);
}

export async function leasesOpened(
  ctx: Context,
  filter: { offerIds?: bigint[]; buyer?: Address },
  range: { fromBlock?: bigint; toBlock?: bigint } = {},
) {
  if (filter.offerIds && filter.offerIds.length === 0) return [];
  return getContractEvents(ctx.client, {
    address: ctx.market,
    abi: gridleaseMarketAbi,
    eventName: "LeaseOpened",
    args: { offerId: filter.offerIds, buyer: filter.buyer },
    fromBlock: range.fromBlock ?? scanStart(ctx),
    toBlock: range.toBlock,
    strict: true,
  });
}
