/** Verdicts for people: the plain-words summary, and the verdict of a host that cannot attest. */
import { generationLabel } from "./generation.ts";
import type { AttestationVerdict } from "./types.ts";

/** Plain-words lines for people (CLI text output and app), e.g. "Genuine NVIDIA GH100 (Hopper) · revocation not checked". */
export function describeVerdict(v: AttestationVerdict): { headline: string; lines: string[] } {
  const gpu = v.chip && v.generation ? `${v.chip} (${generationLabel(v.generation)})` : "GPU";
  const revocation =
    v.revocation.status === "good"
      ? "revocation checked"
      : v.revocation.status === "revoked"
        ? "REVOKED"
        : "revocation not checked";
  const rootName =
    v.root === "nvidia" ? "NVIDIA's Device Identity CA" : "a test root (not NVIDIA's)";
  const headline = v.genuine
    ? `${v.root === "nvidia" ? "Genuine NVIDIA" : "Verified against a test root (not NVIDIA's):"} ${gpu} · ${revocation}`
    : `Not verified: ${v.failures[0]?.message ?? "the report did not verify"}`;
  const firmware = v.firmware.checked
    ? `firmware: ${v.measurements.filter((m) => m.firmware === "match").length} measurements match the RIMs, ${v.measurements.filter((m) => m.firmware === "mismatch").length} differ`
    : "firmware: not compared (no RIMs given)";
  const lines = [
    v.chain.verified
      ? `certificate chain: verified to ${rootName}`
      : "certificate chain: NOT verified",
    v.signature.verified
      ? "report signature: verified with the GPU's key"
      : "report signature: NOT verified",
    v.nonce.matches === true
      ? `nonce: matches ${v.nonce.expected ?? ""}`
      : v.nonce.matches === false
        ? `nonce: MISMATCH (report ${v.nonce.reported ?? "none"}, expected ${v.nonce.expected ?? "none"})`
        : "nonce: not checked (the report may be a replay)",
    firmware,
    `revocation: ${v.revocation.detail}`,
    ...v.failures.map((failure) => `✗ ${failure.code}: ${failure.message}`),
  ];
  return { headline, lines };
}

/** The verdict for a host that cannot attest: genuine false, one failure ConfidentialComputingUnavailable. Never a pass. */
export function unavailableVerdict(reason: string, now: Date = new Date()): AttestationVerdict {
  return {
    genuine: false,
    generation: null,
    chip: null,
    root: null,
    nonce: { expected: null, reported: null, matches: null },
    signature: { verified: false },
    chain: { verified: false, certificates: [] },
    spdm: null,
    measurements: [],
    firmware: { checked: false, rims: [] },
    revocation: { status: "not-checked", detail: "revocation not checked: there is no report" },
    // keccak256 of no bytes: there is no report to hash.
    reportHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    failures: [
      {
        code: "ConfidentialComputingUnavailable",
        message: `the host cannot produce an NVIDIA attestation report: ${reason}`,
      },
    ],
    checkedAt: now.toISOString(),
  };
}
