/**
 * The explorer's view of attestations: a provider's score with every number behind it, the audits of its offers and
 * its reviews (address page), and a lease's review (lease page).
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { formatTime } from "@gridlease/sdk";
import { useProviderScore } from "../../hooks/useReputation.ts";
import { useTrustedAuditors } from "../../hooks/useTrustedAuditors.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { AUDIT_VERDICTS, listAudits, listReviews, type AuditVerdict } from "../../lib/eas.ts";
import { indexer } from "../../lib/indexer.ts";
import { Link } from "../../lib/router.tsx";
import { ReputationScore, feeDollars } from "../../components/ReputationScore.tsx";
import { PRIOR_USD_MICROS } from "../../lib/reputation.ts";
import { ReviewItem, ReviewList } from "../../components/ReviewList.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { AddressLink } from "./ui.tsx";

/**
 * A provider's score (breakdown open) with why it is what it is (the fees behind its leases, not their count), the
 * audits of its offers and the reviews of its leases.
 */
export function ProviderTrust({
  address,
  leasesServed,
}: {
  address: Address;
  leasesServed: number;
}) {
  const score = useProviderScore(address);
  const { auditors } = useTrustedAuditors();
  const { now } = useChainNow(60_000);
  const audits = useQuery({
    queryKey: ["eas", "audits", "provider", address],
    queryFn: ({ signal }) => listAudits(indexer, { provider: address }, { signal }),
  });
  const reviews = useQuery({
    queryKey: ["eas", "reviews", "provider", address],
    queryFn: ({ signal }) => listReviews(indexer, { provider: address }, { signal }),
  });
  const trusted = (a: string) => auditors.some((t) => t.toLowerCase() === a.toLowerCase());
  return (
    <>
      <h3>Score</h3>
      {score.isPending ? (
        <Loading what="the score" />
      ) : score.isError ? (
        <ErrorState error={score.error} />
      ) : score.score ? (
        <>
          <ReputationScore reputation={score.score.reputation} open />
          <p className="small" data-testid="score-why">
            {leasesServed.toLocaleString("en-US")} leases served, which paid{" "}
            {feeDollars(score.score.evidence.inputs.feesPaidUsdMicros)} in protocol fees, with{" "}
            {score.score.evidence.reviewCount} reviews and {score.score.evidence.auditCount} audits.
            The score weighs every input by the fees behind it, never by counts: each part starts at
            a prior worth {feeDollars(PRIOR_USD_MICROS)} of fees, so leases that paid little (a
            provider leasing its own offers, say) move it little.
          </p>
        </>
      ) : (
        <p className="muted">No score: the indexer has no record of this provider.</p>
      )}

      <h3>Hardware audits of its offers</h3>
      {audits.isPending ? (
        <Loading what="audits" />
      ) : audits.isError ? (
        <ErrorState error={audits.error} />
      ) : audits.data.length === 0 ? (
        <p className="muted">No audits.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Offer</th>
              <th scope="col">Auditor</th>
              <th scope="col">Verdict</th>
              <th scope="col">Valid until</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {[...audits.data]
              .sort((a, b) =>
                a.validUntil === b.validUntil ? 0 : a.validUntil < b.validUntil ? 1 : -1,
              )
              .map((a) => (
                <tr key={a.uid}>
                  <td>
                    <Link to={`/offers/${a.offerId}`}>Offer #{a.offerId.toString()}</Link>
                  </td>
                  <td>
                    <AddressLink address={a.auditor} />{" "}
                    <span className={trusted(a.auditor) ? "small" : "small warn"}>
                      {trusted(a.auditor) ? "trusted" : "unverified"}
                    </span>
                  </td>
                  <td>{AUDIT_VERDICTS[a.verdict as AuditVerdict] ?? `code ${a.verdict}`}</td>
                  <td>{formatTime(a.validUntil)}</td>
                  <td>
                    {a.revokedAt !== null
                      ? `Revoked ${formatTime(a.revokedAt)}`
                      : a.validUntil <= now
                        ? "Expired"
                        : "In force"}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}

      <h3>Reviews of its leases</h3>
      {reviews.isPending ? (
        <Loading what="reviews" />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} />
      ) : (
        <ReviewList reviews={reviews.data} showLease />
      )}
    </>
  );
}

/** A lease's review by its buyer, or a sentence saying there is none. */
export function LeaseReview({ leaseId }: { leaseId: string }) {
  const q = useQuery({
    queryKey: ["eas", "reviews", "lease", leaseId],
    queryFn: async ({ signal }) =>
      (await listReviews(indexer, { leaseId: BigInt(leaseId) }, { signal }))[0] ?? null,
  });
  return (
    <>
      <h2>Review</h2>
      {q.isPending ? (
        <Loading what="the review" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : q.data ? (
        <ReviewItem review={q.data} title="The buyer's review" />
      ) : (
        <p className="muted">The buyer has not reviewed this lease.</p>
      )}
    </>
  );
}
