import { describe, expect, it } from "vitest";
import type { LiveLeaseView } from "../../lib/liveLease.ts";
import { openOutages, repairUrgency } from "./outages.ts";

const lease = (leaseId: bigint, status: number, downUnits: bigint, repairDeadline: bigint) =>
  ({ leaseId, status, downUnits, repairDeadline }) as LiveLeaseView;

describe("openOutages", () => {
  it("keeps the running and expired leases with servers down, the soonest deadline first", () => {
    const list = [
      lease(1n, 2, 0n, 0n),
      lease(2n, 2, 1n, 9_000n),
      lease(3n, 1, 0n, 0n),
      lease(4n, 3, 2n, 5_000n),
      lease(5n, 2, 1n, 7_000n),
      lease(6n, 4, 1n, 1_000n),
    ];
    expect(openOutages(list).map((l) => l.leaseId)).toEqual([4n, 5n, 2n]);
  });
});

describe("repairUrgency", () => {
  it("is urgent under an hour left and passed at zero", () => {
    expect(repairUrgency(3600n)).toBe("ok");
    expect(repairUrgency(3599n)).toBe("urgent");
    expect(repairUrgency(1n)).toBe("urgent");
    expect(repairUrgency(0n)).toBe("passed");
  });
});
