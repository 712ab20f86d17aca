// The lease counts by GPU model, region, status and end reason: addLeaseCount in indexer/src/store.ts.
import { BigInt } from "@graphprotocol/graph-ts";
import { LeaseCount } from "../../generated/schema";

/** Adds `delta` (+1 or -1) to the count of leases with this model, region, status and end reason. */
export function addLeaseCount(
  gpuModel: string,
  region: string,
  status: string,
  endReason: string,
  delta: i32,
  timestamp: BigInt,
): void {
  let id = gpuModel + ":" + region + ":" + status + ":" + endReason;
  let row = LeaseCount.load(id);
  if (row == null) {
    row = new LeaseCount(id);
    row.gpuModel = gpuModel;
    row.region = region;
    row.status = status;
    row.endReason = endReason;
    row.leaseCount = 0;
  }
  row.leaseCount += delta;
  row.updatedAt = timestamp;
  row.save();
}
