/** ERC-20 and buyer-policy actions: token display data, allowances, and a provider's allowlist. */
import type { Address } from "viem";
import { readContract, writeContract } from "viem/actions";
import { allowlistPolicyAbi, gridleaseTokenAbi } from "../generated/abis.ts";
import { sent, type Sent } from "./transactions.ts";
import type { ReadClient, SignerClient } from "./types.ts";

/** A token's name, symbol and decimals (pass `{ symbol, decimals }` to error messages as the context). */
export async function getTokenInfo(c: ReadClient, token: Address) {
  const r = (functionName: "name" | "symbol" | "decimals") =>
    readContract(c, { address: token, abi: gridleaseTokenAbi, functionName });
  const [name, symbol, decimals] = await Promise.all([r("name"), r("symbol"), r("decimals")]);
  return {
    address: token,
    name: name as string,
    symbol: symbol as string,
    decimals: decimals as number,
  };
}

/**
 * Makes sure `spender` may take `amount` of the sender's `token`: approves exactly `amount` when the allowance
 * falls short (so only the shortfall is added), and sends nothing otherwise. Wait for `approval` before spending.
 */
export async function ensureAllowance(
  w: SignerClient,
  p: { token: Address; spender: Address; amount: bigint },
): Promise<{ allowance: bigint; shortfall: bigint; approval: Sent | undefined }> {
  const allowance = await readContract(w, {
    address: p.token,
    abi: gridleaseTokenAbi,
    functionName: "allowance",
    args: [w.account.address, p.spender],
  });
  const shortfall = allowance >= p.amount ? 0n : p.amount - allowance;
  if (shortfall === 0n) return { allowance, shortfall, approval: undefined };
  const hash = await writeContract(w, {
    address: p.token,
    abi: gridleaseTokenAbi,
    functionName: "approve",
    args: [p.spender, p.amount],
    account: w.account,
    chain: w.chain ?? null,
  });
  return { allowance, shortfall, approval: sent(w, hash, undefined) };
}

/** Provider: adds buyers to (`allowed` true) or removes them from its list in an allowlist policy. */
export async function setAllowedBuyers(
  w: SignerClient,
  p: { policy: Address; buyers: readonly Address[]; allowed: boolean },
): Promise<Sent> {
  const hash = await writeContract(w, {
    address: p.policy,
    abi: allowlistPolicyAbi,
    functionName: "setAllowed",
    args: [p.buyers, p.allowed],
    account: w.account,
    chain: w.chain ?? null,
  });
  return sent(w, hash, undefined);
}

/** Whether a provider's allowlist admits `buyer` (for its offer `offerId`). */
export const isBuyerAllowed = (
  c: ReadClient,
  p: { policy: Address; provider: Address; offerId: bigint; buyer: Address },
): Promise<boolean> =>
  readContract(c, {
    address: p.policy,
    abi: allowlistPolicyAbi,
    functionName: "isAllowed",
    args: [p.provider, p.offerId, p.buyer],
  });
