/** Token amounts typed by people, read as base units (shared by the provider and buyer pages). */
import { parseUnits } from "viem";

/** A decimal token amount typed by a person, as base units; an error message when it is not one. */
export function parseAmount(
  input: string,
  decimals: number,
  opts: { allowZero?: boolean; max?: bigint; maxMessage?: string } = {},
): { value: bigint } | { error: string } {
  const text = input.trim().replace(/,/g, "");
  if (text === "") return { error: "Enter an amount." };
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: "Enter a positive number, e.g. 1.5." };
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals) return { error: `At most ${decimals} decimal places.` };
  const value = parseUnits(text, decimals);
  if (value === 0n && !opts.allowZero) return { error: "Must be more than 0." };
  if (opts.max !== undefined && value > opts.max) return { error: opts.maxMessage ?? "Too large." };
  return { value };
}
