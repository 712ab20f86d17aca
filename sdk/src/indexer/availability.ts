/**
 * A provider's availability, as both indexers compute it (indexer/README.md "Outages"): delivered ÷ (delivered +
 * downtime), both in GPU-seconds of leases that ended. Delivered GPU-seconds are the billed ones (every server's
 * seconds of service less its down seconds); downtime is the down GPU-seconds, an outage still open at the end
 * counted up to the end.
 */

/** Basis points in one whole. */
const WHOLE = 10_000n;

/** delivered ÷ (delivered + down) in basis points, rounded down; 10,000 when nothing was delivered nor down. */
export function availabilityBps(gpuSecondsDelivered: bigint, gpuSecondsDown: bigint): number {
  if (gpuSecondsDelivered < 0n || gpuSecondsDown < 0n)
    throw new RangeError("GPU-seconds delivered and down must not be negative");
  const total = gpuSecondsDelivered + gpuSecondsDown;
  return total === 0n ? Number(WHOLE) : Number((gpuSecondsDelivered * WHOLE) / total);
}
