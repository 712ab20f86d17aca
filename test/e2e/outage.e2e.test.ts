/**
 * Outages in the app, with two browsers on one chain: a buyer (Hardhat account #16, a seeded buyer, through a fake
 * wallet) reports one of the two servers of a running lease down, is told that billing is paused and sees the
 * countdown to the repair deadline; the provider (dev account #1) finds the outage listed first on its dashboard
 * and resolves it. The lease is opened and activated with transactions, so the browsers do only the outage steps.
 * Every step is checked on-chain as well as on the page. The tests share the lease and run in order.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  encodeFunctionData,
  erc20Abi,
  keccak256,
  parseAbi,
  parseEventLogs,
  stringToBytes,
  zeroAddress,
  type Hex,
} from "viem";
import {
  accessKeyFromSecret,
  getOffer,
  getOutage,
  gridleaseMarketAbi,
  offerCount,
  type OfferRecord,
} from "@gridlease/sdk";
import {
  chainClient,
  connectFakeWallet,
  devAddress,
  launchBrowser,
  type E2EBrowser,
} from "./support/harness.ts";
import {
  CONFIRM_TIMEOUT,
  market,
  openWithFakeWallet,
  rpc,
  sendMarketTx,
  usd,
  waitForIndexedLease,
} from "./support/journey-helpers.ts";

const BUYER = 16;
const PROVIDER = 1;
const SERVERS = 2n;
const EVIDENCE = "GPU 3 on node b fell off the bus (Xid 79) at 10:02 UTC";

let buyerBrowser: E2EBrowser;
let providerBrowser: E2EBrowser;
const pages: { page: Page; errors: string[] }[] = [];
const state: { leaseId?: bigint; offer?: OfferRecord } = {};

const client = () => chainClient() as never;

/** A listed tUSD offer of the provider, open to anyone, with two servers free. */
async function providerOffer(): Promise<{ offerId: bigint; offer: OfferRecord }> {
  const n = await offerCount(client(), { market: market() });
  for (let offerId = 1n; offerId <= n; offerId++) {
    const offer = await getOffer(client(), { market: market(), offerId });
    if (offer.provider !== devAddress(PROVIDER) || offer.paused) continue;
    if (offer.paymentToken !== usd() || offer.buyerPolicy !== zeroAddress) continue;
    if (BigInt(offer.totalUnits) - BigInt(offer.unitsInUse) < SERVERS) continue;
    return { offerId, offer };
  }
  throw new Error(`provider #${PROVIDER} has no listed tUSD offer with ${SERVERS} servers free`);
}

/** A token transaction from an unlocked Hardhat account. */
async function sendTokenTx(from: number, data: Hex): Promise<void> {
  const hash = await rpc<Hex>("eth_sendTransaction", [{ from: devAddress(from), to: usd(), data }]);
  const receipt = await chainClient().waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("token transaction reverted");
}

/** The page's ticking countdown ("03:59:58" or "2d 03:59:58") in seconds. */
function countdownSeconds(text: string): number {
  const m = text.trim().match(/^(?:(\d+)d )?(\d{2}):(\d{2}):(\d{2})$/);
  if (!m) throw new Error(`not a countdown: ${JSON.stringify(text)}`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Saves a screenshot when E2E_SCREENSHOT_DIR is set (for docs and reviews; the tests do not need it). */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: join(dir, name), fullPage: true });
}

async function open(browser: E2EBrowser, path: string, account: number): Promise<Page> {
  const opened = await openWithFakeWallet(browser, path, account);
  pages.push(opened);
  await connectFakeWallet(opened.page, { account });
  return opened.page;
}

beforeAll(async () => {
  [buyerBrowser, providerBrowser] = await Promise.all([launchBrowser(), launchBrowser()]);
  // The lease: two servers for the offer's minimum (at least two hours), opened by the buyer and activated.
  const { offerId, offer } = await providerOffer();
  state.offer = offer;
  const duration = BigInt(Math.max(Number(offer.minDuration), 7200));
  const deposit =
    offer.pricePerGpuHour * BigInt(offer.gpusPerUnit) * SERVERS * (duration / 3600n + 1n);
  const mint = parseAbi(["function mint(address to, uint256 amount)"]);
  await sendTokenTx(
    BUYER,
    encodeFunctionData({ abi: mint, functionName: "mint", args: [devAddress(BUYER), deposit] }),
  );
  await sendTokenTx(
    BUYER,
    encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [market(), deposit] }),
  );
  const buyerKey = accessKeyFromSecret(`0x${"16".repeat(32)}`);
  const hash = await sendMarketTx(BUYER, "openLease", [
    offerId,
    SERVERS,
    duration,
    offer.pricePerGpuHour,
    buyerKey.publicKeyHex,
  ]);
  const receipt = await chainClient().getTransactionReceipt({ hash });
  const [opened] = parseEventLogs({
    abi: gridleaseMarketAbi,
    eventName: "LeaseOpened",
    logs: receipt.logs,
  });
  state.leaseId = opened.args.leaseId;
  await sendMarketTx(PROVIDER, "activateLease", [state.leaseId, "0x01"]);
  await waitForIndexedLease(state.leaseId, "Active");
});

afterAll(async () => {
  await Promise.all([buyerBrowser?.close(), providerBrowser?.close()]);
});

describe("outages", () => {
  it("the buyer reports a server down, is told billing is paused, and sees the repair countdown", async () => {
    const id = state.leaseId!;
    const page = await open(buyerBrowser, "/leases", BUYER);
    const card = page.getByRole("article", { name: `Lease #${id}` });
    await card.waitFor({ timeout: CONFIRM_TIMEOUT });

    await card.getByRole("button", { name: "Report outage" }).click();
    await card.getByLabel("Servers down").fill("1");
    await card.getByLabel("What is wrong (optional)").fill(EVIDENCE);
    const confirm = card.getByRole("status").filter({ hasText: "Billing is paused" });
    await expect(confirm.textContent()).resolves.toContain(
      "Billing is paused for 1 of 2 servers from now until the provider resolves it.",
    );
    await card.getByRole("button", { name: "Confirm outage report" }).click();

    const outage = card.getByRole("region", { name: `Outage on lease #${id}` });
    await outage.waitFor({ timeout: CONFIRM_TIMEOUT });
    await expect(outage.textContent()).resolves.toContain(
      "Billing is paused for 1 of 2 servers until the provider resolves it.",
    );
    const left = countdownSeconds((await outage.locator(".countdown").textContent()) ?? "");
    const window = Number(state.offer!.repairWindow);
    expect(left).toBeLessThanOrEqual(window);
    expect(left).toBeGreaterThan(window - 600);
    await screenshot(page, "outage-buyer.png");

    const record = await getOutage(client(), { market: market(), leaseId: id });
    expect(record.downUnits).toBe(1);
    expect(record.reports).toBe(1);
    const reports = await chainClient().getContractEvents({
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "OutageReported",
      args: { leaseId: id },
      fromBlock: 0n,
    });
    expect(reports.map((e) => e.args.evidenceHash)).toEqual([keccak256(stringToBytes(EVIDENCE))]);
  });

  it("the provider sees the outage listed first, with the time left, and resolves it", async () => {
    const id = state.leaseId!;
    const page = await open(providerBrowser, "/provider", PROVIDER);
    const section = page.getByRole("region", { name: /^Open outages/ });
    const card = section.getByRole("article", { name: `Outage on lease #${id}` });
    await card.waitFor({ timeout: CONFIRM_TIMEOUT });
    // Above every other lease: the open outages come before the leases to activate and those in service.
    const order = await page.evaluate(() =>
      Array.from(document.querySelectorAll("h2"), (h) => h.textContent ?? ""),
    );
    const first = order.findIndex((h) => h.startsWith("Open outages"));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(order.indexOf("Leases to activate"));
    expect(first).toBeLessThan(order.indexOf("Leases in service"));
    await expect(card.textContent()).resolves.toContain("1 of 2 down");
    const left = countdownSeconds((await card.locator(".countdown").textContent()) ?? "");
    expect(left).toBeLessThanOrEqual(Number(state.offer!.repairWindow));

    await screenshot(page, "outage-provider.png");

    await card.getByRole("button", { name: `Resolve outage on lease #${id}` }).click();
    // Once resolved (and re-read), the lease leaves the open outages.
    await card.waitFor({ state: "detached", timeout: CONFIRM_TIMEOUT });
    const record = await getOutage(client(), { market: market(), leaseId: id });
    expect(record.since).toBe(0);
    expect(record.downUnits).toBe(0);
    expect(record.lastResolved).toBeGreaterThan(0);
  });

  it("threw no page errors", () => {
    expect(pages.flatMap((p) => p.errors)).toEqual([]);
  });
});
