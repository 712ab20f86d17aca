/**
 * The GPU servers of the seeded market: for each GPU model, the server builds providers list (platform, CPU,
 * RAM, NVMe, interconnect), the GPUs per server, the range of on-demand prices per GPU-hour and how much buyers
 * want it. The facts follow ../shared/DESIGN.md ("Realistic data for seeds, demos and tests").
 */
import type { GpuModelCode } from "@gridlease/sdk/labels";

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
