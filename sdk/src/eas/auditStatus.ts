/**
 * What a viewer should make of an offer's hardware audits, given the auditors it trusts: "audited" (by whom,
 * until when), "failed", "expired", "revoked", "unverified" (audits exist, none by a trusted auditor) or "none".
 * Pure: the audits come from the indexer (`listAudits`) or anywhere else.
 */
import { isAddressEqual, type Address, type Hex } from "viem";
import { AuditVerdict, type AuditVerdictCode } from "./payloads.ts";

/** An audit as the status needs it (the indexer's `IndexedAudit` is one). */
export interface AuditFacts {
  uid: Hex;
  auditor: Address;
  verdict: AuditVerdictCode;
  /** Unix seconds. */
  validUntil: bigint;
  attestedAt: bigint;
  /** Unix seconds, null while unrevoked. */
  revokedAt: bigint | null;
}

/** The verdict on an offer's audits for one viewer. */
export type AuditStatus =
  | { status: "audited"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "failed"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "expired"; auditor: Address; validUntil: bigint; uid: Hex }
  | { status: "revoked"; auditor: Address; revokedAt: bigint; uid: Hex }
  | { status: "unverified"; auditors: Address[] }
  | { status: "none" };

/** Whether an audit counts at `now`: unrevoked and not past its validUntil. */
export const auditInForce = (a: AuditFacts, now: bigint): boolean =>
  a.revokedAt === null && a.validUntil > now;

/** Whether `auditor` is on the viewer's `trusted` list (case does not matter). */
export const isTrustedAuditor = (auditor: Address, trusted: readonly Address[]): boolean =>
  trusted.some((t) => isAddressEqual(t, auditor));

const latestFirst = (a: AuditFacts, b: AuditFacts) =>
  a.attestedAt === b.attestedAt ? 0 : a.attestedAt > b.attestedAt ? -1 : 1;

/**
 * The status of one offer's audits. Only trusted auditors' audits decide: the latest one in force gives "audited"
 * (Pass) or "failed" (Fail); without one, the latest trusted audit says "revoked" or "expired"; audits by others
 * only ever give "unverified".
 */
export function auditStatus(
  audits: readonly AuditFacts[],
  trusted: readonly Address[],
  now: bigint,
): AuditStatus {
  const byTrusted = audits.filter((a) => isTrustedAuditor(a.auditor, trusted)).sort(latestFirst);
  const current = byTrusted.find((a) => auditInForce(a, now));
  if (current)
    return {
      status: current.verdict === AuditVerdict.Pass ? "audited" : "failed",
      auditor: current.auditor,
      validUntil: current.validUntil,
      uid: current.uid,
    };
  const last = byTrusted[0];
  if (last)
    return last.revokedAt !== null
      ? { status: "revoked", auditor: last.auditor, revokedAt: last.revokedAt, uid: last.uid }
      : { status: "expired", auditor: last.auditor, validUntil: last.validUntil, uid: last.uid };
  if (audits.length > 0) {
    const auditors: Address[] = [];
    for (const a of audits)
      if (!auditors.some((x) => isAddressEqual(x, a.auditor))) auditors.push(a.auditor);
    return { status: "unverified", auditors };
  }
  return { status: "none" };
}
