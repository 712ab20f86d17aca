/**
 * The canonical hardware report: what the probe read, as one JSON document with sorted keys, fixed array order
 * and no timestamps, so the same machine always gives the same bytes and the same keccak256 hash. It is the
 * provider's own machine describing itself ("provider-reported inventory"): nothing in it is verified.
 */
import { keccak256, toBytes, type Hex } from "viem";
import { HardwareReportError } from "./errors.ts";
import { parseCpuInfo, parseIpLink, parseLsblk, parseMemTotalKiB } from "./host.ts";
import type { CpuInfo, DiskInfo, NicInfo } from "./host.ts";
import { parseSmiXml, parseTopology } from "./nvidiaSmi.ts";
import {
  requireSection,
  splitProbeOutput,
  type ProbeSection,
  type SectionOutput,
} from "./probe.ts";

/** The label every report and verdict carries: the machine describes itself. */
export const INVENTORY_LABEL = "provider-reported inventory";
/** The report's format tag; a change of fields is a new version. */
export const HARDWARE_REPORT_SCHEMA = "gridlease/hardware-report/v1";

/** One GPU of the report (sorted by PCI bus id). */
export interface ReportGpu {
  pciBusId: string;
  productName: string;
  architecture: string;
  memoryMiB: number;
  uuid: string;
  serial: string;
  vbiosVersion: string;
  minorNumber: number;
}

/** The canonical hardware report. */
export interface HardwareReport {
  schema: typeof HARDWARE_REPORT_SCHEMA;
  label: typeof INVENTORY_LABEL;
  driver: { version: string; cuda: string };
  gpus: ReportGpu[];
  /** GPU-to-GPU links of `nvidia-smi topo -m`, rows and columns in the order of `gpus`. */
  topology: string[][];
  cpu: CpuInfo;
  memoryKiB: number;
  disks: DiskInfo[];
  nics: NicInfo[];
}

/** Builds the report from the probe script's stdout; throws HardwareReportError on anything unreadable. */
export function buildHardwareReport(probeStdout: string): HardwareReport {
  const sections = splitProbeOutput(probeStdout);
  const smi = parseSmiXml(requireSection(sections, "nvidia-smi-xml"));
  const topo = parseTopology(requireSection(sections, "nvidia-smi-topo"));
  if (topo.links.length !== smi.gpus.length)
    throw new HardwareReportError(
      "malformed-topology",
      `nvidia-smi topo -m shows ${topo.links.length} GPUs but nvidia-smi -q -x lists ${smi.gpus.length}`,
    );
  // topo -m numbers GPUs by PCI bus order, as nvidia-smi lists them; sort both the same way.
  const order = smi.gpus
    .map((g, i) => ({ g, i }))
    .sort((a, b) => a.g.pciBusId.localeCompare(b.g.pciBusId))
    .map((x) => x.i);
  const optional = <T>(name: ProbeSection, parse: (s: string) => T, fallback: T): T => {
    const s: SectionOutput | undefined = sections[name];
    return s && s.exitCode === 0 ? parse(s.output) : fallback;
  };
  return {
    schema: HARDWARE_REPORT_SCHEMA,
    label: INVENTORY_LABEL,
    driver: { version: smi.driverVersion, cuda: smi.cudaVersion },
    gpus: order.map((i) => smi.gpus[i]),
    topology: order.map((i) => order.map((j) => topo.links[i][j])),
    cpu: parseCpuInfo(requireSection(sections, "cpuinfo")),
    memoryKiB: parseMemTotalKiB(requireSection(sections, "meminfo")),
    disks: optional("lsblk", parseLsblk, []),
    nics: optional("ip-link", parseIpLink, []),
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

/** The canonical JSON of a report: keys sorted at every level, no whitespace. */
export function canonicalReportJson(report: HardwareReport): string {
  return JSON.stringify(sortKeys(report));
}

/** keccak256 of the report's canonical JSON: what the agent seals into the access details. */
export function hardwareReportHash(report: HardwareReport): Hex {
  return keccak256(toBytes(canonicalReportJson(report)));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a report back from JSON (e.g. an offer's spec); throws HardwareReportError("malformed-report"). */
export function parseHardwareReport(json: string | unknown): HardwareReport {
  let doc: unknown = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch {
      throw new HardwareReportError("malformed-report", "the hardware report is not JSON");
    }
  }
  const bad = (why: string): never => {
    throw new HardwareReportError("malformed-report", `the hardware report ${why}`);
  };
  if (!isRecord(doc)) return bad("is not a JSON object");
  if (doc.schema !== HARDWARE_REPORT_SCHEMA) bad(`is not ${HARDWARE_REPORT_SCHEMA}`);
  if (!Array.isArray(doc.gpus) || doc.gpus.length === 0) bad("lists no GPUs");
  if (!Array.isArray(doc.topology)) bad("has no topology");
  if (!isRecord(doc.driver) || !isRecord(doc.cpu)) bad("has no driver or CPU");
  const gpus = (doc.gpus as unknown[]).map((g, i): ReportGpu => {
    if (!isRecord(g)) return bad(`GPU #${i} is not an object`);
    const s = (k: string) =>
      typeof g[k] === "string" ? (g[k] as string) : bad(`GPU #${i} has no ${k}`);
    const n = (k: string) =>
      typeof g[k] === "number" ? (g[k] as number) : bad(`GPU #${i} has no ${k}`);
    return {
      pciBusId: s("pciBusId"),
      productName: s("productName"),
      architecture: s("architecture"),
      memoryMiB: n("memoryMiB"),
      uuid: s("uuid"),
      serial: s("serial"),
      vbiosVersion: s("vbiosVersion"),
      minorNumber: n("minorNumber"),
    };
  });
  const driver = doc.driver as Record<string, unknown>;
  const cpu = doc.cpu as Record<string, unknown>;
  return {
    schema: HARDWARE_REPORT_SCHEMA,
    label: INVENTORY_LABEL,
    driver: { version: String(driver.version), cuda: String(driver.cuda) },
    gpus,
    topology: (doc.topology as unknown[]).map((row) =>
      Array.isArray(row) ? row.map(String) : bad("has a malformed topology row"),
    ),
    cpu: { model: String(cpu.model), sockets: Number(cpu.sockets), threads: Number(cpu.threads) },
    memoryKiB: typeof doc.memoryKiB === "number" ? doc.memoryKiB : bad("has no memoryKiB"),
    disks: Array.isArray(doc.disks) ? (doc.disks as DiskInfo[]) : [],
    nics: Array.isArray(doc.nics) ? (doc.nics as NicInfo[]) : [],
  };
}
