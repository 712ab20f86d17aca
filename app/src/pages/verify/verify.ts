/**
 * The verify page's logic, apart from React: a fresh nonce, and the buyer's input (the hook's JSON, or a report and
 * a chain, optional RIMs) turned into verdicts with the verifier the page loads on demand. Malformed input gives a
 * message in plain words, never an exception.
 */
import type { AttestationBundle, Hex } from "@gridlease/sdk/attestation";
import {
  describe,
  type AttestationRoots,
  type DescribedVerdict,
  type Verifier,
} from "../../lib/attestation.ts";

/** A fresh 32-byte nonce from the browser's cryptographic random generator, as 0x-hex. */
export function freshNonce(): Hex {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** What the buyer gave the page. */
export interface VerifyForm {
  /** "bundle": the output of gridlease-attest; "parts": a report's hex and its certificate chain's PEM. */
  mode: "bundle" | "parts";
  bundleText: string;
  reportText: string;
  chainText: string;
  /** RIM SWID-tag XML texts (none: the firmware is not compared). */
  rims: string[];
  /** The nonce this page generated, which the report must answer... */
  nonce: Hex;
  /** ...unless the buyer typed the one they used (a published report's): hex text, checked by the SDK. */
  otherNonce?: string;
}

/** One GPU's verdict (the hook prints one bundle per GPU). */
export interface GpuVerdict {
  label: string;
  described: DescribedVerdict;
}

export type VerifyOutcome = { ok: true; verdicts: GpuVerdict[] } | { ok: false; error: string };

const fail = (error: string): VerifyOutcome => ({ ok: false, error });

/** The hook's output: one bundle, or a JSON array of them (one per GPU), each parsed by the SDK. */
function parseBundles(verifier: Verifier, text: string): AttestationBundle[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return [verifier.parseAttestationBundle(trimmed)];
  let items: unknown;
  try {
    items = JSON.parse(trimmed);
  } catch (err) {
    throw new Error(`The hook's output is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(items) || items.length === 0)
    throw new Error("The hook's output is an empty list: it found no GPU to attest.");
  return items.map((item) => verifier.parseAttestationBundle(JSON.stringify(item)));
}

/** Verifies what the form holds; `roots` replaces NVIDIA's pinned roots (component tests only). */
export async function runVerification(
  verifier: Verifier,
  form: VerifyForm,
  roots?: AttestationRoots,
): Promise<VerifyOutcome> {
  const nonce =
    form.otherNonce === undefined
      ? form.nonce
      : verifier.normalizeNonce(form.otherNonce.replace(/\s+/g, ""));
  if (!nonce)
    return fail("The other nonce must be 32 bytes: 64 hex digits, with or without 0x in front.");
  let bundles: AttestationBundle[];
  try {
    if (form.mode === "bundle") {
      if (!form.bundleText.trim())
        return fail("Paste the output of gridlease-attest, or upload the file it wrote.");
      bundles = parseBundles(verifier, form.bundleText);
    } else {
      if (!form.reportText.trim()) return fail("Paste or upload the attestation report (hex).");
      if (!form.chainText.trim()) return fail("Paste or upload the certificate chain (PEM).");
      bundles = [
        {
          kind: "report",
          report: verifier.parseReportHex(form.reportText),
          certChain: verifier.parseCertChainPem(form.chainText),
        },
      ];
    }
  } catch (err) {
    return fail(inputMessage(err));
  }
  const verdicts: GpuVerdict[] = [];
  for (const [i, bundle] of bundles.entries()) {
    const label = bundles.length > 1 ? `GPU ${i + 1} of ${bundles.length}` : "The GPU";
    try {
      const verdict =
        bundle.kind === "unavailable"
          ? verifier.unavailableVerdict(bundle.reason)
          : await verifier.verifyAttestation({
              report: bundle.report,
              certChain: bundle.certChain,
              expectedNonce: nonce,
              rims: form.rims.length > 0 ? form.rims : undefined,
              roots: roots && { device: roots.device },
            });
      verdicts.push({ label, described: describe(verifier, verdict) });
    } catch (err) {
      return fail(`${label}: the verifier could not read this input. ${inputMessage(err)}`);
    }
  }
  return { ok: true, verdicts };
}

/** An error's message as a sentence (the SDK's input errors start in lower case: "the report is not hex: …"). */
function inputMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
