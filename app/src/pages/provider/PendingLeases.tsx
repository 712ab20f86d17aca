import { useId, useState } from "react";
import type { Hex } from "viem";
import {
  activateLease,
  AccessPayloadError,
  formatDuration,
  gpuModelLabel,
  leaseStateAt,
  sealAccess,
  type LeaseView,
} from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { useLiveLeases, type IndexedProviderLease } from "./data.ts";
import { EMPTY_ACCESS, validateAccessForm, type AccessForm } from "./access.ts";
import { AccessFields } from "./AccessFields.tsx";

/** Leases waiting for the provider to seal the access details and activate them before the deadline. */
export function PendingLeasesSection({ onChanged }: { onChanged: () => void }) {
  const { leases, rows: liveRows, live } = useLiveLeases();
  const { now } = useChainNow();
  const pendingRows = liveRows.filter((l) => l.status === "Pending");
  const rows = new Map(pendingRows.map((r) => [String(r.leaseId), r]));

  return (
    <section className="card provider-section" aria-labelledby="pending-heading">
      <h2 id="pending-heading">Leases to activate</h2>
      <p className="muted small">
        Seal the connection details to the buyer’s key and activate before the deadline; a missed
        deadline lets the buyer cancel for a full refund plus a penalty from your bond.
      </p>
      {leases.isPending || (leases.isSuccess && live.isPending) ? (
        <Loading what="pending leases" />
      ) : leases.isError ? (
        <ErrorState error={leases.error} retry={() => void leases.refetch()} />
      ) : live.isError ? (
        <ErrorState error={live.error} retry={() => void live.refetch()} />
      ) : live.data!.filter((l) => Number(l.status) === 1).length === 0 ? (
        <Empty>No lease is waiting for activation.</Empty>
      ) : (
        <div className="lease-list">
          {live
            .data!.filter((l) => Number(l.status) === 1)
            .map((l) => (
              <ActivateCard
                key={String(l.leaseId)}
                lease={l}
                row={rows.get(String(l.leaseId))!}
                now={now}
                onChanged={onChanged}
              />
            ))}
        </div>
      )}
    </section>
  );
}

/** One pending lease: the access form, sealed to the buyer's key in this browser, then `activateLease`. */
export function ActivateCard({
  lease,
  row,
  now,
  onChanged,
}: {
  lease: LeaseView;
  row: IndexedProviderLease;
  now: bigint;
  onChanged: () => void;
}) {
  const headingId = useId();
  const { addresses } = useGridlease();
  const signer = useSigner();
  const token = useTokenInfo(lease.paymentToken).data;
  const flow = useTxFlow();
  const [form, setForm] = useState<AccessForm>(EMPTY_ACCESS);
  const [touched, setTouched] = useState(false);
  const [sealError, setSealError] = useState<string>();
  const state = leaseStateAt(lease, now);
  const id = lease.leaseId;
  const { errors, details } = validateAccessForm(form);
  const overdue = state.status === "ActivationOverdue";

  const submit = async () => {
    setTouched(true);
    setSealError(undefined);
    if (!details || !signer) return;
    let payload: Hex;
    try {
      payload = sealAccess(row.buyerPublicKey, details);
    } catch (e) {
      setSealError(e instanceof AccessPayloadError ? e.message : String(e));
      return;
    }
    const ok = await flow.run(
      [
        {
          label: `Activate lease #${id}`,
          run: () =>
            activateLease(signer, {
              market: addresses!.market,
              leaseId: id,
              encryptedAccess: payload,
            }),
        },
      ],
      {
        token,
      },
    );
    if (ok) setForm(EMPTY_ACCESS);
    onChanged();
  };

  return (
    <article className="card lease-card" aria-labelledby={headingId}>
      <header className="lease-card-head">
        <h3 id={headingId}>Lease #{String(id)}</h3>
        <span className={`badge badge-${state.status}`}>
          {overdue ? "Activation overdue" : "Pending"}
        </span>
        <Link
          className="small"
          to={`/explorer/leases/${id}`}
          aria-label={`Lease #${id} in the explorer`}
        >
          Lease #{String(id)} in the explorer
        </Link>
      </header>
      <dl className="terms">
        <dt>Buyer</dt>
        <dd className="mono small">{lease.buyer}</dd>
        <dt>Hardware</dt>
        <dd>
          {String(lease.units * lease.gpusPerUnit)}× {gpuModelLabel(row.gpuModel)} (
          {String(lease.units)} server{lease.units === 1n ? "" : "s"})
        </dd>
        <dt>Term</dt>
        <dd>
          {formatDuration(lease.duration)} · deposit {amountText(state.deposit, token)}
        </dd>
        <dt>Activate within</dt>
        <dd className="countdown">
          {overdue ? "Deadline missed" : formatCountdown(state.activationSecondsLeft)}
        </dd>
      </dl>
      {overdue ? (
        <p className="callout callout-warn">
          The activation window has passed: the buyer may now cancel this lease.
        </p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <fieldset>
            <legend>
              Access details for lease #{String(id)} (encrypted to the buyer’s key in this browser)
            </legend>
            <AccessFields form={form} errors={touched ? errors : {}} onChange={setForm} />
          </fieldset>
          {sealError && (
            <p className="error" role="alert">
              {sealError}
            </p>
          )}
          <button type="submit" className="button" disabled={flow.busy}>
            Encrypt and activate lease #{String(id)}
          </button>
        </form>
      )}
      <TxProgress flow={flow} title={`Activation of lease #${id}`} />
    </article>
  );
}
