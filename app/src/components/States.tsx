import type { ReactNode } from "react";
import { useChainId, useChains, useSwitchChain } from "wagmi";
import { isIndexerDown } from "../lib/indexer.ts";
import { addressesOn } from "../lib/gridlease.ts";

/** What a page shows while its data loads, when it fails, or when there is nothing. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/** A failed read in plain words (an unreachable indexer said as such), with "Try again" when it can retry. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const indexerDown = isIndexerDown(error);
  return (
    <div className="callout callout-error" role="alert">
      <strong>{indexerDown ? "The indexer is unreachable" : "Something went wrong"}</strong>
      <p>
        {error instanceof Error ? error.message : String(error)}
        {indexerDown &&
          " Explorer data and track records are unavailable until it is back; on-chain actions still work."}
      </p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An empty list, said in words. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty muted">{children}</p>;
}

/** The selected network has no Gridlease deployment: say so and offer the way back. */
export function NotDeployed() {
  const chainId = useChainId();
  const chains = useChains();
  const { switchChain, isPending } = useSwitchChain();
  const here = chains.find((c) => c.id === chainId)?.name ?? `chain ${chainId}`;
  const home = chains.find((c) => addressesOn(c.id));
  return (
    <div className="callout callout-warn" role="alert">
      <strong>Gridlease is not deployed on {here}</strong>
      <p>
        There are no Gridlease contracts on this network yet, so there is nothing to show or sign
        here.
        {home ? ` The market runs on ${home.name}.` : ""}
      </p>
      {home && (
        <button
          type="button"
          className="button"
          disabled={isPending}
          onClick={() => switchChain({ chainId: home.id })}
        >
          Switch to {home.name}
        </button>
      )}
    </div>
  );
}
