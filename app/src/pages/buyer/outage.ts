/** Pure helpers of the buyer's outage report: the servers-down entry, the evidence hash and the words shown. */
import { keccak256, stringToBytes, zeroHash, type Hex } from "viem";

/**
 * Checks "servers down" against the lease: a whole number from 1 to the lease's servers, and more than the servers
 * already down while an outage is open (the market only lets a report raise the count).
 */
export function checkOutageUnits(
  input: string,
  leaseUnits: bigint,
  downNow: bigint,
): { units: bigint } | { error: string } {
  const text = input.trim();
  if (!/^\d+$/.test(text)) return { error: "Enter how many servers are down, as a whole number." };
  const units = BigInt(text);
  if (units < 1n) return { error: "At least one server must be down to report an outage." };
  if (units > leaseUnits)
    return {
      error: `This lease has ${leaseUnits} server${leaseUnits === 1n ? "" : "s"}: at most ${leaseUnits} can be down.`,
    };
  if (downNow > 0n && units <= downNow)
    return {
      error: `${downNow} server${downNow === 1n ? " is" : "s are"} already reported down: a new report can only raise the number.`,
    };
  return { units };
}

/** The evidence's keccak256 hash (the text is never sent, only its hash); zero when there is no evidence. */
export function evidenceHashOf(text: string): Hex {
  const t = text.trim();
  return t === "" ? zeroHash : keccak256(stringToBytes(t));
}

/**
 * The plain statement of what a report does: shown before the buyer confirms (`fromNow`) and while the outage is
 * open.
 */
export function billingPausedText(down: bigint, total: bigint, fromNow = true): string {
  const servers = `${down} of ${total} server${total === 1n ? "" : "s"}`;
  return `Billing is paused for ${servers}${fromNow ? " from now" : ""} until the provider resolves it.`;
}
