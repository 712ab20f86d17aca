/**
 * A test PKI for attestation: a synthetic GPU with its own P-384 root, a certificate chain shaped like NVIDIA's and a
 * signer of SPDM reports in the same layout as a Hopper report. For tests and the seed only: nothing it makes
 * verifies against NVIDIA's root (the verdict says root "custom" when its root is injected, UntrustedRoot otherwise).
 * Never imported by app source.
 */
import "./reflect.ts";
import { p384 } from "@noble/curves/nist.js";
import { sha384 } from "@noble/hashes/sha2.js";
import { concatBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  X509CertificateGenerator,
  type X509Certificate,
} from "@peculiar/x509";
import { bytesToHex, hexToBytes } from "viem";
import { ATTESTATION_BUNDLE_FORMAT } from "./input.ts";
import type { Hex } from "./types.ts";

/** A synthetic GPU (see `createTestGpu`). */
export interface TestGpu {
  /** Pass as VerifyAttestationInput.roots. */
  roots: { device: Uint8Array[] };
  /** Leaf first, without the root. */
  certChain: Uint8Array[];
  certChainPem: string;
  /** An SPDM 1.1 GET_MEASUREMENTS request (with `nonce`) + signed response; default: four 48-byte measurements. */
  report(nonce: Hex, measurements?: Uint8Array[]): Uint8Array;
  /** What the host hook prints. */
  bundleJson(nonce: Hex): string;
}

const EC = { name: "ECDSA", namedCurve: "P-384" };
const SIGNING = { name: "ECDSA", hash: "SHA-384" };
const ORGANIZATION = "O=Gridlease test PKI";

/**
 * A synthetic GPU: its own P-384 root -> identity -> provisioner -> BROM -> leaf chain (the five levels of NVIDIA's),
 * whose subjects name `chip`, and a signer that produces an SPDM GET_MEASUREMENTS request+response in the same layout
 * as NVIDIA's Hopper report.
 */
export async function createTestGpu(opts?: { chip?: string; notAfter?: Date }): Promise<TestGpu> {
  const chip = opts?.chip ?? "GH100";
  const notBefore = new Date("2024-01-01T00:00:00Z");
  const notAfter = opts?.notAfter ?? new Date("2099-12-31T23:59:59Z");
  const names = [
    `CN=Gridlease Test Device Identity CA, ${ORGANIZATION}`,
    `CN=Gridlease Test ${chip} Identity, ${ORGANIZATION}`,
    `CN=Gridlease Test ${chip} Provisioner ICA 1, ${ORGANIZATION}`,
    `CN=${chip} A01 GSP BROM (Gridlease test), ${ORGANIZATION}`,
  ];
  const caUsage = () =>
    new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true);

  const rootKeys = await crypto.subtle.generateKey(EC, false, ["sign", "verify"]);
  const root = await X509CertificateGenerator.createSelfSigned({
    name: names[0],
    keys: rootKeys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [new BasicConstraintsExtension(true, undefined, true), caUsage()],
  });
  let issuer = { certificate: root, key: rootKeys.privateKey };
  const intermediates: X509Certificate[] = [];
  for (const name of names.slice(1)) {
    const keys = await crypto.subtle.generateKey(EC, false, ["sign", "verify"]);
    const certificate = await X509CertificateGenerator.create({
      subject: name,
      issuer: issuer.certificate.subject,
      publicKey: keys.publicKey,
      signingKey: issuer.key,
      notBefore,
      notAfter,
      signingAlgorithm: SIGNING,
      extensions: [new BasicConstraintsExtension(true, undefined, true), caUsage()],
    });
    intermediates.unshift(certificate);
    issuer = { certificate, key: keys.privateKey };
  }

  // The attestation key signs reports with noble (as the GPU signs raw r‖s); its certificate gets the same key.
  const attestationKey = p384.keygen().secretKey;
  const leafPublicKey = await crypto.subtle.importKey(
    "raw",
    p384.getPublicKey(attestationKey, false),
    EC,
    true,
    ["verify"],
  );
  const leaf = await X509CertificateGenerator.create({
    subject: `CN=${chip} A01 GSP FMC LF (Gridlease test), ${ORGANIZATION}`,
    issuer: issuer.certificate.subject,
    publicKey: leafPublicKey,
    signingKey: issuer.key,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true)],
  });

  const certChain = [leaf, ...intermediates].map(
    (certificate) => new Uint8Array(certificate.rawData),
  );
  const certChainPem = PemConverter.encode(certChain, PemConverter.CertificateTag);
  const report = (nonce: Hex, measurements?: Uint8Array[]) =>
    signedReport(attestationKey, hexToBytes(nonce), measurements ?? defaultMeasurements());
  return {
    roots: { device: [new Uint8Array(root.rawData)] },
    certChain,
    certChainPem,
    report,
    bundleJson: (nonce) =>
      JSON.stringify({
        format: ATTESTATION_BUNDLE_FORMAT,
        report: bytesToHex(report(nonce)).slice(2),
        certChain: certChainPem,
        tool: "gridlease-test-gpu",
      }),
  };
}

function defaultMeasurements(): Uint8Array[] {
  return [0, 1, 2, 3].map((i) => sha384(utf8ToBytes(`gridlease test measurement ${i}`)));
}

/** Little-endian bytes of `value`. */
function le(value: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => Math.floor(value / 256 ** i) % 256);
}

/** The SPDM 1.1 request (37 bytes) and MEASUREMENTS response, signed over both like NVIDIA's GPUs sign. */
function signedReport(
  attestationKey: Uint8Array,
  nonce: Uint8Array,
  measurements: Uint8Array[],
): Uint8Array {
  if (nonce.length !== 32) throw new Error(`the nonce must be 32 bytes, not ${nonce.length}`);
  // Param1 = 1: signature requested; param2 = 0xff: all measurements; slot 0.
  const request = concatBytes(Uint8Array.of(0x11, 0xe0, 0x01, 0xff), nonce, Uint8Array.of(0));
  const record = concatBytes(
    ...measurements.map((value, i) =>
      // index (1-based), DMTF specification, size; then value type 1 and the value, as in NVIDIA's blocks.
      concatBytes(
        Uint8Array.of(i + 1, 1),
        le(value.length + 3, 2),
        Uint8Array.of(1),
        le(value.length, 2),
        value,
      ),
    ),
  );
  // Opaque data: one DRIVER_VERSION field (type 3), NUL-terminated.
  const driver = utf8ToBytes("000.00.00-test\0");
  const opaque = concatBytes(le(3, 2), le(driver.length, 2), driver);
  const response = concatBytes(
    Uint8Array.of(0x11, 0x60, 0x00, 0x00, measurements.length),
    le(record.length, 3),
    record,
    randomBytes(32),
    le(opaque.length, 2),
    opaque,
  );
  const signed = concatBytes(request, response);
  return concatBytes(signed, p384.sign(signed, attestationKey, { lowS: false }));
}
