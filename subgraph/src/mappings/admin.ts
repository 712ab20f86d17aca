// Market configuration, payment tokens, credits and sweeps, as indexer/src/admin.ts.
import {
  ActivationWindowSet,
  CreditAdded,
  CreditWithdrawn,
  FeesWithdrawn,
  MarketPausedSet,
  PaymentTokenSet,
  PenaltyRateSet,
  ProtocolFeeSet,
  TokensSwept,
  TreasurySet,
} from "../../generated/GridleaseMarket/GridleaseMarket";
import { TokenSweep } from "../../generated/schema";
import { touchAccount, touchCredit, touchMarket, touchPaymentToken } from "../common/entities";
import { idOf, logId } from "../common/ids";

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

export function handlePenaltyRateSet(event: PenaltyRateSet): void {
  let market = touchMarket(idOf(event.address), event.block.timestamp);
  market.bondToken = event.params.bondToken;
  market.penaltyBps = event.params.penaltyBps;
  market.save();
}

// Credits go to the buyer of the lease whose payout failed, so the account row exists already.
export function handleCreditAdded(event: CreditAdded): void {
  let accountId = idOf(event.params.account);
  touchAccount(accountId, event.block.timestamp).save();
  let credit = touchCredit(accountId, event.params.token, event.block.timestamp);
  credit.credited = credit.credited.plus(event.params.amount);
  credit.balance = credit.credited.minus(credit.withdrawn);
  credit.save();
}

export function handleCreditWithdrawn(event: CreditWithdrawn): void {
  let accountId = idOf(event.params.account);
  touchAccount(accountId, event.block.timestamp).save();
  let credit = touchCredit(accountId, event.params.token, event.block.timestamp);
  credit.withdrawn = credit.withdrawn.plus(event.params.amount);
  credit.balance = credit.credited.minus(credit.withdrawn);
  credit.save();
}

export function handleTokensSwept(event: TokensSwept): void {
  let sweep = new TokenSweep(logId(event));
  sweep.token = event.params.token;
  sweep.to = event.params.to;
  sweep.amount = event.params.amount;
  sweep.timestamp = event.block.timestamp;
  sweep.blockNumber = event.block.number;
  sweep.txHash = event.transaction.hash;
  sweep.save();
}
