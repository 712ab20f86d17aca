/**
 * EAS attestations of Gridlease's three schemas and what their resolvers emit: EAS `Attested` and `Revoked` (only
 * our schema UIDs; ponder.config.ts filters on the indexed schemaUID), `AuditAttested`, `AuditRevoked`,
 * `ReviewPosted`, `BuyerVetted` and `BuyerVettingRevoked`. In each transaction EAS logs first, then the resolver:
 * the resolver's event fills in the expiry EAS's event does not carry. An audit or a review changes its provider's
 * reputation inputs (./reputation.ts) but not its `lastSeenAt`: the provider did nothing.
 */
import { ponder } from "ponder:registry";
import { attestation, audit, buyerVetting, lease, provider, review } from "ponder:schema";
import { reviewEvidence } from "@gridlease/sdk/reputation";
import { schemaKinds } from "../deployment.ts";
import { idOf } from "./store.ts";
import { leaseFeeUsdMicros, PUBLISHED_AUDITORS, recomputeAuditedUntil } from "./reputation.ts";

type Hex = `0x${string}`;
const hex = (value: string) => idOf(value) as Hex;
/** Attestation ids are their uids, lowercase. */
const uidId = (uid: string) => uid.toLowerCase();

ponder.on("EAS:Attested", async ({ event, context }) => {
  const a = event.args;
  const kind = schemaKinds.get(a.schemaUID.toLowerCase());
  if (!kind) return;
  await context.db.insert(attestation).values({
    id: uidId(a.uid),
    schema: hex(a.schemaUID),
    kind,
    attester: hex(a.attester),
    recipient: hex(a.recipient),
    time: event.block.timestamp,
    expirationTime: 0n,
    revokedAt: null,
    txHash: hex(event.transaction.hash),
  });
});

ponder.on("EAS:Revoked", async ({ event, context }) => {
  if (!schemaKinds.has(event.args.schemaUID.toLowerCase())) return;
  await context.db
    .update(attestation, { id: uidId(event.args.uid) })
    .set({ revokedAt: event.block.timestamp });
});

ponder.on("GridleaseAuditResolver:AuditAttested", async ({ event, context }) => {
  const { db } = context;
  const a = event.args;
  const id = uidId(a.uid);
  const providerId = idOf(a.provider);
  const auditor = hex(a.auditor);
  await db.update(attestation, { id }).set({ expirationTime: a.validUntil });
  await db.insert(audit).values({
    id,
    offer: a.offerId.toString(),
    provider: providerId,
    auditor,
    hardwareReportHash: hex(a.hardwareReportHash),
    verdict: a.verdict,
    validUntil: a.validUntil,
    attestedAt: event.block.timestamp,
    revokedAt: null,
  });
  // Only a Pass by a published auditor can raise auditedUntil; expiry is the reader's to apply.
  const counts = a.verdict === 1 && PUBLISHED_AUDITORS.includes(auditor);
  await db.update(provider, { id: providerId }).set((row) => ({
    auditCount: row.auditCount + 1,
    auditedUntil: counts && a.validUntil > row.auditedUntil ? a.validUntil : row.auditedUntil,
  }));
});

ponder.on("GridleaseAuditResolver:AuditRevoked", async ({ event, context }) => {
  const { db } = context;
  const revoked = await db
    .update(audit, { id: uidId(event.args.uid) })
    .set({ revokedAt: event.block.timestamp });
  const auditedUntil = await recomputeAuditedUntil(db, revoked.provider);
  await db.update(provider, { id: revoked.provider }).set({ auditedUntil });
});

ponder.on("GridleaseReviewResolver:ReviewPosted", async ({ event, context }) => {
  const { db } = context;
  const a = event.args;
  const id = uidId(a.uid);
  const leaseId = a.leaseId.toString();
  const l = await db.find(lease, { id: leaseId });
  if (!l) throw new Error(`ReviewPosted for unknown lease ${leaseId}`);
  // A review of an ended lease weighs its fee now; one posted while the lease runs, when it ends (./leases.ts).
  const ended = l.status === "Ended";
  const feeWeight = ended ? leaseFeeUsdMicros(l) : 0n;
  await db.insert(review).values({
    id,
    lease: leaseId,
    provider: idOf(a.provider),
    buyer: idOf(a.buyer),
    score: a.score,
    verified: a.verified,
    reportHash: hex(a.reportHash),
    createdAt: event.block.timestamp,
    feeWeight,
  });
  await db.update(lease, { id: leaseId }).set({ review: id });
  const evidence = ended ? reviewEvidence(feeWeight, a.score) : undefined;
  await db.update(provider, { id: idOf(a.provider) }).set((row) => ({
    reviewCount: row.reviewCount + 1,
    reviewWeight: row.reviewWeight + (evidence?.reviewWeight ?? 0n),
    reviewScoreWeight: row.reviewScoreWeight + (evidence?.reviewScoreWeight ?? 0n),
  }));
});

ponder.on("GridleaseVettingResolver:BuyerVetted", async ({ event, context }) => {
  const a = event.args;
  const id = uidId(a.uid);
  await context.db.update(attestation, { id }).set({ expirationTime: a.expirationTime });
  await context.db.insert(buyerVetting).values({
    id,
    buyer: hex(a.buyer),
    attester: hex(a.attester),
    evidenceHash: hex(a.evidenceHash),
    expirationTime: a.expirationTime,
    createdAt: event.block.timestamp,
    revokedAt: null,
  });
});

ponder.on("GridleaseVettingResolver:BuyerVettingRevoked", async ({ event, context }) => {
  await context.db
    .update(buyerVetting, { id: uidId(event.args.uid) })
    .set({ revokedAt: event.block.timestamp });
});
