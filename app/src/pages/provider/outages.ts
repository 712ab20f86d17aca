/** Pure helpers of the provider's open outages: which leases have one, most urgent first. */
import type { LiveLeaseView } from "../../lib/liveLease.ts";

/** Under an hour left to repair: shown in red. */
export const URGENT_SECONDS = 3600n;

/**
 * The leases with an open outage (servers reported down), soonest repair deadline first: the provider works down
 * the list from the top.
 */
export function openOutages(leases: readonly LiveLeaseView[]): LiveLeaseView[] {
  return leases
    .filter((l) => (Number(l.status) === 2 || Number(l.status) === 3) && l.downUnits > 0n)
    .sort((a, b) =>
      a.repairDeadline === b.repairDeadline ? 0 : a.repairDeadline < b.repairDeadline ? -1 : 1,
    );
}

/** How the time left to a repair deadline reads: "urgent" under an hour, "passed" once it is over. */
export function repairUrgency(secondsLeft: bigint): "ok" | "urgent" | "passed" {
  if (secondsLeft <= 0n) return "passed";
  return secondsLeft < URGENT_SECONDS ? "urgent" : "ok";
}
