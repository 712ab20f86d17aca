/** Pure helpers of the buyer dashboard: clock, countdowns and the extend form. */
import { extensionCost, type LeaseTerms } from "@gridlease/sdk";

/**
 * "Now" on the chain, in unix seconds. A chain's clock can run ahead of the local one (a test chain moved with
 * evm_increaseTime); when it does, the latest block's time plus the seconds since it was read is used, otherwise
 * the local clock (a chain that has been idle for a while has an old latest block, but its next block will not be).
 */
export function chainNow(
  localNowMs: number,
  block?: { timestamp: bigint; readAtMs: number },
): bigint {
  const local = BigInt(Math.floor(localNowMs / 1000));
  if (!block) return local;
  const sinceRead = BigInt(Math.max(0, Math.floor((localNowMs - block.readAtMs) / 1000)));
  const chain = block.timestamp + sinceRead;
  return chain > local ? chain : local;
}

/** Seconds as a ticking countdown: "2d 03:04:05", "03:04:05". */
export function formatCountdown(seconds: bigint): string {
  const s = seconds < 0n ? 0n : seconds;
  const days = s / 86_400n;
  const rest = s % 86_400n;
  const pad = (n: bigint) => n.toString().padStart(2, "0");
  const hms = `${pad(rest / 3600n)}:${pad((rest % 3600n) / 60n)}:${pad(rest % 60n)}`;
  return days > 0n ? `${days}d ${hms}` : hms;
}

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
