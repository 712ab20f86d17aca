/**
 * NVIDIA's RIMs: the two test RIMs' XML signatures verify and their signers chain to NVIDIA's RIM root (while their
 * certificates were valid); every measurement they define is compared with the report by index. The fixture report
 * is from driver 550.90.07, the test RIMs are for driver 545.00 and VBIOS 96.00.5E.00.01: 12 of their 33 active
 * measurements match it, 20 differ, and number 35 is not compared (NVDEC0 is disabled in the report). The comparison
 * is also tested apart from NVIDIA's report, on a test-PKI report made to carry the driver RIM's golden values.
 */
import { DOMParser } from "@xmldom/xmldom";
import { hexToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { compareMeasurements, verifyAttestation, type Hex } from "../../src/attestation/index.ts";
import { createTestGpu } from "../../src/attestation/testing.ts";
import {
  codesOf,
  driverRim,
  FIXTURE_NONCE,
  fixtureChain,
  fixtureReport,
  RIM_CERTS_VALID_AT,
  vbiosRim,
} from "./fixture.ts";

const fixture = (rims: string[], now: Date = RIM_CERTS_VALID_AT) =>
  verifyAttestation({
    report: fixtureReport(),
    certChain: fixtureChain(),
    expectedNonce: FIXTURE_NONCE,
    rims,
    now,
  });

/** The active measurements of a RIM, read with a DOM (index -> Hash0). */
function goldenOf(rim: string): Map<number, Hex> {
  const document = new DOMParser().parseFromString(rim, "application/xml");
  const golden = new Map<number, Hex>();
  for (const resource of Array.from(document.getElementsByTagNameNS("*", "Resource"))) {
    const hash0 = Array.from(resource.attributes).find(
      (attribute) => attribute.localName === "Hash0",
    );
    if (resource.getAttribute("active") === "True" && hash0)
      golden.set(Number(resource.getAttribute("index")), `0x${hash0.value}`);
  }
  return golden;
}

describe("NVIDIA's test RIMs against the fixture report", () => {
  it("both signatures verify and chain to NVIDIA's RIM root", async () => {
    const v = await fixture([driverRim, vbiosRim]);
    expect(v.firmware).toEqual({
      checked: true,
      rims: [
        { name: "GH100 545.00", signature: "valid", root: "nvidia" },
        { name: "GH100 96.00.5E.00.01", signature: "valid", root: "nvidia" },
      ],
    });
    expect(v.failures.filter((f) => f.code !== "MeasurementMismatch")).toEqual([]);
  });

  it("every active measurement gets a verdict by index, and each difference is a MeasurementMismatch with its index", async () => {
    const v = await fixture([driverRim, vbiosRim]);
    const by = (firmware: string) =>
      v.measurements.filter((m) => m.firmware === firmware).map((m) => m.index);
    expect(by("match")).toEqual([0, 4, 5, 6, 8, 10, 12, 23, 24, 28, 33, 38]);
    const mismatched = [1, 2, 3, 7, 9, 11, 21, 22, 25, 26, 27, 29, 30, 31, 32, 34, 36, 37, 39, 40];
    expect(by("mismatch")).toEqual(mismatched);
    expect(by("not-checked")).toEqual([35]);
    expect(by("not-in-rim")).toHaveLength(64 - 12 - 20 - 1);
    expect(v.failures.map((f) => [f.code, f.index])).toEqual(
      mismatched.map((index) => ["MeasurementMismatch", index]),
    );
    expect(v.failures[0]?.message).toMatch(
      /^measurement 1 is 0x8048dfd18fe229bf…, but RIM "GH100 96.00.5E.00.01" expects 0x0b42836f56a7162e…$/,
    );
    expect(v.genuine).toBe(false);
  });

  it("today their signer certificates have expired: RimCertificateInvalid, the signature still valid", async () => {
    const v = await fixture([driverRim], new Date("2026-12-01T00:00:00Z"));
    expect(v.firmware.rims).toEqual([{ name: "GH100 545.00", signature: "valid", root: "nvidia" }]);
    const certificateFailures = v.failures.filter((f) => f.code === "RimCertificateInvalid");
    expect(certificateFailures.map((f) => f.message)).toEqual([
      expect.stringMatching(/HCC RIM L4 Signer.*expired on 2025-06-26/),
      expect.stringMatching(/L3 GH100 001.*expired on 2026-11-11/),
    ]);
  });

  it("a RIM whose golden value was edited fails its signature (RimSignatureInvalid)", async () => {
    const edited = driverRim.replace('Hash0="0e0ee161', 'Hash0="1e0ee161');
    expect(edited).not.toBe(driverRim);
    const v = await fixture([edited]);
    expect(v.firmware.rims).toEqual([
      { name: "GH100 545.00", signature: "invalid", root: "nvidia" },
    ]);
    const failure = v.failures.find((f) => f.code === "RimSignatureInvalid");
    expect(failure?.message).toMatch(/^RIM "GH100 545.00": the XML signature does not verify/);
  });

  it("a RIM signed by a chain to another root is RimUntrustedRoot", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: FIXTURE_NONCE,
      rims: [driverRim],
      now: RIM_CERTS_VALID_AT,
      roots: { rim: gpu.roots.device },
    });
    expect(v.firmware.rims).toEqual([
      { name: "GH100 545.00", signature: "valid", root: "untrusted" },
    ]);
    expect(codesOf(v)).toContain("RimUntrustedRoot");
  });

  it.each([
    [
      "another canonicalization",
      (x: string) =>
        x.replace(
          /<ds:CanonicalizationMethod Algorithm="[^"]*"/,
          '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
        ),
      /canonicalization/,
    ],
    [
      "an xml: attribute",
      (x: string) => x.replace("<SoftwareIdentity ", '<SoftwareIdentity xml:lang="en" '),
      /xml: attribute/,
    ],
    [
      "a signature over part of the document",
      (x: string) => x.replace('<ds:Reference URI=""', '<ds:Reference URI="#payload"'),
      /whole document/,
    ],
  ])("a RIM signed with %s is refused (RimSignatureInvalid)", async (_what, edit, reason) => {
    const edited = edit(driverRim);
    expect(edited).not.toBe(driverRim);
    const v = await fixture([edited]);
    const failure = v.failures.find((f) => f.code === "RimSignatureInvalid");
    expect(failure?.message).toMatch(reason);
  });

  it("text that is not a SWID tag is RimMalformed", async () => {
    expect(codesOf(await fixture(["not xml <"]))).toContain("RimMalformed");
    expect(codesOf(await fixture(['<?xml version="1.0"?><html/>']))).toContain("RimMalformed");
  });
});

describe("the measurement comparison, apart from NVIDIA's report", () => {
  const nonce = `0x${"5a".repeat(32)}` as const;
  const golden = goldenOf(driverRim);
  const values = (change?: number) =>
    Array.from({ length: 64 }, (_, index) => {
      const value = golden.get(index);
      const bytes = value ? hexToBytes(value) : new Uint8Array(48);
      if (index === change) bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes;
    });

  it("a report carrying the driver RIM's golden values matches at every index the RIM defines", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: gpu.report(nonce, values()),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      rims: [driverRim],
      now: RIM_CERTS_VALID_AT,
      roots: { device: gpu.roots.device },
    });
    expect(v.failures).toEqual([]);
    expect(v.genuine).toBe(true);
    expect(v.measurements.filter((m) => m.firmware === "match").map((m) => m.index)).toEqual([
      ...golden.keys(),
    ]);
  });

  it("one measurement that differs is MeasurementMismatch with its index, the others still match", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: gpu.report(nonce, values(22)),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      rims: [driverRim],
      now: RIM_CERTS_VALID_AT,
      roots: { device: gpu.roots.device },
    });
    expect(v.genuine).toBe(false);
    expect(v.failures.map((f) => [f.code, f.index])).toEqual([["MeasurementMismatch", 22]]);
    expect(v.measurements.find((m) => m.index === 22)?.firmware).toBe("mismatch");
    expect(v.measurements.filter((m) => m.firmware === "match")).toHaveLength(golden.size - 1);
  });

  it("a RIM for another chip is RimGenerationMismatch", async () => {
    const gpu = await createTestGpu({ chip: "GB100" });
    const v = await verifyAttestation({
      report: gpu.report(nonce, values()),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      rims: [driverRim],
      now: RIM_CERTS_VALID_AT,
      roots: { device: gpu.roots.device },
    });
    expect(codesOf(v)).toEqual(["RimGenerationMismatch"]);
  });

  it("compareMeasurements: alternatives, a measurement the report lacks, and skipped indices", () => {
    const a: Hex = `0x${"aa".repeat(48)}`;
    const b: Hex = `0x${"bb".repeat(48)}`;
    const measured = [
      { index: 0, value: a, firmware: "not-checked" as const },
      { index: 1, value: b, firmware: "not-checked" as const },
      { index: 2, value: b, firmware: "not-checked" as const },
    ];
    const rims = new Map([
      [0, [{ rim: "R", alternatives: [b, a] }]],
      [1, [{ rim: "R", alternatives: [a] }]],
      [2, [{ rim: "R", alternatives: [a] }]],
      [5, [{ rim: "R", alternatives: [a] }]],
    ]);
    const result = compareMeasurements(measured, rims, new Set([2]));
    expect(result.measurements.map((m) => m.firmware)).toEqual([
      "match",
      "mismatch",
      "not-checked",
    ]);
    expect(result.failures.map((f) => [f.code, f.index])).toEqual([
      ["MeasurementMismatch", 1],
      ["MeasurementMismatch", 5],
    ]);
    expect(result.failures[1]?.message).toBe(
      'RIM "R" defines measurement 5, but the report has none',
    );
  });
});
