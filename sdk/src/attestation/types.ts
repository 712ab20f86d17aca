/**
 * The types of NVIDIA GPU attestation: what a host's hook hands over, what the verifier is given and the verdict it
 * returns. The verdict is one plain object (JSON-safe) so the CLI can print it and the app can show it.
 */
export type Generation = "hopper" | "blackwell";
/** 0x-prefixed hex text. */
export type Hex = `0x${string}`;

/** Why an input could not even be read (before any verification). */
export type AttestationInputErrorCode = "MalformedHex" | "MalformedPem" | "MalformedBundle";

/** An input (hex file, PEM file, hook output) that cannot be read, with a message fit to show a person. */
export class AttestationInputError extends Error {
  override name = "AttestationInputError";
  readonly code: AttestationInputErrorCode;

  constructor(code: AttestationInputErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** What a host's attestation hook prints (one JSON document), parsed. */
export type AttestationBundle =
  | { kind: "report"; report: Uint8Array; certChain: Uint8Array[]; tool?: string }
  // The GPU is not in confidential-computing mode, or the host has no NVIDIA attestation tooling.
  | { kind: "unavailable"; reason: string };

/** One certificate handed to a revocation checker, with the certificate that issued it (DER). */
export interface RevocationQuery {
  certificate: Uint8Array;
  issuer: Uint8Array;
}

/**
 * Asks the issuers' responders (OCSP, `http://ocsp.ndis.nvidia.com` for NVIDIA's certificates) whether any
 * certificate of a verified chain is revoked. It needs the internet; the verifier never calls one on its own.
 * `unknown` (no answer, no responder) is reported as "not-checked", never as good.
 */
export interface RevocationChecker {
  check(
    chain: RevocationQuery[],
  ): Promise<{ status: "good" | "revoked" | "unknown"; detail: string }>;
}

/** Everything `verifyAttestation` needs. */
export interface VerifyAttestationInput {
  /** The SPDM GET_MEASUREMENTS request followed by the signed response, as NVML returns it. */
  report: Uint8Array;
  /** DER, leaf first, root last (the root may be omitted: the pinned one is used). */
  certChain: Uint8Array[];
  /** 32 bytes. Omitted -> nonce.matches = null and genuine = false ("NonceNotChecked"). */
  expectedNonce?: Hex;
  /** e.g. from the offer's GPU model (`generationOfModel`). */
  expectedGeneration?: Generation;
  /** RIM SWID-tag XML texts; omitted -> firmware "not-checked" (not a failure). */
  rims?: string[];
  now?: Date;
  /** DER; default: the pinned NVIDIA roots (tests inject others; a chain ending there reports root "custom"). */
  roots?: { device?: Uint8Array[]; rim?: Uint8Array[] };
  /** Default: none -> revocation.status "not-checked". */
  revocation?: RevocationChecker;
}

/** Every reason a verification can fail, by name. */
export type AttestationFailureCode =
  | "TruncatedReport"
  | "MalformedReport"
  | "UnsupportedSpdmVersion"
  | "ReportSignatureInvalid"
  | "NonceMismatch"
  | "NonceNotChecked"
  | "ChainTooShort"
  | "ChainOrder"
  | "CertificateMalformed"
  | "CertificateSignatureInvalid"
  | "CertificateExpired"
  | "CertificateNotYetValid"
  | "CertificateRevoked"
  | "NotACertificateAuthority"
  | "PathLengthExceeded"
  | "KeyUsageMissing"
  | "UntrustedRoot"
  | "FwidMismatch"
  | "UnknownGeneration"
  | "GenerationMismatch"
  | "MeasurementMismatch"
  | "RimMalformed"
  | "RimSignatureInvalid"
  | "RimCertificateInvalid"
  | "RimUntrustedRoot"
  | "RimGenerationMismatch"
  | "ConfidentialComputingUnavailable";

/**
 * One failure. `certificate` is the position in the device chain as given (0 = leaf); `index` is a measurement
 * index (see `AttestationVerdict.measurements`).
 */
export interface AttestationFailure {
  code: AttestationFailureCode;
  message: string;
  certificate?: number;
  index?: number;
}

/** Whether one measurement equals a golden value of the RIMs. */
export type FirmwareMatch = "match" | "mismatch" | "not-in-rim" | "not-checked";

/** The one typed result of a verification. */
export interface AttestationVerdict {
  /** True iff failures is empty AND chain, report signature and nonce all verified. */
  genuine: boolean;
  /** From the certificates' subjects. */
  generation: Generation | null;
  /** e.g. "GH100". */
  chip: string | null;
  /**
   * Which trusted root the chain ended at (custom = injected, never NVIDIA's); null unless the whole chain verified.
   */
  root: "nvidia" | "custom" | null;
  nonce: { expected: Hex | null; reported: Hex | null; matches: boolean | null };
  signature: { verified: boolean };
  chain: {
    verified: boolean;
    certificates: {
      subject: string;
      issuer: string;
      notBefore: string;
      notAfter: string;
      sha256: Hex;
    }[];
  };
  spdm: { version: string; measurementCount: number } | null;
  /**
   * The report's measurements. `index` is NVIDIA's measurement index, as the RIMs and NVIDIA's verifier number them:
   * the SPDM measurement block's index minus one.
   */
  measurements: { index: number; value: Hex; firmware: FirmwareMatch }[];
  firmware: {
    checked: boolean;
    rims: {
      name: string;
      signature: "valid" | "invalid";
      root: "nvidia" | "custom" | "untrusted";
    }[];
  };
  /** Never "good" without a checker that said so. */
  revocation: { status: "not-checked" | "good" | "revoked"; detail: string };
  /** keccak256 of the report bytes: the on-chain claim's hash. */
  reportHash: Hex;
  failures: AttestationFailure[];
  /** ISO time. */
  checkedAt: string;
}
