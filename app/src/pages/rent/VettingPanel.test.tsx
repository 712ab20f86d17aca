import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { easDeploymentAt } from "@gridlease/sdk/eas";

const BUYER = "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199";
const ATTESTER = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const EAS = easDeploymentAt({
  eas: "0x00000000000000000000000000000000000000e5",
  schemaRegistry: "0x00000000000000000000000000000000000000e6",
  auditResolver: "0x00000000000000000000000000000000000000b1",
  reviewResolver: "0x00000000000000000000000000000000000000b2",
  vettingResolver: "0x00000000000000000000000000000000000000b3",
  policy: "0x00000000000000000000000000000000000000a1",
});
const state = { code: 2, requirement: true as boolean };
const registerCredential = vi.fn(async (..._args: unknown[]) => {
  state.code = 0;
  return {
    hash: `0x${"11".repeat(32)}`,
    wait: async () => ({ receipt: { blockNumber: 3n, gasUsed: 1n } }),
  };
});
const REASONS: Record<number, string> = {
  0: "allowed: your registered attestation is valid",
  2: "not registered: you have registered no attestation of this schema",
};

vi.mock("wagmi", () => ({ useChainId: () => 31337, usePublicClient: () => undefined }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337, account: BUYER, addresses: { market: "0x01" } }),
  useReadClient: () => ({}),
  useSigner: () => ({ account: { address: BUYER } }),
}));
vi.mock("../../lib/easWrites.ts", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  registerCredential,
  policyCheck: async () => ({ code: state.code, reason: REASONS[state.code] }),
}));
vi.mock("../../lib/eas.ts", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  getOfferRequirement: async (_indexer: unknown, offerId: bigint) =>
    state.requirement
      ? { offerId, provider: BUYER, schema: EAS.schemas.vetting.uid, attesters: [ATTESTER] }
      : undefined,
}));

const { VettingPanel } = await import("./VettingPanel.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");

const wrap = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <RouterProvider>{children}</RouterProvider>
  </QueryClientProvider>
);

beforeEach(() => {
  state.code = 2;
  state.requirement = true;
  registerCredential.mockClear();
});

describe("VettingPanel", () => {
  it("names the schema and attesters, says how to get vetted and what the policy answers for this wallet", async () => {
    render(wrap(<VettingPanel offerId={5n} eas={EAS} buyer={BUYER} />));
    await screen.findByText("Gridlease buyer vetting (bytes32 evidenceHash)");
    expect(screen.getByRole("link", { name: ATTESTER }).getAttribute("href")).toBe(
      `/explorer/address/${ATTESTER.toLowerCase()}`,
    );
    expect(screen.getByText(`gridlease vet ${BUYER}`)).toBeDefined();
    expect(await screen.findByText(/For your address: not registered/)).toBeDefined();
  });

  it("refuses a malformed UID, then registers one and shows the new answer", async () => {
    render(wrap(<VettingPanel offerId={5n} eas={EAS} buyer={BUYER} />));
    await screen.findByText(/For your address: not registered/);
    await userEvent.click(screen.getByRole("button", { name: "Register attestation" }));
    expect(screen.getByRole("alert").textContent).toMatch(/Paste the UID/);
    await userEvent.type(screen.getByLabelText("Attestation UID"), "0x1234");
    await userEvent.click(screen.getByRole("button", { name: "Register attestation" }));
    expect(screen.getByRole("alert").textContent).toMatch(/64 hexadecimal digits/);
    expect(registerCredential).not.toHaveBeenCalled();

    const uid = `0x${"AB".repeat(32)}`;
    await userEvent.clear(screen.getByLabelText("Attestation UID"));
    await userEvent.type(screen.getByLabelText("Attestation UID"), uid);
    await userEvent.click(screen.getByRole("button", { name: "Register attestation" }));
    await waitFor(() =>
      expect(registerCredential).toHaveBeenCalledWith(expect.anything(), 31337, uid.toLowerCase()),
    );
    expect(await screen.findByText(/For your address: allowed/)).toBeDefined();
    expect(screen.queryByRole("button", { name: "Register attestation" })).toBeNull();
  });

  it("says when the provider has named no attestation yet", async () => {
    state.requirement = false;
    render(wrap(<VettingPanel offerId={5n} eas={EAS} buyer={undefined} />));
    expect(await screen.findByText(/has not said yet which attestation it accepts/)).toBeDefined();
    expect(screen.queryByText(/For your address/)).toBeNull();
  });
});
