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

/** "InfiniBand NDR · 400 Gb/s per GPU" from `{ fabric, gbpsPerGpu | gbpsPerServer }` (or a plain string). */
function interconnectLabel(v: any): string | undefined {
  if (typeof v === "string") return str(v);
  const fabric = str(v?.fabric);
  if (!fabric) return undefined;
  const perGpu = num(v.gbpsPerGpu);
  const perServer = num(v.gbpsPerServer);
  return perGpu
    ? `${fabric} · ${perGpu} Gb/s per GPU`
    : perServer
      ? `${fabric} · ${perServer} Gb/s`
      : fabric;
}

/** The fields of a `gridlease.spec/v1` document a buyer compares; anything malformed is left out. */
export function parseOfferSpec(uri: string): OfferSpec {
  const doc = readDataUri(uri) as Record<string, any> | undefined;
  if (!doc || typeof doc !== "object") return {};
  const server = doc.server ?? {};
  return {
    interconnect: interconnectLabel(doc.interconnect),
    gpuName: str(doc.gpu?.name),
    memoryGB: num(doc.gpu?.memoryGB),
    cpu: str(server.cpu?.model),
    cpuCores:
      num(server.cpu?.cores) !== undefined
        ? num(server.cpu.cores)! * (num(server.cpu?.sockets) ?? 1)
        : undefined,
    ramGB: num(server.ramGB),
    nvmeTB: num(server.nvme?.totalTB),
    ethernetGbps: num(doc.network?.ethernetGbps),
    datacenter: str(doc.site?.datacenter),
    location: str(doc.site?.location),
    deal: str(doc.deal),
  };
}

export function parseProviderMeta(uri: string): ProviderMeta {
  const doc = readDataUri(uri) as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== "object") return {};
  return { name: str(doc.name), website: str(doc.website), contact: str(doc.contact) };
}

/** Builds an inline JSON document URI (what the provider dashboard writes). */
export const toDataUri = (doc: unknown) =>
  `data:application/json,${encodeURIComponent(JSON.stringify(doc))}`;
