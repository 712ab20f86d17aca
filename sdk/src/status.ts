/**
 * Lease status and end reasons, derived from chain data at any time `now`, so a view read once (or rebuilt from
 * events by an indexer) can be shown correctly as time passes.
 */
import {
  accruedAt,
  downUnitSecondsAt,
  feeOn,
  leaseEnd,
  unresolvedExitOpen,
  deposit as depositOf,
  type LeaseTerms,
  type OutageRecord,
} from "./pricing.ts";

/** `LeaseStatus` in contracts/types/DataTypes.sol, as ABI-decoded numbers. */
export const LeaseStatus = { None: 0, Pending: 1, Active: 2, Expired: 3, Ended: 4 } as const;
export type LeaseStatusName = keyof typeof LeaseStatus;

/** `EndReason` in contracts/types/DataTypes.sol, as ABI-decoded numbers. */
export const EndReason = {
  None: 0,
  Expired: 1,
  BuyerTerminated: 2,
  ProviderTerminated: 3,
  NoShowCancelled: 4,
  OutageUnresolved: 5,
  Unfunded: 6,
} as const;
export type EndReasonName = keyof typeof EndReason;

/** A lease's status as a person sees it: the contract's, plus a pending lease past its activation deadline. */
export type DerivedStatus = "Pending" | "ActivationOverdue" | "Active" | "Expired" | "Ended";

const END_REASON_NAMES = Object.keys(EndReason) as EndReasonName[];
const STATUS_NAMES = Object.keys(LeaseStatus) as LeaseStatusName[];

const END_REASON_LABELS: Record<EndReasonName, string> = {
  None: "Not ended",
  Expired: "Ran its full term",
  BuyerTerminated: "Ended early by the buyer",
  ProviderTerminated: "Ended early by the provider",
  NoShowCancelled: "Cancelled: the provider never activated it",
  OutageUnresolved: "Ended: an outage was not repaired in time",
  Unfunded: "Ended: its funding ran out and was not topped up within the grace period",
};

const STATUS_LABELS: Record<DerivedStatus, string> = {
  Pending: "Waiting for the provider to activate",
  ActivationOverdue: "Activation overdue: the buyer may cancel for a full refund",
  Active: "Running",
  Expired: "Term over: waiting to be closed",
  Ended: "Ended",
};

/** The name of an `EndReason` number ("ProviderTerminated" for 3); throws on an unknown number. */
export function endReasonName(reason: number | bigint): EndReasonName {
  const name = END_REASON_NAMES[Number(reason)];
  if (name === undefined || !Number.isInteger(Number(reason)))
    throw new RangeError(`Unknown end reason ${reason}`);
  return name;
}

/** The `EndReason` number of a name (3 for "ProviderTerminated"). */
export function endReasonFromName(name: EndReasonName): number {
  const reason = EndReason[name];
  if (reason === undefined) throw new RangeError(`Unknown end reason ${JSON.stringify(name)}`);
  return reason;
}

/** Plain label of an end reason, by number or name ("Ended early by the provider"). */
export function endReasonLabel(reason: number | bigint | EndReasonName): string {
  return END_REASON_LABELS[typeof reason === "string" ? reason : endReasonName(reason)];
}

/** The name of a `LeaseStatus` number ("Active" for 2); throws on an unknown number. */
export function leaseStatusName(status: number | bigint): LeaseStatusName {
  const name = STATUS_NAMES[Number(status)];
  if (name === undefined || !Number.isInteger(Number(status)))
    throw new RangeError(`Unknown lease status ${status}`);
  return name;
}

/** Plain label of a derived status ("Activation overdue: the buyer may cancel for a full refund"). */
export function leaseStatusLabel(status: DerivedStatus): string {
  return STATUS_LABELS[status];
}

/** The fields of `getLease` (a `LeaseView`) that status derivation reads; enums as numbers (viem) or bigints (ethers). */
export interface LeaseSnapshot {
  status: number | bigint;
  endReason: number | bigint;
  units: bigint;
  gpusPerUnit: bigint;
  pricePerGpuHour: bigint;
  feeBps: bigint;
  /** Paid seconds: the full term; once ended early, cut so that start + duration (+ outage extension) is the end. */
  duration: bigint;
  /** Activation time; 0 while pending. */
  start: bigint;
  /** Activation deadline while pending; 0 once active. */
  activationDeadline: bigint;
  /** Gross amount already paid out to the provider. */
  settled: bigint;
  /** The lease's outage record (`getOutage`), for a lease that had outage reports; absent means none. */
  outage?: OutageRecord;
  /**
   * Its reserved-capacity record (`getLeaseTerms`), for a lease that has one; absent means a plain lease. A rolling
   * lease runs to start + term while `duration` is only what is funded; `frozen` is what released or failed
   * servers and exit charges earned, and `exitEscrow` what a committed rolling lease holds for its exit.
   */
  reserved?: { rolling: boolean; term: bigint; frozen: bigint; exitEscrow: bigint };
}

/** A lease's state at a given time, with the amounts that matter to each party. */
export interface LeaseState {
  status: DerivedStatus;
  /** Plain label of `status`. */
  label: string;
  endReason: EndReasonName;
  /** Seconds of service left (the full term while pending; 0 once over). */
  remainingSeconds: bigint;
  /** Seconds until the activation deadline while pending; 0 otherwise. */
  activationSecondsLeft: bigint;
  /** Escrow for the billed duration. */
  deposit: bigint;
  /** Gross amount the provider has earned so far (fee included). */
  accrued: bigint;
  /** Deposit not yet earned: what an early end now would refund. */
  unused: bigint;
  /** What the buyer can get back by acting now: cancel (overdue) or terminate (active). */
  refundableNow: bigint;
  /** What the provider can claim now (gross, fee included). */
  claimable: bigint;
  /** Protocol fee on `accrued`. */
  fee: bigint;
  /** When the lease ends (0 while pending): later than start + duration by the downtime of resolved outages. */
  end: bigint;
  /** Servers down in the open outage (billing is paused for them); 0 when none is open. */
  downUnits: bigint;
  /** The open outage's repair deadline; 0 when none is open. */
  repairDeadline: bigint;
  /** Seconds left to the repair deadline; 0 when passed or none is open. */
  repairSecondsLeft: bigint;
  /** Down unit-seconds so far (not billed). */
  downUnitSeconds: bigint;
  /** Outage reports filed on the lease. */
  outageReports: bigint;
  /** Anyone may now end the lease with a full refund of the unused deposit and the bond penalty. */
  unresolvedExitOpen: boolean;
}

/** Derives the state of a lease at `now` (unix seconds) from its `getLease` view or an equivalent snapshot. */
export function leaseStateAt(lease: LeaseSnapshot, now: bigint): LeaseState {
  const terms: LeaseTerms = {
    pricePerGpuHour: lease.pricePerGpuHour,
    gpusPerUnit: lease.gpusPerUnit,
    units: lease.units,
    duration: lease.duration,
    feeBps: lease.feeBps,
  };
  const endReason = endReasonName(lease.endReason);
  const reserved = lease.reserved;
  const rolling = reserved?.rolling === true && Number(lease.status) !== LeaseStatus.Ended;
  const length = rolling ? reserved.term : lease.duration;
  let status: DerivedStatus;
  switch (Number(lease.status)) {
    case LeaseStatus.Pending:
      // `activateLease` is allowed up to and including the deadline; `cancelLease` only after it.
      status = now > lease.activationDeadline ? "ActivationOverdue" : "Pending";
      break;
    case LeaseStatus.Active:
    case LeaseStatus.Expired:
      // The contract's rule: expired from its end on (start + duration, or a rolling lease's term, + outage
      // extension). A rolling lease whose funding ran out is still active: unfunded, in or past its grace.
      status = now >= leaseEnd(lease.start, length, lease.outage) ? "Expired" : "Active";
      break;
    case LeaseStatus.Ended:
      status = "Ended";
      break;
    default:
      throw new RangeError(`Lease has no derivable status (status ${lease.status})`);
  }
  const started = status === "Active" || status === "Expired" || status === "Ended";
  const outage = lease.outage;
  const end = started ? leaseEnd(lease.start, length, outage) : 0n;
  // What released or failed servers and exit charges earned is in both the deposit and the accrual, as on chain.
  const frozen = reserved?.frozen ?? 0n;
  const paid = depositOf(terms) + frozen + (rolling ? reserved.exitEscrow : 0n);
  const accrued = started ? accruedAt({ ...terms, start: lease.start }, now, outage) + frozen : 0n;
  // An ended lease's deposit is what it billed: the rest went back to the buyer (as `getLease` reports it).
  const deposit = status === "Ended" ? accrued : paid;
  const live = status === "Active" || status === "Expired";
  const open = live && outage !== undefined && outage.since !== 0n;
  const repairDeadline = open ? outage.deadline : 0n;
  return {
    status,
    label: status === "Ended" ? END_REASON_LABELS[endReason] : STATUS_LABELS[status],
    endReason,
    remainingSeconds:
      status === "Pending" || status === "ActivationOverdue"
        ? length
        : status === "Active"
          ? end - now
          : 0n,
    activationSecondsLeft: status === "Pending" ? lease.activationDeadline - now : 0n,
    deposit,
    accrued,
    unused: deposit - accrued,
    refundableNow:
      status === "ActivationOverdue" ? deposit : status === "Active" ? deposit - accrued : 0n,
    claimable: accrued - lease.settled,
    fee: feeOn(accrued, terms.feeBps),
    end,
    downUnits: open ? outage.downUnits : 0n,
    repairDeadline,
    repairSecondsLeft: open && now < repairDeadline ? repairDeadline - now : 0n,
    downUnitSeconds: started && outage ? downUnitSecondsAt(outage, now < end ? now : end) : 0n,
    outageReports: outage?.reports ?? 0n,
    unresolvedExitOpen: live && outage !== undefined && unresolvedExitOpen(outage, end, now),
  };
}
