/** Pure helpers of the buyer dashboard: the extend form. */
import { extensionCost, type LeaseTerms } from "@gridlease/sdk";

/** Parses a number of hours ("2", "0.5") into whole seconds; an error message when it is not usable. */
export function parseHours(input: string): { seconds: bigint } | { error: string } {
  const text = input.trim();
  if (text === "") return { error: "Enter a number of hours." };
  if (!/^\d+(\.\d+)?$/.test(text))
    return { error: "Enter hours as a positive number, e.g. 2 or 0.5." };
  const seconds = BigInt(Math.round(Number(text) * 3600));
  if (seconds <= 0n) return { error: "Add at least one second (hours must be more than 0)." };
  return { seconds };
}

export interface ExtendCheck {
  seconds?: bigint;
  cost?: bigint;
  error?: string;
}

/**
 * Checks an "Add hours" entry against the offer's maximum duration and the buyer's balance, and prices it with
 * the SDK's extensionCost (the top-up the market pulls).
 */
export function checkExtension(
  input: string,
  terms: LeaseTerms,
  maxDuration: bigint | undefined,
  balance: bigint | undefined,
  formatAmount: (v: bigint) => string,
  formatSeconds: (s: bigint) => string,
): ExtendCheck {
  const parsed = parseHours(input);
  if ("error" in parsed) return { error: parsed.error };
  const { seconds } = parsed;
  if (maxDuration !== undefined && terms.duration + seconds > maxDuration) {
    const room = maxDuration > terms.duration ? maxDuration - terms.duration : 0n;
    return {
      seconds,
      error:
        room === 0n
          ? `This lease is already at the offer's maximum of ${formatSeconds(maxDuration)}.`
          : `The offer allows at most ${formatSeconds(maxDuration)} in total: add at most ${formatSeconds(room)}.`,
    };
  }
  const cost = extensionCost(terms, seconds);
  if (balance !== undefined && balance < cost)
    return {
      seconds,
      cost,
      error: `The top-up is ${formatAmount(cost)} but your balance is ${formatAmount(balance)}.`,
    };
  return { seconds, cost };
}
