/** Pure helpers of a reserved lease on the buyer's card: the auto top-up form, and what an exit charged. */
import { parseEventLogs, type TransactionReceipt } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk";
import { parseAmount } from "../../lib/amountInput.ts";

/** What the buyer types to grant an auto top-up allowance. */
export interface TopUpInput {
  perTopUp: string;
  totalCap: string;
  /** Hours of funded runway under which a top-up may run. */
  thresholdHours: string;
}

/** The allowance in the contract's units, or an error per field (nothing is sent while one is set). */
export type TopUpCheck =
  | { value: { perTopUp: bigint; totalCap: bigint; runwayThreshold: bigint } }
  | { errors: Partial<Record<keyof TopUpInput, string>> };

/** The contract's bounds on an allowance (uint104 caps; a threshold of at most the longest lease). */
const MAX_CAP = (1n << 104n) - 1n;

/** Checks the auto top-up form as the contract would (0 < per top-up <= total cap; 0 < threshold <= term). */
export function checkTopUpInput(input: TopUpInput, decimals: number, term: bigint): TopUpCheck {
  const errors: Partial<Record<keyof TopUpInput, string>> = {};
  const per = parseAmount(input.perTopUp, decimals, {
    max: MAX_CAP,
    maxMessage: "Too large for an allowance.",
  });
  const total = parseAmount(input.totalCap, decimals, {
    max: MAX_CAP,
    maxMessage: "Too large for an allowance.",
  });
  if ("error" in per) errors.perTopUp = per.error;
  if ("error" in total) errors.totalCap = total.error;
  else if ("value" in per && total.value < per.value)
    errors.totalCap = "The total cap must be at least the cap per top-up.";
  const hoursText = input.thresholdHours.trim();
  const termHours = term / 3600n;
  let threshold = 0n;
  if (!/^\d+$/.test(hoursText) || BigInt(hoursText) === 0n)
    errors.thresholdHours = "Enter the runway threshold as a whole number of hours, at least 1.";
  else if (BigInt(hoursText) > termHours)
    errors.thresholdHours = `At most the lease's term (${termHours} hours).`;
  else threshold = BigInt(hoursText) * 3600n;
  if (Object.keys(errors).length > 0 || !("value" in per) || !("value" in total)) return { errors };
  return { value: { perTopUp: per.value, totalCap: total.value, runwayThreshold: threshold } };
}

/**
 * The exit charge a confirmed transaction took: a release carries it in `ServersReleased`, an end in `ExitCharged`
 * (zero when there was none). Only one of the two is counted, so a release that emits both is not charged twice.
 */
export function exitChargedIn(receipt: TransactionReceipt): bigint {
  const events = parseEventLogs({ abi: gridleaseMarketAbi, logs: receipt.logs });
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const released = events.flatMap((e) =>
    e.eventName === "ServersReleased" ? [e.args.exitCharge] : [],
  );
  if (released.length > 0) return sum(released);
  return sum(events.flatMap((e) => (e.eventName === "ExitCharged" ? [e.args.amount] : [])));
}

/** Seconds until the whole-hour exit charge next drops: a quote holds until then. */
export function quoteHoldsFor(commitmentEnds: bigint, now: bigint): bigint {
  if (commitmentEnds <= now) return 0n;
  const left = commitmentEnds - now;
  return left % 3600n;
}

/**
 * The time to quote an exit at for a transaction sent now: the next block's earliest time (`now + 1`), moved to the
 * end of its whole-hour bucket of the commitment, where the charge is the same (the contract counts whole hours
 * left, rounded down). The quote is then read again only when the hour turns, not every second.
 */
export function exitQuoteTime(commitmentEnds: bigint, now: bigint): bigint {
  const next = now + 1n;
  if (next >= commitmentEnds) return next;
  const wholeHoursLeft = (commitmentEnds - next) / 3600n;
  return commitmentEnds - wholeHoursLeft * 3600n;
}
