/** Why a hardware report (or one of the probe outputs it is built from) could not be read. */
export type HardwareReportErrorCode =
  | "malformed-xml"
  | "missing-field"
  | "malformed-topology"
  | "malformed-section"
  | "missing-section"
  | "no-gpus"
  | "malformed-report"
  | "malformed-throughput";

/** A probe output or report that cannot be used, with a message fit to show a person. */
export class HardwareReportError extends Error {
  override name = "HardwareReportError";
  readonly code: HardwareReportErrorCode;

  constructor(code: HardwareReportErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
