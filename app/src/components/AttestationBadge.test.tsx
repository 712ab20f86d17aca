import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { render, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { bytesToHex, keccak256, type Hex } from "viem";
import type { IndexedOfferClaim } from "@gridlease/sdk";
import { encodeClaimCertChain } from "@gridlease/sdk/attestation";
import { createTestGpu, type TestGpu } from "@gridlease/sdk/attestation/testing";
import { AttestationRootsContext, type AttestationRoots } from "../lib/attestation.ts";
import { AttestationBadge } from "./AttestationBadge.tsx";

const claims = vi.hoisted(() => ({ current: undefined as unknown }));
vi.mock("@gridlease/sdk", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  getOfferClaim: vi.fn(async () => claims.current),
}));

let gpu: TestGpu;
beforeAll(async () => {
  gpu = await createTestGpu();
});

const NONCE: Hex = `0x${"5a".repeat(32)}`;
// 2026-12-01 12:00 UTC
const PUBLISHED = 1_796_126_400n;

/** A claim as the indexer serves it, made with the test GPU (its report answering `reportNonce`). */
function claim(patch: { reportNonce?: Hex; flipBit?: number } = {}): IndexedOfferClaim {
  const report = gpu.report(patch.reportNonce ?? NONCE);
  if (patch.flipBit !== undefined) report[patch.flipBit >> 3]! ^= 1 << (patch.flipBit & 7);
  return {
    offerId: 3n,
    provider: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    generation: "hopper",
    nonceBlock: 1234n,
    nonce: NONCE,
    reportHash: keccak256(report),
    report: bytesToHex(report),
    certChain: encodeClaimCertChain(gpu.certChainPem),
    publishedAt: PUBLISHED,
    blockNumber: 1240n,
    txHash: `0x${"11".repeat(32)}`,
  };
}

function renderBadge(
  opts: { gpuModel?: string; roots?: AttestationRoots; hasClaim?: boolean } = {},
) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <AttestationRootsContext.Provider value={opts.roots}>
        <AttestationBadge
          offerId={3n}
          gpuModel={opts.gpuModel ?? "H100-SXM-80GB"}
          hasClaim={opts.hasClaim}
          full
        />
      </AttestationRootsContext.Provider>
    </QueryClientProvider>,
  );
}

/** Waits until the claim is checked; returns the text the badge area shows. */
async function checked(container: HTMLElement): Promise<string> {
  await waitFor(() => expect(container.textContent).not.toMatch(/Checking|^$/), {
    timeout: 10_000,
  });
  return container.textContent ?? "";
}

beforeEach(() => {
  claims.current = undefined;
});

describe("AttestationBadge", () => {
  it("shows the badge, chip and date for a claim that verifies (the test root injected)", async () => {
    claims.current = claim();
    const { container } = renderBadge({ roots: gpu.roots });
    const text = await checked(container);
    expect(text).toContain("NVIDIA-attested · GH100 · 2026-12-01");
    expect(text).toMatch(
      /Nonce: Passed\. The report answers the claim's nonce, bound to block 1234/,
    );
    expect(text).toMatch(/Revocation: Not checked/);
  });

  it.each([
    [
      "a tampered report",
      () => claim({ flipBit: 8 * 200 }),
      "H100-SXM-80GB",
      /signature does not verify/,
    ],
    [
      "a report answering another nonce",
      () => claim({ reportNonce: `0x${"00".repeat(32)}` }),
      "H100-SXM-80GB",
      /answers nonce 0x0{64}, not the expected/,
    ],
    ["a generation that disagrees with the offer's model", () => claim(), "B200", /Blackwell/],
  ])("shows no badge for %s, and says why", async (_, make, gpuModel, reason) => {
    claims.current = make();
    const { container } = renderBadge({ roots: gpu.roots, gpuModel });
    const text = await checked(container);
    expect(text).toMatch(/^Attestation claim not verified: \S/);
    expect(text).toMatch(reason);
    expect(text).not.toContain("NVIDIA-attested");
  });

  it("shows no badge when the chain ends at a root that is not NVIDIA's (no test root injected)", async () => {
    claims.current = claim();
    const { container } = renderBadge();
    const text = await checked(container);
    expect(text).toMatch(/^Attestation claim not verified: .*not a trusted root/);
    expect(text).not.toContain("NVIDIA-attested");
  });

  it("shows nothing for an offer without a claim", async () => {
    const { container } = renderBadge({ roots: gpu.roots });
    await waitFor(() => expect(container.textContent).toBe(""));
    const listed = renderBadge({ roots: gpu.roots, hasClaim: false });
    expect(listed.container.textContent).toBe("");
  });
});
