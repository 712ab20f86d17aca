// Market configuration and payment tokens, as indexer/src/admin.ts.
import {
  ActivationWindowSet,
  FeesWithdrawn,
  MarketPausedSet,
  PaymentTokenSet,
  ProtocolFeeSet,
  TreasurySet,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { touchMarket, touchPaymentToken } from "../common/entities";
import { idOf } from "../common/ids";

export function handleTreasurySet(event: TreasurySet): void {
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.treasury = event.params.newTreasury;
  market.save();
}

export function handleProtocolFeeSet(event: ProtocolFeeSet): void {
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.feeBps = event.params.newFeeBps;
  market.save();
}

export function handleActivationWindowSet(event: ActivationWindowSet): void {
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.activationWindow = event.params.newWindow;
  market.save();
}

export function handleMarketPausedSet(event: MarketPausedSet): void {
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.paused = event.params.paused;
  market.save();
}

export function handlePaymentTokenSet(event: PaymentTokenSet): void {
  let token = touchPaymentToken(idOf(event.params.token), event.block.timestamp);
  token.allowed = event.params.allowed;
  token.save();
}

export function handleFeesWithdrawn(event: FeesWithdrawn): void {
  let token = touchPaymentToken(idOf(event.params.token), event.block.timestamp);
  token.feesWithdrawn = token.feesWithdrawn.plus(event.params.amount);
  token.save();
}
