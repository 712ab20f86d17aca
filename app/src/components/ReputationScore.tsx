import { useState } from "react";
import { formatTime, formatTokenAmountShort } from "@gridlease/sdk";
import type { ComponentName, Reputation } from "../lib/reputation.ts";
import { scoreText } from "../lib/reputation.ts";

const USD_MICROS = { symbol: "USD", decimals: 6, isUsd: true } as const;

const COMPONENT_LABELS: Record<ComponentName, string> = {
  completion: "Completion",
  noShows: "No-shows",
  uptime: "Uptime (outages open 15 min or more)",
  reviews: "Reviews",
  audit: "Audit by a published auditor",
};

const INPUT_LABELS: Record<string, string> = {
  completedWeight: "fees of leases run to term or ended by the buyer",
  faultWeight: "fees the failed leases' deposits would have paid",
  noShowWeight: "of which no-shows",
  deliveredWeight: "fees of activated leases",
  uptimeWeight: "the same, scaled by uptime",
  reviewWeight: "fees of reviewed leases",
  reviewScoreWeight: "fees × review score",
  priorUsdMicros: "prior evidence",
  priorBps: "prior value",
  auditedUntil: "audited until",
  now: "now",
};

/** One input in its unit: fees in dollars, the prior's value in percent, times as dates. */
function inputText(key: string, value: bigint): string {
  if (key === "priorBps") return `${scoreText(Number(value))}%`;
  if (key === "auditedUntil") return value === 0n ? "never" : formatTime(value);
  if (key === "now") return formatTime(value);
  if (key.endsWith("Weight") || key.endsWith("UsdMicros"))
    return formatTokenAmountShort(value, USD_MICROS);
  return value.toString();
}

/** Micro-USD of protocol fee as dollars ("$12.34", "<$0.01"). */
export const feeDollars = (usdMicros: bigint) => formatTokenAmountShort(usdMicros, USD_MICROS);

/**
 * A provider's score out of 100 with, behind it, every number it was computed from: each component's value,
 * weight and share of the score, and the fee evidence and prior behind each (docs/reputation.md).
 */
export function ReputationScore({
  reputation,
  open = false,
}: {
  reputation: Reputation;
  open?: boolean;
}) {
  const r = reputation;
  // The table is built only once opened: a market page holds one score per row.
  const [shown, setShown] = useState(open);
  return (
    <details className="reputation" open={open} onToggle={(e) => setShown(e.currentTarget.open)}>
      <summary>
        <span className="badge badge-score" title="Provider score, weighted by protocol fees paid">
          Score {scoreText(r.scoreBps)}
        </span>{" "}
        <span className="small muted">on {feeDollars(r.evidenceUsdMicros)} of fee evidence</span>
      </summary>
      {shown && <Breakdown r={r} />}
    </details>
  );
}

/** Every component of the score with the numbers behind it. */
function Breakdown({ r }: { r: Reputation }) {
  return (
    <table className="reputation-table small">
      <caption>
        How the score of {scoreText(r.scoreBps)} is made: each part is a fee-weighted average pulled
        towards a prior, so a record bought with tiny leases moves it little.
      </caption>
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col" className="num">
            Value
          </th>
          <th scope="col" className="num">
            Weight
          </th>
          <th scope="col" className="num">
            Points
          </th>
          <th scope="col">From</th>
        </tr>
      </thead>
      <tbody>
        {(Object.keys(r.components) as ComponentName[]).map((name) => {
          const c = r.components[name];
          return (
            <tr key={name}>
              <th scope="row">{COMPONENT_LABELS[name] ?? name}</th>
              <td className="num">{scoreText(c.valueBps)}%</td>
              <td className="num">{scoreText(c.weight)}%</td>
              <td className="num">{((c.valueBps * c.weight) / 1_000_000).toFixed(2)}</td>
              <td>
                <ul className="inputs">
                  {Object.entries(c.inputs).map(([k, v]) => (
                    <li key={k}>
                      {INPUT_LABELS[k] ?? k}: <span className="mono">{inputText(k, v)}</span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
