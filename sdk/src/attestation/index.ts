/**
 * NVIDIA GPU attestation: parse a host's report and certificate chain, verify them to NVIDIA's Device Identity CA,
 * check the nonce and compare the firmware measurements with NVIDIA's RIMs. Browser-safe (no `node:` imports).
 */
export * from "./types.ts";
export * from "./input.ts";
export * from "./generation.ts";
export * from "./spdm.ts";
export { compareMeasurements, type GoldenValues } from "./rim.ts";
export { NVIDIA_DEVICE_IDENTITY_CA_PEM, NVIDIA_RIM_ROOT_CA_PEM } from "./roots.ts";
export { verifyAttestation } from "./verify.ts";
export * from "./describe.ts";
export * from "./claim.ts";
