import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { zeroHash } from "viem";
import type { IndexedReview } from "../../lib/eas.ts";

const PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BUYER = "0xcd3B766CCDd6AE721141F452C550Ca635964ce71";
const HASH = `0x${"cd".repeat(32)}` as const;
const postReview = vi.fn(async (..._args: unknown[]) => ({
  hash: `0x${"11".repeat(32)}`,
  wait: async () => ({ receipt: { blockNumber: 3n, gasUsed: 1n } }),
}));

vi.mock("wagmi", () => ({ useChainId: () => 31337, usePublicClient: () => undefined }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337, account: BUYER, addresses: { market: "0x01" } }),
  useReadClient: () => undefined,
  useSigner: () => ({ account: { address: BUYER } }),
}));
vi.mock("../../lib/easWrites.ts", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  postReview,
}));

const { ReviewPanel } = await import("./ReviewPanel.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");
const { saveVerifyRecord } = await import("../../lib/verifyRecord.ts");

const wrap = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient()}>
    <RouterProvider>{children}</RouterProvider>
  </QueryClientProvider>
);

beforeEach(() => postReview.mockClear());
afterEach(() => window.localStorage.clear());

describe("ReviewPanel", () => {
  it("pre-fills verified and the report hash from the lease's last verify run, and posts the review", async () => {
    saveVerifyRecord(7n, { verified: true, reportHash: HASH, checkedAt: Date.now() });
    render(wrap(<ReviewPanel leaseId={7n} provider={PROVIDER} review={null} />));
    await userEvent.click(screen.getByRole("button", { name: "Review this lease" }));
    expect(screen.getByLabelText(/Verified: the GPUs passed/)).toHaveProperty("checked", true);
    expect(screen.getByLabelText("Report hash of the verify run")).toHaveProperty("value", HASH);
    expect(screen.getByText(/every GPU genuine/)).toBeDefined();

    await userEvent.click(screen.getByRole("button", { name: "Post review" }));
    expect(screen.getByText("Give a score from 1 to 5.")).toBeDefined();
    expect(postReview).not.toHaveBeenCalled();

    await userEvent.click(screen.getByLabelText("4"));
    await userEvent.click(screen.getByRole("button", { name: "Post review" }));
    await waitFor(() =>
      expect(postReview).toHaveBeenCalledWith(expect.anything(), 31337, {
        leaseId: 7n,
        provider: PROVIDER,
        score: 4,
        verified: true,
        reportHash: HASH,
      }),
    );
  });

  it("without a verify run starts unverified, and refuses a verified review with no report hash", async () => {
    render(wrap(<ReviewPanel leaseId={8n} provider={PROVIDER} review={null} />));
    await userEvent.click(screen.getByRole("button", { name: "Review this lease" }));
    const verified = screen.getByLabelText(/Verified: the GPUs passed/);
    expect(verified).toHaveProperty("checked", false);
    expect(screen.getByRole("link", { name: "Verify it first" }).getAttribute("href")).toBe(
      "/verify?lease=8",
    );
    await userEvent.click(screen.getByLabelText("5"));
    await userEvent.click(verified);
    await userEvent.click(screen.getByRole("button", { name: "Post review" }));
    expect(screen.getByRole("alert").textContent).toMatch(
      /verified review carries the report hash/,
    );
    expect(postReview).not.toHaveBeenCalled();

    await userEvent.click(verified);
    await userEvent.click(screen.getByRole("button", { name: "Post review" }));
    await waitFor(() =>
      expect(postReview).toHaveBeenCalledWith(expect.anything(), 31337, {
        leaseId: 8n,
        provider: PROVIDER,
        score: 5,
        verified: false,
        reportHash: zeroHash,
      }),
    );
  });

  it("shows the review instead of the form once the lease is reviewed, and nothing while unknown", () => {
    const review: IndexedReview = {
      uid: `0x${"aa".repeat(32)}`,
      leaseId: 7n,
      provider: PROVIDER,
      buyer: BUYER,
      score: 4,
      verified: true,
      reportHash: HASH,
      createdAt: 1_800_000_000n,
      feeWeight: 0n,
    };
    const { unmount } = render(
      wrap(<ReviewPanel leaseId={7n} provider={PROVIDER} review={review} />),
    );
    expect(screen.getByText("Your review:")).toBeDefined();
    expect(screen.getByLabelText("4 out of 5").textContent).toBe("★★★★☆");
    expect(screen.getByText("Verified")).toBeDefined();
    expect(screen.queryByRole("button", { name: "Review this lease" })).toBeNull();
    unmount();
    const { container } = render(
      wrap(<ReviewPanel leaseId={7n} provider={PROVIDER} review={undefined} />),
    );
    expect(container.textContent).toBe("");
  });
});
