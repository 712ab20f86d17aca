/**
 * The app's one door to Gridlease's EAS attestations (audits, reviews, buyer vetting): types, the audit status a
 * badge shows, the published auditor list, and the reads and writes. Pages import these names from here only, so
 * the SDK's `@gridlease/sdk/eas` is wired in one place.
 */
import { getAddress, type Address, type Hex } from "viem";
import type { IndexerClient, ReadClient, RequestOptions, Sent, SignerClient } from "@gridlease/sdk";

/** An audit's verdict as the schema stores it: 1 = Pass, 2 = Fail. */
export const AUDIT_VERDICTS = { 1: "Pass", 2: "Fail" } as const;
export type AuditVerdict = keyof typeof AUDIT_VERDICTS;

/** A hardware audit of an offer (the indexer's `Audit`). */
export interface IndexedAudit {
  uid: Hex;
  offerId: bigint;
  provider: Address;
  auditor: Address;
  hardwareReportHash: Hex;
  verdict: number;
  /** Unix seconds; the attestation expires then. */
  validUntil: bigint;
  attestedAt: bigint;
  /** Unix seconds, null until revoked. */
  revokedAt: bigint | null;
}

/** A buyer's review of a lease (the indexer's `Review`). */
export interface IndexedReview {
  uid: Hex;
  leaseId: bigint;
  provider: Address;
  buyer: Address;
  /** 1..5. */
  score: number;
  /** The buyer's `lease verify` passed. */
  verified: boolean;
  reportHash: Hex;
  createdAt: bigint;
  /** Micro-USD of protocol fee the lease paid (0 until it ended): the review's weight in the provider's score. */
  feeWeight: bigint;
}

/** Who may lease a vetted-buyer offer: an attestation of `schema` from one of `attesters`. */
export interface OfferRequirement {
  offerId: bigint;
  provider: Address;
  schema: Hex;
  attesters: Address[];
}

/** The verdict on an offer's audits for one viewer (the SDK's `auditStatus`). */
export type AuditStatus =
  | { status: "audited"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "failed"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "expired"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "revoked"; auditor: Address; revokedAt: bigint; uid: Hex }
  | { status: "unverified"; auditors: Address[] }
  | { status: "none" };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const latestFirst = (a: IndexedAudit, b: IndexedAudit) =>
  a.attestedAt === b.attestedAt ? 0 : a.attestedAt > b.attestedAt ? -1 : 1;

/**
 * The status of one offer's audits. Only trusted auditors' audits decide: the latest one in force gives "audited"
 * (Pass) or "failed" (Fail); without one, the latest trusted audit says "revoked" or "expired"; audits by others
 * only ever give "unverified".
 */
export function auditStatus(
  audits: readonly IndexedAudit[],
  trusted: readonly Address[],
  now: bigint,
): AuditStatus {
  const byTrusted = audits.filter((a) => trusted.some((t) => same(t, a.auditor))).sort(latestFirst);
  const current = byTrusted.find((a) => a.revokedAt === null && a.validUntil > now);
  if (current)
    return {
      status: current.verdict === 1 ? "audited" : "failed",
      auditor: current.auditor,
      validUntil: current.validUntil,
      uid: current.uid,
    };
  const last = byTrusted[0];
  if (last)
    return last.revokedAt !== null
      ? { status: "revoked", auditor: last.auditor, revokedAt: last.revokedAt, uid: last.uid }
      : { status: "expired", auditor: last.auditor, validUntil: last.validUntil, uid: last.uid };
  const auditors: Address[] = [];
  for (const a of audits) if (!auditors.some((x) => same(x, a.auditor))) auditors.push(a.auditor);
  return auditors.length > 0 ? { status: "unverified", auditors } : { status: "none" };
}

/** The market's published auditors per chain (the default trusted list); account #17 on the local chain. */
const PUBLISHED: Record<number, Address[]> = {
  31337: ["0xbDA5747bFD65F08deb54cb465eB87D40e51B197E"],
};

/** The auditors the market publishes on `chainId` (none where it publishes none). */
export function publishedAuditors(chainId: number): Address[] {
  return PUBLISHED[chainId] ?? [];
}

/* ---------------------------------------------------------------- indexer reads */

const AUDIT_FIELDS =
  "id offer { id } provider { id } auditor hardwareReportHash verdict validUntil attestedAt revokedAt";
const REVIEW_FIELDS =
  "id lease { id } provider { id } buyer { id } score verified reportHash createdAt feeWeight";

interface RawAudit {
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

interface RawReview {
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

const hex = (s: string) => s.toLowerCase() as Hex;
const address = (s: string) => getAddress(s);

const toAudit = (r: RawAudit): IndexedAudit => ({
  uid: hex(r.id),
  offerId: BigInt(r.offer.id),
  provider: address(r.provider.id),
  auditor: address(r.auditor),
  hardwareReportHash: hex(r.hardwareReportHash),
  verdict: r.verdict,
  validUntil: BigInt(r.validUntil),
  attestedAt: BigInt(r.attestedAt),
  revokedAt: r.revokedAt === null ? null : BigInt(r.revokedAt),
});

const toReview = (r: RawReview): IndexedReview => ({
  uid: hex(r.id),
  leaseId: BigInt(r.lease.id),
  provider: address(r.provider.id),
  buyer: address(r.buyer.id),
  score: r.score,
  verified: r.verified,
  reportHash: hex(r.reportHash),
  createdAt: BigInt(r.createdAt),
  feeWeight: BigInt(r.feeWeight),
});

const list = (
  name: string,
  filter: string,
  fields: string,
) => `query ($where: ${filter}, $after: String) {
  ${name}(where: $where, orderBy: "id", limit: 1000, after: $after) {
    items { ${fields} }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Audits, every one or those of an offer, a provider or an auditor (newest validity first). */
export async function listAudits(
  indexer: IndexerClient,
  filter: { offerId?: bigint; provider?: string; auditor?: string } = {},
  opts: RequestOptions = {},
): Promise<IndexedAudit[]> {
  const where: Record<string, string> = {};
  if (filter.offerId !== undefined) where.offer = filter.offerId.toString();
  if (filter.provider) where.provider = filter.provider.toLowerCase();
  if (filter.auditor) where.auditor = filter.auditor.toLowerCase();
  const rows = await indexer.queryAll<RawAudit>(
    list("audits", "auditFilter", AUDIT_FIELDS),
    "audits",
    { where },
    opts,
  );
  return rows.map(toAudit).sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1));
}

/** Reviews of a lease, of a provider's leases or by a buyer (newest first). */
export async function listReviews(
  indexer: IndexerClient,
  filter: { leaseId?: bigint; provider?: string; buyer?: string },
  opts: RequestOptions = {},
): Promise<IndexedReview[]> {
  const where: Record<string, string> = {};
  if (filter.leaseId !== undefined) where.lease = filter.leaseId.toString();
  if (filter.provider) where.provider = filter.provider.toLowerCase();
  if (filter.buyer) where.buyer = filter.buyer.toLowerCase();
  const rows = await indexer.queryAll<RawReview>(
    list("reviews", "reviewFilter", REVIEW_FIELDS),
    "reviews",
    { where },
    opts,
  );
  return rows.map(toReview).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** The attestation a vetted-buyer offer asks for, or undefined when its provider set none. */
export async function getOfferRequirement(
  indexer: IndexerClient,
  offerId: bigint,
  opts: RequestOptions = {},
): Promise<OfferRequirement | undefined> {
  const data = await indexer.query<{
    offerRequirement: {
      id: string;
      provider: { id: string };
      schema: string;
      attesters: string[];
    } | null;
  }>(
    `query ($id: String!) { offerRequirement(id: $id) { id provider { id } schema attesters } }`,
    { id: offerId.toString() },
    opts,
  );
  const r = data.offerRequirement;
  return r
    ? {
        offerId,
        provider: address(r.provider.id),
        schema: hex(r.schema),
        attesters: r.attesters.map(address),
      }
    : undefined;
}

/* ---------------------------------------------------------------- contracts and writes */

/** Gridlease's attestation contracts and schema UIDs on a chain. */
export interface EasOnChain {
  eas: Address;
  policy: Address;
  schemas: { audit: Hex; review: Hex; vetting: Hex };
}

/** The attestation contracts on `chainId`, or undefined where they are not deployed. */
export function easOn(_chainId: number): EasOnChain | undefined {
  return undefined;
}

/** An audit to attest: the offer, its provider (the attestation's recipient), the report hash, verdict, expiry. */
export interface AuditDraft {
  offerId: bigint;
  provider: Address;
  hardwareReportHash: Hex;
  verdict: AuditVerdict;
  validUntil: bigint;
}

/** A review to post: the lease, its provider (the recipient), the score and the buyer's verify result. */
export interface ReviewDraft {
  leaseId: bigint;
  provider: Address;
  score: number;
  verified: boolean;
  reportHash: Hex;
}

const notDeployed = (): never => {
  throw new Error("Gridlease's attestation contracts are not deployed on this network.");
};

/** Attests an audit with EAS (the audit resolver checks it). */
export async function attestAudit(
  _signer: SignerClient,
  _chainId: number,
  _p: AuditDraft,
): Promise<Sent> {
  return notDeployed();
}

/** Revokes one of the auditor's audits. */
export async function revokeAudit(
  _signer: SignerClient,
  _chainId: number,
  _uid: Hex,
): Promise<Sent> {
  return notDeployed();
}

/** Posts a review of a lease (the review resolver accepts only the lease's buyer, once, after activation). */
export async function postReview(
  _signer: SignerClient,
  _chainId: number,
  _p: ReviewDraft,
): Promise<Sent> {
  return notDeployed();
}

/** Registers the buyer's attestation UID with the AttestationPolicy. */
export async function registerCredential(
  _signer: SignerClient,
  _chainId: number,
  _uid: Hex,
): Promise<Sent> {
  return notDeployed();
}

/** AttestationPolicy's `check` for a buyer, with its code in plain words. */
export async function policyCheck(
  _client: ReadClient,
  _chainId: number,
  _p: { offerId: bigint; buyer: Address },
): Promise<{ code: number; reason: string }> {
  return notDeployed();
}
