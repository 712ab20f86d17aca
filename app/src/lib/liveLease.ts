/** A lease read from the chain with its outage record, so that `leaseStateAt` places its end and bills its downtime. */
import type { Address } from "viem";
import {
  getLease,
  getOutage,
  toOutageRecord,
  type LeaseView,
  type OutageRecord,
  type ReadClient,
} from "@gridlease/sdk";

/** `getLease`'s view plus the outage record of a lease that had reports (absent for one that never had any). */
export type LiveLeaseView = LeaseView & { outage?: OutageRecord };

/**
 * Reads a lease, and its outage record only when it had reports (as the SDK's `getLeaseState` does): without the
 * record, `leaseStateAt` would put the end of a lease whose outages were resolved too early.
 */
export async function readLiveLease(
  client: ReadClient,
  p: { market: Address; leaseId: bigint },
): Promise<LiveLeaseView> {
  const lease = await getLease(client, p);
  if (lease.outageReports === 0n) return lease;
  return { ...lease, outage: toOutageRecord(await getOutage(client, p)) };
}
