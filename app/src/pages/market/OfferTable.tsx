import {
  formatDuration,
  formatTokenAmount,
  gpuModelLabel,
  regionLabel,
  type TokenDisplay,
} from "@gridlease/sdk";
import { lazy, Suspense } from "react";
import { Link } from "../../lib/router.tsx";
import { AttestationBadge } from "../../components/AttestationBadge.tsx";
import type { ProviderScore } from "../../hooks/useReputation.ts";

// Loaded with the scores and audits (after the list renders), not with the market's first page.
const AuditBadge = lazy(() =>
  import("../../components/AuditBadge.tsx").then((m) => ({ default: m.AuditBadge })),
);
const ReputationScore = lazy(() =>
  import("../../components/ReputationScore.tsx").then((m) => ({ default: m.ReputationScore })),
);
import { gpuHours, unitsAvailable, type MarketOffer } from "./filters.ts";

/** One page of open offers: hardware, capacity, price, terms and the provider's track record, each with "Rent". */
export function OfferTable({
  offers,
  tokens,
  scores,
}: {
  offers: MarketOffer[];
  tokens: Record<string, TokenDisplay | undefined>;
  scores?: ReadonlyMap<string, ProviderScore>;
}) {
  return (
    <div className="table-scroll" role="region" aria-label="Open offers" tabIndex={0}>
      <table className="offers">
        <thead>
          <tr>
            <th scope="col">Offer</th>
            <th scope="col">GPU</th>
            <th scope="col" className="num">
              Servers free
            </th>
            <th scope="col">Region</th>
            <th scope="col">Interconnect</th>
            <th scope="col" className="num">
              Price per GPU-hour
            </th>
            <th scope="col">Duration</th>
            <th scope="col">Provider track record</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {offers.map((o) => {
            const token = tokens[o.paymentToken];
            const score = scores?.get(o.provider.toLowerCase());
            return (
              <tr key={o.offerId.toString()}>
                <td>
                  <div className="mono">#{o.offerId.toString()}</div>
                  <div className="small muted" title={o.provider}>
                    {o.providerName ?? `${o.provider.slice(0, 8)}…${o.provider.slice(-4)}`}
                  </div>
                  {o.restricted && <span className="badge small">Vetted buyers only</span>}
                </td>
                <td>
                  <div>{gpuModelLabel(o.gpuModel)}</div>
                  <div className="small muted">{o.gpusPerUnit.toString()} GPUs per server</div>
                  {o.hasAttestationClaim && (
                    <AttestationBadge offerId={o.offerId} gpuModel={o.gpuModel} hasClaim />
                  )}
                  {o.audit && (
                    <Suspense fallback={null}>
                      <AuditBadge status={o.audit} />
                    </Suspense>
                  )}
                </td>
                <td className="num">
                  <div>{unitsAvailable(o).toString()}</div>
                  <div className="small muted">of {o.totalUnits.toString()}</div>
                </td>
                <td>
                  <div>{regionLabel(o.region)}</div>
                  <div className="small muted">
                    {o.location && o.location !== regionLabel(o.region) ? o.location : o.region}
                  </div>
                </td>
                <td className="small">
                  {o.interconnect ?? <span className="muted">Not stated</span>}
                </td>
                <td className="num">
                  <div className="price">
                    {token ? formatTokenAmount(o.pricePerGpuHour, token) : "…"}
                  </div>
                  <div className="small muted">
                    {token?.isUsd ? token.symbol : token ? "" : "token unknown"}
                  </div>
                </td>
                <td className="small">
                  {formatDuration(o.minDuration)} to {formatDuration(o.maxDuration)}
                  {o.repairWindow !== undefined && (
                    <div className="muted">repairs within {formatDuration(o.repairWindow)}</div>
                  )}
                </td>
                <td className="small">
                  {score && (
                    <Suspense fallback={null}>
                      <ReputationScore reputation={score.reputation} />
                    </Suspense>
                  )}
                  {o.track ? (
                    <>
                      <div>{o.track.leasesServed.toLocaleString("en-US")} leases served</div>
                      <div>
                        {gpuHours(o.track.gpuSecondsServed).toLocaleString("en-US")} GPU-hours
                      </div>
                      <div className={o.track.noShows > 0 ? "warn" : "muted"}>
                        {o.track.noShows} no-show{o.track.noShows === 1 ? "" : "s"}
                      </div>
                      {o.track.availabilityBps !== undefined && (
                        <div className={o.track.availabilityBps < 9_900 ? "warn" : "muted"}>
                          {(o.track.availabilityBps / 100).toFixed(1)}% available
                        </div>
                      )}
                    </>
                  ) : (
                    <span className="muted">New provider</span>
                  )}
                </td>
                <td>
                  <Link
                    to={`/offers/${o.offerId}`}
                    className="button small"
                    aria-label={`Rent offer #${o.offerId}`}
                  >
                    Rent
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
