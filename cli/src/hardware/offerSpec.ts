/**
 * `offer create --detect`: probes this server (the SDK's probe, nvidia-smi as GRIDLEASE_NVIDIA_SMI names it) and
 * builds the offer spec JSON whose keccak256 becomes the offer's on-chain specHash; `--spec-out` writes the exact
 * bytes, to publish at the offer's spec URI. Without a readable report the offer is still listed, with the
 * previous hash of the detected GPU list, and a warning says the spec carries no report.
 */
import { writeFileSync } from "node:fs";
import { keccak256, toHex, type Hex } from "viem";
import { offerSpecJson } from "@gridlease/sdk";
import { errorMessage, usage } from "../exit.ts";
import type { Detection } from "../gpu.ts";
import type { Output } from "../output.ts";
import { probeLocally } from "./probe.ts";

/** The spec hash of a detected server, and the spec JSON when the probe could read a full report. */
export async function detectedOfferSpec(args: {
  detected: Detection;
  gpuModel: string;
  gpusPerUnit: bigint;
  specOut?: string;
  out: Output;
}): Promise<{ specHash: Hex; spec: string | null; reportError?: string }> {
  try {
    const report = await probeLocally();
    const { json, specHash } = offerSpecJson(report, {
      gpuModel: args.gpuModel,
      gpusPerUnit: Number(args.gpusPerUnit),
    });
    if (args.specOut) {
      try {
        writeFileSync(args.specOut, json, { mode: 0o644 });
      } catch (err) {
        throw usage(`--spec-out: ${errorMessage(err)}`);
      }
    }
    args.out.progress(
      `  hardware report (provider-reported inventory) in the spec, spec hash ${specHash}`,
    );
    return { specHash, spec: json };
  } catch (err) {
    if (errorMessage(err).startsWith("--spec-out")) throw err;
    const reportError = errorMessage(err);
    args.out.progress(
      `  warning: no hardware report in the spec (${reportError}); the spec hash covers the GPU list only`,
    );
    return {
      specHash: keccak256(toHex(JSON.stringify(args.detected.gpus))),
      spec: null,
      reportError,
    };
  }
}
