import { describe, expect, it } from "vitest";
import {
  NO_FILTERS,
  addressFilterProblem,
  filtersFromParams,
  hasFilters,
  leaseQueryOf,
  leaseState,
  modelChoices,
  toLeaseRows,
  totalText,
  type LeaseListItem,
} from "./leaseFilter.ts";
import { syntheticLeases } from "./fixtures.ts";
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

describe("the lease table's query", () => {
  it("sends only the filters that are set, with the indexer's names", () => {
    expect(leaseQueryOf(NO_FILTERS)).toEqual({ query: {} });
    expect(
      leaseQueryOf({
        gpu: "B200-192GB",
        region: "JP-13",
        status: "ActivationOverdue",
        reason: "BuyerTerminated",
        address: " 0xABCDEF ",
      }),
    ).toEqual({
      query: {
        gpuModel: "B200-192GB",
        region: "JP-13",
        status: "ActivationOverdue",
        endReason: "BuyerTerminated",
        address: "0xabcdef",
      },
    });
  });

  it("takes a full address or its first 6+ characters, and names what is wrong with anything else", () => {
    const full = `0x${"Ab".repeat(20)}`;
    expect(addressFilterProblem("")).toBeUndefined();
    expect(addressFilterProblem(full)).toBeUndefined();
    expect(addressFilterProblem("0x7099")).toBeUndefined();
    expect(addressFilterProblem("dc79c8")).toMatch(/not the start of an address/);
    expect(addressFilterProblem("0x709")).toMatch(/at least 6 characters/);
    expect(addressFilterProblem("0x")).toMatch(/at least 6 characters/);
    expect(addressFilterProblem("0x70g9ab")).toMatch(/only hexadecimal digits/);
    expect(addressFilterProblem(`${full}0`)).toMatch(/longer than an address/);
    const bad = leaseQueryOf({ ...NO_FILTERS, address: "dc79c8" });
    expect(bad.query).toBeUndefined();
    expect(bad.problem).toMatch(/dc79c8/);
  });

  it("refuses a status the indexer does not know, without asking it", () => {
    const r = leaseQueryOf({ ...NO_FILTERS, status: "Running" });
    expect(r.query).toBeUndefined();
    expect(r.problem).toMatch(/“Running” is not a lease status: choose one of Pending, /);
  });

  it("reads the filters from the URL", () => {
    const f = filtersFromParams(new URLSearchParams("gpu=B200-192GB&status=Active&address=0xab"));
    expect(f).toEqual({ ...NO_FILTERS, gpu: "B200-192GB", status: "Active", address: "0xab" });
    expect(hasFilters(f)).toBe(true);
    expect(hasFilters(NO_FILTERS)).toBe(false);
  });

  it("lists the SDK's models first, and an unknown one from the URL after them", () => {
    const values = modelChoices("MI300X").map(([v]) => v);
    expect(values[0]).toBe("A100-80GB");
    expect(values.at(-1)).toBe("MI300X");
    expect(modelChoices("").map(([v]) => v)).not.toContain("");
  });

  it("says a total as a number of leases, or as a bound", () => {
    expect(totalText({ total: 1_000_000, exact: true })).toBe("1,000,000 leases");
    expect(totalText({ total: 10_000, exact: false })).toBe("at least 10,000 leases");
  });
});

describe("lease rows", () => {
  it("derives overdue and term-over states at the time the page loaded", () => {
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
    const rows = toLeaseRows(
      [
        { ...pending, id: "1" },
        { ...active, id: "2", buyer: "0xABC" },
      ],
      5000,
    );
    // The server's order is kept.
    expect(rows.map((r) => [r.id, r.state, r.buyerLc])).toEqual([
      ["1", "ActivationOverdue", pending.buyer.toLowerCase()],
      ["2", "Expired", "0xabc"],
    ]);
  });
});
