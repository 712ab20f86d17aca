/**
 * `verifyAttestation`: the whole check of an NVIDIA GPU attestation report, in Node and in the browser. It parses the
 * SPDM report, verifies the device certificate chain to the pinned NVIDIA Device Identity CA, the report's ECDSA
 * P-384 signature with the leaf key, the nonce, the generation and (with RIMs) every measurement the RIMs define.
 * It never throws on bad bytes: everything wrong is a named failure in the verdict.
 */
import "./reflect.ts";
import { p384 } from "@noble/curves/nist.js";
import { PemConverter, type X509Certificate } from "@peculiar/x509";
import { bytesToHex, keccak256 } from "viem";
import { sameBytes, verifyChain, type ChainResult, type TrustedRoot } from "./chain.ts";
import { chipOfName, generationLabel } from "./generation.ts";
import { normalizeNonce } from "./input.ts";
import { checkRims, compareMeasurements } from "./rim.ts";
import { NVIDIA_DEVICE_IDENTITY_CA_PEM, NVIDIA_RIM_ROOT_CA_PEM } from "./roots.ts";
import { parseSpdmReport, skippedMeasurements, splitSignature, type SpdmReport } from "./spdm.ts";
import type {
  AttestationFailure,
  AttestationVerdict,
  Generation,
  Hex,
  RevocationChecker,
  VerifyAttestationInput,
} from "./types.ts";

/** NVIDIA's device chain: GSP FMC leaf, GSP BROM, Provisioner ICA, chip Identity, Device Identity CA. */
const DEVICE_CHAIN_LENGTH = 5;

const PINNED_DEVICE_ROOTS: TrustedRoot[] = PemConverter.decode(NVIDIA_DEVICE_IDENTITY_CA_PEM).map(
  (der) => ({
    der: new Uint8Array(der),
    kind: "nvidia",
  }),
);
const PINNED_RIM_ROOTS: TrustedRoot[] = PemConverter.decode(NVIDIA_RIM_ROOT_CA_PEM).map((der) => ({
  der: new Uint8Array(der),
  kind: "nvidia",
}));

/** The pinned roots, or the injected ones (reported as "custom" unless one is byte for byte a pinned root). */
function trustedRoots(injected: Uint8Array[] | undefined, pinned: TrustedRoot[]): TrustedRoot[] {
  if (!injected) return pinned;
  return injected.map((der) => ({
    der,
    kind: pinned.some((root) => sameBytes(root.der, der)) ? "nvidia" : "custom",
  }));
}

/** Verifies an attestation report and its certificate chain; see AttestationVerdict for what each field means. */
export async function verifyAttestation(
  input: VerifyAttestationInput,
): Promise<AttestationVerdict> {
  // Without WebCrypto every certificate would look forged: say what is wrong with the environment instead.
  if (typeof globalThis.crypto?.subtle === "undefined")
    throw new Error(
      "WebCrypto (crypto.subtle) is unavailable here: in a browser, the page must be served over https or from localhost",
    );
  const now = input.now ?? new Date();
  const failures: AttestationFailure[] = [];
  const report = input.report;

  const parsed = parseSpdmReport(report);
  if (!parsed.ok) failures.push({ code: parsed.failure.code, message: parsed.failure.message });

  const chain = await verifyChain(
    input.certChain,
    trustedRoots(input.roots?.device, PINNED_DEVICE_ROOTS),
    now,
    {
      label: "device",
      length: DEVICE_CHAIN_LENGTH,
      leafSigns: true,
    },
  );
  failures.push(...chain.failures);

  const signature = await verifyReportSignature(report, chain.path?.[0]);
  if (signature.failure) failures.push(signature.failure);

  const nonce = checkNonce(report, input.expectedNonce);
  if (nonce.failure) failures.push(nonce.failure);

  const identity = identify(chain, input.expectedGeneration);
  failures.push(...identity.failures);

  const fwid = parsed.ok ? checkFwid(parsed.report, chain.path?.[0], identity.generation) : null;
  if (fwid) failures.push(fwid);

  const blocks = parsed.ok ? parsed.report.response.blocks : [];
  let measurements: AttestationVerdict["measurements"] = blocks.map((block) => ({
    index: block.index - 1,
    value: block.value,
    firmware: "not-checked",
  }));
  let firmware: AttestationVerdict["firmware"] = { checked: false, rims: [] };
  if (input.rims && input.rims.length > 0) {
    const rims = await checkRims(
      input.rims,
      trustedRoots(input.roots?.rim, PINNED_RIM_ROOTS),
      now,
      identity.chip,
    );
    failures.push(...rims.failures);
    const skip = parsed.ok ? skippedMeasurements(parsed.report) : new Set<number>();
    const compared = compareMeasurements(measurements, rims.golden, skip);
    measurements = compared.measurements;
    failures.push(...compared.failures);
    firmware = { checked: true, rims: rims.rims };
  }

  const revocation = await checkRevocation(chain, input.revocation);
  if (revocation.failure) failures.push(revocation.failure);

  return {
    genuine:
      failures.length === 0 && chain.verified && signature.verified && nonce.matches === true,
    generation: identity.generation,
    chip: identity.chip,
    root: chain.root,
    nonce: { expected: nonce.expected, reported: nonce.reported, matches: nonce.matches },
    signature: { verified: signature.verified },
    chain: { verified: chain.verified, certificates: chain.certificates },
    spdm: parsed.ok
      ? {
          version: `${parsed.report.request.version >> 4}.${parsed.report.request.version & 0xf}`,
          measurementCount: blocks.length,
        }
      : null,
    measurements,
    firmware,
    revocation: revocation.verdict,
    reportHash: keccak256(report),
    failures,
    checkedAt: now.toISOString(),
  };
}

/**
 * ECDSA P-384 over SHA-384 of everything before the last 96 bytes (the request and the response up to its signature),
 * with the leaf certificate's key. Checked even when the report does not parse: the signed bytes do not depend on it.
 */
async function verifyReportSignature(
  report: Uint8Array,
  leaf: X509Certificate | undefined,
): Promise<{ verified: boolean; failure?: AttestationFailure }> {
  const split = splitSignature(report);
  if (!split || !leaf) return { verified: false };
  let publicKey: Uint8Array;
  try {
    const key = await leaf.publicKey.export({ name: "ECDSA", namedCurve: "P-384" }, ["verify"]);
    publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", key));
  } catch {
    return {
      verified: false,
      failure: {
        code: "ReportSignatureInvalid",
        message: `the leaf certificate ("${leaf.subject}") does not hold an ECDSA P-384 key`,
        certificate: 0,
      },
    };
  }
  // NIST ECDSA accepts either s; noble's low-s rule is a Bitcoin/Ethereum convention.
  let verified: boolean;
  try {
    verified = p384.verify(split.signature, split.signed, publicKey, { lowS: false });
  } catch {
    verified = false; // r or s out of range: not a signature at all.
  }
  return verified
    ? { verified }
    : {
        verified,
        failure: {
          code: "ReportSignatureInvalid",
          message:
            "the report's signature does not verify with the GPU's attestation key (leaf certificate)",
        },
      };
}

/** The request's nonce (bytes 4..36, covered by the signature) against the one the buyer sent. */
function checkNonce(
  report: Uint8Array,
  expectedText: Hex | undefined,
): {
  expected: Hex | null;
  reported: Hex | null;
  matches: boolean | null;
  failure?: AttestationFailure;
} {
  const reported = report.length >= 36 ? bytesToHex(report.subarray(4, 36)) : null;
  if (expectedText === undefined)
    return {
      expected: null,
      reported,
      matches: null,
      failure: {
        code: "NonceNotChecked",
        message: "no expected nonce was given, so the report may be a replay",
      },
    };
  const expected = normalizeNonce(expectedText);
  if (!expected)
    return {
      expected: null,
      reported,
      matches: false,
      failure: {
        code: "NonceMismatch",
        message: `the expected nonce ${expectedText} is not 32 bytes of hex`,
      },
    };
  const matches = reported === expected;
  return matches
    ? { expected, reported, matches }
    : {
        expected,
        reported,
        matches,
        failure: {
          code: "NonceMismatch",
          message: `the report answers nonce ${reported ?? "(none)"}, not the expected ${expected}`,
        },
      };
}

/** The chip and generation named by the certificates' subjects, leaf first, against the expected generation. */
function identify(
  chain: ChainResult,
  expected: Generation | undefined,
): { chip: string | null; generation: Generation | null; failures: AttestationFailure[] } {
  const failures: AttestationFailure[] = [];
  if (!chain.path) return { chip: null, generation: null, failures };
  const found = chain.path
    .map((certificate) => chipOfName(certificate.subject))
    .find((chip) => chip !== null);
  if (!found) {
    failures.push({
      code: "UnknownGeneration",
      message: "no certificate of the chain names a Hopper or Blackwell chip",
    });
    return { chip: null, generation: null, failures };
  }
  if (expected && expected !== found.generation)
    failures.push({
      code: "GenerationMismatch",
      message: `the GPU is a ${found.chip} (${generationLabel(found.generation)}), but ${generationLabel(expected)} was expected`,
    });
  return { chip: found.chip, generation: found.generation, failures };
}

/** The TCG DICE FWID extension's OIDs, as NVIDIA's verifier looks them up (`cc_admin_utils.py`, `extract_fwid`). */
const TCG_DICE_FWID_OIDS = ["2.23.133.5.4.1", "2.23.133.5.4.1.1"];
const FWID_LENGTH = 48;

/**
 * The report's FWID (opaque field 20) against the leaf certificate's TCG DICE FWID extension, as NVIDIA's verifier
 * compares them on Hopper: the extension's last 48 bytes. Blackwell's extension is a DiceTcbInfo structure that NVIDIA
 * parses differently; it is not compared here (docs/attestation.md).
 */
function checkFwid(
  report: SpdmReport,
  leaf: X509Certificate | undefined,
  generation: Generation | null,
): AttestationFailure | null {
  const reported = report.response.opaqueFields.find((field) => field.name === "FWID")?.value;
  if (!reported || reported === "0x" || !leaf || generation !== "hopper") return null;
  const extension = TCG_DICE_FWID_OIDS.map((oid) => leaf.getExtension(oid)).find(
    (found) => found !== null,
  );
  const certified = extension
    ? bytesToHex(new Uint8Array(extension.value).slice(-FWID_LENGTH))
    : null;
  if (certified === reported) return null;
  return {
    code: "FwidMismatch",
    message: certified
      ? `the report's firmware ID ${reported.slice(0, 18)}… is not the one in the leaf certificate (${certified.slice(0, 18)}…)`
      : "the report carries a firmware ID but the leaf certificate has no TCG DICE FWID extension",
    certificate: 0,
  };
}

/** Asks the checker about a verified chain; without one (or without an answer) the verdict says "not-checked". */
async function checkRevocation(
  chain: ChainResult,
  checker: RevocationChecker | undefined,
): Promise<{ verdict: AttestationVerdict["revocation"]; failure?: AttestationFailure }> {
  if (!checker)
    return {
      verdict: {
        status: "not-checked",
        detail: "revocation not checked: OCSP needs NVIDIA's responder on the internet",
      },
    };
  if (!chain.verified || !chain.path)
    return {
      verdict: {
        status: "not-checked",
        detail: "revocation not checked: the chain did not verify",
      },
    };
  const path = chain.path;
  const queries = path.slice(0, -1).map((certificate, i) => ({
    certificate: new Uint8Array(certificate.rawData),
    issuer: new Uint8Array((path[i + 1] ?? certificate).rawData),
  }));
  try {
    const answer = await checker.check(queries);
    if (answer.status === "good") return { verdict: { status: "good", detail: answer.detail } };
    if (answer.status === "revoked")
      return {
        verdict: { status: "revoked", detail: answer.detail },
        failure: {
          code: "CertificateRevoked",
          message: `a certificate of the chain is revoked: ${answer.detail}`,
        },
      };
    return {
      verdict: { status: "not-checked", detail: `revocation not checked: ${answer.detail}` },
    };
  } catch (error) {
    return {
      verdict: {
        status: "not-checked",
        detail: `revocation not checked: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}
