import type { ReactNode } from "react";
import { IndexerError } from "../lib/indexer.ts";

/** What a page shows while its data loads, when it fails, or when there is nothing. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const indexerDown = error instanceof IndexerError && error.kind === "unreachable";
  return (
    <div className="callout callout-error" role="alert">
      <strong>{indexerDown ? "The indexer is unreachable" : "Something went wrong"}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty muted">{children}</p>;
}
