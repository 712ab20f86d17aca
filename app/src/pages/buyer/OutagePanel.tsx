import { useState } from "react";
import { formatDuration, reportOutage, endUnresolvedOutage, type LeaseState } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import type { LiveLeaseView } from "../../lib/liveLease.ts";
import { Field } from "../../components/Field.tsx";
import { billingPausedText, checkOutageUnits, evidenceHashOf } from "./outage.ts";

/**
 * The open outage of a lease, as the buyer sees it: servers down (billing paused for them), the live countdown to
 * the provider's repair deadline, the downtime so far, and once the deadline passed (or the report limit was
 * reached) the exit that refunds the unused deposit with the provider's bond penalty.
 */
export function OutageStatus({
  lease,
  state,
  refundText,
  penaltyText,
  busy,
  onRun,
}: {
  lease: LiveLeaseView;
  state: LeaseState;
  refundText: string;
  penaltyText: string;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const open = state.downUnits > 0n;
  if (!open && !state.unresolvedExitOpen) return null;
  const id = lease.leaseId;
  return (
    <div
      className={`callout outage-status ${state.unresolvedExitOpen ? "callout-warn" : ""}`}
      role="region"
      aria-label={`Outage on lease #${id}`}
    >
      {open && (
        <>
          <p>
            <strong>Outage reported.</strong>{" "}
            {billingPausedText(state.downUnits, lease.units, false)}
          </p>
          <dl className="terms">
            <dt>Servers down</dt>
            <dd>
              {String(state.downUnits)} of {String(lease.units)}
            </dd>
            <dt>Provider must repair within</dt>
            <dd className="countdown" aria-live="off">
              {state.repairSecondsLeft > 0n
                ? formatCountdown(state.repairSecondsLeft)
                : "Repair deadline passed"}
            </dd>
            <dt>Repair deadline</dt>
            <dd>{new Date(Number(state.repairDeadline) * 1000).toLocaleString()}</dd>
            <dt>Downtime so far (not billed)</dt>
            <dd>{formatDuration(state.downUnitSeconds)} of server time</dd>
          </dl>
        </>
      )}
      {state.unresolvedExitOpen && (
        <>
          <p>
            {open
              ? "The provider did not repair in time."
              : "This lease reached the limit of outage reports."}{" "}
            You may end it now: you get back <strong>{refundText}</strong> (the unused deposit) plus
            a penalty of <strong>{penaltyText}</strong> from the provider’s bond.
          </p>
          <button
            type="button"
            className="button danger"
            disabled={busy || !signer}
            onClick={() =>
              void onRun([
                {
                  label: `End lease #${id}: outage not repaired`,
                  run: () =>
                    endUnresolvedOutage(signer!, { market: addresses!.market, leaseId: id }),
                },
              ])
            }
          >
            End lease: outage not repaired
          </button>
        </>
      )}
    </div>
  );
}

/**
 * "Report outage": how many servers are down (only more than already reported while one is open), optional
 * evidence (only its keccak256 hash goes on-chain), and the plain consequence before the buyer confirms.
 */
export function OutageReportForm({
  lease,
  state,
  repairWindow,
  now,
  busy,
  onRun,
  onCancel,
}: {
  lease: LiveLeaseView;
  state: LeaseState;
  /** The offer's repair window in seconds (the provider's time to resolve). */
  repairWindow?: bigint;
  /** Chain time now (unix seconds). */
  now: bigint;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const downNow = state.downUnits;
  const [units, setUnits] = useState(String(downNow + 1n <= lease.units ? downNow + 1n : 1n));
  const [evidence, setEvidence] = useState("");
  const [touched, setTouched] = useState(false);
  const check = checkOutageUnits(units, lease.units, downNow);
  const id = lease.leaseId;
  // The market's rule against fake repairs: a report soon after the last resolution keeps that outage's deadline.
  const cooldown = useMarketConfig().data?.limits.reportCooldown;
  const lastResolved = lease.outage?.lastResolved ?? 0n;
  const keepsDeadline =
    downNow === 0n && cooldown !== undefined && lastResolved > 0n && now - lastResolved < cooldown;

  const submit = async () => {
    setTouched(true);
    if ("error" in check || !signer) return;
    const evidenceHash = evidenceHashOf(evidence);
    await onRun([
      {
        label: `Report ${check.units} of ${lease.units} servers down on lease #${id}`,
        run: () =>
          reportOutage(signer, {
            market: addresses!.market,
            leaseId: id,
            units: check.units,
            evidenceHash,
          }),
      },
    ]);
  };

  return (
    <form
      className="outage-form"
      aria-label={`Report an outage on lease #${id}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field
        label="Servers down"
        error={touched || units !== "" ? ("error" in check ? check.error : undefined) : undefined}
        hint={
          downNow > 0n
            ? `${downNow} of ${lease.units} already reported down: raise the number if more failed.`
            : `This lease has ${lease.units} server${lease.units === 1n ? "" : "s"}.`
        }
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={units}
            onChange={(e) => setUnits(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="What is wrong (optional)"
        hint="Only its keccak256 hash goes on-chain, as evidence you can show later: keep the text."
      >
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={evidence}
            onChange={(e) => setEvidence(e.target.value)}
          />
        )}
      </Field>
      {"units" in check && (
        <p className="callout outage-confirm" role="status">
          {billingPausedText(check.units, lease.units)}
          {keepsDeadline ? (
            <>
              {" "}
              The last outage was resolved less than {formatDuration(cooldown!)} ago, so the
              provider keeps its deadline of{" "}
              {new Date(Number(lease.outage!.deadline) * 1000).toLocaleString()}: the clock does not
              restart.
            </>
          ) : (
            repairWindow !== undefined &&
            downNow === 0n && (
              <>
                {" "}
                The provider has {formatDuration(repairWindow)} to repair; after that you may end
                the lease with a refund and a penalty from the provider’s bond.
              </>
            )
          )}
        </p>
      )}
      <div className="row">
        <button type="submit" className="button danger" disabled={busy || !signer}>
          Confirm outage report
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Keep billing as it is
        </button>
      </div>
    </form>
  );
}
