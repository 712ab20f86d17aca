/**
 * `@gridlease/sdk/notifications`: what a buyer or a provider should hear about a lease right now, derived from chain
 * data at a time `now` with no I/O (issue #12, "Notifications"). The CLI's `gridlease watch` prints these as JSON lines
 * (and POSTs them to a webhook); the app lists them with a badge. Each carries a `key` that stays the same while the
 * condition it reports lasts, so a watcher emits it once.
 */
import { formatDuration, formatTime, formatTokenAmount, type TokenDisplay } from "./format.ts";
import { runway } from "./pricing.ts";
import { LeaseStatus } from "./status.ts";

/** The kinds of notification, one per condition or event the issue lists. */
export const NOTIFICATION_KINDS = [
  "runway-low",
  "grace-started",
  "activation-due",
  "outage-open",
  "ending-soon",
  "top-up-executed",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One thing to tell someone about a lease. */
export interface Notification {
  kind: NotificationKind;
  leaseId: bigint;
  /** Stable while the condition lasts (kind, lease, and the deadline or event it is about): emit each key once. */
  key: string;
  /** warning: something to act on before a deadline; info: news. */
  severity: "info" | "warning";
  /** The time the notification is about (a deadline, an end, or when a top-up funded the lease until). */
  at: bigint;
  /** One sentence in plain English. */
  message: string;
}

/** The fields of a lease (`getLease`'s view, or an indexer row mapped to it) the notifications read. */
export interface NotifiableLease {
  leaseId: bigint;
  /** `LeaseStatus` as a number (viem) or bigint. */
  status: number | bigint;
  /** Activation time; 0 while pending. */
  start: bigint;
  /** When the lease ends (a rolling lease: start + term + outage extension); 0 while pending. */
  end: bigint;
  /** Activation deadline while pending; 0 once active. */
  activationDeadline: bigint;
  /** Servers down in the open outage; 0 when none is open. */
  downUnits: bigint;
  /** The open outage's repair deadline; 0 when none is open. */
  repairDeadline: bigint;
}

/** The fields of `getLeaseTerms` the notifications read; undefined for a lease known not to be rolling. */
export interface NotifiableTerms {
  rolling: boolean;
  /** When its funding runs out (0 while pending). */
  fundedUntil: bigint;
  /** When its provider may end it as Unfunded (0 unless rolling and active). */
  graceEnds: bigint;
}

/** A lease's top-up allowance (`getTopUpAllowance`); perTopUp 0 means none. */
export interface NotifiableAllowance {
  perTopUp: bigint;
  remaining: bigint;
  runwayThreshold: number | bigint;
}

/** A `TopUpExecuted` event's arguments. */
export interface TopUpExecutedArgs {
  leaseId: bigint;
  executor: `0x${string}`;
  addedDuration: bigint;
  amount: bigint;
  fundedUntil: bigint;
  remaining: bigint;
}

/** Thresholds and extra input; every field has a default. */
export interface NotificationOptions {
  /** Runway below which `runway-low` fires; default the allowance's threshold, else DEFAULT_RUNWAY_LOW. */
  runwayLowBelow?: bigint;
  /** Time before the end within which `ending-soon` fires; default DEFAULT_ENDING_SOON. */
  endingSoonWithin?: bigint;
  /** `TopUpExecuted` events to report (those of other leases are ignored). */
  topUps?: readonly TopUpExecutedArgs[];
  /** The lease's payment token, to show amounts; base units without it. */
  token?: TokenDisplay;
}

/** `runway-low` without an allowance threshold: three days, the grace period's length. */
export const DEFAULT_RUNWAY_LOW = 3n * 86_400n;
/** `ending-soon`: one day before the end. */
export const DEFAULT_ENDING_SOON = 86_400n;

/** Every notification that holds for `lease` at `now`, in the order of NOTIFICATION_KINDS. */
export function leaseNotifications(
  lease: NotifiableLease,
  terms: NotifiableTerms | undefined,
  allowance: NotifiableAllowance | undefined,
  now: bigint,
  opts: NotificationOptions = {},
): Notification[] {
  const id = lease.leaseId;
  const out: Notification[] = [];
  const push = (
    kind: NotificationKind,
    at: bigint,
    severity: Notification["severity"],
    message: string,
  ) => out.push({ kind, leaseId: id, key: `${kind}:${id}:${at}`, severity, at, message });
  const status = Number(lease.status);
  const running = status === LeaseStatus.Active && now < lease.end;
  const amount = (v: bigint) => formatTokenAmount(v, opts.token);

  // A rolling lease that is not yet funded to its end: runway first, then grace.
  if (running && terms?.rolling && terms.fundedUntil < lease.end) {
    const left = runway(terms.fundedUntil, now);
    const threshold =
      opts.runwayLowBelow ??
      (allowance && allowance.perTopUp !== 0n
        ? BigInt(allowance.runwayThreshold)
        : DEFAULT_RUNWAY_LOW);
    if (left > 0n && left < threshold)
      push(
        "runway-low",
        terms.fundedUntil,
        "warning",
        `Lease #${id} is funded for only ${formatDuration(left)} more (until ${formatTime(terms.fundedUntil)})${
          allowance && allowance.perTopUp !== 0n
            ? `; its top-up allowance has ${amount(allowance.remaining)} left.`
            : ": top it up, or grant a top-up allowance."
        }`,
      );
    if (left === 0n)
      push(
        "grace-started",
        terms.graceEnds,
        "warning",
        now > terms.graceEnds
          ? `Lease #${id}'s funding ran out at ${formatTime(terms.fundedUntil)} and its grace period is over: its provider may end it as unfunded now.`
          : `Lease #${id}'s funding ran out at ${formatTime(terms.fundedUntil)}: top it up before ${formatTime(terms.graceEnds)}, or its provider may end it as unfunded.`,
      );
  }
  if (status === LeaseStatus.Pending)
    push(
      "activation-due",
      lease.activationDeadline,
      "warning",
      now > lease.activationDeadline
        ? `Lease #${id} was not activated by its deadline (${formatTime(lease.activationDeadline)}): the buyer may cancel it for a full refund and the bond penalty.`
        : `Lease #${id} must be activated by ${formatTime(lease.activationDeadline)} (in ${formatDuration(lease.activationDeadline - now)}).`,
    );
  if (running && lease.downUnits > 0n)
    push(
      "outage-open",
      lease.repairDeadline,
      "warning",
      now > lease.repairDeadline
        ? `Lease #${id} has ${lease.downUnits} server(s) down past the repair deadline (${formatTime(lease.repairDeadline)}): anyone may end it with a refund and the bond penalty.`
        : `Lease #${id} has ${lease.downUnits} server(s) down: the provider must repair them by ${formatTime(lease.repairDeadline)}.`,
    );
  const soon = opts.endingSoonWithin ?? DEFAULT_ENDING_SOON;
  if (running && lease.end - now <= soon)
    push(
      "ending-soon",
      lease.end,
      "info",
      `Lease #${id} ends at ${formatTime(lease.end)} (in ${formatDuration(lease.end - now)}).`,
    );
  for (const t of opts.topUps ?? []) {
    if (t.leaseId !== id) continue;
    push(
      "top-up-executed",
      t.fundedUntil,
      "info",
      `Lease #${id} was topped up by ${formatDuration(t.addedDuration)} for ${amount(t.amount)} (by ${t.executor}): funded until ${formatTime(t.fundedUntil)}, ${amount(t.remaining)} of the allowance left.`,
    );
  }
  return out;
}
