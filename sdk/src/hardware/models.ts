/**
 * What the market's GPU model codes promise: the nvidia-smi product name that maps to each code, the memory
 * nvidia-smi reports for it, its architecture, whether its servers join GPUs by NVLink, and its peak dense
 * FP16 tensor throughput (the yardstick of the seeded throughput check).
 *
 * Peak dense FP16/BF16 TFLOPS (without structured sparsity; vendors often print the sparse figure, twice this), per GPU:
 * - H100 SXM 989.4, H100 PCIe 756.5: NVIDIA H100 Tensor Core GPU datasheet (2023), "BF16 Tensor Core" row.
 * - H200 989.4: NVIDIA H200 datasheet (same Hopper SXM compute as H100 SXM).
 * - B200 2250: NVIDIA DGX B200 datasheet (72 PFLOPS FP8 training for 8 GPUs = 9 sparse FP8, 2.25 dense BF16).
 * - B300 2250: NVIDIA's HGX B300 material gives no separate dense BF16 figure we could confirm, so B200's is
 *   used; as the check asks for a fraction of it, a faster B300 still passes.
 * - A100 312: NVIDIA A100 datasheet. L40S 362.05: NVIDIA L40S datasheet.
 * - RTX 4090 165.2: NVIDIA Ada Lovelace architecture whitepaper, appendix (FP16 with FP32 accumulate; 330.3 with
 *   FP16 accumulate, still below half of an H100 SXM, which is what the throughput check asks for).
 */

/** One market model code and what a server of it must show. */
export interface GpuModelSpec {
  code: string;
  architecture: string;
  /** The smallest framebuffer nvidia-smi reports for a card of this model (MiB). */
  minMemoryMiB: number;
  /** Servers of this model connect their GPUs with NVLink (SXM boards). */
  nvlink: boolean;
  peakDenseFp16Tflops: number;
  /** Whether an nvidia-smi product name (with its memory) is this model. */
  matches(productName: string, memoryMiB: number): boolean;
}

/** The market's GPU models, most specific first. */
export const GPU_MODEL_SPECS: readonly GpuModelSpec[] = [
  {
    code: "B300-288GB",
    architecture: "Blackwell",
    minMemoryMiB: 260_000,
    nvlink: true,
    peakDenseFp16Tflops: 2250,
    matches: (n) => /\bB300\b/i.test(n),
  },
  {
    code: "B200-192GB",
    architecture: "Blackwell",
    minMemoryMiB: 175_000,
    nvlink: true,
    peakDenseFp16Tflops: 2250,
    matches: (n) => /\bB200\b/i.test(n),
  },
  {
    code: "H200-141GB",
    architecture: "Hopper",
    minMemoryMiB: 135_000,
    nvlink: true,
    peakDenseFp16Tflops: 989.4,
    matches: (n) => /\bH200\b/i.test(n),
  },
  {
    code: "H100-PCIE-80GB",
    architecture: "Hopper",
    minMemoryMiB: 79_000,
    nvlink: false,
    peakDenseFp16Tflops: 756.5,
    matches: (n) => /\bH100\b/i.test(n) && /pcie/i.test(n),
  },
  {
    code: "H100-SXM-80GB",
    architecture: "Hopper",
    minMemoryMiB: 79_000,
    nvlink: true,
    peakDenseFp16Tflops: 989.4,
    matches: (n) => /\bH100\b/i.test(n) && !/pcie/i.test(n),
  },
  {
    code: "A100-80GB",
    architecture: "Ampere",
    minMemoryMiB: 79_000,
    nvlink: true,
    peakDenseFp16Tflops: 312,
    matches: (n, mib) => /\bA100\b/i.test(n) && mib > 60 * 1024,
  },
  {
    code: "A100-40GB",
    architecture: "Ampere",
    minMemoryMiB: 39_000,
    nvlink: true,
    peakDenseFp16Tflops: 312,
    matches: (n, mib) => /\bA100\b/i.test(n) && mib <= 60 * 1024,
  },
  {
    code: "L40S-48GB",
    architecture: "Ada Lovelace",
    minMemoryMiB: 44_000,
    nvlink: false,
    peakDenseFp16Tflops: 362.05,
    matches: (n) => /\bL40S\b/i.test(n),
  },
  {
    code: "RTX4090-24GB",
    architecture: "Ada Lovelace",
    minMemoryMiB: 23_000,
    nvlink: false,
    peakDenseFp16Tflops: 165.2,
    matches: (n) => /RTX 4090/i.test(n),
  },
];

/** The spec of a market model code ("H100-SXM-80GB"), or undefined for a code this table does not know. */
export function gpuModelSpec(code: string): GpuModelSpec | undefined {
  return GPU_MODEL_SPECS.find((m) => m.code === code);
}

/** The market model code of an nvidia-smi product name and framebuffer size; undefined when unknown. */
export function gpuModelOf(productName: string, memoryMiB: number): string | undefined {
  return GPU_MODEL_SPECS.find((m) => m.matches(productName, memoryMiB))?.code;
}
