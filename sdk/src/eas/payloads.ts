/**
 * The attestation payloads of Gridlease's schemas, encoded and decoded with viem (byte for byte what EAS's
 * SchemaEncoder makes). Decoding checks what the resolvers check before they decode: the exact length (one
 * 32-byte word per field) and each field's range, so a malformed payload is a named `EasPayloadError`, never a
 * wrong value.
 */
import {
  decodeAbiParameters,
  encodeAbiParameters,
  hexToBigInt,
  isHex,
  parseAbiParameters,
  size,
  slice,
  type Hex,
} from "viem";
import { SCHEMAS, type SchemaKey } from "./schemas.ts";

/** An audit's verdict: 1 Pass, 2 Fail (as the schema's uint8 holds it). */
export const AuditVerdict = { Pass: 1, Fail: 2 } as const;
export type AuditVerdictName = keyof typeof AuditVerdict;
export type AuditVerdictCode = (typeof AuditVerdict)[AuditVerdictName];

/** A hardware audit of an offer. */
export interface AuditPayload {
  offerId: bigint;
  /** keccak256 of the canonical hardware report the auditor probed. */
  hardwareReportHash: Hex;
  verdict: AuditVerdictCode;
  /** Unix seconds; also the attestation's expiration time. */
  validUntil: bigint;
}

/** A buyer's review of a lease. */
export interface ReviewPayload {
  leaseId: bigint;
  /** 1 to 5. */
  score: number;
  /** Whether `lease verify` passed. */
  verified: boolean;
  /** keccak256 of the hardware report of that verify run (zero when none). */
  reportHash: Hex;
}

/** A vetting of a buyer: only a hash of the evidence goes on chain. */
export interface VettingPayload {
  evidenceHash: Hex;
}

/** Why a payload was refused. */
export type EasPayloadErrorCode = "malformed-length" | "field-out-of-range";

/** A payload that is not one of the schema's: wrong length, or a field out of its range. */
export class EasPayloadError extends Error {
  override name = "EasPayloadError";
  readonly code: EasPayloadErrorCode;
  readonly schema: SchemaKey;

  constructor(schema: SchemaKey, code: EasPayloadErrorCode, message: string) {
    super(`Malformed ${schema} attestation payload: ${message}`);
    this.code = code;
    this.schema = schema;
  }
}

const PARAMS = {
  audit: parseAbiParameters(SCHEMAS.audit),
  review: parseAbiParameters(SCHEMAS.review),
  vetting: parseAbiParameters(SCHEMAS.vetting),
};

const UINT64_MAX = (1n << 64n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;

const outOfRange = (schema: SchemaKey, message: string) =>
  new EasPayloadError(schema, "field-out-of-range", message);

function checkBytes32(schema: SchemaKey, field: string, value: Hex) {
  if (!isHex(value, { strict: true }) || size(value) !== 32)
    throw outOfRange(schema, `${field} must be 32 bytes of hex, got ${JSON.stringify(value)}`);
}

function checkUint(schema: SchemaKey, field: string, value: bigint, max: bigint) {
  if (value < 0n || value > max) throw outOfRange(schema, `${field} ${value} is out of range`);
}

function checkAudit(p: AuditPayload) {
  checkUint("audit", "offerId", p.offerId, UINT256_MAX);
  checkBytes32("audit", "hardwareReportHash", p.hardwareReportHash);
  if (p.verdict !== AuditVerdict.Pass && p.verdict !== AuditVerdict.Fail)
    throw outOfRange("audit", `verdict must be 1 (Pass) or 2 (Fail), got ${String(p.verdict)}`);
  checkUint("audit", "validUntil", p.validUntil, UINT64_MAX);
}

function checkReview(p: ReviewPayload) {
  checkUint("review", "leaseId", p.leaseId, UINT256_MAX);
  if (!Number.isInteger(p.score) || p.score < 1 || p.score > 5)
    throw outOfRange("review", `score must be a whole number from 1 to 5, got ${p.score}`);
  checkBytes32("review", "reportHash", p.reportHash);
}

/** The payload's 32-byte words, after checking it has exactly `fields` of them. */
function words(schema: SchemaKey, data: Hex, fields: number): bigint[] {
  if (!isHex(data, { strict: true }))
    throw new EasPayloadError(schema, "malformed-length", "it is not hex");
  const length = size(data);
  if (length !== fields * 32)
    throw new EasPayloadError(
      schema,
      "malformed-length",
      `expected ${fields * 32} bytes (${fields} fields of 32), got ${length}`,
    );
  return Array.from({ length: fields }, (_, i) => hexToBigInt(slice(data, i * 32, (i + 1) * 32)));
}

/** The audit schema's payload. */
export function encodeAudit(p: AuditPayload): Hex {
  checkAudit(p);
  return encodeAbiParameters(PARAMS.audit, [
    p.offerId,
    p.hardwareReportHash,
    p.verdict,
    p.validUntil,
  ]);
}

/** An audit payload's fields; `EasPayloadError` when it is not one. */
export function decodeAudit(data: Hex): AuditPayload {
  const [, , verdict = 0n, validUntil = 0n] = words("audit", data, 4);
  if (verdict !== 1n && verdict !== 2n)
    throw outOfRange("audit", `verdict must be 1 (Pass) or 2 (Fail), got ${verdict}`);
  if (validUntil > UINT64_MAX) throw outOfRange("audit", "validUntil does not fit 64 bits");
  const [offerId, hardwareReportHash] = decodeAbiParameters(PARAMS.audit, data);
  return {
    offerId,
    hardwareReportHash,
    verdict: verdict === 1n ? AuditVerdict.Pass : AuditVerdict.Fail,
    validUntil,
  };
}

/** The review schema's payload. */
export function encodeReview(p: ReviewPayload): Hex {
  checkReview(p);
  return encodeAbiParameters(PARAMS.review, [p.leaseId, p.score, p.verified, p.reportHash]);
}

/** A review payload's fields; `EasPayloadError` when it is not one. */
export function decodeReview(data: Hex): ReviewPayload {
  const [, score = 0n, verified = 0n] = words("review", data, 4);
  if (score < 1n || score > 5n) throw outOfRange("review", `score must be 1 to 5, got ${score}`);
  if (verified > 1n) throw outOfRange("review", `verified must be 0 or 1, got ${verified}`);
  const [leaseId, , , reportHash] = decodeAbiParameters(PARAMS.review, data);
  return { leaseId, score: Number(score), verified: verified === 1n, reportHash };
}

/** The vetting schema's payload. */
export function encodeVetting(p: VettingPayload): Hex {
  checkBytes32("vetting", "evidenceHash", p.evidenceHash);
  return encodeAbiParameters(PARAMS.vetting, [p.evidenceHash]);
}

/** A vetting payload's fields; `EasPayloadError` when it is not one. */
export function decodeVetting(data: Hex): VettingPayload {
  words("vetting", data, 1);
  const [evidenceHash] = decodeAbiParameters(PARAMS.vetting, data);
  return { evidenceHash };
}
