/**
 * Audits, reviews, buyer vettings and AttestationPolicy requirements from the indexer (the entities of
 * indexer/schema/attestations.ts). What they mean for a viewer (`auditStatus`, the trusted auditors) lives in
 * `@gridlease/sdk/eas`; these are only the reads and their row types.
 */
import type { Address, Hex } from "viem";
import type { AuditVerdictCode } from "../eas/payloads.ts";
import type { IndexerClient, PageOptions, RequestOptions } from "./client.ts";
import { addr, big, optBig } from "./convert.ts";
import { page, pageSize, where } from "./filters.ts";

/* ---------------------------------------------------------------- audits */

/** Selection of an audit row. */
export const AUDIT_FIELDS =
  "id offer { id } provider { id } auditor hardwareReportHash verdict validUntil attestedAt revokedAt";

export interface RawAudit {
  id: string;
  offer: { id: string };
  provider: { id: string };
  auditor: string;
  hardwareReportHash: string;
  verdict: number;
  validUntil: string;
  attestedAt: string;
  revokedAt: string | null;
}

/** A hardware audit of an offer, as indexed (whether it counts is `auditStatus`'s business). */
export interface IndexedAudit {
  uid: Hex;
  offerId: bigint;
  provider: Address;
  auditor: Address;
  hardwareReportHash: Hex;
  verdict: AuditVerdictCode;
  /** Unix seconds; the attestation expires then. */
  validUntil: bigint;
  attestedAt: bigint;
  revokedAt: bigint | null;
}

/** Maps an audit row; a verdict other than 1 or 2 (which the resolver refuses) is an error. */
export function toAudit(r: RawAudit): IndexedAudit {
  if (r.verdict !== 1 && r.verdict !== 2)
    throw new RangeError(`The indexer holds audit ${r.id} with an unknown verdict ${r.verdict}`);
  return {
    uid: r.id as Hex,
    offerId: big(r.offer.id),
    provider: addr(r.provider.id),
    auditor: addr(r.auditor),
    hardwareReportHash: r.hardwareReportHash as Hex,
    verdict: r.verdict,
    validUntil: big(r.validUntil),
    attestedAt: big(r.attestedAt),
    revokedAt: optBig(r.revokedAt),
  };
}

/** Filters of `listAudits`. */
export interface AuditFilter {
  offerId?: bigint;
  provider?: Address;
  auditor?: Address;
}

/** Audits, revoked and expired ones included, oldest first. */
export async function listAudits(
  client: IndexerClient,
  filter: AuditFilter = {},
  opts: PageOptions<RawAudit> = {},
): Promise<IndexedAudit[]> {
  const rows = await client.queryAll<RawAudit>(
    page("audits", "auditFilter", AUDIT_FIELDS, "attestedAt"),
    "audits",
    {
      where: where({
        offer: filter.offerId?.toString(),
        provider: filter.provider,
        auditor: filter.auditor,
      }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toAudit);
}

/** Audits grouped by offer id (every offer in `audits`), for `auditStatus` per offer. */
export function auditsByOffer(audits: readonly IndexedAudit[]): Map<bigint, IndexedAudit[]> {
  const out = new Map<bigint, IndexedAudit[]>();
  for (const a of audits) out.set(a.offerId, [...(out.get(a.offerId) ?? []), a]);
  return out;
}

/* ---------------------------------------------------------------- reviews */

/** Selection of a review row. */
export const REVIEW_FIELDS =
  "id lease { id } provider { id } buyer { id } score verified reportHash createdAt feeWeight";

export interface RawReview {
  id: string;
  lease: { id: string };
  provider: { id: string };
  buyer: { id: string };
  score: number;
  verified: boolean;
  reportHash: string;
  createdAt: string;
  feeWeight: string;
}

/** A buyer's review of a lease, as indexed. */
export interface IndexedReview {
  uid: Hex;
  leaseId: bigint;
  provider: Address;
  buyer: Address;
  /** 1 to 5. */
  score: number;
  /** The buyer's `lease verify` passed. */
  verified: boolean;
  reportHash: Hex;
  createdAt: bigint;
  /** Micro-USD of protocol fee its lease paid (its weight in the provider's score); 0 until the lease ended. */
  feeWeight: bigint;
}

/** Maps a review row. */
export const toReview = (r: RawReview): IndexedReview => ({
  uid: r.id as Hex,
  leaseId: big(r.lease.id),
  provider: addr(r.provider.id),
  buyer: addr(r.buyer.id),
  score: r.score,
  verified: r.verified,
  reportHash: r.reportHash as Hex,
  createdAt: big(r.createdAt),
  feeWeight: big(r.feeWeight),
});

/** Filters of `listReviews`. */
export interface ReviewFilter {
  leaseId?: bigint;
  provider?: Address;
  buyer?: Address;
}

/** Reviews, oldest first. */
export async function listReviews(
  client: IndexerClient,
  filter: ReviewFilter = {},
  opts: PageOptions<RawReview> = {},
): Promise<IndexedReview[]> {
  const rows = await client.queryAll<RawReview>(
    page("reviews", "reviewFilter", REVIEW_FIELDS, "createdAt"),
    "reviews",
    {
      where: where({
        lease: filter.leaseId?.toString(),
        provider: filter.provider,
        buyer: filter.buyer,
      }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toReview);
}

/** A lease's review, or undefined when it has none. */
export async function getLeaseReview(
  client: IndexerClient,
  leaseId: bigint,
  opts: RequestOptions = {},
): Promise<IndexedReview | undefined> {
  const [review] = await listReviews(client, { leaseId }, { ...opts, max: 1 });
  return review;
}

/* ---------------------------------------------------------------- vetting and the policy */

/** Selection of a buyer vetting row. */
export const BUYER_VETTING_FIELDS =
  "id buyer attester evidenceHash expirationTime createdAt revokedAt";

export interface RawBuyerVetting {
  id: string;
  buyer: string;
  attester: string;
  evidenceHash: string;
  expirationTime: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A vetting of a buyer, as indexed. */
export interface IndexedBuyerVetting {
  uid: Hex;
  buyer: Address;
  attester: Address;
  evidenceHash: Hex;
  /** 0: never expires. */
  expirationTime: bigint;
  createdAt: bigint;
  revokedAt: bigint | null;
}

/** Maps a vetting row. */
export const toBuyerVetting = (r: RawBuyerVetting): IndexedBuyerVetting => ({
  uid: r.id as Hex,
  buyer: addr(r.buyer),
  attester: addr(r.attester),
  evidenceHash: r.evidenceHash as Hex,
  expirationTime: big(r.expirationTime),
  createdAt: big(r.createdAt),
  revokedAt: optBig(r.revokedAt),
});

/** Filters of `listBuyerVettings`. */
export interface BuyerVettingFilter {
  buyer?: Address;
  attester?: Address;
}

/** Vettings of buyers, revoked and expired ones included, oldest first. */
export async function listBuyerVettings(
  client: IndexerClient,
  filter: BuyerVettingFilter = {},
  opts: PageOptions<RawBuyerVetting> = {},
): Promise<IndexedBuyerVetting[]> {
  const rows = await client.queryAll<RawBuyerVetting>(
    page("buyerVettings", "buyerVettingFilter", BUYER_VETTING_FIELDS, "createdAt"),
    "buyerVettings",
    {
      where: where({ buyer: filter.buyer, attester: filter.attester }),
      orderDirection: "asc",
      limit: pageSize(opts.max),
    },
    opts,
  );
  return rows.map(toBuyerVetting);
}

/** Selection of an offer requirement row. */
export const OFFER_REQUIREMENT_FIELDS = "id provider { id } schema attesters updatedAt";

export interface RawOfferRequirement {
  id: string;
  provider: { id: string };
  schema: string;
  attesters: string[];
  updatedAt: string;
}

/** The attestation an AttestationPolicy offer asks of its buyers. */
export interface IndexedOfferRequirement {
  offerId: bigint;
  provider: Address;
  /** The schema UID. */
  schema: Hex;
  attesters: Address[];
  updatedAt: bigint;
}

/** Maps a requirement row. */
export const toOfferRequirement = (r: RawOfferRequirement): IndexedOfferRequirement => ({
  offerId: big(r.id),
  provider: addr(r.provider.id),
  schema: r.schema as Hex,
  attesters: r.attesters.map(addr),
  updatedAt: big(r.updatedAt),
});

/** An offer's attestation requirement, or undefined when its provider set none. */
export async function getOfferRequirement(
  client: IndexerClient,
  offerId: bigint,
  opts: RequestOptions = {},
): Promise<IndexedOfferRequirement | undefined> {
  const d = await client.query<{ offerRequirement: RawOfferRequirement | null }>(
    `query ($id: String!) { offerRequirement(id: $id) { ${OFFER_REQUIREMENT_FIELDS} } }`,
    { id: offerId.toString() },
    opts,
  );
  return d.offerRequirement ? toOfferRequirement(d.offerRequirement) : undefined;
}
