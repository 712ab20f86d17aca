/**
 * SDK lease status derivation (sdk/src/status.ts) at the boundaries the contract uses, and the label helpers
 * (sdk/src/labels.ts), without a chain.
 */
import { describe, expect, it } from "vitest";
import {
  EndReason,
  endReasonFromName,
  endReasonLabel,
  endReasonName,
  LeaseStatus,
  leaseStateAt,
  leaseStatusLabel,
  leaseStatusName,
  type LeaseSnapshot,
} from "@gridlease/sdk/status";
import {
  decodeGpuModel,
  decodeRegion,
  encodeGpuModel,
  encodeRegion,
  gpuModelLabel,
  GPU_MODELS,
  regionLabel,
  REGIONS,
} from "@gridlease/sdk/labels";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";

// One 8×H100 server at $1.95 per GPU-hour for two hours, 2.5% fee: $31.20 deposit, $15.60 an hour.
const base = {
  units: 1n,
  gpusPerUnit: 8n,
  pricePerGpuHour: 1_950_000n,
  feeBps: 250n,
  duration: 7200n,
  settled: 0n,
  endReason: EndReason.None,
};
const T0 = 1_800_000_000n;
const pending: LeaseSnapshot = {
  ...base,
  status: LeaseStatus.Pending,
  start: 0n,
  activationDeadline: T0 + 3600n,
};
const active: LeaseSnapshot = {
  ...base,
  status: LeaseStatus.Active,
  start: T0,
  activationDeadline: 0n,
};

describe("lease status at a time", () => {
  it("is Pending up to and including the activation deadline, then ActivationOverdue", () => {
    const at = (now: bigint) => leaseStateAt(pending, now);
    expect(at(T0)).toEqual({
      status: "Pending",
      label: "Waiting for the provider to activate",
      endReason: "None",
      remainingSeconds: 7200n,
      activationSecondsLeft: 3600n,
      deposit: 31_200_000n,
      accrued: 0n,
      unused: 31_200_000n,
      refundableNow: 0n,
      claimable: 0n,
      fee: 0n,
      end: 0n,
      downUnits: 0n,
      repairDeadline: 0n,
      repairSecondsLeft: 0n,
      downUnitSeconds: 0n,
      outageReports: 0n,
      unresolvedExitOpen: false,
    });
    expect(at(T0 + 3600n)).toMatchObject({ status: "Pending", activationSecondsLeft: 0n });
    expect(at(T0 + 3601n)).toMatchObject({
      status: "ActivationOverdue",
      label: "Activation overdue: the buyer may cancel for a full refund",
      activationSecondsLeft: 0n,
      remainingSeconds: 7200n,
      // Cancelling refunds the whole deposit.
      refundableNow: 31_200_000n,
    });
  });

  it("is Active until the second before its end and Expired from its end on, accruing per second", () => {
    const at = (now: bigint) => leaseStateAt(active, now);
    expect(at(T0)).toMatchObject({ status: "Active", remainingSeconds: 7200n, accrued: 0n });
    // Half way: $15.60 earned, $15.60 refundable by terminating now.
    expect(at(T0 + 3600n)).toEqual({
      status: "Active",
      label: "Running",
      endReason: "None",
      remainingSeconds: 3600n,
      activationSecondsLeft: 0n,
      deposit: 31_200_000n,
      accrued: 15_600_000n,
      unused: 15_600_000n,
      refundableNow: 15_600_000n,
      claimable: 15_600_000n,
      fee: 390_000n,
      end: T0 + 7200n,
      downUnits: 0n,
      repairDeadline: 0n,
      repairSecondsLeft: 0n,
      downUnitSeconds: 0n,
      outageReports: 0n,
      unresolvedExitOpen: false,
    });
    // One second at 8 × $1.95 / 3600 = 4333.33… base units, rounded down.
    expect(at(T0 + 1n).accrued).toBe(4333n);
    expect(at(T0 + 7199n)).toMatchObject({ status: "Active", remainingSeconds: 1n });
    expect(at(T0 + 7200n)).toMatchObject({
      status: "Expired",
      label: "Term over: waiting to be closed",
      remainingSeconds: 0n,
      accrued: 31_200_000n,
      unused: 0n,
      refundableNow: 0n,
    });
    // Accrual stops at the end, however late the lease is read.
    expect(at(T0 + 1_000_000n).accrued).toBe(31_200_000n);
    // The chain's own Expired status reads the same.
    expect(leaseStateAt({ ...active, status: LeaseStatus.Expired }, T0 + 7200n).status).toBe(
      "Expired",
    );
  });

  it("accepts the enums as bigints, as ethers decodes them", () => {
    expect(leaseStateAt({ ...active, status: 2n, endReason: 0n }, T0 + 3600n)).toEqual(
      leaseStateAt(active, T0 + 3600n),
    );
    expect(endReasonName(4n)).toBe("NoShowCancelled");
  });

  it("subtracts what was already claimed from what the provider can claim", () => {
    const state = leaseStateAt({ ...active, settled: 10_000_000n }, T0 + 3600n);
    expect(state.claimable).toBe(5_600_000n);
    expect(state.accrued).toBe(15_600_000n);
  });

  it("reports an ended lease with its reason and final accrual, nothing left to refund", () => {
    // Terminated by the buyer after 30 minutes: the billed duration is cut to the time used.
    const ended: LeaseSnapshot = {
      ...active,
      status: LeaseStatus.Ended,
      endReason: EndReason.BuyerTerminated,
      duration: 1800n,
    };
    expect(leaseStateAt(ended, T0 + 99_999n)).toEqual({
      status: "Ended",
      label: "Ended early by the buyer",
      endReason: "BuyerTerminated",
      remainingSeconds: 0n,
      activationSecondsLeft: 0n,
      deposit: 7_800_000n,
      accrued: 7_800_000n,
      unused: 0n,
      refundableNow: 0n,
      claimable: 7_800_000n,
      fee: 195_000n,
      end: T0 + 1800n,
      downUnits: 0n,
      repairDeadline: 0n,
      repairSecondsLeft: 0n,
      downUnitSeconds: 0n,
      outageReports: 0n,
      unresolvedExitOpen: false,
    });
    const cancelled: LeaseSnapshot = {
      ...ended,
      endReason: EndReason.NoShowCancelled,
      duration: 0n,
      start: T0 + 3601n,
    };
    expect(leaseStateAt(cancelled, T0 + 4000n)).toMatchObject({
      status: "Ended",
      label: "Cancelled: the provider never activated it",
      accrued: 0n,
      claimable: 0n,
    });
  });

  it("refuses a lease that does not exist", () => {
    expect(() => leaseStateAt({ ...pending, status: LeaseStatus.None }, T0)).toThrow(
      /no derivable status/,
    );
  });
});

describe("end reasons and status names", () => {
  it("map numbers, names and plain labels both ways, matching the contract's enum", () => {
    const names = [
      "None",
      "Expired",
      "BuyerTerminated",
      "ProviderTerminated",
      "NoShowCancelled",
      "OutageUnresolved",
      "Unfunded",
    ];
    names.forEach((name, i) => {
      expect(endReasonName(i)).toBe(name);
      expect(endReasonFromName(name as never)).toBe(i);
    });
    expect(endReasonLabel(3)).toBe("Ended early by the provider");
    expect(endReasonLabel("Expired")).toBe("Ran its full term");
    expect(endReasonLabel("Unfunded")).toMatch(/funding ran out/);
    expect(() => endReasonName(7)).toThrow(/Unknown end reason 7/);
    expect(() => endReasonName(1.5)).toThrow(/Unknown end reason/);
    expect(() => endReasonFromName("Lost" as never)).toThrow(/Unknown end reason "Lost"/);
    expect(leaseStatusName(2)).toBe("Active");
    expect(() => leaseStatusName(9)).toThrow(/Unknown lease status 9/);
    expect(leaseStatusLabel("ActivationOverdue")).toMatch(/buyer may cancel/);

    // The LeaseEnded event's reason is a uint8 (the enum); the view's status too.
    const ended = gridleaseMarketAbi.find((x) => x.type === "event" && x.name === "LeaseEnded");
    expect(ended?.inputs.find((i) => i.name === "reason")?.type).toBe("uint8");
  });
});

describe("labels", () => {
  it("encodes GPU models and regions to fixed-size ASCII and back", () => {
    for (const code of Object.keys(GPU_MODELS)) {
      const hex = encodeGpuModel(code);
      expect(hex).toHaveLength(2 + 64);
      expect(decodeGpuModel(hex)).toBe(code);
    }
    for (const code of Object.keys(REGIONS)) {
      const hex = encodeRegion(code);
      expect(hex).toHaveLength(2 + 16);
      expect(decodeRegion(hex)).toBe(code);
    }
    expect(encodeRegion("SG")).toBe("0x5347000000000000");
  });

  it("rejects labels that do not fit or are not printable ASCII", () => {
    expect(() => encodeRegion("AU-QLD-BNE")).toThrow(/at most 8 characters, got 10/);
    expect(() => encodeGpuModel("x".repeat(33))).toThrow(/at most 32 characters/);
    expect(() => encodeGpuModel("")).toThrow(/printable ASCII/);
    expect(() => encodeGpuModel("H100\u00e9")).toThrow(/printable ASCII/);
  });

  it("gives human labels for known codes and falls back to the code itself", () => {
    expect(gpuModelLabel("H100-SXM-80GB")).toBe("NVIDIA H100 SXM 80GB");
    expect(regionLabel("AU-QLD")).toBe("Brisbane, Australia");
    expect(gpuModelLabel("MI300X-192GB")).toBe("MI300X-192GB");
    expect(regionLabel("NZ-AUK")).toBe("NZ-AUK");
  });
});
