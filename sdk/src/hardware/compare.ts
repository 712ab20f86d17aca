/**
 * The buyer's comparison: the report probed on the leased machine against the hash the provider sealed into the
 * access details at activation, the offer's on-chain listing (model code, GPUs per unit) and, when the buyer has
 * it, the report the offer's spec JSON carries. A verdict lists every differing field; its keccak256 is the
 * evidence an outage report can cite.
 */
import { keccak256, toBytes, type Hex } from "viem";
import { gpuModelOf, gpuModelSpec } from "./models.ts";
import { hardwareReportHash, INVENTORY_LABEL, type HardwareReport } from "./report.ts";

/** One field that is not what it should be. */
export interface HardwareDifference {
  field: string;
  expected: string;
  actual: string;
}

/** What the offer lists (on chain) for the leased machine. */
export interface ListedHardware {
  /** Market model code, e.g. "H100-SXM-80GB". */
  gpuModel: string;
  /** GPUs the lease should see: gpusPerUnit × units on one machine. */
  gpuCount: number;
}

/** The outcome of `compareHardware`. */
export interface HardwareVerdict {
  label: typeof INVENTORY_LABEL;
  match: boolean;
  listed: ListedHardware;
  /** keccak256 of the probed report. */
  reportHash: Hex;
  sealedHash: Hex | null;
  differences: HardwareDifference[];
}

/** Compares a probed report with the sealed hash, the listing and (optionally) the offer spec's report. */
export function compareHardware(args: {
  probed: HardwareReport;
  sealedHash?: Hex;
  listed: ListedHardware;
  specReport?: HardwareReport;
}): HardwareVerdict {
  const { probed, listed } = args;
  const differences: HardwareDifference[] = [];
  const differ = (field: string, expected: unknown, actual: unknown) =>
    differences.push({ field, expected: String(expected), actual: String(actual) });
  const reportHash = hardwareReportHash(probed);
  if (!args.sealedHash) differ("reportHash", "a hash sealed in the access details", "none sealed");
  else if (args.sealedHash.toLowerCase() !== reportHash)
    differ("reportHash", args.sealedHash, reportHash);

  if (probed.gpus.length !== listed.gpuCount)
    differ("gpus.count", listed.gpuCount, probed.gpus.length);
  const spec = gpuModelSpec(listed.gpuModel);
  probed.gpus.forEach((g, i) => {
    const model = gpuModelOf(g.productName, g.memoryMiB) ?? `unknown (${g.productName})`;
    if (model !== listed.gpuModel) differ(`gpus[${i}].model`, listed.gpuModel, model);
    if (!spec) return;
    if (g.memoryMiB < spec.minMemoryMiB)
      differ(`gpus[${i}].memoryMiB`, `>= ${spec.minMemoryMiB}`, g.memoryMiB);
    if (g.architecture !== spec.architecture)
      differ(`gpus[${i}].architecture`, spec.architecture, g.architecture);
  });
  if (spec?.nvlink)
    probed.topology.forEach((row, i) =>
      row.forEach((link, j) => {
        if (i < j && !/^NV\d+$/.test(link)) differ(`topology[${i}][${j}]`, "NVLink (NV#)", link);
      }),
    );
  if (args.specReport) {
    const listedGpus = args.specReport.gpus;
    if (listedGpus.length !== probed.gpus.length)
      differ("spec.gpus.count", listedGpus.length, probed.gpus.length);
    const names = (r: HardwareReport) =>
      [...new Set(r.gpus.map((g) => g.productName))].sort().join(", ");
    if (names(args.specReport) !== names(probed))
      differ("spec.gpus.productName", names(args.specReport), names(probed));
  }
  return {
    label: INVENTORY_LABEL,
    match: differences.length === 0,
    listed,
    reportHash,
    sealedHash: args.sealedHash ?? null,
    differences,
  };
}

/** keccak256 of a verdict (or any JSON value) in canonical form: the evidence hash of an outage report. */
export function verdictHash(verdict: object): Hex {
  return keccak256(
    toBytes(
      JSON.stringify(verdict, (_k, v: unknown) =>
        typeof v === "bigint"
          ? v.toString()
          : v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : v,
      ),
    ),
  );
}
