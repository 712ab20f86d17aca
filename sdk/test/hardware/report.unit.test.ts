/**
 * The hardware report from the probe's output: nvidia-smi -q -x and topo -m of the 8-GPU fixtures, the host
 * sections, the canonical JSON and its hash, and the named errors of malformed or missing input.
 */
import { describe, expect, it } from "vitest";
import {
  buildHardwareReport,
  canonicalReportJson,
  gpuModelOf,
  hardwareReportHash,
  HardwareReportError,
  INVENTORY_LABEL,
  parseHardwareReport,
  parseSmiXml,
  parseTopology,
  PROBE_SCRIPT,
  splitProbeOutput,
} from "../../src/hardware/index.ts";
import { fixture, probeOutput } from "./probeOutput.ts";

const expectCode = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HardwareReportError);
    expect((err as HardwareReportError).code).toBe(code);
    return (err as Error).message;
  }
  throw new Error(`expected HardwareReportError(${code})`);
};

describe("nvidia-smi -q -x", () => {
  it.each([
    ["h100-sxm-8x", "NVIDIA H100 80GB HBM3", "H100-SXM-80GB", 81559],
    ["h200-8x", "NVIDIA H200", "H200-141GB", 143771],
    ["b200-8x", "NVIDIA B200", "B200-192GB", 183359],
    ["b300-8x", "NVIDIA B300 SXM6 AC", "B300-288GB", 275040],
    ["rtx4090-8x", "NVIDIA GeForce RTX 4090", "RTX4090-24GB", 24564],
  ])("reads the 8 GPUs of %s", (name, product, code, memoryMiB) => {
    const log = parseSmiXml(fixture(`${name}.xml`));
    expect(log.gpus).toHaveLength(8);
    expect(new Set(log.gpus.map((g) => g.uuid)).size).toBe(8);
    for (const g of log.gpus) {
      expect(g.productName).toBe(product);
      expect(g.memoryMiB).toBe(memoryMiB);
      expect(g.uuid).toMatch(/^GPU-[0-9a-f]{8}-/);
      expect(g.pciBusId).toMatch(/^00000000:[0-9a-f]{2}:00\.0$/);
      expect(gpuModelOf(g.productName, g.memoryMiB)).toBe(code);
    }
    expect(log.gpus.map((g) => g.minorNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("skips warnings the driver prints before the document", () => {
    expect(
      parseSmiXml(
        `WARNING: infoROM is corrupted at gpu 0000:18:00.0\n${fixture("h100-sxm-8x.xml")}`,
      ).gpus,
    ).toHaveLength(8);
  });

  it("names malformed XML, a GPU without a field, and a log without GPUs", () => {
    expect(
      expectCode(() => parseSmiXml("<nvidia_smi_log><gpu></nvidia_smi_log>"), "malformed-xml"),
    ).toMatch(/malformed XML/);
    const noUuid = fixture("h100-sxm-8x.xml").replace(/<uuid>[^<]*<\/uuid>/, "");
    expect(expectCode(() => parseSmiXml(noUuid), "missing-field")).toMatch(
      /GPU 00000000:18:00.0 has no <uuid>/,
    );
    expect(
      expectCode(
        () => parseSmiXml("<nvidia_smi_log><driver_version>1</driver_version></nvidia_smi_log>"),
        "no-gpus",
      ),
    ).toMatch(/no GPUs/);
    expect(expectCode(() => parseSmiXml("not xml at all"), "malformed-xml")).toBeTruthy();
  });
});

describe("nvidia-smi topo -m", () => {
  it("reads NVLink between every pair of an HGX board and PCIe paths of a consumer box", () => {
    const hgx = parseTopology(fixture("b200-8x.topo.txt")).links;
    expect(hgx).toHaveLength(8);
    expect(hgx[0]).toEqual(["X", "NV18", "NV18", "NV18", "NV18", "NV18", "NV18", "NV18"]);
    const pcie = parseTopology(fixture("rtx4090-8x.topo.txt")).links;
    expect(pcie[0].slice(0, 5)).toEqual(["X", "NODE", "NODE", "NODE", "SYS"]);
  });

  it("names a table without GPU columns or with a broken row", () => {
    expectCode(() => parseTopology("nothing here"), "malformed-topology");
    expectCode(
      () => parseTopology(fixture("h100-sxm-8x.topo.txt").replace("GPU3\tNV18", "GPU3\tWAT")),
      "malformed-topology",
    );
  });
});

describe("the canonical report", () => {
  it("holds model, count, memory, UUIDs, serials, driver, VBIOS, bus ids and NVLink topology, labelled as inventory", () => {
    const r = buildHardwareReport(probeOutput("h100-sxm-8x"));
    expect(r.label).toBe(INVENTORY_LABEL);
    expect(r.gpus).toHaveLength(8);
    expect(r.gpus[0]).toMatchObject({
      pciBusId: "00000000:18:00.0",
      productName: "NVIDIA H100 80GB HBM3",
      vbiosVersion: "96.00.99.00.01",
      memoryMiB: 81559,
    });
    expect(r.gpus[0].serial).toMatch(/^\d{13}$/);
    expect(r.driver).toEqual({ version: "550.90.07", cuda: "12.4" });
    expect(r.topology[7][0]).toBe("NV18");
    expect(r.cpu).toEqual({ model: "Intel(R) Xeon(R) Platinum 8480+", sockets: 2, threads: 4 });
    expect(r.memoryKiB).toBe(2113407892);
    expect(r.disks.map((d) => d.name)).toEqual(["nvme0n1", "nvme1n1"]);
    expect(r.nics.map((n) => n.name)).toEqual(["eno1", "ibp26s0"]);
  });

  it("is canonical: sorted keys, no whitespace, no timestamp, the same hash for the same machine", () => {
    const a = buildHardwareReport(probeOutput("h100-sxm-8x"));
    const json = canonicalReportJson(a);
    expect(json.startsWith('{"cpu":')).toBe(true);
    expect(json).not.toMatch(/timestamp|Dec {2}6/);
    // The XML's timestamp changes on every run: the hash does not.
    const later = probeOutput("h100-sxm-8x", {
      "nvidia-smi-xml": {
        output: fixture("h100-sxm-8x.xml").replace(
          /<timestamp>.*<\/timestamp>/,
          "<timestamp>Mon Dec  7 09:00:00 2026</timestamp>",
        ),
      },
    });
    expect(hardwareReportHash(buildHardwareReport(later))).toBe(hardwareReportHash(a));
    expect(hardwareReportHash(a)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(json.length).toBeLessThan(6000);
  });

  it("differs for another server of the same model (UUIDs and serials)", () => {
    const a = hardwareReportHash(buildHardwareReport(probeOutput("h100-sxm-8x")));
    const b = hardwareReportHash(buildHardwareReport(probeOutput("h100-sxm-other-uuids")));
    expect(a).not.toBe(b);
  });

  it("round-trips through JSON and refuses a malformed one", () => {
    const r = buildHardwareReport(probeOutput("b300-8x"));
    expect(hardwareReportHash(parseHardwareReport(canonicalReportJson(r)))).toBe(
      hardwareReportHash(r),
    );
    expectCode(() => parseHardwareReport("{"), "malformed-report");
    expectCode(() => parseHardwareReport({ schema: "other" }), "malformed-report");
    expectCode(() => parseHardwareReport({ ...r, gpus: [{ uuid: 1 }] }), "malformed-report");
  });

  it("names a missing or failed nvidia-smi and a topology that disagrees with the GPU list", () => {
    expect(
      expectCode(
        () => buildHardwareReport(probeOutput("h100-sxm-8x", { "nvidia-smi-xml": null })),
        "missing-section",
      ),
    ).toMatch(/nvidia-smi -q -x/);
    expect(
      expectCode(
        () =>
          buildHardwareReport(
            probeOutput("h100-sxm-8x", {
              "nvidia-smi-xml": { output: "sh: nvidia-smi: not found", exitCode: 127 },
            }),
          ),
        "missing-section",
      ),
    ).toMatch(/exit code 127/);
    expectCode(
      () =>
        buildHardwareReport(
          probeOutput("h100-sxm-8x", {
            "nvidia-smi-topo": { output: fixture("h100-sxm-7of8.topo.txt") },
          }),
        ),
      "malformed-topology",
    );
    expectCode(() => buildHardwareReport("garbage"), "missing-section");
  });

  it("keeps going without lsblk or ip (minimal hosts) but not without /proc/cpuinfo", () => {
    const r = buildHardwareReport(
      probeOutput("h200-8x", { lsblk: { output: "not found", exitCode: 127 }, "ip-link": null }),
    );
    expect(r.disks).toEqual([]);
    expect(r.nics).toEqual([]);
    expectCode(
      () => buildHardwareReport(probeOutput("h200-8x", { cpuinfo: { output: "" } })),
      "malformed-section",
    );
  });

  it("splits the real probe script's markers", () => {
    expect(PROBE_SCRIPT).toContain('"${GRIDLEASE_NVIDIA_SMI:-nvidia-smi}" -q -x');
    const sections = splitProbeOutput(
      probeOutput("h100-sxm-8x", { lsblk: { output: "", exitCode: 2 } }),
    );
    expect(Object.keys(sections).sort()).toEqual([
      "cpuinfo",
      "ip-link",
      "lsblk",
      "meminfo",
      "nvidia-smi-topo",
      "nvidia-smi-xml",
    ]);
    expect(sections.lsblk).toEqual({ output: "", exitCode: 2 });
  });
});
