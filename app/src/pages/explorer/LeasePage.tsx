import {
  endReasonText,
  formatDuration,
  gpuModelLabel,
  leaseStatusLabel,
  regionLabel,
  type TokenDisplay,
} from "@gridlease/sdk";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { Amount, TokenSymbol } from "../../components/Amount.tsx";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { txUrl } from "../../lib/gridlease.ts";
import { Link } from "../../lib/router.tsx";
import type { IndexedLeaseEvent } from "@gridlease/sdk/indexer";
import { useLease, type LeaseDetail } from "./data.ts";
import { settlementBreakdown, shares } from "./settlement.ts";
import { AddressLink, ExplorerHeader, formatDate, StatusBadge } from "./ui.tsx";
import { EventDetails } from "./EventDetails.tsx";
import { LeaseReview } from "./TrustSections.tsx";
import { LeaseReservedSection } from "./ReservedSections.tsx";

/** `/explorer/leases/:leaseId`: a lease's terms, timeline, end reason and settlement. */
export default function LeasePage({ params }: { params: Record<string, string> }) {
  const id = params.leaseId ?? "";
  const valid = /^\d+$/.test(id);
  const q = useLease(id);
  return (
    <section className="explorer">
      <ExplorerHeader title={`Lease #${id}`} />
      {!valid ? (
        <Empty>“{id}” is not a lease id: lease ids are whole numbers.</Empty>
      ) : q.isPending ? (
        <Loading what={`lease #${id}`} />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : !q.data.lease ? (
        <Empty>
          There is no lease #{id} in the index (yet).{" "}
          <Link to="/explorer/leases">Browse all leases</Link>.
        </Empty>
      ) : (
        <LeaseBody lease={q.data.lease} events={q.data.events} />
      )}
    </section>
  );
}

function LeaseBody({ lease: l, events }: { lease: LeaseDetail; events: IndexedLeaseEvent[] }) {
  const token = useTokenInfo(l.paymentToken).data;
  const now = BigInt(Math.floor(Date.now() / 1000));
  const s = settlementBreakdown(l, now);
  const statusText = s.status === "Ended" ? endReasonText(l.endReason) : leaseStatusLabel(s.status);
  return (
    <>
      <p className="lease-status">
        <StatusBadge status={s.status} endReason={l.endReason} /> <span>{statusText}</span>
      </p>
      <div className="grid-2">
        <div className="card">
          <h2>Terms</h2>
          <dl className="terms">
            <dt>Offer</dt>
            <dd>
              <Link to={`/offers/${l.offer}`}>Offer #{l.offer}</Link>
            </dd>
            <dt>Provider</dt>
            <dd>
              <AddressLink address={l.provider} full />
            </dd>
            <dt>Buyer</dt>
            <dd>
              <AddressLink address={l.buyer} full />
            </dd>
            <dt>GPU model</dt>
            <dd>{gpuModelLabel(l.gpuModel)}</dd>
            <dt>Region</dt>
            <dd>
              {regionLabel(l.region)} ({l.region})
            </dd>
            <dt>Units × GPUs per unit</dt>
            <dd>
              {l.units} × {l.gpusPerUnit} = {l.gpus} GPUs
            </dd>
            <dt>Locked price</dt>
            <dd>
              <Amount
                value={l.pricePerGpuHour}
                token={token}
                digits={token?.isUsd ? 4 : undefined}
              />{" "}
              per GPU-hour
            </dd>
            <dt>Protocol fee</dt>
            <dd>{Number(l.feeBps) / 100}% of what the provider earns</dd>
            <dt>Duration billed</dt>
            <dd>
              {formatDuration(BigInt(l.duration))}
              {l.duration !== l.initialDuration && (
                <span className="muted"> (booked {formatDuration(BigInt(l.initialDuration))})</span>
              )}
              {l.extensionCount > 0 && (
                <span className="muted"> · extended {l.extensionCount}×</span>
              )}
            </dd>
            <dt>Payment token</dt>
            <dd>
              <TokenSymbol token={l.paymentToken} />{" "}
              <span className="mono small muted">{l.paymentToken}</span>
            </dd>
            <dt>Opened</dt>
            <dd>{formatDate(l.openedAt, true)}</dd>
            <dt>Activated</dt>
            <dd>
              {l.startTime ? (
                formatDate(l.startTime, true)
              ) : (
                <span className="muted">not activated</span>
              )}
            </dd>
            <dt>{l.status === "Ended" ? "Ended" : "Ends"}</dt>
            <dd>
              {l.endTime
                ? formatDate(l.endTime, true)
                : l.startTime
                  ? formatDate(
                      BigInt(l.startTime) + BigInt(l.duration) + BigInt(l.outageDowntime ?? "0"),
                      true,
                    )
                  : `activation due by ${formatDate(l.activationDeadline, true)}`}
            </dd>
            {l.outageReports > 0 && <OutageTerms l={l} />}
            {l.closedAt && l.closedAt !== l.endTime && (
              <>
                <dt>Closed (settled)</dt>
                <dd>{formatDate(l.closedAt, true)}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="card">
          <h2>Settlement</h2>
          <SettlementView s={s} token={token} refunded={l.refunded} />
        </div>
      </div>
      <LeaseReservedSection leaseId={l.id} token={token} />
      <LeaseReview leaseId={l.id} />
      <h2>Timeline</h2>
      <Timeline events={events} token={token} />
    </>
  );
}

/** The lease's outages in its terms: reports, the open one (servers down, repair deadline), downtime not billed. */
function OutageTerms({ l }: { l: LeaseDetail }) {
  const downtime = BigInt(l.outageDowntime ?? "0");
  return (
    <>
      <dt>Outages</dt>
      <dd>
        {l.outageReports} report{l.outageReports === 1 ? "" : "s"}
        {downtime > 0n && <> · {formatDuration(downtime)} added to the end for downtime</>}
        {l.downUnitSeconds && BigInt(l.downUnitSeconds) > 0n && (
          <span className="muted">
            {" "}
            ({formatDuration(BigInt(l.downUnitSeconds))} of server time not billed)
          </span>
        )}
      </dd>
      {l.outageOpen && l.status !== "Ended" && (
        <>
          <dt>Outage open</dt>
          <dd className="error">
            {l.downUnits} of {l.units} servers down, not billed
            {l.repairDeadline && <> · repair due by {formatDate(l.repairDeadline, true)}</>}
          </dd>
        </>
      )}
    </>
  );
}

function SettlementView({
  s,
  token,
  refunded,
}: {
  s: ReturnType<typeof settlementBreakdown>;
  token: TokenDisplay | undefined;
  refunded: string;
}) {
  const pct = shares(s);
  return (
    <>
      <p className="muted small">
        {s.final
          ? "Final: the deposit split between the provider, the protocol and the buyer."
          : "So far: the lease is not over, so the split of the deposit is still moving."}
      </p>
      <div className="settle-bar" aria-hidden="true">
        {s.parts.map((p, i) =>
          pct[i] > 0 ? (
            <span key={p.key} className={p.tone} style={{ width: `${pct[i]}%` }} />
          ) : null,
        )}
      </div>
      <table className="settle-table">
        <caption className="sr-only">Settlement breakdown</caption>
        <tbody>
          <tr>
            <th scope="row">Deposit (incl. top-ups)</th>
            <td className="num">
              <Amount value={s.deposit} token={token} />
            </td>
          </tr>
          {s.parts.map((p, i) => (
            <tr key={p.key}>
              <th scope="row">
                <i className={`swatch ${p.tone}`} aria-hidden="true" /> {p.label}
              </th>
              <td className="num">
                <Amount value={p.amount} token={token} />{" "}
                <span className="muted small">({pct[i].toFixed(1)}%)</span>
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              {s.final ? "Earned by the provider (gross)" : "Earned so far (gross)"}
            </th>
            <td className="num">
              <Amount value={s.accrued} token={token} />
            </td>
          </tr>
          <tr>
            <th scope="row">Penalty from the provider's bond to the buyer</th>
            <td className="num">
              <Amount value={s.penalty} token={token} />
            </td>
          </tr>
        </tbody>
      </table>
      {s.final && (
        <p className={`small ${s.balanced ? "muted" : "error"}`}>
          {s.balanced ? "Checks out: " : "Does not add up: "}
          deposit = earned + refunded (<Amount value={s.deposit} token={token} /> ={" "}
          <Amount value={s.accrued} token={token} /> + <Amount value={refunded} token={token} />
          ).
        </p>
      )}
    </>
  );
}

const EVENT_LABELS: Record<string, string> = {
  Opened: "Opened",
  Activated: "Activated by the provider",
  AccessRotated: "Access details rotated",
  Extended: "Extended",
  Ended: "Ended",
  EarningsClaimed: "Earnings claimed",
  OutageReported: "Outage reported by the buyer",
  OutageResolved: "Outage resolved by the provider",
};

function Timeline({
  events,
  token,
}: {
  events: IndexedLeaseEvent[];
  token: TokenDisplay | undefined;
}) {
  const { chainId } = useGridlease();
  if (events.length === 0) return <Empty>No events indexed for this lease.</Empty>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.id} className={`tl-${e.type}`}>
          <div className="tl-head">
            <strong>{EVENT_LABELS[e.type] ?? e.type}</strong>
            <time dateTime={new Date(Number(e.timestamp) * 1000).toISOString()}>
              {formatDate(e.timestamp, true)}
            </time>
          </div>
          <EventDetails e={e} token={token} />
          <div className="small muted">
            {e.account && (
              <>
                by <AddressLink address={e.account} />
                {" · "}
              </>
            )}
            block {e.blockNumber} ·{" "}
            <a href={txUrl(chainId, e.txHash)} className="mono" title={e.txHash}>
              tx {e.txHash.slice(0, 10)}…
            </a>
          </div>
        </li>
      ))}
    </ol>
  );
}
