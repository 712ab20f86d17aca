/**
 * The app's one door to Gridlease's EAS attestations, reading side: the SDK's row types and indexer reads,
 * `auditStatus` and the published auditors. What the market's first page needs, and nothing more: the contracts and
 * write actions are in ./easWrites.ts, which only the pages that write load.
 */
import type { AuditVerdictCode } from "@gridlease/sdk/eas";

export { auditStatus, publishedAuditors, type AuditStatus } from "@gridlease/sdk/eas";
export {
  getOfferRequirement,
  listAudits,
  listReviews,
  type IndexedAudit,
  type IndexedOfferRequirement,
  type IndexedReview,
} from "@gridlease/sdk/indexer";

/** An audit's verdict in words, by its code (1 = Pass, 2 = Fail). */
export const AUDIT_VERDICTS: Record<AuditVerdictCode, string> = { 1: "Pass", 2: "Fail" };
export type AuditVerdict = AuditVerdictCode;
