/** Market configuration and payment tokens: TreasurySet, ProtocolFeeSet, ActivationWindowSet, MarketPausedSet,
 * PaymentTokenSet, FeesWithdrawn. */
import { ponder } from "ponder:registry";
import { idOf, upsertMarket, upsertPaymentToken } from "./store.ts";

ponder.on("GridleaseMarket:TreasurySet", async ({ event, context }) => {
  await upsertMarket(context.db, event.log.address, event.block.timestamp, () => ({
    treasury: idOf(event.args.newTreasury) as `0x${string}`,
  }));
});

ponder.on("GridleaseMarket:ProtocolFeeSet", async ({ event, context }) => {
  await upsertMarket(context.db, event.log.address, event.block.timestamp, () => ({
    feeBps: event.args.newFeeBps,
  }));
});

ponder.on("GridleaseMarket:ActivationWindowSet", async ({ event, context }) => {
  await upsertMarket(context.db, event.log.address, event.block.timestamp, () => ({
    activationWindow: event.args.newWindow,
  }));
});

ponder.on("GridleaseMarket:MarketPausedSet", async ({ event, context }) => {
  await upsertMarket(context.db, event.log.address, event.block.timestamp, () => ({
    paused: event.args.paused,
  }));
});

ponder.on("GridleaseMarket:PaymentTokenSet", async ({ event, context }) => {
  await upsertPaymentToken(context.db, event.args.token, event.block.timestamp, () => ({
    allowed: event.args.allowed,
  }));
});

ponder.on("GridleaseMarket:FeesWithdrawn", async ({ event, context }) => {
  await upsertPaymentToken(context.db, event.args.token, event.block.timestamp, (row) => ({
    feesWithdrawn: row.feesWithdrawn + event.args.amount,
  }));
});
