/**
 * The viewer's trusted auditors: whose audits count as "audited" in this browser. The default is the market's
 * published list; a list the viewer saves lives in localStorage per chain, and every badge re-reads it at once.
 */
import { getAddress, isAddress, type Address } from "viem";
import { publishedAuditors } from "./eas.ts";

const key = (chainId: number) => `gridlease.trustedAuditors.${chainId}`;
const listeners = new Set<() => void>();

/** Parses a list typed by a person (commas, spaces or new lines between addresses); names each bad entry. */
export function parseAuditorList(
  text: string,
): { ok: true; auditors: Address[] } | { ok: false; error: string } {
  const entries = text.split(/[\s,;]+/).filter(Boolean);
  const bad = entries.filter((e) => !isAddress(e, { strict: false }));
  if (bad.length > 0)
    return {
      ok: false,
      error: `Not an address: ${bad.join(", ")}. An address is 0x followed by 40 hexadecimal digits.`,
    };
  const seen = new Set<string>();
  const auditors: Address[] = [];
  for (const e of entries) {
    const a = getAddress(e);
    if (seen.has(a)) continue;
    seen.add(a);
    auditors.push(a);
  }
  return { ok: true, auditors };
}

/** The list saved for `chainId`, or undefined when the viewer keeps the published one (or storage is unusable). */
export function savedAuditors(chainId: number): Address[] | undefined {
  try {
    const raw = window.localStorage.getItem(key(chainId));
    if (raw === null) return undefined;
    const parsed = parseAuditorList(raw);
    return parsed.ok ? parsed.auditors : undefined;
  } catch {
    return undefined;
  }
}

/** The trusted list in force on `chainId`: the saved one, else the market's published auditors. */
export function trustedAuditors(chainId: number): Address[] {
  return savedAuditors(chainId) ?? publishedAuditors(chainId);
}

/** Saves a list (undefined: back to the published one) and tells every subscriber. */
export function saveAuditors(chainId: number, auditors: readonly Address[] | undefined): void {
  if (auditors === undefined) window.localStorage.removeItem(key(chainId));
  else window.localStorage.setItem(key(chainId), auditors.join(","));
  for (const l of listeners) l();
}

/** Subscribes to changes of the saved lists (this tab's saves and other tabs' `storage` events). */
export function subscribeAuditors(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}
