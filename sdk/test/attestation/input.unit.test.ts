/**
 * Reading what a host hands over (hex, PEM, the hook's JSON), the SPDM fields of NVIDIA's report, the generation of
 * an offer's model, and the verdicts for people.
 */
import { describe, expect, it } from "vitest";
import {
  AttestationInputError,
  describeVerdict,
  generationOfModel,
  parseAttestationBundle,
  parseCertChainPem,
  parseReportHex,
  parseSpdmReport,
  unavailableVerdict,
  verifyAttestation,
} from "../../src/attestation/index.ts";
import { createTestGpu } from "../../src/attestation/testing.ts";
import { certChainPem, FIXTURE_NONCE, fixtureChain, fixtureReport, reportHex } from "./fixture.ts";

/** The code of the AttestationInputError `read` throws. */
function inputErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof AttestationInputError) return error.code;
    throw error;
  }
  throw new Error("expected an AttestationInputError");
}

describe("parseReportHex", () => {
  it("reads NVIDIA's hex file, with or without 0x and whitespace", () => {
    const bytes = parseReportHex(reportHex);
    expect(bytes).toHaveLength(4117);
    expect(parseReportHex(`0x${reportHex.slice(0, 40)}\n ${reportHex.slice(40)}`)).toEqual(bytes);
  });

  it.each([
    ["empty text", ""],
    ["a non-hex character", "11e0zz"],
    ["an odd number of digits", "11e"],
    ["base64", "EeAB/w=="],
  ])("refuses %s with MalformedHex", (_what, text) => {
    expect(inputErrorOf(() => parseReportHex(text))).toBe("MalformedHex");
  });
});

describe("parseCertChainPem", () => {
  it("reads NVIDIA's chain, leaf first", () => {
    expect(parseCertChainPem(certChainPem)).toHaveLength(5);
  });

  it.each([
    ["no PEM block", "hello"],
    ["a private key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"],
  ])("refuses %s with MalformedPem", (_what, text) => {
    expect(inputErrorOf(() => parseCertChainPem(text))).toBe("MalformedPem");
  });
});

describe("parseAttestationBundle", () => {
  it("reads a report bundle and an unavailable one", () => {
    const bundle = parseAttestationBundle(
      JSON.stringify({
        format: "gridlease-attestation/1",
        report: reportHex,
        certChain: certChainPem,
        tool: "nvml",
      }),
    );
    expect(bundle).toEqual({
      kind: "report",
      report: fixtureReport(),
      certChain: fixtureChain(),
      tool: "nvml",
    });
    expect(
      parseAttestationBundle(
        '{"format":"gridlease-attestation/1","unavailable":"confidential computing is off"}',
      ),
    ).toEqual({ kind: "unavailable", reason: "confidential computing is off" });
  });

  it.each([
    ["not JSON", "report: 11e0"],
    ["an array", "[]"],
    ["another format", '{"format":"other/1","unavailable":"x"}'],
    ["no report", '{"format":"gridlease-attestation/1"}'],
    ["bad hex inside", '{"format":"gridlease-attestation/1","report":"zz","certChain":"x"}'],
    ["an empty reason", '{"format":"gridlease-attestation/1","unavailable":" "}'],
  ])("refuses %s with MalformedBundle", (_what, text) => {
    expect(inputErrorOf(() => parseAttestationBundle(text))).toBe("MalformedBundle");
  });

  it("round-trips the test GPU's hook output into a verifying report", async () => {
    const gpu = await createTestGpu();
    const bundle = parseAttestationBundle(gpu.bundleJson(FIXTURE_NONCE));
    if (bundle.kind !== "report") throw new Error("expected a report bundle");
    const v = await verifyAttestation({
      ...bundle,
      expectedNonce: FIXTURE_NONCE,
      roots: gpu.roots,
    });
    expect(v.genuine).toBe(true);
  });
});

describe("parseSpdmReport on NVIDIA's report", () => {
  const parsed = parseSpdmReport(fixtureReport());
  if (!parsed.ok) throw new Error(parsed.failure.message);
  const { request, response } = parsed.report;

  it("reads the GET_MEASUREMENTS request: SPDM 1.1, signature requested, all measurements, the nonce", () => {
    expect(request).toEqual({
      version: 0x11,
      param1: 1,
      param2: 0xff,
      nonce: FIXTURE_NONCE,
      slotId: 0,
    });
  });

  it("reads the MEASUREMENTS response: 64 DMTF blocks of 48-byte values, the responder nonce, the signature", () => {
    expect(response.version).toBe(0x11);
    expect(response.blocks.map((b) => b.index)).toEqual(
      Array.from({ length: 64 }, (_, i) => i + 1),
    );
    expect(response.blocks.every((b) => b.value.length === 2 + 96)).toBe(true);
    expect(response.responderNonce).toBe(
      "0xb4b8a06aaaa35542839388e159d447a5d6f6194998fd86513e2d591ccf640985",
    );
    expect(response.signature.length).toBe(2 + 192);
  });

  it("names NVIDIA's opaque-data fields and reads the driver version", () => {
    expect(response.opaqueFields.map((f) => f.name)).toEqual([
      "VBIOS_VERSION",
      "BOARD_ID",
      "CHIP_SKU",
      "CHIP_SKU_MOD",
      "PROJECT",
      "PROJECT_SKU",
      "PROJECT_SKU_MOD",
      "DRIVER_VERSION",
      "GPU_INFO",
      "MSRSCNT",
      "CPRINFO",
      "NVDEC0_STATUS",
      "FWID",
      "PROTECTED_PCIE_STATUS",
    ]);
    expect(parsed.report.driverVersion).toBe("550.90.07");
    expect(parsed.report.project).toBe("1010");
    expect(parsed.report.chipInfo).toBeNull(); // CHIP_INFO appears from Blackwell on
  });
});

describe("generationOfModel", () => {
  it.each([
    ["H100-SXM-80GB", "hopper"],
    ["H100-PCIE-80GB", "hopper"],
    ["H200-141GB", "hopper"],
    ["B200-192GB", "blackwell"],
    ["B300-288GB", "blackwell"],
    ["H100", "hopper"],
    ["NVIDIA B200", "blackwell"],
    ["A100-80GB", null],
    ["RTX4090-24GB", null],
    ["", null],
  ])("%s -> %s", (model, generation) => {
    expect(generationOfModel(model)).toBe(generation);
  });
});

describe("verdicts for people", () => {
  it("a genuine verdict names the chip and says revocation was not checked", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: FIXTURE_NONCE,
    });
    const text = describeVerdict(v);
    expect(text.headline).toBe("Genuine NVIDIA GH100 (Hopper) · revocation not checked");
    expect(text.lines).toContain("certificate chain: verified to NVIDIA's Device Identity CA");
    expect(text.lines).toContain("firmware: not compared (no RIMs given)");
  });

  it("a failed verdict leads with its first failure and lists every one by name", async () => {
    const v = await verifyAttestation({ report: fixtureReport(), certChain: fixtureChain() });
    const text = describeVerdict(v);
    expect(text.headline).toBe(
      "Not verified: no expected nonce was given, so the report may be a replay",
    );
    expect(text.lines).toContain(
      "✗ NonceNotChecked: no expected nonce was given, so the report may be a replay",
    );
  });

  it("a test-PKI verdict never says NVIDIA", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: gpu.report(FIXTURE_NONCE),
      certChain: gpu.certChain,
      expectedNonce: FIXTURE_NONCE,
      roots: gpu.roots,
    });
    expect(describeVerdict(v).headline).toBe(
      "Verified against a test root (not NVIDIA's): GH100 (Hopper) · revocation not checked",
    );
  });

  it("a host that cannot attest gets a verdict that is never a pass", () => {
    const v = unavailableVerdict("the GPU is not in confidential-computing mode");
    expect(v.genuine).toBe(false);
    expect(v.failures).toEqual([
      {
        code: "ConfidentialComputingUnavailable",
        message:
          "the host cannot produce an NVIDIA attestation report: the GPU is not in confidential-computing mode",
      },
    ]);
    expect(describeVerdict(v).headline).toMatch(/^Not verified: the host cannot produce/);
  });
});
