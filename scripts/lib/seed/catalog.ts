/**
 * Who sells in the seeded market: the providers with their sites and listings (the GPU server builds and their
 * prices per GPU-hour are in ./gpus.ts), and the metadata and spec documents they publish. The facts follow ../shared/DESIGN.md ("Realistic data for seeds, demos and tests"): 2025-26
 * prices, 8 GPUs per HGX server, clusters of 300-400 servers, InfiniBand NDR 400 Gb/s or RoCE, on-demand
 * deals of hours to days and reserved deals of 30 days to 3 years at a discount.
 */
import { GPU_MODELS, REGIONS, type GpuModelCode, type RegionCode } from "@gridlease/sdk/labels";
import { GPUS } from "./gpus.ts";
import type { Random } from "./random.ts";

export const HOUR = 3600n;
export const DAY = 86_400n;

/** Reference price of one GRID in USD, used to quote GRID-priced offers (18 decimals). */
export const GRID_USD = 0.4;

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
