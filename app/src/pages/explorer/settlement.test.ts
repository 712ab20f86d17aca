import { describe, expect, it } from "vitest";
import {
  derivedStatus,
  outageRecordOf,
  settlementBreakdown,
  shares,
  type SettlementInput,
} from "./settlement.ts";

// 8 GPUs at 2.000000 per GPU-hour for 10 hours: deposit 160.000000; fee 10%.
const base: SettlementInput = {
  status: "Ended",
  endReason: "BuyerTerminated",
  units: "1",
  gpusPerUnit: "8",
  pricePerGpuHour: "2000000",
  feeBps: "1000",
  duration: "14400",
  startTime: "1000",
  activationDeadline: "0",
  deposit: "160000000",
  accrued: "64000000",
  claimedGross: "40000000",
  paidToProvider: "36000000",
  fee: "4000000",
  refunded: "96000000",
  penalty: "0",
};

describe("settlement breakdown", () => {
  it("splits an ended lease's deposit into paid, fee, unclaimed and refunded", () => {
    const s = settlementBreakdown(base, 999_999n);
    expect(s.final).toBe(true);
    expect(s.status).toBe("Ended");
    expect(Object.fromEntries(s.parts.map((p) => [p.key, p.amount]))).toEqual({
      paid: 36_000_000n,
      fee: 4_000_000n,
      unclaimed: 24_000_000n,
      refunded: 96_000_000n,
    });
    expect(s.parts.reduce((a, p) => a + p.amount, 0n)).toBe(s.deposit);
    expect(s.balanced).toBe(true);
    expect(shares(s)).toEqual([22.5, 2.5, 15, 60]);
  });

  it("flags an ended lease whose numbers do not add up", () => {
    expect(settlementBreakdown({ ...base, refunded: "1" }, 0n).balanced).toBe(false);
  });

  it("keeps the penalty (bond token) out of the deposit", () => {
    const s = settlementBreakdown(
      {
        ...base,
        endReason: "NoShowCancelled",
        accrued: "0",
        claimedGross: "0",
        paidToProvider: "0",
        fee: "0",
        refunded: "160000000",
        penalty: "50000000000000000000",
      },
      0n,
    );
    expect(s.penalty).toBe(50n * 10n ** 18n);
    expect(s.parts.find((p) => p.key === "refunded")!.amount).toBe(160_000_000n);
    expect(s.parts.reduce((a, p) => a + p.amount, 0n)).toBe(s.deposit);
  });

  it("shows an active lease's accrual so far and what is still in escrow", () => {
    const active = {
      ...base,
      status: "Active",
      endReason: "None",
      duration: "36000",
      accrued: "0",
      refunded: "0",
      claimedGross: "0",
      paidToProvider: "0",
      fee: "0",
    };
    // 1 hour after activation: 8 GPU-hours at 2.0 = 16.0
    const s = settlementBreakdown(active, 1000n + 3600n);
    expect(s.final).toBe(false);
    expect(s.status).toBe("Active");
    expect(s.accrued).toBe(16_000_000n);
    expect(Object.fromEntries(s.parts.map((p) => [p.key, p.amount]))).toEqual({
      paid: 0n,
      fee: 0n,
      unclaimed: 16_000_000n,
      escrow: 144_000_000n,
    });
  });

  it("derives overdue and expired states from time", () => {
    expect(
      derivedStatus(
        { status: "Pending", startTime: null, duration: "100", activationDeadline: "50" },
        51n,
      ),
    ).toBe("ActivationOverdue");
    expect(
      derivedStatus(
        { status: "Pending", startTime: null, duration: "100", activationDeadline: "50" },
        50n,
      ),
    ).toBe("Pending");
    expect(
      derivedStatus(
        { status: "Active", startTime: "10", duration: "100", activationDeadline: "0" },
        110n,
      ),
    ).toBe("Expired");
    expect(
      derivedStatus(
        { status: "Active", startTime: "10", duration: "100", activationDeadline: "0" },
        109n,
      ),
    ).toBe("Active");
  });

  it("bills a live lease without the servers down, and moves its end by resolved downtime", () => {
    // Two servers, one down since an hour after activation: 2 h in, 3 of 4 server-hours billed.
    const live: SettlementInput = {
      ...base,
      status: "Active",
      units: "2",
      duration: "36000",
      startTime: "0",
      deposit: "320000000",
      claimedGross: "0",
      paidToProvider: "0",
      fee: "0",
      downUnits: "1",
      outageSince: "3600",
      repairDeadline: "18000",
      outageReports: 1,
      outageDowntime: "0",
      downUnitSeconds: "0",
    };
    expect(settlementBreakdown(live, 7200n).accrued).toBe(48_000_000n);
    expect(outageRecordOf({ ...live, outageReports: 0 })).toBeUndefined();
    const resolved = { ...live, outageDowntime: "600" };
    expect(derivedStatus(resolved, 36_000n)).toBe("Active");
    expect(derivedStatus(resolved, 36_600n)).toBe("Expired");
  });
});
