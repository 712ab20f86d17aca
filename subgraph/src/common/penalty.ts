// The bond a lease reserves, as `penalty()` in sdk/src/pricing.ts and `_penaltyOf` in the market.
import { BigInt, dataSource, log } from "@graphprotocol/graph-ts";
import { penaltyBpsOn } from "../generated/market";

const BPS = BigInt.fromI32(10000);

/** minProviderBond × PENALTY_BPS / 10,000, with PENALTY_BPS recorded per network by `npm run codegen`. */
export function penaltyOf(minProviderBond: BigInt): BigInt {
  let bps = penaltyBpsOn(dataSource.network());
  if (bps < 0) {
    log.critical("no penaltyBps recorded for network {}: run npm run codegen", [
      dataSource.network(),
    ]);
  }
  return minProviderBond.times(BigInt.fromI32(bps)).div(BPS);
}
