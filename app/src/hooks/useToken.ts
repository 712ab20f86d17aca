/** Tokens as people see them: symbol, decimals and whether amounts show as dollars, plus the wallet's balance. */
import { useCallback } from "react";
import { useQueries, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { isAddress, zeroAddress, type Address } from "viem";
import {
  getTokenInfo,
  knownTokenDisplay,
  tokenDisplay,
  type ReadClient,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useGridlease, useReadClient } from "./useGridlease.ts";
import { useTokenRead } from "./useContractRead.ts";

/** A token's display data with the stablecoin question settled. */
export type TokenInfo = Required<TokenDisplay>;

/** One query per token and chain, shared by every hook here: GRID and test USD are known without a read. */
function tokenQuery(client: ReadClient | undefined, chainId: number, token: string | undefined) {
  const known = knownTokenDisplay(token);
  return {
    queryKey: ["token", chainId, token?.toLowerCase()],
    enabled: !!client && !!token && !known && isAddress(token),
    staleTime: Infinity,
    retry: 0,
    initialData: known,
    queryFn: async (): Promise<TokenInfo> => {
      const info = await getTokenInfo(client!, token as Address);
      return tokenDisplay(info.symbol, info.decimals);
    },
  };
}

/** Symbol and decimals of a token: the deployments' own at once, any other read once from the chain and cached. */
export function useTokenInfo(token: string | undefined) {
  const client = useReadClient();
  const { chainId } = useGridlease();
  return useQuery(tokenQuery(client, chainId, token));
}

/** The display data of several tokens at once, by lowercase address (a token still loading is missing). */
export function useTokenInfos(tokens: readonly string[]): Record<string, TokenInfo | undefined> {
  const client = useReadClient();
  const { chainId } = useGridlease();
  // One object per change of a token's data (not per render), so pages can memoise on it.
  const combine = useCallback(
    (results: UseQueryResult<TokenInfo>[]) => {
      const out: Record<string, TokenInfo | undefined> = {};
      tokens.forEach((token, i) => (out[token.toLowerCase()] = results[i]?.data));
      return out;
    },
    [tokens],
  );
  return useQueries({ queries: tokens.map((t) => tokenQuery(client, chainId, t)), combine });
}

/** The connected account's balance of a token (refreshed after transactions). */
export function useTokenBalance(token: Address | undefined) {
  const { account } = useGridlease();
  return useTokenRead(token, {
    functionName: "balanceOf",
    args: [account ?? zeroAddress],
    enabled: !!account,
  });
}
