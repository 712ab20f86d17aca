import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { syntheticLeases, USD } from "./fixtures.ts";
import { withLeaseTableLayout, renderAt, stubIndexer } from "./testing.tsx";

// The explorer reads only the indexer; token data of the deployed tokens is known without a chain.
vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337 }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));

withLeaseTableLayout();

describe("explorer pages", () => {
  it("says the indexer is unreachable when it does not answer", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    renderAt("/explorer");
    const alerts = await screen.findAllByRole("alert", {}, { timeout: 5000 });
    expect(alerts[0].textContent).toContain("The indexer is unreachable");
    expect(
      screen.getByRole("searchbox", { name: "Search by lease id, address or transaction hash" }),
    ).toBeTruthy();
  });

  it("routes a lease id search to the lease page and an address search to the address page", async () => {
    stubIndexer(() => ({ lease: null, leaseEvents: { items: [] } }));
    renderAt("/explorer");
    const box = await screen.findByRole("searchbox", {
      name: "Search by lease id, address or transaction hash",
    });
    fireEvent.change(box, { target: { value: " 17 " } });
    fireEvent.submit(box.closest("form")!);
    expect(window.location.pathname).toBe("/explorer/leases/17");
    expect(await screen.findByRole("heading", { name: "Lease #17" })).toBeTruthy();
    expect(await screen.findByText(/There is no lease #17/)).toBeTruthy();

    renderAt("/explorer/search?q=0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    await waitFor(() =>
      expect(window.location.pathname).toBe(
        "/explorer/address/0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      ),
    );
  });

  it("lists the lease events of a transaction hash", async () => {
    const hash = `0x${"12".repeat(32)}`;
    const fake = stubIndexer((query, vars) => {
      if (query.includes("leaseEvents(")) {
        expect(vars.hash).toBe(hash);
        return {
          leaseEvents: {
            items: [
              {
                id: `${hash}-3`,
                lease: { id: "9" },
                type: "Opened",
                account: "0x" + "b".repeat(40),
                txHash: hash,
                blockNumber: "120",
                logIndex: 3,
                timestamp: "1764000000",
                amount: "16000000",
                fee: null,
                refund: null,
                penalty: null,
                duration: "3600",
                startTime: null,
                endTime: null,
                endReason: null,
              },
            ],
          },
        };
      }
      return { leases: { items: [{ id: "9", paymentToken: { id: USD } }] } };
    });
    renderAt(`/explorer/search?q=${hash}`);
    const link = await screen.findByRole("link", { name: "Lease #9" });
    expect(link.getAttribute("href")).toBe("/explorer/leases/9");
    expect(await screen.findByText("$16.00")).toBeTruthy();
    expect(fake.queries).toHaveLength(2);
  });

  it("shows a lease's terms, settlement and timeline with transaction links", async () => {
    const tx = (n: number) => `0x${String(n).repeat(64)}`;
    const ev = (type: string, n: number, extra: Record<string, string | null>) => ({
      id: `${tx(n)}-0`,
      lease: { id: "5" },
      type,
      account: "0x" + "b".repeat(40),
      txHash: tx(n),
      blockNumber: String(100 + n),
      logIndex: 0,
      timestamp: String(1764000000 + n * 3600),
      amount: null,
      fee: null,
      refund: null,
      penalty: null,
      duration: null,
      startTime: null,
      endTime: null,
      endReason: null,
      ...extra,
    });
    stubIndexer(() => ({
      lease: {
        id: "5",
        offer: { id: "3" },
        provider: { id: "0x" + "a".repeat(40) },
        buyer: { id: "0x" + "b".repeat(40) },
        paymentToken: { id: USD },
        gpuModel: "H100-SXM-80GB",
        region: "JP-13",
        units: "1",
        gpusPerUnit: "8",
        gpus: "8",
        pricePerGpuHour: "2000000",
        feeBps: "1000",
        duration: "7200",
        initialDuration: "36000",
        status: "Ended",
        endReason: "BuyerTerminated",
        activationDeadline: "0",
        openedAt: "1764000000",
        startTime: "1764003600",
        endTime: "1764010800",
        closedAt: "1764010800",
        deposit: "160000000",
        topUps: "0",
        extensionCount: 0,
        accrued: "32000000",
        claimedGross: "32000000",
        paidToProvider: "28800000",
        fee: "3200000",
        refunded: "128000000",
        penalty: "0",
        accessPostedAt: "1764003600",
        accessRotations: 0,
      },
      // Out of order on purpose: the page sorts by block and log index.
      leaseEvents: {
        items: [
          ev("Ended", 3, {
            amount: "32000000",
            refund: "128000000",
            penalty: "0",
            endReason: "BuyerTerminated",
          }),
          ev("Opened", 1, { amount: "160000000", duration: "36000" }),
          ev("Activated", 2, {}),
        ],
      },
    }));
    renderAt("/explorer/leases/5");
    expect(await screen.findByRole("heading", { name: "Lease #5" })).toBeTruthy();
    expect(
      (await screen.findAllByText("Ended early by the buyer", {}, { timeout: 5000 })).length,
    ).toBeGreaterThan(0);
    const settlement = screen.getByRole("table", { name: "Settlement breakdown" });
    expect(
      within(settlement).getByRole("row", { name: /Paid to the provider/ }).textContent,
    ).toContain("$28.80");
    expect(within(settlement).getByRole("row", { name: /Protocol fee/ }).textContent).toContain(
      "$3.20",
    );
    expect(
      within(settlement).getByRole("row", { name: /Refunded to the buyer/ }).textContent,
    ).toContain("$128.00");
    expect(screen.getByText(/Checks out/)).toBeTruthy();
    const items = screen.getByRole("list").querySelectorAll("li");
    expect([...items].map((li) => li.querySelector("strong")!.textContent)).toEqual([
      "Opened",
      "Activated by the provider",
      "Ended",
    ]);
    const txLinks = screen.getAllByRole("link", { name: /^tx 0x/ });
    expect(txLinks[0].getAttribute("href")).toBe(`/explorer/search?q=${tx(1)}`);
  });

  it("shows a lease's outages: reports with servers down and deadline, resolutions with the downtime, the unrepaired end", async () => {
    const tx = (n: number) => `0x${String(n).repeat(64)}`;
    const evidence = `0x${"ab".repeat(32)}`;
    const none = {
      amount: null,
      fee: null,
      refund: null,
      penalty: null,
      duration: null,
      startTime: null,
      endTime: null,
      endReason: null,
      downUnits: null,
      evidenceHash: null,
      repairDeadline: null,
      reports: null,
      downUnitSeconds: null,
      accessChanged: null,
    };
    const ev = (type: string, n: number, extra: Record<string, unknown>) => ({
      id: `${tx(n)}-0`,
      lease: { id: "8" },
      type,
      account: "0x" + "b".repeat(40),
      txHash: tx(n),
      blockNumber: String(100 + n),
      logIndex: 0,
      timestamp: String(1764000000 + n * 3600),
      ...none,
      ...extra,
    });
    stubIndexer(() => ({
      lease: {
        id: "8",
        offer: { id: "3" },
        provider: { id: "0x" + "a".repeat(40) },
        buyer: { id: "0x" + "b".repeat(40) },
        paymentToken: { id: USD },
        gpuModel: "H100-SXM-80GB",
        region: "JP-13",
        units: "2",
        gpusPerUnit: "8",
        gpus: "16",
        pricePerGpuHour: "2000000",
        feeBps: "1000",
        duration: "36000",
        initialDuration: "36000",
        status: "Ended",
        endReason: "OutageUnresolved",
        activationDeadline: "0",
        openedAt: "1764000000",
        startTime: "1764003600",
        endTime: "1764021600",
        closedAt: "1764021600",
        deposit: "100000000",
        topUps: "0",
        extensionCount: 0,
        accrued: "100000000",
        claimedGross: "100000000",
        paidToProvider: "90000000",
        fee: "10000000",
        refunded: "0",
        penalty: "500000000",
        accessPostedAt: "1764003600",
        accessRotations: 0,
        outageOpen: false,
        downUnits: "0",
        outageSince: null,
        repairDeadline: "1764018000",
        lastResolvedAt: "1764010800",
        outageReports: 2,
        outageDowntime: "1800",
        downUnitSeconds: "3600",
      },
      leaseEvents: {
        items: [
          ev("Opened", 0, { amount: "100000000", duration: "36000" }),
          ev("OutageReported", 2, {
            downUnits: "1",
            evidenceHash: evidence,
            repairDeadline: "1764021600",
            reports: 1,
          }),
          ev("OutageResolved", 3, {
            duration: "1800",
            endTime: "1764041400",
            downUnitSeconds: "3600",
            accessChanged: true,
          }),
          ev("OutageReported", 4, {
            downUnits: "2",
            evidenceHash: `0x${"00".repeat(32)}`,
            repairDeadline: "1764018000",
            reports: 2,
          }),
          ev("Ended", 5, { endReason: "OutageUnresolved", penalty: "500000000" }),
        ],
      },
    }));
    renderAt("/explorer/leases/8");
    expect(
      (await screen.findAllByText("Outage reported by the buyer", {}, { timeout: 5000 })).length,
    ).toBe(2);
    const items = [...screen.getByRole("list").querySelectorAll("li")];
    expect(items.map((li) => li.querySelector("strong")!.textContent)).toEqual([
      "Opened",
      "Outage reported by the buyer",
      "Outage resolved by the provider",
      "Outage reported by the buyer",
      "Ended",
    ]);
    expect(items[1].textContent).toMatch(
      /1 server down \(not billed\) · repair due by .* · report 1/,
    );
    expect(items[1].textContent).toContain("evidence 0xabababab…ababab");
    expect(items[2].textContent).toMatch(
      /\+30 minutes added to the end · now ends .* · new access/,
    );
    expect(items[3].textContent).toContain("2 servers down");
    expect(items[3].textContent).not.toContain("evidence");
    expect(items[4].textContent).toContain("Ended: an outage was not repaired in time");
    expect(items[4].textContent).toContain("penalty $500.00");
    const outages = screen.getByText("Outages").nextElementSibling!.textContent;
    expect(outages).toContain("2 reports · 30 minutes added to the end for downtime");
    expect(outages).toContain("1 hour of server time not billed");
  });

  it("shows an address as a provider: its counters, earnings, and its offers and leases page by page", async () => {
    const who = "0x" + "a".repeat(40);
    const offer = (id: number) => ({
      id: String(id),
      provider: who,
      paymentToken: USD,
      gpuModel: "H100-SXM-80GB",
      region: "JP-13",
      gpusPerUnit: "8",
      totalUnits: "2",
      unitsInUse: "1",
      pricePerGpuHour: "2000000",
      minDuration: "3600",
      maxDuration: "86400",
      paused: id === 2,
      leaseCount: 1,
      attestation: null,
      createdAt: "1764000000",
    });
    const lease = {
      ...syntheticLeases(5)[4],
      provider: who,
      buyer: "0x" + "b".repeat(40),
      paymentToken: USD,
    };
    const fake = stubIndexer(
      (query, vars) => {
        expect(query).toContain("query Address");
        expect(vars).toEqual({ id: who });
        return {
          provider: {
            id: who,
            metadataURI: "",
            bond: "5000000000000000000000",
            lockedBond: "0",
            offerCount: 2,
            leaseCount: 4,
            leasesServed: 4,
            gpuSecondsServed: "57600",
            noShows: 0,
            providerTerminations: 0,
            penaltiesPaid: "0",
            gpuSecondsDown: "7200",
            availabilityBps: 9_750,
            outageReports: 3,
            openOutages: 1,
            outagesUnresolved: 1,
            firstSeenAt: "1764000000",
            lastSeenAt: "1764007300",
          },
          providerEarnings: {
            items: [
              {
                id: `${who}:${USD}`,
                provider: { id: who },
                paymentToken: { id: USD },
                earningsAccrued: "28800000",
                earningsClaimed: "28800000",
                feesPaid: "3200000",
                updatedAt: "1764007300",
              },
            ],
          },
          account: null,
          accountSpendings: { items: [] },
          credits: { items: [] },
        };
      },
      (path, params) => {
        if (path.endsWith("/explorer/offers")) {
          expect(params.get("provider")).toBe(who);
          return { items: [offer(3), offer(2)], next: null };
        }
        expect(path).toMatch(/\/explorer\/leases$/);
        expect(params.get("provider")).toBe(who);
        // One lease on the first page; the second (after "1") is empty.
        return params.get("after") ? { items: [], next: null } : { items: [lease], next: "1" };
      },
    );
    renderAt(`/explorer/address/${who}`);
    expect(await screen.findByRole("heading", { name: "As a provider" })).toBeTruthy();
    expect((await screen.findAllByText("$28.80")).length).toBeGreaterThan(0);
    // The offers in the server's order (newest first); the totals are the provider's counters.
    const offers = await screen.findAllByRole("link", { name: /^Offer #/ });
    expect(offers.map((a) => a.getAttribute("href"))).toEqual(["/offers/3", "/offers/2"]);
    expect(screen.getByRole("heading", { name: "Offers (2)" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Leases on its offers (4)" })).toBeTruthy();
    const leases = await screen.findByRole("table", { name: "Leases on its offers" });
    expect(within(leases).getByRole("link", { name: "Lease #5" }).getAttribute("href")).toBe(
      "/explorer/leases/5",
    );
    // One row does not fill the view: the table asks for the next page by itself, once.
    await waitFor(() =>
      expect(fake.gets.filter((g) => g.params.get("after") === "1")).toHaveLength(1),
    );
    expect(await screen.findByText("All 1 matching leases are loaded.")).toBeTruthy();
    expect(fake.gets.every((g) => g.params.get("buyer") === null)).toBe(true);
    expect(screen.queryByRole("heading", { name: "As a buyer" })).toBeNull();
    // 4 leases, one ended with an outage unrepaired.
    expect(screen.getByText("Reliability").nextElementSibling!.textContent).toBe("75.0%");
    expect(screen.getByRole("heading", { name: "Availability: 97.5%" })).toBeTruthy();
    expect(
      screen.getByRole("img", { name: "97.5% of GPU time delivered, 2.5% down" }),
    ).toBeTruthy();
    expect(screen.getByText("GPU-hours down").nextElementSibling!.textContent).toBe("2");
    expect(
      screen.getByText("Leases ended with an outage unrepaired").nextElementSibling!.textContent,
    ).toBe("1");
  });

  it("shows the market totals, volume per token and the price index from the SDK's queries", async () => {
    const stat = {
      paymentToken: { id: USD },
      leasesOpened: 3,
      leasesEnded: 1,
      gpuSecondsLeased: "36000",
      gpuSecondsReleased: "7200",
      volume: "20000000",
      refunded: "0",
      avgPricePerGpuHour: "2000000",
      activeLeases: 2,
      outageReports: 0,
      gpuSecondsDelivered: "7200",
      gpuSecondsDown: "800",
      feesPaid: "500000",
      feeWeightedPriceSum: "1000000000000",
      updatedAt: "1764000000",
    };
    const page = <T,>(items: T[]) => ({ items, pageInfo: { hasNextPage: false, endCursor: null } });
    const dayFilters: unknown[] = [];
    const fake = stubIndexer(
      (query, vars) => {
        if (query.includes("query Overview"))
          return {
            markets: {
              items: [
                {
                  id: "0x" + "c".repeat(40),
                  treasury: "0x" + "d".repeat(40),
                  feeBps: "1000",
                  activationWindow: "3600",
                  paused: false,
                  bondToken: "0x" + "e".repeat(40),
                  penaltyBps: "1000",
                  providerCount: 2,
                  offerCount: 5,
                  leaseCount: 3,
                },
              ],
            },
            paymentTokens: {
              items: [
                {
                  id: USD,
                  allowed: true,
                  leaseCount: 3,
                  volume: "20000000",
                  refunded: "0",
                  paidToProviders: "18000000",
                  feesAccrued: "2000000",
                  feesWithdrawn: "0",
                },
              ],
            },
            gpuModelStats: {
              items: [{ id: `H100-SXM-80GB:${USD}`, gpuModel: "H100-SXM-80GB", ...stat }],
            },
          };
        const day = { day: 20_416, date: String(20_416 * 86_400), ...stat };
        dayFilters.push(vars.where);
        if (query.includes("gpuModelDayStats("))
          return { gpuModelDayStats: page([{ id: "m", gpuModel: "H100-SXM-80GB", ...day }]) };
        return { regionDayStats: page([{ id: "r", region: "SG", ...day }]) };
      },
      (path, params) => {
        expect(path).toMatch(/\/explorer\/leases\/total$/);
        expect(params.get("status")).toBe("Active");
        return { total: 7, exact: true };
      },
      1_764_000_000,
    );
    renderAt("/explorer");
    // Net GPU-hours: (36,000 − 7,200) / 3,600 = 8.
    expect(await screen.findByText("$18.00")).toBeTruthy();
    // Active leases: the indexer's lease counts, not a count of rows (no GraphQL totalCount).
    expect(fake.queries.some((q) => q.includes("totalCount"))).toBe(false);
    await waitFor(() =>
      expect(screen.getByText("Active leases").parentElement!.textContent).toBe("Active leases7"),
    );
    expect(fake.gets).toHaveLength(1);
    // The charts read the last 90 days up to the latest indexed block (day 20,416), not every day ever.
    await waitFor(() => expect(dayFilters).toEqual([{ day_gte: 20_327 }, { day_gte: 20_327 }]));
    expect(screen.getByText("GPU-hours (net of early ends)").parentElement!.textContent).toContain(
      "8",
    );
    expect(await screen.findByRole("heading", { name: /^Price per GPU-hour in / })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Singapore" })).toBeTruthy();
    // Availability = 7,200 / (7,200 + 800) GPU-seconds.
    const availability = screen.getByRole("table", { name: "Availability per GPU model" });
    expect(within(availability).getByRole("row", { name: /H100/ }).textContent).toContain("90.0%");
  });

  it("explains an entry that is not searchable", async () => {
    stubIndexer(() => ({}));
    renderAt("/explorer/search?q=hello");
    expect(
      await screen.findByText(/is neither a lease id, an address nor a transaction hash/),
    ).toBeTruthy();
  });
});
