/**
 * Outages: OutageReported, OutageResolved. The lease keeps the contract's outage record (open?, servers down,
 * since, repair deadline, reports, the end's extension, down unit-seconds); the provider, the reporting buyer and
 * the statistics count the reports. Downtime and delivered GPU-seconds are booked when the lease ends
 * (./leases.ts), so that availability compares like with like.
 */
import { ponder } from "ponder:registry";
import { lease, leaseEvent } from "ponder:schema";
import { idOf, leaseEventRow, recordStats, upsertAccount, upsertProvider } from "./store.ts";
import { longOutageDown } from "./reputation.ts";

type Hex = `0x${string}`;

ponder.on("GridleaseMarket:OutageReported", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const id = a.leaseId.toString();
  const before = await db.find(lease, { id });
  if (!before) throw new Error(`OutageReported for unknown lease ${id}`);
  // Read before the update: Ponder's store may hand back the cached row that the update then changes in place.
  const wasOpen = before.outageOpen;
  // A report while one is open raises the count: the servers already down were down at the old count until now.
  const raised =
    wasOpen && before.outageSince !== null
      ? before.downUnits * (timestamp - before.outageSince)
      : 0n;
  await db.update(lease, { id }).set({
    // A first report opens the outage; a raise keeps its start (how long it stays open decides if it counts).
    ...(wasOpen
      ? {}
      : { outageStartedAt: timestamp, outageStartDownUnitSeconds: before.downUnitSeconds }),
    outageOpen: true,
    downUnits: a.downUnits,
    outageSince: timestamp,
    repairDeadline: a.repairDeadline,
    outageReports: Number(a.reports),
    downUnitSeconds: before.downUnitSeconds + raised,
    updatedAt: timestamp,
  });
  await upsertProvider(db, before.provider, timestamp, (row) => ({
    outageReports: row.outageReports + 1,
    openOutages: row.openOutages + (wasOpen ? 0 : 1),
  }));
  await upsertAccount(db, a.buyer, timestamp, (row) => ({
    outageReports: row.outageReports + 1,
  }));
  await recordStats(db, before, { outageReports: 1 }, timestamp);
  await db.insert(leaseEvent).values(
    leaseEventRow(event, id, "OutageReported", {
      account: idOf(a.buyer) as Hex,
      downUnits: a.downUnits,
      evidenceHash: idOf(a.evidenceHash) as Hex,
      repairDeadline: a.repairDeadline,
      reports: Number(a.reports),
    }),
  );
});

ponder.on("GridleaseMarket:OutageResolved", async ({ event, context }) => {
  const { db } = context;
  const { timestamp } = event.block;
  const a = event.args;
  const accessChanged = a.encryptedAccess !== "0x";
  const l = await db.update(lease, { id: a.leaseId.toString() }).set((row) => ({
    longDownUnitSeconds:
      row.longDownUnitSeconds + longOutageDown(row, timestamp, a.downUnitSeconds),
    outageStartedAt: null,
    outageStartDownUnitSeconds: 0n,
    outageOpen: false,
    downUnits: 0n,
    outageSince: null,
    lastResolvedAt: timestamp,
    outageDowntime: row.outageDowntime + a.downtime,
    downUnitSeconds: a.downUnitSeconds,
    endTime: a.end,
    // The funded end moves with the end (they are the same for a fully prepaid lease).
    fundedUntil: row.fundedUntil === null ? null : row.fundedUntil + a.downtime,
    // New access details replace the old ones, as a rotation does.
    ...(accessChanged
      ? {
          encryptedAccess: idOf(a.encryptedAccess) as Hex,
          accessRotatedAt: timestamp,
          accessRotations: row.accessRotations + 1,
        }
      : {}),
    updatedAt: timestamp,
  }));
  await upsertProvider(db, l.provider, timestamp, (row) => ({
    openOutages: row.openOutages - 1,
  }));
  await db.insert(leaseEvent).values(
    leaseEventRow(event, l.id, "OutageResolved", {
      account: l.provider as Hex,
      duration: a.downtime,
      endTime: a.end,
      downUnitSeconds: a.downUnitSeconds,
      accessChanged,
    }),
  );
});
