import { useId, useState } from "react";
import type { Address } from "viem";
import {
  cancelLease,
  closeLease,
  decodeGpuModel,
  decodeRegion,
  formatDuration,
  gpuModelLabel,
  leaseStateAt,
  leaseStatusShortLabel,
  regionLabel,
  terminateLease,
  type AccessKeyPair,
  type OfferRecord,
} from "@gridlease/sdk";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import type { LiveLeaseView } from "../../lib/liveLease.ts";
import type { BuyerLeaseRow } from "./data.ts";
import { ExtendForm } from "./ExtendForm.tsx";
import { AccessPanel } from "./AccessPanel.tsx";
import { OutageReportForm, OutageStatus } from "./OutagePanel.tsx";
import { ReviewPanel } from "./ReviewPanel.tsx";
import { ReservedPanel } from "./ReservedPanel.tsx";
import type { IndexedReview } from "../../lib/eas.ts";

type Panel = "none" | "extend" | "terminate" | "outage";

/** One live lease of the buyer: countdown, money, and the actions its state allows. */
export function LeaseCard({
  lease,
  offer,
  row,
  now,
  accessKey,
  onChanged,
  onExitCharged,
  review,
}: {
  lease: LiveLeaseView;
  offer: OfferRecord;
  row?: BuyerLeaseRow;
  now: bigint;
  accessKey: () => Promise<AccessKeyPair>;
  onChanged: () => void;
  /** Told what a confirmed release or early end charged under the commitment. */
  onExitCharged: (leaseId: bigint, charged: bigint) => void;
  /** The lease's review (null: none yet; undefined: not known). */
  review?: IndexedReview | null;
}) {
  const headingId = useId();
  const { addresses } = useGridlease();
  const signer = useSigner();
  const market: Address = addresses!.market;
  const token = useTokenInfo(lease.paymentToken).data;
  const flow = useTxFlow();
  const [panel, setPanel] = useState<Panel>("none");
  const state = leaseStateAt(lease, now);
  const id = lease.leaseId;
  const gpus = lease.units * lease.gpusPerUnit;
  const model = row?.gpuModel ?? decodeGpuModel(offer.gpuModel);
  const region = row?.region ?? decodeRegion(offer.region);
  const fmt = (v: bigint) => amountText(v, token);
  // The lease's reserved-capacity state (read for every lease: it also holds the penalty the lease reserved from the
  // provider's bond in the lease's token, paid to the buyer on a no-show or an unrepaired outage).
  const leaseTerms = useMarketRead({
    functionName: "getLeaseTerms",
    args: [id],
    refetchInterval: 15_000,
  }).data;
  const penaltyText = leaseTerms ? fmt(leaseTerms.penalty) : "…";
  // Under a commitment, ending is priced: the reserved panel's "End lease" shows the exit charge before the click.
  const committedNow = leaseTerms !== undefined && leaseTerms.commitmentEnds > now;
  const canReport =
    state.status === "Active" && !state.unresolvedExitOpen && state.downUnits < lease.units;
  const errorContext = { token };

  const runTx = async (steps: TxStepDef[]) => {
    const ok = await flow.run(steps, errorContext);
    onChanged();
    if (ok) setPanel("none");
    return ok;
  };

  return (
    <article className="card lease-card" aria-labelledby={headingId}>
      <header className="lease-card-head">
        <h3 id={headingId}>Lease #{String(id)}</h3>
        <span className={`badge badge-${state.status}`}>{leaseStatusShortLabel(state.status)}</span>
        <Link
          className="small"
          to={`/explorer/leases/${id}`}
          aria-label={`Lease #${id} in the explorer`}
        >
          Lease #{String(id)} in the explorer
        </Link>
      </header>
      <p className="muted small">{state.label}</p>
      <dl className="terms">
        <dt>Hardware</dt>
        <dd>
          {String(gpus)}× {gpuModelLabel(model)} ({String(lease.units)} ×{" "}
          {String(lease.gpusPerUnit)} GPUs) · {regionLabel(region)}
        </dd>
        <dt>Price</dt>
        <dd>{fmt(lease.pricePerGpuHour)} per GPU-hour (locked)</dd>
        {state.status === "Pending" && (
          <>
            <dt>Provider must activate within</dt>
            <dd className="countdown" aria-live="off">
              {formatCountdown(state.activationSecondsLeft)}
            </dd>
          </>
        )}
        {(state.status === "Active" || state.status === "Expired") && (
          <>
            <dt>Time left</dt>
            <dd className="countdown" aria-live="off">
              {state.status === "Active" ? formatCountdown(state.remainingSeconds) : "Term over"}
            </dd>
            <dt>Ends</dt>
            <dd>{new Date(Number(state.end) * 1000).toLocaleString()}</dd>
          </>
        )}
        {(state.status === "Pending" || state.status === "ActivationOverdue") && (
          <>
            <dt>Booked</dt>
            <dd>{formatDuration(lease.duration)}</dd>
          </>
        )}
        <dt>Deposit</dt>
        <dd>{fmt(state.deposit)}</dd>
        <dt>Accrued</dt>
        <dd className="num-left">{fmt(state.accrued)}</dd>
        <dt>Refundable now</dt>
        <dd className="num-left">{fmt(state.refundableNow)}</dd>
      </dl>

      {state.status === "ActivationOverdue" && (
        <div className="callout callout-warn">
          <strong>The provider missed the activation deadline.</strong>
          <p>
            Cancel to get your full deposit of {fmt(state.deposit)} back, plus a penalty of{" "}
            {penaltyText} from the provider’s bond.
          </p>
        </div>
      )}

      <OutageStatus
        lease={lease}
        state={state}
        refundText={fmt(state.refundableNow)}
        penaltyText={penaltyText}
        busy={flow.busy}
        onRun={runTx}
      />

      <div className="toolbar lease-actions">
        {(state.status === "Active" || state.status === "Pending") && (
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === "extend"}
            onClick={() => setPanel(panel === "extend" ? "none" : "extend")}
          >
            Extend
          </button>
        )}
        {state.status === "Active" && !committedNow && (
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === "terminate"}
            onClick={() => setPanel(panel === "terminate" ? "none" : "terminate")}
          >
            Terminate
          </button>
        )}
        {canReport && (
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === "outage"}
            onClick={() => setPanel(panel === "outage" ? "none" : "outage")}
          >
            {state.downUnits > 0n ? "Report more servers down" : "Report outage"}
          </button>
        )}
        {state.status === "ActivationOverdue" && (
          <button
            type="button"
            className="button"
            disabled={flow.busy || !signer}
            onClick={() =>
              void runTx([
                {
                  label: `Cancel lease #${id}`,
                  run: () => cancelLease(signer!, { market, leaseId: id }),
                },
              ])
            }
          >
            Cancel lease
          </button>
        )}
        {state.status === "Expired" && (
          <button
            type="button"
            className="button secondary"
            disabled={flow.busy || !signer}
            onClick={() =>
              void runTx([
                {
                  label: `Close lease #${id}`,
                  run: () => closeLease(signer!, { market, leaseId: id }),
                },
              ])
            }
          >
            Close lease
          </button>
        )}
      </div>

      {panel === "extend" && (
        <ExtendForm lease={lease} offer={offer} token={token} busy={flow.busy} onRun={runTx} />
      )}
      {panel === "outage" && canReport && (
        <OutageReportForm
          lease={lease}
          state={state}
          repairWindow={BigInt(offer.repairWindow)}
          now={now}
          busy={flow.busy}
          onRun={runTx}
          onCancel={() => setPanel("none")}
        />
      )}
      {panel === "terminate" && state.status === "Active" && (
        <div className="callout terminate-confirm">
          <p>
            Terminating now ends the lease and the server access. You get back{" "}
            <strong>{fmt(state.refundableNow)}</strong> (the unused part of your deposit); the
            provider keeps {fmt(state.accrued)} for the time used.
          </p>
          <div className="row">
            <button
              type="button"
              className="button danger"
              disabled={flow.busy || !signer}
              onClick={() =>
                void runTx([
                  {
                    label: `Terminate lease #${id}`,
                    run: () => terminateLease(signer!, { market, leaseId: id }),
                  },
                ])
              }
            >
              Confirm terminate
            </button>
            <button type="button" className="button secondary" onClick={() => setPanel("none")}>
              Keep the lease
            </button>
          </div>
        </div>
      )}

      {state.status === "Active" && (
        <ReservedPanel
          market={market}
          leaseId={id}
          units={lease.units}
          now={now}
          token={token}
          busy={flow.busy}
          onRun={runTx}
          onExitCharged={onExitCharged}
        />
      )}

      <TxProgress flow={flow} title={`Progress for lease #${id}`} />

      {(state.status === "Active" || state.status === "Expired") && (
        <AccessPanel leaseId={id} market={market} accessKey={accessKey} />
      )}
      {(state.status === "Active" || state.status === "Expired") && (
        <ReviewPanel leaseId={id} provider={lease.provider} review={review} />
      )}
      {state.status === "Active" && (
        <p className="small">
          <Link to={`/verify?lease=${id}`}>Verify the GPUs are genuine NVIDIA parts</Link>{" "}
          <span className="muted">
            (an attestation report from the host, checked in this browser)
          </span>
        </p>
      )}
    </article>
  );
}
