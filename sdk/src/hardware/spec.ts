/**
 * The offer spec JSON that `offer create --detect` writes: the listing's model and GPU count with the probed
 * report. Its keccak256 over the exact bytes is the offer's on-chain `specHash`, so a buyer holding the file
 * (from the offer's spec URI) can check it against the chain and compare its report with the leased machine.
 */
import { keccak256, toBytes, type Hex } from "viem";
import { HardwareReportError } from "./errors.ts";
import {
  canonicalReportJson,
  hardwareReportHash,
  INVENTORY_LABEL,
  parseHardwareReport,
  type HardwareReport,
} from "./report.ts";

/** The spec document's format tag. */
export const OFFER_SPEC_SCHEMA = "gridlease/offer-spec/v1";

/** An offer spec with the provider-reported inventory of the listed server. */
export interface OfferSpec {
  schema: typeof OFFER_SPEC_SCHEMA;
  label: typeof INVENTORY_LABEL;
  gpuModel: string;
  gpusPerUnit: number;
  hardwareReportHash: Hex;
  hardwareReport: HardwareReport;
}

/** The spec's canonical JSON (the bytes to publish) and its keccak256 (the offer's specHash). */
export function offerSpecJson(
  report: HardwareReport,
  listing: { gpuModel: string; gpusPerUnit: number },
): { json: string; specHash: Hex } {
  // Keys in sorted order at the top; the report inside is already canonical.
  const json =
    `{"gpuModel":${JSON.stringify(listing.gpuModel)},"gpusPerUnit":${listing.gpusPerUnit},` +
    `"hardwareReport":${canonicalReportJson(report)},"hardwareReportHash":"${hardwareReportHash(report)}",` +
    `"label":"${INVENTORY_LABEL}","schema":"${OFFER_SPEC_SCHEMA}"}`;
  return { json, specHash: keccak256(toBytes(json)) };
}

/** Reads a spec file and checks it against the offer's on-chain specHash; throws HardwareReportError. */
export function parseOfferSpec(text: string, specHash: Hex): OfferSpec {
  if (keccak256(toBytes(text)) !== specHash.toLowerCase())
    throw new HardwareReportError(
      "malformed-report",
      `the spec file's keccak256 is not the offer's specHash ${specHash}: it is not the spec this offer listed`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HardwareReportError("malformed-report", "the spec file is not JSON");
  }
  if (
    typeof doc !== "object" ||
    doc === null ||
    !("schema" in doc) ||
    doc.schema !== OFFER_SPEC_SCHEMA
  )
    throw new HardwareReportError("malformed-report", `the spec file is not ${OFFER_SPEC_SCHEMA}`);
  const d = doc as Record<string, unknown>;
  const hardwareReport = parseHardwareReport(d.hardwareReport);
  return {
    schema: OFFER_SPEC_SCHEMA,
    label: INVENTORY_LABEL,
    gpuModel: String(d.gpuModel),
    gpusPerUnit: Number(d.gpusPerUnit),
    hardwareReportHash: hardwareReportHash(hardwareReport),
    hardwareReport,
  };
}
