/**
 * A reserved offer on the rent page, in plain words: its prepaid window, its commitment and the price of leaving
 * early, with an example charge from the SDK's mirror of the contract (`exitCharge`), and a rolling lease's entry
 * checked as `openRollingLease` checks it.
 */
import { exitCharge, formatDuration } from "@gridlease/sdk";
import { parseAmount } from "../../lib/amountInput.ts";

/** An offer's reserved terms as `getOfferTerms` returns them (seconds; bps). */
export interface OfferTermsView {
  prepaidWindow: number;
  commitment: number;
  noticePeriod: number;
  exitFeeBps: number;
}

/** The terms as the SDK's pricing mirrors take them. */
export const pricingTerms = (t: OfferTermsView) => ({
  prepaidWindow: BigInt(t.prepaidWindow),
  commitment: BigInt(t.commitment),
  noticePeriod: BigInt(t.noticePeriod),
  exitFeeBps: BigInt(t.exitFeeBps),
});

/** Whether an offer has reserved terms at all (else the rent page is the plain prepaid one). */
export const isReserved = (t: OfferTermsView): boolean => t.prepaidWindow > 0 || t.commitment > 0;

/** The early-exit rule in one sentence. */
export function exitRuleText(t: OfferTermsView): string {
  if (t.commitment === 0)
    return "No commitment: you may leave at any time and pay only the time used.";
  const length = formatDuration(BigInt(t.commitment));
  if (t.noticePeriod > 0)
    return `A ${length} commitment from activation. Leaving earlier costs ${formatDuration(BigInt(t.noticePeriod))} of billed notice (or the committed time left, if less), counted in whole hours.`;
  return `A ${length} commitment from activation. Leaving earlier costs an exit fee of ${(t.exitFeeBps / 100).toFixed(2)}% of the committed value left, counted in whole hours.`;
}

/** When the example exit happens: a day after activation, or half-way through a commitment shorter than two days. */
export function exampleExitAfter(t: OfferTermsView): bigint {
  const commitment = BigInt(t.commitment);
  return commitment > 2n * 86_400n ? 86_400n : commitment / 2n;
}

/** What ending `units` servers `exampleExitAfter` after activation would charge (the SDK's mirror of the contract). */
export function exampleExitCharge(
  t: OfferTermsView,
  p: { pricePerGpuHour: bigint; gpus: bigint },
): bigint {
  return exitCharge(pricingTerms(t), {
    price: p.pricePerGpuHour,
    gpus: p.gpus,
    start: 0n,
    at: exampleExitAfter(t),
  });
}

/** What the buyer types for a rolling lease. */
export interface RollingInput {
  servers: string;
  /** The term in days. */
  termDays: string;
  /** Days prepaid at open (at least the offer's window, or the whole term if shorter). */
  fundedDays: string;
  maxPrice: string;
}

/** The checked values (seconds, base units), or an error per field. */
export type RollingCheck =
  | { values: { units: bigint; term: bigint; funded: bigint; maxPricePerGpuHour: bigint } }
  | { errors: Partial<Record<keyof RollingInput, string>> };

const DAY = 86_400n;

/** Checks a rolling lease as `openRollingLease` would: servers free, term within the offer, min(window, term) <= funded <= term. */
export function checkRollingInput(
  input: RollingInput,
  ctx: {
    unitsFree: bigint;
    minDuration: bigint;
    maxDuration: bigint;
    prepaidWindow: bigint;
    pricePerGpuHour: bigint;
    decimals: number;
  },
): RollingCheck {
  const errors: Partial<Record<keyof RollingInput, string>> = {};
  const whole = (s: string) => (/^\d+$/.test(s.trim()) ? BigInt(s.trim()) : undefined);
  const units = whole(input.servers);
  if (units === undefined || units === 0n) errors.servers = "Enter at least 1 server.";
  else if (units > ctx.unitsFree) errors.servers = `Only ${ctx.unitsFree} servers are free.`;
  const termDays = whole(input.termDays);
  const term = termDays !== undefined ? termDays * DAY : undefined;
  if (term === undefined || term === 0n)
    errors.termDays = "Enter the term as a whole number of days.";
  else if (term < ctx.minDuration || term > ctx.maxDuration)
    errors.termDays = `Between ${formatDuration(ctx.minDuration)} and ${formatDuration(ctx.maxDuration)}.`;
  const fundedDays = whole(input.fundedDays);
  const funded = fundedDays !== undefined ? fundedDays * DAY : undefined;
  if (funded === undefined || funded === 0n)
    errors.fundedDays = "Enter the days to prepay as a whole number.";
  else if (term !== undefined && !errors.termDays) {
    const min = ctx.prepaidWindow < term ? ctx.prepaidWindow : term;
    if (funded < min)
      errors.fundedDays = `At least ${formatDuration(min)} (the offer's prepaid window).`;
    else if (funded > term) errors.fundedDays = "At most the term.";
  }
  const price = parseAmount(input.maxPrice, ctx.decimals);
  const maxPrice = "value" in price ? price.value : undefined;
  if ("error" in price) errors.maxPrice = price.error;
  else if (price.value < ctx.pricePerGpuHour)
    errors.maxPrice = "Below the offer's price: the lease would not open.";
  if (Object.keys(errors).length > 0 || !units || !term || !funded || maxPrice === undefined)
    return { errors };
  return { values: { units, term, funded, maxPricePerGpuHour: maxPrice } };
}
