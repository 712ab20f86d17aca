/**
 * Every tampered variant of NVIDIA's fixture fails, with its named reason. Which reason, by where the change is:
 * - anything before the signature (request, nonce, measurement blocks, responder nonce, opaque data): the GPU's
 *   signature covers it, so ReportSignatureInvalid; a change in the request's nonce is also NonceMismatch; a change
 *   that breaks the SPDM layout (version, codes, a length) is also UnsupportedSpdmVersion / MalformedReport /
 *   TruncatedReport;
 * - the signature itself: ReportSignatureInvalid;
 * - a certificate: CertificateMalformed (not DER any more), CertificateSignatureInvalid (its issuer's signature no
 *   longer covers it), ChainOrder (its issuer name changed), UntrustedRoot (the root is no longer NVIDIA's).
 */
import { describe, expect, it } from "vitest";
import { verifyAttestation, type AttestationFailureCode } from "../../src/attestation/index.ts";
import { createTestGpu } from "../../src/attestation/testing.ts";
import { codesOf, FIXTURE_NONCE, fixtureChain, fixtureReport, flipBit } from "./fixture.ts";

const report = fixtureReport();
const chain = fixtureChain();
const verifyReport = (bytes: Uint8Array) =>
  verifyAttestation({ report: bytes, certChain: chain, expectedNonce: FIXTURE_NONCE });
const verifyChain = (certChain: Uint8Array[]) =>
  verifyAttestation({ report, certChain, expectedNonce: FIXTURE_NONCE });

// The fixture's layout (4117 bytes): request 0-36 (nonce 4-35), response header 37-44, 64 measurement blocks of
// 55 bytes from 45 (index, spec, size, type, value size, then a 48-byte value at +7), responder nonce 3565-3596,
// opaque length 3597-3598, opaque data 3599-4020, signature 4021-4116.
const BLOCKS = 45;
const RESPONDER_NONCE = 3565;
const OPAQUE = 3599;
const SIGNATURE = 4021;

describe("the fixture's layout", () => {
  it("is as the offsets above say", () => {
    expect(report.length).toBe(SIGNATURE + 96);
    expect(report[BLOCKS + 55 * 63]).toBe(64); // the last block's index
    expect(report[OPAQUE - 2]).toBe(422 % 256); // opaque length, little-endian
  });
});

describe("a single-bit change in the report", () => {
  it.each([0, 7, 21, 33, 63].flatMap((block) => [0, 23, 47].map((byte) => [block, byte])))(
    "in measurement block %i (value byte %i) is ReportSignatureInvalid only",
    async (block, byte) => {
      const v = await verifyReport(
        flipBit(report, BLOCKS + 55 * block + 7 + byte, (block + byte) % 8),
      );
      expect(v.genuine).toBe(false);
      expect(codesOf(v)).toEqual(["ReportSignatureInvalid"]);
    },
  );

  it("in the request's nonce is NonceMismatch and ReportSignatureInvalid, at every nonce byte", async () => {
    for (let position = 4; position < 36; position++) {
      const v = await verifyReport(flipBit(report, position, position % 8));
      expect(codesOf(v), `byte ${position}`).toEqual(["NonceMismatch", "ReportSignatureInvalid"]);
    }
  });

  it.each<[string, number, number, AttestationFailureCode[]]>([
    ["the request's SPDM version", 0, 0, ["ReportSignatureInvalid", "UnsupportedSpdmVersion"]],
    ["the request code", 1, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    ["param1's signature bit", 2, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    ["param2", 3, 1, ["ReportSignatureInvalid"]],
    ["the slot id", 36, 2, ["ReportSignatureInvalid"]],
    ["the response's SPDM version", 37, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    ["the response code", 38, 3, ["MalformedReport", "ReportSignatureInvalid"]],
    ["the number of blocks", 41, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    ["the measurement record length", 42, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    [
      "a block's measurement specification",
      BLOCKS + 1,
      1,
      ["MalformedReport", "ReportSignatureInvalid"],
    ],
    ["a block's value size", BLOCKS + 5, 0, ["MalformedReport", "ReportSignatureInvalid"]],
    ["the opaque data length", OPAQUE - 2, 0, ["ReportSignatureInvalid", "TruncatedReport"]],
    ["an opaque field's length", OPAQUE + 2, 4, ["MalformedReport", "ReportSignatureInvalid"]],
    // The FWID field (type 20) holds its 48-byte value at opaque offset 369; the leaf certificate certifies it.
    ["the firmware ID (FWID)", OPAQUE + 369 + 10, 5, ["FwidMismatch", "ReportSignatureInvalid"]],
  ])("in %s (byte %i, bit %i) fails as %j", async (_what, position, bit, codes) => {
    const v = await verifyReport(flipBit(report, position, bit));
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(codes);
  });

  it("in the responder's nonce, the opaque data's values and the signature is ReportSignatureInvalid only", async () => {
    const positions = [
      RESPONDER_NONCE,
      RESPONDER_NONCE + 31,
      OPAQUE + 4, // the VBIOS version's value
      OPAQUE + 200,
      OPAQUE + 421,
      ...Array.from({ length: 14 }, (_, i) => SIGNATURE + 7 * i),
      SIGNATURE + 95,
    ];
    for (const position of positions) {
      const v = await verifyReport(flipBit(report, position, position % 8));
      expect(codesOf(v), `byte ${position}`).toEqual(["ReportSignatureInvalid"]);
    }
  });

  it("at every 13th byte across the whole report is never genuine and always ReportSignatureInvalid", async () => {
    for (let position = 0; position < report.length; position += 13) {
      const v = await verifyReport(flipBit(report, position, position % 8));
      expect(v.genuine, `byte ${position}`).toBe(false);
      expect(codesOf(v), `byte ${position}`).toContain("ReportSignatureInvalid");
    }
  });
});

describe("a truncated or extended report", () => {
  it.each([0, 1, 4, 36, 37, 40, 45, 1000, RESPONDER_NONCE, 3600, SIGNATURE, report.length - 1])(
    "cut to %i bytes is TruncatedReport",
    async (length) => {
      const v = await verifyReport(report.slice(0, length));
      expect(v.genuine).toBe(false);
      expect(codesOf(v)).toContain("TruncatedReport");
      expect(v.spdm).toBeNull();
      expect(v.measurements).toEqual([]);
    },
  );

  it("with a byte appended is MalformedReport (and the signature, now misplaced, fails)", async () => {
    const v = await verifyReport(new Uint8Array([...report, 0]));
    expect(codesOf(v)).toEqual(["MalformedReport", "ReportSignatureInvalid"]);
  });
});

describe("a single-bit change in a certificate", () => {
  const allowed = new Set<string>([
    "CertificateMalformed",
    "CertificateSignatureInvalid",
    "ChainOrder",
    "UntrustedRoot",
    // Side effects of the same change: a date, a constraint or the leaf's key bits now read differently.
    "CertificateExpired",
    "CertificateNotYetValid",
    "KeyUsageMissing",
    "NotACertificateAuthority",
    "ReportSignatureInvalid",
    "UnknownGeneration",
    "FwidMismatch",
  ]);
  const primary = [
    "CertificateMalformed",
    "CertificateSignatureInvalid",
    "ChainOrder",
    "UntrustedRoot",
  ];

  it.each([0, 1, 2, 3, 4])(
    "at every 11th byte of certificate %i fails the chain",
    async (index) => {
      const der = chain[index] ?? new Uint8Array();
      for (let position = 0; position < der.length; position += 11) {
        const certChain = chain.map((c, i) =>
          i === index ? flipBit(c, position, position % 8) : c,
        );
        const v = await verifyChain(certChain);
        const codes = codesOf(v);
        expect(v.genuine, `byte ${position}`).toBe(false);
        expect(v.chain.verified, `byte ${position}`).toBe(false);
        expect(
          codes.filter((code) => !allowed.has(code)),
          `byte ${position}`,
        ).toEqual([]);
        expect(
          codes.some((code) => primary.includes(code)),
          `byte ${position}: ${codes.join()}`,
        ).toBe(true);
        // The root is trusted only byte for byte: a changed root is UntrustedRoot, or (a changed subject makes it look
        // issued by NVIDIA's CA) a chain one too long whose root does not sign it.
        expect(v.root, `byte ${position}`).toBeNull();
      }
    },
  );

  it("in the leaf's signature is CertificateSignatureInvalid at certificate 0", async () => {
    const leaf = chain[0] ?? new Uint8Array();
    const v = await verifyChain([flipBit(leaf, leaf.length - 5, 3), ...chain.slice(1)]);
    expect(v.failures).toEqual([
      expect.objectContaining({ code: "CertificateSignatureInvalid", certificate: 0 }),
    ]);
  });
});

describe("a dropped, reordered or foreign certificate", () => {
  it("dropping the leaf is ChainTooShort (and the report verifies neither with the first key nor its FWID)", async () => {
    const v = await verifyChain(chain.slice(1));
    expect(codesOf(v)).toEqual(["ChainTooShort", "FwidMismatch", "ReportSignatureInvalid"]);
  });

  it.each([1, 2, 3])("dropping certificate %i is ChainTooShort and ChainOrder", async (index) => {
    const v = await verifyChain(chain.filter((_, i) => i !== index));
    expect(codesOf(v)).toEqual(["ChainOrder", "ChainTooShort"]);
    expect(v.failures.find((f) => f.code === "ChainOrder")?.certificate).toBe(index - 1);
  });

  it("dropping the root still verifies: the pinned root completes the chain", async () => {
    expect((await verifyChain(chain.slice(0, 4))).genuine).toBe(true);
  });

  it.each([
    [1, 2],
    [2, 3],
    [0, 1],
  ])("swapping certificates %i and %i is ChainOrder", async (a, b) => {
    const swapped = [...chain];
    [swapped[a], swapped[b]] = [chain[b] ?? new Uint8Array(), chain[a] ?? new Uint8Array()];
    const v = await verifyChain(swapped);
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toContain("ChainOrder");
  });

  it("a chain ending at a different (test-PKI) root is UntrustedRoot", async () => {
    const gpu = await createTestGpu();
    const foreignRoot = gpu.roots.device[0] ?? new Uint8Array();
    const v = await verifyChain([...chain.slice(0, 4), foreignRoot]);
    expect(v.genuine).toBe(false);
    expect(v.failures).toContainEqual(
      expect.objectContaining({ code: "UntrustedRoot", certificate: 4 }),
    );
    expect(v.root).toBeNull();
  });

  it("NVIDIA's chain against an injected (test) root only is UntrustedRoot", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report,
      certChain: chain,
      expectedNonce: FIXTURE_NONCE,
      roots: gpu.roots,
    });
    expect(codesOf(v)).toEqual(["UntrustedRoot"]);
  });

  it("a certificate that is not DER at all is CertificateMalformed at its position", async () => {
    const v = await verifyChain([
      chain[0] ?? new Uint8Array(),
      new Uint8Array([1, 2, 3]),
      ...chain.slice(2),
    ]);
    expect(v.failures).toEqual([
      expect.objectContaining({ code: "CertificateMalformed", certificate: 1 }),
    ]);
    expect(v.chain.certificates).toEqual([]);
  });
});
