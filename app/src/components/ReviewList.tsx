import { formatTime, formatTokenAmountShort } from "@gridlease/sdk";
import type { IndexedReview } from "../lib/eas.ts";
import { addressUrl } from "../lib/gridlease.ts";
import { Link } from "../lib/router.tsx";

const USD_MICROS = { symbol: "USD", decimals: 6, isUsd: true } as const;
const stars = (score: number) => "★".repeat(score) + "☆".repeat(Math.max(0, 5 - score));
const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** One review: its score, whether the buyer's verify run passed, by whom, when, and what it weighs in the score. */
export function ReviewItem({
  review: r,
  title,
  showLease = false,
}: {
  review: IndexedReview;
  title?: string;
  showLease?: boolean;
}) {
  return (
    <div className="review" data-testid="review">
      {title && <strong>{title}: </strong>}
      <span className="stars" aria-label={`${r.score} out of 5`}>
        {stars(r.score)}
      </span>{" "}
      <span>{r.score}/5</span>{" "}
      {r.verified ? (
        <span className="badge badge-verified" title={`Report ${r.reportHash}`}>
          Verified
        </span>
      ) : (
        <span className="muted small">not verified</span>
      )}
      <div className="small muted">
        {showLease && (
          <>
            <Link to={`/explorer/leases/${r.leaseId}`}>Lease #{r.leaseId.toString()}</Link> ·{" "}
          </>
        )}
        by{" "}
        <Link to={addressUrl(r.buyer)} className="mono" title={r.buyer}>
          {short(r.buyer)}
        </Link>{" "}
        · {formatTime(r.createdAt)} ·{" "}
        {r.feeWeight > 0n
          ? `weighs ${formatTokenAmountShort(r.feeWeight, USD_MICROS)} of fee in the score`
          : "counts in the score once the lease has ended and paid a fee"}
      </div>
    </div>
  );
}

/** Reviews, newest first, or a sentence when there are none. */
export function ReviewList({
  reviews,
  showLease = false,
}: {
  reviews: readonly IndexedReview[];
  showLease?: boolean;
}) {
  if (reviews.length === 0) return <p className="muted">No reviews yet.</p>;
  return (
    <ul className="review-list">
      {[...reviews]
        .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1))
        .map((r) => (
          <li key={r.uid}>
            <ReviewItem review={r} showLease={showLease} />
          </li>
        ))}
    </ul>
  );
}
