import {
  formatDuration,
  formatTokenAmount,
  gpuModelLabel,
  penalty,
  regionLabel,
  type OfferRecord,
} from "@gridlease/sdk";
import { zeroAddress } from "viem";
import { amountText } from "../../components/Amount.tsx";
import { Loading } from "../../components/States.tsx";
import { AttestationBadge } from "../../components/AttestationBadge.tsx";
import { AuditBadge } from "../../components/AuditBadge.tsx";
import { ReputationScore } from "../../components/ReputationScore.tsx";
import { useOfferAudits } from "../../hooks/useAudits.ts";
import { useProviderScore } from "../../hooks/useReputation.ts";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { easOn } from "../../lib/easWrites.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import type { TokenInfo } from "../../hooks/useToken.ts";
import type { IndexedOffer } from "./data.ts";
import { unitsFree } from "./useRentQuote.ts";

/**
 * The offer card: its terms from the chain, server details and the provider's track record from the indexer
 * (said plainly when the indexer is down: renting still works), its attestation claim verified in the browser, and
 * the no-show protection.
 */
export function OfferSummary({
  offerId,
  offer,
  gpuModel,
  region,
  token,
  indexed,
}: {
  offerId: bigint;
  offer: OfferRecord;
  gpuModel: string;
  region: string;
  token: TokenInfo | undefined;
  indexed: { data?: IndexedOffer; isPending: boolean; isError: boolean };
}) {
  const config = useMarketConfig();
  const { chainId } = useGridlease();
  const audits = useOfferAudits(offerId);
  const score = useProviderScore(offer.provider).score;
  const vetted =
    offer.buyerPolicy !== zeroAddress &&
    offer.buyerPolicy.toLowerCase() === easOn(chainId)?.policy.toLowerCase();
  const spec = indexed.data?.spec;
  const track = indexed.data?.track;
  return (
    <div className="card">
      <h2>The offer</h2>
      <dl className="terms">
        <dt>GPU</dt>
        <dd>
          {gpuModelLabel(gpuModel)}
          {spec?.memoryGB ? ` · ${spec.memoryGB} GB` : ""}
        </dd>
        <dt>GPUs per server</dt>
        <dd>{offer.gpusPerUnit.toString()}</dd>
        <dt>Servers free</dt>
        <dd>
          {unitsFree(offer).toString()} of {offer.totalUnits.toString()}
        </dd>
        <dt>Price per GPU-hour</dt>
        <dd>
          <strong>{amountText(offer.pricePerGpuHour, token)}</strong>{" "}
          {token?.isUsd && <span className="muted">({token.symbol}, a USD stablecoin)</span>}
        </dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(BigInt(offer.minDuration))} to {formatDuration(BigInt(offer.maxDuration))}
        </dd>
        <dt>Repair window</dt>
        <dd>{formatDuration(BigInt(offer.repairWindow))}</dd>
        <dt>Region</dt>
        <dd>
          {regionLabel(region)}
          {spec?.datacenter ? ` · ${spec.datacenter}` : ""}
        </dd>
        <dt>Interconnect</dt>
        <dd>
          {spec?.interconnect ?? (
            <span className="muted">{indexed.isPending ? "…" : "Not stated"}</span>
          )}
        </dd>
        {spec?.cpu && (
          <>
            <dt>CPU</dt>
            <dd>
              {spec.cpu}
              {spec.cpuCores ? ` · ${spec.cpuCores} cores` : ""}
            </dd>
          </>
        )}
        {spec?.ramGB !== undefined && (
          <>
            <dt>RAM</dt>
            <dd>{spec.ramGB.toLocaleString("en-US")} GB</dd>
          </>
        )}
        {spec?.nvmeTB !== undefined && (
          <>
            <dt>NVMe</dt>
            <dd>{spec.nvmeTB} TB</dd>
          </>
        )}
        {spec?.ethernetGbps !== undefined && (
          <>
            <dt>Ethernet</dt>
            <dd>{spec.ethernetGbps} Gb/s</dd>
          </>
        )}
        {spec?.deal && (
          <>
            <dt>Deal</dt>
            <dd>{spec.deal}</dd>
          </>
        )}
        <dt>Buyers</dt>
        <dd>
          {vetted
            ? "Vetted buyers only (an attestation from an attester the provider names)"
            : offer.buyerPolicy !== zeroAddress
              ? "Vetted buyers only (provider allowlist)"
              : "Anyone"}
        </dd>
      </dl>

      <AttestationBadge offerId={offerId} gpuModel={gpuModel} full />
      {audits.status && <AuditBadge status={audits.status} full />}

      <h3>Provider track record</h3>
      {score && <ReputationScore reputation={score.reputation} />}
      {track ? (
        <dl className="terms">
          <dt>Leases served</dt>
          <dd>{track.leasesServed.toLocaleString("en-US")}</dd>
          <dt>GPU-hours served</dt>
          <dd>{(BigInt(track.gpuSecondsServed) / 3600n).toLocaleString("en-US")}</dd>
          <dt>No-shows</dt>
          <dd>{track.noShows}</dd>
          <dt>Ended leases early</dt>
          <dd>{track.providerTerminations}</dd>
          <dt>Availability</dt>
          <dd>
            {(track.availabilityBps / 100).toFixed(1)}%{" "}
            <span className="muted small">
              ({track.outageReports.toLocaleString("en-US")} outage reports,{" "}
              {track.outagesUnresolved} not repaired in time)
            </span>
          </dd>
        </dl>
      ) : indexed.isError ? (
        <p className="muted small">
          The indexer is unreachable: the track record and the server details are unavailable.
          Renting still works.
        </p>
      ) : indexed.isPending ? (
        <Loading what="the track record" />
      ) : (
        <p className="muted small">No track record yet.</p>
      )}
      {config.data && token && (
        <p className="small muted protection">
          Billing starts when the provider activates the lease. If it does not within{" "}
          {formatDuration(config.data.activationWindow)}, you cancel and get the whole deposit back
          plus at least{" "}
          {formatTokenAmount(penalty(offer.minProviderBond, config.data.penaltyBps), token)} (10% of
          your deposit, if more) from the provider's bond in {token.symbol}. If servers fail while
          the lease runs, report an outage: billing stops for them at once, and the provider has{" "}
          {formatDuration(BigInt(offer.repairWindow))} to repair before you may end the lease with
          the same refund and penalty.
        </p>
      )}
    </div>
  );
}
