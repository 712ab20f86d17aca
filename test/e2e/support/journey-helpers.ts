/**
 * Small helpers for the journey and error-path e2e tests (test/e2e/journey.e2e.test.ts, errors.e2e.test.ts), on
 * top of ./harness.ts: reading the indexer and the chain, sending a transaction from an unlocked Hardhat account,
 * and rejecting one particular wallet request.
 */
import type { Page } from "playwright-core";
import { erc20Abi, encodeFunctionData, parseUnits, type Address, type Hex } from "viem";
import { gridleaseMarketAbi, leaseCount } from "@gridlease/sdk";
import {
  chainClient,
  devAddress,
  e2eStack,
  installFakeWallet,
  type E2EBrowser,
} from "./harness.ts";

/** Generous limit for anything that waits on a transaction being mined and then indexed on a busy machine. */
export const CONFIRM_TIMEOUT = 90_000;

/** One GraphQL query against the stack's indexer (Ponder, `/graphql`). */
export async function indexerQuery<T>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`${e2eStack().indexerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`indexer: ${body.errors[0].message}`);
  return body.data as T;
}

/** Polls the indexer (every 250 ms) until `check` returns something truthy; returns it. */
export async function waitForIndexer<T>(
  query: string,
  variables: Record<string, unknown>,
  check: (data: T) => unknown,
  timeoutMs = CONFIRM_TIMEOUT,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await indexerQuery<T>(query, variables);
      if (check(last)) return last;
    } catch {
      // The indexer may be busy: try again.
    }
    if (Date.now() > deadline)
      throw new Error(
        `the indexer did not reach the expected state; last answer: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The indexed status of a lease ("Pending", "Active", "Ended"), undefined while the indexer has not seen it. */
export async function waitForIndexedLease(leaseId: bigint, status: string): Promise<void> {
  await waitForIndexer<{ lease: { status: string } | null }>(
    `query($id: String!) { lease(id: $id) { status } }`,
    { id: String(leaseId) },
    (d) => d.lease?.status === status,
  );
}

/** Waits until the indexer lists the offer. */
export async function waitForIndexedOffer(offerId: bigint): Promise<void> {
  await waitForIndexer<{ offer: { offerId: string } | null }>(
    `query($id: String!) { offer(id: $id) { offerId } }`,
    { id: String(offerId) },
    (d) => !!d.offer,
  );
}

export const market = () => e2eStack().market as Address;
export const usd = () => e2eStack().usd as Address;
export const grid = () => e2eStack().grid as Address;

export const tokenBalance = (token: Address, owner: Address) =>
  chainClient().readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [owner],
  });

export const tokenAllowance = (token: Address, owner: Address, spender: Address) =>
  chainClient().readContract({
    address: token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, spender],
  });

export const marketLeaseCount = () => leaseCount(chainClient() as never, { market: market() });

/** A JSON-RPC call on the e2e chain. */
export async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(e2eStack().rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Sends a market transaction from Hardhat account #`from` (unlocked on `hardhat node`) with eth_sendTransaction,
 * and waits for its receipt; throws when it reverts.
 */
export async function sendMarketTx(
  from: number,
  functionName: string,
  args: readonly unknown[],
): Promise<Hex> {
  const data = encodeFunctionData({ abi: gridleaseMarketAbi, functionName, args } as never);
  const hash = await rpc<Hex>("eth_sendTransaction", [
    { from: devAddress(from), to: market(), data },
  ]);
  const receipt = await chainClient().waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
  return hash;
}

const methodRejectionHook = () => {
  // Runs in the page after the harness's fake-wallet script and before the app: wraps the wallet's `request` so
  // that `rejectNextWalletMethod` can reject one request by method.
  const w = globalThis as unknown as {
    __gridleaseRejectMethods?: string[];
    __gridleaseFakeWallet: {
      requests: { method: string; rejected: boolean }[];
      provider: { request: (a: { method: string; params?: unknown[] }) => Promise<unknown> };
    };
  };
  const wallet = w.__gridleaseFakeWallet;
  const original = wallet.provider.request.bind(wallet.provider);
  wallet.provider.request = async (a) => {
    if (w.__gridleaseRejectMethods?.includes(a.method)) {
      w.__gridleaseRejectMethods = undefined;
      wallet.requests.push({ method: a.method, rejected: true });
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
    return original(a);
  };
};

/**
 * Opens the app at `path` with the harness's fake wallet on Hardhat account #`account`, plus a hook that lets
 * `rejectNextWalletMethod` reject one request by method. Uncaught page errors go to `errors`.
 */
export async function openWithFakeWallet(
  browser: E2EBrowser,
  path: string,
  account: number,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await installFakeWallet(page, { account });
  await page.addInitScript(methodRejectionHook);
  await page.goto(new URL(path, e2eStack().appUrl).href);
  return { page, errors };
}

/**
 * Makes the fake wallet of a page opened with `openWithFakeWallet` reject, with code 4001, the next request whose
 * method is one of `methods` (e.g. the permit's eth_signTypedData_v4), letting the others through: unlike the
 * harness's `rejectNextWalletRequest`, which rejects the next approval request whatever it is.
 */
export async function rejectNextWalletMethod(page: Page, methods: string[]): Promise<void> {
  await page.evaluate((m) => {
    (globalThis as unknown as { __gridleaseRejectMethods?: string[] }).__gridleaseRejectMethods = m;
  }, methods);
}

/** "$1,234.567891" / "12.5 GRID" (as formatTokenAmount prints) -> base units. */
export function parseShownAmount(text: string, decimals: number): bigint {
  const match = text.replace(/,/g, "").match(/\d+(\.\d+)?/);
  if (!match) throw new Error(`no amount in ${JSON.stringify(text)}`);
  return parseUnits(match[0], decimals);
}
