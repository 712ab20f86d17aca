/**
 * One typed read hook per Gridlease contract, keyed by function name (Scaffold-ETH 2's `useScaffoldReadContract`
 * habit): the ABI and the address come from the SDK, so a page passes `{ functionName, args }` and gets the
 * function's return type, with no ABI, no client and no cast in sight.
 */
import { useQuery } from "@tanstack/react-query";
import type {
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
  ReadContractReturnType,
} from "viem";
import { readContract } from "viem/actions";
import { gridleaseMarketAbi, gridleaseTokenAbi } from "@gridlease/sdk";
import { useGridlease, useReadClient } from "./useGridlease.ts";

type MarketAbi = typeof gridleaseMarketAbi;
type TokenAbi = typeof gridleaseTokenAbi;
type View = "pure" | "view";

/** How often and whether to read (TanStack Query's options that make sense for a contract read). */
export interface ReadOptions {
  enabled?: boolean;
  refetchInterval?: number;
  staleTime?: number;
}

/** Query keys hold no bigint (TanStack hashes keys with JSON.stringify). */
const keyOf = (args: unknown): string[] => (Array.isArray(args) ? args.map((a) => String(a)) : []);

/** Every contract read of this hook family starts its query key with this, for invalidation after a write. */
export const CONTRACT_READ_KEY = "contract-read";

/** A view function of the market on the app's chain: `useMarketRead({ functionName: "feeBps" })`. */
export function useMarketRead<
  const N extends ContractFunctionName<MarketAbi, View>,
  const A extends ContractFunctionArgs<MarketAbi, View, N>,
>(p: { functionName: N; args?: A } & ReadOptions) {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: [CONTRACT_READ_KEY, chainId, market, p.functionName, ...keyOf(p.args)],
    enabled: !!client && !!market && (p.enabled ?? true),
    refetchInterval: p.refetchInterval,
    staleTime: p.staleTime,
    queryFn: (): Promise<ReadContractReturnType<MarketAbi, N, A>> =>
      readContract(client!, {
        address: market!,
        abi: gridleaseMarketAbi,
        functionName: p.functionName,
        args: p.args,
      }),
  });
}

/** A view function of an ERC-20 payment or bond token: `useTokenRead(token, { functionName: "balanceOf", args })`. */
export function useTokenRead<
  const N extends ContractFunctionName<TokenAbi, View>,
  const A extends ContractFunctionArgs<TokenAbi, View, N>,
>(token: Address | undefined, p: { functionName: N; args?: A } & ReadOptions) {
  const client = useReadClient();
  const { chainId } = useGridlease();
  return useQuery({
    queryKey: [CONTRACT_READ_KEY, chainId, token?.toLowerCase(), p.functionName, ...keyOf(p.args)],
    enabled: !!client && !!token && (p.enabled ?? true),
    refetchInterval: p.refetchInterval,
    staleTime: p.staleTime,
    queryFn: (): Promise<ReadContractReturnType<TokenAbi, N, A>> =>
      readContract(client!, {
        address: token!,
        abi: gridleaseTokenAbi,
        functionName: p.functionName,
        args: p.args,
      }),
  });
}
