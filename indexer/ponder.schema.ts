/**
 * The Gridlease entities, rebuilt from events alone: the market's, EAS's for Gridlease's schemas, the resolvers' and
 * AttestationPolicy's. The statistics and the attestation tables are in ./schema/ (re-exported here, their
 * relations below). The subgraph (subgraph/schema.graphql) defines the same entities with the same fields;
 * test/indexer/schema-parity.test.ts keeps the two in step.
 *
 * Conventions shared with the subgraph:
 * - every id is text: addresses lowercase hex, offers and leases their decimal id, log-derived rows
 *   `<txHash>-<logIndex>`, statistics `<label>:<token>[:<day>]`;
 * - a reference to another entity is a text column holding that entity's id;
 * - uint256 values are bigint; counters are integer; other addresses and bytes are hex.
 * GPU time is counted in GPU-seconds (exact integers); GPU-hours = GPU-seconds / 3600. See indexer/README.md.
 * Outage time is counted in unit-seconds on a lease (as the contract bills it) and in GPU-seconds elsewhere.
 */
import { index, onchainTable, relations } from "ponder";
import { gpuModelDayStat, gpuModelStat, regionDayStat, regionStat } from "./schema/stats.ts";
import {
  attestation,
  audit,
  buyerVetting,
  offerRequirement,
  policyCredential,
  review,
} from "./schema/attestations.ts";
import { providerBond, serverEnd, topUp } from "./schema/reserved.ts";
import { bindTextIds } from "./schema/textIds.ts";
import { accountSpending, credit, tokenSweep } from "./schema/funds.ts";

export * from "./schema/attestations.ts";
export * from "./schema/reserved.ts";
export * from "./schema/funds.ts";
export * from "./schema/stats.ts";

/** The market contract: its configuration and global counters. */
export const market = onchainTable("market", (t) => ({
  id: t.text().primaryKey(),
  treasury: t.hex().notNull(),
  feeBps: t.bigint().notNull(),
  activationWindow: t.bigint().notNull(),
  paused: t.boolean().notNull(),
  /** The token bonds and penalties are in, from `PenaltyRateSet` at deployment. */
  bondToken: t.hex().notNull(),
  /** The share of an offer's minimum bond each lease reserves (PENALTY_BPS), from `PenaltyRateSet`. */
  penaltyBps: t.bigint().notNull(),
  providerCount: t.integer().notNull(),
  offerCount: t.integer().notNull(),
  leaseCount: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** An ERC-20 the market has allowed (now or before), with the flows through it. */
export const paymentToken = onchainTable("payment_token", (t) => ({
  id: t.text().primaryKey(),
  allowed: t.boolean().notNull(),
  leaseCount: t.integer().notNull(),
  volume: t.bigint().notNull(),
  refunded: t.bigint().notNull(),
  paidToProviders: t.bigint().notNull(),
  feesAccrued: t.bigint().notNull(),
  feesWithdrawn: t.bigint().notNull(),
  firstSeenAt: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** A provider and its track record. */
export const provider = onchainTable(
  "provider",
  (t) => ({
    id: t.text().primaryKey(),
    metadataURI: t.text().notNull(),
    /** Its bond in the market's bond token (GRID); bonds in every token are its ProviderBond rows. */
    bond: t.bigint().notNull(),
    /** Part of that bond reserved as the penalties of its live leases in GRID. */
    lockedBond: t.bigint().notNull(),
    offerCount: t.integer().notNull(),
    leaseCount: t.integer().notNull(),
    leasesServed: t.integer().notNull(),
    gpuSecondsServed: t.bigint().notNull(),
    noShows: t.integer().notNull(),
    providerTerminations: t.integer().notNull(),
    penaltiesPaid: t.bigint().notNull(),
    /** GPU-seconds its ended leases were down (outages, an outage still open counted to the lease's end). */
    gpuSecondsDown: t.bigint().notNull(),
    /** gpuSecondsServed ÷ (gpuSecondsServed + gpuSecondsDown) in basis points; 10,000 before any lease ended. */
    availabilityBps: t.integer().notNull(),
    /** Outage reports filed on its leases. */
    outageReports: t.integer().notNull(),
    /** Its leases with an outage open now. */
    openOutages: t.integer().notNull(),
    /** Its leases that ended as OutageUnresolved. */
    outagesUnresolved: t.integer().notNull(),
    /** Its leases waiting for activation now (overdue ones included); ended = leaseCount − pending − active. */
    pendingLeases: t.integer().notNull(),
    /** Its leases activated and not yet ended (past their end but not closed included). */
    activeLeases: t.integer().notNull(),
    firstSeenAt: t.bigint().notNull(),
    lastSeenAt: t.bigint().notNull(),
    // Reputation inputs (sdk/src/reputation.ts): each weight is micro-USD of protocol fee, converted at the
    // reference rates, so that padding the record costs what the padding leases pay. See indexer/README.md.
    /** Σ fee its ended leases paid: usd(floor(accrued × feeBps / 10,000)), booked at LeaseEnded. */
    feesPaidUsdMicros: t.bigint().notNull(),
    /** Σ that paid fee over its leases ended Expired or BuyerTerminated. */
    completedWeight: t.bigint().notNull(),
    /** Σ usd(floor(deposit × feeBps / 10,000)) over its leases ended NoShowCancelled, ProviderTerminated or OutageUnresolved. */
    faultWeight: t.bigint().notNull(),
    /** The NoShowCancelled part of faultWeight. */
    noShowWeight: t.bigint().notNull(),
    /** Σ paid fee over its ended leases that were activated. */
    deliveredWeight: t.bigint().notNull(),
    /** Σ floor(fee × delivered / (delivered + down in outages open ≥ 900 s)) over the same leases. */
    uptimeWeight: t.bigint().notNull(),
    /** Σ its lease's paid fee over reviews whose lease has ended. */
    reviewWeight: t.bigint().notNull(),
    /** Σ paid fee × score over the same reviews. */
    reviewScoreWeight: t.bigint().notNull(),
    /** Latest validUntil of an unrevoked Pass audit of one of its offers by a published auditor; 0 if none. */
    auditedUntil: t.bigint().notNull(),
    /** Reviews of its leases. */
    reviewCount: t.integer().notNull(),
    /** Audits of its offers, by any auditor, revoked ones included. */
    auditCount: t.integer().notNull(),
  }),
  // The explorer's provider orders (./src/api/explorer/providers.ts): each sort column, then the id.
  (table) => ({
    lastSeenIdx: index().on(table.lastSeenAt),
    servedIdx: index().on(table.leasesServed, table.id),
    availabilityIdx: index().on(table.availabilityBps, table.id),
    gpuSecondsIdx: index().on(table.gpuSecondsServed, table.id),
    firstSeenIdx: index().on(table.firstSeenAt, table.id),
  }),
);

/** A provider's earnings in one payment token (amounts in different tokens are never added up). */
export const providerEarning = onchainTable(
  "provider_earning",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.text().notNull(),
    paymentToken: t.text().notNull(),
    earningsAccrued: t.bigint().notNull(),
    earningsClaimed: t.bigint().notNull(),
    feesPaid: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider) }),
);

/** A listing of capacity, with its current terms. */
export const offer = onchainTable(
  "offer",
  (t) => ({
    id: t.text().primaryKey(),
    offerId: t.bigint().notNull(),
    provider: t.text().notNull(),
    paymentToken: t.text().notNull(),
    gpuModel: t.text().notNull(),
    region: t.text().notNull(),
    gpusPerUnit: t.bigint().notNull(),
    totalUnits: t.bigint().notNull(),
    unitsInUse: t.bigint().notNull(),
    pricePerGpuHour: t.bigint().notNull(),
    initialPricePerGpuHour: t.bigint().notNull(),
    minDuration: t.bigint().notNull(),
    maxDuration: t.bigint().notNull(),
    /** Seconds the provider has to resolve an outage on a lease of this offer. */
    repairWindow: t.bigint().notNull(),
    /** In the offer's payment token. */
    minProviderBond: t.bigint().notNull(),
    // Reserved terms (`OfferTermsSet`, fixed at creation); all 0 for an offer without them.
    /** Least a rolling lease prepays, in seconds; 0: leases are fully prepaid. */
    prepaidWindow: t.bigint().notNull(),
    /** Seconds from activation during which a buyer's early exit is charged; 0: none. */
    commitment: t.bigint().notNull(),
    /** Billed notice an early exit costs, in seconds (a committed offer has this or exitFeeBps). */
    noticePeriod: t.bigint().notNull(),
    /** Exit fee in bps of the committed value left. */
    exitFeeBps: t.bigint().notNull(),
    buyerPolicy: t.hex().notNull(),
    specHash: t.hex().notNull(),
    specURI: t.text().notNull(),
    paused: t.boolean().notNull(),
    leaseCount: t.integer().notNull(),
    /** Its latest NVIDIA attestation claim (the claim's id, the offer's); null before any. */
    attestation: t.text(),
    createdAt: t.bigint().notNull(),
    createdAtBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  // The explorer's offer filters and orders (./src/api/explorer/offers.ts): newest by offer id, price by price
  // then offer id, each alone or after one filter column.
  (table) => ({
    providerIdx: index().on(table.provider),
    modelIdx: index().on(table.gpuModel),
    numberIdx: index().on(table.offerId),
    priceIdx: index().on(table.pricePerGpuHour, table.offerId),
    modelNumberIdx: index().on(table.gpuModel, table.offerId),
    modelPriceIdx: index().on(table.gpuModel, table.pricePerGpuHour, table.offerId),
    regionNumberIdx: index().on(table.region, table.offerId),
    regionPriceIdx: index().on(table.region, table.pricePerGpuHour, table.offerId),
    providerNumberIdx: index().on(table.provider, table.offerId),
    providerPriceIdx: index().on(table.provider, table.pricePerGpuHour, table.offerId),
  }),
);

/**
 * An offer's latest NVIDIA attestation claim (`OfferAttestationPublished`), one per offer (its id is the offer's):
 * the report and chain as published. The market checked only the nonce, the block's age and the sizes; whether the
 * report is genuine is for clients to verify from these bytes (the SDK's `verifyOfferClaim`).
 */
export const offerAttestation = onchainTable("offer_attestation", (t) => ({
  id: t.text().primaryKey(),
  offer: t.text().notNull(),
  provider: t.text().notNull(),
  /** 1 Hopper, 2 Blackwell. */
  generation: t.integer().notNull(),
  /** The block whose hash the nonce is bound to. */
  nonceBlock: t.bigint().notNull(),
  nonce: t.hex().notNull(),
  /** keccak256 of the report, as the market stores it. */
  reportHash: t.hex().notNull(),
  /** The SPDM GET_MEASUREMENTS request and signed response. */
  report: t.hex().notNull(),
  /** The device certificate chain, PEM text as bytes, leaf first. */
  certChain: t.hex().notNull(),
  publishedAt: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

/** One change of an offer's price: the offer's price history. */
export const offerPriceChange = onchainTable(
  "offer_price_change",
  (t) => ({
    id: t.text().primaryKey(),
    offer: t.text().notNull(),
    oldPrice: t.bigint().notNull(),
    newPrice: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ offerIdx: index().on(table.offer, table.timestamp) }),
);

/** A lease: its locked terms, its parties, its timeline and its settlement breakdown. */
export const lease = onchainTable(
  "lease",
  (t) => ({
    id: t.text().primaryKey(),
    leaseId: t.bigint().notNull(),
    offer: t.text().notNull(),
    provider: t.text().notNull(),
    buyer: t.text().notNull(),
    paymentToken: t.text().notNull(),
    gpuModel: t.text().notNull(),
    region: t.text().notNull(),
    units: t.bigint().notNull(),
    gpusPerUnit: t.bigint().notNull(),
    gpus: t.bigint().notNull(),
    pricePerGpuHour: t.bigint().notNull(),
    feeBps: t.bigint().notNull(),
    duration: t.bigint().notNull(),
    initialDuration: t.bigint().notNull(),
    status: t.text().notNull(),
    endReason: t.text().notNull(),
    buyerPublicKey: t.hex().notNull(),
    activationDeadline: t.bigint().notNull(),
    openedAt: t.bigint().notNull(),
    openedAtBlock: t.bigint().notNull(),
    startTime: t.bigint(),
    endTime: t.bigint(),
    closedAt: t.bigint(),
    deposit: t.bigint().notNull(),
    topUps: t.bigint().notNull(),
    extensionCount: t.integer().notNull(),
    accrued: t.bigint().notNull(),
    claimedGross: t.bigint().notNull(),
    paidToProvider: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    refunded: t.bigint().notNull(),
    penalty: t.bigint().notNull(),
    encryptedAccess: t.hex(),
    accessPostedAt: t.bigint(),
    accessRotatedAt: t.bigint(),
    accessRotations: t.integer().notNull(),
    /** An outage is open now: billing is paused for `downUnits` of its servers. */
    outageOpen: t.boolean().notNull(),
    /** Servers down in the open outage; 0 when none is open. */
    downUnits: t.bigint().notNull(),
    /** When the open outage (or its last raise) began; null when none is open. */
    outageSince: t.bigint(),
    /** The open (or last) outage's repair deadline; null before any report. */
    repairDeadline: t.bigint(),
    /** When the last outage was resolved; null before any. */
    lastResolvedAt: t.bigint(),
    outageReports: t.integer().notNull(),
    /** Seconds the lease's end moved later for resolved outages (the contract's `extension`). */
    outageDowntime: t.bigint().notNull(),
    /** Down unit-seconds of resolved outages and raises; once ended, the open outage's up to the end too. */
    downUnitSeconds: t.bigint().notNull(),
    /** When the open outage was first reported (a raise keeps it); null when none is open. */
    outageStartedAt: t.bigint(),
    /** downUnitSeconds when the open outage was first reported; 0 when none is open. */
    outageStartDownUnitSeconds: t.bigint().notNull(),
    /** Down unit-seconds of the outages that stayed open at least 900 s (shorter ones are not held against it). */
    longDownUnitSeconds: t.bigint().notNull(),
    /** Its buyer's review (the attestation's uid); null before any. */
    review: t.text(),
    // Reserved capacity (./src/reserved.ts). duration is the funded seconds; term is what the lease may run.
    /** Opened by openRollingLease (its term is longer than it funded, or it escrowed exit terms). */
    rolling: t.boolean().notNull(),
    /** Seconds the lease may run (= the initial duration for a fully prepaid lease). */
    term: t.bigint().notNull(),
    /** Billing stops here: start + duration + outage extension; null before activation. */
    fundedUntil: t.bigint(),
    /** Exit charge escrowed at open (committed rolling leases). */
    exitEscrow: t.bigint().notNull(),
    /** Penalty reserved from the provider's bond now (a failure pays a share, a release frees one). */
    reservedPenalty: t.bigint().notNull(),
    /** Exit charges kept as earnings: releases before the commitment's end, an early exit, an Unfunded end. */
    exitCharge: t.bigint().notNull(),
    unitsReleased: t.bigint().notNull(),
    unitsFailed: t.bigint().notNull(),
    /** The buyer's top-up allowance (all 0 when none): cap per top-up, what is left, the runway it waits for. */
    topUpPerTopUp: t.bigint().notNull(),
    topUpRemaining: t.bigint().notNull(),
    topUpThreshold: t.bigint().notNull(),
    /** The buyer revoked its allowance (a later grant clears it). */
    topUpRevoked: t.boolean().notNull(),
    topUpCount: t.integer().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    // Every index is written on each flush of a lease row, so there is none the reads do not use: the GraphQL lists
    // (the SDK's listLeases) order by the lease id too, and an (x, leaseId) index also serves an equality on x.
    outageIdx: index().on(table.outageOpen, table.provider),
    // The explorer's lease pages (./src/api/explorer/leases.ts) walk the lease id (opening order), alone or after
    // one equality filter; the planner takes the most selective and checks the others on the rows it reads.
    numberIdx: index().on(table.leaseId),
    modelNumberIdx: index().on(table.gpuModel, table.leaseId),
    regionNumberIdx: index().on(table.region, table.leaseId),
    modelRegionNumberIdx: index().on(table.gpuModel, table.region, table.leaseId),
    statusNumberIdx: index().on(table.status, table.leaseId),
    reasonNumberIdx: index().on(table.endReason, table.leaseId),
    buyerNumberIdx: index().on(table.buyer, table.leaseId),
    providerNumberIdx: index().on(table.provider, table.leaseId),
    offerNumberIdx: index().on(table.offer, table.leaseId),
    // The time-derived statuses: pending past the activation deadline, active past the end (bounded counts).
    statusDeadlineIdx: index().on(table.status, table.activationDeadline),
    statusEndIdx: index().on(table.status, table.endTime),
  }),
);

/** Every state change of a lease, in order. */
export const leaseEvent = onchainTable(
  "lease_event",
  (t) => ({
    id: t.text().primaryKey(),
    lease: t.text().notNull(),
    type: t.text().notNull(),
    account: t.hex(),
    txHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    amount: t.bigint(),
    fee: t.bigint(),
    refund: t.bigint(),
    penalty: t.bigint(),
    duration: t.bigint(),
    startTime: t.bigint(),
    endTime: t.bigint(),
    endReason: t.text(),
    /** OutageReported: servers down from now on. */
    downUnits: t.bigint(),
    evidenceHash: t.hex(),
    /** OutageReported: the outage's repair deadline. */
    repairDeadline: t.bigint(),
    /** OutageReported: reports on the lease so far, this one included. */
    reports: t.integer(),
    /** OutageResolved: the lease's down unit-seconds so far. */
    downUnitSeconds: t.bigint(),
    /** OutageResolved: new access details came with it. */
    accessChanged: t.boolean(),
  }),
  (table) => ({
    leaseIdx: index().on(table.lease, table.blockNumber, table.logIndex),
    // Search by transaction (the SDK's listTransactionEvents): without it, a scan of every event (~100 ms at
    // 100,000 leases on PostgreSQL, bench/indexer.postgres.100000.json).
    txIdx: index().on(table.txHash),
  }),
);

/** An address as a buyer. */
export const account = onchainTable(
  "account",
  (t) => ({
    id: t.text().primaryKey(),
    leaseCount: t.integer().notNull(),
    gpuSecondsBought: t.bigint().notNull(),
    penaltiesReceived: t.bigint().notNull(),
    /** Outage reports it filed as a buyer (raises included): providers see buyers who cry wolf. */
    outageReports: t.integer().notNull(),
    /** Its leases waiting for activation now (overdue ones included); ended = leaseCount − pending − active. */
    pendingLeases: t.integer().notNull(),
    /** Its leases activated and not yet ended (past their end but not closed included). */
    activeLeases: t.integer().notNull(),
    firstSeenAt: t.bigint().notNull(),
    lastSeenAt: t.bigint().notNull(),
  }),
  // The explorer's account orders (./src/api/explorer/accounts.ts): each sort column, then the id.
  (table) => ({
    leasesIdx: index().on(table.leaseCount, table.id),
    gpuSecondsIdx: index().on(table.gpuSecondsBought, table.id),
    firstSeenIdx: index().on(table.firstSeenAt, table.id),
  }),
);

/**
 * How many leases have one GPU model, region, status and end reason (id `<model>:<region>:<status>:<endReason>`):
 * the explorer's totals add up these few rows instead of counting leases. A lease moves between rows when its
 * status changes (Pending -> Active -> Ended with its reason).
 */
export const leaseCount = onchainTable("lease_count", (t) => ({
  id: t.text().primaryKey(),
  gpuModel: t.text().notNull(),
  region: t.text().notNull(),
  status: t.text().notNull(),
  endReason: t.text().notNull(),
  leaseCount: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
}));

export const providerRelations = relations(provider, ({ many }) => ({
  offers: many(offer),
  leases: many(lease),
  earnings: many(providerEarning),
  audits: many(audit),
  reviews: many(review),
  bonds: many(providerBond),
}));

export const providerBondRelations = relations(providerBond, ({ one }) => ({
  provider: one(provider, { fields: [providerBond.provider], references: [provider.id] }),
}));

export const topUpRelations = relations(topUp, ({ one }) => ({
  lease: one(lease, { fields: [topUp.lease], references: [lease.id] }),
}));

export const serverEndRelations = relations(serverEnd, ({ one }) => ({
  lease: one(lease, { fields: [serverEnd.lease], references: [lease.id] }),
}));

export const auditRelations = relations(audit, ({ one }) => ({
  offer: one(offer, { fields: [audit.offer], references: [offer.id] }),
  provider: one(provider, { fields: [audit.provider], references: [provider.id] }),
}));

export const reviewRelations = relations(review, ({ one }) => ({
  lease: one(lease, { fields: [review.lease], references: [lease.id] }),
  provider: one(provider, { fields: [review.provider], references: [provider.id] }),
  buyer: one(account, { fields: [review.buyer], references: [account.id] }),
}));

export const offerRequirementRelations = relations(offerRequirement, ({ one }) => ({
  provider: one(provider, { fields: [offerRequirement.provider], references: [provider.id] }),
}));

export const providerEarningRelations = relations(providerEarning, ({ one }) => ({
  provider: one(provider, { fields: [providerEarning.provider], references: [provider.id] }),
  paymentToken: one(paymentToken, {
    fields: [providerEarning.paymentToken],
    references: [paymentToken.id],
  }),
}));

export const offerRelations = relations(offer, ({ one, many }) => ({
  provider: one(provider, { fields: [offer.provider], references: [provider.id] }),
  paymentToken: one(paymentToken, { fields: [offer.paymentToken], references: [paymentToken.id] }),
  attestation: one(offerAttestation, {
    fields: [offer.attestation],
    references: [offerAttestation.id],
  }),
  priceChanges: many(offerPriceChange),
  leases: many(lease),
  audits: many(audit),
}));

export const offerAttestationRelations = relations(offerAttestation, ({ one }) => ({
  offer: one(offer, { fields: [offerAttestation.offer], references: [offer.id] }),
  provider: one(provider, { fields: [offerAttestation.provider], references: [provider.id] }),
}));

export const offerPriceChangeRelations = relations(offerPriceChange, ({ one }) => ({
  offer: one(offer, { fields: [offerPriceChange.offer], references: [offer.id] }),
}));

export const leaseRelations = relations(lease, ({ one, many }) => ({
  offer: one(offer, { fields: [lease.offer], references: [offer.id] }),
  provider: one(provider, { fields: [lease.provider], references: [provider.id] }),
  buyer: one(account, { fields: [lease.buyer], references: [account.id] }),
  paymentToken: one(paymentToken, { fields: [lease.paymentToken], references: [paymentToken.id] }),
  review: one(review, { fields: [lease.review], references: [review.id] }),
  events: many(leaseEvent),
  executedTopUps: many(topUp),
  serverEnds: many(serverEnd),
}));

export const leaseEventRelations = relations(leaseEvent, ({ one }) => ({
  lease: one(lease, { fields: [leaseEvent.lease], references: [lease.id] }),
}));

export const accountRelations = relations(account, ({ many }) => ({
  leases: many(lease),
  spending: many(accountSpending),
  credits: many(credit),
}));

export const creditRelations = relations(credit, ({ one }) => ({
  account: one(account, { fields: [credit.account], references: [account.id] }),
}));

export const accountSpendingRelations = relations(accountSpending, ({ one }) => ({
  account: one(account, { fields: [accountSpending.account], references: [account.id] }),
  paymentToken: one(paymentToken, {
    fields: [accountSpending.paymentToken],
    references: [paymentToken.id],
  }),
}));

export const gpuModelStatRelations = relations(gpuModelStat, ({ one }) => ({
  paymentToken: one(paymentToken, {
    fields: [gpuModelStat.paymentToken],
    references: [paymentToken.id],
  }),
}));
export const gpuModelDayStatRelations = relations(gpuModelDayStat, ({ one }) => ({
  paymentToken: one(paymentToken, {
    fields: [gpuModelDayStat.paymentToken],
    references: [paymentToken.id],
  }),
}));
export const regionStatRelations = relations(regionStat, ({ one }) => ({
  paymentToken: one(paymentToken, {
    fields: [regionStat.paymentToken],
    references: [paymentToken.id],
  }),
}));
export const regionDayStatRelations = relations(regionDayStat, ({ one }) => ({
  paymentToken: one(paymentToken, {
    fields: [regionDayStat.paymentToken],
    references: [paymentToken.id],
  }),
}));

// See ./schema/textIds.ts.
bindTextIds([
  market,
  paymentToken,
  provider,
  providerEarning,
  offer,
  offerPriceChange,
  offerAttestation,
  lease,
  leaseEvent,
  account,
  leaseCount,
  accountSpending,
  credit,
  tokenSweep,
  gpuModelStat,
  gpuModelDayStat,
  regionStat,
  regionDayStat,
  attestation,
  audit,
  review,
  buyerVetting,
  offerRequirement,
  policyCredential,
  topUp,
  serverEnd,
  providerBond,
]);
