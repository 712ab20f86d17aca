import { describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Hex } from "viem";
import { accessKeyFromSecret, openAccess, type LeaseView } from "@gridlease/sdk";
import type * as Sdk from "@gridlease/sdk";

const activated: { leaseId: bigint; encryptedAccess: Hex }[] = [];
const created: unknown[] = [];
const resolved: { leaseId: bigint; encryptedAccess?: Hex }[] = [];
vi.mock("wagmi", () => ({ usePublicClient: () => undefined, useChainId: () => 31337 }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useReadClient: () => undefined,
  useGridlease: () => ({
    addresses: {
      market: "0x0000000000000000000000000000000000000001",
      usd: "0x0000000000000000000000000000000000000002",
      grid: "0x0000000000000000000000000000000000000003",
      policy: "0x0000000000000000000000000000000000000004",
    },
    account: "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199",
    chainId: 31337,
  }),
  useSigner: () => ({ account: { address: "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199" } }),
}));
vi.mock("../../hooks/useToken.ts", () => ({
  useTokenInfo: (a: string) => ({
    data: a.endsWith("2")
      ? { symbol: "tUSD", decimals: 6, isUsd: true }
      : { symbol: "GRID", decimals: 18, isUsd: false },
  }),
  useTokenBalance: () => ({ data: undefined }),
}));
vi.mock("@gridlease/sdk", async (importOriginal) => {
  const sdk = await importOriginal<typeof Sdk>();
  const sent = (extra: object) => ({
    hash: "0xabc",
    wait: async () => ({ receipt: { blockNumber: 1n, gasUsed: 1n }, events: [], ...extra }),
  });
  return {
    ...sdk,
    activateLease: vi.fn(async (_w: unknown, p: { leaseId: bigint; encryptedAccess: Hex }) => {
      activated.push(p);
      return sent({});
    }),
    resolveOutage: vi.fn(async (_w: unknown, p: { leaseId: bigint; encryptedAccess?: Hex }) => {
      resolved.push(p);
      return sent({});
    }),
    createOffer: vi.fn(async (_w: unknown, p: { offer: unknown }) => {
      created.push(p.offer);
      return sent({ offerId: 46n });
    }),
  };
});

const { ActivateCard } = await import("./PendingLeases.tsx");
const { CreateOfferForm } = await import("./CreateOfferForm.tsx");
const { OutageCard } = await import("./OutagesSection.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");

const wrap = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient()}>
    <RouterProvider>{children}</RouterProvider>
  </QueryClientProvider>
);

const NOW = 1_800_000_000n;
const buyerKey = accessKeyFromSecret(`0x${"11".repeat(32)}`);

describe("ActivateCard", () => {
  it("checks the fields, then seals the details to the buyer's key and activates the lease", async () => {
    const lease = {
      leaseId: 12n,
      buyer: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
      paymentToken: "0x0000000000000000000000000000000000000002",
      units: 1n,
      gpusPerUnit: 8n,
      pricePerGpuHour: 2_000_000n,
      feeBps: 250n,
      duration: 7200n,
      start: 0n,
      activationDeadline: NOW + 600n,
      settled: 0n,
      status: 1,
      endReason: 0,
    } as unknown as LeaseView;
    const row = {
      leaseId: "12",
      gpuModel: "H100-SXM-80GB",
      buyerPublicKey: buyerKey.publicKeyHex,
    } as never;
    render(wrap(<ActivateCard lease={lease} row={row} now={NOW} onChanged={() => {}} />));
    const card = screen.getByRole("article", { name: "Lease #12" });
    expect(within(card).getByText("00:10:00")).toBeDefined();
    const button = within(card).getByRole("button", { name: "Encrypt and activate lease #12" });

    await userEvent.click(button);
    expect(within(card).getByLabelText("Host").getAttribute("aria-invalid")).toBe("true");
    expect(activated).toHaveLength(0);

    await userEvent.type(within(card).getByLabelText("Host"), "gpu7.kanto.example");
    await userEvent.clear(within(card).getByLabelText("Port"));
    await userEvent.type(within(card).getByLabelText("Port"), "2222");
    await userEvent.type(within(card).getByLabelText("User"), "ubuntu");
    await userEvent.type(within(card).getByLabelText("SSH key or token"), "tok_secret_42");
    await userEvent.click(button);

    expect(activated).toHaveLength(1);
    expect(activated[0].leaseId).toBe(12n);
    expect(activated[0].encryptedAccess).not.toContain(
      Buffer.from("tok_secret_42").toString("hex"),
    );
    expect(
      openAccess(buyerKey.secretKey, activated[0].encryptedAccess, {
        expectedPublicKey: buyerKey.publicKeyHex,
      }),
    ).toEqual({
      host: "gpu7.kanto.example",
      port: 2222,
      user: "ubuntu",
      token: "tok_secret_42",
    });
  });
});

describe("CreateOfferForm", () => {
  it("shows each error next to its field and sends nothing until the form is valid", async () => {
    render(
      wrap(<CreateOfferForm bonds={{ usd: 10n ** 9n, grid: 10n ** 21n }} onCreated={() => {}} />),
    );
    const create = screen.getByRole("button", { name: "Create offer" });
    await userEvent.clear(screen.getByLabelText("Max duration (hours)"));
    await userEvent.type(screen.getByLabelText("Max duration (hours)"), "0.5");
    await userEvent.type(
      screen.getByLabelText("Buyer allowlist (one address per line, optional)"),
      "not-an-address",
    );
    await userEvent.click(create);
    expect(created).toHaveLength(0);
    for (const label of [
      "Price per GPU-hour",
      "Max duration (hours)",
      "Buyer allowlist (one address per line, optional)",
    ])
      expect(screen.getByLabelText(label).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("GPUs per server").getAttribute("aria-invalid")).toBe("false");

    await userEvent.type(screen.getByLabelText("Price per GPU-hour"), "1.95");
    await userEvent.clear(screen.getByLabelText("Max duration (hours)"));
    await userEvent.type(screen.getByLabelText("Max duration (hours)"), "72");
    await userEvent.clear(
      screen.getByLabelText("Buyer allowlist (one address per line, optional)"),
    );
    await userEvent.selectOptions(screen.getByLabelText("Region"), "SG");
    await userEvent.selectOptions(screen.getByLabelText("GPU model"), "B200-192GB");
    await userEvent.click(create);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      pricePerGpuHour: 1_950_000n,
      maxDuration: 72n * 3600n,
      paymentToken: "0x0000000000000000000000000000000000000002",
      repairWindow: 4n * 3600n,
    });
    expect(await screen.findByText("Offer #46 is listed.")).toBeDefined();
  });
});

describe("OutageCard", () => {
  const outageLease = (secondsLeft: bigint) => {
    const deadline = NOW + secondsLeft;
    const since = NOW - 1200n;
    return {
      leaseId: 21n,
      buyer: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
      paymentToken: "0x0000000000000000000000000000000000000002",
      units: 4n,
      gpusPerUnit: 8n,
      pricePerGpuHour: 2_000_000n,
      feeBps: 250n,
      duration: 48n * 3600n,
      start: NOW - 3600n,
      activationDeadline: 0n,
      settled: 0n,
      status: 2,
      endReason: 0,
      downUnits: 3n,
      repairDeadline: deadline,
      outageReports: 3n,
      outage: {
        since,
        deadline,
        lastResolved: 0n,
        downUnits: 3n,
        reports: 3n,
        extension: 0n,
        downUnitSeconds: 0n,
      },
    } as unknown as LeaseView;
  };
  const row = {
    leaseId: 21n,
    gpuModel: "H100-SXM-80GB",
    buyerPublicKey: buyerKey.publicKeyHex,
  } as never;

  it("shows the servers down, the reports and the time left in red under an hour, and resolves without new access", async () => {
    render(
      wrap(<OutageCard lease={outageLease(2400n)} row={row} now={NOW} onChanged={() => {}} />),
    );
    const card = screen.getByRole("article", { name: "Outage on lease #21" });
    expect(within(card).getByText("00:40:00").className).toContain("urgent");
    expect(within(card).getByText("3 of 4 down")).toBeDefined();
    expect(within(card).getByText("1 hour of server time (not billed)")).toBeDefined();
    expect(within(card).getByText("Reports on this lease").nextElementSibling?.textContent).toBe(
      "3",
    );
    await userEvent.click(
      within(card).getByRole("button", { name: "Resolve outage on lease #21" }),
    );
    expect(resolved.at(-1)).toMatchObject({ leaseId: 21n, encryptedAccess: "0x" });
  });

  it("seals new access details to the buyer's key when asked, sending nothing until they are valid", async () => {
    render(
      wrap(<OutageCard lease={outageLease(7200n)} row={row} now={NOW} onChanged={() => {}} />),
    );
    const card = screen.getByRole("article", { name: "Outage on lease #21" });
    expect(within(card).getByText("02:00:00").className).not.toContain("urgent");
    await userEvent.click(within(card).getByLabelText(/Send new access details/));
    const before = resolved.length;
    await userEvent.click(
      within(card).getByRole("button", { name: "Resolve outage on lease #21" }),
    );
    expect(resolved).toHaveLength(before);
    await userEvent.type(within(card).getByLabelText("Host"), "spare3.example");
    await userEvent.type(within(card).getByLabelText("User"), "ubuntu");
    await userEvent.type(within(card).getByLabelText("SSH key or token"), "tok_new_7");
    await userEvent.click(
      within(card).getByRole("button", { name: "Resolve outage on lease #21" }),
    );
    const sent = resolved.at(-1)!;
    expect(
      openAccess(buyerKey.secretKey, sent.encryptedAccess!, {
        expectedPublicKey: buyerKey.publicKeyHex,
      }),
    ).toEqual({ host: "spare3.example", port: 22, user: "ubuntu", token: "tok_new_7" });
  });

  it("offers no resolve once the repair deadline has passed", () => {
    render(wrap(<OutageCard lease={outageLease(-1n)} row={row} now={NOW} onChanged={() => {}} />));
    const card = screen.getByRole("article", { name: "Outage on lease #21" });
    expect(within(card).getByText("Deadline passed")).toBeDefined();
    expect(within(card).queryByRole("button", { name: /Resolve outage/ })).toBeNull();
  });
});
