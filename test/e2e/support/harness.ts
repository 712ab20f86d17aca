/**
 * Helpers for the end-to-end tests: Chromium (the system browser, through playwright-core) against the stack the
 * global setup started (./global-setup.ts).
 *
 *   const browser = await launchBrowser();            // in beforeAll; `await browser.close()` in afterAll
 *   const page = await openPage(browser, "/");        // the app, with page errors collected
 *   await connectDevAccount(page, 15);                // through the wallet menu
 *   await expectNoSeriousA11yViolations(page);        // axe-core: fails on "serious" or "critical"
 *
 *   const page = await openPage(browser, "/", { fakeWallet: { account: 19 } });   // an EIP-6963 wallet
 *   await connectFakeWallet(page);
 *   await rejectNextWalletRequest(page);              // the next signature or transaction fails with 4001
 */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { createPublicClient, getAddress, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import { inject } from "vitest";
import { hardhatAccount } from "../../../scripts/lib/dev-accounts.ts";
import type { E2EBrowser } from "../../../scripts/lib/browser.ts";
import type { E2EStackInfo } from "./global-setup.ts";

export {
  launchBrowser,
  CHROMIUM_PATH,
  CHROMIUM_ARGS,
  type E2EBrowser,
} from "../../../scripts/lib/browser.ts";

const require = createRequire(import.meta.url);

/** The URLs and addresses of the stack the global setup started. */
export function e2eStack(): E2EStackInfo {
  return inject("gridleaseStack");
}

/** A viem public client on the e2e chain, to check on-chain effects of what a test did in the UI. */
export function chainClient() {
  return createPublicClient({ chain: hardhat, transport: http(e2eStack().rpcUrl) });
}

/** Address of Hardhat's default account #`index` (the node holds keys for #0-#19). */
export function devAddress(index: number): Address {
  return getAddress(hardhatAccount(index).address);
}

/** The address as the app's wallet button shows it: `0x7099…79C8`. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Options for `openPage`. */
export interface OpenPageOptions {
  /** Announce a fake EIP-6963 wallet in the page before the app loads (see `installFakeWallet`). */
  fakeWallet?: FakeWalletOptions;
  /** Wait for this load state (default "load"). */
  waitUntil?: "load" | "domcontentloaded" | "networkidle" | "commit";
}

const pageErrorLog = new WeakMap<Page, string[]>();

/**
 * Opens the app at `path` (e.g. "/", "/explorer/leases/3") in a new tab. Uncaught page errors are collected:
 * read them with `pageErrors(page)`.
 */
export async function openPage(
  browser: E2EBrowser,
  path: string,
  options: OpenPageOptions = {},
): Promise<Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  pageErrorLog.set(page, errors);
  page.on("pageerror", (err) => errors.push(err.message));
  if (options.fakeWallet) await installFakeWallet(page, options.fakeWallet);
  await page.goto(new URL(path, e2eStack().appUrl).href, {
    waitUntil: options.waitUntil ?? "load",
  });
  return page;
}

/** Uncaught errors the page threw since `openPage`. */
export function pageErrors(page: Page): string[] {
  return [...(pageErrorLog.get(page) ?? [])];
}

/**
 * Connects dev account #`index` (1, 15 or 19: app/src/config/devAccounts.ts) through the UI: clicks
 * "Connect wallet", then the menu item whose name contains "dev account #<index>", and waits until the wallet
 * button shows the account's address.
 */
export async function connectDevAccount(page: Page, index: number): Promise<Address> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: new RegExp(`dev account #${index}(?!\\d)`) }).click();
  const address = devAddress(index);
  await page.getByRole("button", { name: shortAddress(address) }).waitFor();
  return address;
}

/** One axe-core violation, trimmed to what a failure message needs. */
export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is now (injecting node_modules/axe-core/axe.min.js once per page) and returns
 * every violation.
 */
export async function axeViolations(page: Page): Promise<A11yViolation[]> {
  const injected = await page.evaluate(() => "axe" in globalThis);
  if (!injected) await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  return page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: {
          run: () => Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(" ")),
    }));
  });
}

/** Runs axe-core and throws, listing them, when any violation has impact "serious" or "critical". */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const bad = (await axeViolations(page)).filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  if (bad.length > 0) {
    throw new Error(
      `axe found ${bad.length} serious or critical accessibility violation(s) on ${page.url()}:\n` +
        bad
          .map(
            (v) =>
              `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.targets.slice(0, 5).join("\n    ")}`,
          )
          .join("\n"),
    );
  }
}

/** Options for the fake EIP-6963 wallet. */
export interface FakeWalletOptions {
  /** Hardhat account index the wallet uses (the node must hold its key: #0-#19). Default 19. */
  account?: number;
  /** The wallet's name in the EIP-6963 announcement (and so in the app's wallet menu). Default "Test Wallet". */
  name?: string;
  /** JSON-RPC the wallet forwards to. Default: the e2e chain. */
  rpcUrl?: string;
}

/** Requests the fake wallet treats as needing the user's approval: `rejectNextWalletRequest` rejects these. */
export const WALLET_APPROVAL_METHODS = [
  "eth_sendTransaction",
  "personal_sign",
  "eth_sign",
  "eth_signTypedData",
  "eth_signTypedData_v3",
  "eth_signTypedData_v4",
] as const;

/**
 * Injects (before any page script runs) an EIP-1193 wallet announced through EIP-6963
 * ("eip6963:announceProvider", re-announced on "eip6963:requestProvider"). It answers eth_requestAccounts /
 * eth_accounts with the account, eth_chainId with 31337, refuses to switch to any other chain (4902), and
 * forwards everything else, signatures and transactions included, to the chain's JSON-RPC, where `hardhat node`
 * signs for its unlocked account. `rejectNextWalletRequest(page)` makes the next approval request fail with
 * code 4001 ("User rejected the request."), as a user clicking "Reject" would. Every request is logged in
 * `window.__gridleaseFakeWallet.requests` (see `fakeWalletRequests`); the provider itself is
 * `window.__gridleaseFakeWallet.provider`.
 */
export async function installFakeWallet(
  page: Page,
  options: FakeWalletOptions = {},
): Promise<void> {
  const config = {
    address: devAddress(options.account ?? 19),
    name: options.name ?? "Test Wallet",
    rpcUrl: options.rpcUrl ?? e2eStack().rpcUrl,
    approvalMethods: [...WALLET_APPROVAL_METHODS] as string[],
  };
  await page.addInitScript((cfg) => {
    // Runs in the page; the project's TypeScript config has no DOM types, hence the loose `window`.
    const window = globalThis as unknown as {
      addEventListener: (type: string, listener: () => void) => void;
      dispatchEvent: (event: unknown) => boolean;
      __gridleaseFakeWallet?: unknown;
    };
    const CustomEvent = (
      globalThis as unknown as { CustomEvent: new (type: string, init: unknown) => unknown }
    ).CustomEvent;
    type Listener = (...args: unknown[]) => void;
    const listeners = new Map<string, Set<Listener>>();
    const state = {
      rejectNext: 0,
      connected: false,
      requests: [] as { method: string; rejected: boolean }[],
    };
    let id = 0;
    const rpcError = (code: number, message: string) => Object.assign(new Error(message), { code });
    const forward = async (method: string, params: unknown[]) => {
      const res = await fetch(cfg.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      });
      const body = (await res.json()) as {
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      if (body.error) throw Object.assign(new Error(body.error.message), body.error);
      return body.result;
    };
    const provider = {
      isGridleaseTestWallet: true,
      async request({ method, params = [] }: { method: string; params?: unknown[] }) {
        const needsApproval = cfg.approvalMethods.includes(method);
        const rejected = needsApproval && state.rejectNext > 0;
        state.requests.push({ method, rejected });
        if (rejected) {
          state.rejectNext--;
          throw rpcError(4001, "User rejected the request.");
        }
        switch (method) {
          case "eth_requestAccounts":
            state.connected = true;
            return [cfg.address];
          case "eth_accounts":
            return state.connected ? [cfg.address] : [];
          case "eth_chainId":
            return "0x7a69";
          case "net_version":
            return "31337";
          case "wallet_switchEthereumChain": {
            const wanted = (params[0] as { chainId: string }).chainId;
            if (Number(wanted) !== 31337)
              throw rpcError(4902, `Unrecognized chain ID "${wanted}".`);
            return null;
          }
          case "wallet_requestPermissions":
            state.connected = true;
            return [{ parentCapability: "eth_accounts" }];
          case "wallet_getPermissions":
            return state.connected ? [{ parentCapability: "eth_accounts" }] : [];
          case "wallet_revokePermissions":
            state.connected = false;
            return null;
          default:
            return forward(method, params);
        }
      },
      on(event: string, listener: Listener) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return provider;
      },
      removeListener(event: string, listener: Listener) {
        listeners.get(event)?.delete(listener);
        return provider;
      },
    };
    window.__gridleaseFakeWallet = Object.assign(state, { provider });
    const info = Object.freeze({
      uuid: "6f1c2e8a-3b7d-4c1e-9a55-0e2d1f9b7c01",
      name: cfg.name,
      rdns: "dev.gridlease.testwallet",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' fill='%23336'/%3E%3C/svg%3E",
    });
    const announce = () =>
      window.dispatchEvent(
        new CustomEvent("eip6963:announceProvider", {
          detail: Object.freeze({ info, provider }),
        }),
      );
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  }, config);
}

/**
 * Makes the fake wallet reject the next `count` approval requests (signatures, transactions) with EIP-1193 code
 * 4001, as if the user clicked "Reject". Other requests (reads, chain id) are not affected.
 */
export async function rejectNextWalletRequest(page: Page, count = 1): Promise<void> {
  await page.evaluate((n) => {
    (
      globalThis as unknown as { __gridleaseFakeWallet: { rejectNext: number } }
    ).__gridleaseFakeWallet.rejectNext += n;
  }, count);
}

/** The requests the fake wallet received so far, in order, with whether it rejected each one. */
export async function fakeWalletRequests(
  page: Page,
): Promise<{ method: string; rejected: boolean }[]> {
  return page.evaluate(
    () =>
      (
        globalThis as unknown as {
          __gridleaseFakeWallet: { requests: { method: string; rejected: boolean }[] };
        }
      ).__gridleaseFakeWallet.requests,
  );
}

/**
 * Connects the fake EIP-6963 wallet through the UI: "Connect wallet", then the menu item named after it
 * (default "Test Wallet"); waits until the wallet button shows the account's address.
 */
export async function connectFakeWallet(
  page: Page,
  options: { name?: string; account?: number } = {},
): Promise<Address> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: options.name ?? "Test Wallet" }).click();
  const address = devAddress(options.account ?? 19);
  await page.getByRole("button", { name: shortAddress(address) }).waitFor();
  return address;
}
