/**
 * `nvidia-smi -q -x` (the nvsmi_device_v12 XML log) and `nvidia-smi topo -m`, read into plain records. The XML
 * goes through fast-xml-parser; only the fields the hardware report needs are read, and a missing one is a
 * HardwareReportError, never a crash. Everything here is what the provider's own driver says about itself.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { HardwareReportError } from "./errors.ts";

/** One GPU as `nvidia-smi -q -x` describes it. */
export interface SmiGpu {
  /** "NVIDIA H100 80GB HBM3" */
  productName: string;
  architecture: string;
  uuid: string;
  serial: string;
  vbiosVersion: string;
  /** "00000000:18:00.0" */
  pciBusId: string;
  /** The N of /dev/nvidiaN. */
  minorNumber: number;
  memoryMiB: number;
}

/** The whole `nvidia-smi -q -x` log. */
export interface SmiLog {
  driverVersion: string;
  cudaVersion: string;
  gpus: SmiGpu[];
}

/** The XML parser, made on first use (so that importing the SDK does not build one). */
let parser: XMLParser | undefined;
const xmlParser = () =>
  (parser ??= new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    // Keep "00000000:18:00.0", "535.161.08" and serial numbers as written.
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (_name, jpath) => jpath === "nvidia_smi_log.gpu",
  }));

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

function text(node: Node, path: string, where: string): string {
  let cur: unknown = node;
  for (const key of path.split(".")) cur = isNode(cur) ? cur[key] : undefined;
  if (isNode(cur) && typeof cur["#text"] === "string") cur = cur["#text"];
  if (typeof cur !== "string" || cur.trim() === "")
    throw new HardwareReportError(
      "missing-field",
      `${where} has no <${path.replaceAll(".", "><")}>`,
    );
  return cur.trim();
}

function mib(value: string, where: string): number {
  const m = /^(\d+)\s*MiB$/i.exec(value);
  if (!m)
    throw new HardwareReportError("missing-field", `${where}: memory "${value}" is not in MiB`);
  return Number(m[1]);
}

/** Parses `nvidia-smi -q -x`; throws HardwareReportError on malformed XML or a missing field. */
export function parseSmiXml(xml: string): SmiLog {
  // The driver may print warnings before the document (e.g. "WARNING: infoROM is corrupted").
  const start = xml.indexOf("<?xml");
  const doc = start >= 0 ? xml.slice(start) : xml;
  const valid = XMLValidator.validate(doc);
  if (valid !== true)
    throw new HardwareReportError(
      "malformed-xml",
      `nvidia-smi -q -x printed malformed XML: ${valid.err.msg} (line ${valid.err.line})`,
    );
  const root: unknown = xmlParser().parse(doc).nvidia_smi_log;
  if (!isNode(root))
    throw new HardwareReportError("malformed-xml", "nvidia-smi -q -x printed no <nvidia_smi_log>");
  const gpuNodes = Array.isArray(root.gpu) ? root.gpu.filter(isNode) : [];
  if (gpuNodes.length === 0)
    throw new HardwareReportError("no-gpus", "nvidia-smi -q -x lists no GPUs");
  const gpus = gpuNodes.map((g, i) => {
    const where = `GPU ${typeof g["@_id"] === "string" ? g["@_id"] : `#${i}`}`;
    const minor = text(g, "minor_number", where);
    return {
      productName: text(g, "product_name", where),
      architecture: text(g, "product_architecture", where),
      uuid: text(g, "uuid", where),
      serial: text(g, "serial", where),
      vbiosVersion: text(g, "vbios_version", where),
      pciBusId: text(g, "pci.pci_bus_id", where).toLowerCase(),
      minorNumber: /^\d+$/.test(minor) ? Number(minor) : -1,
      memoryMiB: mib(text(g, "fb_memory_usage.total", where), where),
    };
  });
  return {
    driverVersion: text(root, "driver_version", "nvidia_smi_log"),
    cudaVersion: text(root, "cuda_version", "nvidia_smi_log"),
    gpus,
  };
}

/** GPU-to-GPU links from `nvidia-smi topo -m`: `links[i][j]` is "X", "NV18", "PIX", "SYS", … */
export interface GpuTopology {
  links: string[][];
}

/** Parses the GPU rows and columns of `nvidia-smi topo -m` (NICs, affinities and the legend are left out). */
export function parseTopology(output: string): GpuTopology {
  const lines = output.split(/\r?\n/).filter((l) => l.trim() !== "");
  const headerIndex = lines.findIndex((l) => /^\s+GPU0\b/.test(l));
  if (headerIndex < 0)
    throw new HardwareReportError(
      "malformed-topology",
      "nvidia-smi topo -m printed no GPU0 column",
    );
  const header = lines[headerIndex].trim().split(/\t+|\s{2,}/);
  const gpuColumns = header.filter((h) => /^GPU\d+$/.test(h)).length;
  const links: string[][] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    const cells = line.split("\t").map((c) => c.trim());
    if (!/^GPU\d+$/.test(cells[0] ?? "")) continue;
    const row = cells.slice(1, 1 + gpuColumns);
    if (row.length !== gpuColumns || row.some((c) => !/^(X|NV\d+|PIX|PXB|PHB|NODE|SYS)$/.test(c)))
      throw new HardwareReportError(
        "malformed-topology",
        `nvidia-smi topo -m: unexpected row ${JSON.stringify(line.trim())}`,
      );
    links.push(row);
  }
  if (links.length !== gpuColumns)
    throw new HardwareReportError(
      "malformed-topology",
      `nvidia-smi topo -m has ${gpuColumns} GPU columns but ${links.length} GPU rows`,
    );
  return { links };
}
