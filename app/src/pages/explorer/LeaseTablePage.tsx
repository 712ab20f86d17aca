import { useEffect, useMemo, useRef, useState } from "react";
import {
  GPU_MODELS,
  REGIONS,
  endReasonLabel,
  gpuModelLabel,
  regionLabel,
  type EndReasonName,
} from "@gridlease/sdk";
import { SelectFilter } from "../../components/SelectFilter.tsx";
import { ErrorState } from "../../components/States.tsx";
import { useSearchParams } from "../../lib/router.tsx";
import { useAllLeases } from "./data.ts";
import { LeaseTable } from "./LeaseTable.tsx";
import {
  distinct,
  filterLeases,
  filtersFromParams,
  filtersKey,
  hasFilters,
  prepareRows,
  type LeaseFilters,
  type LeaseRow,
} from "./leaseFilter.ts";
import { ExplorerHeader } from "./ui.tsx";

const STATUSES: [string, string][] = [
  ["Pending", "Pending (all)"],
  ["ActivationOverdue", "Pending, activation overdue"],
  ["Active", "Active (all)"],
  ["Expired", "Active, term over (not closed)"],
  ["Ended", "Ended"],
];
const END_REASONS: EndReasonName[] = [
  "Expired",
  "BuyerTerminated",
  "ProviderTerminated",
  "NoShowCancelled",
  "OutageUnresolved",
];
const EMPTY: LeaseRow[] = [];

/** Known codes first (in their listed order), then any other value the data holds. */
const withKnown = (known: readonly string[], present: readonly string[]) => [
  ...known,
  ...present.filter((v) => !known.includes(v)),
];

/** `/explorer/leases`: every lease in a virtualised table, filtered by the query string. */
export default function LeaseTablePage(_: { params: Record<string, string> }) {
  const leases = useAllLeases();
  const rows = useMemo(() => (leases.data ? prepareRows(leases.data) : EMPTY), [leases.data]);
  const [params, setParams] = useSearchParams();
  const urlKey = filtersKey(filtersFromParams(params));
  // The filters live in the page's state, so a change renders only this page; the address bar follows right
  // after the commit (typing: after a short pause), and a new URL from outside (back, a link) resets them.
  const [f, setF] = useState<LeaseFilters>(() => filtersFromParams(params));
  const written = useRef(urlKey);
  useEffect(() => {
    if (urlKey === written.current) return;
    written.current = urlKey;
    setF(filtersFromParams(new URLSearchParams(window.location.search)));
  }, [urlKey]);
  const urlTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(urlTimer.current), []);

  const filterKey = filtersKey(f);
  // `f` changes only when a filter does (setF), so the 10,000-row pass runs once per change.
  const filtered = useMemo(() => filterLeases(rows, f), [rows, f]);
  const filterStart = useRef<number | null>(null);
  const models = useMemo(
    () => withKnown(Object.keys(GPU_MODELS), distinct(rows, "gpuModel")),
    [rows],
  );
  const regions = useMemo(() => withKnown(Object.keys(REGIONS), distinct(rows, "region")), [rows]);

  const change = (patch: Partial<LeaseFilters>) => {
    filterStart.current = performance.now();
    const next = { ...f, ...patch };
    setF(next);
    clearTimeout(urlTimer.current);
    urlTimer.current = setTimeout(
      () => {
        written.current = filtersKey(next);
        setParams({
          gpu: next.gpu,
          region: next.region,
          status: next.status,
          reason: next.reason,
          address: next.address,
        });
      },
      "address" in patch ? 250 : 0,
    );
  };

  return (
    <section className="explorer">
      <ExplorerHeader title="All leases">
        <p className="muted">
          Every lease ever opened, newest first. Filters are kept in the address bar, so a filtered
          view can be shared.
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
          choices={models.map((m) => [m, gpuModelLabel(m)])}
          onChange={(gpu) => change({ gpu })}
        />
        <SelectFilter
          id="f-region"
          label="Region"
          value={f.region}
          anyLabel="All regions"
          choices={regions.map((r) => [r, `${regionLabel(r)} (${r})`])}
          onChange={(region) => change({ region })}
        />
        <SelectFilter
          id="f-status"
          label="Status"
          value={f.status}
          anyLabel="Any status"
          choices={STATUSES}
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
            placeholder="Buyer or provider, 0x…"
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <button
          type="button"
          className="button secondary"
          disabled={!hasFilters(f)}
          onClick={() => change({ gpu: "", region: "", status: "", reason: "", address: "" })}
        >
          Clear filters
        </button>
      </form>

      {leases.isError ? (
        <ErrorState error={leases.error} retry={() => leases.refetch()} />
      ) : leases.isPending ? (
        <LoadProgress loaded={leases.progress.loaded} total={leases.progress.total} />
      ) : (
        <>
          <p className="lease-count" role="status" aria-live="polite" data-testid="lease-count">
            <strong>{filtered.length.toLocaleString("en-US")}</strong> of{" "}
            {rows.length.toLocaleString("en-US")} leases
            {leases.isFetching && <span className="muted"> · refreshing…</span>}
          </p>
          <LeaseTable rows={filtered} filterKey={filterKey} filterStartRef={filterStart} />
          <p className="muted small">
            Use Tab to move through the links of a row, and the up and down arrow keys on a lease
            number to move between leases.
          </p>
        </>
      )}
    </section>
  );
}

function LoadProgress({ loaded, total }: { loaded: number; total?: number }) {
  return (
    <div className="load-progress" role="status" aria-live="polite">
      <label htmlFor="lease-load-progress">
        Loading leases… {loaded.toLocaleString("en-US")}
        {total !== undefined ? ` of ${total.toLocaleString("en-US")}` : ""}
      </label>
      <progress
        id="lease-load-progress"
        max={total ?? undefined}
        value={total ? loaded : undefined}
      />
    </div>
  );
}
