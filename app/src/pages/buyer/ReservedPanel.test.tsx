import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { encodeEventTopics, encodeAbiParameters, type TransactionReceipt } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk";
import type * as Sdk from "@gridlease/sdk";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";

const MARKET = "0x0000000000000000000000000000000000000001";
const NOW = 1_800_000_000n;
const HOUR = 3600n;

/** A receipt whose logs hold one `ExitCharged(leaseId, amount)` of the market. */
const exitReceipt = (leaseId: bigint, amount: bigint) =>
  ({
    blockNumber: 5n,
    gasUsed: 1n,
    status: "success",
    logs: [
      {
        address: MARKET,
        topics: encodeEventTopics({
          abi: gridleaseMarketAbi,
          eventName: "ExitCharged",
          args: { leaseId },
        }),
        data: encodeAbiParameters([{ type: "uint256" }], [amount]),
      },
    ],
  }) as unknown as TransactionReceipt;

const writes = vi.hoisted(() => ({
  terminateLease: vi.fn(),
  releaseServers: vi.fn(),
  setTopUpAllowanceWithPermit: vi.fn(),
  revokeTopUpAllowance: vi.fn(),
}));
const reads = vi.hoisted(() => ({
  terms: {} as Record<string, unknown>,
  allowance: { perTopUp: 0n, remaining: 0n, runwayThreshold: 0 },
  exitChargeAt: [] as unknown[][],
}));

vi.mock("wagmi", () => ({ usePublicClient: () => undefined, useChainId: () => 31337 }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ addresses: { market: MARKET }, chainId: 31337 }),
  useReadClient: () => undefined,
  useSigner: () => ({ account: { address: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71" } }),
}));
vi.mock("../../hooks/useContractRead.ts", () => ({
  CONTRACT_READ_KEY: "contract-read",
  useMarketRead: (p: { functionName: string; args?: readonly bigint[]; enabled?: boolean }) => {
    if (p.enabled === false) return { data: undefined };
    if (p.functionName === "getLeaseTerms") return { data: reads.terms };
    if (p.functionName === "getTopUpAllowance") return { data: reads.allowance };
    if (p.functionName === "exitChargeAt") {
      reads.exitChargeAt.push([...(p.args ?? [])]);
      // $10 per server: what the contract's view would quote.
      return { data: (p.args?.[1] ?? 0n) * 10_000_000n };
    }
    return { data: undefined };
  },
}));
vi.mock("./data.ts", () => ({ useTopUps: () => ({ data: [] }) }));
vi.mock("@gridlease/sdk", async (original) => ({ ...(await original<typeof Sdk>()), ...writes }));

const { ReservedPanel } = await import("./ReservedPanel.tsx");
const TOKEN = { symbol: "tUSD", decimals: 6, isUsd: true };

/** Runs each step as the lease card's flow would: send, then wait for the receipt. */
async function runSteps(steps: TxStepDef[]) {
  for (const s of steps) {
    const sent = await s.run();
    if (sent) await sent.wait();
  }
  return true;
}

function renderPanel(onExitCharged = vi.fn(), onRun = vi.fn(runSteps)) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ReservedPanel
        market={MARKET}
        leaseId={7n}
        units={4n}
        now={NOW}
        token={TOKEN}
        busy={false}
        onRun={onRun}
        onExitCharged={onExitCharged}
      />
    </QueryClientProvider>,
  );
  return { onExitCharged, onRun };
}

beforeEach(() => {
  for (const fn of Object.values(writes)) fn.mockReset();
  reads.exitChargeAt.length = 0;
  reads.allowance = { perTopUp: 0n, remaining: 0n, runwayThreshold: 0 };
  reads.terms = {
    rolling: true,
    committed: true,
    term: 30n * 24n * HOUR,
    fundedUntil: NOW + 2n * 24n * HOUR,
    graceEnds: NOW + 5n * 24n * HOUR,
    commitmentEnds: NOW + 10n * 24n * HOUR,
    exitEscrow: 50_000_000n,
    exitChargeNow: 40_000_000n,
    penalty: 100_000_000n,
    frozen: 0n,
  };
});

describe("ReservedPanel", () => {
  it("shows nothing for a lease that is neither rolling nor committed", () => {
    reads.terms = { ...reads.terms, rolling: false, committed: false };
    renderPanel();
    expect(screen.queryByRole("region")).toBeNull();
  });

  it("shows the funding, grace and commitment, and the exit charge for the next block before any click", () => {
    renderPanel();
    expect(screen.getByText("Runway").nextElementSibling?.textContent).toBe("2d 00:00:00");
    expect(screen.getByText("Exit escrow").nextElementSibling?.textContent).toBe("$50.00");
    expect(screen.getByText("Provider penalty").nextElementSibling?.textContent).toBe("$100.00");
    // Quoted for the whole lease (4 servers) and for the servers typed (1), for the next block: at the end of its
    // whole-hour bucket (10 days less a second left: 239 whole hours, the same charge as at NOW + 1).
    expect(screen.getByTestId("end-charge").textContent).toBe("Exit charge to end now: $40.00");
    expect(screen.getByTestId("release-charge").textContent).toBe("Exit charge: $10.00");
    expect(reads.exitChargeAt).toContainEqual([7n, 4n, NOW + HOUR]);
    expect(writes.terminateLease).not.toHaveBeenCalled();
  });

  it("ends the lease and reports the charge its receipt shows", async () => {
    writes.terminateLease.mockResolvedValue({
      hash: "0x01",
      wait: async () => ({ receipt: exitReceipt(7n, 40_000_000n), events: [] }),
    });
    const { onExitCharged } = renderPanel();
    await userEvent.click(screen.getByRole("button", { name: "End lease" }));
    await waitFor(() => expect(onExitCharged).toHaveBeenCalledWith(7n, 40_000_000n));
    expect(writes.terminateLease.mock.calls[0][1]).toEqual({ market: MARKET, leaseId: 7n });
  });

  it("refuses to release every server (that is ending the lease) and sends nothing", async () => {
    renderPanel();
    const count = screen.getByLabelText("Servers to release");
    await userEvent.clear(count);
    await userEvent.type(count, "4");
    expect(screen.getByText("Between 1 and 3.")).toBeDefined();
    expect(screen.getByRole("button", { name: "Release servers" }).hasAttribute("disabled")).toBe(
      true,
    );
    expect(writes.releaseServers).not.toHaveBeenCalled();
  });

  it("sets up auto top-up with a permit for the total cap, after checking the caps", async () => {
    writes.setTopUpAllowanceWithPermit.mockResolvedValue({
      hash: "0x02",
      wait: async () => ({ receipt: exitReceipt(7n, 0n), events: [] }),
    });
    const { onRun } = renderPanel();
    await userEvent.type(screen.getByLabelText("Cap per top-up"), "500");
    await userEvent.type(screen.getByLabelText("Total cap"), "100");
    await userEvent.click(screen.getByRole("button", { name: "Set up auto top-up" }));
    expect(screen.getByText("The total cap must be at least the cap per top-up.")).toBeDefined();
    expect(onRun).not.toHaveBeenCalled();

    await userEvent.clear(screen.getByLabelText("Total cap"));
    await userEvent.type(screen.getByLabelText("Total cap"), "2000");
    await userEvent.click(screen.getByRole("button", { name: "Set up auto top-up" }));
    await waitFor(() => expect(writes.setTopUpAllowanceWithPermit).toHaveBeenCalledTimes(1));
    expect(writes.setTopUpAllowanceWithPermit.mock.calls[0][1]).toEqual({
      market: MARKET,
      leaseId: 7n,
      perTopUp: 500_000_000n,
      totalCap: 2_000_000_000n,
      runwayThreshold: 72n * HOUR,
      permitValue: 2_000_000_000n,
    });
  });

  it("shows a granted allowance with Revoke instead of the form", async () => {
    reads.allowance = {
      perTopUp: 500_000_000n,
      remaining: 1_500_000_000n,
      runwayThreshold: 259_200,
    };
    writes.revokeTopUpAllowance.mockResolvedValue({
      hash: "0x03",
      wait: async () => ({ receipt: exitReceipt(7n, 0n), events: [] }),
    });
    renderPanel();
    expect(
      screen.getByText(/On: up to \$500.00 per top-up, \$1,500.00 left in total/),
    ).toBeDefined();
    expect(screen.queryByRole("button", { name: "Set up auto top-up" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Revoke auto top-up" }));
    await waitFor(() =>
      expect(writes.revokeTopUpAllowance.mock.calls[0][1]).toEqual({ market: MARKET, leaseId: 7n }),
    );
  });
});
