/**
 * The viewer's own list of trusted auditors: whose audits count as "audited" in this browser, saved in localStorage
 * per chain; every badge re-reads it at once. Without a saved list the market's published auditors count (the SDK's
 * `publishedAuditors`, applied by the hooks: this module stays free of it, so the market's first page is light).
 */
import type { Address } from "viem";
import { AuditorListError, parseAuditorList } from "@gridlease/sdk/eas";

const key = (chainId: number) => `gridlease.trustedAuditors.${chainId}`;
const listeners = new Set<() => void>();

/**
 * Parses a list typed by a person (commas, spaces or new lines between addresses) with the SDK's `parseAuditorList`,
 * dropping repeats; a bad entry or an empty list is an error in words.
 */
export function parseAuditors(
  text: string,
): { ok: true; auditors: Address[] } | { ok: false; error: string } {
  try {
    const auditors = parseAuditorList(text);
    return { ok: true, auditors: auditors.filter((a, i) => auditors.indexOf(a) === i) };
  } catch (err) {
    if (err instanceof AuditorListError) return { ok: false, error: err.message };
    throw err;
  }
}

/** The list saved for `chainId`, or undefined when the viewer keeps the published one (or storage is unusable). */
export function savedAuditors(chainId: number): Address[] | undefined {
  try {
    const raw = window.localStorage.getItem(key(chainId));
    if (raw === null) return undefined;
    const parsed = parseAuditors(raw);
    return parsed.ok ? parsed.auditors : undefined;
  } catch {
    return undefined;
  }
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

/** The saved list as a string snapshot for `useSyncExternalStore` (compared by value); null when none is saved. */
export const savedSnapshot = (chainId: number): string | null =>
  savedAuditors(chainId)?.join(",") ?? null;
