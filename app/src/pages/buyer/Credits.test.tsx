import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Address } from "viem";
import type * as Sdk from "@gridlease/sdk";

const withdrawn: Address[] = [];
vi.mock("wagmi", () => ({ usePublicClient: () => undefined, useChainId: () => 31337 }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ addresses: { market: "0x0000000000000000000000000000000000000001" } }),
  useReadClient: () => undefined,
  useSigner: () => ({ account: { address: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71" } }),
}));
vi.mock("../../hooks/useToken.ts", () => ({
  useTokenInfo: () => ({ data: { symbol: "tUSD", decimals: 6, isUsd: true } }),
}));
vi.mock("@gridlease/sdk", async (importOriginal) => ({
  ...(await importOriginal<typeof Sdk>()),
  withdrawCredit: vi.fn(async (_w: unknown, p: { token: Address }) => {
    withdrawn.push(p.token);
    return {
      hash: "0xabc",
      wait: async () => ({ receipt: { blockNumber: 5n, gasUsed: 1n }, events: [], amount: 1n }),
    };
  }),
}));

const { CreditsPanel } = await import("./Credits.tsx");
const TOKEN = "0x0000000000000000000000000000000000000002";

describe("CreditsPanel", () => {
  it("is hidden without credits", () => {
    const { container } = render(<CreditsPanel credits={[]} onChanged={() => {}} />);
    expect(container.textContent).toBe("");
  });

  it("lists a credit and withdraws it to the credited address", async () => {
    const onChanged = vi.fn();
    render(
      <CreditsPanel credits={[{ token: TOKEN, amount: 12_500_000n }]} onChanged={onChanged} />,
    );
    expect(screen.getByRole("heading", { name: "Credited to you" })).toBeDefined();
    await userEvent.click(screen.getByRole("button", { name: "Withdraw $12.50" }));
    expect(withdrawn).toEqual([TOKEN]);
    expect(await screen.findByText(/Confirmed in block 5/)).toBeDefined();
    expect(onChanged).toHaveBeenCalled();
  });
});
