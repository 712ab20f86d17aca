/**
 * Reading what a host hands over: the report's hex text, the PEM certificate chain and the hook's JSON bundle.
 * These only decode; nothing here says whether the bytes are genuine.
 */
import "./reflect.ts";
import { PemConverter } from "@peculiar/x509";
import { hexToBytes, isHex } from "viem";
import { AttestationInputError, type AttestationBundle, type Hex } from "./types.ts";

/** The `format` tag of the hook's JSON output. */
export const ATTESTATION_BUNDLE_FORMAT = "gridlease-attestation/1";

/** Hex text of a report (whitespace and an optional 0x allowed) -> bytes. Throws AttestationInputError("MalformedHex"). */
export function parseReportHex(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  const body = compact.startsWith("0x") || compact.startsWith("0X") ? compact.slice(2) : compact;
  if (body.length === 0)
    throw new AttestationInputError("MalformedHex", "the report is empty: expected hex text");
  const bad = /[^0-9a-fA-F]/.exec(body);
  if (bad)
    throw new AttestationInputError(
      "MalformedHex",
      `the report is not hex: character ${JSON.stringify(bad[0])} at position ${bad.index}`,
    );
  if (body.length % 2 !== 0)
    throw new AttestationInputError(
      "MalformedHex",
      `the report has an odd number of hex digits (${body.length})`,
    );
  return hexToBytes(`0x${body}`);
}

/** PEM text with one or more certificates, leaf first -> DER list. Throws AttestationInputError("MalformedPem"). */
export function parseCertChainPem(text: string): Uint8Array[] {
  let blocks: ReturnType<typeof PemConverter.decodeWithHeaders>;
  try {
    blocks = PemConverter.decodeWithHeaders(text);
  } catch (error) {
    throw new AttestationInputError(
      "MalformedPem",
      `the certificate chain is not PEM: ${messageOf(error)}`,
    );
  }
  if (blocks.length === 0)
    throw new AttestationInputError(
      "MalformedPem",
      "no -----BEGIN CERTIFICATE----- block in the certificate chain",
    );
  return blocks.map((block, position) => {
    if (block.type !== PemConverter.CertificateTag)
      throw new AttestationInputError(
        "MalformedPem",
        `PEM block ${position + 1} is a ${block.type}, not a ${PemConverter.CertificateTag}`,
      );
    if (block.rawData.byteLength === 0)
      throw new AttestationInputError("MalformedPem", `PEM block ${position + 1} is empty`);
    return new Uint8Array(block.rawData);
  });
}

/**
 * Parses the hook's JSON: {"format":"gridlease-attestation/1","report":"<hex>","certChain":"<PEM>","tool":"nvml"}
 * or {"format":"gridlease-attestation/1","unavailable":"<plain reason>"}. Throws AttestationInputError("MalformedBundle").
 */
export function parseAttestationBundle(text: string): AttestationBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AttestationInputError(
      "MalformedBundle",
      `the attestation output is not JSON: ${messageOf(error)}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new AttestationInputError(
      "MalformedBundle",
      "the attestation output is not one JSON object",
    );
  const fields = new Map(Object.entries(value));
  if (fields.get("format") !== ATTESTATION_BUNDLE_FORMAT)
    throw new AttestationInputError(
      "MalformedBundle",
      `the attestation output's "format" is ${JSON.stringify(fields.get("format"))}, expected "${ATTESTATION_BUNDLE_FORMAT}"`,
    );
  const unavailable = fields.get("unavailable");
  if (unavailable !== undefined) {
    if (typeof unavailable !== "string" || unavailable.trim() === "")
      throw new AttestationInputError(
        "MalformedBundle",
        `"unavailable" must be a non-empty reason`,
      );
    return { kind: "unavailable", reason: unavailable };
  }
  const report = fields.get("report");
  const certChain = fields.get("certChain");
  const tool = fields.get("tool");
  if (typeof report !== "string" || typeof certChain !== "string")
    throw new AttestationInputError(
      "MalformedBundle",
      `the attestation output needs "report" (hex) and "certChain" (PEM) strings, or "unavailable"`,
    );
  if (tool !== undefined && typeof tool !== "string")
    throw new AttestationInputError("MalformedBundle", `"tool" must be a string`);
  const bundle: AttestationBundle = {
    kind: "report",
    report: rethrowAsBundle(() => parseReportHex(report)),
    certChain: rethrowAsBundle(() => parseCertChainPem(certChain)),
  };
  if (tool !== undefined) bundle.tool = tool;
  return bundle;
}

/** A 32-byte nonce as 0x hex, or null when the text is not one. */
export function normalizeNonce(text: string): Hex | null {
  const hex = (text.startsWith("0x") ? text : `0x${text}`).toLowerCase();
  return isHex(hex, { strict: true }) && hex.length === 66 ? hex : null;
}

function rethrowAsBundle<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AttestationInputError)
      throw new AttestationInputError(
        "MalformedBundle",
        `in the attestation output: ${error.message}`,
      );
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
