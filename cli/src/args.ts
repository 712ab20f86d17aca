/** Parsers for command-line values: each throws a usage error (exit 2) naming the flag. */
import { getAddress, isAddress, parseUnits, type Address } from "viem";
import { usage } from "./exit.ts";

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90" (seconds), "30m", "1h", "1h30m", "7d" -> seconds. */
export function parseDuration(raw: string | undefined, flag: string): bigint {
  if (raw === undefined) throw usage(`${flag} is required`);
  const text = raw.trim();
  if (/^\d+$/.test(text)) return BigInt(text);
  const parts = [...text.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
    throw usage(
      `${flag} must be a duration like 3600, 90m, 1h, 1h30m or 7d; got ${JSON.stringify(raw)}`,
    );
  return parts.reduce((sum, [, n, unit]) => sum + BigInt(n) * BigInt(DURATION_UNITS[unit]), 0n);
}

/** A positive whole number (ids, units, counts). */
export function parseCount(raw: string | undefined, flag: string, { min = 1n } = {}): bigint {
  if (raw === undefined) throw usage(`${flag} is required`);
  if (!/^\d+$/.test(raw.trim()))
    throw usage(`${flag} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = BigInt(raw.trim());
  if (value < min) throw usage(`${flag} must be at least ${min}, got ${value}`);
  return value;
}

/** A decimal token amount ("1.95") in base units of a token with `decimals`. */
export function parseAmount(raw: string | undefined, flag: string, decimals: number): bigint {
  if (raw === undefined) throw usage(`${flag} is required`);
  const text = raw.trim().replace(/_/g, "");
  if (!/^\d+(\.\d+)?$/.test(text))
    throw usage(`${flag} must be a positive decimal amount like 1.95, got ${JSON.stringify(raw)}`);
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals)
    throw usage(
      `${flag} has more than ${decimals} decimals, which the token cannot represent: ${raw}`,
    );
  return parseUnits(text, decimals);
}

export function parseAddressArg(raw: string | undefined, flag: string): Address {
  if (raw === undefined) throw usage(`${flag} is required`);
  if (!isAddress(raw.trim()))
    throw usage(`${flag} must be a 0x address, got ${JSON.stringify(raw)}`);
  return getAddress(raw.trim());
}

export function required(raw: string | undefined, flag: string): string {
  if (raw === undefined || raw === "") throw usage(`${flag} is required`);
  return raw;
}
