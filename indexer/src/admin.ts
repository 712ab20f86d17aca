/** Market configuration and payment tokens: TreasurySet, ProtocolFeeSet, ActivationWindowSet, MarketPausedSet,
 * PaymentTokenSet, FeesWithdrawn. */
import { ponder } from "ponder:registry";
import { market, paymentToken } from "ponder:schema";
import { idOf, touchMarket, touchPaymentToken } from "./store.ts";

ponder.on("GridleaseMarket:TreasurySet", async ({ event, context }) => {
  await touchMarket(context.db, event.log.address, event.block.timestamp);
  await context.db
    .update(market, { id: idOf(event.log.address) })
    .set({ treasury: idOf(event.args.newTreasury) as `0x${string}` });
});

ponder.on("GridleaseMarket:ProtocolFeeSet", async ({ event, context }) => {
  await touchMarket(context.db, event.log.address, event.block.timestamp);
  await context.db
    .update(market, { id: idOf(event.log.address) })
    .set({ feeBps: event.args.newFeeBps });
});

ponder.on("GridleaseMarket:ActivationWindowSet", async ({ event, context }) => {
  await touchMarket(context.db, event.log.address, event.block.timestamp);
  await context.db
    .update(market, { id: idOf(event.log.address) })
    .set({ activationWindow: event.args.newWindow });
});

ponder.on("GridleaseMarket:MarketPausedSet", async ({ event, context }) => {
  await touchMarket(context.db, event.log.address, event.block.timestamp);
  await context.db
    .update(market, { id: idOf(event.log.address) })
    .set({ paused: event.args.paused });
});

ponder.on("GridleaseMarket:PaymentTokenSet", async ({ event, context }) => {
  await touchPaymentToken(context.db, event.args.token, event.block.timestamp);
  await context.db
    .update(paymentToken, { id: idOf(event.args.token) })
    .set({ allowed: event.args.allowed });
});

ponder.on("GridleaseMarket:FeesWithdrawn", async ({ event, context }) => {
  await touchPaymentToken(context.db, event.args.token, event.block.timestamp);
  await context.db
    .update(paymentToken, { id: idOf(event.args.token) })
    .set((row) => ({ feesWithdrawn: row.feesWithdrawn + event.args.amount }));
});
