import type { ReactNode } from "react";
import { zeroHash } from "viem";
import { endReasonText, formatDuration, type TokenDisplay } from "@gridlease/sdk";
import { Amount } from "../../components/Amount.tsx";
import type { IndexedLeaseEvent } from "@gridlease/sdk/indexer";
import { formatDate } from "./ui.tsx";

/** The amounts and times of one lease event, in a line (the lease's timeline and the transaction page). */
export function EventDetails({
  e,
  token,
}: {
  e: IndexedLeaseEvent;
  token: TokenDisplay | undefined;
}) {
  const bits: ReactNode[] = [];
  if (e.type === "Opened" && e.amount !== null)
    bits.push(
      <>
        deposit <Amount value={e.amount} token={token} />
      </>,
    );
  if (e.type === "Opened" && e.duration !== null) bits.push(<>for {formatDuration(e.duration)}</>);
  if (e.type === "Activated" && e.endTime !== null)
    bits.push(<>runs until {formatDate(e.endTime, true)}</>);
  if (e.type === "Extended") {
    if (e.duration !== null) bits.push(<>+{formatDuration(e.duration)}</>);
    if (e.amount !== null)
      bits.push(
        <>
          top-up <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.endTime !== null) bits.push(<>now ends {formatDate(e.endTime, true)}</>);
  }
  if (e.type === "OutageReported") {
    if (e.downUnits !== null)
      bits.push(
        <>
          {String(e.downUnits)} server{e.downUnits === 1n ? "" : "s"} down (not billed)
        </>,
      );
    if (e.repairDeadline !== null)
      bits.push(<>repair due by {formatDate(e.repairDeadline, true)}</>);
    if (e.reports !== null) bits.push(<>report {e.reports} on this lease</>);
    if (e.evidenceHash !== null && e.evidenceHash !== zeroHash)
      bits.push(
        <>
          evidence{" "}
          <span className="mono small" title={e.evidenceHash}>
            {e.evidenceHash.slice(0, 10)}…{e.evidenceHash.slice(-6)}
          </span>
        </>,
      );
  }
  if (e.type === "OutageResolved") {
    // The downtime (down unit-seconds over the lease's servers) moved the lease's end later: no paid time is lost.
    if (e.duration !== null) bits.push(<>+{formatDuration(e.duration)} added to the end</>);
    if (e.endTime !== null) bits.push(<>now ends {formatDate(e.endTime, true)}</>);
    if (e.accessChanged !== null)
      bits.push(<>{e.accessChanged ? "new access details" : "same access details"}</>);
  }
  if (e.type === "Ended") {
    if (e.endReason !== null) bits.push(<>{endReasonText(e.endReason)}</>);
    if (e.amount !== null)
      bits.push(
        <>
          earned <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.refund !== null)
      bits.push(
        <>
          refunded <Amount value={e.refund} token={token} />
        </>,
      );
    if (e.penalty !== null && e.penalty !== 0n)
      bits.push(
        <>
          penalty <Amount value={e.penalty} token={token} />
        </>,
      );
  }
  if (e.type === "EarningsClaimed") {
    if (e.amount !== null)
      bits.push(
        <>
          gross <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.fee !== null)
      bits.push(
        <>
          fee <Amount value={e.fee} token={token} />
        </>,
      );
  }
  if (bits.length === 0) return null;
  return (
    <div className="tl-details">
      {bits.map((b, i) => (
        <span key={i}>
          {i > 0 && " · "}
          {b}
        </span>
      ))}
    </div>
  );
}
