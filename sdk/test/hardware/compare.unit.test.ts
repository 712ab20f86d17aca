/**
 * The buyer's verdict: the probed report against the sealed hash, the offer's listing and the spec's report.
 * The mismatch fixtures (a consumer card where an H100 is listed, 7 of 8 GPUs, another server's UUIDs) each fail
 * with the fields that differ; the four 8-GPU servers pass against their own listing.
 */
import { describe, expect, it } from "vitest";
import {
  buildHardwareReport,
  compareHardware,
  hardwareReportHash,
  INVENTORY_LABEL,
  verdictHash,
} from "../../src/hardware/index.ts";
import { probeOutput } from "./probeOutput.ts";

const report = (name: string) => buildHardwareReport(probeOutput(name));
const h100 = report("h100-sxm-8x");
const sealed = hardwareReportHash(h100);
const listing = { gpuModel: "H100-SXM-80GB", gpuCount: 8 };

describe("compareHardware", () => {
  it.each([
    ["h100-sxm-8x", "H100-SXM-80GB"],
    ["h200-8x", "H200-141GB"],
    ["b200-8x", "B200-192GB"],
    ["b300-8x", "B300-288GB"],
  ])("%s matches its own sealed hash and a %s listing", (name, gpuModel) => {
    const probed = report(name);
    const v = compareHardware({
      probed,
      sealedHash: hardwareReportHash(probed),
      listed: { gpuModel, gpuCount: 8 },
    });
    expect(v).toMatchObject({ match: true, differences: [], label: INVENTORY_LABEL });
  });

  it("fails a consumer card where an H100 is listed: model, memory, architecture, NVLink and hash", () => {
    const v = compareHardware({
      probed: report("rtx4090-8x"),
      sealedHash: sealed,
      listed: listing,
    });
    expect(v.match).toBe(false);
    const fields = v.differences.map((d) => d.field);
    expect(fields).toContain("reportHash");
    expect(v.differences).toContainEqual({
      field: "gpus[0].model",
      expected: "H100-SXM-80GB",
      actual: "RTX4090-24GB",
    });
    expect(v.differences).toContainEqual({
      field: "gpus[0].memoryMiB",
      expected: ">= 79000",
      actual: "24564",
    });
    expect(v.differences).toContainEqual({
      field: "gpus[0].architecture",
      expected: "Hopper",
      actual: "Ada Lovelace",
    });
    expect(v.differences).toContainEqual({
      field: "topology[0][1]",
      expected: "NVLink (NV#)",
      actual: "NODE",
    });
  });

  it("fails a consumer card renamed to look like an H100 on memory and architecture", () => {
    const probed = report("rtx4090-8x");
    probed.gpus = probed.gpus.map((g) => ({ ...g, productName: "NVIDIA H100 80GB HBM3" }));
    const v = compareHardware({ probed, sealedHash: hardwareReportHash(probed), listed: listing });
    expect(v.differences.map((d) => d.field)).toEqual(
      expect.arrayContaining(["gpus[0].memoryMiB", "gpus[0].architecture", "topology[0][1]"]),
    );
    expect(v.differences.map((d) => d.field)).not.toContain("gpus[0].model");
  });

  it("fails 7 of 8 GPUs on the count and the hash", () => {
    const v = compareHardware({
      probed: report("h100-sxm-7of8"),
      sealedHash: sealed,
      listed: listing,
    });
    expect(v.differences).toContainEqual({ field: "gpus.count", expected: "8", actual: "7" });
    expect(v.differences.map((d) => d.field)).toContain("reportHash");
  });

  it("fails other GPUs of the same model on the sealed hash alone", () => {
    const probed = report("h100-sxm-other-uuids");
    const v = compareHardware({ probed, sealedHash: sealed, listed: listing });
    expect(v.differences).toEqual([
      { field: "reportHash", expected: sealed, actual: hardwareReportHash(probed) },
    ]);
  });

  it("fails when nothing was sealed, and compares with the spec's report when given", () => {
    expect(compareHardware({ probed: h100, listed: listing }).differences).toEqual([
      {
        field: "reportHash",
        expected: "a hash sealed in the access details",
        actual: "none sealed",
      },
    ]);
    const v = compareHardware({
      probed: h100,
      sealedHash: sealed,
      listed: listing,
      specReport: report("h200-8x"),
    });
    expect(v.differences.map((d) => d.field)).toEqual(["spec.gpus.productName"]);
  });

  it("gives a verdict hash that changes with the verdict and not with key order", () => {
    const a = compareHardware({ probed: h100, sealedHash: sealed, listed: listing });
    const b = compareHardware({
      probed: report("h100-sxm-7of8"),
      sealedHash: sealed,
      listed: listing,
    });
    expect(verdictHash(a)).not.toBe(verdictHash(b));
    expect(verdictHash({ ...a })).toBe(
      verdictHash(Object.fromEntries(Object.entries(a).reverse())),
    );
  });
});
