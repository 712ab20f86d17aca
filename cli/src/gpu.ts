/**
 * Local GPU detection for `offer create --detect`: runs
 *   nvidia-smi --query-gpu=index,name,memory.total,pci.bus_id,driver_version --format=csv,noheader
 * and maps the cards to the market's GPU model codes (sdk labels). `GRIDLEASE_NVIDIA_SMI` or --nvidia-smi
 * names another binary (tests point it at recorded outputs).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CliError, errorCode, errorMessage, EXIT } from "./exit.ts";

export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,name,memory.total,pci.bus_id,driver_version",
  "--format=csv,noheader",
];

export interface DetectedGpu {
  index: number;
  name: string;
  memoryMiB: number;
  busId: string;
  driver: string;
}

export interface Detection {
  gpus: DetectedGpu[];
  /** Market GPU model code ("H100-SXM-80GB"). */
  gpuModel: string;
  /** GPUs in the server: one unit. */
  gpusPerUnit: number;
  driver: string;
}

/** Parses `nvidia-smi --query-gpu=… --format=csv,noheader` output. */
export function parseNvidiaSmi(output: string): DetectedGpu[] {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return lines.map((line, i) => {
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length < 5)
      throw new CliError(
        EXIT.CONFIG,
        `Unexpected nvidia-smi output on line ${i + 1}: ${JSON.stringify(line)}`,
      );
    const [index, name, memory, busId, driver] = fields;
    const mem = /^(\d+)\s*MiB$/i.exec(memory);
    if (!/^\d+$/.test(index) || !mem)
      throw new CliError(
        EXIT.CONFIG,
        `Unexpected nvidia-smi output on line ${i + 1}: ${JSON.stringify(line)}`,
      );
    return { index: Number(index), name, memoryMiB: Number(mem[1]), busId, driver };
  });
}

/** The market's model code for an nvidia-smi card name and memory size; undefined when unknown. */
export function gpuModelCode(name: string, memoryMiB: number): string | undefined {
  const gb = memoryMiB / 1024;
  if (/\bB300\b/i.test(name)) return "B300-288GB";
  if (/\bB200\b/i.test(name)) return "B200-192GB";
  if (/\bH200\b/i.test(name)) return "H200-141GB";
  if (/\bH100\b/i.test(name)) return /pcie/i.test(name) ? "H100-PCIE-80GB" : "H100-SXM-80GB";
  if (/\bA100\b/i.test(name)) return gb > 60 ? "A100-80GB" : "A100-40GB";
  if (/\bL40S\b/i.test(name)) return "L40S-48GB";
  if (/RTX 4090/i.test(name)) return "RTX4090-24GB";
  return undefined;
}

/** Summarises the server's GPUs as one offer unit; refuses mixed or unknown cards. */
export function summarise(gpus: DetectedGpu[]): Detection {
  if (gpus.length === 0)
    throw new CliError(EXIT.CONFIG, "nvidia-smi reported no GPUs on this machine.");
  const codes = new Set(gpus.map((g) => gpuModelCode(g.name, g.memoryMiB) ?? `unknown: ${g.name}`));
  if (codes.size > 1)
    throw new CliError(
      EXIT.CONFIG,
      `This server mixes GPU models (${[...codes].join(", ")}): list each model as its own offer with --gpu-model and --gpus-per-unit.`,
    );
  const [code] = codes;
  if (code.startsWith("unknown: "))
    throw new CliError(
      EXIT.CONFIG,
      `Cannot map the GPU "${gpus[0].name}" to a market model code: pass --gpu-model yourself.`,
    );
  return { gpus, gpuModel: code, gpusPerUnit: gpus.length, driver: gpus[0].driver };
}

export async function detectGpus(
  binary = process.env.GRIDLEASE_NVIDIA_SMI ?? "nvidia-smi",
): Promise<Detection> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(binary, NVIDIA_SMI_ARGS, { timeout: 30_000 }));
  } catch (err) {
    const stderr =
      err instanceof Error && "stderr" in err && typeof err.stderr === "string" ? err.stderr : "";
    throw new CliError(
      EXIT.CONFIG,
      errorCode(err) === "ENOENT"
        ? `${binary} was not found: install the NVIDIA driver, or pass --gpu-model and --gpus-per-unit instead of --detect.`
        : `${binary} failed: ${(stderr || errorMessage(err)).trim()}`,
    );
  }
  return summarise(parseNvidiaSmi(stdout));
}

/** Whether a market model code belongs to what was asked: the code itself or its family ("H100" matches "H100-SXM-80GB"). */
export const gpuMatches = (model: string, wanted: string): boolean =>
  model === wanted || model.startsWith(`${wanted}-`);
