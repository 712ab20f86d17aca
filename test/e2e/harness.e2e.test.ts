/**
 * Proves the end-to-end harness: the production build of the app, served against the seeded local stack,
 * renders the market and the explorer in Chromium with no serious accessibility violations, and the wallet menu
 * offers the dev accounts and connects one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chainClient,
  connectDevAccount,
  connectFakeWallet,
  devAddress,
  e2eStack,
  expectNoSeriousA11yViolations,
  fakeWalletRequests,
  launchBrowser,
  openPage,
  pageErrors,
  rejectNextWalletRequest,
  shortAddress,
  type E2EBrowser,
} from "./support/harness.ts";

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the e2e harness", () => {
  it("started a seeded stack", () => {
    const stack = e2eStack();
    expect(stack.appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.seededOffers).toBeGreaterThanOrEqual(40);
    expect(stack.seededLeases).toBeGreaterThanOrEqual(150);
  });

  it("the market page at / lists the seeded offers, with no serious accessibility violations", async () => {
    const page = await openPage(browser, "/");
    try {
      await page.getByRole("link", { name: /Rent/ }).first().waitFor();
      expect(await page.getByRole("link", { name: /Rent/ }).count()).toBeGreaterThan(1);
      await expectNoSeriousA11yViolations(page);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the explorer renders, with no serious accessibility violations", async () => {
    const page = await openPage(browser, "/explorer");
    try {
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await expectNoSeriousA11yViolations(page);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the wallet menu lists the dev accounts and connects one", async () => {
    const page = await openPage(browser, "/");
    try {
      await page.getByRole("button", { name: "Connect wallet" }).click();
      const menu = page.getByRole("menu");
      for (const n of [1, 15, 19])
        await expect(
          menu.getByRole("menuitem", { name: new RegExp(`dev account #${n}(?!\\d)`) }).count(),
        ).resolves.toBe(1);
      await page.keyboard.press("Escape");
      const address = await connectDevAccount(page, 15);
      expect(address).toBe(devAddress(15));
      await expect(
        page.getByRole("button", { name: shortAddress(address) }).isVisible(),
      ).resolves.toBe(true);
      await expect(page.getByRole("button", { name: "Connect wallet" }).count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe("the fake EIP-6963 wallet", () => {
  it("is offered in the wallet menu, connects, forwards signatures to the node and can reject with 4001", async () => {
    const page = await openPage(browser, "/", { fakeWallet: { account: 19, name: "Test Wallet" } });
    try {
      const address = await connectFakeWallet(page, { name: "Test Wallet", account: 19 });
      expect(address).toBe(devAddress(19));
      const sign = () =>
        page.evaluate(async (from) => {
          const wallet = (
            globalThis as unknown as {
              __gridleaseFakeWallet: {
                provider: {
                  request: (a: { method: string; params: unknown[] }) => Promise<unknown>;
                };
              };
            }
          ).__gridleaseFakeWallet;
          try {
            return {
              result: await wallet.provider.request({
                method: "personal_sign",
                params: ["0x68656c6c6f", from],
              }),
            };
          } catch (err) {
            return { code: (err as { code?: number }).code, message: (err as Error).message };
          }
        }, address);

      await rejectNextWalletRequest(page);
      expect(await sign()).toEqual({ code: 4001, message: "User rejected the request." });
      // Only the next request is rejected: the following one is signed by the node for the unlocked account.
      const signed = await sign();
      expect(signed).toHaveProperty("result");
      const valid = await chainClient().verifyMessage({
        address,
        message: "hello",
        signature: (signed as { result: `0x${string}` }).result,
      });
      expect(valid).toBe(true);
      const requests = await fakeWalletRequests(page);
      expect(requests.filter((r) => r.method === "personal_sign")).toEqual([
        { method: "personal_sign", rejected: true },
        { method: "personal_sign", rejected: false },
      ]);
    } finally {
      await page.close();
    }
  });
});
