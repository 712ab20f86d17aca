/**
 * How Gridlease shows things to people: token amounts, stablecoins, durations, times and end reasons. The app,
 * the CLI and the SDK's own error messages all format through this module, so a number reads the same everywhere.
 *
 * API (`@gridlease/sdk/format`, also re-exported from `@gridlease/sdk`):
 * - `TokenDisplay` `{ symbol, decimals, isUsd? }`: what is needed to show an amount of a token. `isUsd` is
 *   optional: when absent it is derived from the symbol with `isStablecoin`.
 * - `tokenDisplay(symbol, decimals)` builds one with `isUsd` set; `isStablecoin(symbol)` tells USD stablecoins
 *   ("USDC", "tUSD", "DAI", "USD₮", "PYUSD") apart; `knownTokenDisplay(address)` knows every deployment's GRID and
 *   test USD without a chain read; `BOND_TOKEN_DISPLAY` is GRID, the token bonds and penalties are held in.
 * - `formatTokenAmount(value, token?)`: exact, every decimal ("$2.10", "5,000.25 GRID"; "123 base units" when the
 *   token is not known yet). `formatTokenAmountShort(value, token?, { digits })`: rounded half up for tables and
 *   cards ("$1,234.57", "12.3457 GRID", "<$0.01" for dust).
 * - `formatDuration(seconds)` ("1 hour 30 minutes"), `formatTime(unixSeconds)` ("2027-01-15 08:00:00 UTC"),
 *   `formatInteger(n)` ("1,234,567").
 * - `endReasonLabel(reason)` (from `status`), `endReasonShortLabel(reason)` ("Provider ended") and
 *   `endReasonText(reason)` for the strings an indexer returns (the label, or the string itself when unknown);
 *   `leaseStatusShortLabel(status)` for badges ("Activation overdue", "Term over").
 */
import { formatUnits } from "viem";
import { deployments } from "./generated/deployments.ts";
import {
  EndReason,
  endReasonLabel,
  endReasonName,
  type DerivedStatus,
  type EndReasonName,
} from "./status.ts";

export { endReasonLabel };

/** What is needed to show an amount of a token. */
export interface TokenDisplay {
  symbol: string;
  decimals: number;
  /** A USD stablecoin (amounts show as dollars); derived from `symbol` when absent. */
  isUsd?: boolean;
}

/** Symbols of USD stablecoins: USDC, USDT, USDe, USD₮, tUSD (the test token), DAI, PYUSD. */
export const STABLECOIN_SYMBOL = /^t?(USD[A-Z]?|USD₮|DAI|PYUSD)$/i;

/** True for a USD stablecoin's symbol ("USDC", "tUSD", "DAI"). */
export const isStablecoin = (symbol: string): boolean => STABLECOIN_SYMBOL.test(symbol);

/** A token's display data with `isUsd` decided from its symbol. */
export const tokenDisplay = (symbol: string, decimals: number): Required<TokenDisplay> => ({
  symbol,
  decimals,
  isUsd: isStablecoin(symbol),
});

/** GRID: bonds and penalties are always held in it. */
export const BOND_TOKEN_DISPLAY: Required<TokenDisplay> = tokenDisplay("GRID", 18);

/** The tokens every deployment ships (GRID and, on test chains, tUSD), by lowercase address. */
const KNOWN_TOKENS: ReadonlyMap<string, Required<TokenDisplay>> = (() => {
  const out = new Map<string, Required<TokenDisplay>>();
  for (const deployment of Object.values(deployments)) {
    const contracts: Partial<Record<string, { address: string }>> = deployment.contracts;
    const grid = contracts.GridleaseToken?.address;
    const usd = contracts.TestUSD?.address;
    if (grid) out.set(grid.toLowerCase(), BOND_TOKEN_DISPLAY);
    if (usd) out.set(usd.toLowerCase(), tokenDisplay("tUSD", 6));
  }
  return out;
})();

/** Display data of a token any deployment ships, without a chain read; undefined for other tokens. */
export const knownTokenDisplay = (
  address: string | undefined,
): Required<TokenDisplay> | undefined =>
  address ? KNOWN_TOKENS.get(address.toLowerCase()) : undefined;

const usd = (token: TokenDisplay) => token.isUsd ?? isStablecoin(token.symbol);

/** Groups an integer string in thousands: "1234567" -> "1,234,567". */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** An integer with thousands separators: 1234567n -> "1,234,567". */
export const formatInteger = (n: bigint): string => group(n.toString());

/** Formats base units of a token exactly: "$2.10" for USD stablecoins, "5,000 GRID" otherwise. */
export function formatTokenAmount(value: bigint, token?: TokenDisplay): string {
  if (!token) return `${group(value.toString())} base units`;
  const [whole = "", fraction = ""] = formatUnits(value, token.decimals).split(".");
  if (usd(token)) {
    const cents = fraction.padEnd(2, "0");
    return `${whole.startsWith("-") ? "-" : ""}$${group(whole.replace("-", ""))}.${cents}`;
  }
  return `${group(whole)}${fraction ? "." + fraction : ""} ${token.symbol}`;
}

/**
 * A short amount for tables and cards: "$1,234.57" for a USD token, "12.3457 GRID" otherwise, rounded half up to
 * `digits` decimals (2 for USD, 4 otherwise); "<$0.01" rather than a misleading 0 for dust; base units when the
 * token is not known yet. Accepts the decimal strings indexers return.
 */
export function formatTokenAmountShort(
  value: bigint | string,
  token: TokenDisplay | undefined,
  opts: { digits?: number } = {},
): string {
  const v = typeof value === "string" ? BigInt(value) : value;
  if (!token) return `${group(v.toString())} base units`;
  const isUsd = usd(token);
  const digits = opts.digits ?? (isUsd ? 2 : 4);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(Math.max(token.decimals - digits, 0));
  const rounded =
    token.decimals > digits
      ? (abs + scale / 2n) / scale
      : abs * 10n ** BigInt(digits - token.decimals);
  const [whole = "", rawFraction = ""] = formatUnits(rounded, digits).split(".");
  const fraction = isUsd ? rawFraction.padEnd(digits, "0") : rawFraction.replace(/0+$/, "");
  if (rounded === 0n && abs !== 0n) {
    const tiny = `0.${"0".repeat(Math.max(digits - 1, 0))}1`;
    return isUsd ? `${neg ? ">-" : "<"}$${tiny}` : `${neg ? ">-" : "<"}${tiny} ${token.symbol}`;
  }
  const body = `${group(whole)}${fraction ? "." + fraction : ""}`;
  return isUsd ? `${neg ? "-" : ""}$${body}` : `${neg ? "-" : ""}${body} ${token.symbol}`;
}

const UNITS: [number, string][] = [
  [86_400, "day"],
  [3_600, "hour"],
  [60, "minute"],
  [1, "second"],
];

/** Formats seconds as at most two units: 5400 -> "1 hour 30 minutes". */
export function formatDuration(seconds: bigint): string {
  let left = Number(seconds);
  if (left === 0) return "0 seconds";
  const parts: string[] = [];
  for (const [size, name] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0 && parts.length < 2)
      parts.push(`${n.toLocaleString("en-US")} ${name}${n === 1 ? "" : "s"}`);
    left -= n * size;
  }
  return parts.join(" ");
}

/** Formats a unix time in seconds as "2027-01-15 08:00:00 UTC". */
export const formatTime = (unixSeconds: bigint) =>
  new Date(Number(unixSeconds) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");

const END_REASON_SHORT: Record<EndReasonName, string> = {
  None: "Not ended",
  Expired: "Ran full term",
  BuyerTerminated: "Buyer ended",
  ProviderTerminated: "Provider ended",
  NoShowCancelled: "No-show",
  OutageUnresolved: "Outage unrepaired",
  Unfunded: "Unfunded",
};

const isEndReasonName = (reason: string): reason is EndReasonName =>
  Object.hasOwn(EndReason, reason);

/** A short label of an end reason for badges and table cells ("Provider ended"); unknown strings come back as is. */
export function endReasonShortLabel(reason: number | bigint | string): string {
  if (typeof reason !== "string") return END_REASON_SHORT[endReasonName(reason)];
  return isEndReasonName(reason) ? END_REASON_SHORT[reason] : reason;
}

/** The full label of an end reason as an indexer spells it ("ProviderTerminated"); unknown strings come back as is. */
export const endReasonText = (reason: string): string =>
  isEndReasonName(reason) ? endReasonLabel(reason) : reason;

const STATUS_SHORT: Partial<Record<DerivedStatus, string>> = {
  ActivationOverdue: "Activation overdue",
  Expired: "Term over",
};

/** A short label of a lease status for badges ("Activation overdue", "Term over"); other statuses as named. */
export const leaseStatusShortLabel = (status: DerivedStatus | string): string =>
  (STATUS_SHORT as Record<string, string | undefined>)[status] ?? status;
