import { render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { RouterProvider } from "../../lib/router.tsx";
import { USD } from "./fixtures.ts";
import { stubIndexer } from "./testing.tsx";

vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337 }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));

const { LeaseReservedSection, ProviderBonds } = await import("./ReservedSections.tsx");
const TOKEN = { symbol: "tUSD", decimals: 6, isUsd: true };
const DAY = 86_400;

function renderWith(node: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider>{node}</RouterProvider>
    </QueryClientProvider>,
  );
}

const reservedLease = {
  rolling: true,
  term: String(1095 * DAY),
  fundedUntil: String(1_764_000_000 + 30 * DAY),
  exitEscrow: "90000000",
  reservedPenalty: "250000000",
  exitCharge: "0",
  unitsReleased: "0",
  unitsFailed: "1",
  topUpPerTopUp: "5000000000",
  topUpRemaining: "45000000000",
  topUpThreshold: String(7 * DAY),
  topUpRevoked: false,
  topUpCount: 1,
};

describe("the explorer's reserved-capacity sections", () => {
  it("shows a rolling lease's terms, allowance, executed top-ups and a failed server", async () => {
    stubIndexer((query, vars) => {
      expect(vars.id).toBe("12");
      if (!query.includes("LeaseReserved")) throw new Error(`unexpected query ${query}`);
      return {
        lease: reservedLease,
        topUps: {
          items: [
            {
              id: "0xaa-1",
              executor: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
              addedDuration: String(DAY),
              amount: "403200000",
              fundedUntil: String(1_764_000_000 + 31 * DAY),
              remaining: "45000000000",
              timestamp: "1764000000",
              txHash: `0x${"aa".repeat(32)}`,
            },
          ],
        },
        serverEnds: {
          items: [
            {
              id: "0xbb-2",
              kind: "Failed",
              count: "1",
              refund: "100000000",
              exitCharge: "0",
              penalty: "125000000",
              timestamp: "1764003600",
              txHash: `0x${"bb".repeat(32)}`,
            },
          ],
        },
      };
    });
    renderWith(<LeaseReservedSection leaseId="12" token={TOKEN} />);
    const section = await screen.findByRole("region", { name: "Reserved capacity" });
    const terms = within(section);
    expect(terms.getByText("Term").nextElementSibling?.textContent).toBe("1,095 days");
    expect(terms.getByText("Exit escrow").nextElementSibling?.textContent).toBe("$90.00");
    expect(terms.getByText("Servers ended early").nextElementSibling?.textContent).toBe(
      "0 released by the buyer · 1 failed by the provider",
    );
    expect(terms.getByText("Auto top-up").nextElementSibling?.textContent).toMatch(
      /up to \$5,000.00 per top-up, \$45,000.00 left, below 7 days of runway/,
    );
    expect(terms.getByRole("heading", { name: "Top-ups (1)" })).toBeDefined();
    expect(terms.getByText("$403.20")).toBeDefined();
    expect(terms.getByText("1 server failed by the provider")).toBeDefined();
    expect(terms.getByText(/paid/).textContent).toBe("paid $125.00");
  });

  it("shows nothing for a plain prepaid lease", async () => {
    const fake = stubIndexer(() => ({
      lease: { ...reservedLease, rolling: false, unitsFailed: "0", topUpCount: 0 },
      topUps: { items: [] },
      serverEnds: { items: [] },
    }));
    const { container } = renderWith(<LeaseReservedSection leaseId="3" token={TOKEN} />);
    await vi.waitFor(() => expect(fake.queries.length).toBe(1));
    expect(container.textContent).toBe("");
  });

  it("lists a provider's bond in each token it bonded in", async () => {
    stubIndexer(() => ({
      providerBonds: {
        items: [
          { token: USD, amount: "50000000000", locked: "250000000", penaltiesPaid: "125000000" },
        ],
      },
    }));
    renderWith(<ProviderBonds address="0x70997970C51812dc3A010C7d01b50e0d17dc79C8" />);
    const table = await screen.findByRole("table", { name: "Bonds per token" });
    expect(within(table).getByText("$50,000.00")).toBeDefined();
    expect(within(table).getByText("$250.00")).toBeDefined();
    expect(within(table).getByText("$125.00")).toBeDefined();
  });
});
