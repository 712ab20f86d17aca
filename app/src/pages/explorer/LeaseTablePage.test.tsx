import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { addr, syntheticLeases } from "./fixtures.ts";
import {
  withLeaseTableLayout,
  leaseRoutes,
  renderAt,
  stubIndexer,
  type FakeIndexer,
} from "./testing.tsx";

vi.mock("../../hooks/useGridlease.ts", () => ({
  useGridlease: () => ({ chainId: 31337 }),
  useReadClient: () => undefined,
  useSigner: () => undefined,
}));

const all = syntheticLeases(1_000);
const leaseGets = (fake: FakeIndexer) => fake.gets.filter((g) => g.path.endsWith("/leases"));
const totalGets = (fake: FakeIndexer) => fake.gets.filter((g) => g.path.endsWith("/total"));
const noGraphql = () => {
  throw new Error("the lease table reads no GraphQL");
};

withLeaseTableLayout();

const leaseLinks = () =>
  within(screen.getByRole("table", { name: "Leases" })).getAllByRole("link", { name: /^Lease #/ });

describe("the lease table, paged by the indexer", () => {
  it("shows the first page of 100 with the indexer's total, and says what the scrollbar covers", async () => {
    const fake = stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases");
    const count = await screen.findByTestId("lease-count");
    await waitFor(() => expect(count.textContent).toBe("1,000 leases · 100 loaded"));
    expect(screen.getByTestId("loaded-note").textContent).toBe(
      "The scrollbar covers the 100 leases loaded so far; scrolling to the end loads the next 100.",
    );
    expect(leaseGets(fake)).toHaveLength(1);
    expect(leaseGets(fake)[0].params.get("limit")).toBe("100");
    expect(leaseGets(fake)[0].params.get("after")).toBeNull();
    // Newest first, as the server ordered them; only the rows in view are in the DOM.
    expect(leaseLinks()[0].textContent).toBe("#1000");
    const rendered = within(screen.getByRole("table", { name: "Leases" })).getAllByRole("row");
    expect(rendered.length).toBeGreaterThan(1);
    expect(rendered.length).toBeLessThan(40);
    expect(screen.getByTestId("lease-table").getAttribute("data-row-count")).toBe("100");
  });

  it("says 'at least' when the indexer's total is a bound", async () => {
    stubIndexer(noGraphql, leaseRoutes(syntheticLeases(10_500), false));
    renderAt("/explorer/leases");
    await waitFor(() =>
      expect(screen.getByTestId("lease-count").textContent).toBe(
        "at least 10,000 leases · 100 loaded",
      ),
    );
  });

  it("loads the next page when scrolled near the end of the loaded rows", async () => {
    const fake = stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases");
    await screen.findByTestId("lease-table");
    await waitFor(() => expect(leaseLinks().length).toBeGreaterThan(0));
    expect(leaseGets(fake)).toHaveLength(1);
    const container = screen.getByTestId("lease-table");
    act(() => {
      container.scrollTop = 100 * 40 - 600;
      fireEvent.scroll(container);
    });
    await waitFor(() => expect(container.getAttribute("data-row-count")).toBe("200"));
    expect(leaseGets(fake)[1].params.get("after")).toBe("100");
    expect(screen.getByTestId("lease-count").textContent).toBe("1,000 leases · 200 loaded");
  });

  it("moves with the arrow keys and End goes to the last loaded lease and loads the next page", async () => {
    const fake = stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases");
    await waitFor(() => expect(leaseLinks().length).toBeGreaterThan(0));
    const first = leaseLinks()[0];
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowDown" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("#999"));
    fireEvent.keyDown(document.activeElement!, { key: "End" });
    // Lease #901 is the 100th loaded row.
    await waitFor(() => expect(document.activeElement?.textContent).toBe("#901"));
    await waitFor(() =>
      expect(screen.getByTestId("lease-table").getAttribute("data-row-count")).toBe("200"),
    );
    expect(leaseGets(fake).map((g) => g.params.get("after"))).toEqual([null, "100"]);
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("#1000"));
  });

  it("sends the filters to the server and keeps them in the URL", async () => {
    const fake = stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases?status=Ended");
    await waitFor(() =>
      expect(screen.getByTestId("lease-count").textContent).toBe("600 leases · 100 loaded"),
    );
    expect(leaseGets(fake)[0].params.get("status")).toBe("Ended");
    expect(totalGets(fake)[0].params.get("status")).toBe("Ended");

    const container = screen.getByTestId("lease-table");
    expect(container.getAttribute("data-last-filter-ms")).toBeNull();
    act(() => {
      fireEvent.change(screen.getByLabelText("GPU model"), { target: { value: "B200-192GB" } });
    });
    await waitFor(() =>
      expect(screen.getByTestId("lease-count").textContent).toBe("200 leases · 100 loaded"),
    );
    const last = leaseGets(fake).at(-1)!.params;
    expect(last.get("gpuModel")).toBe("B200-192GB");
    expect(last.get("status")).toBe("Ended");
    expect(last.get("after")).toBeNull();
    expect(new URLSearchParams(window.location.search).get("gpu")).toBe("B200-192GB");
    await waitFor(() => expect(container.getAttribute("data-filter-seq")).toBe("1"));
    expect(Number(container.getAttribute("data-last-filter-ms"))).toBeGreaterThan(0);
    for (const link of leaseLinks()) {
      const lease = all.find((l) => `#${l.id}` === link.textContent)!;
      expect([lease.gpuModel, lease.status]).toEqual(["B200-192GB", "Ended"]);
    }

    act(() => {
      fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    });
    await waitFor(() =>
      expect(screen.getByTestId("lease-count").textContent).toBe("1,000 leases · 100 loaded"),
    );
    expect(window.location.search).toBe("");

    // A URL from outside (back, a shared link) sets the filters again.
    act(() => {
      window.history.pushState(null, "", "/explorer/leases?region=SG");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    await waitFor(() =>
      expect(screen.getByTestId("lease-count").textContent).toBe("250 leases · 100 loaded"),
    );
    expect((screen.getByLabelText("Region") as HTMLSelectElement).value).toBe("SG");
    expect(leaseGets(fake).at(-1)!.params.get("region")).toBe("SG");
  });

  it("offers the SDK's known models and regions, not values read from loaded rows", async () => {
    stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases?gpu=MI300X");
    await screen.findByTestId("lease-count");
    const models = [...(screen.getByLabelText("GPU model") as HTMLSelectElement).options].map(
      (o) => o.value,
    );
    // L40S is known to the SDK though no loaded lease has one; an unknown model from the URL stays selectable.
    expect(models).toContain("L40S-48GB");
    expect(models).toContain("MI300X");
    const regions = [...(screen.getByLabelText("Region") as HTMLSelectElement).options].map(
      (o) => o.value,
    );
    expect(regions).toContain("AE-DU");
  });

  it("filters by a full address or its start, and explains any other address input without asking", async () => {
    const fake = stubIndexer(noGraphql, leaseRoutes(all));
    renderAt("/explorer/leases");
    await screen.findByTestId("lease-count");
    const box = screen.getByLabelText("Filter by address");
    const asked = () => leaseGets(fake).length;
    const before = asked();
    for (const [input, message] of [
      ["dc79c8", /is not the start of an address/],
      ["0x70", /at least 6 characters/],
      ["0xzz12345", /only hexadecimal digits/],
    ] as const) {
      act(() => {
        fireEvent.change(box, { target: { value: input } });
      });
      await waitFor(() =>
        expect(screen.getByTestId("filter-problem").textContent).toMatch(message),
      );
      expect(screen.queryByTestId("lease-table")).toBeNull();
    }
    expect(asked()).toBe(before);

    const provider = addr(3, "a");
    act(() => {
      fireEvent.change(box, { target: { value: provider.toUpperCase().replace("0X", "0x") } });
    });
    await waitFor(() => expect(leaseGets(fake).at(-1)!.params.get("address")).toBe(provider));
    await waitFor(() => expect(leaseLinks().length).toBeGreaterThan(0));
    expect(screen.queryByTestId("filter-problem")).toBeNull();
    const prefix = provider.slice(0, 6);
    act(() => {
      fireEvent.change(box, { target: { value: prefix } });
    });
    await waitFor(() => expect(leaseGets(fake).at(-1)!.params.get("address")).toBe(prefix));
    expect(new URLSearchParams(window.location.search).get("address")).toBe(prefix);
  });

  it("says plainly when the indexer refuses a filter, and when the next page fails", async () => {
    let failNext = false;
    const routes = leaseRoutes(all);
    stubIndexer(noGraphql, (path, params) => {
      if (params.get("region") === "XX")
        return { status: 400, body: { error: '"region" is not a region code' } };
      if (failNext && params.get("after")) return { status: 503, body: { error: "overloaded" } };
      return routes(path, params);
    });
    renderAt("/explorer/leases?region=XX");
    expect((await screen.findByRole("alert")).textContent).toContain(
      '"region" is not a region code',
    );

    failNext = true;
    act(() => {
      fireEvent.change(screen.getByLabelText("Region"), { target: { value: "" } });
    });
    await waitFor(() => expect(leaseLinks().length).toBeGreaterThan(0));
    fireEvent.click(screen.getByRole("button", { name: "Load the next 100" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/503|overloaded/);
    failNext = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    await waitFor(() =>
      expect(screen.getByTestId("lease-table").getAttribute("data-row-count")).toBe("200"),
    );
  });
});
