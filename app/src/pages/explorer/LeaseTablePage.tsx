import { useEffect, useMemo, useRef, useState } from "react";
import { endReasonLabel } from "@gridlease/sdk";
import { SelectFilter } from "../../components/SelectFilter.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { useSearchParams } from "../../lib/router.tsx";
import { LEASE_PAGE_SIZE, useLeasePages, useLeaseTotal } from "./listData.ts";
import { LeaseTable } from "./LeaseTable.tsx";
import {
  END_REASONS,
  NO_FILTERS,
  STATUS_CHOICES,
  filtersFromParams,
  filtersKey,
  hasFilters,
  leaseQueryOf,
  modelChoices,
  regionChoices,
  type LeaseFilters,
} from "./leaseFilter.ts";
import { LoadedNote, ONE_AT_A_TIME, TotalCount } from "./Paging.tsx";
import { ExplorerHeader } from "./ui.tsx";

/** Milliseconds of calm after typing in the address filter before it is applied (one request, not one a key). */
const TYPING_PAUSE_MS = 250;

/**
 * `/explorer/leases`: the leases matching the filters in the query string, newest first, one page of 100 at a time
 * from the indexer (filtered and paged on the server); scrolling near the end loads the next page.
 */
export default function LeaseTablePage(_: { params: Record<string, string> }) {
  const [params, setParams] = useSearchParams();
  const urlKey = filtersKey(filtersFromParams(params));
  // `f` is what the form shows; `applied` is what the indexer is asked (the address after a pause in typing). The
  // address bar follows `applied`, and a new URL from outside (back, a link) resets both.
  const [f, setF] = useState<LeaseFilters>(() => filtersFromParams(params));
  const [applied, setApplied] = useState<LeaseFilters>(f);
  const written = useRef(urlKey);
  useEffect(() => {
    if (urlKey === written.current) return;
    written.current = urlKey;
    const next = filtersFromParams(new URLSearchParams(window.location.search));
    setF(next);
    setApplied(next);
  }, [urlKey]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const { query, problem } = useMemo(() => leaseQueryOf(applied), [applied]);
  const leases = useLeasePages(query);
  const total = useLeaseTotal(query);
  const filterStart = useRef<number | null>(null);

  const apply = (next: LeaseFilters) => {
    if (filtersKey(next) === filtersKey(applied)) return;
    filterStart.current = performance.now();
    setApplied(next);
    written.current = filtersKey(next);
    setParams({ ...next });
  };
  const change = (patch: Partial<LeaseFilters>) => {
    const next = { ...f, ...patch };
    setF(next);
    clearTimeout(timer.current);
    if ("address" in patch) timer.current = setTimeout(() => apply(next), TYPING_PAUSE_MS);
    else apply(next);
  };

  const rows = leases.rows;
  return (
    <section className="explorer">
      <ExplorerHeader title="All leases">
        <p className="muted">
          Every lease ever opened, newest first, filtered by the indexer. Filters are kept in the
          address bar, so a filtered view can be shared.
        </p>
      </ExplorerHeader>

      <form
        className="toolbar lease-filters"
        role="search"
        aria-label="Filter leases"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectFilter
          id="f-gpu"
          label="GPU model"
          value={f.gpu}
          anyLabel="All models"
          choices={modelChoices(f.gpu)}
          onChange={(gpu) => change({ gpu })}
        />
        <SelectFilter
          id="f-region"
          label="Region"
          value={f.region}
          anyLabel="All regions"
          choices={regionChoices(f.region)}
          onChange={(region) => change({ region })}
        />
        <SelectFilter
          id="f-status"
          label="Status"
          value={f.status}
          anyLabel="Any status"
          choices={STATUS_CHOICES}
          onChange={(status) => change({ status })}
        />
        <SelectFilter
          id="f-reason"
          label="End reason"
          value={f.reason}
          anyLabel="Any end reason"
          choices={END_REASONS.map((r) => [r, endReasonLabel(r)])}
          onChange={(reason) => change({ reason })}
        />
        <div className="field field-address">
          <label htmlFor="f-address">Filter by address</label>
          <input
            id="f-address"
            type="search"
            value={f.address}
            onChange={(e) => change({ address: e.target.value })}
            placeholder="Buyer or provider: 0x and at least 4 digits"
            aria-describedby="f-address-help"
            spellCheck={false}
            autoComplete="off"
          />
          <span id="f-address-help" className="muted small">
            A full address, or its start (0x7099…).
          </span>
        </div>
        <button
          type="button"
          className="button secondary"
          disabled={!hasFilters(f)}
          onClick={() => change({ ...NO_FILTERS })}
        >
          Clear filters
        </button>
      </form>

      {problem !== undefined ? (
        <p className="callout callout-warn" role="status" data-testid="filter-problem">
          {problem}
        </p>
      ) : leases.isError && !leases.data ? (
        <ErrorState error={leases.error} retry={() => leases.refetch()} />
      ) : leases.isPending ? (
        <Loading what="leases" />
      ) : (
        <>
          <TotalCount
            total={total}
            loaded={rows.length}
            refreshing={
              leases.isPlaceholderData || (leases.isFetching && !leases.isFetchingNextPage)
            }
          />
          <LeaseTable
            rows={rows}
            filterKey={filtersKey(applied)}
            filterStartRef={filterStart}
            busy={leases.isPlaceholderData}
            hasMore={leases.hasNextPage}
            loadingMore={leases.isFetchingNextPage || leases.isFetchNextPageError}
            onLoadMore={() => void leases.fetchNextPage(ONE_AT_A_TIME)}
          />
          <LoadedNote
            loaded={rows.length}
            pageSize={LEASE_PAGE_SIZE}
            noun="leases"
            scrollbar
            query={leases}
          />
          <p className="muted small">
            On a lease number, the up and down arrow keys move between leases, Home and End go to
            the first and the last loaded lease (End also loads the next page), and Enter opens it.
          </p>
        </>
      )}
    </section>
  );
}
