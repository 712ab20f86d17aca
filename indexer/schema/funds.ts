/**
 * Money held for accounts outside leases: credits of undeliverable payouts, sweeps of stray tokens, and each
 * buyer's spending per token. Tables only: their relations are in ../ponder.schema.ts, which re-exports these.
 * Conventions as in ../ponder.schema.ts.
 */
import { index, onchainTable } from "ponder";

/** Payouts the market could not deliver to an account in one token, credited for it to withdraw. */
export const credit = onchainTable(
  "credit",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.text().notNull(),
    token: t.hex().notNull(),
    credited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    /** credited − withdrawn: what the account can withdraw now. */
    balance: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

/** Tokens the owner swept from the market (sent to it by mistake, never a payment token). */
export const tokenSweep = onchainTable("token_sweep", (t) => ({
  id: t.text().primaryKey(),
  token: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

/** A buyer's spending in one payment token: deposits and top-ups of its leases, less refunds. */
export const accountSpending = onchainTable(
  "account_spending",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.text().notNull(),
    paymentToken: t.text().notNull(),
    spent: t.bigint().notNull(),
    refunded: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);
