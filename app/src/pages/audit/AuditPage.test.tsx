import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk";

const PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const AUDITOR = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const HASH = `0x${"ab".repeat(32)}`;
const NOW = 1_800_000_000n;

const sent = (hash: string) => ({
  hash,
  wait: async () => ({ receipt: { blockNumber: 12n, gasUsed: 90_000n } }),
});
const attestAudit = vi.fn(async (..._args: unknown[]) => sent(`0x${"11".repeat(32)}`));
const revokeAudit = vi.fn(async (..._args: unknown[]) => sent(`0x${"22".repeat(32)}`));

vi.mock("wagmi", () => ({ useChainId: () => 31337, usePublicClient: () => undefined }));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337, account: AUDITOR, addresses: { market: "0x01" } }),
  useReadClient: () => undefined,
  useSigner: () => ({ account: { address: AUDITOR } }),
}));
vi.mock("../../lib/easWrites.ts", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  attestAudit,
  revokeAudit,
}));
vi.mock("./data.ts", () => ({
  useAuditedOffer: (offerId: bigint | undefined) => ({
    data:
      offerId === undefined
        ? undefined
        : offerId === 3n
          ? {
              provider: PROVIDER,
              gpuModel: encodeGpuModel("H100-SXM-80GB"),
              region: encodeRegion("AU-QLD"),
              gpusPerUnit: 8,
            }
          : null,
    isFetching: false,
    isError: false,
  }),
  useMyAudits: () => ({
    isPending: false,
    isError: false,
    data: [
      {
        uid: `0x${"c1".repeat(32)}`,
        offerId: 3n,
        provider: PROVIDER,
        auditor: AUDITOR,
        hardwareReportHash: HASH,
        verdict: 1,
        validUntil: NOW + 86_400n,
        attestedAt: NOW - 10n,
        revokedAt: null,
      },
      {
        uid: `0x${"c2".repeat(32)}`,
        offerId: 4n,
        provider: PROVIDER,
        auditor: AUDITOR,
        hardwareReportHash: HASH,
        verdict: 2,
        validUntil: NOW + 86_400n,
        attestedAt: NOW - 20n,
        revokedAt: NOW - 5n,
      },
    ],
  }),
}));

const { AuditForm } = await import("./AuditForm.tsx");
const { MyAudits } = await import("./MyAudits.tsx");
const { RouterProvider } = await import("../../lib/router.tsx");

const wrap = (children: ReactNode) => (
  <QueryClientProvider client={new QueryClient()}>
    <RouterProvider>{children}</RouterProvider>
  </QueryClientProvider>
);

beforeEach(() => {
  attestAudit.mockClear();
  revokeAudit.mockClear();
});

describe("the auditor's form", () => {
  it("names every missing or bad field and asks the wallet nothing", async () => {
    render(wrap(<AuditForm now={NOW} onAttested={() => {}} />));
    const form = screen.getByRole("form", { name: "Attest an audit" });
    await userEvent.click(within(form).getByRole("button", { name: "Attest audit" }));
    expect(screen.getByText("Give the number of the offer you audited.")).toBeDefined();
    expect(screen.getByText(/Paste the hardware report hash/)).toBeDefined();
    expect(screen.getByText("Choose Pass or Fail.")).toBeDefined();

    await userEvent.type(screen.getByLabelText("Offer number"), "99");
    await userEvent.type(screen.getByLabelText(/Hardware report hash/), "0x1234");
    const date = screen.getByLabelText(/Valid until/);
    await userEvent.clear(date);
    await userEvent.type(date, "2020-01-01");
    expect(screen.getByText("There is no offer #99 on this market.")).toBeDefined();
    expect(screen.getByText(/0x followed by 64 hexadecimal digits/)).toBeDefined();
    expect(screen.getByText("The audit must hold until a day in the future.")).toBeDefined();
    expect(attestAudit).not.toHaveBeenCalled();
  });

  it("takes the hash and the verdict from a verify run's JSON and attests the audit to the offer's provider", async () => {
    const onAttested = vi.fn();
    render(wrap(<AuditForm now={NOW} onAttested={onAttested} />));
    await userEvent.type(screen.getByLabelText("Offer number"), "3");
    expect(screen.getByText(PROVIDER)).toBeDefined();
    const run = JSON.stringify({ leaseId: "7", match: true, verdict: { reportHash: HASH } });
    await userEvent.click(screen.getByLabelText(/Hardware report hash/));
    await userEvent.paste(run);
    // The verify run matched: Pass is chosen for the auditor, who can still change it.
    expect(screen.getByLabelText(/^Pass/)).toHaveProperty("checked", true);
    expect(screen.getByText(/a verify run that matched the listing/)).toBeDefined();
    const date = screen.getByLabelText(/Valid until/);
    await userEvent.clear(date);
    await userEvent.type(date, "2027-02-01");
    await userEvent.click(screen.getByRole("button", { name: "Attest audit" }));

    await waitFor(() => expect(onAttested).toHaveBeenCalled());
    expect(attestAudit).toHaveBeenCalledWith(expect.anything(), 31337, {
      offerId: 3n,
      provider: PROVIDER,
      hardwareReportHash: HASH,
      verdict: 1,
      validUntil: BigInt(Date.UTC(2027, 1, 1) / 1000) + 86_399n,
    });
    expect(screen.getByText(/Confirmed in block 12/)).toBeDefined();
  });
});

describe("the auditor's own audits", () => {
  it("lists them with their state and revokes one in force", async () => {
    render(wrap(<MyAudits auditor={AUDITOR} now={NOW} />));
    const rows = screen.getAllByRole("row");
    expect(rows[1].textContent).toContain("Offer #3");
    expect(rows[1].textContent).toContain("In force");
    expect(rows[2].textContent).toContain("Revoked");
    expect(within(rows[2]).queryByRole("button")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Revoke the audit of offer #3" }));
    await waitFor(() =>
      expect(revokeAudit).toHaveBeenCalledWith(expect.anything(), 31337, `0x${"c1".repeat(32)}`),
    );
  });
});
