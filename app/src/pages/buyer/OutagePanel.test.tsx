import { describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { keccak256, stringToBytes, type Hex } from "viem";
import {
  encodeGpuModel,
  encodeRegion,
  type LeaseView,
  type OfferRecord,
  type OutageRecord,
} from "@gridlease/sdk";
import type * as Sdk from "@gridlease/sdk";

const reported: { leaseId: bigint; units: bigint; evidenceHash: Hex }[] = [];
const ended: bigint[] = [];
vi.mock("wagmi", () => ({ usePublicClient: () => undefined, useChainId: () => 31337 }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({
    addresses: { market: "0x0000000000000000000000000000000000000001" },
    account: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
    chainId: 31337,
  }),
  useReadClient: () => undefined,
  useSigner: () => ({ account: { address: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71" } }),
}));
vi.mock("../../hooks/useMarketConfig.ts", () => ({
  useMarketConfig: () => ({ data: { limits: { reportCooldown: 3600n } } }),
}));
vi.mock("../../hooks/useToken.ts", () => ({
  useTokenInfo: () => ({ data: { symbol: "tUSD", decimals: 6, isUsd: true } }),
  useTokenBalance: () => ({ data: undefined }),
}));
// The lease's penalty comes from getLeaseTerms (in the lease's token); no other market view is needed here.
vi.mock("../../hooks/useContractRead.ts", () => ({
  CONTRACT_READ_KEY: "contract-read",
  useMarketRead: (p: { functionName: string }) => ({
    data:
      p.functionName === "getLeaseTerms"
        ? {
            rolling: false,
            committed: false,
            term: 0n,
            fundedUntil: 0n,
            graceEnds: 0n,
            commitmentEnds: 0n,
            exitEscrow: 0n,
            exitChargeNow: 0n,
            penalty: 100_000_000n,
            frozen: 0n,
          }
        : undefined,
  }),
}));
vi.mock("@gridlease/sdk", async (importOriginal) => {
  const sdk = await importOriginal<typeof Sdk>();
  const sent = () => ({
    hash: "0xabc",
    wait: async () => ({ receipt: { blockNumber: 9n, gasUsed: 1n }, events: [] }),
  });
  return {
    ...sdk,
    reportOutage: vi.fn(
      async (_w: unknown, p: { leaseId: bigint; units: bigint; evidenceHash: Hex }) => {
        reported.push(p);
        return sent();
      },
    ),
    endUnresolvedOutage: vi.fn(async (_w: unknown, p: { leaseId: bigint }) => {
      ended.push(p.leaseId);
      return sent();
    }),
  };
});

const { LeaseCard } = await import("./LeaseCard.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");

const NOW = 1_800_000_000n;
const HOUR = 3600n;
// Two servers of 8 GPUs at $2 per GPU-hour, activated an hour ago for 10 hours.
const lease = (p: Partial<LeaseView>, outage?: OutageRecord) => ({
  ...({
    leaseId: 7n,
    offerId: 3n,
    buyer: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
    provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    paymentToken: "0x0000000000000000000000000000000000000002",
    units: 2n,
    gpusPerUnit: 8n,
    pricePerGpuHour: 2_000_000n,
    feeBps: 250n,
    duration: 10n * HOUR,
    start: NOW - HOUR,
    end: NOW + 9n * HOUR,
    activationDeadline: 0n,
    deposit: 320_000_000n,
    accrued: 0n,
    settled: 0n,
    claimable: 0n,
    status: 2,
    endReason: 0,
    downUnits: outage?.downUnits ?? 0n,
    repairDeadline: outage?.deadline ?? 0n,
    downUnitSeconds: 0n,
    outageReports: outage?.reports ?? 0n,
    ...p,
  } as LeaseView),
  outage,
});
const outage = (p: Partial<OutageRecord>): OutageRecord => ({
  since: NOW - 600n,
  deadline: NOW + 3n * HOUR,
  lastResolved: 0n,
  downUnits: 1n,
  reports: 1n,
  extension: 0n,
  downUnitSeconds: 0n,
  ...p,
});
const offer = {
  provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  gpuModel: encodeGpuModel("H100-SXM-80GB"),
  region: encodeRegion("AU-QLD"),
  maxDuration: 100 * 3600,
  minDuration: 3600,
  repairWindow: 4 * 3600,
  minProviderBond: 1000n * 10n ** 18n,
} as unknown as OfferRecord;

function renderCard(l: ReturnType<typeof lease>) {
  const node: ReactNode = (
    <QueryClientProvider client={new QueryClient()}>
      <RouterProvider>
        <LeaseCard
          lease={l}
          offer={offer}
          now={NOW}
          accessKey={() => Promise.reject()}
          onChanged={() => {}}
          onExitCharged={() => {}}
        />
      </RouterProvider>
    </QueryClientProvider>
  );
  render(node);
  return screen.getByRole("article", { name: "Lease #7" });
}

describe("LeaseCard outages", () => {
  it("reports servers down: states that billing is paused for N of M, then sends the count and the evidence hash", async () => {
    const card = renderCard(lease({}));
    expect(within(card).queryByRole("region", { name: "Outage on lease #7" })).toBeNull();
    await userEvent.click(within(card).getByRole("button", { name: "Report outage" }));

    const units = within(card).getByLabelText("Servers down");
    expect((units as HTMLInputElement).value).toBe("1");
    expect(within(card).getByText(/Billing is paused for 1 of 2 servers from now/)).toBeDefined();
    expect(within(card).getByText(/The provider has 4 hours to repair/)).toBeDefined();

    await userEvent.clear(units);
    await userEvent.type(units, "3");
    expect(within(card).getByRole("alert").textContent).toBe(
      "This lease has 2 servers: at most 2 can be down.",
    );
    await userEvent.clear(units);
    await userEvent.type(units, "2");
    expect(
      within(card).getByText(
        "Billing is paused for 2 of 2 servers from now until the provider resolves it.",
        { exact: false },
      ),
    ).toBeDefined();
    await userEvent.type(within(card).getByLabelText("What is wrong (optional)"), "both dead");
    await userEvent.click(within(card).getByRole("button", { name: "Confirm outage report" }));

    expect(reported).toEqual([
      {
        market: expect.any(String),
        leaseId: 7n,
        units: 2n,
        evidenceHash: keccak256(stringToBytes("both dead")),
      },
    ]);
    expect(await within(card).findByText(/Confirmed in block 9/)).toBeDefined();
  });

  it("shows an open outage: servers down, the countdown to the repair deadline and the downtime so far", async () => {
    const card = renderCard(lease({}, outage({})));
    const status = within(card).getByRole("region", { name: "Outage on lease #7" });
    expect(status.textContent).toContain(
      "Billing is paused for 1 of 2 servers until the provider resolves it.",
    );
    expect(within(status).getByText("03:00:00")).toBeDefined();
    expect(within(status).getByText("10 minutes of server time")).toBeDefined();
    expect(
      within(card).queryByRole("button", { name: /End lease: outage not repaired/ }),
    ).toBeNull();

    // Only a raise is possible: the form starts at 2 and refuses 1.
    await userEvent.click(within(card).getByRole("button", { name: "Report more servers down" }));
    const units = within(card).getByLabelText("Servers down");
    expect((units as HTMLInputElement).value).toBe("2");
    await userEvent.clear(units);
    await userEvent.type(units, "1");
    expect(within(card).getByRole("alert").textContent).toMatch(/can only raise the number/);
  });

  it("once the repair deadline passed, offers the exit with the refund and the bond penalty", async () => {
    const card = renderCard(
      lease(
        { start: NOW - 6n * HOUR },
        outage({ since: NOW - 4n * HOUR - 1n, deadline: NOW - 1n }),
      ),
    );
    expect(within(card).getByText("Repair deadline passed")).toBeDefined();
    expect(within(card).getByText(/did not repair in time/).textContent).toMatch(
      /penalty of \$100.00/,
    );
    expect(within(card).queryByRole("button", { name: "Report more servers down" })).toBeNull();
    await userEvent.click(
      within(card).getByRole("button", { name: "End lease: outage not repaired" }),
    );
    expect(ended).toEqual([7n]);
  });

  it("says the provider keeps the earlier deadline when a report follows a resolution within the cooldown", async () => {
    const resolved = outage({
      since: 0n,
      downUnits: 0n,
      lastResolved: NOW - 600n,
      deadline: NOW + 2n * HOUR,
      extension: 300n,
      downUnitSeconds: 600n,
    });
    const card = renderCard(lease({}, resolved));
    expect(within(card).queryByRole("region", { name: "Outage on lease #7" })).toBeNull();
    await userEvent.click(within(card).getByRole("button", { name: "Report outage" }));
    const confirm = within(card).getByText(/Billing is paused for 1 of 2 servers from now/);
    expect(confirm.textContent).toMatch(/less than 1 hour ago, so the provider keeps its deadline/);
    expect(confirm.textContent).not.toMatch(/has 4 hours to repair/);
  });
});
