import { useQuery } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import { useAccount, useChainId, useChains, usePublicClient, useWalletClient } from "wagmi";
import {
  getTokenInfo,
  gridleaseAddresses,
  gridleaseChainIds,
  type SignerClient,
  type TokenDisplay,
} from "@gridlease/sdk";

export interface GridleaseAddressBook {
  market: Address;
  grid: Address;
  usd?: Address;
  policy?: Address;
}

/** The Gridlease contracts on a chain, or undefined where it is not deployed. */
export function addressesOn(chainId: number): GridleaseAddressBook | undefined {
  if (!gridleaseChainIds().includes(chainId)) return undefined;
  return gridleaseAddresses(chainId);
}

/** The chain the app is on (the wallet's when connected), and the contracts there. */
export function useGridlease() {
  const chainId = useChainId();
  const chains = useChains();
  const { address, isConnected, chainId: walletChainId } = useAccount();
  const chain = chains.find((c) => c.id === chainId);
  const addresses = addressesOn(chainId);
  return {
    chainId,
    chain,
    addresses,
    account: address,
    isConnected,
    /** The wallet is on a chain the app does not support. */
    wrongChain:
      isConnected && walletChainId !== undefined && !chains.some((c) => c.id === walletChainId),
  };
}

/** The connected wallet as the SDK's signer, when a wallet is connected on a supported chain. */
export function useSigner(): SignerClient | undefined {
  const { data } = useWalletClient();
  return (data as unknown as SignerClient) ?? undefined;
}

export interface TokenInfo extends TokenDisplay {
  address: Address;
  name: string;
  /** A USD stablecoin: amounts show as dollars. */
  isUsd: boolean;
}

const USD_SYMBOL = /^t?(USD[A-Z]?|USD₮|DAI|PYUSD)$/i;

/** Symbol and decimals of a token, read once from the chain and cached. */
export function useTokenInfo(token: Address | undefined) {
  const client = usePublicClient();
  return useQuery({
    queryKey: ["token", client?.chain.id, token?.toLowerCase()],
    enabled: !!client && !!token,
    staleTime: Infinity,
    queryFn: async (): Promise<TokenInfo> => {
      const info = await getTokenInfo(client as never, token!);
      return { ...info, isUsd: USD_SYMBOL.test(info.symbol) };
    },
  });
}

/** Where to look a transaction up: the chain's block explorer, or this app's explorer on the local chain. */
export function txUrl(chainId: number, hash: Hex): string {
  if (chainId === 84532) return `https://sepolia.basescan.org/tx/${hash}`;
  return `/explorer/search?q=${hash}`;
}

export function addressUrl(address: string): string {
  return `/explorer/address/${address.toLowerCase()}`;
}
