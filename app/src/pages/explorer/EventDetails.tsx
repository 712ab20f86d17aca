import type { ReactNode } from "react";
import {
  BOND_TOKEN_DISPLAY,
  endReasonText,
  formatDuration,
  type TokenDisplay,
} from "@gridlease/sdk";
import { Amount } from "../../components/Amount.tsx";
import type { LeaseEventRow } from "./data.ts";
import { formatDate } from "./ui.tsx";

/** The amounts and times of one lease event, in a line (the lease's timeline and the transaction page). */
export function EventDetails({ e, token }: { e: LeaseEventRow; token: TokenDisplay | undefined }) {
  const bits: ReactNode[] = [];
  if (e.type === "Opened" && e.amount)
    bits.push(
      <>
        deposit <Amount value={e.amount} token={token} />
      </>,
    );
  if (e.type === "Opened" && e.duration) bits.push(<>for {formatDuration(BigInt(e.duration))}</>);
  if (e.type === "Activated" && e.endTime) bits.push(<>runs until {formatDate(e.endTime, true)}</>);
  if (e.type === "Extended") {
    if (e.duration) bits.push(<>+{formatDuration(BigInt(e.duration))}</>);
    if (e.amount)
      bits.push(
        <>
          top-up <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.endTime) bits.push(<>now ends {formatDate(e.endTime, true)}</>);
  }
  if (e.type === "Ended") {
    if (e.endReason) bits.push(<>{endReasonText(e.endReason)}</>);
    if (e.amount)
      bits.push(
        <>
          earned <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.refund)
      bits.push(
        <>
          refunded <Amount value={e.refund} token={token} />
        </>,
      );
    if (e.penalty && e.penalty !== "0")
      bits.push(
        <>
          penalty <Amount value={e.penalty} token={BOND_TOKEN_DISPLAY} />
        </>,
      );
  }
  if (e.type === "EarningsClaimed") {
    if (e.amount)
      bits.push(
        <>
          gross <Amount value={e.amount} token={token} />
        </>,
      );
    if (e.fee)
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
