/**
 * The explorer on the seeded market, in Chromium: the lease table reads pages from the indexer's `/explorer/*`
 * routes (first page, the next one on scrolling and on End), filters on the server (a status, an address prefix,
 * a bad address said plainly without a request), opens a lease page; the offers and providers tables page and
 * sort the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  devAddress,
  e2eStack,
  expectNoSeriousA11yViolations,
  launchBrowser,
  openPage,
  pageErrors,
  type E2EBrowser,
} from "./support/harness.ts";

let browser: E2EBrowser;
const visited: Page[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The number of loaded rows the table reports. */
const loadedRows = async (page: Page) =>
  Number(await page.getByTestId("lease-table").getAttribute("data-row-count"));

/** Every request the page sends to the indexer's `/explorer/*` routes, as URLs. */
function explorerRequests(page: Page): URL[] {
  const indexer = new URL(e2eStack().indexerUrl).origin;
  const urls: URL[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin === indexer && url.pathname.startsWith("/explorer/")) urls.push(url);
  });
  return urls;
}

describe("the explorer at the scale of pages", () => {
  it("the lease table shows the first page and the indexer's total, and loads the next page at the end", async () => {
    const page = await openPage(browser, "/explorer/leases");
    visited.push(page);
    const requests = explorerRequests(page);
    const count = page.getByTestId("lease-count");
    await count.getByText(/ leases · 100 loaded$/).waitFor();
    const total = Number(
      /^([\d,]+) leases/.exec((await count.textContent()) ?? "")![1]!.replace(/,/g, ""),
    );
    // The seeded market (and whatever earlier files opened): more than one page.
    expect(total).toBeGreaterThanOrEqual(e2eStack().seededLeases);
    expect(await loadedRows(page)).toBe(100);
    await expect(page.getByTestId("loaded-note").textContent()).resolves.toBe(
      "The scrollbar covers the 100 leases loaded so far; scrolling to the end loads the next 100.",
    );

    // End on a lease number: the last loaded lease gets the focus and the next page loads.
    await page.getByRole("table", { name: "Leases" }).getByRole("link").first().focus();
    await page.keyboard.press("End");
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector("[data-testid=lease-table]")?.getAttribute("data-row-count"),
        ) > 100,
    );
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused).toMatch(/^#\d+$/);
    const pages = requests.filter((u) => u.pathname === "/explorer/leases");
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]!.searchParams.get("after")).toBeNull();
    expect(pages.at(-1)!.searchParams.get("after")).toBeTruthy();

    // Scrolling to the end loads until every lease is loaded; then the note says so.
    while ((await loadedRows(page)) < total) {
      const before = await loadedRows(page);
      await page.getByTestId("lease-table").evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(
        (n) =>
          Number(
            document.querySelector("[data-testid=lease-table]")?.getAttribute("data-row-count"),
          ) > n,
        before,
      );
    }
    await page
      .getByTestId("loaded-note")
      .getByText(`All ${total.toLocaleString("en-US")} matching leases are loaded.`)
      .waitFor();
    await expectNoSeriousA11yViolations(page);
    expect(pageErrors(page)).toEqual([]);
  });

  it("filters on the server: a status, an address prefix, and a plain word for a bad address", async () => {
    const page = await openPage(browser, "/explorer/leases");
    visited.push(page);
    const requests = explorerRequests(page);
    await page
      .getByTestId("lease-count")
      .getByText(/loaded$/)
      .waitFor();

    await page.getByLabel("Status", { exact: true }).selectOption("Ended");
    await page.waitForURL(/status=Ended/);
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=lease-table]")?.getAttribute("data-filter-seq") ===
        "1",
    );
    const badges = await page
      .getByRole("table", { name: "Leases" })
      .locator("[role=row][data-index] .badge")
      .allTextContents();
    expect(badges.length).toBeGreaterThan(0);
    for (const b of badges) expect(b).toMatch(/^Ended/);
    expect(
      requests.some(
        (u) => u.pathname === "/explorer/leases" && u.searchParams.get("status") === "Ended",
      ),
    ).toBe(true);
    expect(
      requests.some(
        (u) => u.pathname === "/explorer/leases/total" && u.searchParams.get("status") === "Ended",
      ),
    ).toBe(true);

    // The first seeded provider (account #2), by the start of its address.
    const provider = devAddress(2).toLowerCase();
    const prefix = provider.slice(0, 8);
    await page.getByLabel("Status", { exact: true }).selectOption("");
    await page.getByLabel("Filter by address", { exact: true }).fill(prefix);
    await page.waitForURL(new RegExp(`address=${prefix}`));
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=lease-table]")?.getAttribute("data-filter-seq") ===
        "3",
    );
    const parties = await page
      .getByRole("table", { name: "Leases" })
      .locator("[role=row][data-index]")
      .evaluateAll((rows) =>
        rows.map((r) =>
          Array.from(r.querySelectorAll("a[title]")).map((a) => a.getAttribute("title") ?? ""),
        ),
      );
    expect(parties.length).toBeGreaterThan(0);
    for (const p of parties) expect(p.some((a) => a.startsWith(prefix))).toBe(true);

    const sent = requests.length;
    await page.getByLabel("Filter by address", { exact: true }).fill("dc79c8");
    await page
      .getByTestId("filter-problem")
      .getByText(/is not the start of an address/)
      .waitFor();
    await expect(page.getByTestId("lease-table").count()).resolves.toBe(0);
    expect(requests.length).toBe(sent);
    await expectNoSeriousA11yViolations(page);
    expect(pageErrors(page)).toEqual([]);
  });

  it("a lease of the table opens its page", async () => {
    const page = await openPage(browser, "/explorer/leases?status=Ended");
    visited.push(page);
    const link = page
      .getByRole("table", { name: "Leases" })
      .getByRole("link", { name: /^Lease #\d+$/ })
      .first();
    const name = (await link.getAttribute("aria-label"))!;
    await link.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
    await page
      .getByRole("listitem")
      .filter({ hasText: /^Opened/ })
      .first()
      .waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it("the offers and providers tables page and sort on the server", async () => {
    const page = await openPage(browser, "/explorer");
    visited.push(page);
    const requests = explorerRequests(page);
    await page
      .getByRole("navigation", { name: "Explorer" })
      .getByRole("link", { name: "Offers" })
      .click();
    const offers = page.getByRole("table", { name: "Offers" });
    await offers
      .getByRole("link", { name: /^Offer #/ })
      .first()
      .waitFor();
    await page.getByLabel("Sort by").selectOption("price");
    await page.waitForURL(/order=price/);
    await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
    expect(
      requests.some(
        (u) => u.pathname === "/explorer/offers" && u.searchParams.get("order") === "price",
      ),
    ).toBe(true);

    await page
      .getByRole("navigation", { name: "Explorer" })
      .getByRole("link", { name: "Providers" })
      .click();
    const providers = page.getByRole("table", { name: "Providers" });
    await providers.getByRole("link").first().waitFor();
    await page.getByLabel("Sort by").selectOption("availability");
    await page.waitForURL(/order=availability/);
    expect(requests.some((u) => u.pathname === "/explorer/providers")).toBe(true);
    await expectNoSeriousA11yViolations(page);
    expect(pageErrors(page)).toEqual([]);
  });

  it("no page threw an uncaught error along the way", () => {
    for (const p of visited) expect(pageErrors(p), p.url()).toEqual([]);
  });
});
