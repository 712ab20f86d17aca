/**
 * The chain rules that NVIDIA's chain never breaks, on small chains made here: every certificate above the leaf must
 * be a CA, allowed to sign certificates, within its path length; and the root must be trusted.
 */
import "../../src/attestation/reflect.ts";
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509CertificateGenerator,
  type X509Certificate,
} from "@peculiar/x509";
import { describe, expect, it, vi } from "vitest";
import { verifyChain } from "../../src/attestation/chain.ts";
import { verifyAttestation } from "../../src/attestation/index.ts";
import { FIXTURE_NONCE, fixtureChain, fixtureReport } from "./fixture.ts";

const EC = { name: "ECDSA", namedCurve: "P-384" };
const SIGNING = { name: "ECDSA", hash: "SHA-384" };
const NOW = new Date("2030-01-01T00:00:00Z");
const rules = { label: "test", leafSigns: true };

interface Level {
  /** BasicConstraints (ca, pathLength), or null for none. */
  constraints: [boolean, number?] | null;
  usage: number;
}

/** A chain root -> levels (top down), leaf last; returns DER leaf first without the root, and the root. */
async function chainOf(
  levels: Level[],
  rootName = "CN=Test Root",
): Promise<{ chain: Uint8Array[]; root: Uint8Array }> {
  const rootKeys = await crypto.subtle.generateKey(EC, false, ["sign", "verify"]);
  const root = await X509CertificateGenerator.createSelfSigned({
    name: rootName,
    keys: rootKeys,
    signingAlgorithm: SIGNING,
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2035-01-01T00:00:00Z"),
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign, true),
    ],
  });
  let issuer = { certificate: root, key: rootKeys.privateKey };
  const made: X509Certificate[] = [];
  for (const [i, level] of levels.entries()) {
    const keys = await crypto.subtle.generateKey(EC, false, ["sign", "verify"]);
    const certificate = await X509CertificateGenerator.create({
      subject: `CN=Level ${i + 1}`,
      issuer: issuer.certificate.subject,
      publicKey: keys.publicKey,
      signingKey: issuer.key,
      signingAlgorithm: SIGNING,
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2035-01-01T00:00:00Z"),
      extensions: [
        ...(level.constraints
          ? [new BasicConstraintsExtension(level.constraints[0], level.constraints[1], true)]
          : []),
        new KeyUsagesExtension(level.usage, true),
      ],
    });
    made.unshift(certificate);
    issuer = { certificate, key: keys.privateKey };
  }
  return { chain: made.map((c) => new Uint8Array(c.rawData)), root: new Uint8Array(root.rawData) };
}

const CA: Level = { constraints: [true], usage: KeyUsageFlags.keyCertSign };
const LEAF: Level = { constraints: null, usage: KeyUsageFlags.digitalSignature };

describe("verifyChain's CA rules", () => {
  it("a well-formed chain verifies to its injected root, as custom", async () => {
    const { chain, root } = await chainOf([CA, CA, LEAF]);
    const result = await verifyChain(chain, [{ der: root, kind: "custom" }], NOW, rules);
    expect(result.failures).toEqual([]);
    expect([result.verified, result.root]).toEqual([true, "custom"]);
  });

  it("an intermediate that is not a CA is NotACertificateAuthority at its position", async () => {
    const { chain, root } = await chainOf([
      CA,
      { constraints: [false], usage: KeyUsageFlags.keyCertSign },
      LEAF,
    ]);
    const result = await verifyChain(chain, [{ der: root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => [f.code, f.certificate])).toEqual([
      ["NotACertificateAuthority", 1],
    ]);
  });

  it("a CA without keyCertSign is KeyUsageMissing", async () => {
    const { chain, root } = await chainOf([
      CA,
      { constraints: [true], usage: KeyUsageFlags.cRLSign },
      LEAF,
    ]);
    const result = await verifyChain(chain, [{ der: root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => [f.code, f.certificate])).toEqual([["KeyUsageMissing", 1]]);
  });

  it("a leaf that may not sign is KeyUsageMissing at the leaf", async () => {
    const { chain, root } = await chainOf([
      CA,
      { constraints: null, usage: KeyUsageFlags.keyEncipherment },
    ]);
    const result = await verifyChain(chain, [{ der: root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => [f.code, f.certificate])).toEqual([["KeyUsageMissing", 0]]);
  });

  it("a CA with path length 0 above another CA is PathLengthExceeded", async () => {
    const { chain, root } = await chainOf([
      { constraints: [true, 0], usage: KeyUsageFlags.keyCertSign },
      CA,
      LEAF,
    ]);
    const result = await verifyChain(chain, [{ der: root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => [f.code, f.certificate])).toEqual([
      ["PathLengthExceeded", 2],
    ]);
  });

  it("a chain whose root is not trusted is UntrustedRoot, with no root in the result", async () => {
    const { chain } = await chainOf([CA, LEAF]);
    const other = await chainOf([CA, LEAF], "CN=Other Root");
    const result = await verifyChain(chain, [{ der: other.root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => f.code)).toEqual(["UntrustedRoot"]);
    expect([result.verified, result.root, result.anchor]).toEqual([false, null, null]);
  });

  it("a trusted root's name on another key does not help: CertificateSignatureInvalid", async () => {
    const { chain } = await chainOf([CA, LEAF]);
    const impostor = await chainOf([CA, LEAF]); // the same root name, another key
    const result = await verifyChain(chain, [{ der: impostor.root, kind: "custom" }], NOW, rules);
    expect(result.failures.map((f) => [f.code, f.certificate])).toEqual([
      ["CertificateSignatureInvalid", 1],
    ]);
    expect([result.verified, result.root]).toEqual([false, null]);
  });
});

describe("the environment", () => {
  it("without WebCrypto, verifyAttestation throws a plain error rather than calling certificates forged", async () => {
    vi.stubGlobal("crypto", {});
    try {
      await expect(
        verifyAttestation({
          report: fixtureReport(),
          certChain: fixtureChain(),
          expectedNonce: FIXTURE_NONCE,
        }),
      ).rejects.toThrow(/WebCrypto \(crypto.subtle\) is unavailable/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
