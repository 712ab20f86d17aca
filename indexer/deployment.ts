/**
 * The deployment this indexer follows, from @gridlease/sdk's generated record (`npm run codegen`): the market's
 * address and start block for ponder.config.ts. The penalty rate comes from the market's `PenaltyRateSet` event.
 *
 * GRIDLEASE_CHAIN_ID picks the chain (default 31337, the local chain).
 */
import { deployments } from "@gridlease/sdk/deployments";

interface MarketRecord {
  address: `0x${string}`;
  startBlock: number;
}

export const chainId = process.env.GRIDLEASE_CHAIN_ID ?? "31337";

const record: { network: string; contracts: { GridleaseMarket?: MarketRecord } } | undefined = (
  deployments as Record<string, { network: string; contracts: { GridleaseMarket?: MarketRecord } }>
)[chainId];
const marketRecord = record?.contracts.GridleaseMarket;
if (!record || !marketRecord) {
  throw new Error(
    `@gridlease/sdk has no GridleaseMarket deployment for chain ${chainId} (known: ${Object.keys(deployments).join(", ")})`,
  );
}
/** The network name of the indexed chain. */
export const network = record.network;
/** The market's address and the block to start indexing from. */
export const marketDeployment = marketRecord;
