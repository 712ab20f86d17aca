import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "../../lib/router.tsx";
import MarketPage from "./MarketPage.tsx";

const USD = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
const GRID = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337, addresses: { market: "0x01", grid: GRID, usd: USD } }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));

const PROVIDER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const row = (id: number, p: Record<string, unknown> = {}) => ({
  offerId: String(id),
  provider: { id: PROVIDER },
  paymentToken: { id: USD },
  gpuModel: "H100-SXM-80GB",
  region: "SG",
  gpusPerUnit: "8",
  totalUnits: "10",
  unitsInUse: "2",
  pricePerGpuHour: "2000000",
  initialPricePerGpuHour: "2000000",
  minDuration: "3600",
  maxDuration: "2592000",
  repairWindow: "14400",
  prepaidWindow: "0",
  commitment: "0",
  noticePeriod: "0",
  exitFeeBps: "0",
  minProviderBond: "0",
  buyerPolicy: "0x0000000000000000000000000000000000000000",
  specHash: `0x${"00".repeat(32)}`,
  specURI: "",
  paused: false,
  leaseCount: 0,
  createdAt: String(id),
  createdAtBlock: "1",
  updatedAt: String(id),
  ...p,
});

/** The indexer's state around the offers: the market's pause switch, allowed tokens, the provider's bond. */
interface World {
  marketPaused?: boolean;
  allowed?: string[];
  bond?: string;
  lockedBond?: string;
  /** Audit rows of the indexer (`audits(`); none when unset. */
  audits?: unknown[];
  /** The provider's reputation inputs (decimal strings), merged into its row. */
  evidence?: Record<string, string | number>;
}

function respond(offers: unknown[], world: World = {}) {
  return vi.fn(async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { query: string };
    const page = (items: unknown[]) => ({
      items,
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const q = body.query;
    // The provider's bond in each token it sells in (the penalty is reserved from the bond in the offer's token).
    const bonds = [USD, GRID].map((token) => ({
      id: `${PROVIDER}:${token}`,
      provider: { id: PROVIDER },
      token,
      amount: world.bond ?? "10000000000000000000000",
      locked: world.lockedBond ?? "0",
      penaltiesPaid: "0",
      updatedAt: "1",
    }));
    const data = q.includes("audits(")
      ? { audits: page(world.audits ?? []) }
      : q.includes("providerBonds(")
        ? { providerBonds: page(bonds) }
        : q.includes("offers(")
          ? { offers: page(offers) }
          : q.includes("markets(")
            ? {
                markets: {
                  items: [
                    {
                      id: "0x01",
                      treasury: "0x02",
                      feeBps: "250",
                      activationWindow: "3600",
                      paused: world.marketPaused ?? false,
                      bondToken: GRID,
                      penaltyBps: "5000",
                      providerCount: 1,
                      offerCount: offers.length,
                      leaseCount: 0,
                    },
                  ],
                },
              }
            : q.includes("paymentTokens(")
              ? {
                  paymentTokens: {
                    items: (world.allowed ?? [USD, GRID]).map((id) => ({
                      id,
                      allowed: true,
                      leaseCount: 0,
                      volume: "0",
                      refunded: "0",
                      paidToProviders: "0",
                      feesAccrued: "0",
                      feesWithdrawn: "0",
                    })),
                  },
                }
              : {
                  providers: page([
                    {
                      id: PROVIDER,
                      metadataURI: `data:application/json,${encodeURIComponent('{"name":"Lion City GPU"}')}`,
                      bond: world.bond ?? "10000000000000000000000",
                      lockedBond: world.lockedBond ?? "0",
                      offerCount: 1,
                      leaseCount: 31,
                      leasesServed: 31,
                      gpuSecondsServed: String(3600 * 1234),
                      noShows: 2,
                      providerTerminations: 0,
                      penaltiesPaid: "0",
                      gpuSecondsDown: "3600",
                      availabilityBps: 9_850,
                      outageReports: 0,
                      openOutages: 0,
                      outagesUnresolved: 0,
                      firstSeenAt: "1",
                      lastSeenAt: "1",
                      ...world.evidence,
                    },
                  ]),
                };
    return new Response(JSON.stringify({ data }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
}

function renderAt(url: string) {
  window.history.replaceState(null, "", url);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider>
        <MarketPage params={{}} />
      </RouterProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  window.scrollTo = () => {};
});
afterEach(() => vi.unstubAllGlobals());

describe("MarketPage", () => {
  it("lists open offers with price, capacity, track record and a Rent link", async () => {
    vi.stubGlobal(
      "fetch",
      respond([
        row(1),
        row(2, {
          gpuModel: "B200-192GB",
          region: "JP-13",
          pricePerGpuHour: "5000000",
          unitsInUse: "0",
        }),
        row(3, { totalUnits: "4", unitsInUse: "4" }), // full: not listed
        row(4, { paymentToken: { id: GRID }, pricePerGpuHour: "1500000000000000000" }),
      ]),
    );
    renderAt("/");
    const link = await screen.findByRole("link", { name: "Rent offer #1" });
    expect(link.getAttribute("href")).toBe("/offers/1");
    expect(screen.queryByRole("link", { name: "Rent offer #3" })).toBeNull();
    expect(screen.getByText(/Showing 1–3 of 3 open offers/)).toBeTruthy();

    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    // Cheapest first: 1.5 GRID, then $2.00, then $5.00.
    expect(rows.map((r) => within(r).getByRole("link").getAttribute("href"))).toEqual([
      "/offers/4",
      "/offers/1",
      "/offers/2",
    ]);
    const first = rows[1];
    expect(within(first).getByText("$2.00")).toBeTruthy();
    expect(within(first).getByText("8")).toBeTruthy(); // servers free of 10
    expect(within(first).getByText("31 leases served")).toBeTruthy();
    expect(within(first).getByText("1,234 GPU-hours")).toBeTruthy();
    expect(within(first).getByText("2 no-shows")).toBeTruthy();
    expect(within(first).getByText("98.5% available").className).toBe("warn");
    expect(within(first).getByText("repairs within 4 hours")).toBeTruthy();
    expect(within(first).getByText("Lion City GPU")).toBeTruthy();
    expect(within(rows[0]).getByText("1.5 GRID")).toBeTruthy();
  });

  it("applies filters from the URL and writes changes back to it", async () => {
    vi.stubGlobal(
      "fetch",
      respond([
        row(1),
        row(2, { gpuModel: "B200-192GB", region: "JP-13" }),
        row(5, { region: "JP-13" }),
      ]),
    );
    renderAt("/?region=JP-13");
    await screen.findByRole("link", { name: "Rent offer #2" });
    expect(screen.queryByRole("link", { name: "Rent offer #1" })).toBeNull();
    expect((screen.getByLabelText("Region") as HTMLSelectElement).value).toBe("JP-13");

    await userEvent.selectOptions(screen.getByLabelText("GPU model"), "B200-192GB");
    expect(new URLSearchParams(window.location.search).get("gpu")).toBe("B200-192GB");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Rent offer #5" })).toBeNull());
    expect(screen.getByRole("link", { name: "Rent offer #2" })).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Min GPUs"), "100");
    expect(new URLSearchParams(window.location.search).get("minGpus")).toBe("100");
    expect(await screen.findByText(/No open offer matches these filters/)).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(window.location.search).toBe("");
    expect((screen.getByLabelText("Min GPUs") as HTMLInputElement).value).toBe("");
    expect(await screen.findByRole("link", { name: "Rent offer #1" })).toBeTruthy();
  });

  it("pages through thousands of offers 25 at a time", async () => {
    vi.stubGlobal("fetch", respond(Array.from({ length: 3000 }, (_, i) => row(i + 1))));
    renderAt("/?page=2");
    await screen.findByText(/Showing 26–50 of 3,000 open offers/);
    expect(within(screen.getByRole("table")).getAllByRole("row")).toHaveLength(26);
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(screen.getByText(/Showing 51–75 of 3,000/)).toBeTruthy();
    expect(new URLSearchParams(window.location.search).get("page")).toBe("3");
  });

  it("never lists an offer the market would refuse to lease", async () => {
    const bonded = { minProviderBond: "1000000000000000000000" }; // 1,000 GRID: 500 reserved per lease
    vi.stubGlobal(
      "fetch",
      respond(
        [
          row(1),
          row(2, { paymentToken: { id: GRID } }), // the market no longer allows GRID
          row(3, bonded), // the provider's free bond is used up
        ],
        { allowed: [USD], lockedBond: "9600000000000000000000" },
      ),
    );
    renderAt("/");
    await screen.findByRole("link", { name: "Rent offer #1" });
    expect(screen.queryByRole("link", { name: "Rent offer #2" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Rent offer #3" })).toBeNull();
    expect(screen.getByText(/Showing 1–1 of 1 open offers/)).toBeTruthy();
  });

  it("lists nothing while the market is paused, and says so", async () => {
    vi.stubGlobal("fetch", respond([row(1), row(2)], { marketPaused: true }));
    renderAt("/");
    expect(await screen.findByText(/No offer can be leased right now/)).toBeTruthy();
    expect(screen.queryByRole("link", { name: /Rent offer/ })).toBeNull();
  });

  it("says so when the indexer is unreachable", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    renderAt("/");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/The indexer is unreachable/);
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});

describe("MarketPage trust", () => {
  const TRUSTED = "0xbda5747bfd65f08deb54cb465eb87d40e51b197e";
  const OTHER = "0xdd2fd4581271e230360230f9337d5c0430bf44c0";
  const audit = (offer: number, auditor: string) => ({
    id: `0x${offer.toString(16).padStart(64, "0")}`,
    offer: { id: String(offer) },
    provider: { id: PROVIDER },
    auditor,
    hardwareReportHash: `0x${"ab".repeat(32)}`,
    verdict: 1,
    validUntil: String(Math.floor(Date.now() / 1000) + 30 * 86_400),
    attestedAt: "1",
    revokedAt: null,
  });
  const world = {
    audits: [audit(1, TRUSTED), audit(2, OTHER)],
    evidence: {
      completedWeight: "40000000",
      faultWeight: "0",
      noShowWeight: "0",
      deliveredWeight: "40000000",
      uptimeWeight: "40000000",
      reviewWeight: "0",
      reviewScoreWeight: "0",
      feesPaidUsdMicros: "40000000",
      auditedUntil: "0",
      reviewCount: 0,
      auditCount: 2,
    },
  };

  it("badges an offer audited by a trusted auditor, marks another's audit unverified, and shows the score", async () => {
    window.localStorage.clear();
    vi.stubGlobal("fetch", respond([row(1), row(2), row(3, { unitsInUse: "0" })], world));
    renderAt("/");
    const badge = await screen.findByText(/^Audited by 0xbDA5…197E until \d{4}-\d{2}-\d{2}$/);
    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    const rowOf = (id: number) =>
      rows.find((r) => within(r).queryByRole("link", { name: `Rent offer #${id}` }))!;
    expect(within(rowOf(1)).getByText(badge.textContent!)).toBeTruthy();
    expect(within(rowOf(2)).getByText("Unverified audit")).toBeTruthy();
    expect(within(rowOf(2)).queryByText(/Audited by/)).toBeNull();
    expect(within(rowOf(3)).queryByText(/audit/i)).toBeNull();
    expect(within(rowOf(1)).getByText(/^Score \d+\.\d$/)).toBeTruthy();
  });

  it("filters to offers audited by a trusted auditor, from the URL", async () => {
    window.localStorage.clear();
    vi.stubGlobal("fetch", respond([row(1), row(2), row(3, { unitsInUse: "0" })], world));
    renderAt("/?audited=1");
    await screen.findByText(/Showing 1–1 of 1 open offers \(filtered from 3\)/);
    expect(screen.getByRole("link", { name: "Rent offer #1" })).toBeTruthy();
    expect(screen.getByLabelText("Audited by a trusted auditor")).toHaveProperty("checked", true);
  });
});
