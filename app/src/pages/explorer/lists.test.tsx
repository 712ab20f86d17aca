import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { addr, USD } from "./fixtures.ts";
import { pageFrom, renderAt, stubIndexer } from "./testing.tsx";

vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337 }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));

beforeEach(() => {
  window.scrollTo = (() => {}) as typeof window.scrollTo;
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const noGraphql = () => {
  throw new Error("these lists read no GraphQL");
};

const offer = (id: number) => ({
  id: String(id),
  provider: addr(id % 3, "a"),
  paymentToken: USD,
  gpuModel: id % 2 ? "H100-SXM-80GB" : "B200-192GB",
  region: "SG",
  gpusPerUnit: "8",
  totalUnits: "4",
  unitsInUse: "1",
  pricePerGpuHour: String(2_000_000 + id),
  minDuration: "3600",
  maxDuration: "86400",
  paused: id === 7,
  leaseCount: id,
  attestation: null,
  createdAt: String(1_764_000_000 + id),
});

const provider = (n: number) => ({
  id: addr(n, "a"),
  metadataURI: n === 1 ? 'data:application/json,{"name":"Tokyo GPU Co"}' : "",
  bond: "0",
  offerCount: 2,
  leaseCount: 10 * n,
  leasesServed: 9 * n,
  pendingLeases: 0,
  activeLeases: 1,
  gpuSecondsServed: String(3600 * n),
  gpuSecondsDown: "0",
  availabilityBps: 9_900,
  noShows: 0,
  providerTerminations: 0,
  openOutages: 0,
  firstSeenAt: "1764000000",
  lastSeenAt: "1764000000",
});

describe("the offers, providers and buyers tables", () => {
  it("offers: sends the model, region and order to the server and pages on request", async () => {
    const all = Array.from({ length: 60 }, (_, i) => offer(60 - i));
    const fake = stubIndexer(noGraphql, (path, params) => {
      expect(path).toMatch(/\/explorer\/offers$/);
      return pageFrom(all, params);
    });
    renderAt("/explorer/offers?gpu=B200-192GB&region=SG");
    const table = await screen.findByRole("table", { name: "Offers" });
    expect(within(table).getAllByRole("link", { name: /^Offer #/ })).toHaveLength(50);
    const first = fake.gets[0].params;
    expect([first.get("gpuModel"), first.get("region"), first.get("limit")]).toEqual([
      "B200-192GB",
      "SG",
      "50",
    ]);
    expect(first.get("order")).toBe("newest");
    expect(screen.getByText("Showing the first 50 offers.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Load the next 50" }));
    await waitFor(() =>
      expect(within(table).getAllByRole("link", { name: /^Offer #/ })).toHaveLength(60),
    );
    expect(fake.gets[1].params.get("after")).toBe("50");
    expect(screen.getByText("All 60 matching offers are loaded.")).toBeTruthy();
    expect(within(table).getByRole("row", { name: /Offer #7\b/ }).textContent).toContain("Paused");

    act(() => {
      fireEvent.change(screen.getByLabelText("Sort by"), { target: { value: "price" } });
    });
    await waitFor(() => expect(fake.gets.at(-1)!.params.get("order")).toBe("price"));
    expect(new URLSearchParams(window.location.search).get("order")).toBe("price");
    expect(fake.gets.at(-1)!.params.get("after")).toBeNull();
  });

  it("providers: sorted by the server in the order chosen, each linking to its address page", async () => {
    const fake = stubIndexer(noGraphql, (path, params) => {
      expect(path).toMatch(/\/explorer\/providers$/);
      return pageFrom([provider(2), provider(1)], params);
    });
    renderAt("/explorer/providers");
    const table = await screen.findByRole("table", { name: "Providers" });
    expect(fake.gets[0].params.get("order")).toBe("leasesServed");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("link").getAttribute("href"))).toEqual([
      `/explorer/address/${addr(2, "a")}`,
      `/explorer/address/${addr(1, "a")}`,
    ]);
    expect(rows[1].textContent).toContain("Tokyo GPU Co");
    expect(rows[0].textContent).toContain("99.0%");
    expect(screen.getByText("All 2 matching providers are loaded.")).toBeTruthy();

    act(() => {
      fireEvent.change(screen.getByLabelText("Sort by"), { target: { value: "availability" } });
    });
    await waitFor(() => expect(fake.gets.at(-1)!.params.get("order")).toBe("availability"));
    expect(new URLSearchParams(window.location.search).get("order")).toBe("availability");
  });

  it("buyers: the order from the URL is sent, an unknown one falls back to the default", async () => {
    const buyer = {
      id: addr(5, "b"),
      leaseCount: 12,
      pendingLeases: 1,
      activeLeases: 2,
      gpuSecondsBought: "7200",
      penaltiesReceived: "0",
      outageReports: 1,
      firstSeenAt: "1764000000",
      lastSeenAt: "1764000000",
    };
    const fake = stubIndexer(noGraphql, (_path, params) => pageFrom([buyer], params));
    renderAt("/explorer/buyers?order=gpuHours");
    const table = await screen.findByRole("table", { name: "Buyers" });
    expect(fake.gets[0].path).toMatch(/\/explorer\/accounts$/);
    expect(fake.gets[0].params.get("order")).toBe("gpuHours");
    expect(within(table).getAllByRole("row")[1].textContent).toContain("12");

    renderAt("/explorer/buyers?order=bogus");
    await waitFor(() => expect(fake.gets.at(-1)!.params.get("order")).toBe("leases"));
  });

  it("says plainly when the indexer refuses a list", async () => {
    stubIndexer(noGraphql, () => ({ status: 400, body: { error: '"order" must be one of …' } }));
    renderAt("/explorer/providers");
    expect((await screen.findByRole("alert")).textContent).toContain('"order" must be one of');
  });
});
