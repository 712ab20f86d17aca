// Outages, as indexer/src/outages.ts: the lease keeps the contract's outage record; the provider, the reporting
// buyer and the statistics count the reports. Downtime and delivered GPU-seconds are booked at the lease's end.
import { Bytes } from "@graphprotocol/graph-ts";
import { OutageReported, OutageResolved } from "../../generated/GridleaseMarket/GridleaseMarket";
import { touchAccount, touchProvider } from "../common/entities";
import { idOf, ZERO } from "../common/ids";
import { longOutageDown } from "../common/reputation";
import { recordStats, StatDelta } from "../common/stats";
import { leaseEvent, loadLease } from "./leases";

export function handleOutageReported(event: OutageReported): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  let wasOpen = lease.outageOpen;
  // A report while one is open raises the count: the servers already down were down at the old count until now.
  let since = lease.outageSince;
  if (wasOpen && since !== null) {
    lease.downUnitSeconds = lease.downUnitSeconds.plus(
      lease.downUnits.times(timestamp.minus(since)),
    );
  }
  // A first report opens the outage; a raise keeps its start (how long it stays open decides if it counts).
  if (!wasOpen) {
    lease.outageStartedAt = timestamp;
    lease.outageStartDownUnitSeconds = lease.downUnitSeconds;
  }
  lease.outageOpen = true;
  lease.downUnits = p.downUnits;
  lease.outageSince = timestamp;
  lease.repairDeadline = p.repairDeadline;
  lease.outageReports = p.reports.toI32();
  lease.updatedAt = timestamp;
  lease.save();
  let provider = touchProvider(lease.provider, timestamp);
  provider.outageReports += 1;
  if (!wasOpen) provider.openOutages += 1;
  provider.save();
  let account = touchAccount(idOf(p.buyer), timestamp);
  account.outageReports += 1;
  account.save();
  let d = new StatDelta();
  d.outageReports = 1;
  recordStats(lease.gpuModel, lease.region, lease.paymentToken, d, timestamp);
  let row = leaseEvent(event, lease.id, "OutageReported");
  row.account = p.buyer;
  row.downUnits = p.downUnits;
  row.evidenceHash = p.evidenceHash;
  row.repairDeadline = p.repairDeadline;
  row.reports = p.reports.toI32();
  row.save();
}

export function handleOutageResolved(event: OutageResolved): void {
  let timestamp = event.block.timestamp;
  let p = event.params;
  let lease = loadLease(p.leaseId);
  if (lease == null) return;
  let accessChanged = p.encryptedAccess.length > 0;
  lease.longDownUnitSeconds = lease.longDownUnitSeconds.plus(
    longOutageDown(lease, timestamp, p.downUnitSeconds),
  );
  lease.outageStartedAt = null;
  lease.outageStartDownUnitSeconds = ZERO;
  lease.outageOpen = false;
  lease.downUnits = ZERO;
  lease.outageSince = null;
  lease.lastResolvedAt = timestamp;
  lease.outageDowntime = lease.outageDowntime.plus(p.downtime);
  lease.downUnitSeconds = p.downUnitSeconds;
  lease.endTime = p.end;
  // The funded end moves with the end (they are the same for a fully prepaid lease).
  let funded = lease.fundedUntil;
  if (funded !== null) lease.fundedUntil = funded.plus(p.downtime);
  // New access details replace the old ones, as a rotation does.
  if (accessChanged) {
    lease.encryptedAccess = p.encryptedAccess;
    lease.accessRotatedAt = timestamp;
    lease.accessRotations += 1;
  }
  lease.updatedAt = timestamp;
  lease.save();
  let provider = touchProvider(lease.provider, timestamp);
  provider.openOutages -= 1;
  provider.save();
  let row = leaseEvent(event, lease.id, "OutageResolved");
  row.account = Bytes.fromHexString(lease.provider);
  row.duration = p.downtime;
  row.endTime = p.end;
  row.downUnitSeconds = p.downUnitSeconds;
  row.accessChanged = accessChanged;
  row.save();
}
