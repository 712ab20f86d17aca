import { formatUnits } from "viem";
import { deployments, formatTokenAmount } from "@gridlease/sdk";

/** What the explorer needs to show an amount of a token. */
export interface TokenDisplayInfo {
  symbol: string;
  decimals: number;
  isUsd: boolean;
}

/** Known payment tokens of every deployment, by lowercase address: no chain read needed for them. */
const KNOWN_TOKENS: Record<string, TokenDisplayInfo> = (() => {
  const out: Record<string, TokenDisplayInfo> = {};
  for (const dep of Object.values(deployments) as {
    contracts: Record<string, { address: string }>;
  }[]) {
    const grid = dep.contracts.GridleaseToken?.address;
    const usd = dep.contracts.TestUSD?.address;
    if (grid) out[grid.toLowerCase()] = { symbol: "GRID", decimals: 18, isUsd: false };
    if (usd) out[usd.toLowerCase()] = { symbol: "tUSD", decimals: 6, isUsd: true };
  }
  return out;
})();

export const knownToken = (address: string | undefined): TokenDisplayInfo | undefined =>
  address ? KNOWN_TOKENS[address.toLowerCase()] : undefined;

/** The bond token (GRID, 18 decimals): bonds and penalties are always in it. */
export const BOND_TOKEN: TokenDisplayInfo = { symbol: "GRID", decimals: 18, isUsd: false };

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * A short amount for tables and cards: "$1,234.57" for a USD token, "12.3457 GRID" otherwise (rounded half up to
 * 2 or 4 decimals); base units when the token is not known yet.
 */
export function formatAmount(
  value: bigint | string,
  token: TokenDisplayInfo | undefined,
  opts: { digits?: number } = {},
): string {
  const v = typeof value === "string" ? BigInt(value) : value;
  if (!token) return `${group(v.toString())} base units`;
  const digits = opts.digits ?? (token.isUsd ? 2 : 4);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(Math.max(token.decimals - digits, 0));
  const rounded =
    token.decimals > digits
      ? (abs + scale / 2n) / scale
      : abs * 10n ** BigInt(digits - token.decimals);
  const str = formatUnits(rounded, digits);
  let [whole, fraction = ""] = str.split(".");
  if (token.isUsd) fraction = fraction.padEnd(digits, "0");
  else fraction = fraction.replace(/0+$/, "");
  if (rounded === 0n && abs !== 0n) {
    // Too small to show at this precision: say so rather than print 0.
    const tiny = `0.${"0".repeat(Math.max(digits - 1, 0))}1`;
    return token.isUsd
      ? `${neg ? ">-" : "<"}$${tiny}`
      : `${neg ? ">-" : "<"}${tiny} ${token.symbol}`;
  }
  const body = `${group(whole)}${fraction ? "." + fraction : ""}`;
  return token.isUsd ? `${neg ? "-" : ""}$${body}` : `${neg ? "-" : ""}${body} ${token.symbol}`;
}

/** The exact amount (every decimal), for titles and screen readers. */
export const formatExact = (value: bigint | string, token: TokenDisplayInfo | undefined) =>
  formatTokenAmount(typeof value === "string" ? BigInt(value) : value, token);

/** An amount as a plain number of whole tokens, for charts. */
export const toNumber = (value: bigint | string, decimals: number) =>
  Number(formatUnits(typeof value === "string" ? BigInt(value) : value, decimals));
