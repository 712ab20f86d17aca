/**
 * The whole journey of a lease through the app, with two browser tabs on one chain:
 * a new provider (dev account #19) registers, deposits a bond in TestUSD and lists a TestUSD offer; a buyer (dev account #15) finds
 * it on the market and rents it; the provider activates it with sealed access details; the buyer reads them,
 * extends and terminates the lease; the provider claims; the explorer shows the lease and its settlement.
 * Every step is checked on-chain as well as on the page. The steps share state and run in order.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { getContractEvents } from "viem/actions";
import { parseUnits, stringToHex } from "viem";
import {
  bondOf,
  formatTokenAmount,
  getAccessPayload,
  getLease,
  getOffer,
  getProvider,
  gridleaseMarketAbi,
} from "@gridlease/sdk";
import {
  chainClient,
  connectDevAccount,
  devAddress,
  expectNoSeriousA11yViolations,
  launchBrowser,
  openPage,
  pageErrors,
  type E2EBrowser,
} from "./support/harness.ts";
import {
  CONFIRM_TIMEOUT,
  market,
  parseShownAmount,
  tokenBalance,
  usd,
  waitForIndexedLease,
  waitForIndexedOffer,
  waitForIndexer,
} from "./support/journey-helpers.ts";

const PROVIDER = 19;
const BUYER = 15;
const TOKEN = { symbol: "tUSD", decimals: 6 };

// The offer: a model and region pair the seeded market does not list, so the market filter finds only ours.
const GPU_MODEL = "RTX4090-24GB";
const GPU_LABEL = "NVIDIA GeForce RTX 4090 24GB";
const REGION = "AE-DU";
const REGION_LABEL = "Dubai, UAE";
const PRICE = "0.41"; // TestUSD per GPU-hour
const GPUS_PER_SERVER = 8n;
const SERVERS = 3n;
const RENT_SERVERS = 2n;
const RENT_HOURS = 5n;
const ACCESS = {
  host: "gpu-dxb-17.example.net",
  port: "2222",
  user: "journey",
  secret: "tok_e2e_journey_3f9a1c77b2",
};

// Two browsers (each its own profile), as the provider and the buyer are two people on two machines.
let browser: E2EBrowser;
let buyerBrowser: E2EBrowser;
let providerPage: Page;
let buyerPage: Page;
const visited: Page[] = [];
const state: { offerId?: bigint; leaseId?: bigint } = {};

const client = () => chainClient();
const providerAddress = () => devAddress(PROVIDER);
const buyerAddress = () => devAddress(BUYER);

/** Moves within the app through the main navigation (a reload would drop the dev-account connection). */
async function nav(page: Page, link: "Market" | "My leases" | "Provider" | "Explorer") {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: link, exact: true })
    .click();
}

beforeAll(async () => {
  browser = await launchBrowser();
  buyerBrowser = await launchBrowser();
  providerPage = await openPage(browser, "/provider");
  buyerPage = await openPage(buyerBrowser, "/");
  for (const p of [providerPage, buyerPage]) {
    p.setDefaultTimeout(CONFIRM_TIMEOUT);
    visited.push(p);
  }
});
afterAll(async () => {
  await browser?.close();
  await buyerBrowser?.close();
});

describe("a lease from listing to settlement", () => {
  // The steps build on each other: once one fails, the rest are skipped rather than failing for the same reason.
  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail") failed = true;
  });
  beforeEach((ctx) => {
    if (failed) ctx.skip();
  });

  it("a new provider registers on /provider", async () => {
    const before = await getProvider(client() as never, {
      market: market(),
      provider: providerAddress(),
    });
    expect(before.registered).toBe(false);

    await connectDevAccount(providerPage, PROVIDER);
    await providerPage.getByRole("heading", { name: "Become a provider" }).waitFor();
    await providerPage.getByLabel("Provider name", { exact: true }).fill("Journey Compute DXB");
    await providerPage.getByRole("button", { name: "Register as provider", exact: true }).click();

    // Registered: the page turns into the dashboard.
    await providerPage.getByRole("heading", { name: "Bonds", exact: true }).waitFor();
    await providerPage.getByRole("heading", { name: "Profile", exact: true }).waitFor();
    const after = await getProvider(client() as never, {
      market: market(),
      provider: providerAddress(),
    });
    expect(after.registered).toBe(true);
    await expectNoSeriousA11yViolations(providerPage);
  });

  it("deposits a bond in the token its offer will be paid in", async () => {
    // Bonds are per payment token (#12): a TestUSD offer's penalty comes from the provider's TestUSD bond.
    const bond = () =>
      bondOf(client() as never, { market: market(), provider: providerAddress(), token: usd() });
    const before = await bond();
    await providerPage.getByLabel(`Bond amount (${TOKEN.symbol})`, { exact: true }).fill("1500");
    await providerPage
      .getByRole("button", { name: `Deposit ${TOKEN.symbol} bond`, exact: true })
      .click();
    await expect
      .poll(async () => (await bond()).amount, { timeout: CONFIRM_TIMEOUT })
      .toBe(before.amount + parseUnits("1500", TOKEN.decimals));
    const progress = providerPage.getByRole("region", {
      name: `${TOKEN.symbol} bond transaction`,
    });
    await progress
      .getByText(/^Confirmed/)
      .last()
      .waitFor();
    await expect(progress.getByRole("alert").count()).resolves.toBe(0);
  });

  it("lists an offer with the new-offer form", async () => {
    await providerPage.getByRole("button", { name: "New offer", exact: true }).click();
    const form = providerPage.getByRole("form", { name: "New offer" });
    await form.getByLabel("GPU model", { exact: true }).selectOption(GPU_MODEL);
    await form.getByLabel("GPUs per server", { exact: true }).fill(String(GPUS_PER_SERVER));
    await form.getByLabel("Servers", { exact: true }).fill(String(SERVERS));
    await form.getByLabel("Region", { exact: true }).selectOption(REGION);
    await form.getByLabel("Price per GPU-hour", { exact: true }).fill(PRICE);
    await form.getByLabel("Min duration (hours)", { exact: true }).fill("1");
    await form.getByLabel("Max duration (hours)", { exact: true }).fill("48");
    await form.getByLabel(`Min provider bond (${TOKEN.symbol})`, { exact: true }).fill("1000");
    await form.getByRole("button", { name: "Create offer", exact: true }).click();

    const listed = form.getByRole("status").filter({ hasText: /^Offer #\d+ is listed\.$/ });
    await listed.waitFor();
    const offerId = BigInt(/#(\d+)/.exec((await listed.textContent())!)![1]);
    state.offerId = offerId;

    const offer = await getOffer(client() as never, { market: market(), offerId });
    expect(offer.provider).toBe(providerAddress());
    expect(offer.paymentToken).toBe(usd());
    expect(offer.pricePerGpuHour).toBe(parseUnits(PRICE, 6));
    expect(BigInt(offer.gpusPerUnit)).toBe(GPUS_PER_SERVER);
    expect(BigInt(offer.totalUnits)).toBe(SERVERS);
    expect(BigInt(offer.minDuration)).toBe(3600n);
    expect(BigInt(offer.maxDuration)).toBe(48n * 3600n);
    // The floor is in the offer's payment token.
    expect(offer.minProviderBond).toBe(parseUnits("1000", TOKEN.decimals));
    expect(offer.paused).toBe(false);
    await expectNoSeriousA11yViolations(providerPage);
  });

  it("the buyer finds it on the market, filtered by GPU model and region, at its price", async () => {
    const offerId = state.offerId!;
    await waitForIndexedOffer(offerId);
    await buyerPage.reload();
    await buyerPage.getByRole("heading", { name: "GPU market" }).waitFor();
    await buyerPage.getByLabel("GPU model", { exact: true }).selectOption({ label: GPU_LABEL });
    await buyerPage.getByLabel("Region", { exact: true }).selectOption({ label: REGION_LABEL });

    const table = buyerPage.getByRole("region", { name: "Open offers" });
    const row = table.getByRole("row").filter({
      has: buyerPage.getByRole("link", { name: `Rent offer #${offerId}`, exact: true }),
    });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(
      formatTokenAmount(parseUnits(PRICE, 6), TOKEN),
    );
    await expect(row.textContent()).resolves.toContain(GPU_LABEL);
    await expect(row.textContent()).resolves.toContain(REGION_LABEL);
    await expect(row.textContent()).resolves.toContain("Journey Compute DXB");
    // Every listed row matches the filters.
    for (const text of await table.locator("tbody tr").allTextContents()) {
      expect(text).toContain(GPU_LABEL);
      expect(text).toContain(REGION_LABEL);
    }
    await expectNoSeriousA11yViolations(buyerPage);

    await row.getByRole("link", { name: `Rent offer #${offerId}`, exact: true }).click();
    await buyerPage
      .getByRole("heading", { level: 1, name: new RegExp(`^Rent offer #${offerId}:`) })
      .waitFor();
  });

  it("the buyer rents it on /offers/N: the lease opens on-chain with the buyer, servers and deposit", async () => {
    const offerId = state.offerId!;
    await connectDevAccount(buyerPage, BUYER);
    const before = await tokenBalance(usd(), buyerAddress());
    const form = buyerPage.getByRole("form", { name: "Your lease" });
    await form.getByLabel("Servers", { exact: true }).fill(String(RENT_SERVERS));
    await form.getByLabel("Duration (hours)", { exact: true }).fill(String(RENT_HOURS));
    await expectNoSeriousA11yViolations(buyerPage);
    await form.getByRole("button", { name: "Rent now", exact: true }).click();

    const opened = form.getByRole("status").filter({ hasText: /Lease #\d+ opened/ });
    await opened.waitFor();
    const leaseId = BigInt(/Lease #(\d+) opened/.exec((await opened.textContent())!)![1]);
    state.leaseId = leaseId;
    // Every step of the progress list ended well: the access key, the permit and the lease.
    const progress = form.getByRole("region", { name: "Renting progress" });
    const steps = await progress
      .locator("li")
      .evaluateAll((lis) => lis.map((li) => li.getAttribute("data-status")));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.every((s) => s === "confirmed" || s === "signed")).toBe(true);

    const lease = await getLease(client() as never, { market: market(), leaseId });
    const deposit = parseUnits(PRICE, 6) * GPUS_PER_SERVER * RENT_SERVERS * RENT_HOURS;
    expect(lease.offerId).toBe(offerId);
    expect(lease.buyer).toBe(buyerAddress());
    expect(lease.provider).toBe(providerAddress());
    expect(lease.units).toBe(RENT_SERVERS);
    expect(lease.duration).toBe(RENT_HOURS * 3600n);
    expect(lease.deposit).toBe(deposit);
    expect(Number(lease.status)).toBe(1); // Pending
    expect(await tokenBalance(usd(), buyerAddress())).toBe(before - deposit);
    expect(pageErrors(buyerPage)).toEqual([]);
  });

  it("the provider activates it with sealed access details", async () => {
    const leaseId = state.leaseId!;
    await waitForIndexedLease(leaseId, "Pending");
    // The dashboard re-reads the indexer every few seconds: the lease shows up without a reload.
    const card = providerPage.getByRole("article", { name: `Lease #${leaseId}`, exact: true });
    await card.waitFor();
    await card.getByLabel("Host", { exact: true }).fill(ACCESS.host);
    await card.getByLabel("Port", { exact: true }).fill(ACCESS.port);
    await card.getByLabel("User", { exact: true }).fill(ACCESS.user);
    await card.getByLabel("SSH key or token", { exact: true }).fill(ACCESS.secret);
    await expectNoSeriousA11yViolations(providerPage);
    await card
      .getByRole("button", { name: `Encrypt and activate lease #${leaseId}`, exact: true })
      .click();

    await expect
      .poll(
        async () =>
          Number((await getLease(client() as never, { market: market(), leaseId })).status),
        { timeout: CONFIRM_TIMEOUT },
      )
      .toBe(2); // Active
    const lease = await getLease(client() as never, { market: market(), leaseId });
    expect(lease.end - lease.start).toBe(RENT_HOURS * 3600n);

    // What went on-chain is a ciphertext: none of the details appear in it.
    const payload = await getAccessPayload(client() as never, {
      market: market(),
      leaseId,
      fromBlock: 0n,
    });
    expect(payload).toBeDefined();
    const hex = payload!.encryptedAccess.toLowerCase();
    for (const plain of [ACCESS.host, ACCESS.user, ACCESS.secret])
      expect(hex).not.toContain(stringToHex(plain).slice(2).toLowerCase());
    expect(pageErrors(providerPage)).toEqual([]);
  });

  it("the buyer reveals the decrypted access details on /leases", async () => {
    const leaseId = state.leaseId!;
    await waitForIndexedLease(leaseId, "Active");
    await nav(buyerPage, "My leases");
    const card = buyerPage.getByRole("article", { name: `Lease #${leaseId}`, exact: true });
    await card.getByRole("button", { name: "Reveal access details", exact: true }).click();
    const details = buyerPage.getByRole("region", {
      name: `Access details of lease #${leaseId}`,
      exact: true,
    });
    await details.waitFor();
    const text = (await details.textContent())!;
    expect(text).toContain(ACCESS.host);
    expect(text).toContain(ACCESS.user);
    expect(text).toContain(ACCESS.secret);
    expect(text).toContain(`ssh -p ${ACCESS.port} ${ACCESS.user}@${ACCESS.host}`);
    await expectNoSeriousA11yViolations(buyerPage);
  });

  it("the buyer extends it by an hour: the end moves on-chain", async () => {
    const leaseId = state.leaseId!;
    const before = await getLease(client() as never, { market: market(), leaseId });
    const card = buyerPage.getByRole("article", { name: `Lease #${leaseId}`, exact: true });
    await card.getByRole("button", { name: "Extend", exact: true }).click();
    await card.getByLabel("Add hours", { exact: true }).fill("1");
    await card.getByRole("button", { name: "Confirm extend", exact: true }).click();
    await expect
      .poll(async () => (await getLease(client() as never, { market: market(), leaseId })).end, {
        timeout: CONFIRM_TIMEOUT,
      })
      .toBe(before.end + 3600n);
    const after = await getLease(client() as never, { market: market(), leaseId });
    expect(after.duration).toBe(before.duration + 3600n);
    expect(after.deposit).toBe(
      before.deposit + parseUnits(PRICE, 6) * GPUS_PER_SERVER * RENT_SERVERS,
    );
    // The form closes once the extension went through.
    await card.getByRole("button", { name: "Confirm extend" }).waitFor({ state: "detached" });
  });

  it("the buyer terminates it: the refund shown is what comes back", async () => {
    const leaseId = state.leaseId!;
    const card = buyerPage.getByRole("article", { name: `Lease #${leaseId}`, exact: true });
    const before = await tokenBalance(usd(), buyerAddress());
    await card.getByRole("button", { name: "Terminate", exact: true }).click();
    const confirm = card.locator("p", { hasText: "Terminating now ends the lease" });
    const shown = parseShownAmount((await confirm.locator("strong").first().textContent())!, 6);
    const fromBlock = await client().getBlockNumber();
    await card.getByRole("button", { name: "Confirm terminate", exact: true }).click();

    await expect
      .poll(
        async () =>
          Number((await getLease(client() as never, { market: market(), leaseId })).status),
        { timeout: CONFIRM_TIMEOUT },
      )
      .toBe(4); // Ended
    const [ended] = await getContractEvents(client(), {
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "LeaseEnded",
      args: { leaseId },
      fromBlock,
      strict: true,
    });
    expect(ended).toBeDefined();
    const refund = ended.args.refund;
    expect(Number(ended.args.reason)).toBe(2); // BuyerTerminated
    // The buyer's balance gained exactly the refund of the event.
    expect(await tokenBalance(usd(), buyerAddress())).toBe(before + refund);
    // The refund shown is computed for the page's estimate of the chain's clock, a moment before the termination
    // is mined: equal to the event's refund up to the accrual of those few seconds (price × GPUs per second).
    const perSecond = (parseUnits(PRICE, 6) * GPUS_PER_SERVER * RENT_SERVERS) / 3600n + 1n;
    const gap = shown > refund ? shown - refund : refund - shown;
    expect(gap <= perSecond * 60n, `shown ${shown}, refunded ${refund}`).toBe(true);
    // The whole deposit is split between the refund and the accrual.
    const lease = await getLease(client() as never, { market: market(), leaseId });
    expect(ended.args.accrued + refund).toBe(
      parseUnits(PRICE, 6) * GPUS_PER_SERVER * RENT_SERVERS * (RENT_HOURS + 1n),
    );
    expect(lease.accrued).toBe(ended.args.accrued);
    expect(pageErrors(buyerPage)).toEqual([]);
  });

  it("the provider claims its earnings: the balance rises by the net amount shown", async () => {
    const leaseId = state.leaseId!;
    await waitForIndexedLease(leaseId, "Ended");
    // Leave the dashboard and come back, so that it re-reads the ended lease.
    await nav(providerPage, "Market");
    await nav(providerPage, "Provider");
    const earnings = providerPage.getByRole("region", { name: "Earnings" }).or(
      providerPage.locator("section", {
        has: providerPage.getByRole("heading", { name: "Earnings", exact: true }),
      }),
    );
    const claimTable = providerPage.getByRole("table", {
      name: "Claimable earnings per payment token",
    });
    await claimTable.waitFor();
    const usdRow = claimTable
      .getByRole("row")
      .filter({ has: providerPage.getByRole("rowheader", { name: "tUSD", exact: true }) });
    const lease = await getLease(client() as never, { market: market(), leaseId });
    const expectedNet = lease.claimable - (lease.claimable * lease.feeBps) / 10_000n;
    // The row settles on the ended lease's final earnings (while the lease ran, it grew every second).
    await expect
      .poll(async () => (await usdRow.getByRole("cell").allTextContents()).join(" | "), {
        timeout: CONFIRM_TIMEOUT,
      })
      .toBe(
        [
          "1",
          formatTokenAmount(lease.claimable, TOKEN),
          formatTokenAmount(expectedNet, TOKEN),
        ].join(" | "),
      );
    const shownNet = parseShownAmount((await usdRow.getByRole("cell").allTextContents())[2], 6);

    const before = await tokenBalance(usd(), providerAddress());
    const fromBlock = await client().getBlockNumber();
    await earnings.first().getByRole("button", { name: "Claim all", exact: true }).click();
    await providerPage
      .getByRole("region", { name: "Claim transactions" })
      .getByText(/^Confirmed/)
      .waitFor();

    const claimed = await getContractEvents(client(), {
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "EarningsClaimed",
      args: { provider: providerAddress() },
      fromBlock,
      strict: true,
    });
    expect(claimed.map((e) => e.args.leaseId)).toEqual([leaseId]);
    const net = claimed[0].args.gross - claimed[0].args.fee;
    expect(claimed[0].args.gross).toBe(lease.claimable);
    expect(await tokenBalance(usd(), providerAddress())).toBe(before + net);
    expect(net).toBe(shownNet);
    expect((await getLease(client() as never, { market: market(), leaseId })).claimable).toBe(0n);
    await expectNoSeriousA11yViolations(providerPage);
    expect(pageErrors(providerPage)).toEqual([]);
  });

  it("the explorer shows the lease, its end reason and settlement, and finds it by the buyer's address", async () => {
    const leaseId = state.leaseId!;
    const [ended] = await getContractEvents(client(), {
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "LeaseEnded",
      args: { leaseId },
      fromBlock: 0n,
      strict: true,
    });
    const [claimed] = await getContractEvents(client(), {
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "EarningsClaimed",
      args: { leaseId },
      fromBlock: 0n,
      strict: true,
    });
    // The claim is indexed too before the page is read.
    await waitForIndexedClaim(leaseId, claimed.args.gross);

    const page = await openPage(browser, `/explorer/leases/${leaseId}`);
    page.setDefaultTimeout(CONFIRM_TIMEOUT);
    visited.push(page);
    await page.getByRole("heading", { level: 1, name: `Lease #${leaseId}`, exact: true }).waitFor();
    // The status line says why it ended (the badge in short, then in full); the timeline says it again.
    const status = page.locator("p.lease-status");
    await status.getByText("Ended early by the buyer", { exact: true }).waitFor();
    await expect(status.getByText("Ended · Buyer ended", { exact: true }).count()).resolves.toBe(1);
    await expect(
      page.getByRole("list").getByText("Ended early by the buyer", { exact: true }).count(),
    ).resolves.toBe(1);

    const table = page.getByRole("table", { name: "Settlement breakdown" });
    const exact = async (label: string) =>
      table
        .getByRole("row")
        .filter({ has: page.getByRole("rowheader", { name: label }) })
        .locator("span[title]")
        .first()
        .getAttribute("title");
    const token = { symbol: "tUSD", decimals: 6 };
    await expect(exact("Paid to the provider")).resolves.toBe(
      formatTokenAmount(claimed.args.gross - claimed.args.fee, token),
    );
    await expect(exact("Protocol fee")).resolves.toBe(formatTokenAmount(claimed.args.fee, token));
    await expect(exact("Refunded to the buyer")).resolves.toBe(
      formatTokenAmount(ended.args.refund, token),
    );
    await expect(exact("Earned by the provider (gross)")).resolves.toBe(
      formatTokenAmount(ended.args.accrued, token),
    );
    await expect(page.getByText(/^Checks out:/).count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(page);

    // The lease table finds it by the buyer's address.
    await page.getByRole("link", { name: "All leases", exact: true }).click();
    await page.getByLabel("Filter by address", { exact: true }).fill(buyerAddress());
    // The indexer filters: until the filter's first page arrives, the table still shows the rows from before.
    await page.locator("[data-testid=lease-table][data-filter-seq='1']").waitFor();
    const leaseLink = page
      .getByRole("table")
      .getByRole("link", { name: `Lease #${leaseId}`, exact: true });
    await leaseLink.waitFor();
    // Every row left has the buyer as a party (the filter matches buyer or provider).
    const parties = await page
      .getByRole("table")
      .locator("[role=row][data-index]")
      .evaluateAll((rows) =>
        rows.map((r) =>
          Array.from(r.querySelectorAll("a[title]")).map((a) => a.getAttribute("title")),
        ),
      );
    expect(parties.length).toBeGreaterThan(0);
    for (const p of parties) expect(p).toContain(buyerAddress().toLowerCase());
    expect(pageErrors(page)).toEqual([]);
  });

  it("no page threw an uncaught error along the way", () => {
    for (const p of visited) expect(pageErrors(p), p.url()).toEqual([]);
  });
});

async function waitForIndexedClaim(leaseId: bigint, gross: bigint) {
  await waitForIndexer<{ lease: { claimedGross: string } | null }>(
    `query($id: String!) { lease(id: $id) { claimedGross } }`,
    { id: String(leaseId) },
    (d) => d.lease && BigInt(d.lease.claimedGross) === gross,
  );
}
