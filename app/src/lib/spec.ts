/** Reading the JSON documents that offers (`specURI`) and providers (`metadataURI`) point to. */

export interface OfferSpec {
  interconnect?: string;
  gpuName?: string;
  memoryGB?: number;
  cpu?: string;
  cpuCores?: number;
  ramGB?: number;
  nvmeTB?: number;
  ethernetGbps?: number;
  datacenter?: string;
  location?: string;
  deal?: string;
}

export interface ProviderMeta {
  name?: string;
  website?: string;
  contact?: string;
}

/** Decodes an inline `data:application/json,…` document; other URIs (ipfs://, https://) are not fetched. */
export function readDataUri(uri: string): unknown {
  const m = /^data:application\/json(;base64)?,(.*)$/s.exec(uri);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1] ? atob(m[2]) : decodeURIComponent(m[2]));
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === "string" && v.length <= 200 ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** A JSON object's fields, or an empty record for anything else (so a malformed document reads as absent). */
type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : {};

/** "InfiniBand NDR · 400 Gb/s per GPU" from `{ fabric, gbpsPerGpu | gbpsPerServer }` (or a plain string). */
function interconnectLabel(v: unknown): string | undefined {
  if (typeof v === "string") return str(v);
  const f = fields(v);
  const fabric = str(f.fabric);
  if (!fabric) return undefined;
  const perGpu = num(f.gbpsPerGpu);
  const perServer = num(f.gbpsPerServer);
  return perGpu
    ? `${fabric} · ${perGpu} Gb/s per GPU`
    : perServer
      ? `${fabric} · ${perServer} Gb/s`
      : fabric;
}

/** The fields of a `gridlease.spec/v1` document a buyer compares; anything malformed is left out. */
export function parseOfferSpec(uri: string): OfferSpec {
  const raw = readDataUri(uri);
  if (typeof raw !== "object" || raw === null) return {};
  const doc = fields(raw);
  const gpu = fields(doc.gpu);
  const server = fields(doc.server);
  const cpu = fields(server.cpu);
  const cores = num(cpu.cores);
  const site = fields(doc.site);
  return {
    interconnect: interconnectLabel(doc.interconnect),
    gpuName: str(gpu.name),
    memoryGB: num(gpu.memoryGB),
    cpu: str(cpu.model),
    cpuCores: cores !== undefined ? cores * (num(cpu.sockets) ?? 1) : undefined,
    ramGB: num(server.ramGB),
    nvmeTB: num(fields(server.nvme).totalTB),
    ethernetGbps: num(fields(doc.network).ethernetGbps),
    datacenter: str(site.datacenter),
    location: str(site.location),
    deal: str(doc.deal),
  };
}

/** The provider's public profile (name, website, contact) from its metadata document. */
export function parseProviderMeta(uri: string): ProviderMeta {
  const raw = readDataUri(uri);
  if (typeof raw !== "object" || raw === null) return {};
  const doc = fields(raw);
  return { name: str(doc.name), website: str(doc.website), contact: str(doc.contact) };
}

/** Builds an inline JSON document URI (what the provider dashboard writes). */
export const toDataUri = (doc: unknown) =>
  `data:application/json,${encodeURIComponent(JSON.stringify(doc))}`;
