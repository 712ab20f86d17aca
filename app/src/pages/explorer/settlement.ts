/** How a lease's deposit splits: what the settlement breakdown on the lease page shows. */
import { leaseStateAt, type DerivedStatus, type OutageRecord } from "@gridlease/sdk";

/** The lease fields the breakdown reads (indexer strings). */
export interface SettlementInput {
  status: string;
  endReason: string;
  units: string;
  gpusPerUnit: string;
  pricePerGpuHour: string;
  feeBps: string;
  duration: string;
  startTime: string | null;
  activationDeadline: string;
  deposit: string;
  accrued: string;
  claimedGross: string;
  paidToProvider: string;
  fee: string;
  refunded: string;
  penalty: string;
  /** The lease's outage record as the indexer keeps it (absent on rows from before outages were indexed). */
  downUnits?: string;
  outageSince?: string | null;
  repairDeadline?: string | null;
  lastResolvedAt?: string | null;
  outageReports?: number;
  outageDowntime?: string;
  downUnitSeconds?: string;
}

/** The indexer's outage fields as the SDK's `OutageRecord` (what `leaseStateAt` bills by); none before a report. */
export function outageRecordOf(l: SettlementInput): OutageRecord | undefined {
  if (!l.outageReports) return undefined;
  return {
    since: BigInt(l.outageSince ?? "0"),
    deadline: BigInt(l.repairDeadline ?? "0"),
    lastResolved: BigInt(l.lastResolvedAt ?? "0"),
    downUnits: BigInt(l.downUnits ?? "0"),
    reports: BigInt(l.outageReports),
    extension: BigInt(l.outageDowntime ?? "0"),
    downUnitSeconds: BigInt(l.downUnitSeconds ?? "0"),
  };
}

export interface SettlementPart {
  key: "paid" | "fee" | "unclaimed" | "refunded" | "escrow";
  label: string;
  amount: bigint;
  /** Colour class of the bar segment. */
  tone: string;
}

export interface Settlement {
  final: boolean;
  status: DerivedStatus;
  deposit: bigint;
  accrued: bigint;
  /** Segments of the deposit, in order; they add up to `deposit`. */
  parts: SettlementPart[];
  /** The provider's bond paid the buyer this much, in the bond token (not part of the deposit). */
  penalty: bigint;
  /** deposit = accrued + refunded (only checked once ended). */
  balanced: boolean;
}

const STATUS_NUMBER: Record<string, number> = { Pending: 1, Active: 2, Ended: 4 };

/** The lease's status as a person sees it at `now` (a pending lease past its deadline, an active one past its end). */
export function derivedStatus(
  l: Pick<
    SettlementInput,
    "status" | "startTime" | "duration" | "activationDeadline" | "outageDowntime"
  >,
  now: bigint,
): DerivedStatus {
  if (l.status === "Ended") return "Ended";
  if (l.status === "Pending")
    return now > BigInt(l.activationDeadline) ? "ActivationOverdue" : "Pending";
  // Resolved outages moved the end later by their downtime.
  const end = BigInt(l.startTime ?? "0") + BigInt(l.duration) + BigInt(l.outageDowntime ?? "0");
  return now >= end ? "Expired" : "Active";
}

/**
 * Ended: paid to the provider (claimed, net of fee) + fee + earned but not yet claimed + refunded = deposit.
 * Live: the same, with the accrual so far and what is still in escrow instead of the refund.
 */
export function settlementBreakdown(l: SettlementInput, now: bigint): Settlement {
  const deposit = BigInt(l.deposit);
  const claimedGross = BigInt(l.claimedGross);
  const paid = BigInt(l.paidToProvider);
  const fee = BigInt(l.fee);
  const penalty = BigInt(l.penalty);
  const final = l.status === "Ended";
  let accrued: bigint;
  let status: DerivedStatus;
  if (final) {
    accrued = BigInt(l.accrued);
    status = "Ended";
  } else {
    const state = leaseStateAt(
      {
        status: STATUS_NUMBER[l.status] ?? 1,
        endReason: 0,
        units: BigInt(l.units),
        gpusPerUnit: BigInt(l.gpusPerUnit),
        pricePerGpuHour: BigInt(l.pricePerGpuHour),
        feeBps: BigInt(l.feeBps),
        duration: BigInt(l.duration),
        start: BigInt(l.startTime ?? "0"),
        activationDeadline: BigInt(l.activationDeadline),
        settled: claimedGross,
        outage: outageRecordOf(l),
      },
      now,
    );
    accrued = state.accrued > deposit ? deposit : state.accrued;
    status = state.status;
  }
  const unclaimed = accrued > claimedGross ? accrued - claimedGross : 0n;
  const rest = deposit - claimedGross - unclaimed;
  const parts: SettlementPart[] = [
    { key: "paid", label: "Paid to the provider", amount: paid, tone: "seg-paid" },
    { key: "fee", label: "Protocol fee", amount: fee, tone: "seg-fee" },
    {
      key: "unclaimed",
      label: final ? "Earned, not yet claimed by the provider" : "Earned so far, not yet claimed",
      amount: unclaimed,
      tone: "seg-unclaimed",
    },
    final
      ? {
          key: "refunded",
          label: "Refunded to the buyer",
          amount: BigInt(l.refunded),
          tone: "seg-refunded",
        }
      : {
          key: "escrow",
          label:
            status === "Pending" || status === "ActivationOverdue"
              ? "In escrow (refundable if cancelled)"
              : "Still in escrow",
          amount: rest < 0n ? 0n : rest,
          tone: "seg-escrow",
        },
  ];
  return {
    final,
    status,
    deposit,
    accrued,
    parts,
    penalty,
    balanced: !final || deposit === accrued + BigInt(l.refunded),
  };
}

/** Share of each part in percent of the deposit (for the bar), 0 when the deposit is 0. */
export const shares = (s: Settlement) =>
  s.parts.map((p) => (s.deposit === 0n ? 0 : Number((p.amount * 10_000n) / s.deposit) / 100));
