/**
 * An offer's on-chain attestation claim (`publishOfferAttestation` on the market): the nonce its report must carry,
 * the generation codes, how the chain is stored, and the client-side check of a published claim.
 *
 * The market stores only keccak256(report) and checks the nonce: it cannot check a P-384 signature. Whether the
 * claim is genuine is decided here, from the event's bytes, by the same verifier as `lease verify --attest`.
 *
 * This module is light on purpose (the actions and the indexer client import it): the verifier and the PEM parser
 * (x509, XML signatures) are loaded with a dynamic `import()` only when a claim is verified.
 */
import {
  bytesToHex,
  encodeAbiParameters,
  hexToBytes,
  hexToString,
  keccak256,
  stringToHex,
  type Address,
} from "viem";
import { generationLabel, generationOfModel } from "./generation.ts";
import type {
  AttestationFailure,
  AttestationVerdict,
  Generation,
  Hex,
  VerifyAttestationInput,
} from "./types.ts";

/** The generation codes the market takes and emits: 1 Hopper, 2 Blackwell. */
export const GENERATION_CODES = { hopper: 1, blackwell: 2 } as const satisfies Record<
  Generation,
  number
>;

/** A generation's on-chain code. */
export function generationCode(generation: Generation): 1 | 2 {
  return GENERATION_CODES[generation];
}

/** An on-chain generation code -> the generation, or null for a code the market would refuse. */
export function generationOfCode(code: number | bigint): Generation | null {
  const n = Number(code);
  if (n === GENERATION_CODES.hopper) return "hopper";
  if (n === GENERATION_CODES.blackwell) return "blackwell";
  return null;
}

/** What binds a claim's nonce; the same values the market reads (see `attestationNonce` on the contract). */
export interface AttestationNonceInput {
  chainId: number | bigint;
  market: Address;
  offerId: bigint;
  provider: Address;
  /** The hash of the nonce block (at most 256 blocks old when the claim is published). */
  blockHash: Hex;
}

/**
 * The nonce a provider's report for an offer must carry: keccak256(abi.encode(chainId, market, offerId, provider,
 * blockHash)), the market's `attestationNonce(offerId, provider, nonceBlock)` computed without a chain call.
 */
export function attestationNonce(p: AttestationNonceInput): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "bytes32" },
      ],
      [BigInt(p.chainId), p.market, p.offerId, p.provider, p.blockHash],
    ),
  );
}

/** PEM line length (RFC 7468). */
const PEM_LINE = 64;

/**
 * The chain as a claim stores it: PEM text (leaf first) in UTF-8, what the host hook prints. A DER list is
 * written as PEM; PEM text is kept as given.
 */
export function encodeClaimCertChain(certChain: string | readonly Uint8Array[]): Hex {
  if (typeof certChain === "string") return stringToHex(certChain);
  const blocks = certChain.map((der) => {
    const base64 = btoa(Array.from(der, (b) => String.fromCharCode(b)).join(""));
    const lines = base64.match(new RegExp(`.{1,${PEM_LINE}}`, "g")) ?? [];
    return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----`;
  });
  return stringToHex(blocks.join("\n"));
}

/**
 * An offer's latest published claim, bytes included, as the chain (`readOfferClaim`) or the indexer (`getOfferClaim`)
 * holds it: the input of `verifyOfferClaim`.
 */
export interface PublishedOfferClaim {
  offerId: bigint;
  provider: Address;
  generation: Generation;
  /** The block whose hash the nonce is bound to. */
  nonceBlock: bigint;
  nonce: Hex;
  reportHash: Hex;
  /** The SPDM request and signed response. */
  report: Hex;
  /** PEM text as bytes, leaf first. */
  certChain: Hex;
  /** Unix seconds. */
  publishedAt: bigint;
  blockNumber: bigint;
  txHash: Hex;
}

/** A published claim as the verifier needs it (an indexed claim has these fields, and more). */
export interface OfferClaimInput {
  /** The claimed generation, as a code (1, 2) or by name. */
  generation: Generation | number;
  /** The nonce the market checked the report against. */
  nonce: Hex;
  report: Hex | Uint8Array;
  /** PEM text as bytes (see `encodeClaimCertChain`). */
  certChain: Hex | Uint8Array;
  /** The claim's stored keccak256(report); when given, the report must hash to it. */
  reportHash?: Hex;
}

/** Everything of `verifyAttestation`'s input that the claim does not fix: RIMs, time, roots, revocation. */
export type VerifyOfferClaimOptions = Omit<
  VerifyAttestationInput,
  "report" | "certChain" | "expectedNonce" | "expectedGeneration"
>;

/**
 * Verifies a published claim against the offer it is for: `verifyAttestation` with the claim's nonce and the
 * generation of the offer's GPU model, plus `GenerationMismatch` when the claimed generation disagrees (with the
 * model's, or with the certificates' when the model names none). Never genuine unless every check passed.
 */
export async function verifyOfferClaim(
  claim: OfferClaimInput,
  offer: { gpuModel: string },
  opts: VerifyOfferClaimOptions = {},
): Promise<AttestationVerdict> {
  const [{ verifyAttestation }, { parseCertChainPem }] = await Promise.all([
    import("./verify.ts"),
    import("./input.ts"),
  ]);
  const report = typeof claim.report === "string" ? hexToBytes(claim.report) : claim.report;
  const failures: AttestationFailure[] = [];

  let certChain: Uint8Array[] = [];
  try {
    const chainBytes =
      typeof claim.certChain === "string" ? claim.certChain : bytesToHex(claim.certChain);
    certChain = parseCertChainPem(hexToString(chainBytes));
  } catch (error) {
    failures.push({
      code: "CertificateMalformed",
      message: `the claim's certificate chain is not PEM text: ${error instanceof Error ? error.message : String(error)}`,
    });
  }

  const expectedGeneration = generationOfModel(offer.gpuModel) ?? undefined;
  const verdict = await verifyAttestation({
    ...opts,
    report,
    certChain,
    expectedNonce: claim.nonce,
    expectedGeneration,
  });

  const claimed =
    typeof claim.generation === "string" ? claim.generation : generationOfCode(claim.generation);
  const against = expectedGeneration ?? verdict.generation;
  if (claimed === null) {
    failures.push({
      code: "UnknownGeneration",
      message: `the claim names generation code ${String(claim.generation)}, which is neither Hopper (1) nor Blackwell (2)`,
    });
  } else if (against && claimed !== against) {
    const source = expectedGeneration
      ? `the offer's GPU model ${offer.gpuModel}`
      : "the certificates";
    failures.push({
      code: "GenerationMismatch",
      message: `the claim says ${generationLabel(claimed)}, but ${source} say${expectedGeneration ? "s" : ""} ${generationLabel(against)}`,
    });
  }
  if (claim.reportHash && claim.reportHash.toLowerCase() !== verdict.reportHash.toLowerCase()) {
    failures.push({
      code: "MalformedReport",
      message: `the report hashes to ${verdict.reportHash}, not to the claim's ${claim.reportHash}`,
    });
  }
  if (failures.length === 0) return verdict;
  return { ...verdict, genuine: false, failures: [...failures, ...verdict.failures] };
}
