/**
 * The SPDM 1.1 (DMTF DSP0274) GET_MEASUREMENTS request and MEASUREMENTS response that make an NVIDIA attestation
 * report, as NVML returns them: request (37 bytes) then response, the response ending in an ECDSA P-384 signature
 * (r‖s, 96 bytes) over SHA-384 of everything before it. Because the request is part of the signed bytes, the buyer's
 * nonce in the request is covered by the GPU's signature.
 *
 * Layout (offsets within each message; multi-byte lengths are little-endian):
 *   request:  version(1) code 0xE0(1) param1(1) param2(1) nonce(32) slotId(1)
 *   response: version(1) code 0x60(1) param1(1) param2(1) numberOfBlocks(1) recordLength(3) record(recordLength)
 *             responderNonce(32) opaqueLength(2) opaqueData(opaqueLength) signature(96)
 *   block:    index(1) measurementSpecification(1, DMTF = 1) measurementSize(2)
 *             then DMTF: valueType(1) valueSize(2) value(valueSize)
 * NVIDIA's verifier reads the same fields (nvtrust `local_gpu_verifier/src/verifier/attestation/spdm_msrt_*.py`).
 */
import { bytesToHex } from "viem";
import type { Hex } from "./types.ts";

/** The only SPDM version whose signing rule (signature over request+response) this verifier implements. */
export const SPDM_VERSION_1_1 = 0x11;
const GET_MEASUREMENTS = 0xe0;
const MEASUREMENTS = 0x60;
const NONCE_LENGTH = 32;
const REQUEST_LENGTH = 4 + NONCE_LENGTH + 1;
/** ECDSA P-384 r‖s. */
export const SIGNATURE_LENGTH = 96;
const DMTF_MEASUREMENT_SPECIFICATION = 1;

/**
 * Names of NVIDIA's opaque-data fields, by type, as NVIDIA's verifier names them (nvtrust, commit 028173093,
 * `spdm_msrt_resp_msg.py`, `OpaqueData.OPAQUE_DATA_TYPES`).
 */
const OPAQUE_FIELD_NAMES: ReadonlyMap<number, string> = new Map([
  [1, "CERT_ISSUER_NAME"],
  [2, "CERT_AUTHORITY_KEY_IDENTIFIER"],
  [3, "DRIVER_VERSION"],
  [4, "GPU_INFO"],
  [5, "SKU"],
  [6, "VBIOS_VERSION"],
  [7, "MANUFACTURER_ID"],
  [8, "TAMPER_DETECTION"],
  [9, "SMC"],
  [10, "VPR"],
  [11, "NVDEC0_STATUS"],
  [12, "MSRSCNT"],
  [13, "CPRINFO"],
  [14, "BOARD_ID"],
  [15, "CHIP_SKU"],
  [16, "CHIP_SKU_MOD"],
  [17, "PROJECT"],
  [18, "PROJECT_SKU"],
  [19, "PROJECT_SKU_MOD"],
  [20, "FWID"],
  [21, "PROTECTED_PCIE_STATUS"],
  [22, "SWITCH_PDI"],
  [23, "FLOORSWEPT_PORTS"],
  [24, "POSITION_ID"],
  [25, "LOCK_SWITCH_STATUS"],
  [32, "GPU_LINK_CONN"],
  [33, "SYS_ENABLE_STATUS"],
  [34, "OPAQUE_DATA_VERSION"],
  [35, "CHIP_INFO"],
  [36, "FEATURE_FLAG"],
  [255, "INVALID"],
]);

/** One DMTF measurement block of the response. `index` is the SPDM block index (NVIDIA's index plus one). */
export interface SpdmMeasurementBlock {
  index: number;
  valueType: number;
  value: Hex;
}

/** One type-length-value field of NVIDIA's opaque data. */
export interface OpaqueField {
  type: number;
  /** NVIDIA's name for the type, or null for a type NVIDIA's verifier does not name. */
  name: string | null;
  value: Hex;
}

/** A parsed report. Nothing here is verified: the signature check uses `signedBytes` and `signature`. */
export interface SpdmReport {
  request: { version: number; param1: number; param2: number; nonce: Hex; slotId: number };
  response: {
    version: number;
    param1: number;
    param2: number;
    blocks: SpdmMeasurementBlock[];
    responderNonce: Hex;
    opaqueData: Hex;
    opaqueFields: OpaqueField[];
    signature: Hex;
  };
  /** Text fields of the opaque data that NVIDIA's tools print (NUL-terminated ASCII), when present. */
  driverVersion: string | null;
  chipInfo: string | null;
  project: string | null;
}

/** Why a report could not be parsed. */
export interface SpdmParseFailure {
  code: "TruncatedReport" | "MalformedReport" | "UnsupportedSpdmVersion";
  message: string;
}

/** Thrown inside the parser only; `parseSpdmReport` turns it into a result. */
class ParseStop extends Error {
  readonly failure: SpdmParseFailure;

  constructor(failure: SpdmParseFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/**
 * A bounds-checked reader. Reading past the end of the report itself is TruncatedReport; past the end of a
 * length-delimited part (a measurement block, the opaque data) is MalformedReport: its own length field is wrong.
 */
class Reader {
  offset = 0;
  private readonly bytes: Uint8Array;
  private readonly what: string;
  private readonly overrun: SpdmParseFailure["code"];

  constructor(
    bytes: Uint8Array,
    what: string,
    overrun: SpdmParseFailure["code"] = "TruncatedReport",
  ) {
    this.bytes = bytes;
    this.what = what;
    this.overrun = overrun;
  }

  take(length: number, field: string): Uint8Array {
    if (this.offset + length > this.bytes.length)
      throw new ParseStop({
        code: this.overrun,
        message:
          this.overrun === "TruncatedReport"
            ? `the report ends inside the ${this.what}'s ${field} (needs ${length} bytes at offset ${this.offset}, ${this.bytes.length - this.offset} left)`
            : `the ${this.what}'s ${field} runs past its end (needs ${length} bytes at offset ${this.offset}, ${this.bytes.length - this.offset} left)`,
      });
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(field: string): number {
    return this.take(1, field)[0] ?? 0;
  }

  /** Little-endian unsigned integer of 2 or 3 bytes. */
  le(length: 2 | 3, field: string): number {
    return this.take(length, field).reduceRight((acc, byte) => acc * 256 + byte, 0);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }
}

/** Parses request + response; never throws: a short report is TruncatedReport, an inconsistent one MalformedReport. */
export function parseSpdmReport(
  report: Uint8Array,
): { ok: true; report: SpdmReport } | { ok: false; failure: SpdmParseFailure } {
  try {
    return { ok: true, report: parse(report) };
  } catch (error) {
    if (error instanceof ParseStop) return { ok: false, failure: error.failure };
    throw error;
  }
}

/** The bytes the signature covers (everything before the last 96) and the signature, or null if too short. */
export function splitSignature(
  report: Uint8Array,
): { signed: Uint8Array; signature: Uint8Array } | null {
  if (report.length <= REQUEST_LENGTH + SIGNATURE_LENGTH) return null;
  return {
    signed: report.subarray(0, report.length - SIGNATURE_LENGTH),
    signature: report.subarray(report.length - SIGNATURE_LENGTH),
  };
}

function malformed(message: string): ParseStop {
  return new ParseStop({ code: "MalformedReport", message });
}

/** NVIDIA's NVDEC0_STATUS opaque value for "disabled" (nvtrust `config.py`, `BaseSettings.NVDEC_STATUS`). */
const NVDEC0_DISABLED = "0x55";

/**
 * Measurements NVIDIA's verifier does not compare for this report: index 35 when the opaque data says NVDEC0 is
 * disabled (nvtrust `verifier.py`, `is_msr_35_valid`).
 */
export function skippedMeasurements(report: SpdmReport): Set<number> {
  const nvdec0 = report.response.opaqueFields.find((field) => field.name === "NVDEC0_STATUS");
  return new Set(nvdec0?.value === NVDEC0_DISABLED ? [35] : []);
}

function parse(bytes: Uint8Array): SpdmReport {
  const request = new Reader(bytes.subarray(0, REQUEST_LENGTH), "request");
  const version = request.u8("SPDM version");
  const requestCode = request.u8("request code");
  if (version !== SPDM_VERSION_1_1)
    throw new ParseStop({
      code: "UnsupportedSpdmVersion",
      message: `the request is SPDM version 0x${version.toString(16)}; only SPDM 1.1 (0x11) reports are supported`,
    });
  if (requestCode !== GET_MEASUREMENTS)
    throw malformed(
      `the request code is 0x${requestCode.toString(16)}, not GET_MEASUREMENTS (0xe0)`,
    );
  const param1 = request.u8("param1");
  const param2 = request.u8("param2");
  // Param1 bit 0: the requester asked for a signature; without it there is no nonce and no signature.
  if ((param1 & 1) === 0)
    throw malformed("the request did not ask for a signed measurement (param1 bit 0 clear)");
  const nonce = request.take(NONCE_LENGTH, "nonce");
  const slotId = request.u8("slot id");

  const response = new Reader(bytes.subarray(REQUEST_LENGTH), "response");
  const responseVersion = response.u8("SPDM version");
  const responseCode = response.u8("response code");
  if (responseVersion !== version)
    throw malformed(
      `the response is SPDM version 0x${responseVersion.toString(16)} but the request 0x${version.toString(16)}`,
    );
  if (responseCode !== MEASUREMENTS)
    throw malformed(`the response code is 0x${responseCode.toString(16)}, not MEASUREMENTS (0x60)`);
  const responseParam1 = response.u8("param1");
  const responseParam2 = response.u8("param2");
  const blockCount = response.u8("number of blocks");
  const recordLength = response.le(3, "measurement record length");
  const blocks = parseRecord(response.take(recordLength, "measurement record"), blockCount);
  const responderNonce = response.take(NONCE_LENGTH, "nonce");
  const opaqueLength = response.le(2, "opaque data length");
  const opaqueData = response.take(opaqueLength, "opaque data");
  const signature = response.take(SIGNATURE_LENGTH, "signature");
  if (response.remaining !== 0) throw malformed(`${response.remaining} bytes follow the signature`);
  const opaqueFields = parseOpaque(opaqueData);
  return {
    request: { version, param1, param2, nonce: bytesToHex(nonce), slotId },
    response: {
      version: responseVersion,
      param1: responseParam1,
      param2: responseParam2,
      blocks,
      responderNonce: bytesToHex(responderNonce),
      opaqueData: bytesToHex(opaqueData),
      opaqueFields: opaqueFields.map((field) => ({ ...field, value: bytesToHex(field.value) })),
      signature: bytesToHex(signature),
    },
    driverVersion: opaqueText(opaqueFields, 3),
    project: opaqueText(opaqueFields, 17),
    chipInfo: opaqueText(opaqueFields, 35),
  };
}

function parseRecord(record: Uint8Array, blockCount: number): SpdmMeasurementBlock[] {
  const reader = new Reader(record, "measurement record", "MalformedReport");
  const blocks: SpdmMeasurementBlock[] = [];
  const seen = new Set<number>();
  for (let n = 0; n < blockCount; n++) {
    const index = reader.u8(`block ${n + 1} index`);
    const specification = reader.u8(`block ${n + 1} measurement specification`);
    const size = reader.le(2, `block ${n + 1} measurement size`);
    const measurement = new Reader(
      reader.take(size, `block ${n + 1} measurement`),
      `block ${n + 1}`,
      "MalformedReport",
    );
    if (specification !== DMTF_MEASUREMENT_SPECIFICATION)
      throw malformed(
        `measurement block ${index} is not a DMTF measurement (specification ${specification})`,
      );
    if (seen.has(index)) throw malformed(`measurement block index ${index} appears twice`);
    seen.add(index);
    const valueType = measurement.u8("value type");
    const valueSize = measurement.le(2, "value size");
    const value = measurement.take(valueSize, "value");
    if (measurement.remaining !== 0)
      throw malformed(
        `measurement block ${index} is ${size} bytes but its value needs ${size - measurement.remaining}`,
      );
    blocks.push({ index, valueType, value: bytesToHex(value) });
  }
  if (reader.remaining !== 0)
    throw malformed(
      `the measurement record has ${reader.remaining} bytes after its ${blockCount} blocks`,
    );
  return blocks;
}

function parseOpaque(
  opaque: Uint8Array,
): { type: number; name: string | null; value: Uint8Array }[] {
  const reader = new Reader(opaque, "opaque data", "MalformedReport");
  const fields: { type: number; name: string | null; value: Uint8Array }[] = [];
  while (reader.remaining > 0) {
    const type = reader.le(2, "field type");
    const length = reader.le(2, "field length");
    const value = reader.take(length, `field ${type}`);
    fields.push({ type, name: OPAQUE_FIELD_NAMES.get(type) ?? null, value });
  }
  return fields;
}

function opaqueText(fields: { type: number; value: Uint8Array }[], type: number): string | null {
  const field = fields.find((candidate) => candidate.type === type);
  if (!field) return null;
  const end = field.value.indexOf(0);
  const text = new TextDecoder().decode(end === -1 ? field.value : field.value.subarray(0, end));
  return /^[\x20-\x7e]*$/.test(text) ? text : null;
}
