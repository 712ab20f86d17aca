/**
 * Verifying a certificate chain with @peculiar/x509: each certificate signed by the next, names in order, validity
 * at `now`, basic constraints and key usage, ending at a trusted root. Used for the GPU's device chain and for the
 * RIM signers' chains. A presented root is accepted only if it equals a trusted root byte for byte.
 */
import "./reflect.ts";
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
} from "@peculiar/x509";
import { p384 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { bytesToHex } from "viem";
import type { AttestationFailure, AttestationVerdict } from "./types.ts";

/** A trusted root and whether it is NVIDIA's pinned one or one a caller injected. */
export interface TrustedRoot {
  der: Uint8Array;
  kind: "nvidia" | "custom";
}

/** What verifying a chain found. `certificates` is the path as verified (the pinned root appended if it was omitted). */
export interface ChainResult {
  verified: boolean;
  /** The trusted root, only if the whole chain verified. */
  root: "nvidia" | "custom" | null;
  /** The trusted root the chain ends at, whatever else failed (an expired chain still ends at NVIDIA's root). */
  anchor: "nvidia" | "custom" | null;
  /** The parsed path, leaf first, or null if a certificate could not be parsed. */
  path: X509Certificate[] | null;
  certificates: AttestationVerdict["chain"]["certificates"];
  failures: AttestationFailure[];
}

/** Options of one chain verification: who the chain is (for messages) and how long it must be. */
export interface ChainRules {
  /** "device" or "RIM 'name'": goes in front of messages. */
  label: string;
  /** The number of certificates, root included, the chain must have (NVIDIA's device chain: 5). */
  length?: number;
  /** The leaf must be allowed to sign (keyUsage digitalSignature). */
  leafSigns: boolean;
}

/** Verifies `chain` (DER, leaf first, root last or omitted) against `roots` at `now`. Never throws. */
export async function verifyChain(
  chain: Uint8Array[],
  roots: TrustedRoot[],
  now: Date,
  rules: ChainRules,
): Promise<ChainResult> {
  const failures: AttestationFailure[] = [];
  const fail = (failure: AttestationFailure) => failures.push(failure);
  if (chain.length === 0) {
    fail({ code: "ChainTooShort", message: `${rules.label} certificate chain is empty` });
    return { verified: false, root: null, anchor: null, path: null, certificates: [], failures };
  }
  const parsed: X509Certificate[] = [];
  chain.forEach((der, position) => {
    try {
      parsed.push(readCertificate(der));
    } catch (error) {
      fail({
        code: "CertificateMalformed",
        message: `${rules.label} certificate ${position + 1} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        certificate: position,
      });
    }
  });
  if (failures.length > 0)
    return { verified: false, root: null, anchor: null, path: null, certificates: [], failures };

  // The root: presented (self-issued last certificate) or the pinned one named by the last certificate's issuer.
  const last = parsed[parsed.length - 1];
  const path = [...parsed];
  let root: TrustedRoot | undefined;
  if (last && last.subject === last.issuer) {
    const der = chain[chain.length - 1];
    root = der && roots.find((candidate) => sameBytes(candidate.der, der));
    if (!root)
      fail({
        code: "UntrustedRoot",
        message: `${rules.label} chain ends at "${last.subject}", which is not a trusted root`,
        certificate: chain.length - 1,
      });
  } else if (last) {
    root = roots.find((candidate) => subjectOf(candidate.der) === last.issuer);
    if (root) path.push(readCertificate(root.der));
    else
      fail({
        code: "UntrustedRoot",
        message: `${rules.label} chain's last certificate is issued by "${last.issuer}", which is not a trusted root`,
        certificate: chain.length - 1,
      });
  }

  if (rules.length !== undefined && root && path.length !== rules.length)
    fail({
      code: path.length < rules.length ? "ChainTooShort" : "ChainOrder",
      message: `${rules.label} chain has ${path.length} certificates with its root; it must have ${rules.length}`,
    });

  for (let position = 0; position < path.length; position++) {
    const certificate = path[position];
    if (!certificate) continue;
    const issuer = path[position + 1];
    // Positions past the given chain are the appended pinned root: report against the last given certificate.
    const at = Math.min(position, chain.length - 1);
    if (issuer) {
      if (certificate.issuer !== issuer.subject)
        fail({
          code: "ChainOrder",
          message: `${rules.label} certificate ${position + 1} ("${certificate.subject}") is issued by "${certificate.issuer}", but the next certificate is "${issuer.subject}"`,
          certificate: at,
        });
      else if (!(await signedBy(certificate, issuer)))
        fail({
          code: "CertificateSignatureInvalid",
          message: `${rules.label} certificate ${position + 1} ("${certificate.subject}") is not signed by "${issuer.subject}"`,
          certificate: at,
        });
    }
    if (now < certificate.notBefore)
      fail({
        code: "CertificateNotYetValid",
        message: `${rules.label} certificate ${position + 1} ("${certificate.subject}") is valid only from ${certificate.notBefore.toISOString()}`,
        certificate: at,
      });
    if (now > certificate.notAfter)
      fail({
        code: "CertificateExpired",
        message: `${rules.label} certificate ${position + 1} ("${certificate.subject}") expired on ${certificate.notAfter.toISOString()}`,
        certificate: at,
      });
    checkConstraints(certificate, position, at, rules, fail);
  }

  return {
    verified: failures.length === 0 && root !== undefined,
    root: failures.length === 0 && root ? root.kind : null,
    anchor: root?.kind ?? null,
    path,
    certificates: path.map(describeCertificate),
    failures,
  };
}

/** Basic constraints and key usage: every certificate above the leaf is a CA that may sign certificates. */
function checkConstraints(
  certificate: X509Certificate,
  position: number,
  at: number,
  rules: ChainRules,
  fail: (failure: AttestationFailure) => void,
): void {
  const constraints = certificate.getExtension(BasicConstraintsExtension);
  const usage = certificate.getExtension(KeyUsagesExtension);
  const name = `${rules.label} certificate ${position + 1} ("${certificate.subject}")`;
  if (position === 0) {
    // A CA as the first certificate means the GPU's own attestation-key certificate is missing.
    if (constraints?.ca)
      fail({
        code: "ChainTooShort",
        message: `${name} is a CA, not a signing key: the leaf is missing`,
        certificate: 0,
      });
    else if (rules.leafSigns && usage && (usage.usages & KeyUsageFlags.digitalSignature) === 0)
      fail({
        code: "KeyUsageMissing",
        message: `${name} may not sign (no digitalSignature key usage)`,
        certificate: 0,
      });
    return;
  }
  if (!constraints?.ca) {
    fail({
      code: "NotACertificateAuthority",
      message: `${name} is not a CA but issues a certificate`,
      certificate: at,
    });
    return;
  }
  // pathLength counts the non-self-issued CAs below this one; the leaf is not counted.
  if (constraints.pathLength !== undefined && position - 1 > constraints.pathLength)
    fail({
      code: "PathLengthExceeded",
      message: `${name} allows ${constraints.pathLength} CAs below it, but the chain has ${position - 1}`,
      certificate: at,
    });
  if (!usage || (usage.usages & KeyUsageFlags.keyCertSign) === 0)
    fail({
      code: "KeyUsageMissing",
      message: `${name} may not sign certificates (no keyCertSign)`,
      certificate: at,
    });
}

async function signedBy(certificate: X509Certificate, issuer: X509Certificate): Promise<boolean> {
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

function describeCertificate(
  certificate: X509Certificate,
): AttestationVerdict["chain"]["certificates"][number] {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sha256: bytesToHex(sha256(new Uint8Array(certificate.rawData))),
  };
}

/**
 * Parses a DER certificate, strictly: the bytes must be exactly the DER encoding of what was parsed (a lenient BER
 * parse would accept, say, a wrong outer length, outside what the issuer's signature covers), and every extension
 * must parse. Throws on anything else.
 */
export function readCertificate(der: Uint8Array): X509Certificate {
  const reencoded = new Uint8Array(AsnConvert.serialize(AsnConvert.parse(der, Certificate)));
  if (!sameBytes(reencoded, der))
    throw new Error("its bytes are not the DER encoding of a certificate");
  // A copy: the library wants a view of a plain ArrayBuffer.
  const certificate = new X509Certificate(new Uint8Array(der));
  // The library reads the ECDSA signature's inner SEQUENCE leniently (a wrong tag or length is ignored); noble's
  // DER reader is strict, and re-encoding must give the same bytes.
  if (certificate.signatureAlgorithm.name === "ECDSA") {
    const signature = new Uint8Array(certificate.signature);
    if (!sameBytes(p384.Signature.fromBytes(signature, "der").toBytes("der"), signature))
      throw new Error("its ECDSA signature is not DER");
  }
  // Read every field now, so that a malformed extension is CertificateMalformed here, not an exception later.
  void [
    certificate.subject,
    certificate.issuer,
    certificate.notBefore,
    certificate.notAfter,
    certificate.publicKey,
  ];
  void certificate.extensions;
  return certificate;
}

function subjectOf(der: Uint8Array): string | null {
  try {
    return readCertificate(der).subject;
  } catch {
    return null;
  }
}

/** Byte-for-byte equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
