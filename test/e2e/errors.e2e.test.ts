/**
 * The main ways renting goes wrong, as a buyer meets them in the app: each test checks the plain-words message on
 * the page and that nothing changed on-chain (no lease opened, balances and allowances as before).
 * The buyers are fake EIP-6963 wallets (harness `installFakeWallet`) on Hardhat accounts no other test uses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { parseUnits, zeroAddress, type Address } from "viem";
import { formatTokenAmount, getOffer, offerCount, type OfferRecord } from "@gridlease/sdk";
import {
  chainClient,
  connectFakeWallet,
  devAddress,
  e2eStack,
  expectNoSeriousA11yViolations,
  fakeWalletRequests,
  launchBrowser,
  pageErrors,
  rejectNextWalletRequest,
  type E2EBrowser,
} from "./support/harness.ts";
import {
  CONFIRM_TIMEOUT,
  market,
  marketLeaseCount,
  openWithFakeWallet,
  rejectNextWalletMethod,
  sendMarketTx,
  tokenAllowance,
  tokenBalance,
  usd,
} from "./support/journey-helpers.ts";

const TOKEN = { symbol: "tUSD", decimals: 6 };
const APPROVALS = [
  "eth_sendTransaction",
  "eth_signTypedData_v4",
  "eth_signTypedData",
  "personal_sign",
];

let browser: E2EBrowser;
const pages: Page[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Listed offers in tUSD that anyone may rent right now, cheapest deposit first. */
async function rentableUsdOffers(): Promise<
  { offerId: bigint; offer: OfferRecord; minDeposit: bigint }[]
> {
  const client = chainClient() as never;
  const n = await offerCount(client, { market: market() });
  const all: { offerId: bigint; offer: OfferRecord; minDeposit: bigint }[] = [];
  for (let offerId = 1n; offerId <= n; offerId++) {
    const offer = await getOffer(client, { market: market(), offerId });
    if (offer.paused || offer.paymentToken !== usd() || offer.buyerPolicy !== zeroAddress) continue;
    if (BigInt(offer.totalUnits) - BigInt(offer.unitsInUse) < 1n) continue;
    const minHours = (BigInt(offer.minDuration) + 3599n) / 3600n;
    if (minHours * 3600n > BigInt(offer.maxDuration)) continue;
    all.push({
      offerId,
      offer,
      minDeposit: offer.pricePerGpuHour * BigInt(offer.gpusPerUnit) * minHours,
    });
  }
  return all.sort((a, b) => (a.minDeposit < b.minDeposit ? -1 : 1));
}

/** Opens /offers/N with the fake wallet on Hardhat account #`account` and connects it. */
const pageErrorsOf = new WeakMap<Page, string[]>();
const errorsOf = (page: Page) => pageErrorsOf.get(page) ?? pageErrors(page);

async function openRentPage(offerId: bigint, account: number): Promise<Page> {
  const { page, errors } = await openWithFakeWallet(browser, `/offers/${offerId}`, account);
  pageErrorsOf.set(page, errors);
  page.setDefaultTimeout(CONFIRM_TIMEOUT);
  pages.push(page);
  await page
    .getByRole("heading", { level: 1, name: new RegExp(`^Rent offer #${offerId}:`) })
    .waitFor();
  await connectFakeWallet(page, { account });
  await page.getByRole("button", { name: "Rent now", exact: true }).waitFor();
  // The balance line shows once the page knows the wallet's balance: the checks below rely on it.
  await page.getByText(/^Your balance: /).waitFor();
  return page;
}

/** What must not change when renting fails. */
async function snapshot(buyer: Address) {
  return {
    leases: await marketLeaseCount(),
    balance: await tokenBalance(usd(), buyer),
    allowance: await tokenAllowance(usd(), buyer, market()),
  };
}

describe("renting errors: a clear message, and nothing changes on-chain", () => {
  it("a buyer without enough tokens is told so before anything is sent", async () => {
    // A Hardhat account that is not a buyer anywhere else and holds less tUSD than the cheapest lease costs.
    // The seeded provider holding the least tUSD (none, in the seeded market), and an offer of another provider
    // whose shortest lease costs more than that.
    const candidates = [13, 10, 11, 7];
    const balances = await Promise.all(candidates.map((i) => tokenBalance(usd(), devAddress(i))));
    const lowest = balances.indexOf(balances.reduce((a, b) => (b < a ? b : a)));
    const account = candidates[lowest];
    const buyer = devAddress(account);
    const cheapest = (await rentableUsdOffers()).find(
      (o) => o.offer.provider !== buyer && o.minDeposit > balances[lowest],
    );
    expect(cheapest, "an offer the account cannot pay for").toBeDefined();
    const before = await snapshot(buyer);

    const page = await openRentPage(cheapest!.offerId, account);
    const alert = page.getByRole("alert").filter({ hasText: /^Insufficient balance/ });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe(
      `Insufficient balance: you have ${formatTokenAmount(before.balance, TOKEN)}, the deposit is ${formatTokenAmount(cheapest!.minDeposit, TOKEN)}.`,
    );
    const rent = page.getByRole("button", { name: "Rent now", exact: true });
    if (await rent.isEnabled()) await rent.click();
    // Still blocked, and the wallet was never asked for anything.
    await alert.waitFor();
    expect((await fakeWalletRequests(page)).filter((r) => APPROVALS.includes(r.method))).toEqual(
      [],
    );
    await expect(page.getByRole("region", { name: "Renting progress" }).count()).resolves.toBe(0);
    await expectNoSeriousA11yViolations(page);
    expect(await snapshot(buyer)).toEqual(before);
    expect(errorsOf(page)).toEqual([]);
  });

  it("a price raised above the buyer's maximum after the page opened stops the lease", async () => {
    // An offer of the seeded provider #1, whose account the node holds unlocked: its price is raised behind the
    // buyer's back, then restored.
    const offers = (await rentableUsdOffers()).filter((o) => o.offer.provider === devAddress(1));
    expect(offers.length).toBeGreaterThan(0);
    const { offerId, offer } = offers[0];
    const account = 17;
    const buyer = devAddress(account);
    const page = await openRentPage(offerId, account);
    const maxPrice = page.getByLabel("Max price per GPU-hour", { exact: true });
    // The maximum starts at the price seen when the page opened.
    expect(parseUnits(await maxPrice.inputValue(), TOKEN.decimals)).toBe(offer.pricePerGpuHour);

    const before = await snapshot(buyer);
    const raised = (offer.pricePerGpuHour * 110n) / 100n;
    await sendMarketTx(1, "setOfferPrice", [offerId, raised]);
    try {
      await page.getByRole("button", { name: "Rent now", exact: true }).click();
      // Either the page has already re-read the offer and refuses the field, or the lease transaction is refused
      // by the market (Market_PriceAboveMax), decoded in plain words. Both name the new price and the maximum.
      const newPrice = formatTokenAmount(raised, TOKEN);
      const maximum = formatTokenAmount(offer.pricePerGpuHour, TOKEN);
      const message = page.getByRole("alert").filter({
        hasText: new RegExp(
          `^(The price rose to ${esc(newPrice)}, above your maximum of ${esc(maximum)}\\.|The current price is ${esc(newPrice)} per GPU-hour: your maximum must be at least that\\.)$`,
        ),
      });
      await message.first().waitFor();
      await expect(
        page
          .getByRole("status")
          .filter({ hasText: /Lease #\d+ opened/ })
          .count(),
      ).resolves.toBe(0);
      expect(await snapshot(buyer)).toEqual(before);
      expect(errorsOf(page)).toEqual([]);
    } finally {
      await sendMarketTx(1, "setOfferPrice", [offerId, offer.pricePerGpuHour]);
    }
  });

  it("rejecting the access-key signature in the wallet sends nothing", async () => {
    const { offerId } = (await rentableUsdOffers())[0];
    const account = 18;
    const buyer = devAddress(account);
    const before = await snapshot(buyer);
    const page = await openRentPage(offerId, account);
    await rejectNextWalletRequest(page);
    await page.getByRole("button", { name: "Rent now", exact: true }).click();

    const progress = page.getByRole("region", { name: "Renting progress" });
    await progress
      .getByRole("alert")
      .filter({ hasText: "You rejected the request in your wallet: nothing was sent." })
      .waitFor();
    await expect(progress.getByRole("alert").textContent()).resolves.toBe(
      "You rejected the request in your wallet: nothing was sent.",
    );
    const statuses = await progress
      .locator("li")
      .evaluateAll((lis) => lis.map((li) => li.getAttribute("data-status")));
    expect(statuses[0]).toBe("failed");
    expect(statuses.slice(1).every((s) => s === "skipped")).toBe(true);
    const requests = (await fakeWalletRequests(page)).filter((r) => APPROVALS.includes(r.method));
    expect(requests).toEqual([{ method: "personal_sign", rejected: true }]);
    expect(await snapshot(buyer)).toEqual(before);
    // The button is usable again: nothing is stuck.
    await expect(
      page.getByRole("button", { name: "Rent now", exact: true }).isEnabled(),
    ).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page);
    expect(errorsOf(page)).toEqual([]);
  });

  it("rejecting the permit in the wallet sends nothing and leaves the allowance alone", async () => {
    const { offerId } = (await rentableUsdOffers())[0];
    const account = 18;
    const buyer = devAddress(account);
    const before = await snapshot(buyer);
    const page = await openRentPage(offerId, account);
    await expect(page.getByText(/paying with a permit/).count()).resolves.toBe(1);
    await rejectNextWalletMethod(page, [
      "eth_signTypedData_v4",
      "eth_signTypedData_v3",
      "eth_signTypedData",
    ]);
    await page.getByRole("button", { name: "Rent now", exact: true }).click();

    const progress = page.getByRole("region", { name: "Renting progress" });
    await progress
      .getByRole("alert")
      .filter({ hasText: "You rejected the request in your wallet: nothing was sent." })
      .waitFor();
    const statuses = await progress
      .locator("li")
      .evaluateAll((lis) => lis.map((li) => li.getAttribute("data-status")));
    // The access key was signed, the permit refused, the lease never sent.
    expect(statuses).toEqual(["signed", "failed", "skipped"]);
    const requests = (await fakeWalletRequests(page)).filter((r) => APPROVALS.includes(r.method));
    expect(requests.map((r) => r.method)).not.toContain("eth_sendTransaction");
    expect(requests.filter((r) => r.rejected).length).toBe(1);
    expect(await snapshot(buyer)).toEqual(before);
    expect(errorsOf(page)).toEqual([]);
  });

  it("an unreachable indexer is said plainly on the explorer", async () => {
    const page = await browser.context.newPage();
    pages.push(page);
    page.setDefaultTimeout(CONFIRM_TIMEOUT);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const indexer = new URL(e2eStack().indexerUrl);
    await page.route(
      (url) => url.host === indexer.host,
      (route) => route.abort("connectionrefused"),
    );
    await page.goto(new URL("/explorer", e2eStack().appUrl).href);
    const alert = page.getByRole("alert").filter({ hasText: "The indexer is unreachable" });
    await alert.first().waitFor();
    await expect(alert.count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(page);
    expect(errors).toEqual([]);
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
