/** Small pieces the explorer pages share: amounts, addresses, status, times, the search box. */
import { useState, type FormEvent } from "react";
import { endReasonLabel, type EndReasonName } from "@gridlease/sdk";
import { useTokenInfo } from "../../lib/gridlease.ts";
import { Link, useRouter } from "../../lib/router.tsx";
import { classifySearch, searchDestination, searchUrl } from "./search.ts";
import { formatAmount, formatExact, knownToken, type TokenDisplayInfo } from "./tokens.ts";
import "./explorer.css";

/** A payment token's display data: known deployments at once, any other token read from the chain. */
export function useToken(address: string | undefined): TokenDisplayInfo | undefined {
  const known = knownToken(address);
  const { data } = useTokenInfo(known ? undefined : (address as `0x${string}` | undefined));
  return (
    known ??
    (data ? { symbol: data.symbol, decimals: data.decimals, isUsd: data.isUsd } : undefined)
  );
}

export function Amount({
  value,
  token,
  digits,
}: {
  value: bigint | string;
  token: TokenDisplayInfo | undefined;
  digits?: number;
}) {
  return (
    <span className="num" title={formatExact(value, token)}>
      {formatAmount(value, token, { digits })}
    </span>
  );
}

/** An amount in a payment token given by address (no hook at all for the deployed tokens: cheap in long lists). */
export function TokenAmount({
  value,
  token,
  digits,
}: {
  value: bigint | string;
  token: string;
  digits?: number;
}) {
  const known = knownToken(token);
  if (known) return <Amount value={value} token={known} digits={digits} />;
  return <ChainTokenAmount value={value} token={token} digits={digits} />;
}

function ChainTokenAmount({
  value,
  token,
  digits,
}: {
  value: bigint | string;
  token: string;
  digits?: number;
}) {
  const info = useToken(token);
  return <Amount value={value} token={info} digits={digits} />;
}

export function TokenSymbol({ token }: { token: string }) {
  const info = useToken(token);
  return <span title={token}>{info?.symbol ?? shortAddress(token)}</span>;
}

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

export const gpuHours = (gpuSeconds: string | bigint | number) =>
  (Number(gpuSeconds) / 3600).toLocaleString("en-US", { maximumFractionDigits: 1 });

const REASON_SHORT: Record<string, string> = {
  Expired: "Ran full term",
  BuyerTerminated: "Buyer ended",
  ProviderTerminated: "Provider ended",
  NoShowCancelled: "No-show",
};

const STATUS_SHORT: Record<string, string> = {
  ActivationOverdue: "Activation overdue",
  Expired: "Term over",
};

/** Status badge (indexer or derived status), with the end reason once ended. */
export function StatusBadge({ status, endReason }: { status: string; endReason?: string }) {
  const ended = status === "Ended" && endReason && endReason !== "None";
  return (
    <span
      className={`badge badge-${status} ${ended ? `reason-${endReason}` : ""}`}
      title={ended ? endReasonLabel(endReason as EndReasonName) : undefined}
    >
      {ended ? `Ended · ${REASON_SHORT[endReason] ?? endReason}` : (STATUS_SHORT[status] ?? status)}
    </span>
  );
}

export function reasonText(reason: string): string {
  try {
    return endReasonLabel(reason as EndReasonName);
  } catch {
    return reason;
  }
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
          <Link to="/explorer" aria-current={pathname === "/explorer" ? "page" : undefined}>
            Overview
          </Link>
          <Link
            to="/explorer/leases"
            aria-current={pathname === "/explorer/leases" ? "page" : undefined}
          >
            All leases
          </Link>
        </nav>
        <h1>{title}</h1>
        {children}
      </div>
      <SearchBox initial={searchInitial} />
    </div>
  );
}
