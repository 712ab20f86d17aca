/**
 * Outages in the seeded history (issue #11): a buyer reports servers of an active lease down (billing stops for
 * them), sometimes raises the count, and the provider resolves it within the offer's repair window (the lease's
 * end moves later by the downtime); or the provider never does, and after the deadline the buyer ends the lease
 * as OutageUnresolved (unused deposit back plus the bond penalty). Each step mirrors the contract's
 * reportOutage / resolveOutage / endUnresolvedOutage on the lease's model record (the SDK's OutageRecord).
 */
import { keccak256, toHex } from "viem";
import { unresolvedExitOpen, type OutageRecord } from "@gridlease/sdk/pricing";
import { endOf, type LeaseState, type SeedState } from "./model.ts";
import { SLOT } from "./scheduler.ts";

/** The market's REPORT_COOLDOWN: a report this soon after a resolution keeps the earlier deadline. */
const REPORT_COOLDOWN = 3600n;

const emptyRecord = (): OutageRecord => ({
  since: 0n,
  deadline: 0n,
  lastResolved: 0n,
  downUnits: 0n,
  reports: 0n,
  extension: 0n,
  downUnitSeconds: 0n,
});

const running = (s: SeedState, l: LeaseState) => l.phase === "active" && s.now < endOf(l);

/** The buyer reports `units` servers down (or raises an open outage to `units`); false if the contract would refuse. */
export async function reportOutage(s: SeedState, l: LeaseState, units: bigint, evidence: string) {
  const o = l.outage ?? emptyRecord();
  if (!running(s, l) || units < 1n || units > l.units || o.reports >= 12n) return false;
  if (o.since !== 0n && units <= o.downUnits) return false;
  await s.market(
    l.buyer.address,
    "reportOutage",
    [l.id, units, keccak256(toHex(evidence))],
    120_000n,
  );
  if (o.since !== 0n) o.downUnitSeconds += o.downUnits * (s.now - o.since);
  else
    o.deadline =
      o.lastResolved !== 0n && s.now < o.lastResolved + REPORT_COOLDOWN
        ? o.deadline
        : s.now + l.offer.repairWindow;
  o.since = s.now;
  o.downUnits = units;
  o.reports++;
  l.outage = o;
  s.counts.outageReports++;
  return true;
}

/** The provider resolves the open outage (new access details with it, now and then) before the deadline. */
export async function resolveOutage(s: SeedState, l: LeaseState) {
  const o = l.outage;
  if (!o || o.since === 0n || !running(s, l) || s.now > o.deadline) return;
  const access = s.rng.chance(0.5) ? toHex(s.rng.bytes(24 + 32 + s.rng.int(96, 160) + 16)) : "0x";
  await s.market(l.offer.provider.address, "resolveOutage", [l.id, access], 120_000n);
  const down = o.downUnitSeconds + o.downUnits * (s.now - o.since);
  o.downUnitSeconds = down;
  o.extension = down / l.units;
  o.since = 0n;
  o.downUnits = 0n;
  o.lastResolved = s.now;
  s.counts.outagesResolved++;
}

/** Whether the buyer may end the lease as OutageUnresolved now. */
export const exitOpen = (s: SeedState, l: LeaseState) =>
  l.phase === "active" && l.outage !== undefined && unresolvedExitOpen(l.outage, endOf(l), s.now);

/** Slots from now to just after the open outage's repair deadline. */
export const slotsPastDeadline = (s: SeedState, l: LeaseState) =>
  l.outage ? Number((l.outage.deadline - s.now) / SLOT) + 1 : 0;
