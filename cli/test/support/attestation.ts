/**
 * NVIDIA's published Hopper attestation sample (copied into sdk/test/fixtures/nvidia-attestation with its README
 * and LICENSE) as the CLI tests use it: the files, the nonce its SPDM request carries, and the bundle JSON a host's
 * gridlease-attest would print for it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support.ts";

export const NVIDIA_FIXTURES = join(ROOT, "sdk", "test", "fixtures", "nvidia-attestation");
export const FIXTURE_REPORT = join(NVIDIA_FIXTURES, "hopperAttestationReport.txt");
export const FIXTURE_CHAIN = join(NVIDIA_FIXTURES, "hopperCertChain.txt");
export const FIXTURE_RIMS = [
  join(NVIDIA_FIXTURES, "Driver_RIM_test_no_gpu.swidtag"),
  join(NVIDIA_FIXTURES, "1010_0200_882_96005E0001_test_no_gpu.swidtag"),
];
/** The RIM root: a real NVIDIA root, but not the one device chains end at. */
export const RIM_ROOT = join(NVIDIA_FIXTURES, "verifier_RIM_root.pem");
/** The nonce in the sample's SPDM request (NVIDIA's README). */
export const FIXTURE_NONCE = "0x931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

/** What gridlease-attest prints on a host with `gpus` GPUs that all answer with NVIDIA's sample. */
export function fixtureBundleJson(gpus = 1): string {
  const bundle = {
    format: "gridlease-attestation/1",
    report: readFileSync(FIXTURE_REPORT, "utf8").replace(/\s+/g, ""),
    certChain: readFileSync(FIXTURE_CHAIN, "utf8"),
    tool: "nvml",
  };
  return JSON.stringify(Array.from({ length: gpus }, () => bundle));
}

/** The unavailable form, as the hook prints it on a machine without confidential computing. */
export const unavailableJson = (reason: string) =>
  JSON.stringify({ format: "gridlease-attestation/1", unavailable: reason });
