/**
 * What the seeded market is made of: GPU server builds, prices per GPU-hour and the providers with their sites
 * and listings. The facts follow ../shared/DESIGN.md ("Realistic data for seeds, demos and tests"): 2025-26
 * prices, 8 GPUs per HGX server, clusters of 300-400 servers, InfiniBand NDR 400 Gb/s or RoCE, on-demand
 * deals of hours to days and reserved deals of 30 days to 3 years at a discount.
 */
import { GPU_MODELS, REGIONS, type GpuModelCode, type RegionCode } from "@gridlease/sdk/labels";
import type { Random } from "./random.ts";

export const HOUR = 3600n;
export const DAY = 86_400n;

/** Reference price of one GRID in USD, used to quote GRID-priced offers (18 decimals). */
export const GRID_USD = 0.4;

export interface Interconnect {
  fabric: string;
  gbpsPerGpu?: number;
  gbpsPerServer?: number;
  rdma: boolean;
}

interface Build {
  platform: string;
  formFactor: string;
  memoryGB: number;
  cpu: { model: string; sockets: number; cores: number };
  ramGB: number;
  nvme: { drives: number; tbEach: number };
  interconnect: Interconnect;
  ethernetGbps: number;
}

export interface GpuProfile {
  /** Typical USD per GPU-hour, on demand. */
  usd: readonly [number, number];
  /** GPUs per server (unit) the listings use; HGX boards are 8. */
  gpusPerUnit: readonly number[];
  builds: readonly Omit<Build, "memoryGB" | "formFactor">[];
  memoryGB: number;
  formFactor: string;
  /** Relative demand, for the buyers' choice of offer. */
  demand: number;
}

const IB_NDR: Interconnect = { fabric: "InfiniBand NDR", gbpsPerGpu: 400, rdma: true };
const ROCE_400: Interconnect = { fabric: "RoCE v2 (Spectrum-X)", gbpsPerGpu: 400, rdma: true };

export const GPUS: Record<GpuModelCode, GpuProfile> = {
  "A100-80GB": {
    usd: [1.08, 1.32],
    gpusPerUnit: [8],
    memoryGB: 80,
    formFactor: "SXM4",
    demand: 0.9,
    builds: [
      {
        platform: "NVIDIA HGX A100 8-GPU",
        cpu: { model: "AMD EPYC 7763", sockets: 2, cores: 128 },
        ramGB: 2048,
        nvme: { drives: 8, tbEach: 3.84 },
        interconnect: { fabric: "RoCE v2", gbpsPerGpu: 200, rdma: true },
        ethernetGbps: 100,
      },
      {
        platform: "NVIDIA DGX A100",
        cpu: { model: "AMD EPYC 7742", sockets: 2, cores: 128 },
        ramGB: 1024,
        nvme: { drives: 8, tbEach: 3.84 },
        interconnect: { fabric: "RoCE v2", gbpsPerGpu: 200, rdma: true },
        ethernetGbps: 100,
      },
    ],
  },
  "H100-SXM-80GB": {
    usd: [1.89, 2.49],
    gpusPerUnit: [8],
    memoryGB: 80,
    formFactor: "SXM5",
    demand: 3,
    builds: [
      {
        platform: "NVIDIA HGX H100 8-GPU",
        cpu: { model: "Intel Xeon Platinum 8480+", sockets: 2, cores: 112 },
        ramGB: 2048,
        nvme: { drives: 8, tbEach: 3.84 },
        interconnect: IB_NDR,
        ethernetGbps: 200,
      },
      {
        platform: "NVIDIA HGX H100 8-GPU",
        cpu: { model: "AMD EPYC 9454", sockets: 2, cores: 96 },
        ramGB: 2048,
        nvme: { drives: 8, tbEach: 3.84 },
        interconnect: ROCE_400,
        ethernetGbps: 200,
      },
    ],
  },
  "H200-141GB": {
    usd: [3.0, 3.59],
    gpusPerUnit: [8],
    memoryGB: 141,
    formFactor: "SXM5",
    demand: 2,
    builds: [
      {
        platform: "NVIDIA HGX H200 8-GPU",
        cpu: { model: "Intel Xeon Platinum 8568Y+", sockets: 2, cores: 96 },
        ramGB: 2048,
        nvme: { drives: 8, tbEach: 7.68 },
        interconnect: IB_NDR,
        ethernetGbps: 200,
      },
      {
        platform: "NVIDIA HGX H200 8-GPU",
        cpu: { model: "AMD EPYC 9534", sockets: 2, cores: 128 },
        ramGB: 3072,
        nvme: { drives: 8, tbEach: 7.68 },
        interconnect: IB_NDR,
        ethernetGbps: 400,
      },
    ],
  },
  "B200-192GB": {
    usd: [4.55, 5.95],
    gpusPerUnit: [8],
    memoryGB: 192,
    formFactor: "SXM6",
    demand: 1.5,
    builds: [
      {
        platform: "NVIDIA HGX B200 8-GPU",
        cpu: { model: "Intel Xeon Platinum 8570", sockets: 2, cores: 112 },
        ramGB: 4096,
        nvme: { drives: 8, tbEach: 7.68 },
        interconnect: IB_NDR,
        ethernetGbps: 400,
      },
      {
        platform: "NVIDIA HGX B200 8-GPU",
        cpu: { model: "Intel Xeon 6960P", sockets: 2, cores: 144 },
        ramGB: 4096,
        nvme: { drives: 8, tbEach: 7.68 },
        interconnect: ROCE_400,
        ethernetGbps: 400,
      },
    ],
  },
  "B300-288GB": {
    usd: [6.1, 7.9],
    gpusPerUnit: [8],
    memoryGB: 288,
    formFactor: "SXM6",
    demand: 0.8,
    builds: [
      {
        platform: "NVIDIA HGX B300 8-GPU",
        cpu: { model: "Intel Xeon 6776P", sockets: 2, cores: 128 },
        ramGB: 4096,
        nvme: { drives: 8, tbEach: 15.36 },
        interconnect: { fabric: "RoCE v2 (Spectrum-X, ConnectX-8)", gbpsPerGpu: 800, rdma: true },
        ethernetGbps: 400,
      },
      {
        platform: "NVIDIA HGX B300 8-GPU",
        cpu: { model: "Intel Xeon 6776P", sockets: 2, cores: 128 },
        ramGB: 4096,
        nvme: { drives: 8, tbEach: 7.68 },
        interconnect: IB_NDR,
        ethernetGbps: 400,
      },
    ],
  },
  "L40S-48GB": {
    usd: [0.74, 0.89],
    gpusPerUnit: [4, 2],
    memoryGB: 48,
    formFactor: "PCIe",
    demand: 1,
    builds: [
      {
        platform: "4U PCIe GPU server",
        cpu: { model: "AMD EPYC 9354", sockets: 2, cores: 64 },
        ramGB: 768,
        nvme: { drives: 4, tbEach: 3.84 },
        interconnect: { fabric: "RoCE v2", gbpsPerServer: 200, rdma: true },
        ethernetGbps: 100,
      },
      {
        platform: "2U PCIe GPU server",
        cpu: { model: "AMD EPYC 9454P", sockets: 1, cores: 48 },
        ramGB: 512,
        nvme: { drives: 2, tbEach: 3.84 },
        interconnect: { fabric: "Ethernet", gbpsPerServer: 100, rdma: false },
        ethernetGbps: 100,
      },
    ],
  },
  "RTX4090-24GB": {
    usd: [0.31, 0.42],
    gpusPerUnit: [4, 2, 1],
    memoryGB: 24,
    formFactor: "PCIe",
    demand: 0.9,
    builds: [
      {
        platform: "Workstation tower",
        cpu: { model: "AMD Ryzen Threadripper PRO 7975WX", sockets: 1, cores: 32 },
        ramGB: 256,
        nvme: { drives: 2, tbEach: 3.84 },
        interconnect: { fabric: "Ethernet", gbpsPerServer: 25, rdma: false },
        ethernetGbps: 25,
      },
      {
        platform: "Desktop",
        cpu: { model: "AMD Ryzen 9 7950X", sockets: 1, cores: 16 },
        ramGB: 128,
        nvme: { drives: 1, tbEach: 2 },
        interconnect: { fabric: "Ethernet", gbpsPerServer: 10, rdma: false },
        ethernetGbps: 10,
      },
    ],
  },
};

export type OfferKind = "on-demand" | "reserved";
export type TokenKey = "usd" | "grid";

export interface OfferTemplate {
  gpu: GpuModelCode;
  kind: OfferKind;
  token: TokenKey;
  /** Servers listed. */
  units: number;
  /** Minimum lease for reserved offers, in days (30 by default). */
  minDays?: number;
  /** Maximum lease in days (on-demand: 14 by default; reserved: 1096). */
  maxDays?: number;
  /** Bulk listings price below the typical range (DESIGN: H100 bulk below $2). */
  bulk?: boolean;
  /** Only the provider's allowlisted buyers may lease it. */
  allowlist?: boolean;
}

export interface ProviderTemplate {
  name: string;
  region: RegionCode;
  datacenter: string;
  tier: string;
  /** HGX servers in the site's cluster (what the provider could list). */
  clusterServers: number;
  /** Chance that a lease is delivered and kept up as agreed: the provider's track record. */
  reliability: number;
  /** GRID bonded at registration. */
  bondGrid: number;
  /** Minimum bond per offer, in GRID (HGX; PCIe boxes use a tenth). */
  minBondGrid: number;
  /** Day on which the provider joins the market. */
  joinDay: number;
  website: string;
  offers: OfferTemplate[];
}

/** Fourteen providers across all nine sites of DESIGN.md. The first is account #1, the next #2, and so on. */
export const PROVIDERS: ProviderTemplate[] = [
  {
    name: "Southern Cross Compute",
    region: "AU-QLD",
    datacenter: "BNE2, Eagle Farm",
    tier: "Tier III",
    clusterServers: 352,
    reliability: 0.98,
    bondGrid: 250_000,
    minBondGrid: 20_000,
    joinDay: 0,
    website: "https://southerncross-compute.example",
    offers: [
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 96, bulk: true },
      {
        gpu: "H100-SXM-80GB",
        kind: "reserved",
        token: "usd",
        units: 224,
        minDays: 30,
        maxDays: 1096,
      },
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 24 },
      { gpu: "H200-141GB", kind: "on-demand", token: "grid", units: 8 },
    ],
  },
  {
    name: "Harbour Bridge GPU Cloud",
    region: "AU-NSW",
    datacenter: "SYD1, Alexandria",
    tier: "Tier III",
    clusterServers: 160,
    reliability: 0.96,
    bondGrid: 150_000,
    minBondGrid: 15_000,
    joinDay: 0,
    website: "https://harbourbridge-gpu.example",
    offers: [
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 40 },
      { gpu: "B200-192GB", kind: "on-demand", token: "usd", units: 32 },
      { gpu: "B200-192GB", kind: "reserved", token: "usd", units: 88, minDays: 90, maxDays: 1096 },
    ],
  },
  {
    name: "Kansai AI Factory",
    region: "JP-27",
    datacenter: "OSK3, Sakai",
    tier: "Tier III+",
    clusterServers: 320,
    reliability: 0.97,
    bondGrid: 200_000,
    minBondGrid: 20_000,
    joinDay: 0,
    website: "https://kansai-aifactory.example",
    offers: [
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 64 },
      { gpu: "B300-288GB", kind: "on-demand", token: "usd", units: 32 },
      {
        gpu: "B300-288GB",
        kind: "reserved",
        token: "usd",
        units: 192,
        minDays: 180,
        maxDays: 1096,
      },
    ],
  },
  {
    name: "Shibuya Neocloud",
    region: "JP-13",
    datacenter: "TYO5, Inzai",
    tier: "Tier III",
    clusterServers: 48,
    reliability: 0.95,
    bondGrid: 80_000,
    minBondGrid: 10_000,
    joinDay: 0,
    website: "https://shibuya-neocloud.example",
    offers: [
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 24 },
      { gpu: "L40S-48GB", kind: "on-demand", token: "usd", units: 20 },
      { gpu: "A100-80GB", kind: "on-demand", token: "grid", units: 12 },
    ],
  },
  {
    name: "Lion City Compute",
    region: "SG",
    datacenter: "SIN4, Jurong",
    tier: "Tier IV",
    clusterServers: 304,
    reliability: 0.98,
    bondGrid: 200_000,
    minBondGrid: 20_000,
    joinDay: 0,
    website: "https://lioncity-compute.example",
    offers: [
      { gpu: "A100-80GB", kind: "on-demand", token: "usd", units: 32 },
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 64, bulk: true },
      {
        gpu: "H100-SXM-80GB",
        kind: "reserved",
        token: "usd",
        units: 160,
        minDays: 365,
        maxDays: 1096,
      },
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 48 },
    ],
  },
  {
    name: "Johor Hyperscale AI",
    region: "MY-01",
    datacenter: "JHB1, Sedenak Tech Park",
    tier: "Tier III",
    clusterServers: 384,
    reliability: 0.97,
    bondGrid: 300_000,
    minBondGrid: 25_000,
    joinDay: 0,
    website: "https://johor-hyperscale.example",
    offers: [
      { gpu: "B200-192GB", kind: "on-demand", token: "usd", units: 64 },
      { gpu: "B200-192GB", kind: "reserved", token: "usd", units: 256, minDays: 30, maxDays: 1096 },
      { gpu: "B300-288GB", kind: "on-demand", token: "usd", units: 32 },
      { gpu: "H200-141GB", kind: "on-demand", token: "grid", units: 16 },
    ],
  },
  {
    name: "Petaling Render Farm",
    region: "MY-14",
    datacenter: "KUL2, Cyberjaya",
    tier: "Tier II",
    clusterServers: 0,
    reliability: 0.9,
    bondGrid: 20_000,
    minBondGrid: 2_000,
    joinDay: 0,
    website: "https://petaling-render.example",
    offers: [
      { gpu: "RTX4090-24GB", kind: "on-demand", token: "usd", units: 40 },
      { gpu: "RTX4090-24GB", kind: "on-demand", token: "grid", units: 16 },
      { gpu: "L40S-48GB", kind: "on-demand", token: "usd", units: 24 },
    ],
  },
  {
    name: "Golden State GPU",
    region: "US-CA",
    datacenter: "SJC7, Santa Clara",
    tier: "Tier III",
    clusterServers: 336,
    reliability: 0.97,
    bondGrid: 250_000,
    minBondGrid: 25_000,
    joinDay: 0,
    website: "https://goldenstate-gpu.example",
    offers: [
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 48 },
      { gpu: "B200-192GB", kind: "on-demand", token: "usd", units: 48 },
      { gpu: "B300-288GB", kind: "on-demand", token: "usd", units: 24 },
      { gpu: "B300-288GB", kind: "reserved", token: "usd", units: 200, minDays: 30, maxDays: 730 },
    ],
  },
  {
    name: "Dubai Silicon Oasis Compute",
    region: "AE-DU",
    datacenter: "DXB2, Dubai Silicon Oasis",
    tier: "Tier III",
    clusterServers: 256,
    reliability: 0.96,
    bondGrid: 150_000,
    minBondGrid: 15_000,
    joinDay: 0,
    website: "https://dso-compute.example",
    offers: [
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 40 },
      { gpu: "B200-192GB", kind: "on-demand", token: "grid", units: 24 },
      {
        gpu: "H100-SXM-80GB",
        kind: "reserved",
        token: "usd",
        units: 160,
        minDays: 90,
        maxDays: 1096,
      },
    ],
  },
  {
    name: "Mission District GPU Rigs",
    region: "US-CA",
    datacenter: "SFO colo, Mission District",
    tier: "Tier II",
    clusterServers: 0,
    reliability: 0.84,
    bondGrid: 6_000,
    minBondGrid: 1_000,
    joinDay: 0,
    website: "https://mission-rigs.example",
    offers: [
      { gpu: "RTX4090-24GB", kind: "on-demand", token: "usd", units: 12, maxDays: 7 },
      { gpu: "RTX4090-24GB", kind: "on-demand", token: "grid", units: 6, maxDays: 7 },
    ],
  },
  {
    name: "Outback Compute Co-op",
    region: "AU-QLD",
    datacenter: "BNE1, Brisbane CBD",
    tier: "Tier III",
    clusterServers: 64,
    reliability: 0.93,
    bondGrid: 60_000,
    minBondGrid: 8_000,
    joinDay: 1.5,
    website: "https://outback-coop.example",
    offers: [
      { gpu: "A100-80GB", kind: "on-demand", token: "usd", units: 24 },
      { gpu: "A100-80GB", kind: "reserved", token: "usd", units: 32, minDays: 30, maxDays: 365 },
      { gpu: "L40S-48GB", kind: "on-demand", token: "usd", units: 16 },
    ],
  },
  {
    name: "Marina Bay Vetted Compute",
    region: "SG",
    datacenter: "SIN2, Loyang",
    tier: "Tier IV",
    clusterServers: 128,
    reliability: 0.99,
    bondGrid: 120_000,
    minBondGrid: 15_000,
    joinDay: 0,
    website: "https://marinabay-vetted.example",
    offers: [
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 32, allowlist: true },
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 24, allowlist: true },
      {
        gpu: "H200-141GB",
        kind: "reserved",
        token: "usd",
        units: 64,
        minDays: 90,
        maxDays: 1096,
        allowlist: true,
      },
    ],
  },
  {
    name: "Kanto Research Cloud",
    region: "JP-13",
    datacenter: "TYO2, Otemachi",
    tier: "Tier III",
    clusterServers: 72,
    reliability: 0.9,
    bondGrid: 50_000,
    minBondGrid: 6_000,
    joinDay: 3,
    website: "https://kanto-research.example",
    offers: [
      { gpu: "A100-80GB", kind: "on-demand", token: "usd", units: 24 },
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "grid", units: 16 },
      { gpu: "RTX4090-24GB", kind: "on-demand", token: "usd", units: 16 },
    ],
  },
  {
    name: "Desert Sands Neocloud",
    region: "AE-DU",
    datacenter: "DXB5, Jebel Ali",
    tier: "Tier III",
    clusterServers: 320,
    reliability: 0.95,
    bondGrid: 180_000,
    minBondGrid: 20_000,
    joinDay: 5,
    website: "https://desertsands-neocloud.example",
    offers: [
      { gpu: "B300-288GB", kind: "on-demand", token: "usd", units: 48 },
      { gpu: "H200-141GB", kind: "on-demand", token: "usd", units: 32 },
      { gpu: "L40S-48GB", kind: "on-demand", token: "grid", units: 24 },
    ],
  },
];

/** The on-chain label of a site: "Brisbane, Australia". */
export const siteName = (region: RegionCode) => REGIONS[region];

/** Provider metadata, as a `data:` URI any client can read without a gateway. */
export function providerMetadata(p: ProviderTemplate, extra: Record<string, unknown> = {}): string {
  const json = JSON.stringify({
    name: p.name,
    website: p.website,
    contact: `ops@${new URL(p.website).hostname}`,
    sites: [
      {
        region: p.region,
        location: siteName(p.region),
        datacenter: p.datacenter,
        tier: p.tier,
        ...(p.clusterServers ? { gpuServers: p.clusterServers } : {}),
      },
    ],
    ...extra,
  });
  return dataUri(json);
}

export const dataUri = (json: string) => `data:application/json,${encodeURIComponent(json)}`;

/** The spec JSON of a listing: what the server is, so buyers can compare. Hashed into `specHash`. */
export function offerSpec(
  rng: Random,
  provider: ProviderTemplate,
  offer: OfferTemplate,
  gpusPerUnit: number,
): string {
  const gpu = GPUS[offer.gpu];
  const build = rng.pick(gpu.builds);
  const hgx = gpusPerUnit === 8 && gpu.gpusPerUnit[0] === 8;
  const spec = {
    schema: "gridlease.spec/v1",
    gpu: {
      model: offer.gpu,
      name: GPU_MODELS[offer.gpu],
      memoryGB: gpu.memoryGB,
      formFactor: gpu.formFactor,
      count: gpusPerUnit,
      ...(hgx ? { nvlink: true } : {}),
    },
    server: {
      platform: hgx
        ? build.platform
        : `${build.platform}, ${gpusPerUnit}x ${GPU_MODELS[offer.gpu]}`,
      cpu: {
        model: build.cpu.model,
        sockets: build.cpu.sockets,
        cores: build.cpu.cores,
      },
      ramGB: build.ramGB,
      nvme: {
        drives: build.nvme.drives,
        driveTB: build.nvme.tbEach,
        totalTB: Math.round(build.nvme.drives * build.nvme.tbEach * 100) / 100,
      },
    },
    interconnect: build.interconnect,
    network: { ethernetGbps: build.ethernetGbps, publicIPv4: true },
    site: {
      region: provider.region,
      location: siteName(provider.region),
      datacenter: provider.datacenter,
      tier: provider.tier,
    },
    ...(hgx && provider.clusterServers ? { cluster: { servers: provider.clusterServers } } : {}),
    deal: offer.kind,
    ...(offer.allowlist ? { access: "vetted buyers only (allowlist)" } : {}),
  };
  return JSON.stringify(spec);
}
