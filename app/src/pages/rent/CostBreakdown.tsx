import { formatDuration, formatTokenAmount, type TokenDisplay } from "@gridlease/sdk";
import type { CostBreakdown } from "./logic.ts";

const pct = (bps: bigint) =>
  `${(Number(bps) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;

/** What the lease costs, who gets what, and what comes back if the buyer stops early. */
export function CostBreakdownView({
  breakdown,
  token,
  feeBps,
  duration,
}: {
  breakdown: CostBreakdown;
  token: TokenDisplay;
  feeBps: bigint;
  duration: bigint;
}) {
  const fmt = (v: bigint) => formatTokenAmount(v, token);
  return (
    <section aria-labelledby="cost-heading" className="cost">
      <h2 id="cost-heading">Cost breakdown</h2>
      <dl className="terms">
        <dt>GPUs</dt>
        <dd>
          {breakdown.gpus.toString()} for {formatDuration(duration)} ({fmt(breakdown.perHour)} per
          hour)
        </dd>
        <dt>Deposit, held in escrow</dt>
        <dd className="cost-deposit">
          <strong>{fmt(breakdown.deposit)}</strong>
        </dd>
        <dt>Provider share (full term)</dt>
        <dd>{fmt(breakdown.toProvider)}</dd>
        <dt>Protocol fee ({pct(feeBps)})</dt>
        <dd>{fmt(breakdown.fee)}</dd>
      </dl>
      <table className="refunds">
        <caption>If you stop early, the unused part comes back to you</caption>
        <thead>
          <tr>
            <th scope="col">Stopped after</th>
            <th scope="col" className="num">
              Refunded to you
            </th>
            <th scope="col" className="num">
              Paid to provider
            </th>
            <th scope="col" className="num">
              Fee
            </th>
          </tr>
        </thead>
        <tbody>
          {breakdown.refunds.map((r) => (
            <tr key={r.percent}>
              <th scope="row">
                {r.percent}% <span className="muted small">({formatDuration(r.usedSeconds)})</span>
              </th>
              <td className="num">{fmt(r.refund)}</td>
              <td className="num">{fmt(r.toProvider)}</td>
              <td className="num">{fmt(r.fee)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
