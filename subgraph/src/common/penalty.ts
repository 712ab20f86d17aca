// The bond a lease reserves, as `reservedBond` in indexer/src/store.ts and `_penaltyOf` in the market.
import { BigInt, log } from "@graphprotocol/graph-ts";
import { Market } from "../../generated/schema";

const BPS = BigInt.fromI32(10000);

/**
 * minProviderBond × PENALTY_BPS / 10,000, with PENALTY_BPS from the market's PenaltyRateSet (emitted at deployment,
 * so before any lease).
 */
export function penaltyOf(marketId: string, minProviderBond: BigInt): BigInt {
  let market = Market.load(marketId);
  if (market == null) {
    log.critical("no market row for {}: PenaltyRateSet was not indexed", [marketId]);
    return BigInt.zero();
  }
  return minProviderBond.times(market.penaltyBps).div(BPS);
}
