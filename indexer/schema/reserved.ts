/**
 * The reserved-capacity entities (issue #12): each executed top-up, each release or failure of some of a lease's
 * servers, and each provider's bond in one payment token. Tables only: their relations are in ../ponder.schema.ts,
 * which re-exports these. Conventions as in ../ponder.schema.ts.
 */
import { index, onchainTable } from "ponder";

/** One executed top-up of a rolling lease (`TopUpExecuted`), id `<txHash>-<logIndex>`. */
export const topUp = onchainTable(
  "top_up",
  (t) => ({
    id: t.text().primaryKey(),
    lease: t.text().notNull(),
    /** Who sent it: the provider's agent, a keeper or the buyer; the buyer paid. */
    executor: t.hex().notNull(),
    addedDuration: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    /** The lease's funded end after it. */
    fundedUntil: t.bigint().notNull(),
    /** What the allowance had left after it. */
    remaining: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ leaseIdx: index().on(table.lease, table.blockNumber) }),
);

/** Some servers of a lease ended while the rest ran on (`ServersReleased`, `ServersFailed`), id `<txHash>-<logIndex>`. */
export const serverEnd = onchainTable(
  "server_end",
  (t) => ({
    id: t.text().primaryKey(),
    lease: t.text().notNull(),
    /** "Released" by the buyer or "Failed" by the provider. */
    kind: t.text().notNull(),
    count: t.bigint().notNull(),
    /** Paid back to the buyer for those servers' unused time. */
    refund: t.bigint().notNull(),
    /** A release before the commitment's end: what it cost (kept as earnings); 0 for a failure. */
    exitCharge: t.bigint().notNull(),
    /** Their share of the lease's penalty: paid to the buyer on a failure, unreserved on a release. */
    penalty: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ leaseIdx: index().on(table.lease, table.blockNumber) }),
);

/**
 * A provider's bond in one payment token (id `<provider>:<token>`): penalties of leases in that token are reserved
 * from it and paid out of it.
 */
export const providerBond = onchainTable(
  "provider_bond",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.text().notNull(),
    token: t.hex().notNull(),
    /** The bond now (`newBond` of the last deposit or withdrawal, less penalties paid since). */
    amount: t.bigint().notNull(),
    /** Reserved as the penalties of its live leases in this token. */
    locked: t.bigint().notNull(),
    /** Penalties paid out of it to buyers. */
    penaltiesPaid: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider) }),
);
