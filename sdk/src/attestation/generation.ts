/**
 * GPU generations: from an offer's model label, and from the chip name NVIDIA puts in the device certificates'
 * subjects ("GH100 A01 GSP FMC LF", "NVIDIA GH100 Identity"; on Blackwell "NVIDIA GB100 Identity"). See
 * docs/attestation.md for where the Blackwell names come from.
 */
import { GPU_MODEL_SPECS, gpuModelSpec } from "../hardware/models.ts";
import type { Generation } from "./types.ts";

/** NVIDIA's chip names: G, the architecture letter (H = Hopper, B = Blackwell), three digits ("GH100", "GB100"). */
const CHIP_PATTERN = /\bG([HB])(\d{3})\b/;

/** The chip named in a certificate subject (or any text), with its generation, or null. */
export function chipOfName(name: string): { chip: string; generation: Generation } | null {
  const match = CHIP_PATTERN.exec(name);
  if (!match) return null;
  return { chip: match[0], generation: match[1] === "H" ? "hopper" : "blackwell" };
}

/**
 * GPU model label of an offer ("H100-SXM-80GB", "B200", ...) -> generation, or null. Uses the market's model table
 * (`hardware/models.ts`): a market code, or a product name its matchers know.
 */
export function generationOfModel(gpuModel: string): Generation | null {
  const label = gpuModel.trim();
  const spec =
    gpuModelSpec(label.toUpperCase()) ??
    GPU_MODEL_SPECS.find((model) => model.matches(label, Infinity));
  if (spec?.architecture === "Hopper") return "hopper";
  if (spec?.architecture === "Blackwell") return "blackwell";
  return null;
}

/** Display name of a generation ("Hopper"). */
export function generationLabel(generation: Generation): string {
  return generation === "hopper" ? "Hopper" : "Blackwell";
}
