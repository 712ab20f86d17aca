import { describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { encodeGpuModel, encodeRegion, type LeaseView, type OfferRecord } from "@gridlease/sdk";

vi.mock("wagmi", () => ({ usePublicClient: () => undefined, useChainId: () => 31337 }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({
    addresses: { market: "0x0000000000000000000000000000000000000001" },
    account: undefined,
    chainId: 31337,
  }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));
vi.mock("../../hooks/useToken.ts", () => ({
  useTokenInfo: () => ({ data: { symbol: "tUSD", decimals: 6, isUsd: true } }),
  useTokenBalance: () => ({ data: undefined }),
}));

/** What each market view answers in these tests, by function name (the chain is not running). */
const reads: Record<string, (args: readonly unknown[]) => unknown> = {};
vi.mock("../../hooks/useContractRead.ts", () => ({
  CONTRACT_READ_KEY: "contract-read",
  useMarketRead: (p: { functionName: string; args?: readonly unknown[]; enabled?: boolean }) => ({
    data: p.enabled === false ? undefined : reads[p.functionName]?.(p.args ?? []),
  }),
}));
const plainTerms = {
  rolling: false,
  committed: false,
  term: 10n * 3600n,
  fundedUntil: 0n,
  graceEnds: 0n,
  commitmentEnds: 0n,
  exitEscrow: 0n,
  exitChargeNow: 0n,
  penalty: 100_000_000n,
  frozen: 0n,
};
reads.getLeaseTerms = () => plainTerms;

const { LeaseCard } = await import("./LeaseCard.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");

const NOW = 1_800_000_000n;
const lease = (p: Partial<LeaseView>): LeaseView =>
  ({
    leaseId: 7n,
    offerId: 3n,
    buyer: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
    provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    paymentToken: "0x0000000000000000000000000000000000000002",
    units: 1n,
    gpusPerUnit: 8n,
    pricePerGpuHour: 2_000_000n,
    feeBps: 250n,
    duration: 10n * 3600n,
    start: NOW - 3600n,
    end: NOW + 9n * 3600n,
    activationDeadline: 0n,
    deposit: 160_000_000n,
    accrued: 0n,
    settled: 0n,
    claimable: 0n,
    status: 2,
    endReason: 0,
    ...p,
  }) as LeaseView;
const offer = {
  provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  gpuModel: encodeGpuModel("H100-SXM-80GB"),
  region: encodeRegion("AU-QLD"),
  maxDuration: 100 * 3600,
  minDuration: 3600,
  minProviderBond: 1000n * 10n ** 18n,
} as unknown as OfferRecord;

function wrap(children: ReactNode) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <RouterProvider>{children}</RouterProvider>
    </QueryClientProvider>
  );
}

describe("LeaseCard", () => {
  it("shows an active lease's countdown, accrued and refundable amounts, and the refund before terminating", async () => {
    render(
      wrap(
        <LeaseCard
          lease={lease({})}
          offer={offer}
          now={NOW}
          accessKey={() => Promise.reject()}
          onChanged={() => {}}
          onExitCharged={() => {}}
        />,
      ),
    );
    const card = screen.getByRole("article", { name: "Lease #7" });
    expect(within(card).getByText("Active")).toHaveProperty("className", "badge badge-Active");
    expect(within(card).getByText("09:00:00")).toBeDefined();
    // 1 h × 8 GPUs × $2 accrued, 9 h refundable.
    expect(within(card).getByText("$16.00")).toBeDefined();
    expect(within(card).getByText("$144.00")).toBeDefined();
    expect(
      within(card).getByRole("link", { name: "Lease #7 in the explorer" }).getAttribute("href"),
    ).toBe("/explorer/leases/7");
    expect(within(card).queryByRole("button", { name: "Cancel lease" })).toBeNull();

    await userEvent.click(within(card).getByRole("button", { name: "Terminate" }));
    expect(within(card).getByText(/You get back/).textContent).toContain("$144.00");
    expect(within(card).getByRole("button", { name: "Confirm terminate" })).toBeDefined();
  });

  it("prices an extension as the hours are typed and checks the offer's maximum", async () => {
    render(
      wrap(
        <LeaseCard
          lease={lease({})}
          offer={offer}
          now={NOW}
          accessKey={() => Promise.reject()}
          onChanged={() => {}}
          onExitCharged={() => {}}
        />,
      ),
    );
    await userEvent.click(screen.getByRole("button", { name: "Extend" }));
    const hours = screen.getByLabelText("Add hours");
    await userEvent.clear(hours);
    await userEvent.type(hours, "2.5");
    expect(screen.getByText(/Top-up: \$40.00/)).toBeDefined();
    await userEvent.clear(hours);
    await userEvent.type(hours, "200");
    expect(hours.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("alert").textContent).toMatch(/add at most 3 days 18 hours/);
  });

  it("offers a full refund plus the lease's own penalty (in its token) once the activation deadline is missed", () => {
    render(
      wrap(
        <LeaseCard
          lease={lease({ status: 1, start: 0n, end: 0n, activationDeadline: NOW - 10n })}
          offer={offer}
          now={NOW}
          accessKey={() => Promise.reject()}
          onChanged={() => {}}
          onExitCharged={() => {}}
        />,
      ),
    );
    const card = screen.getByRole("article", { name: "Lease #7" });
    expect(within(card).getByText("Activation overdue")).toBeDefined();
    expect(
      within(card).getByText(/full deposit of \$160.00 back, plus a penalty of \$100.00/),
    ).toBeDefined();
    expect(within(card).getByRole("button", { name: "Cancel lease" })).toBeDefined();
    expect(within(card).queryByRole("button", { name: "Terminate" })).toBeNull();
    expect(within(card).queryByRole("button", { name: "Reveal access details" })).toBeNull();
  });
});
