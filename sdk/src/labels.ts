import { hexToString, stringToHex, type Hex } from "viem";

/** GPU models as listed on-chain (bytes32 ASCII) with their human labels. */
export const GPU_MODELS = {
  "A100-80GB": "NVIDIA A100 80GB",
  "H100-SXM-80GB": "NVIDIA H100 SXM 80GB",
  "H200-141GB": "NVIDIA H200 141GB",
  "B200-192GB": "NVIDIA B200 192GB",
  "B300-288GB": "NVIDIA B300 288GB",
  "L40S-48GB": "NVIDIA L40S 48GB",
  "RTX4090-24GB": "NVIDIA GeForce RTX 4090 24GB",
} as const;
export type GpuModelCode = keyof typeof GPU_MODELS;

/** Sites seen in the field, by ISO 3166-2 style code (bytes8 on-chain). */
export const REGIONS = {
  "AU-QLD": "Brisbane, Australia",
  "AU-NSW": "Sydney, Australia",
  "JP-27": "Osaka, Japan",
  "JP-13": "Tokyo, Japan",
  SG: "Singapore",
  "MY-01": "Johor, Malaysia",
  "MY-14": "Kuala Lumpur, Malaysia",
  "US-CA": "California, USA",
  "AE-DU": "Dubai, UAE",
} as const;
export type RegionCode = keyof typeof REGIONS;

function encodeAscii(value: string, size: 8 | 32, what: string): Hex {
  if (!/^[\x20-\x7e]+$/.test(value))
    throw new RangeError(`${what} must be printable ASCII, got ${JSON.stringify(value)}`);
  if (value.length > size)
    throw new RangeError(`${what} is at most ${size} characters, got ${value.length}`);
  return stringToHex(value, { size });
}

function decodeAscii(hex: Hex): string {
  return hexToString(hex).replace(/\0+$/, "");
}

/** "H100-SXM-80GB" -> bytes32. */
export const encodeGpuModel = (code: string): Hex => encodeAscii(code, 32, "GPU model");
/** bytes32 -> "H100-SXM-80GB". */
export const decodeGpuModel = (hex: Hex): string => decodeAscii(hex);
/** "AU-QLD" -> bytes8. */
export const encodeRegion = (code: string): Hex => encodeAscii(code, 8, "Region code");
/** bytes8 -> "AU-QLD". */
export const decodeRegion = (hex: Hex): string => decodeAscii(hex);

/** Human label for a GPU model code, or the code itself when unknown. */
export const gpuModelLabel = (code: string): string =>
  (GPU_MODELS as Record<string, string>)[code] ?? code;
/** Human label for a region code, or the code itself when unknown. */
export const regionLabel = (code: string): string =>
  (REGIONS as Record<string, string>)[code] ?? code;
