import type { IndexedProvider } from "@gridlease/sdk/indexer";
import { gpuHours } from "./ui.tsx";

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
