/**
 * Reserved capacity in the app (issue #12), on the real chain with a real provider agent: provider #1 bonds in tUSD
 * and lists a committed rolling offer (a 2-day commitment with a 20% exit fee, a 1-day prepaid window) with
 * transactions; its agent (`gridlease provider serve`, as `npm run dev` starts it) activates leases and executes
 * top-ups. In the browser, buyer #16 opens a rolling lease of 3 servers, sets up auto top-up with a permit, and once
 * chain time moved forward the agent tops the lease up and the bell lists "Top-up executed"; the buyer releases one
 * server, whose exit charge is shown before the click and equals what the chain charged; the provider fails one
 * of the two servers left on its dashboard and the last one keeps running. The tests share the lease, in order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  encodeFunctionData,
  erc20Abi,
  keccak256,
  parseAbi,
  parseEventLogs,
  stringToBytes,
  stringToHex,
  zeroAddress,
  type Hex,
} from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk";
import { startAgents } from "../../scripts/lib/agents.ts";
import { stopService, type Service } from "../../scripts/lib/services.ts";
import {
  chainClient,
  devAddress,
  e2eStack,
  launchBrowser,
  type E2EBrowser,
} from "./support/harness.ts";
import {
  CONFIRM_TIMEOUT,
  market,
  openWithFakeWallet,
  parseShownAmount,
  rpc,
  sendMarketTx,
  usd,
} from "./support/journey-helpers.ts";

const PROVIDER = 1;
const BUYER = 16;
const DAY = 86_400n;
const USD6 = 10n ** 6n;

let buyerBrowser: E2EBrowser;
let providerBrowser: E2EBrowser;
const agents: Service[] = [];
const stateDir = mkdtempSync(join(tmpdir(), "gridlease-e2e-reserved-"));
const state: { offerId?: bigint; leaseId?: bigint; buyer?: Page; errors: string[] } = {
  errors: [],
};

/** A tUSD transaction from an unlocked Hardhat account. */
async function sendUsdTx(from: number, data: Hex): Promise<void> {
  const hash = await rpc<Hex>("eth_sendTransaction", [{ from: devAddress(from), to: usd(), data }]);
  const receipt = await chainClient().waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("tUSD transaction reverted");
}

const readMarket = <T>(functionName: string, args: readonly unknown[]) =>
  chainClient().readContract({
    address: market(),
    abi: gridleaseMarketAbi,
    functionName,
    args,
  } as never) as Promise<T>;

/** Moves chain time forward and mines a block. */
async function advance(seconds: bigint) {
  await rpc("evm_increaseTime", [Number(seconds)]);
  await rpc("evm_mine", []);
}

beforeAll(async () => {
  // The provider's bond in tUSD and its committed rolling offer.
  const mint = parseAbi(["function mint(address to, uint256 amount)"]);
  await sendUsdTx(
    PROVIDER,
    encodeFunctionData({
      abi: mint,
      functionName: "mint",
      args: [devAddress(PROVIDER), 50_000n * USD6],
    }),
  );
  await sendUsdTx(
    BUYER,
    encodeFunctionData({
      abi: mint,
      functionName: "mint",
      args: [devAddress(BUYER), 50_000n * USD6],
    }),
  );
  await sendUsdTx(
    PROVIDER,
    encodeFunctionData({
      abi: erc20Abi,
      functionName: "approve",
      args: [market(), 50_000n * USD6],
    }),
  );
  await sendMarketTx(PROVIDER, "depositBond", [usd(), 20_000n * USD6]);
  const spec = JSON.stringify({
    schema: "gridlease.spec/v1",
    gpu: { model: "H100-SXM-80GB", count: 8 },
  });
  const hash = await sendMarketTx(PROVIDER, "createReservedOffer", [
    {
      gpuModel: stringToHex("H100-SXM-80GB", { size: 32 }),
      gpusPerUnit: 8n,
      totalUnits: 3n,
      region: stringToHex("JP-27", { size: 8 }),
      paymentToken: usd(),
      pricePerGpuHour: 2n * USD6,
      minDuration: 2n * DAY,
      maxDuration: 30n * DAY,
      repairWindow: 4n * 3600n,
      minProviderBond: 1_000n * USD6,
      buyerPolicy: zeroAddress,
      specHash: keccak256(stringToBytes(spec)),
      specURI: `data:application/json,${encodeURIComponent(spec)}`,
    },
    { prepaidWindow: DAY, commitment: 2n * DAY, noticePeriod: 0n, exitFeeBps: 2_000n },
  ]);
  const receipt = await chainClient().getTransactionReceipt({ hash });
  const created = parseEventLogs({
    abi: gridleaseMarketAbi,
    logs: receipt.logs,
    eventName: "OfferCreated",
  });
  state.offerId = created[0]!.args.offerId;

  // The provider's agent, as `npm run dev` runs it: it activates the lease and executes the buyer's top-ups.
  const chainId = await chainClient().getChainId();
  await startAgents({
    publicClient: chainClient() as never,
    market: market(),
    providers: [{ address: devAddress(PROVIDER), name: "e2e provider", region: "JP-27" }],
    root: fileURLToPath(new URL("../..", import.meta.url)),
    stateDir,
    chainId,
    rpcUrl: e2eStack().rpcUrl,
    pollSeconds: 1,
    onStart: (agent: Service) => agents.push(agent),
  } as never);

  buyerBrowser = await launchBrowser();
  providerBrowser = await launchBrowser();
});

afterAll(async () => {
  await buyerBrowser?.close();
  await providerBrowser?.close();
  for (const agent of agents) await stopService(agent);
  rmSync(stateDir, { recursive: true, force: true });
});

describe("reserved capacity in the app", () => {
  it("shows the exit terms with an example before signing and opens a rolling lease of 3 servers", async () => {
    const { page, errors } = await openWithFakeWallet(
      buyerBrowser,
      `/offers/${state.offerId}`,
      BUYER,
    );
    state.buyer = page;
    state.errors = errors;
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "Test Wallet" }).click();
    await expect
      .poll(() => page.getByTestId("exit-rule").textContent(), { timeout: CONFIRM_TIMEOUT })
      .toMatch(/exit fee of 20.00% of the committed value left/);
    // One server (8 GPUs at $2) leaving 1 day in: 24 hours × $16 × 20% = $76.80.
    expect(await page.getByTestId("exit-example").textContent()).toContain("$76.80");
    await page.getByLabel("Servers").fill("3");
    await page.getByLabel("Term (days)").fill("3");
    await page.getByLabel("Prepay now (days)").fill("1");
    // Funded: 1 day × 24 GPUs × $2 = $1,152; exit escrow: 20% of 48 h × 24 GPUs × $2 = $460.80.
    const deposit = page.getByTestId("rolling-deposit");
    await expect.poll(() => deposit.textContent()).toContain("$1,612.80");
    await page.getByRole("button", { name: "Rent now" }).click();
    const opened = page.getByText(/^Lease #\d+ opened$/);
    await opened.waitFor({ timeout: CONFIRM_TIMEOUT });
    state.leaseId = BigInt((await opened.textContent())!.match(/\d+/)![0]);
    // The agent activates it.
    await expect
      .poll(
        async () =>
          Number((await readMarket<{ status: number }>("getLease", [state.leaseId])).status),
        {
          timeout: CONFIRM_TIMEOUT,
        },
      )
      .toBe(2);
  });

  it("sets up auto top-up with a permit; after time moves on the agent tops up and the bell says so", async () => {
    const page = state.buyer!;
    await page.goto(new URL("/leases", e2eStack().appUrl).href);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "Test Wallet" }).click();
    const card = page.getByRole("article", { name: `Lease #${state.leaseId}` });
    await card.getByLabel("Cap per top-up").fill("1000", { timeout: CONFIRM_TIMEOUT });
    await card.getByLabel("Total cap").fill("5000");
    await card.getByLabel("Runway threshold (hours)").fill("36");
    await card.getByRole("button", { name: "Set up auto top-up" }).click();
    await card.getByText(/^On: up to \$1,000.00 per top-up/).waitFor({ timeout: CONFIRM_TIMEOUT });
    const allowance = await readMarket<{ perTopUp: bigint; remaining: bigint }>(
      "getTopUpAllowance",
      [state.leaseId],
    );
    expect(allowance.perTopUp).toBe(1_000n * USD6);
    expect(allowance.remaining).toBe(5_000n * USD6);

    // Half a day on (less half an hour, so the release below is quoted mid-hour of the commitment), the runway is
    // under the threshold and the window allows about 11.5 h more: the agent tops up.
    const before = await readMarket<{ fundedUntil: bigint }>("getLeaseTerms", [state.leaseId]);
    await advance(DAY / 2n - 1_800n);
    await expect
      .poll(
        async () =>
          (await readMarket<{ fundedUntil: bigint }>("getLeaseTerms", [state.leaseId])).fundedUntil,
        { timeout: CONFIRM_TIMEOUT },
      )
      .toBeGreaterThan(before.fundedUntil);
    await page.reload();
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "Test Wallet" }).click();
    const bell = page.getByRole("button", { name: /^Notifications/ });
    await expect.poll(() => bell.isVisible(), { timeout: CONFIRM_TIMEOUT }).toBe(true);
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("button", { name: "Connect wallet" }).click();
          await page.getByRole("menuitem", { name: "Test Wallet" }).click();
          await bell.click();
          return page.getByRole("region", { name: "Notifications" }).textContent();
        },
        { timeout: CONFIRM_TIMEOUT, interval: 5_000 },
      )
      .toContain("Top-up executed");
  });

  it("releases one server under the commitment: the charge shown before the click is what the chain charged", async () => {
    const page = state.buyer!;
    await page.goto(new URL("/leases", e2eStack().appUrl).href);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "Test Wallet" }).click();
    const card = page.getByRole("article", { name: `Lease #${state.leaseId}` });
    await card.getByLabel("Servers to release").fill("1", { timeout: CONFIRM_TIMEOUT });
    const quote = card.getByTestId("release-charge");
    await expect.poll(() => quote.textContent()).toMatch(/\$\d/);
    const shown = parseShownAmount((await quote.textContent())!, 6);
    expect(shown).toBeGreaterThan(0n);
    await card.getByRole("button", { name: "Release servers" }).click();
    const receipt = page.getByTestId("exit-receipt");
    await receipt.waitFor({ timeout: CONFIRM_TIMEOUT });
    expect(parseShownAmount((await receipt.textContent())!.replace(/Lease #\d+/, ""), 6)).toBe(
      shown,
    );
    const logs = await chainClient().getContractEvents({
      address: market(),
      abi: gridleaseMarketAbi,
      eventName: "ServersReleased",
      args: { leaseId: state.leaseId },
      fromBlock: 0n,
    });
    expect(logs.at(-1)!.args.exitCharge).toBe(shown);
    expect((await readMarket<{ units: bigint }>("getLease", [state.leaseId])).units).toBe(2n);
  });

  it("the provider fails one of the two servers left; the last one keeps running", async () => {
    const { page } = await openWithFakeWallet(providerBrowser, "/provider", PROVIDER);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "Test Wallet" }).click();
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: `Lease #${state.leaseId}` }) });
    await row.getByLabel("Servers to fail").fill("1", { timeout: CONFIRM_TIMEOUT });
    await row.getByRole("button", { name: "Fail servers" }).click();
    await expect
      .poll(async () => (await readMarket<{ units: bigint }>("getLease", [state.leaseId])).units, {
        timeout: CONFIRM_TIMEOUT,
      })
      .toBe(1n);
    const lease = await readMarket<{ status: number }>("getLease", [state.leaseId]);
    expect(Number(lease.status)).toBe(2);
    expect(state.errors).toEqual([]);
  });
});
