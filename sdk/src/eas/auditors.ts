/**
 * The market's published auditors per chain: whose hardware audits count by default. Viewers choose their own list
 * (the CLI's `--auditors` / config `trustedAuditors`, the app's settings); an audit by anyone else is shown as
 * "unverified", never as "audited". Written out as literals: this list is a statement, not a derivation.
 */
import { getAddress, isAddress, type Address } from "viem";

const PUBLISHED: Record<number, readonly Address[]> = {
  // Hardhat account #17, the "Seeded auditor" of the local stack (scripts/lib/dev-accounts.ts).
  31337: ["0xbDA5747bFD65F08deb54cb465eB87D40e51B197E"],
};

/** The market's published auditors on `chainId` (none on a chain without a list). */
export function publishedAuditors(chainId: number): Address[] {
  return [...(PUBLISHED[chainId] ?? [])];
}

/** Thrown for a trusted-auditor list that is not a list of addresses. */
export class AuditorListError extends Error {
  override name = "AuditorListError";
}

/** "0xa…,0xb…" (commas, spaces or both) -> checksummed addresses; AuditorListError naming a bad entry. */
export function parseAuditorList(text: string): Address[] {
  const entries = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (entries.length === 0) throw new AuditorListError("The auditor list is empty.");
  return entries.map((e) => {
    if (!isAddress(e)) throw new AuditorListError(`${JSON.stringify(e)} is not a 0x address.`);
    return getAddress(e);
  });
}
