/**
 * verifyAttestation on NVIDIA's published Hopper report and chain: it verifies to the pinned NVIDIA Device Identity
 * CA with the fixture nonce, names the chip (GH100) and generation, and says what it did not check.
 */
import { describe, expect, it } from "vitest";
import { verifyAttestation } from "../../src/attestation/index.ts";
import { createTestGpu } from "../../src/attestation/testing.ts";
import { codesOf, FIXTURE_NONCE, fixtureChain, fixtureReport } from "./fixture.ts";

describe("verifyAttestation on NVIDIA's Hopper fixture", () => {
  it("is genuine: chain to NVIDIA's root, report signature, nonce, GH100 Hopper", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: FIXTURE_NONCE,
      expectedGeneration: "hopper",
    });
    expect(v.failures).toEqual([]);
    expect(v.genuine).toBe(true);
    expect(v.chip).toBe("GH100");
    expect(v.generation).toBe("hopper");
    expect(v.root).toBe("nvidia");
    expect(v.signature.verified).toBe(true);
    expect(v.chain.verified).toBe(true);
    expect(v.nonce).toEqual({ expected: FIXTURE_NONCE, reported: FIXTURE_NONCE, matches: true });
    expect(v.spdm).toEqual({ version: "1.1", measurementCount: 64 });
    expect(v.chain.certificates.map((c) => c.subject.split("CN=")[1]?.split(",")[0])).toEqual([
      "GH100 A01 GSP FMC LF",
      "GH100 A01 GSP BROM",
      "NVIDIA GH100 Provisioner ICA 1",
      "NVIDIA GH100 Identity",
      "NVIDIA Device Identity CA",
    ]);
    // The root's SHA-256 as published for NVIDIA's Device Identity CA.
    expect(v.chain.certificates[4]?.sha256).toBe(
      "0x102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48",
    );
    expect(v.measurements.map((m) => m.index)).toEqual([...Array(64).keys()]);
    expect(
      v.measurements.every((m) => m.firmware === "not-checked" && m.value.length === 2 + 96),
    ).toBe(true);
    expect(v.firmware).toEqual({ checked: false, rims: [] });
    expect(v.revocation.status).toBe("not-checked");
    expect(v.reportHash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("also verifies when the chain omits the root: the pinned one is used", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain().slice(0, 4),
      expectedNonce: FIXTURE_NONCE,
    });
    expect(v.genuine).toBe(true);
    expect(v.chain.certificates).toHaveLength(5);
  });

  it("a wrong nonce is NonceMismatch, with both nonces", async () => {
    const wrong = `0x${"11".repeat(32)}` as const;
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: wrong,
    });
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(["NonceMismatch"]);
    expect(v.nonce).toEqual({ expected: wrong, reported: FIXTURE_NONCE, matches: false });
  });

  it("no expected nonce is NonceNotChecked, never genuine", async () => {
    const v = await verifyAttestation({ report: fixtureReport(), certChain: fixtureChain() });
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(["NonceNotChecked"]);
    expect(v.nonce.matches).toBeNull();
  });

  it("an expected nonce that is not 32 bytes is NonceMismatch", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: "0x1234",
    });
    expect(codesOf(v)).toEqual(["NonceMismatch"]);
  });

  it("a Hopper report where Blackwell was expected is GenerationMismatch", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: FIXTURE_NONCE,
      expectedGeneration: "blackwell",
    });
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(["GenerationMismatch"]);
    expect(v.generation).toBe("hopper");
  });

  it("before the certificates' notBefore is CertificateNotYetValid, per certificate", async () => {
    const v = await verifyAttestation({
      report: fixtureReport(),
      certChain: fixtureChain(),
      expectedNonce: FIXTURE_NONCE,
      now: new Date("2021-01-01T00:00:00Z"),
    });
    expect(codesOf(v)).toEqual(["CertificateNotYetValid"]);
    // Leaf and BROM from 2020-10-17, ICA from 2022-03-01, Identity from 2022-01-12, root from 2021-11-05.
    expect(v.failures.map((f) => f.certificate)).toEqual([2, 3, 4]);
  });
});

describe("revocation", () => {
  const input = () => ({
    report: fixtureReport(),
    certChain: fixtureChain(),
    expectedNonce: FIXTURE_NONCE,
  });

  it("without a checker says not-checked, never good", async () => {
    const v = await verifyAttestation(input());
    expect(v.revocation).toEqual({
      status: "not-checked",
      detail: "revocation not checked: OCSP needs NVIDIA's responder on the internet",
    });
  });

  it("asks the checker about every certificate but the root, each with its issuer", async () => {
    const asked: number[] = [];
    const v = await verifyAttestation({
      ...input(),
      revocation: {
        check: async (queries) => {
          asked.push(queries.length);
          return { status: "good", detail: "OCSP: good (test responder)" };
        },
      },
    });
    expect(asked).toEqual([4]);
    expect(v.revocation).toEqual({ status: "good", detail: "OCSP: good (test responder)" });
    expect(v.genuine).toBe(true);
  });

  it("a revoked answer fails with CertificateRevoked; an unknown or failing one stays not-checked", async () => {
    const revoked = await verifyAttestation({
      ...input(),
      revocation: {
        check: async () => ({ status: "revoked", detail: "BROM revoked (keyCompromise)" }),
      },
    });
    expect(revoked.revocation.status).toBe("revoked");
    expect(codesOf(revoked)).toEqual(["CertificateRevoked"]);
    const unknown = await verifyAttestation({
      ...input(),
      revocation: { check: async () => ({ status: "unknown", detail: "no responder" }) },
    });
    expect(unknown.revocation).toEqual({
      status: "not-checked",
      detail: "revocation not checked: no responder",
    });
    const offline = await verifyAttestation({
      ...input(),
      revocation: {
        check: async () => {
          throw new Error("getaddrinfo ENOTFOUND ocsp.ndis.nvidia.com");
        },
      },
    });
    expect(offline.revocation.status).toBe("not-checked");
    expect(offline.genuine).toBe(true);
  });
});

describe("createTestGpu (the test PKI)", () => {
  const nonce = `0x${"ab".repeat(32)}` as const;

  it("its report verifies with its roots injected, as root custom, never nvidia", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: gpu.report(nonce),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      expectedGeneration: "hopper",
      roots: gpu.roots,
    });
    expect(v.failures).toEqual([]);
    expect(v.genuine).toBe(true);
    expect(v.root).toBe("custom");
    expect(v.chip).toBe("GH100");
    expect(v.spdm).toEqual({ version: "1.1", measurementCount: 4 });
  });

  it("without its roots the chain ends at an untrusted root", async () => {
    const gpu = await createTestGpu();
    const v = await verifyAttestation({
      report: gpu.report(nonce),
      certChain: gpu.certChain,
      expectedNonce: nonce,
    });
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(["UntrustedRoot"]);
    expect(v.root).toBeNull();
  });

  it("a Blackwell chip names the blackwell generation", async () => {
    const gpu = await createTestGpu({ chip: "GB100" });
    const v = await verifyAttestation({
      report: gpu.report(nonce),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      expectedGeneration: "blackwell",
      roots: gpu.roots,
    });
    expect(v.genuine).toBe(true);
    expect([v.chip, v.generation]).toEqual(["GB100", "blackwell"]);
  });

  it("an expired certificate (via now) is CertificateExpired for each certificate", async () => {
    const gpu = await createTestGpu({ notAfter: new Date("2025-01-01T00:00:00Z") });
    const input = {
      report: gpu.report(nonce),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      roots: gpu.roots,
    };
    expect(
      (await verifyAttestation({ ...input, now: new Date("2024-12-31T00:00:00Z") })).genuine,
    ).toBe(true);
    const v = await verifyAttestation({ ...input, now: new Date("2025-06-01T00:00:00Z") });
    expect(v.genuine).toBe(false);
    expect(codesOf(v)).toEqual(["CertificateExpired"]);
    // Leaf, BROM, ICA, Identity, and the root (reported against the last given certificate).
    expect(v.failures.map((f) => f.certificate)).toEqual([0, 1, 2, 3, 3]);
  });

  it("the report carries the requested measurements, by NVIDIA's index (SPDM block − 1)", async () => {
    const gpu = await createTestGpu();
    const values = [new Uint8Array(48).fill(1), new Uint8Array(48).fill(2)];
    const v = await verifyAttestation({
      report: gpu.report(nonce, values),
      certChain: gpu.certChain,
      expectedNonce: nonce,
      roots: gpu.roots,
    });
    expect(v.measurements).toEqual([
      { index: 0, value: `0x${"01".repeat(48)}`, firmware: "not-checked" },
      { index: 1, value: `0x${"02".repeat(48)}`, firmware: "not-checked" },
    ]);
  });
});
