import { describe, expect, it } from "vitest";
import { unavailableVerdict, type AttestationVerdict } from "@gridlease/sdk/attestation";
import { verdictChecks } from "./attestation.ts";

const states = (v: AttestationVerdict) =>
  Object.fromEntries(verdictChecks(v, "your nonce").map((c) => [c.what, c.state]));

/** A verdict that passed everything but firmware and revocation, to vary one field at a time. */
const passed: AttestationVerdict = {
  ...unavailableVerdict("unused"),
  genuine: true,
  generation: "hopper",
  chip: "GH100",
  root: "nvidia",
  nonce: { expected: `0x${"ab".repeat(32)}`, reported: `0x${"ab".repeat(32)}`, matches: true },
  signature: { verified: true },
  chain: { verified: true, certificates: [] },
  revocation: { status: "not-checked", detail: "revocation not checked: OCSP needs the internet" },
  failures: [],
};

describe("verdictChecks", () => {
  it("never counts what was not checked as passed", () => {
    expect(states(passed)).toEqual({
      "Certificate chain": "passed",
      "Report signature": "passed",
      Nonce: "passed",
      GPU: "passed",
      Firmware: "not-checked",
      Revocation: "not-checked",
    });
    const revocation = verdictChecks(passed, "your nonce").find((c) => c.what === "Revocation");
    expect(revocation?.detail).toBe("OCSP needs the internet.");
  });

  it("fails every check a host without confidential computing could not pass", () => {
    expect(states(unavailableVerdict("CC mode is off"))).toEqual({
      "Certificate chain": "failed",
      "Report signature": "failed",
      Nonce: "not-checked",
      GPU: "failed",
      Firmware: "not-checked",
      Revocation: "not-checked",
    });
  });

  it("names a nonce mismatch, a generation mismatch and a firmware mismatch", () => {
    const v: AttestationVerdict = {
      ...passed,
      genuine: false,
      nonce: { ...passed.nonce, reported: `0x${"00".repeat(32)}`, matches: false },
      measurements: [{ index: 3, value: "0x01", firmware: "mismatch" }],
      firmware: { checked: true, rims: [{ name: "driver", signature: "valid", root: "nvidia" }] },
      failures: [
        { code: "NonceMismatch", message: "the report answers another nonce" },
        { code: "GenerationMismatch", message: "the claim says Blackwell" },
        { code: "MeasurementMismatch", message: "measurement 3 differs", index: 3 },
      ],
    };
    expect(states(v)).toMatchObject({ Nonce: "failed", GPU: "failed", Firmware: "failed" });
    const firmware = verdictChecks(v, "your nonce").find((c) => c.what === "Firmware");
    expect(firmware?.detail).toBe("0 of 1 measurements match 1 RIM.");
  });

  it("says a chain verified to an injected test root is not NVIDIA's", () => {
    const chain = verdictChecks({ ...passed, root: "custom" }, "your nonce")[0]!;
    expect(chain.detail).toMatch(/test root given to this page, not to NVIDIA's/);
  });
});
