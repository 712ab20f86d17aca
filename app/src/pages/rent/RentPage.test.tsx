import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { encodeErrorResult, stringToHex, zeroAddress } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk";
import type * as ViemActions from "viem/actions";
import type * as Sdk from "@gridlease/sdk";
import { RouterProvider } from "../../lib/router.tsx";
import type * as TokenHooks from "../../hooks/useToken.ts";
import type * as Permit from "./permit.ts";

const MARKET = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9";
const USD = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
const BUYER = "0x71be63f3384f5fb98995898a86b02fb2426c5788";

const state = vi.hoisted(() => ({
  connected: true,
  balance: 10_000_000_000n,
  allowance: 0n,
  permit: true,
  lockedBond: 0n,
  offerTerms: { prepaidWindow: 0, commitment: 0, noticePeriod: 0, exitFeeBps: 0 },
}));

const sdk = vi.hoisted(() => ({
  getOffer: vi.fn(),
  deriveAccessKey: vi.fn(),
  signPermit: vi.fn(),
  openLease: vi.fn(),
  ensureAllowance: vi.fn(),
  openLeaseWithSignedPermit: vi.fn(),
  openRollingLease: vi.fn(),
}));

vi.mock("wagmi", () => ({
  usePublicClient: () => ({ chain: { id: 31337 } }),
  useWalletClient: () => ({
    data: state.connected ? { account: { address: BUYER }, chain: { id: 31337 } } : undefined,
  }),
  useAccount: () => ({ isConnected: state.connected, chainId: 31337 }),
  useChains: () => [{ id: 31337, name: "Local" }],
  useChainId: () => 31337,
  useSwitchChain: () => ({ switchChain: () => {}, isPending: false }),
}));
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({
    chainId: 31337,
    addresses: { market: MARKET, grid: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", usd: USD },
    account: state.connected ? BUYER : undefined,
  }),
  useReadClient: () => ({ chain: { id: 31337 } }),
  useSigner: () =>
    state.connected ? { account: { address: BUYER }, chain: { id: 31337 } } : undefined,
}));
vi.mock("../../hooks/useToken.ts", async (original) => ({
  ...(await original<typeof TokenHooks>()),
  useTokenInfo: (token?: string) => ({
    data: token
      ? token === USD
        ? { symbol: "tUSD", decimals: 6, isUsd: true }
        : { symbol: "GRID", decimals: 18, isUsd: false }
      : undefined,
    isError: false,
  }),
}));
vi.mock("../../lib/indexer.ts", () => ({
  isIndexerDown: () => false,
  indexer: { query: async () => indexed },
}));
const indexed = vi.hoisted(() => ({
  offer: {
    specURI: `data:application/json,${encodeURIComponent(JSON.stringify({ interconnect: { fabric: "InfiniBand NDR", gbpsPerGpu: 400 }, server: { ramGB: 2048 } }))}`,
  },
  provider: {
    metadataURI: "",
    leasesServed: 17,
    gpuSecondsServed: String(3600 * 900),
    noShows: 1,
    providerTerminations: 0,
    availabilityBps: 9_940,
    outageReports: 4,
    outagesUnresolved: 0,
  },
}));
vi.mock("viem/actions", async (original) => ({
  ...(await original<typeof ViemActions>()),
  readContract: async (_c: unknown, p: { functionName: string }) => {
    switch (p.functionName) {
      case "feeBps":
        return 250n;
      case "PENALTY_BPS":
        return 1000n;
      case "activationWindow":
        return 3600n;
      case "BOND_TOKEN":
        return "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
      case "balanceOf":
        return state.balance;
      case "allowance":
        return state.allowance;
      case "paused":
        return false;
      case "isPaymentToken":
        return true;
      case "bondOf":
        // The provider's bond in the offer's token (tUSD): 20,000 deposited.
        return { amount: 20_000n * 10n ** 6n, locked: state.lockedBond };
      case "getOfferTerms":
        return state.offerTerms;
      default:
        throw new Error(`unexpected read ${p.functionName}`);
    }
  },
}));
vi.mock("./permit.ts", async (original) => ({
  ...(await original<typeof Permit>()),
  supportsPermit: async () => state.permit,
  openLeaseWithSignedPermit: sdk.openLeaseWithSignedPermit,
}));
vi.mock("@gridlease/sdk", async (original) => ({
  ...(await original<typeof Sdk>()),
  getMarketConfig: async () => ({
    feeBps: 250n,
    penaltyBps: 1000n,
    activationWindow: 3600n,
    bondToken: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
  }),
  getOffer: sdk.getOffer,
  deriveAccessKey: sdk.deriveAccessKey,
  signPermit: sdk.signPermit,
  openLease: sdk.openLease,
  ensureAllowance: sdk.ensureAllowance,
  openRollingLease: sdk.openRollingLease,
  isBuyerAllowed: async () => true,
}));

const { default: RentPage } = await import("./RentPage.tsx");

const OFFER = {
  provider: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  gpusPerUnit: 8,
  totalUnits: 10,
  unitsInUse: 7,
  paused: false,
  hasPolicy: false,
  maxDuration: 7 * 86400,
  paymentToken: USD,
  pricePerGpuHour: 2_100_000n,
  minDuration: 3600,
  repairWindow: 4 * 3600,
  minProviderBond: 10_000n * 10n ** 6n,
  region: stringToHex("SG", { size: 8 }),
  tokenIndex: 1,
  buyerPolicy: zeroAddress,
  gpuModel: stringToHex("H100-SXM-80GB", { size: 32 }),
};

const mined = (leaseId: bigint) => ({
  hash: "0xabc0000000000000000000000000000000000000000000000000000000000001",
  wait: async () => ({ receipt: { blockNumber: 12n, gasUsed: 210_000n }, events: [], leaseId }),
});

function renderRent(id = "3") {
  window.history.replaceState(null, "", `/offers/${id}`);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider>
        <RentPage params={{ offerId: id }} />
      </RouterProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  Object.assign(state, {
    connected: true,
    balance: 10_000_000_000n,
    allowance: 0n,
    permit: true,
    lockedBond: 0n,
    offerTerms: { prepaidWindow: 0, commitment: 0, noticePeriod: 0, exitFeeBps: 0 },
  });
  for (const fn of Object.values(sdk)) fn.mockReset();
  sdk.getOffer.mockResolvedValue(OFFER);
  sdk.deriveAccessKey.mockResolvedValue({ publicKeyHex: `0x${"11".repeat(32)}` });
  sdk.signPermit.mockResolvedValue({ value: 1n, deadline: 2n, v: 27, r: "0x01", s: "0x02" });
  window.scrollTo = () => {};
});

describe("RentPage", () => {
  it("shows the offer and its cost without a wallet, and asks to connect one to rent", async () => {
    state.connected = false;
    renderRent();
    expect(
      await screen.findByRole("heading", { name: /Rent offer #3: 8 × NVIDIA H100 SXM 80GB/ }),
    ).toBeTruthy();
    expect(screen.getByText("3 of 10")).toBeTruthy();
    expect(await screen.findByText("InfiniBand NDR · 400 Gb/s per GPU")).toBeTruthy();
    expect(screen.getByText("17")).toBeTruthy(); // leases served
    expect(screen.getByText("Availability").nextElementSibling?.textContent).toBe(
      "99.4% (4 outage reports, 0 not repaired in time)",
    );
    expect(screen.getByText("Repair window").nextElementSibling?.textContent).toBe("4 hours");
    expect((screen.getByLabelText("Servers") as HTMLInputElement).value).toBe("1");
    expect((screen.getByLabelText("Duration (hours)") as HTMLInputElement).value).toBe("1");
    expect((screen.getByLabelText("Max price per GPU-hour") as HTMLInputElement).value).toBe("2.1");
    // 8 GPUs × 1 h × $2.10
    expect(
      (await screen.findByText("Deposit, held in escrow")).nextElementSibling?.textContent,
    ).toBe("$16.80");
    expect(screen.getByText("Connect a wallet")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Rent now" })).toBeNull();
  });

  it("validates next to the fields and does not send", async () => {
    renderRent();
    const servers = await screen.findByLabelText("Servers");
    await userEvent.clear(servers);
    await userEvent.type(servers, "4");
    expect(servers.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Choose from 1 to 3 servers (that many are free).")).toBeTruthy();

    const max = screen.getByLabelText("Max price per GPU-hour");
    await userEvent.clear(max);
    await userEvent.type(max, "2");
    expect(
      screen.getByText(
        "The current price is $2.10 per GPU-hour: your maximum must be at least that.",
      ),
    ).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(document.activeElement).toBe(servers);
    expect(sdk.deriveAccessKey).not.toHaveBeenCalled();
  });

  it("says when the balance does not cover the deposit", async () => {
    state.balance = 5_000_000n;
    renderRent();
    expect(
      await screen.findByText("Insufficient balance: you have $5.00, the deposit is $16.80."),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(sdk.deriveAccessKey).not.toHaveBeenCalled();
  });

  it("rents with a permit: access key, permit signature, then one transaction", async () => {
    sdk.openLeaseWithSignedPermit.mockResolvedValue(mined(42n));
    renderRent();
    const hours = await screen.findByLabelText("Duration (hours)");
    await userEvent.clear(hours);
    await userEvent.type(hours, "10");
    await screen.findByText(
      "Your balance: $10,000.00 · paying with a permit (one signature, no approval)",
    );
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));

    expect(await screen.findByText("Lease #42 opened")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Go to my leases" }).getAttribute("href")).toBe(
      "/leases",
    );
    const progress = screen.getByRole("region", { name: "Renting progress" });
    expect(
      within(progress)
        .getAllByRole("listitem")
        .map((li) => li.querySelector(".tx-label")?.textContent),
    ).toEqual(["Derive your access key", "Sign permit", "Open lease"]);
    // The permit covers the deposit at the buyer's maximum price: 8 GPUs × 10 h × $2.10.
    expect(sdk.signPermit.mock.calls[0][1]).toMatchObject({
      token: USD,
      spender: MARKET,
      value: 168_000_000n,
    });
    expect(sdk.openLeaseWithSignedPermit.mock.calls[0][1]).toMatchObject({
      market: MARKET,
      offerId: 3n,
      units: 1n,
      duration: 36_000n,
      maxPricePerGpuHour: 2_100_000n,
      buyerPublicKey: `0x${"11".repeat(32)}`,
    });
    expect(sdk.openLease).not.toHaveBeenCalled();
  });

  it("approves first when the token has no permit and the allowance is short", async () => {
    state.permit = false;
    sdk.ensureAllowance.mockResolvedValue({ approval: mined(0n) });
    sdk.openLease.mockResolvedValue(mined(7n));
    renderRent();
    await screen.findByText(/paying with an approval/);
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(await screen.findByText("Lease #7 opened")).toBeTruthy();
    expect(screen.getByText("Approve tUSD")).toBeTruthy();
    expect(sdk.ensureAllowance.mock.calls[0][1]).toMatchObject({
      token: USD,
      spender: MARKET,
      amount: 16_800_000n,
    });
  });

  it("skips the approval when the allowance already covers the deposit", async () => {
    state.permit = false;
    state.allowance = 10n ** 12n;
    sdk.openLease.mockResolvedValue(mined(8n));
    renderRent();
    await screen.findByText(/paying with an approval/);
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(await screen.findByText("Lease #8 opened")).toBeTruthy();
    expect(screen.queryByText("Approve tUSD")).toBeNull();
    expect(sdk.ensureAllowance).not.toHaveBeenCalled();
  });

  it("explains a revert in plain words when the price rose above the maximum", async () => {
    const data = encodeErrorResult({
      abi: gridleaseMarketAbi,
      errorName: "Market_PriceAboveMax",
      args: [3n, 2_500_000n, 2_100_000n],
    });
    sdk.openLeaseWithSignedPermit.mockRejectedValue(data);
    renderRent();
    await screen.findByText(/paying with a permit/);
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    const progress = await screen.findByRole("region", { name: "Renting progress" });
    await waitFor(() =>
      expect(within(progress).getByRole("alert").textContent).toBe(
        "The price rose to $2.50 per GPU-hour, above your maximum of $2.10.",
      ),
    );
    expect(screen.queryByText(/opened/)).toBeNull();
  });

  it("says why the lease cannot open when the provider's free bond is used up, and does not send", async () => {
    // The offer needs 10,000 tUSD bonded (in its own token) and reserves 1,000 per lease; 19,500 of the 20,000 are
    // reserved.
    state.lockedBond = 19_500n * 10n ** 6n;
    renderRent();
    const heading = await screen.findByText("This lease cannot open now");
    expect(heading.closest("[role=alert]")?.textContent).toMatch(
      /only \$500.00 of its bond in this token free/,
    );
    expect(screen.getByRole("button", { name: "Rent now" }).hasAttribute("disabled")).toBe(true);
    expect(sdk.deriveAccessKey).not.toHaveBeenCalled();
  });

  it("says when the offer does not exist", async () => {
    sdk.getOffer.mockResolvedValue({ ...OFFER, provider: zeroAddress });
    renderRent("999");
    expect(await screen.findByRole("heading", { name: "Offer #999 does not exist" })).toBeTruthy();
  });

  it("shows a committed rolling offer's exit terms with an example charge and the deposit split, then opens a rolling lease", async () => {
    // A 2-day commitment with a 20% exit fee and a 1-day prepaid window, on an offer of 2 to 7 days.
    state.offerTerms = {
      prepaidWindow: 86_400,
      commitment: 2 * 86_400,
      noticePeriod: 0,
      exitFeeBps: 2_000,
    };
    sdk.getOffer.mockResolvedValue({ ...OFFER, minDuration: 2 * 86_400 });
    sdk.ensureAllowance.mockResolvedValue({ approval: mined(0n) });
    sdk.openRollingLease.mockResolvedValue(mined(9n));
    renderRent();
    expect((await screen.findByTestId("exit-rule")).textContent).toMatch(
      /2 days commitment .* exit fee of 20.00% of the committed value left/,
    );
    // One server (8 GPUs at $2.10) leaving 1 day in: 24 committed hours left × $16.80 × 20%.
    expect(screen.getByTestId("exit-example").textContent).toMatch(
      /1 day after activation costs \$80.64/,
    );
    // Funded: 1 day ($403.20); exit escrow: 20% of the 48 committed hours ($161.28); the $1,000 floor beats 10%.
    const deposit = within(screen.getByTestId("rolling-deposit"));
    expect(deposit.getByText("Funded window").nextElementSibling?.textContent).toBe("$403.20");
    expect(deposit.getByText("Exit escrow").nextElementSibling?.textContent).toMatch(/^\$161.28/);
    expect(deposit.getByText("Deposit").nextElementSibling?.textContent).toBe("$564.48");
    expect(deposit.getByText(/Penalty reserved/).nextElementSibling?.textContent).toBe("$1,000.00");

    // Prepaying less than the window is refused next to the field, and nothing is sent.
    const funded = screen.getByLabelText("Prepay now (days)");
    await userEvent.clear(funded);
    await userEvent.type(funded, "0");
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(funded.getAttribute("aria-invalid")).toBe("true");
    expect(sdk.openRollingLease).not.toHaveBeenCalled();

    await userEvent.clear(funded);
    await userEvent.type(funded, "1");
    await userEvent.click(screen.getByRole("button", { name: "Rent now" }));
    expect(await screen.findByText("Lease #9 opened")).toBeTruthy();
    expect(sdk.ensureAllowance.mock.calls[0][1]).toMatchObject({ amount: 564_480_000n });
    expect(sdk.openRollingLease.mock.calls[0][1]).toMatchObject({
      market: MARKET,
      offerId: 3n,
      units: 1n,
      term: 2n * 86_400n,
      funded: 86_400n,
      maxPricePerGpuHour: 2_100_000n,
    });
    expect(sdk.openLease).not.toHaveBeenCalled();
  });
});
