/** Market configuration and payment tokens: TreasurySet, ProtocolFeeSet, ActivationWindowSet, MarketPausedSet,
 * PaymentTokenSet, FeesWithdrawn, PenaltyRateSet; credits (CreditAdded, CreditWithdrawn) and TokensSwept. */
import { ponder } from "ponder:registry";
import { tokenSweep } from "ponder:schema";
import {
  addCredit,
  idOf,
  logId,
  upsertAccount,
  upsertMarket,
  upsertPaymentToken,
} from "./store.ts";

type Hex = `0x${string}`;

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

ponder.on("GridleaseMarket:PenaltyRateSet", async ({ event, context }) => {
  await upsertMarket(context.db, event.log.address, event.block.timestamp, () => ({
    bondToken: idOf(event.args.bondToken) as Hex,
    penaltyBps: event.args.penaltyBps,
  }));
});

// Credits go to the buyer of the lease whose payout failed, so the account row exists already.
ponder.on("GridleaseMarket:CreditAdded", async ({ event, context }) => {
  const { account, token, amount } = event.args;
  await upsertAccount(context.db, account, event.block.timestamp);
  await addCredit(context.db, account, token, { credited: amount }, event.block.timestamp);
});

ponder.on("GridleaseMarket:CreditWithdrawn", async ({ event, context }) => {
  const { account, token, amount } = event.args;
  await upsertAccount(context.db, account, event.block.timestamp);
  await addCredit(context.db, account, token, { withdrawn: amount }, event.block.timestamp);
});

ponder.on("GridleaseMarket:TokensSwept", async ({ event, context }) => {
  await context.db.insert(tokenSweep).values({
    id: logId(event.transaction.hash, event.log.logIndex),
    token: idOf(event.args.token) as Hex,
    to: idOf(event.args.to) as Hex,
    amount: event.args.amount,
    timestamp: event.block.timestamp,
    blockNumber: event.block.number,
    txHash: idOf(event.transaction.hash) as Hex,
  });
});
