/** Hardware the buyer verifies: the probe's parsers, the canonical report, the comparison and the throughput check. */
export * from "./errors.ts";
export * from "./models.ts";
export * from "./nvidiaSmi.ts";
export * from "./host.ts";
export * from "./probe.ts";
export * from "./report.ts";
export * from "./compare.ts";
export * from "./throughput.ts";
export * from "./spec.ts";
