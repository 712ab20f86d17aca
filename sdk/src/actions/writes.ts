/** One write action per market function: providers, buyers and the owner. `wait()` decodes what each creates. */
import type { Address, Hex } from "viem";
import { findEvent, required, writeMarket } from "./transactions.ts";
import type { MarketEvent, OfferParams, OnMarket, SignerClient } from "./types.ts";

/* Providers */

/** Registers the sender as a provider with a public metadata URI. */
export const registerProvider = (w: SignerClient, p: OnMarket & { metadataURI: string }) =>
  writeMarket(w, p.market, "registerProvider", [p.metadataURI]);

/** Replaces the sender's provider metadata URI. */
export const updateProvider = (w: SignerClient, p: OnMarket & { metadataURI: string }) =>
  writeMarket(w, p.market, "updateProvider", [p.metadataURI]);

/**
 * Adds `amount` of `token` to the sender's bond in that token (an allowed payment token; GRID is one). A lease's
 * penalty is reserved from, and paid out of, the bond in the lease's payment token. Approve the market first (see
 * `ensureAllowance`); `wait()` gives the `newBond`.
 */
export const depositBond = (w: SignerClient, p: OnMarket & { token: Address; amount: bigint }) =>
  writeMarket(w, p.market, "depositBond", [p.token, p.amount], (events) => ({
    newBond: required(findEvent(events, "BondDeposited"), "BondDeposited").args.newBond,
  }));

/**
 * Withdraws `amount` of the sender's bond in `token`: at most its free part (live leases keep their penalties
 * reserved). `wait()` gives the `newBond`.
 */
export const withdrawBond = (w: SignerClient, p: OnMarket & { token: Address; amount: bigint }) =>
  writeMarket(w, p.market, "withdrawBond", [p.token, p.amount], (events) => ({
    newBond: required(findEvent(events, "BondWithdrawn"), "BondWithdrawn").args.newBond,
  }));

/** Lists capacity; `wait()` gives the new `offerId`. */
export const createOffer = (w: SignerClient, p: OnMarket & { offer: OfferParams }) =>
  writeMarket(w, p.market, "createOffer", [p.offer], (events) => ({
    offerId: required(findEvent(events, "OfferCreated"), "OfferCreated").args.offerId,
  }));

/** Sets an offer's price per GPU-hour for leases opened from now on. */
export const setOfferPrice = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; pricePerGpuHour: bigint },
) => writeMarket(w, p.market, "setOfferPrice", [p.offerId, p.pricePerGpuHour]);

/** Sets an offer's total units (at least the units in use). */
export const setOfferUnits = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; totalUnits: bigint },
) => writeMarket(w, p.market, "setOfferUnits", [p.offerId, p.totalUnits]);

/** Pauses (`paused` true) or resumes new leases on an offer. */
export const setOfferPaused = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; paused: boolean },
) => writeMarket(w, p.market, "setOfferPaused", [p.offerId, p.paused]);

/** Sets the repair window (seconds, 15 minutes to 7 days) for outages reported from now on. */
export const setOfferRepairWindow = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; repairWindow: bigint },
) => writeMarket(w, p.market, "setOfferRepairWindow", [p.offerId, p.repairWindow]);

/** Starts a pending lease and posts the access details sealed to the buyer (see `sealAccess`). */
export const activateLease = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; encryptedAccess: Hex },
) => writeMarket(w, p.market, "activateLease", [p.leaseId, p.encryptedAccess]);

/** Posts new sealed access details for an active lease. */
export const rotateAccess = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; encryptedAccess: Hex },
) => writeMarket(w, p.market, "rotateAccess", [p.leaseId, p.encryptedAccess]);

/** Pays the sender the accrued earnings of its leases (at most 200 per call); `wait()` lists what each paid. */
export const claim = (w: SignerClient, p: OnMarket & { leaseIds: readonly bigint[] }) =>
  writeMarket(w, p.market, "claim", [p.leaseIds], (events) => ({
    claimed: events.flatMap((e) => (e.eventName === "EarningsClaimed" ? [e.args] : [])),
  }));

/* Buyers */

/** What a new lease asks for. */
export interface LeaseRequest extends OnMarket {
  offerId: bigint;
  units: bigint;
  /** Seconds. */
  duration: bigint;
  /** The highest price per GPU-hour accepted: protects against a price rise before inclusion. */
  maxPricePerGpuHour: bigint;
  /** The buyer's X25519 public key as bytes32 (`AccessKeyPair.publicKeyHex`). */
  buyerPublicKey: Hex;
}

/** `wait()` of a lease-opening write: the new lease id. */
export const leaseIdOf = (events: MarketEvent[]) => ({
  leaseId: required(findEvent(events, "LeaseOpened"), "LeaseOpened").args.leaseId,
});

/** Opens a lease, pulling the deposit (approve it first: see `ensureAllowance`); `wait()` gives the `leaseId`. */
export const openLease = (w: SignerClient, p: LeaseRequest) =>
  writeMarket(
    w,
    p.market,
    "openLease",
    [p.offerId, p.units, p.duration, p.maxPricePerGpuHour, p.buyerPublicKey],
    leaseIdOf,
  );

/** Adds `addedDuration` seconds to a pending or active lease at its locked price; the sender pays the top-up. */
export const extendLease = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; addedDuration: bigint },
) => writeMarket(w, p.market, "extendLease", [p.leaseId, p.addedDuration]);

/** Ends a lease early (buyer: active; provider: pending or active); the buyer gets the unused deposit back. */
export const terminateLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "terminateLease", [p.leaseId]);

/** Cancels a lease the provider failed to activate in time: full refund plus the bond penalty. */
export const cancelLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "cancelLease", [p.leaseId]);

/** Ends an expired lease and frees its units; anyone may call it. */
export const closeLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "closeLease", [p.leaseId]);

/* Outages */

/**
 * Buyer: reports `units` of the lease's servers down; billing stops for them at once. While an outage is open, only a
 * higher count may be reported. `wait()` gives the repair deadline (Unix seconds) and the lease's report count.
 */
export const reportOutage = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; units: bigint; evidenceHash: Hex },
) =>
  writeMarket(w, p.market, "reportOutage", [p.leaseId, p.units, p.evidenceHash], (events) => {
    const e = required(findEvent(events, "OutageReported"), "OutageReported").args;
    return { repairDeadline: e.repairDeadline, reports: e.reports };
  });

/**
 * Provider: resolves the open outage before its repair deadline; billing resumes and the lease's end moves later by
 * the downtime. `encryptedAccess` is new sealed access details, or "0x" to keep the current ones. `wait()` gives the
 * downtime (seconds added to the end) and the new end.
 */
export const resolveOutage = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; encryptedAccess?: Hex },
) =>
  writeMarket(w, p.market, "resolveOutage", [p.leaseId, p.encryptedAccess ?? "0x"], (events) => {
    const e = required(findEvent(events, "OutageResolved"), "OutageResolved").args;
    return { downtime: e.downtime, end: e.end };
  });

/**
 * Anyone: ends a lease whose outage passed its repair deadline unresolved, or that reached the report limit: the
 * buyer gets the unused deposit and the bond penalty.
 */
export const endUnresolvedOutage = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "endUnresolvedOutage", [p.leaseId]);

/**
 * Sends the sender what the market credited it in `token` when a payout to it failed (a blocklist, a paused token, a
 * refusing contract). `wait()` gives the `amount`.
 */
export const withdrawCredit = (w: SignerClient, p: OnMarket & { token: Address }) =>
  writeMarket(w, p.market, "withdrawCredit", [p.token], (events) => ({
    amount: required(findEvent(events, "CreditWithdrawn"), "CreditWithdrawn").args.amount,
  }));

/* Owner and anyone */

/** Owner: sets the protocol fee (basis points) for leases opened from now on. */
export const setProtocolFee = (w: SignerClient, p: OnMarket & { feeBps: bigint }) =>
  writeMarket(w, p.market, "setProtocolFee", [p.feeBps]);

/** Owner: sets where protocol fees go. */
export const setTreasury = (w: SignerClient, p: OnMarket & { treasury: Address }) =>
  writeMarket(w, p.market, "setTreasury", [p.treasury]);

/** Owner: sets the activation window (seconds) for leases opened from now on. */
export const setActivationWindow = (w: SignerClient, p: OnMarket & { window: bigint }) =>
  writeMarket(w, p.market, "setActivationWindow", [p.window]);

/** Owner: allows or disallows a payment token for new offers and leases. */
export const setPaymentToken = (
  w: SignerClient,
  p: OnMarket & { token: Address; allowed: boolean },
) => writeMarket(w, p.market, "setPaymentToken", [p.token, p.allowed]);

/** Owner: pauses or resumes new offers and new leases. */
export const setPaused = (w: SignerClient, p: OnMarket & { paused: boolean }) =>
  writeMarket(w, p.market, "setPaused", [p.paused]);

/** Sends the protocol fees collected in `token` to the treasury (anyone may call it); `wait()` gives the `amount`. */
export const withdrawFees = (w: SignerClient, p: OnMarket & { token: Address }) =>
  writeMarket(w, p.market, "withdrawFees", [p.token], (events) => ({
    amount: required(findEvent(events, "FeesWithdrawn"), "FeesWithdrawn").args.amount,
  }));

/** Owner: sends tokens sent to the market by mistake (never a payment token, not GRID) to `to`. */
export const sweep = (w: SignerClient, p: OnMarket & { token: Address; to: Address }) =>
  writeMarket(w, p.market, "sweep", [p.token, p.to], (events) => ({
    amount: required(findEvent(events, "TokensSwept"), "TokensSwept").args.amount,
  }));

/** Owner: starts handing ownership to `newOwner`, who must accept. */
export const transferOwnership = (w: SignerClient, p: OnMarket & { newOwner: Address }) =>
  writeMarket(w, p.market, "transferOwnership", [p.newOwner]);

/** Pending owner: accepts ownership. */
export const acceptOwnership = (w: SignerClient, p: OnMarket) =>
  writeMarket(w, p.market, "acceptOwnership", []);

/** Owner: gives up ownership for good; fee, window and token settings can then never change. */
export const renounceOwnership = (w: SignerClient, p: OnMarket) =>
  writeMarket(w, p.market, "renounceOwnership", []);
