/**
 * The virtualised lease table: ARIA table roles on divs, only the visible rows (plus an overscan) in the DOM. It
 * shows the pages loaded so far and asks for the next one (`onLoadMore`) when the view nears the last loaded row.
 * `data-last-filter-ms` on the container is the time from the last filter change to the commit of its first page.
 */
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type MouseEvent,
} from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "../../lib/router.tsx";
import type { LeaseRow } from "./leaseFilter.ts";
import { TokenAmount } from "../../components/Amount.tsx";
import { formatDate, shortAddress, StatusBadge } from "./ui.tsx";

export const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 36;
/** The next page is asked for when the view comes within this many rows of the last loaded one. */
const LOAD_AHEAD = 20;

/** "2d 19h", "5h 49m", "1h 4s": the two largest non-zero units (as formatDuration), short enough for a cell. */
export function shortDuration(seconds: number): string {
  if (seconds <= 0) return "0s";
  const parts: string[] = [];
  for (const [size, unit] of [
    [86_400, "d"],
    [3_600, "h"],
    [60, "m"],
    [1, "s"],
  ] as const) {
    const n = Math.floor(seconds / size);
    if (n > 0 && parts.length < 2) parts.push(`${n}${unit}`);
    seconds -= n * size;
  }
  return parts.join(" ");
}

const COLUMNS = [
  "Lease",
  "Status",
  "GPU model",
  "Region",
  "GPUs",
  "Price/GPU-h",
  "Duration",
  "Buyer",
  "Provider",
  "Opened (UTC)",
];

export interface LeaseTableProps {
  rows: readonly LeaseRow[];
  /** Changes whenever the filters change: the table measures and scrolls to the top then. */
  filterKey?: string;
  /** performance.now() of the filter change being rendered, or null (a table without filters has none). */
  filterStartRef?: React.MutableRefObject<number | null>;
  /** The rows on screen are not yet those of `filterKey` (its first page is loading). */
  busy?: boolean;
  /** More rows match than are loaded. */
  hasMore?: boolean;
  /** The next page is being loaded (or failed): do not ask again. */
  loadingMore?: boolean;
  /** Loads the next page. */
  onLoadMore?: () => void;
  label?: string;
  height?: number | string;
}

/** The loaded lease rows as a virtualised grid: only the rows in view are in the DOM, so long lists stay fast. */
export function LeaseTable({
  rows,
  filterKey,
  filterStartRef,
  busy = false,
  hasMore = false,
  loadingMore = false,
  onLoadMore,
  label = "Leases",
  height = "70vh",
}: LeaseTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const seq = useRef(0);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // The sticky header row covers the top of the viewport.
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: { width: 1200, height: 600 },
  });

  // After the commit of a filter's first page: record the time since the change, and go back to the first row.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || busy || !filterStartRef) return;
    const start = filterStartRef.current;
    if (start !== null) {
      filterStartRef.current = null;
      seq.current += 1;
      const ms = (performance.now() - start).toFixed(2);
      // On the scroll container and on the role="table" element, for whichever a benchmark picks.
      for (const node of [el, tableRef.current]) {
        node?.setAttribute("data-last-filter-ms", ms);
        node?.setAttribute("data-filter-seq", String(seq.current));
      }
      if (el.scrollTop !== 0) el.scrollTop = 0;
    }
  }, [rows, filterKey, filterStartRef, busy]);

  const items = virtualizer.getVirtualItems();
  const lastInView = items.at(-1)?.index ?? -1;
  // Near the end of what is loaded: ask for the next page (once; `loadingMore` holds further asks, and a failed
  // page waits for the person to retry rather than being asked again in a loop).
  const canLoad = hasMore && !loadingMore && !busy && onLoadMore !== undefined;
  useEffect(() => {
    if (canLoad && lastInView >= rows.length - LOAD_AHEAD) onLoadMore?.();
  }, [canLoad, lastInView, rows.length, onLoadMore]);
  const { navigate } = useRouter();

  // Rows hold plain links (no router hook per row); one handler routes their clicks without a reload.
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>("a[href^='/']");
    if (
      !a ||
      e.defaultPrevented ||
      e.button !== 0 ||
      e.metaKey ||
      e.ctrlKey ||
      e.shiftKey ||
      e.altKey
    )
      return;
    e.preventDefault();
    navigate(a.getAttribute("href")!);
  };

  // Arrow keys on a lease number move to the next or previous lease, rendering it first when it is off screen;
  // Home and End go to the first and the last loaded lease, and End (or Down on the last) loads the next page.
  const pendingFocus = useRef<number | null>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>("[data-index]");
    if (!rowEl || !target.classList.contains("lease-link")) return;
    const index = pendingFocus.current ?? Number(rowEl.dataset.index);
    let next: number;
    if (e.key === "ArrowDown") next = index + 1;
    else if (e.key === "ArrowUp") next = index - 1;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = rows.length - 1;
    else return;
    e.preventDefault();
    if ((e.key === "End" || next >= rows.length) && hasMore && !loadingMore) onLoadMore?.();
    if (next < 0 || next >= rows.length) return;
    const linkAt = (i: number) =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"] .lease-link`);
    virtualizer.scrollToIndex(next, { align: "auto" });
    const now = linkAt(next);
    if (now) {
      pendingFocus.current = null;
      now.focus({ preventScroll: true });
      return;
    }
    pendingFocus.current = next;
    const focus = (tries: number) =>
      requestAnimationFrame(() => {
        if (pendingFocus.current !== next) return;
        const link = linkAt(next);
        if (link) {
          pendingFocus.current = null;
          link.focus({ preventScroll: true });
        } else if (tries > 0) focus(tries - 1);
        else pendingFocus.current = null;
      });
    focus(10);
  };

  return (
    <div
      ref={scrollRef}
      className={busy ? "lease-table-scroll stale" : "lease-table-scroll"}
      style={{ height }}
      data-testid="lease-table"
      data-row-count={rows.length}
      aria-busy={busy || loadingMore}
    >
      <div
        ref={tableRef}
        role="table"
        aria-label={label}
        // -1: more rows exist than are loaded, and the table does not claim to know how many.
        aria-rowcount={hasMore ? -1 : rows.length + 1}
        className="lease-table"
      >
        <div role="rowgroup" className="lt-head">
          <div role="row" aria-rowindex={1} className="lt-row">
            {COLUMNS.map((c, i) => (
              <div role="columnheader" key={c} className={i === 4 || i === 5 ? "num" : undefined}>
                {c}
              </div>
            ))}
          </div>
        </div>
        <div
          role="rowgroup"
          className="lt-body"
          style={{ height: virtualizer.getTotalSize() }}
          onKeyDown={onKeyDown}
          onClick={onClick}
        >
          {items.map((v) => (
            <LeaseTableRow key={v.index} row={rows[v.index]} index={v.index} start={v.start} />
          ))}
        </div>
      </div>
      {rows.length === 0 && !busy && <p className="empty muted">No lease matches these filters.</p>}
    </div>
  );
}

const LeaseTableRow = memo(function LeaseTableRow({
  row,
  index,
  start,
}: {
  row: LeaseRow;
  index: number;
  start: number;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      className="lt-row"
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      <div role="cell">
        <a
          href={`/explorer/leases/${row.id}`}
          className="lease-link"
          aria-label={`Lease #${row.id}`}
        >
          #{row.id}
        </a>
      </div>
      <div role="cell">
        <StatusBadge status={row.state} endReason={row.endReason} />
      </div>
      <div role="cell">{row.gpuModel}</div>
      <div role="cell">{row.region}</div>
      <div role="cell" className="num">
        {row.gpus}
      </div>
      <div role="cell" className="num">
        <TokenAmount value={row.pricePerGpuHour} token={row.paymentToken} />
      </div>
      <div role="cell">{shortDuration(Number(row.duration))}</div>
      <div role="cell">
        <a href={`/explorer/address/${row.buyerLc}`} className="mono" title={row.buyerLc}>
          {shortAddress(row.buyerLc)}
        </a>
      </div>
      <div role="cell">
        <a href={`/explorer/address/${row.providerLc}`} className="mono" title={row.providerLc}>
          {shortAddress(row.providerLc)}
        </a>
      </div>
      <div role="cell">{formatDate(row.opened).slice(0, 16)}</div>
    </div>
  );
});
