/** What a paged explorer list says about itself: the total, how much is loaded, and how to load more. */
import { ErrorState } from "../../components/States.tsx";

/**
 * `fetchNextPage`'s options for every caller: a second ask while the next page loads (a scroll and End at once)
 * joins the request in flight instead of cancelling it and asking again.
 */
export const ONE_AT_A_TIME = { cancelRefetch: false } as const;

/** The parts of a TanStack infinite query a paged list's footer reads. */
export interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: (opts: typeof ONE_AT_A_TIME) => unknown;
}

/**
 * "1,000,000 leases · 100 loaded", or "at least 10,000 leases" when the indexer's total is a bound (it counts from
 * its aggregates; the browser never counts rows).
 */
export function TotalCount({
  total,
  loaded,
  refreshing,
  noun = "leases",
}: {
  total: { data?: { total: number; exact: boolean }; isError: boolean };
  loaded: number;
  refreshing?: boolean;
  noun?: string;
}) {
  const t = total.data;
  return (
    <p className="lease-count" role="status" aria-live="polite" data-testid="lease-count">
      {t ? (
        <>
          {t.exact ? "" : "at least "}
          <strong>{t.total.toLocaleString("en-US")}</strong> {noun}
        </>
      ) : total.isError ? (
        <>the total is not available</>
      ) : (
        <>counting {noun}…</>
      )}{" "}
      · {loaded.toLocaleString("en-US")} loaded
      {refreshing && <span className="muted"> · refreshing…</span>}
    </p>
  );
}

/**
 * Under a paged list: what is loaded, what scrolling does (`scrollbar`: the list loads the next page when scrolled
 * to its end), a button for the next page, and the next page's error with a retry.
 */
export function LoadedNote({
  loaded,
  pageSize,
  noun,
  scrollbar = false,
  query,
}: {
  loaded: number;
  pageSize: number;
  noun: string;
  scrollbar?: boolean;
  query: PagedQuery;
}) {
  const n = loaded.toLocaleString("en-US");
  if (query.isFetchNextPageError)
    return <ErrorState error={query.error} retry={() => void query.fetchNextPage(ONE_AT_A_TIME)} />;
  if (!query.hasNextPage)
    return loaded === 0 ? null : (
      <p className="muted small" data-testid="loaded-note">
        All {n} matching {noun} are loaded.
      </p>
    );
  return (
    <div className="loaded-note">
      <p className="muted small" data-testid="loaded-note">
        {scrollbar
          ? `The scrollbar covers the ${n} ${noun} loaded so far; scrolling to the end loads the next ${pageSize}.`
          : `Showing the first ${n} ${noun}.`}
      </p>
      <button
        type="button"
        className="button secondary"
        disabled={query.isFetchingNextPage}
        onClick={() => void query.fetchNextPage(ONE_AT_A_TIME)}
      >
        {query.isFetchingNextPage ? `Loading the next ${pageSize}…` : `Load the next ${pageSize}`}
      </button>
    </div>
  );
}
