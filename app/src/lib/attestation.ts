/**
 * The NVIDIA attestation verifier in the app. It is big (X.509, P-384, XML signatures), so it is loaded with a dynamic
 * `import()` the first time something is verified and lives in its own chunk: every other module imports only its
 * types. The trusted roots are NVIDIA's, pinned in the SDK; only component tests put other roots in the context.
 */
import { createContext, useContext } from "react";
import type { AttestationVerdict } from "@gridlease/sdk/attestation";

/** Loads `@gridlease/sdk/attestation` (its own chunk, fetched once and then cached by the browser). */
export const loadVerifier = () => import("./attestationVerifier.ts");

/** The loaded verifier module. */
export type Verifier = Awaited<ReturnType<typeof loadVerifier>>;

/** A verdict with the SDK's plain-words description of it (computed where the verifier is loaded). */
export interface DescribedVerdict {
  verdict: AttestationVerdict;
  headline: string;
  lines: string[];
}

/** Describes a verdict with the SDK's words. */
export function describe(verifier: Verifier, verdict: AttestationVerdict): DescribedVerdict {
  const { headline, lines } = verifier.describeVerdict(verdict);
  return { verdict, headline, lines };
}

/** Trusted device roots (DER) that replace NVIDIA's pinned ones. */
export interface AttestationRoots {
  device: Uint8Array[];
}

/**
 * Roots the verifier trusts instead of NVIDIA's. The app never provides this context, so it always verifies to the
 * SDK's pinned NVIDIA roots; component tests provide a test GPU's root to exercise a verdict that passes.
 */
export const AttestationRootsContext = createContext<AttestationRoots | undefined>(undefined);

/** The injected roots (tests only), or undefined: the SDK's pinned NVIDIA roots. */
export const useAttestationRoots = () => useContext(AttestationRootsContext);

/** One line of "what was checked": passed, failed, or not checked (said as such, never as a pass). */
export interface VerdictCheck {
  what: string;
  state: "passed" | "failed" | "not-checked";
  detail: string;
}

const GENERATION_NAMES = { hopper: "Hopper", blackwell: "Blackwell" } as const;

const short = (hex: string) => (hex.length > 18 ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : hex);

/**
 * What the verdict checked, in the order a buyer reads it: the chain to NVIDIA's root, the report's signature, the
 * nonce, the GPU generation, the firmware against the RIMs and revocation. `nonceSource` says where the expected
 * nonce came from ("the nonce you generated", "the claim's nonce, bound to block 1234").
 */
export function verdictChecks(v: AttestationVerdict, nonceSource: string): VerdictCheck[] {
  const failed = (code: string) => v.failures.some((f) => f.code === code);
  const count = v.chain.certificates.length;
  const chain: VerdictCheck = !v.chain.verified
    ? { what: "Certificate chain", state: "failed", detail: "Does not verify to a trusted root." }
    : v.root === "nvidia"
      ? {
          what: "Certificate chain",
          state: "passed",
          detail: `${count} certificate${count === 1 ? "" : "s"} verified to NVIDIA's Device Identity CA.`,
        }
      : {
          // Only tests inject a root (the app never does): said plainly, so a test verdict never reads as NVIDIA's.
          what: "Certificate chain",
          state: "passed",
          detail: `${count} certificate${count === 1 ? "" : "s"} verified to a test root given to this page, not to NVIDIA's.`,
        };
  const nonce: VerdictCheck =
    v.nonce.matches === true
      ? { what: "Nonce", state: "passed", detail: `The report answers ${nonceSource}.` }
      : v.nonce.matches === false
        ? {
            what: "Nonce",
            state: "failed",
            detail: `The report carries ${short(v.nonce.reported ?? "no nonce")}, not ${nonceSource} (${short(v.nonce.expected ?? "")}).`,
          }
        : {
            what: "Nonce",
            state: "not-checked",
            detail: "Not checked: without a nonce of yours the report could be an old one.",
          };
  const gpu: VerdictCheck =
    v.generation && !failed("GenerationMismatch") && !failed("UnknownGeneration")
      ? {
          what: "GPU",
          state: "passed",
          detail: `${v.chip ?? "NVIDIA GPU"} (${GENERATION_NAMES[v.generation]}), named by its certificates.`,
        }
      : {
          what: "GPU",
          state: "failed",
          detail: failed("GenerationMismatch")
            ? "The certificates name another GPU generation than the one claimed."
            : "The certificates name no known GPU generation.",
        };
  const compared = v.measurements.filter((m) => m.firmware !== "not-checked");
  const matched = compared.filter((m) => m.firmware === "match").length;
  const firmware: VerdictCheck = !v.firmware.checked
    ? {
        what: "Firmware",
        state: "not-checked",
        detail: "Not compared: no Reference Integrity Manifest (RIM) was given.",
      }
    : {
        what: "Firmware",
        state: v.failures.some((f) => f.code === "MeasurementMismatch" || f.code.startsWith("Rim"))
          ? "failed"
          : "passed",
        detail: `${matched} of ${compared.length} measurements match ${v.firmware.rims.length} RIM${v.firmware.rims.length === 1 ? "" : "s"}.`,
      };
  // The SDK's detail may repeat "revocation not checked": the state already says it.
  const why = v.revocation.detail
    .replace(/^revocation not checked[:.]?\s*/i, "")
    .replace(/\.$/, "");
  const revocation: VerdictCheck =
    v.revocation.status === "not-checked"
      ? {
          what: "Revocation",
          state: "not-checked",
          detail: why
            ? `${why.charAt(0).toUpperCase()}${why.slice(1)}.`
            : "No OCSP responder was asked.",
        }
      : {
          what: "Revocation",
          state: v.revocation.status === "good" ? "passed" : "failed",
          detail: v.revocation.detail,
        };
  return [
    chain,
    {
      what: "Report signature",
      state: v.signature.verified ? "passed" : "failed",
      detail: v.signature.verified
        ? "Signed by the GPU's key, certified by the chain's leaf certificate."
        : "Does not verify with the leaf certificate's key.",
    },
    nonce,
    gpu,
    firmware,
    revocation,
  ];
}
