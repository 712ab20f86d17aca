import { beforeAll, describe, expect, it } from "vitest";
import { createTestGpu, type TestGpu } from "@gridlease/sdk/attestation/testing";
import { loadVerifier, type Verifier } from "../../lib/attestation.ts";
import { freshNonce, runVerification, type VerifyForm } from "./verify.ts";

let verifier: Verifier;
let gpu: TestGpu;
const NONCE = `0x${"ab".repeat(32)}` as const;
const form = (patch: Partial<VerifyForm>): VerifyForm => ({
  mode: "bundle",
  bundleText: "",
  reportText: "",
  chainText: "",
  rims: [],
  nonce: NONCE,
  ...patch,
});

beforeAll(async () => {
  [verifier, gpu] = await Promise.all([loadVerifier(), createTestGpu()]);
});

const codes = (outcome: Awaited<ReturnType<typeof runVerification>>) =>
  outcome.ok
    ? outcome.verdicts.map((v) => v.described.verdict.failures.map((f) => f.code))
    : outcome;

describe("freshNonce", () => {
  it("is 32 random bytes as 0x-hex", () => {
    const a = freshNonce();
    expect(a).toMatch(/^0x[0-9a-f]{64}$/);
    expect(freshNonce()).not.toBe(a);
  });
});

describe("runVerification", () => {
  it("verifies the hook's bundle against the page's nonce (test root injected)", async () => {
    const out = await runVerification(
      verifier,
      form({ bundleText: gpu.bundleJson(NONCE) }),
      gpu.roots,
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.verdicts).toHaveLength(1);
    const { verdict } = out.verdicts[0]!.described;
    expect(verdict.genuine).toBe(true);
    expect(verdict.chip).toBe("GH100");
    expect(verdict.root).toBe("custom");
    expect(verdict.nonce).toMatchObject({ expected: NONCE, matches: true });
  });

  it("takes the hook's JSON array, one verdict per GPU", async () => {
    const array = `[${gpu.bundleJson(NONCE)}, ${gpu.bundleJson(`0x${"cd".repeat(32)}`)}]`;
    const out = await runVerification(verifier, form({ bundleText: array }), gpu.roots);
    if (!out.ok) throw new Error(out.error);
    expect(out.verdicts.map((v) => v.label)).toEqual(["GPU 1 of 2", "GPU 2 of 2"]);
    expect(codes(out)).toEqual([[], ["NonceMismatch"]]);
  });

  it("without the injected root the chain ends at a root that is not NVIDIA's", async () => {
    const out = await runVerification(verifier, form({ bundleText: gpu.bundleJson(NONCE) }));
    if (!out.ok) throw new Error(out.error);
    expect(out.verdicts[0]!.described.verdict.genuine).toBe(false);
    expect(codes(out)).toEqual([["UntrustedRoot"]]);
  });

  it("checks a report and chain against another nonce the buyer typed", async () => {
    const other = `0x${"12".repeat(32)}` as const;
    const parts = {
      mode: "parts" as const,
      reportText: Buffer.from(gpu.report(other)).toString("hex"),
      chainText: gpu.certChainPem,
    };
    const typed = await runVerification(
      verifier,
      form({ ...parts, otherNonce: ` ${other.slice(2)} ` }),
      gpu.roots,
    );
    expect(codes(typed)).toEqual([[]]);
    const own = await runVerification(verifier, form(parts), gpu.roots);
    expect(codes(own)).toEqual([["NonceMismatch"]]);
  });

  it("says in words what is wrong with malformed input, and verifies nothing", async () => {
    const cases: [Partial<VerifyForm>, RegExp][] = [
      [{ bundleText: "  " }, /Paste the output of gridlease-attest/],
      [{ bundleText: "{not json" }, /not JSON/],
      [{ bundleText: "[]" }, /found no GPU/],
      [{ bundleText: '{"format":"other/1"}' }, /"format"/],
      [{ mode: "parts", reportText: "zz", chainText: gpu.certChainPem }, /^The report is not hex/],
      [{ mode: "parts", reportText: "abcd", chainText: "" }, /certificate chain \(PEM\)/],
      [{ mode: "parts", reportText: "abcd", chainText: "not a pem" }, /BEGIN CERTIFICATE|not PEM/],
      [{ bundleText: gpu.bundleJson(NONCE), otherNonce: "0x1234" }, /64 hex digits/],
    ];
    for (const [patch, message] of cases) {
      const out = await runVerification(verifier, form(patch), gpu.roots);
      expect(out.ok, JSON.stringify(patch)).toBe(false);
      if (!out.ok) expect(out.error).toMatch(message);
    }
  });

  it("turns a host without confidential computing into a verdict that says so, never a pass", async () => {
    const bundleText = JSON.stringify({
      format: "gridlease-attestation/1",
      unavailable: "CC mode is off",
    });
    const out = await runVerification(verifier, form({ bundleText }), gpu.roots);
    if (!out.ok) throw new Error(out.error);
    expect(out.verdicts[0]!.described.verdict.genuine).toBe(false);
    expect(codes(out)).toEqual([["ConfidentialComputingUnavailable"]]);
  });
});
