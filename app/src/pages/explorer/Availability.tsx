import { useMemo } from "react";
import { gpuModelLabel } from "@gridlease/sdk";
import type { IndexedProvider } from "@gridlease/sdk/indexer";
import { StackedBars } from "../../components/charts.tsx";
import { modelAvailability, modelDowntimeSeries, type ModelDayStatRow } from "./series.ts";
import { gpuHours } from "./ui.tsx";
import { CHART_DAYS } from "./data.ts";

/** Availability in percent with one decimal, from the indexer's basis points. */
export const availabilityText = (bps: number) => `${(bps / 100).toFixed(1)}%`;

/**
 * A provider's outage record: availability as a bar (delivered against down, over its ended leases), the GPU-hours
 * down, and how its outages went (reported, open now, ended unrepaired).
 */
export function ProviderAvailability({ p }: { p: IndexedProvider }) {
  const upPct = p.availabilityBps / 100;
  return (
    <section className="availability" aria-labelledby="availability-heading">
      <h3 id="availability-heading">Availability: {availabilityText(p.availabilityBps)}</h3>
      <div
        className="avail-bar"
        role="img"
        aria-label={`${availabilityText(p.availabilityBps)} of GPU time delivered, ${availabilityText(10_000 - p.availabilityBps)} down`}
      >
        <span className="seg-up" style={{ width: `${upPct}%` }} />
        <span className="seg-down" style={{ width: `${100 - upPct}%` }} />
      </div>
      <dl className="terms">
        <dt>GPU-hours down</dt>
        <dd>{gpuHours(p.gpuSecondsDown)}</dd>
        <dt>Outage reports on its leases</dt>
        <dd>{p.outageReports.toLocaleString("en-US")}</dd>
        <dt>Outages open now</dt>
        <dd>{p.openOutages}</dd>
        <dt>Leases ended with an outage unrepaired</dt>
        <dd>{p.outagesUnresolved}</dd>
      </dl>
      <p className="muted small">
        Availability = GPU time delivered ÷ (delivered + down) over its ended leases; down time is
        what buyers reported until the provider resolved it (an outage open at a lease’s end counts
        up to the end).
      </p>
    </section>
  );
}

/**
 * The market's outages by GPU model: GPU-hours down per day (stacked), and each model's availability as a bar, the
 * least available first. Nothing is shown before any lease with an outage or any delivered time has ended.
 */
export function MarketAvailability({ rows }: { rows: ModelDayStatRow[] }) {
  const series = useMemo(() => modelDowntimeSeries(rows), [rows]);
  const totals = useMemo(() => modelAvailability(rows), [rows]);
  if (totals.length === 0) return null;
  return (
    <>
      <h2>Availability by GPU model</h2>
      <p className="muted small">
        GPU time delivered ÷ (delivered + down) on ended leases; down time is what buyers reported
        until the provider resolved it. Booked on the day each lease ended, over the last{" "}
        {CHART_DAYS} days.
      </p>
      <div className="grid-2">
        <div className="card chart-card">
          <StackedBars
            series={series}
            label="GPU-hours down per day, by GPU model"
            format={(v) => v.toLocaleString("en-US", { maximumFractionDigits: 1 })}
          />
        </div>
        <div className="card chart-card">
          <table>
            <caption className="sr-only">Availability per GPU model</caption>
            <thead>
              <tr>
                <th scope="col">GPU model</th>
                <th scope="col">Availability</th>
                <th scope="col" className="num">
                  GPU-hours down
                </th>
              </tr>
            </thead>
            <tbody>
              {totals.map((t) => (
                <tr key={t.gpuModel}>
                  <th scope="row">{gpuModelLabel(t.gpuModel)}</th>
                  <td>
                    <span className="avail-cell">
                      <span className="avail-bar" aria-hidden="true">
                        <span className="seg-up" style={{ width: `${t.availabilityBps / 100}%` }} />
                        <span
                          className="seg-down"
                          style={{ width: `${100 - t.availabilityBps / 100}%` }}
                        />
                      </span>
                      {availabilityText(t.availabilityBps)}
                    </span>
                  </td>
                  <td className="num">{gpuHours(t.down)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
