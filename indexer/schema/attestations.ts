/**
 * The attestation entities (EAS attestations of Gridlease's schemas, audits, reviews, buyer vettings and the
 * AttestationPolicy's requirements and credentials). Tables only: their relations are in ../ponder.schema.ts,
 * which re-exports these, so that this file imports no other table. Conventions as in ../ponder.schema.ts.
 */
import { index, onchainTable } from "ponder";

/**
 * An EAS attestation of one of Gridlease's three schemas (`Attested`, `Revoked`), id its uid. The expiry comes
 * from the schema's resolver event in the same transaction (EAS's `Attested` does not carry it).
 */
export const attestation = onchainTable(
  "attestation",
  (t) => ({
    id: t.text().primaryKey(),
    schema: t.hex().notNull(),
    /** "audit", "review" or "vetting". */
    kind: t.text().notNull(),
    attester: t.hex().notNull(),
    recipient: t.hex().notNull(),
    time: t.bigint().notNull(),
    /** 0: never expires. */
    expirationTime: t.bigint().notNull(),
    revokedAt: t.bigint(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    recipientIdx: index().on(table.recipient),
    attesterIdx: index().on(table.attester),
  }),
);

/** A hardware audit of an offer (`AuditAttested`, `AuditRevoked`), id the attestation's uid. */
export const audit = onchainTable(
  "audit",
  (t) => ({
    id: t.text().primaryKey(),
    offer: t.text().notNull(),
    provider: t.text().notNull(),
    auditor: t.hex().notNull(),
    hardwareReportHash: t.hex().notNull(),
    /** 1 Pass, 2 Fail. */
    verdict: t.integer().notNull(),
    validUntil: t.bigint().notNull(),
    attestedAt: t.bigint().notNull(),
    revokedAt: t.bigint(),
  }),
  (table) => ({ offerIdx: index().on(table.offer), providerIdx: index().on(table.provider) }),
);

/** A buyer's review of a lease (`ReviewPosted`), id the attestation's uid: one per lease, never revoked. */
export const review = onchainTable(
  "review",
  (t) => ({
    id: t.text().primaryKey(),
    lease: t.text().notNull(),
    provider: t.text().notNull(),
    buyer: t.text().notNull(),
    /** 1..5. */
    score: t.integer().notNull(),
    /** The buyer's `lease verify` passed. */
    verified: t.boolean().notNull(),
    reportHash: t.hex().notNull(),
    createdAt: t.bigint().notNull(),
    /** Micro-USD of protocol fee its lease paid: its weight in the provider's reputation; 0 until the lease ended. */
    feeWeight: t.bigint().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider) }),
);

/** A vetting of a buyer (`BuyerVetted`, `BuyerVettingRevoked`), id the attestation's uid. */
export const buyerVetting = onchainTable(
  "buyer_vetting",
  (t) => ({
    id: t.text().primaryKey(),
    buyer: t.hex().notNull(),
    attester: t.hex().notNull(),
    evidenceHash: t.hex().notNull(),
    /** 0: never expires. */
    expirationTime: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    revokedAt: t.bigint(),
  }),
  (table) => ({ buyerIdx: index().on(table.buyer) }),
);

/** The attestation an AttestationPolicy offer asks of its buyers (`RequirementSet`), id the offer id. */
export const offerRequirement = onchainTable("offer_requirement", (t) => ({
  id: t.text().primaryKey(),
  provider: t.text().notNull(),
  schema: t.hex().notNull(),
  /** The attesters the provider accepts (1 to 8, lowercase hex). */
  attesters: t.text().array().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** The attestation a buyer registered with AttestationPolicy for one schema (`AttestationRegistered`), id `<buyer>:<schema>`. */
export const policyCredential = onchainTable(
  "policy_credential",
  (t) => ({
    id: t.text().primaryKey(),
    buyer: t.hex().notNull(),
    schema: t.hex().notNull(),
    uid: t.hex().notNull(),
    attester: t.hex().notNull(),
    registeredAt: t.bigint().notNull(),
  }),
  (table) => ({ buyerIdx: index().on(table.buyer) }),
);
