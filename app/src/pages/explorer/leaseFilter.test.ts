import { describe, expect, it } from "vitest";
import {
  distinct,
  filterLeases,
  filtersFromParams,
  hasFilters,
  leaseState,
  prepareRows,
  type LeaseFilters,
  type LeaseListItem,
} from "./leaseFilter.ts";
import { addr, syntheticLeases } from "./fixtures.ts";
import { shortDuration } from "./LeaseTable.tsx";

describe("short durations", () => {
  it("shows the two largest units", () => {
    expect(shortDuration(0)).toBe("0s");
    expect(shortDuration(59)).toBe("59s");
    expect(shortDuration(3600)).toBe("1h");
    expect(shortDuration(3600 + 4)).toBe("1h 4s");
    expect(shortDuration(2 * 86_400 + 19 * 3600 + 5)).toBe("2d 19h");
    expect(shortDuration(30 * 60 + 4)).toBe("30m 4s");
    expect(shortDuration(365 * 86_400)).toBe("365d");
  });
});

const none: LeaseFilters = { gpu: "", region: "", status: "", reason: "", address: "" };

describe("lease table filtering", () => {
  const rows = prepareRows(syntheticLeases(12_000));

  it("orders rows newest first", () => {
    expect(rows[0].id).toBe("12000");
    expect(rows.at(-1)!.id).toBe("1");
  });

  it("returns every row when no filter is set", () => {
    expect(filterLeases(rows, none)).toHaveLength(12_000);
    expect(hasFilters(none)).toBe(false);
  });

  it("combines GPU model, region, status and end reason", () => {
    const f = {
      ...none,
      gpu: "B200-192GB",
      region: "JP-13",
      status: "Ended",
      reason: "BuyerTerminated",
    };
    const out = filterLeases(rows, f);
    expect(out.length).toBeGreaterThan(0);
    for (const r of out) {
      expect(r.gpuModel).toBe("B200-192GB");
      expect(r.region).toBe("JP-13");
      expect(r.status).toBe("Ended");
      expect(r.endReason).toBe("BuyerTerminated");
    }
    // Same answer as a naive filter.
    const naive = rows.filter(
      (r) =>
        r.gpuModel === f.gpu &&
        r.region === f.region &&
        r.status === f.status &&
        r.endReason === f.reason,
    );
    expect(out.map((r) => r.id)).toEqual(naive.map((r) => r.id));
  });

  it("matches the buyer or the provider by part of the address, any case; from the start when it begins with 0x", () => {
    const provider = addr(5, "a");
    const byProvider = filterLeases(rows, {
      ...none,
      address: provider.toUpperCase().replace("0X", "0x"),
    });
    expect(byProvider.length).toBe(
      rows.filter((r) => r.provider === provider || r.buyer === provider).length,
    );
    expect(byProvider.every((r) => r.provider === provider)).toBe(true);
    const buyer = addr(42, "b");
    const byBuyer = filterLeases(rows, { ...none, address: buyer.slice(2) });
    expect(byBuyer.length).toBeGreaterThan(0);
    expect(byBuyer.every((r) => r.buyer === buyer)).toBe(true);
    expect(filterLeases(rows, { ...none, address: "0x" })).toHaveLength(rows.length);
    expect(filterLeases(rows, { ...none, address: "0xnothing" })).toHaveLength(0);
    // "0xb" is a prefix: every buyer (0xb…) and no provider (0xa…); "b" alone matches anywhere.
    expect(filterLeases(rows, { ...none, address: "0xb" })).toHaveLength(rows.length);
    expect(filterLeases(rows, { ...none, address: "0x0" })).toHaveLength(0);
    expect(
      filterLeases(rows, { ...none, address: "002a" }).every(
        (r) => r.buyer.includes("002a") || r.provider.includes("002a"),
      ),
    ).toBe(true);
  });

  it("derives overdue and term-over states, and filters on them or on the indexer status", () => {
    const base = syntheticLeases(1)[0];
    const pending: LeaseListItem = {
      ...base,
      status: "Pending",
      startTime: null,
      activationDeadline: "1000",
    };
    const active: LeaseListItem = {
      ...base,
      status: "Active",
      startTime: "1000",
      duration: "3600",
    };
    expect(leaseState(pending, 1000)).toBe("Pending");
    expect(leaseState(pending, 1001)).toBe("ActivationOverdue");
    expect(leaseState(active, 4599)).toBe("Active");
    expect(leaseState(active, 4600)).toBe("Expired");
    const rs = prepareRows(
      [
        { ...pending, id: "1" },
        { ...active, id: "2" },
        { ...active, id: "3", startTime: "999999" },
      ],
      5000,
    );
    expect(
      filterLeases(rs, { ...none, status: "Active" })
        .map((r) => r.id)
        .sort(),
    ).toEqual(["2", "3"]);
    expect(filterLeases(rs, { ...none, status: "Expired" }).map((r) => r.id)).toEqual(["2"]);
    expect(filterLeases(rs, { ...none, status: "ActivationOverdue" }).map((r) => r.id)).toEqual([
      "1",
    ]);
    expect(filterLeases(rs, { ...none, status: "Pending" }).map((r) => r.id)).toEqual(["1"]);
  });

  it("reads filters from the URL and lists the values that occur", () => {
    const f = filtersFromParams(new URLSearchParams("gpu=B200-192GB&status=Active&address=0xab"));
    expect(f).toEqual({
      gpu: "B200-192GB",
      region: "",
      status: "Active",
      reason: "",
      address: "0xab",
    });
    expect(hasFilters(f)).toBe(true);
    expect(distinct(rows, "status")).toEqual(["Active", "Ended", "Pending"]);
  });
});
