/** Conversions of the indexer's JSON values (uint256 as decimal strings, addresses as hex) shared by the row mappers. */
import type { Address } from "viem";

/** A decimal string (or a JSON number) as a bigint. */
export const big = (v: string | number): bigint => BigInt(v);
/** A nullable column as a bigint or null. */
export const optBig = (v: string | number | null | undefined): bigint | null =>
  v === null || v === undefined ? null : BigInt(v);
/** An address as the indexer stores it (lowercase). */
export const addr = (v: string): Address => v.toLowerCase() as Address;
