/**
 * Reserved-capacity terms on the command line: `offer create`'s flags to the SDK's ReservedTerms, and the one line
 * every command prints them as (offer show, the lease quote, lease show), so the exit terms read the same way
 * everywhere before anyone signs.
 */
import {
  formatDuration,
  formatTokenAmount,
  MAX_EXIT_FEE_BPS,
  type LeaseQuote,
  type ReservedTerms,
  type TokenDisplay,
} from "@gridlease/sdk";
import { parseCount, parseDuration } from "./args.ts";
import { usage } from "./exit.ts";

/** `--prepaid-window`, `--commitment`, `--notice`, `--exit-fee-bps` as terms; undefined when none is given. */
export function reservedTermsFromFlags(values: {
  "prepaid-window"?: string;
  commitment?: string;
  notice?: string;
  "exit-fee-bps"?: string;
}): ReservedTerms | undefined {
  const window = values["prepaid-window"];
  const { commitment, notice } = values;
  const fee = values["exit-fee-bps"];
  if ([window, commitment, notice, fee].every((v) => v === undefined)) return undefined;
  if (commitment === undefined && (notice !== undefined || fee !== undefined))
    throw usage("--notice and --exit-fee-bps are the exit terms of a --commitment: give one");
  if (commitment !== undefined && (notice === undefined) === (fee === undefined))
    throw usage("--commitment needs exactly one of --notice D or --exit-fee-bps N");
  const exitFeeBps = fee === undefined ? 0n : parseCount(fee, "--exit-fee-bps");
  if (exitFeeBps > MAX_EXIT_FEE_BPS)
    throw usage(
      `--exit-fee-bps must be at most ${MAX_EXIT_FEE_BPS} (the market's cap), got ${exitFeeBps}`,
    );
  const terms = {
    prepaidWindow: window === undefined ? 0n : parseDuration(window, "--prepaid-window"),
    commitment: commitment === undefined ? 0n : parseDuration(commitment, "--commitment"),
    noticePeriod: notice === undefined ? 0n : parseDuration(notice, "--notice"),
    exitFeeBps,
  };
  if (commitment !== undefined && terms.commitment === 0n)
    throw usage("--commitment must be longer than 0");
  if (notice !== undefined && terms.noticePeriod === 0n)
    throw usage("--notice must be longer than 0");
  return terms;
}

/** "30 days prepaid at a time; a 90 days commitment, leaving early costs 7 days of notice" (or "no reserved terms"). */
export function describeTerms(t: ReservedTerms): string {
  const parts: string[] = [];
  if (t.prepaidWindow > 0n)
    parts.push(`rolling: ${formatDuration(t.prepaidWindow)} prepaid at a time, topped up`);
  if (t.commitment > 0n)
    parts.push(
      `a ${formatDuration(t.commitment)} commitment: leaving before it ends costs ${
        t.noticePeriod > 0n
          ? `up to ${formatDuration(t.noticePeriod)} of billed notice`
          : `${Number(t.exitFeeBps) / 100}% of the remaining committed value`
      }`,
    );
  return parts.length > 0 ? parts.join("; ") : "no reserved terms (prepaid in full, no commitment)";
}

/** The lines the buyer reads before signing: deposit, exit terms, what is escrowed for the exit, the penalty. */
export function quoteLines(q: LeaseQuote, token: TokenDisplay): string[] {
  const amount = (v: bigint) => formatTokenAmount(v, token);
  const gpus = `${q.units}× ${q.gpusPerUnit} GPUs at ${amount(q.pricePerGpuHour)}/GPU-hour`;
  return [
    q.funded === undefined
      ? `Deposit ${amount(q.deposit)} for ${gpus} over ${formatDuration(q.duration)}`
      : `Deposit ${amount(q.deposit)} for ${gpus}: ${formatDuration(q.funded)} prepaid of a ${formatDuration(q.duration)} term${q.exitEscrow > 0n ? `, with ${amount(q.exitEscrow)} escrowed for the exit terms` : ""}`,
    `Terms: ${describeTerms(q.terms)}`,
    `If the provider fails the lease you get a penalty of ${amount(q.penalty)} from its bond`,
  ];
}

/** The quote's fields a --json result carries. */
export const quoteJson = (q: LeaseQuote) => ({
  deposit: q.deposit,
  funded: q.funded ?? null,
  term: q.funded === undefined ? null : q.duration,
  terms: q.terms,
  exitEscrow: q.exitEscrow,
  penalty: q.penalty,
});
