/** The host half of the hardware report: CPU (/proc/cpuinfo), memory (/proc/meminfo), disks (lsblk -J -b) and NICs (ip -j link). */
import { HardwareReportError } from "./errors.ts";

/** The CPUs as /proc/cpuinfo lists them. */
export interface CpuInfo {
  model: string;
  sockets: number;
  /** Logical processors (threads). */
  threads: number;
}

/** A whole disk (partitions and loop devices are left out). */
export interface DiskInfo {
  name: string;
  sizeBytes: string;
  model: string;
  serial: string;
}

/** A network interface (the loopback is left out). */
export interface NicInfo {
  name: string;
  mac: string;
  mtu: number;
}

/** Reads /proc/cpuinfo: model name, sockets (distinct physical ids), logical processors. */
export function parseCpuInfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  if (blocks.length === 0)
    throw new HardwareReportError("malformed-section", "/proc/cpuinfo lists no processor");
  const field = (block: string, name: string) =>
    new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(block)?.[1].trim();
  const sockets = new Set(blocks.map((b) => field(b, "physical id") ?? "0"));
  return {
    model: field(blocks[0], "model name") ?? field(blocks[0], "Processor") ?? "unknown",
    sockets: sockets.size,
    threads: blocks.length,
  };
}

/** Reads MemTotal from /proc/meminfo, in KiB. */
export function parseMemTotalKiB(text: string): number {
  const m = /^MemTotal:\s*(\d+)\s*kB$/m.exec(text);
  if (!m) throw new HardwareReportError("malformed-section", "/proc/meminfo has no MemTotal");
  return Number(m[1]);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HardwareReportError("malformed-section", `${what} did not print JSON`);
  }
}

const str = (v: unknown) => (typeof v === "string" ? v.trim() : v == null ? "" : String(v));

/** Reads `lsblk -J -b -d -o NAME,SIZE,MODEL,SERIAL,TYPE`: whole disks only, sorted by name. */
export function parseLsblk(text: string): DiskInfo[] {
  const doc = parseJson(text, "lsblk -J");
  const devices =
    typeof doc === "object" && doc !== null && "blockdevices" in doc ? doc.blockdevices : undefined;
  if (!Array.isArray(devices))
    throw new HardwareReportError("malformed-section", "lsblk -J printed no blockdevices");
  return devices
    .filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null)
    .filter((d) => d.type === "disk")
    .map((d) => ({
      name: str(d.name),
      sizeBytes: str(d.size),
      model: str(d.model),
      serial: str(d.serial),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads `ip -j link`: every interface but the loopback, sorted by name. */
export function parseIpLink(text: string): NicInfo[] {
  const doc = parseJson(text, "ip -j link");
  if (!Array.isArray(doc))
    throw new HardwareReportError("malformed-section", "ip -j link did not print a list");
  return doc
    .filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null)
    .filter((d) => d.link_type !== "loopback")
    .map((d) => ({
      name: str(d.ifname),
      mac: str(d.address),
      mtu: typeof d.mtu === "number" ? d.mtu : 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
