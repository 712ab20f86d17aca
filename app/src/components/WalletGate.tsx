import type { ReactNode } from "react";
import { useAccount, useChainId, useChains, useSwitchChain } from "wagmi";
import { useGridlease } from "../hooks/useGridlease.ts";
import { NotDeployed } from "./States.tsx";

/**
 * Renders children only with a wallet connected on a chain where Gridlease is deployed; otherwise says, in plain
 * words, what is missing and offers the fix.
 */
export function WalletGate({ children, purpose }: { children: ReactNode; purpose: string }) {
  const { isConnected, chainId: walletChainId } = useAccount();
  const chains = useChains();
  const appChainId = useChainId();
  const { switchChain, isPending } = useSwitchChain();
  const { addresses, chain } = useGridlease();

  if (!isConnected)
    return (
      <div className="callout">
        <strong>Connect a wallet</strong>
        <p>You need a wallet to {purpose}. Use “Connect wallet” at the top right.</p>
      </div>
    );
  if (walletChainId !== undefined && !chains.some((c) => c.id === walletChainId))
    return (
      <div className="callout callout-warn" role="alert">
        <strong>Wrong network</strong>
        <p>
          Your wallet is on chain {walletChainId}, which Gridlease does not support. Switch to{" "}
          {chains[0].name} or Base Sepolia.
        </p>
        <button
          type="button"
          className="button"
          disabled={isPending}
          onClick={() => switchChain({ chainId: appChainId })}
        >
          Switch to {chain?.name ?? chains[0].name}
        </button>
      </div>
    );
  if (!addresses) return <NotDeployed />;
  return <>{children}</>;
}
