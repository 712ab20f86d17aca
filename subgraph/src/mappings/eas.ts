// EAS attestations of Gridlease's schemas and their resolvers' events, as indexer/src/eas.ts. In each
// transaction EAS logs first, then the resolver, whose event fills in the expiry EAS's event does not carry. An
// audit or a review changes its provider's reputation inputs but not its lastSeenAt: the provider did nothing.
import { Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import { Attested, Revoked } from "../../generated/EAS/EAS";
import {
  AuditAttested,
  AuditRevoked,
} from "../../generated/GridleaseAuditResolver/GridleaseAuditResolver";
import { ReviewPosted } from "../../generated/GridleaseReviewResolver/GridleaseReviewResolver";
import {
  BuyerVetted,
  BuyerVettingRevoked,
} from "../../generated/GridleaseVettingResolver/GridleaseVettingResolver";
import { Attestation, Audit, BuyerVetting, Lease, Provider, Review } from "../../generated/schema";
import { idOf, ZERO } from "../common/ids";
import { isPublishedAuditor, schemaKind } from "../common/reference";
import { addReviewEvidence, auditedUntilOf, paidFeeUsdMicros } from "../common/reputation";

/** The Attestation of `uid` (created by EAS's Attested just before); null, logged, if there is none. */
function loadAttestation(uid: Bytes, event: ethereum.Event): Attestation | null {
  let row = Attestation.load(uid.toHexString());
  if (row == null) {
    log.error("resolver event for unknown attestation {} in {}", [
      uid.toHexString(),
      event.transaction.hash.toHexString(),
    ]);
  }
  return row;
}

function loadProvider(id: string): Provider | null {
  let provider = Provider.load(id);
  if (provider == null) log.error("attestation about unknown provider {}", [id]);
  return provider;
}

export function handleAttested(event: Attested): void {
  let p = event.params;
  let kind = schemaKind(p.schemaUID.toHexString());
  // EAS is shared: only Gridlease's three schemas are indexed.
  if (kind == "") return;
  let row = new Attestation(p.uid.toHexString());
  row.schema = p.schemaUID;
  row.kind = kind;
  row.attester = p.attester;
  row.recipient = p.recipient;
  row.time = event.block.timestamp;
  row.expirationTime = ZERO;
  row.txHash = event.transaction.hash;
  row.save();
}

export function handleRevoked(event: Revoked): void {
  if (schemaKind(event.params.schemaUID.toHexString()) == "") return;
  let row = loadAttestation(event.params.uid, event);
  if (row == null) return;
  row.revokedAt = event.block.timestamp;
  row.save();
}

export function handleAuditAttested(event: AuditAttested): void {
  let p = event.params;
  let attestation = loadAttestation(p.uid, event);
  if (attestation == null) return;
  attestation.expirationTime = p.validUntil;
  attestation.save();
  let provider = loadProvider(idOf(p.provider));
  if (provider == null) return;
  let row = new Audit(p.uid.toHexString());
  row.offer = p.offerId.toString();
  row.provider = provider.id;
  row.auditor = p.auditor;
  row.hardwareReportHash = p.hardwareReportHash;
  row.verdict = p.verdict;
  row.validUntil = p.validUntil;
  row.attestedAt = event.block.timestamp;
  row.save();
  provider.auditCount += 1;
  // Only a Pass by a published auditor can raise auditedUntil; expiry is the reader's to apply.
  if (
    p.verdict == 1 &&
    isPublishedAuditor(idOf(p.auditor)) &&
    p.validUntil.gt(provider.auditedUntil)
  ) {
    provider.auditedUntil = p.validUntil;
  }
  provider.save();
}

export function handleAuditRevoked(event: AuditRevoked): void {
  let row = Audit.load(event.params.uid.toHexString());
  if (row == null) {
    log.error("AuditRevoked for unknown audit {}", [event.params.uid.toHexString()]);
    return;
  }
  row.revokedAt = event.block.timestamp;
  row.save();
  let provider = loadProvider(row.provider);
  if (provider == null) return;
  provider.auditedUntil = auditedUntilOf(provider);
  provider.save();
}

export function handleReviewPosted(event: ReviewPosted): void {
  let p = event.params;
  let lease = Lease.load(p.leaseId.toString());
  if (lease == null) {
    log.error("ReviewPosted for unknown lease {}", [p.leaseId.toString()]);
    return;
  }
  let provider = loadProvider(idOf(p.provider));
  if (provider == null) return;
  let id = p.uid.toHexString();
  // A review of an ended lease weighs its fee now; one posted while the lease runs, when it ends (./leases.ts).
  let ended = lease.status == "Ended";
  let feeWeight = ended ? paidFeeUsdMicros(lease, lease.accrued) : ZERO;
  let row = new Review(id);
  row.lease = lease.id;
  row.provider = provider.id;
  row.buyer = idOf(p.buyer);
  row.score = p.score;
  row.verified = p.verified;
  row.reportHash = p.reportHash;
  row.createdAt = event.block.timestamp;
  row.feeWeight = feeWeight;
  row.save();
  lease.review = id;
  lease.save();
  provider.reviewCount += 1;
  if (ended) addReviewEvidence(provider, feeWeight, p.score);
  provider.save();
}

export function handleBuyerVetted(event: BuyerVetted): void {
  let p = event.params;
  let attestation = loadAttestation(p.uid, event);
  if (attestation == null) return;
  attestation.expirationTime = p.expirationTime;
  attestation.save();
  let row = new BuyerVetting(p.uid.toHexString());
  row.buyer = p.buyer;
  row.attester = p.attester;
  row.evidenceHash = p.evidenceHash;
  row.expirationTime = p.expirationTime;
  row.createdAt = event.block.timestamp;
  row.save();
}

export function handleBuyerVettingRevoked(event: BuyerVettingRevoked): void {
  let row = BuyerVetting.load(event.params.uid.toHexString());
  if (row == null) {
    log.error("BuyerVettingRevoked for unknown vetting {}", [event.params.uid.toHexString()]);
    return;
  }
  row.revokedAt = event.block.timestamp;
  row.save();
}
