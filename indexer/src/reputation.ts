/**
 * The provider's reputation inputs (sdk/src/reputation.ts, docs/reputation.md): what an ended lease, a review and
 * an audit add to its record. The weights themselves are the SDK's (`leaseEvidence`, `reviewEvidence`,
 * `auditedUntilOf`); this module only feeds them indexed rows. The subgraph mirrors it in
 * subgraph/src/common/reputation.ts.
 */
import type { Context } from "ponder:registry";
import { eq } from "ponder";
import { knownTokenDisplay } from "@gridlease/sdk/format";
import { publishedAuditors } from "@gridlease/sdk/eas";
import { feeOn } from "@gridlease/sdk/pricing";
import {
  OUTAGE_MIN_SECONDS,
  auditedUntilOf,
  feeUsdMicros,
  leaseEvidence,
  reviewEvidence,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
import { endReasonName } from "@gridlease/sdk/status";
import { audit, review, type lease, type provider } from "ponder:schema";
import { chainId } from "../deployment.ts";

type Db = Context["db"];
type LeaseRow = typeof lease.$inferSelect;
type ProviderRow = typeof provider.$inferSelect;

/** The market's published auditors on the indexed chain: only their audits set `auditedUntil`. */
export const PUBLISHED_AUDITORS: readonly string[] = publishedAuditors(Number(chainId)).map((a) =>
  a.toLowerCase(),
);

/** The symbol and decimals the reference rates need; a token no deployment ships weighs nothing. */
function tokenUnits(token: string) {
  const display = knownTokenDisplay(token);
  return display
    ? { symbol: display.symbol, decimals: display.decimals }
    : { symbol: "", decimals: 0 };
}

/** A lease at its end, as the SDK's `leaseEvidence` reads it. */
export function endedLease(
  l: LeaseRow,
  end: {
    reason: number;
    accrued: bigint;
    activated: boolean;
    gpuSecondsServed: bigint;
    gpuSecondsDown: bigint;
  },
) {
  return {
    endReason: endReasonName(end.reason),
    activated: end.activated,
    feeBps: l.feeBps,
    accrued: end.accrued,
    deposit: l.deposit,
    gpuSecondsServed: end.gpuSecondsServed,
    gpuSecondsDown: end.gpuSecondsDown,
    ...tokenUnits(l.paymentToken),
  };
}

/** The micro-USD of protocol fee an ended lease paid (its row holds the final `accrued`). */
export function leaseFeeUsdMicros(l: LeaseRow): bigint {
  const { symbol, decimals } = tokenUnits(l.paymentToken);
  return feeUsdMicros(feeOn(l.accrued, l.feeBps), symbol, decimals);
}

/**
 * The down unit-seconds an outage closing at `closedAt` adds to `longDownUnitSeconds`: all of its down time
 * (raises included) if it stayed open OUTAGE_MIN_SECONDS or more, else none. `downUnitSeconds` is the lease's
 * total once the outage is closed.
 */
export function longOutageDown(l: LeaseRow, closedAt: bigint, downUnitSeconds: bigint): bigint {
  if (!l.outageOpen || l.outageStartedAt === null) return 0n;
  if (closedAt - l.outageStartedAt < OUTAGE_MIN_SECONDS) return 0n;
  return downUnitSeconds - l.outageStartDownUnitSeconds;
}

/** A provider row's fee-weighted inputs plus `e` (auditedUntil is kept apart: it is a maximum, not a sum). */
export const withEvidence = (row: ProviderRow, e: ReputationInputs): Partial<ProviderRow> => ({
  feesPaidUsdMicros: row.feesPaidUsdMicros + e.feesPaidUsdMicros,
  completedWeight: row.completedWeight + e.completedWeight,
  faultWeight: row.faultWeight + e.faultWeight,
  noShowWeight: row.noShowWeight + e.noShowWeight,
  deliveredWeight: row.deliveredWeight + e.deliveredWeight,
  uptimeWeight: row.uptimeWeight + e.uptimeWeight,
  reviewWeight: row.reviewWeight + e.reviewWeight,
  reviewScoreWeight: row.reviewScoreWeight + e.reviewScoreWeight,
});

/** What an ended lease adds to its provider, its review included (a review posted while it ran counts now). */
export async function leaseEndEvidence(
  db: Db,
  ended: LeaseRow,
  end: Parameters<typeof endedLease>[1],
): Promise<ReputationInputs> {
  const evidence = leaseEvidence(endedLease(ended, end));
  if (ended.review === null) return evidence;
  const r = await db
    .update(review, { id: ended.review })
    .set({ feeWeight: evidence.feesPaidUsdMicros });
  const reviewed = reviewEvidence(evidence.feesPaidUsdMicros, r.score);
  return {
    ...evidence,
    reviewWeight: reviewed.reviewWeight,
    reviewScoreWeight: reviewed.reviewScoreWeight,
  };
}

/** `auditedUntil` recomputed from every audit of the provider's offers (after a revocation lowers it). */
export async function recomputeAuditedUntil(db: Db, providerId: string): Promise<bigint> {
  const audits = await db.sql.select().from(audit).where(eq(audit.provider, providerId));
  return auditedUntilOf(audits, PUBLISHED_AUDITORS);
}
