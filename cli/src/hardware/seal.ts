/**
 * What the agent seals about the hardware: a provisioning hook may print the machine's report
 * (`hardwareReport`, about 3 KB for 8 GPUs) or its hash (`hardwareReportHash`). Only the hash goes into the
 * encrypted access details, which the market caps at 4,096 bytes; the buyer fetches the report itself over SSH.
 */
import { isHex } from "viem";
import { hardwareReportHash, parseHardwareReport } from "@gridlease/sdk";

/** The hook's connection details with any `hardwareReport` replaced by its keccak256 `hardwareReportHash`. */
export function withSealedReportHash(details: Record<string, unknown>): Record<string, unknown> {
  const { hardwareReport, ...rest } = details;
  if (hardwareReport !== undefined) {
    const hash = hardwareReportHash(parseHardwareReport(hardwareReport));
    if (rest.hardwareReportHash !== undefined && rest.hardwareReportHash !== hash)
      throw new Error(
        `the provisioning hook's hardwareReportHash ${String(rest.hardwareReportHash)} is not the hash of its hardwareReport (${hash})`,
      );
    return { ...rest, hardwareReportHash: hash };
  }
  const hash = rest.hardwareReportHash;
  if (hash !== undefined && !(typeof hash === "string" && isHex(hash) && hash.length === 66))
    throw new Error("the provisioning hook's hardwareReportHash is not 32 bytes of hex");
  return rest;
}
