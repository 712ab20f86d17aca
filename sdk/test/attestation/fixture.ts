/** NVIDIA's published Hopper test data (sdk/test/fixtures/nvidia-attestation/, see its README), read once. */
import { readFileSync } from "node:fs";
import { parseCertChainPem, parseReportHex, type Hex } from "../../src/attestation/index.ts";

const read = (name: string) =>
  readFileSync(new URL(`../fixtures/nvidia-attestation/${name}`, import.meta.url), "utf8");

/** The nonce in the fixture report's SPDM request. */
export const FIXTURE_NONCE: Hex =
  "0x931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";
export const reportHex = read("hopperAttestationReport.txt");
export const certChainPem = read("hopperCertChain.txt");
export const deviceRootPem = read("verifier_device_root.pem");
export const rimRootPem = read("verifier_RIM_root.pem");
export const driverRim = read("Driver_RIM_test_no_gpu.swidtag");
export const vbiosRim = read("1010_0200_882_96005E0001_test_no_gpu.swidtag");

/** Fresh copies each call, so a test can flip bits freely. */
export const fixtureReport = (): Uint8Array => parseReportHex(reportHex);
export const fixtureChain = (): Uint8Array[] => parseCertChainPem(certChainPem);

/** A time at which every certificate of both test RIMs' signer chains is valid (their leaf expires 2025-06-26). */
export const RIM_CERTS_VALID_AT = new Date("2024-06-01T00:00:00Z");

/** A copy of `bytes` with bit `bit` of byte `position` flipped. */
export function flipBit(bytes: Uint8Array, position: number, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[position] = (copy[position] ?? 0) ^ (1 << bit);
  return copy;
}

/** The distinct failure codes of a verdict, sorted. */
export function codesOf(verdict: { failures: { code: string }[] }): string[] {
  return [...new Set(verdict.failures.map((failure) => failure.code))].sort();
}
