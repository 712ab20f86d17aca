import { useId, useState } from "react";
import type { Hex } from "viem";
import {
  AccessPayloadError,
  formatDuration,
  gpuModelLabel,
  leaseStateAt,
  resolveOutage,
  sealAccess,
} from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import { Link } from "../../lib/router.tsx";
import type { LiveLeaseView } from "../../lib/liveLease.ts";
import { TxProgress } from "../../components/TxProgress.tsx";
import { useBuyerOutageReports, useLiveLeases, type IndexedProviderLease } from "./data.ts";
import { EMPTY_ACCESS, validateAccessForm } from "./access.ts";
import { AccessFields } from "./AccessFields.tsx";
import { openOutages, repairUrgency } from "./outages.ts";

/**
 * Open outages, above every other lease: servers a buyer reported down (not billed), the time left to repair (red
 * under an hour), the reports on the lease, and "Resolve outage". Hidden when none is open.
 */
export function OutagesSection({ onChanged }: { onChanged: () => void }) {
  const { rows, live } = useLiveLeases();
  const { now } = useChainNow();
  const outages = openOutages(live.data ?? []);
  if (outages.length === 0) return null;
  const byId = new Map(rows.map((r) => [String(r.leaseId), r]));
  return (
    <section className="card provider-section outages" aria-labelledby="outages-heading">
      <h2 id="outages-heading">Open outages ({outages.length})</h2>
      <p className="muted small">
        Buyers reported these servers down: they are not billed until you resolve the outage.
        Resolve only once they work again; after the repair deadline the buyer may end the lease
        with a refund and a penalty from your bond.
      </p>
      <div className="lease-list">
        {outages.map((l) => (
          <OutageCard
            key={String(l.leaseId)}
            lease={l}
            row={byId.get(String(l.leaseId))}
            now={now}
            onChanged={() => {
              void live.refetch();
              onChanged();
            }}
          />
        ))}
      </div>
    </section>
  );
}

/** One open outage: its countdown and the resolve action, with new access details sealed to the buyer if wanted. */
export function OutageCard({
  lease,
  row,
  now,
  onChanged,
}: {
  lease: LiveLeaseView;
  row?: IndexedProviderLease;
  now: bigint;
  onChanged: () => void;
}) {
  const headingId = useId();
  const { addresses } = useGridlease();
  const signer = useSigner();
  const flow = useTxFlow();
  const [withAccess, setWithAccess] = useState(false);
  const [form, setForm] = useState(EMPTY_ACCESS);
  const [touched, setTouched] = useState(false);
  const [sealError, setSealError] = useState<string>();
  const state = leaseStateAt(lease, now);
  const id = lease.leaseId;
  const urgency = repairUrgency(state.repairSecondsLeft);
  const resolvable = state.status === "Active" && urgency !== "passed";
  const { errors, details } = validateAccessForm(form);
  const buyerReports = useBuyerOutageReports(lease.buyer).data;

  const submit = async () => {
    setTouched(true);
    setSealError(undefined);
    if (!signer) return;
    let encryptedAccess: Hex = "0x";
    if (withAccess) {
      if (!details) return;
      if (!row) return setSealError("The buyer's key is not indexed yet: try again in a moment.");
      try {
        encryptedAccess = sealAccess(row.buyerPublicKey, details);
      } catch (e) {
        return setSealError(e instanceof AccessPayloadError ? e.message : String(e));
      }
    }
    const ok = await flow.run([
      {
        label: `Resolve the outage on lease #${id}${withAccess ? " with new access details" : ""}`,
        run: () =>
          resolveOutage(signer, { market: addresses!.market, leaseId: id, encryptedAccess }),
      },
    ]);
    if (ok) setForm(EMPTY_ACCESS);
    onChanged();
  };

  return (
    <article className={`card lease-card outage-${urgency}`} aria-labelledby={headingId}>
      <header className="lease-card-head">
        <h3 id={headingId}>Outage on lease #{String(id)}</h3>
        <span className={`badge ${urgency === "ok" ? "badge-Pending" : "badge-Ended"}`}>
          {String(state.downUnits)} of {String(lease.units)} down
        </span>
        <Link className="small" to={`/explorer/leases/${id}`}>
          Lease #{String(id)} in the explorer
        </Link>
      </header>
      <dl className="terms">
        <dt>Time left to repair</dt>
        <dd className={`countdown ${urgency === "ok" ? "" : "urgent"}`} aria-live="off">
          {urgency === "passed" ? "Deadline passed" : formatCountdown(state.repairSecondsLeft)}
        </dd>
        <dt>Servers down</dt>
        <dd>
          {String(state.downUnits)} of {String(lease.units)}
          {row && <> ({gpuModelLabel(row.gpuModel)})</>}
        </dd>
        <dt>Downtime so far</dt>
        <dd>{formatDuration(state.downUnitSeconds)} of server time (not billed)</dd>
        <dt>Buyer</dt>
        <dd className="mono small">{lease.buyer}</dd>
        <dt>Reports on this lease</dt>
        <dd>{String(state.outageReports)}</dd>
        <dt>Reports by this buyer, all leases</dt>
        <dd>{buyerReports === undefined || buyerReports === null ? "…" : buyerReports}</dd>
      </dl>
      {!resolvable ? (
        <p className="callout callout-warn">
          {urgency === "passed"
            ? "The repair deadline has passed: the outage can no longer be resolved, and anyone may end the lease."
            : "The lease is over: the outage can no longer be resolved."}
        </p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p>
            <label className="check">
              <input
                type="checkbox"
                checked={withAccess}
                onChange={(e) => setWithAccess(e.target.checked)}
              />{" "}
              Send new access details (e.g. the lease moved to a spare server)
            </label>
          </p>
          {withAccess && (
            <fieldset>
              <legend>
                New access details for lease #{String(id)} (encrypted to the buyer’s key in this
                browser)
              </legend>
              <AccessFields form={form} errors={touched ? errors : {}} onChange={setForm} />
            </fieldset>
          )}
          {sealError && (
            <p className="error" role="alert">
              {sealError}
            </p>
          )}
          <button type="submit" className="button" disabled={flow.busy || !signer}>
            Resolve outage on lease #{String(id)}
          </button>
        </form>
      )}
      <TxProgress flow={flow} title={`Outage on lease #${id}`} />
    </article>
  );
}
