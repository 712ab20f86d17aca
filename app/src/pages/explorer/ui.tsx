/** Small pieces the explorer pages share: addresses, status, times, the search box. */
import { useState, type FormEvent } from "react";
import { endReasonShortLabel, endReasonText, leaseStatusShortLabel } from "@gridlease/sdk";
import { Link, useRouter } from "../../lib/router.tsx";
import { classifySearch, searchDestination, searchUrl } from "./search.ts";
import "./explorer.css";

/** "0x7099…79c8". */
export const shortAddress = (a: string) => (a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);

/** An address linking to its explorer page; the full address is its accessible name and title. */
export function AddressLink({ address, full }: { address: string; full?: boolean }) {
  const a = address.toLowerCase();
  return (
    <Link to={`/explorer/address/${a}`} className="mono" title={a}>
      {full ? a : shortAddress(a)}
    </Link>
  );
}

/** "2026-11-20 14:03 UTC" from unix seconds. */
export function formatDate(
  unix: string | number | bigint | null | undefined,
  seconds = false,
): string {
  if (unix === null || unix === undefined) return "—";
  const iso = new Date(Number(unix) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)} UTC`;
}

/** GPU-seconds as GPU-hours with at most one decimal ("1,234.5"). */
export const gpuHours = (gpuSeconds: string | bigint | number) =>
  (Number(gpuSeconds) / 3600).toLocaleString("en-US", { maximumFractionDigits: 1 });

/** Status badge (indexer or derived status), with the end reason once ended. */
export function StatusBadge({ status, endReason }: { status: string; endReason?: string }) {
  const ended = status === "Ended" && endReason && endReason !== "None";
  return (
    <span
      className={`badge badge-${status} ${ended ? `reason-${endReason}` : ""}`}
      title={ended ? endReasonText(endReason) : undefined}
    >
      {ended ? `Ended · ${endReasonShortLabel(endReason)}` : leaseStatusShortLabel(status)}
    </span>
  );
}

/** The explorer's search box: a lease id or an address goes straight to its page, anything else to the search page. */
export function SearchBox({ initial = "" }: { initial?: string }) {
  const { navigate } = useRouter();
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const target = classifySearch(q);
    if (target.kind === "empty") return;
    navigate(searchDestination(target) ?? searchUrl(q));
  };
  return (
    <form role="search" aria-label="Explorer search" className="explorer-search" onSubmit={submit}>
      <label htmlFor="explorer-search-input" className="sr-only">
        Search by lease id, address or transaction hash
      </label>
      <input
        id="explorer-search-input"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Lease id, 0x address or 0x transaction hash"
        spellCheck={false}
        autoComplete="off"
      />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

/** The explorer's tabs. */
const NAV = [
  ["/explorer", "Overview"],
  ["/explorer/leases", "All leases"],
  ["/explorer/offers", "Offers"],
  ["/explorer/providers", "Providers"],
  ["/explorer/buyers", "Buyers"],
] as const;

/** Sub-navigation of the explorer with the search box. */
export function ExplorerHeader({
  title,
  children,
  searchInitial,
}: {
  title: string;
  children?: React.ReactNode;
  searchInitial?: string;
}) {
  const { pathname } = useRouter();
  return (
    <div className="explorer-header">
      <div>
        <nav aria-label="Explorer" className="explorer-nav">
          {NAV.map(([to, text]) => (
            <Link key={to} to={to} aria-current={pathname === to ? "page" : undefined}>
              {text}
            </Link>
          ))}
        </nav>
        <h1>{title}</h1>
        {children}
      </div>
      <SearchBox initial={searchInitial} />
    </div>
  );
}
