// The provider's reputation inputs, as indexer/src/reputation.ts (which feeds sdk/src/reputation.ts's
// leaseEvidence, reviewEvidence and auditedUntilOf): every weight is micro-USD of protocol fee at the reference
// rates (./reference.ts).
import { BigInt } from "@graphprotocol/graph-ts";
import { Lease, Provider, Review } from "../../generated/schema";
import { ZERO } from "./ids";
import { isPublishedAuditor, OUTAGE_MIN_SECONDS, usdMicros } from "./reference";

const BPS = BigInt.fromI32(10000);

/** The protocol fee on `amount` at `feeBps`, rounded down (sdk/src/pricing.ts feeOn). */
export function feeOn(amount: BigInt, feeBps: BigInt): BigInt {
  return amount.times(feeBps).div(BPS);
}

/** The micro-USD of protocol fee a lease paid on `accrued`. */
export function paidFeeUsdMicros(lease: Lease, accrued: BigInt): BigInt {
  return usdMicros(lease.paymentToken, feeOn(accrued, lease.feeBps));
}

/**
 * The down unit-seconds an outage closing at `closedAt` adds to `longDownUnitSeconds`: all of it (raises included)
 * if it stayed open OUTAGE_MIN_SECONDS or more, else none. `downUnitSeconds` is the lease's total once it closed.
 */
export function longOutageDown(lease: Lease, closedAt: BigInt, downUnitSeconds: BigInt): BigInt {
  if (!lease.outageOpen) return ZERO;
  let startedAt = lease.outageStartedAt;
  if (startedAt === null) return ZERO;
  if (closedAt.minus(startedAt).lt(OUTAGE_MIN_SECONDS)) return ZERO;
  return downUnitSeconds.minus(lease.outageStartDownUnitSeconds);
}

/**
 * Adds what an ended lease weighs to its provider (sdk/src/reputation.ts leaseEvidence), and its review's weight
 * if the buyer reviewed it while it ran. `lease` still holds its terms (deposit, fee rate, token, review).
 */
export function addLeaseEvidence(
  provider: Provider,
  lease: Lease,
  reason: string,
  accrued: BigInt,
  activated: boolean,
  gpuSecondsServed: BigInt,
  gpuSecondsDown: BigInt,
): void {
  let paid = paidFeeUsdMicros(lease, accrued);
  provider.feesPaidUsdMicros = provider.feesPaidUsdMicros.plus(paid);
  if (reason == "Expired" || reason == "BuyerTerminated") {
    provider.completedWeight = provider.completedWeight.plus(paid);
  }
  // A failed lease weighs the fee its whole deposit would have paid: a no-show paid none.
  if (
    reason == "NoShowCancelled" ||
    reason == "ProviderTerminated" ||
    reason == "OutageUnresolved"
  ) {
    let fault = usdMicros(lease.paymentToken, feeOn(lease.deposit, lease.feeBps));
    provider.faultWeight = provider.faultWeight.plus(fault);
    if (reason == "NoShowCancelled") provider.noShowWeight = provider.noShowWeight.plus(fault);
  }
  if (activated) {
    provider.deliveredWeight = provider.deliveredWeight.plus(paid);
    let seconds = gpuSecondsServed.plus(gpuSecondsDown);
    provider.uptimeWeight = provider.uptimeWeight.plus(
      seconds.equals(ZERO) ? paid : paid.times(gpuSecondsServed).div(seconds),
    );
  }
  let reviewId = lease.review;
  if (reviewId !== null) {
    let review = Review.load(reviewId);
    if (review != null) {
      review.feeWeight = paid;
      review.save();
      addReviewEvidence(provider, paid, review.score);
    }
  }
}

/** Adds a review's weight once its lease has ended (sdk/src/reputation.ts reviewEvidence). */
export function addReviewEvidence(provider: Provider, paid: BigInt, score: i32): void {
  provider.reviewWeight = provider.reviewWeight.plus(paid);
  provider.reviewScoreWeight = provider.reviewScoreWeight.plus(paid.times(BigInt.fromI32(score)));
}

/** auditedUntil from every audit of a provider's offers (sdk/src/reputation.ts auditedUntilOf, published list). */
export function auditedUntilOf(provider: Provider): BigInt {
  let until = ZERO;
  let audits = provider.audits.load();
  for (let i = 0; i < audits.length; i++) {
    let a = audits[i];
    if (
      a.verdict == 1 &&
      a.revokedAt === null &&
      isPublishedAuditor(a.auditor.toHexString()) &&
      a.validUntil.gt(until)
    ) {
      until = a.validUntil;
    }
  }
  return until;
}
