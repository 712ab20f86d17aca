/**
 * Query parameters of the explorer's routes: parsing, validation (a bad one is a `ParamError`, answered 400 with
 * its message) and the opaque keyset cursors.
 */

/** A bad query parameter; the message names it and says what is allowed. */
export class ParamError extends Error {}

export type Query = Record<string, string>;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** Refuses parameters a route does not know (a misspelt filter would otherwise be silently ignored). */
export function checkNames(q: Query, allowed: readonly string[]) {
  for (const name of Object.keys(q))
    if (!allowed.includes(name))
      throw new ParamError(
        `unknown parameter "${name}": this route takes ${allowed.map((a) => `"${a}"`).join(", ")}`,
      );
}

/** `limit`: rows per page, 1..200, 50 when absent. */
export function parseLimit(q: Query): number {
  const raw = q.limit;
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT)
    throw new ParamError(`"limit" must be a whole number from 1 to ${MAX_LIMIT}, got "${raw}"`);
  return Number(raw);
}

/** One of `allowed`, or `fallback` when absent. */
export function parseChoice<T extends string>(
  q: Query,
  name: string,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  const raw = q[name];
  if (raw === undefined) return fallback;
  const found = allowed.find((a) => a === raw);
  if (found === undefined)
    throw new ParamError(`"${name}" must be one of ${allowed.join(", ")}; got "${raw}"`);
  return found;
}

/** A full address (0x and 40 hex digits), lowercased as the indexer stores it. */
export function parseAddress(q: Query, name: string): string | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    throw new ParamError(`"${name}" must be an address (0x and 40 hex digits), got "${raw}"`);
  return raw.toLowerCase();
}

/**
 * `address`: a full address, or a `0x` prefix of at least 6 characters. Returned as the range of stored
 * addresses that start with it (`lo` <= address <= `hi`, both 42 characters), which a b-tree index answers.
 */
export function parseAddressPrefix(q: Query, name: string): { lo: string; hi: string } | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{4,40}$/.test(raw))
    throw new ParamError(
      `"${name}" must be an address or its start: 0x and 4 to 40 hex digits, got "${raw}"`,
    );
  const p = raw.toLowerCase();
  return { lo: p.padEnd(42, "0"), hi: p.padEnd(42, "f") };
}

/** A GPU model or region code as the chain stores it: printable ASCII, at most `max` characters. */
export function parseLabel(q: Query, name: string, max: number): string | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (!/^[\x20-\x7e]+$/.test(raw) || raw.length > max)
    throw new ParamError(
      `"${name}" must be a code of 1 to ${max} printable ASCII characters (as listed on-chain), got "${raw}"`,
    );
  return raw;
}

/** A decimal id (an offer id). */
export function parseId(q: Query, name: string): string | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,77})$/.test(raw))
    throw new ParamError(`"${name}" must be a decimal id, got "${raw}"`);
  return raw;
}

/** `now`: unix seconds the time-derived statuses are judged at; the server's clock when absent. */
export function parseNow(q: Query): string {
  const raw = q.now;
  if (raw === undefined) return String(Math.floor(Date.now() / 1000));
  if (!/^\d{1,12}$/.test(raw))
    throw new ParamError(`"now" must be unix seconds (a whole number), got "${raw}"`);
  return raw;
}

/** What each part of a cursor's key is: a decimal number or an address. */
export type KeyPart = "uint" | "address";
const KEY_PATTERNS: Record<KeyPart, RegExp> = {
  uint: /^(0|[1-9]\d{0,77})$/,
  address: /^0x[0-9a-f]{40}$/,
};

/** The opaque cursor of the row after which the next page starts: the order and the row's sort key. */
export function encodeCursor(order: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([order, ...key])).toString("base64url");
}

/** The sort key in `after`, checked against the order it was made for and the key's shape. */
export function parseCursor(
  q: Query,
  order: string,
  shape: readonly KeyPart[],
): string[] | undefined {
  const raw = q.after;
  if (raw === undefined || raw === "") return undefined;
  const bad = () =>
    new ParamError(
      `"after" must be the "next" cursor of an earlier page of this list in order "${order}"`,
    );
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length + 1 || parts[0] !== order) throw bad();
  const key = parts.slice(1);
  key.forEach((v, i) => {
    if (typeof v !== "string" || !KEY_PATTERNS[shape[i]!].test(v)) throw bad();
  });
  return key as string[];
}
