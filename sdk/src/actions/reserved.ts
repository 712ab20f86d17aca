/**
 * Reserved capacity (issue #12): offers with a prepaid window or a commitment, rolling leases, top-up allowances
 * anyone may execute, per-server ends and the Unfunded end; and the reads that go with them.
 */
import type { Address } from "viem";
import { maxTopUp, toReservedTerms, type ReservedTerms } from "../pricing.ts";
import { LeaseStatus } from "../status.ts";
import { signPermit } from "./permit.ts";
import { chainTime, getLease, read } from "./reads.ts";
import { findEvent, required, writeMarket, type Sent } from "./transactions.ts";
import type { OfferParams, OnMarket, ReadClient, SignerClient } from "./types.ts";
import { leaseIdOf } from "./writes.ts";

/* Providers */

/**
 * Lists capacity with reserved-capacity terms, fixed for good: a prepaid window (leases may be rolling), a
 * commitment with a notice period or an exit fee, or both. `wait()` gives the new `offerId`.
 */
export const createReservedOffer = (
  w: SignerClient,
  p: OnMarket & { params: OfferParams; terms: ReservedTerms },
) =>
  writeMarket(w, p.market, "createReservedOffer", [p.params, p.terms], (events) => ({
    offerId: required(findEvent(events, "OfferCreated"), "OfferCreated").args.offerId,
  }));

/**
 * Provider: fails `count` servers of an active lease (0 < count < units); the rest keep running. The buyer gets
 * their unused time back and their share of the penalty, rounded up. `wait()` gives `refund` and `penalty`.
 */
export const failServers = (w: SignerClient, p: OnMarket & { leaseId: bigint; count: bigint }) =>
  writeMarket(w, p.market, "failServers", [p.leaseId, p.count], (events) => {
    const e = required(findEvent(events, "ServersFailed"), "ServersFailed").args;
    return { refund: e.refund, penalty: e.penalty };
  });

/**
 * Provider: ends a rolling lease whose funding ran out more than GRACE_PERIOD ago, with no penalty; before the
 * commitment is over the escrowed exit terms are its exit charge. `wait()` gives `exitCharge` (0 when none).
 */
export const endUnfunded = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "endUnfunded", [p.leaseId], (events) => ({
    exitCharge: findEvent(events, "ExitCharged")?.args.amount ?? 0n,
  }));

/* Buyers */

/** What a rolling lease asks for: `funded` seconds prepaid now, of a `term` it may run if topped up. */
export interface RollingLeaseRequest extends OnMarket {
  offerId: bigint;
  units: bigint;
  /** Seconds the lease may run in all. */
  term: bigint;
  /** Seconds prepaid at open: from min(prepaid window, term) to the term. */
  funded: bigint;
  /** The highest price per GPU-hour accepted. */
  maxPricePerGpuHour: bigint;
  /** The buyer's X25519 public key as bytes32. */
  buyerPublicKey: `0x${string}`;
}

/**
 * Opens a rolling lease, pulling the funded window's cost plus the escrowed exit terms (approve them first: see
 * `rollingDeposit` and `ensureAllowance`); `wait()` gives the `leaseId`.
 */
export const openRollingLease = (w: SignerClient, p: RollingLeaseRequest) =>
  writeMarket(
    w,
    p.market,
    "openRollingLease",
    [p.offerId, p.units, p.term, p.funded, p.maxPricePerGpuHour, p.buyerPublicKey],
    leaseIdOf,
  );

/** A buyer's standing allowance for top-ups of one rolling lease. */
export interface TopUpAllowanceRequest extends OnMarket {
  leaseId: bigint;
  /** The most one top-up may pull (payment-token base units). */
  perTopUp: bigint;
  /** What all top-ups together may pull. */
  totalCap: bigint;
  /** A top-up may run only while the runway (seconds of funding left) is below this. */
  runwayThreshold: bigint;
}

/**
 * Buyer: grants (or replaces) a rolling lease's top-up allowance, which anyone may then execute. The market must
 * also be approved for the token (`ensureAllowance`), or use `setTopUpAllowanceWithPermit`.
 */
export const setTopUpAllowance = (w: SignerClient, p: TopUpAllowanceRequest) =>
  writeMarket(w, p.market, "setTopUpAllowance", [
    p.leaseId,
    p.perTopUp,
    p.totalCap,
    p.runwayThreshold,
  ]);

/**
 * Buyer: `setTopUpAllowance` and an EIP-2612 permit of the lease's payment token for the market, in one
 * transaction. The permit covers `totalCap` unless `permitValue` says otherwise, and is valid for 30 minutes of
 * chain time unless `permitDeadline` says otherwise.
 */
export async function setTopUpAllowanceWithPermit(
  w: SignerClient,
  p: TopUpAllowanceRequest & { permitValue?: bigint; permitDeadline?: bigint },
): Promise<Sent> {
  const lease = await getLease(w, p);
  const value = p.permitValue ?? p.totalCap;
  const permit = await signPermit(w, {
    token: lease.paymentToken,
    spender: p.market,
    value,
    deadline: p.permitDeadline,
  });
  return writeMarket(w, p.market, "setTopUpAllowanceWithPermit", [
    p.leaseId,
    p.perTopUp,
    p.totalCap,
    p.runwayThreshold,
    value,
    permit.deadline,
    permit.v,
    permit.r,
    permit.s,
  ]);
}

/** Buyer: revokes a lease's top-up allowance (works while the market is paused). */
export const revokeTopUpAllowance = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "revokeTopUpAllowance", [p.leaseId]);

/**
 * Buyer: releases `count` servers of an active lease (0 < count < units); the rest keep running. Their unused
 * time is refunded, less the exit charge before the commitment is over. `wait()` gives `refund`, `exitCharge`
 * and `penaltyReleased`.
 */
export const releaseServers = (w: SignerClient, p: OnMarket & { leaseId: bigint; count: bigint }) =>
  writeMarket(w, p.market, "releaseServers", [p.leaseId, p.count], (events) => {
    const e = required(findEvent(events, "ServersReleased"), "ServersReleased").args;
    return { refund: e.refund, exitCharge: e.exitCharge, penaltyReleased: e.penaltyReleased };
  });

/* Anyone */

/**
 * Funds `addedDuration` more seconds of an active rolling lease from its buyer's wallet, within the buyer's
 * allowance (size it with `planTopUp`). `wait()` gives `amount`, `fundedUntil` and the allowance's `remaining`.
 */
export const executeTopUp = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; addedDuration: bigint },
) =>
  writeMarket(w, p.market, "executeTopUp", [p.leaseId, p.addedDuration], (events) => {
    const e = required(findEvent(events, "TopUpExecuted"), "TopUpExecuted").args;
    return { amount: e.amount, fundedUntil: e.fundedUntil, remaining: e.remaining };
  });

/* Reads */

/** A provider's bond in `token`: its amount and the part live leases' penalties reserve. */
export async function bondOf(
  c: ReadClient,
  p: OnMarket & { provider: Address; token: Address },
): Promise<{ amount: bigint; locked: bigint; free: bigint }> {
  const b = await read(c, p.market, "bondOf", [p.provider, p.token]);
  return { amount: b.amount, locked: b.locked, free: b.amount - b.locked };
}

/** An offer's reserved-capacity terms (all zero for a plain offer). */
export const getOfferTerms = async (
  c: ReadClient,
  p: OnMarket & { offerId: bigint },
): Promise<ReservedTerms> => toReservedTerms(await read(c, p.market, "getOfferTerms", [p.offerId]));

/**
 * A lease's reserved-capacity state as of the latest block: rolling or not, term, funded end, grace end,
 * commitment end, escrowed exit terms, what an exit would charge now, the penalty it reserves and `frozen`.
 */
export const getLeaseTerms = (c: ReadClient, p: OnMarket & { leaseId: bigint }) =>
  read(c, p.market, "getLeaseTerms", [p.leaseId]);

/** A lease's top-up allowance (every field 0 when none is set, or it was revoked). */
export const getTopUpAllowance = (c: ReadClient, p: OnMarket & { leaseId: bigint }) =>
  read(c, p.market, "getTopUpAllowance", [p.leaseId]);

/** What the buyer's exit of `count` servers would be charged at timestamp `at` under the commitment. */
export const exitChargeAt = (
  c: ReadClient,
  p: OnMarket & { leaseId: bigint; count: bigint; at: bigint },
): Promise<bigint> => read(c, p.market, "exitChargeAt", [p.leaseId, p.count, p.at]);

/**
 * The largest top-up `executeTopUp` would accept for a lease at `now` (default: the latest block's time), with
 * `maxTopUp` on the chain's state; `addedDuration` 0 when none is possible now (no allowance, runway not yet
 * below the threshold, funded to its term or to the window, or the allowance exhausted).
 */
export async function planTopUp(
  c: ReadClient,
  p: OnMarket & { leaseId: bigint; now?: bigint },
): Promise<{ addedDuration: bigint; amount: bigint; now: bigint }> {
  const [lease, terms, allowance, now] = await Promise.all([
    getLease(c, p),
    getLeaseTerms(c, p),
    getTopUpAllowance(c, p),
    p.now ?? chainTime(c),
  ]);
  // Only an active lease can be topped up; an expired one has run its term.
  if (lease.status !== LeaseStatus.Active) return { addedDuration: 0n, amount: 0n, now };
  const offerTerms = await getOfferTerms(c, { market: p.market, offerId: lease.offerId });
  const plan = maxTopUp({
    price: lease.pricePerGpuHour,
    gpus: lease.gpusPerUnit * lease.units,
    funded: lease.duration,
    term: terms.term,
    fundedUntil: terms.fundedUntil,
    prepaidWindow: offerTerms.prepaidWindow,
    perTopUp: allowance.perTopUp,
    remaining: allowance.remaining,
    runwayThreshold: BigInt(allowance.runwayThreshold),
    now,
  });
  return { ...plan, now };
}
