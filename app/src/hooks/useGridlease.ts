/** The chain the app is on, the Gridlease contracts there, and the clients the SDK's actions take. */
import { useAccount, useChainId, useChains, usePublicClient, useWalletClient } from "wagmi";
import type { ReadClient, SignerClient } from "@gridlease/sdk";
import { addressesOn } from "../lib/gridlease.ts";

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

/**
 * The public client of the app's chain as the SDK's `ReadClient`. wagmi types its client as a union over the
 * configured chains, which viem's generic actions (`readContract`, `getBlock`) cannot infer a chain from; widened
 * to the SDK's type once here, every read in the app takes it as is.
 */
export function useReadClient(): ReadClient | undefined {
  return usePublicClient();
}

/** The connected wallet as the SDK's signer, when a wallet is connected on a supported chain. */
export function useSigner(): SignerClient | undefined {
  return useWalletClient().data;
}
