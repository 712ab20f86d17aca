/** Payment-token metadata for indexer rows, which carry only the token's address. */
import { getAddress, type Address } from "viem";
import type { TokenDisplay } from "@gridlease/sdk";
import type { Context } from "./context.ts";

/** A token as the indexer commands show it: the SDK's display data and its address. */
export type Token = Required<Pick<TokenDisplay, "symbol" | "decimals">> & { address: Address };

/** Token metadata by address (any case), read from the chain once per token. */
export function tokenBook(connect: () => Promise<Context>): (address: string) => Promise<Token> {
  const cache = new Map<string, Promise<Token>>();
  return (address) => {
    const key = address.toLowerCase();
    let found = cache.get(key);
    if (!found) {
      found = connect().then(async (c) => {
        const t = await c.token(getAddress(address));
        return { address: getAddress(address), symbol: t.symbol, decimals: t.decimals };
      });
      cache.set(key, found);
    }
    return found;
  };
}
