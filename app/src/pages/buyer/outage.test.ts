import { describe, expect, it } from "vitest";
import { keccak256, stringToBytes, zeroHash } from "viem";
import { billingPausedText, checkOutageUnits, evidenceHashOf } from "./outage.ts";

describe("checkOutageUnits", () => {
  it("accepts 1 to the lease's servers when no outage is open", () => {
    expect(checkOutageUnits("1", 4n, 0n)).toEqual({ units: 1n });
    expect(checkOutageUnits(" 4 ", 4n, 0n)).toEqual({ units: 4n });
  });

  it("refuses zero, more than the lease's servers, and anything but a whole number", () => {
    expect(checkOutageUnits("0", 4n, 0n)).toEqual({
      error: "At least one server must be down to report an outage.",
    });
    expect(checkOutageUnits("5", 4n, 0n)).toEqual({
      error: "This lease has 4 servers: at most 4 can be down.",
    });
    expect(checkOutageUnits("1.5", 4n, 0n)).toHaveProperty("error");
    expect(checkOutageUnits("", 4n, 0n)).toHaveProperty("error");
    expect(checkOutageUnits("-1", 4n, 0n)).toHaveProperty("error");
  });

  it("only lets a report raise the servers down while an outage is open", () => {
    expect(checkOutageUnits("2", 4n, 2n)).toEqual({
      error: "2 servers are already reported down: a new report can only raise the number.",
    });
    expect(checkOutageUnits("1", 4n, 1n)).toEqual({
      error: "1 server is already reported down: a new report can only raise the number.",
    });
    expect(checkOutageUnits("3", 4n, 2n)).toEqual({ units: 3n });
  });
});

describe("evidenceHashOf", () => {
  it("hashes the trimmed text with keccak256, and is zero without evidence", () => {
    expect(evidenceHashOf("  GPU 3 fell off the bus  ")).toBe(
      keccak256(stringToBytes("GPU 3 fell off the bus")),
    );
    expect(evidenceHashOf("   ")).toBe(zeroHash);
  });
});

describe("billingPausedText", () => {
  it("states how many of the lease's servers stop billing, and until when", () => {
    expect(billingPausedText(2n, 3n)).toBe(
      "Billing is paused for 2 of 3 servers from now until the provider resolves it.",
    );
    expect(billingPausedText(1n, 1n, false)).toBe(
      "Billing is paused for 1 of 1 server until the provider resolves it.",
    );
  });
});
