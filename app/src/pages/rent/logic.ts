/**
 * The rent form as pure functions: checking what the buyer typed against the offer's on-chain terms before anything
 * is sent, and the cost breakdown (deposit, fee, provider share, refunds when stopped early) from the SDK's lease
 * math, which mirrors the contract to the base unit.
 */
import { formatUnits, parseUnits } from "viem";
import {
  cost,
  formatDuration,
  formatTokenAmount,
  settle,
  type LeaseTerms,
  type TokenDisplay,
} from "@gridlease/sdk";

export interface RentInput {
  servers: string;
  hours: string;
  maxPrice: string;
}

/** What the form is checked against: the offer as read from the chain now, the token, the buyer's balance. */
export interface RentContext {
  unitsAvailable: bigint;
  gpusPerUnit: bigint;
  /** Seconds. */
  minDuration: bigint;
  maxDuration: bigint;
  pricePerGpuHour: bigint;
  token: TokenDisplay;
  /** The buyer's balance of the payment token; undefined without a wallet (not checked). */
  balance?: bigint;
}

export interface RentErrors {
  servers?: string;
  hours?: string;
  maxPrice?: string;
  balance?: string;
}

export interface RentValues {
  units: bigint;
  /** Seconds. */
  duration: bigint;
  maxPricePerGpuHour: bigint;
  /** Escrowed at the current price. */
  deposit: bigint;
  /** The deposit at the buyer's maximum price: what an approval or permit must cover. */
  maxDeposit: bigint;
}

/** Servers and duration, when both are valid: enough to price the lease even if another field is not. */
export interface RentSize {
  units: bigint;
  duration: bigint;
}

export type RentCheck =
  | { ok: true; errors: RentErrors; values: RentValues; size: RentSize }
  | { ok: false; errors: RentErrors; values?: undefined; size?: RentSize };

const WHOLE = /^\d+$/;

/** Whole hours the offer accepts: from its minimum (rounded up) to its maximum (rounded down). */
export function hourBounds(minDuration: bigint, maxDuration: bigint) {
  const min = (minDuration + 3599n) / 3600n;
  return { min: min < 1n ? 1n : min, max: maxDuration / 3600n };
}

/** Parses a decimal amount of a token ("2.5") to base units; undefined when malformed or too precise. */
export function parseAmount(value: string, decimals: number): bigint | undefined {
  const v = value.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m || (m[2] && m[2].length > decimals)) return undefined;
  return parseUnits(v, decimals);
}

/** The price as the form shows it by default: the plain decimal, no symbol ("2.1"). */
export const priceInput = (price: bigint, decimals: number) => formatUnits(price, decimals);

/** Checks the form; every message says what to enter instead. */
export function validateRent(input: RentInput, ctx: RentContext): RentCheck {
  const errors: RentErrors = {};
  const fmt = (v: bigint) => formatTokenAmount(v, ctx.token);

  let units: bigint | undefined;
  const servers = input.servers.trim();
  if (!WHOLE.test(servers)) errors.servers = "Enter a whole number of servers, like 1 or 4.";
  else {
    units = BigInt(servers);
    if (ctx.unitsAvailable === 0n) errors.servers = "No server is free on this offer right now.";
    else if (units < 1n || units > ctx.unitsAvailable)
      errors.servers = `Choose from 1 to ${ctx.unitsAvailable} server${ctx.unitsAvailable === 1n ? "" : "s"} (that many are free).`;
  }

  let duration: bigint | undefined;
  const hours = input.hours.trim();
  const bounds = hourBounds(ctx.minDuration, ctx.maxDuration);
  const range = `${formatDuration(ctx.minDuration)} to ${formatDuration(ctx.maxDuration)}`;
  if (!WHOLE.test(hours)) errors.hours = "Enter a whole number of hours, like 24.";
  else if (bounds.max < bounds.min)
    errors.hours = `This offer takes ${range}, which no whole number of hours fits.`;
  else {
    const h = BigInt(hours);
    if (h < bounds.min || h > bounds.max)
      errors.hours = `The provider accepts ${range}: enter ${bounds.min} to ${bounds.max.toLocaleString()} hours.`;
    else duration = h * 3600n;
  }

  const maxPrice = parseAmount(input.maxPrice, ctx.token.decimals);
  if (maxPrice === undefined)
    errors.maxPrice = `Enter a price in ${ctx.token.symbol} with at most ${ctx.token.decimals} decimals, like ${priceInput(ctx.pricePerGpuHour, ctx.token.decimals)}.`;
  else if (maxPrice < ctx.pricePerGpuHour)
    errors.maxPrice = `The current price is ${fmt(ctx.pricePerGpuHour)} per GPU-hour: your maximum must be at least that.`;

  const size =
    !errors.servers && !errors.hours && units !== undefined && duration !== undefined
      ? { units, duration }
      : undefined;
  if (!size || errors.maxPrice || maxPrice === undefined) return { ok: false, errors, size };

  const gpus = size.units * ctx.gpusPerUnit;
  const deposit = cost(ctx.pricePerGpuHour, gpus, size.duration);
  const maxDeposit = cost(maxPrice, gpus, size.duration);
  if (ctx.balance !== undefined && ctx.balance < deposit)
    errors.balance = `Insufficient balance: you have ${fmt(ctx.balance)}, the deposit is ${fmt(deposit)}.`;
  if (errors.balance) return { ok: false, errors, size };
  return {
    ok: true,
    errors,
    size,
    values: { ...size, maxPricePerGpuHour: maxPrice, deposit, maxDeposit },
  };
}

export interface RefundRow {
  /** Share of the term used, in percent. */
  percent: number;
  usedSeconds: bigint;
  refund: bigint;
  toProvider: bigint;
  fee: bigint;
}

export interface CostBreakdown {
  gpus: bigint;
  deposit: bigint;
  /** If the lease runs its full term. */
  fee: bigint;
  toProvider: bigint;
  /** Cost of one hour of the whole lease. */
  perHour: bigint;
  refunds: RefundRow[];
}

/** Deposit, fee, provider share and the refunds if stopped after 25, 50 and 75% of the term (SDK lease math). */
export function costBreakdown(
  terms: LeaseTerms,
  percents: readonly number[] = [25, 50, 75],
): CostBreakdown {
  const full = settle(terms, terms.duration);
  const gpus = terms.gpusPerUnit * terms.units;
  return {
    gpus,
    deposit: full.deposit,
    fee: full.fee,
    toProvider: full.toProvider,
    perHour: cost(terms.pricePerGpuHour, gpus, 3600n),
    refunds: percents.map((percent) => {
      const usedSeconds = (terms.duration * BigInt(percent)) / 100n;
      const s = settle(terms, usedSeconds);
      return { percent, usedSeconds, refund: s.refund, toProvider: s.toProvider, fee: s.fee };
    }),
  };
}
