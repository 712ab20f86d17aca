import { closeLease, gpuModelLabel, leaseStateAt } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import type { LiveLeaseView } from "../../lib/liveLease.ts";
import { useLiveLeases } from "./data.ts";
import { LeaseEnds } from "./LeaseEnds.tsx";

/** Running and expired (not yet closed) leases: time left, accrued, and closing expired ones to free their servers. */
export function RunningLeasesSection({ onChanged }: { onChanged: () => void }) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const { now } = useChainNow();
  const flow = useTxFlow();
  const { leases, rows: liveRows, live } = useLiveLeases();
  const activeRows = liveRows.filter((l) => l.status === "Active");
  const models = new Map(activeRows.map((r) => [String(r.leaseId), r.gpuModel]));
  const rows = (live.data ?? []).filter((l) => Number(l.status) === 2 || Number(l.status) === 3);
  const expired = rows.filter((l) => leaseStateAt(l, now).status === "Expired");

  const close = async (ids: bigint[]) => {
    if (!signer) return;
    await flow.run(
      ids.map((leaseId) => ({
        label: `Close lease #${leaseId}`,
        run: () => closeLease(signer, { market: addresses!.market, leaseId }),
      })),
    );
    void live.refetch();
    onChanged();
  };
  const runEnds = async (steps: TxStepDef[]) => {
    await flow.run(steps);
    void live.refetch();
    onChanged();
  };

  return (
    <section className="card provider-section" aria-labelledby="running-heading">
      <div className="section-head">
        <h2 id="running-heading">Leases in service</h2>
        {expired.length > 1 && (
          <button
            type="button"
            className="button secondary"
            disabled={flow.busy}
            onClick={() => void close(expired.map((l) => l.leaseId))}
          >
            Close all {expired.length} expired leases
          </button>
        )}
      </div>
      {leases.isPending || (leases.isSuccess && live.isPending) ? (
        <Loading what="running leases" />
      ) : leases.isError ? (
        <ErrorState error={leases.error} retry={() => void leases.refetch()} />
      ) : live.isError ? (
        <ErrorState error={live.error} retry={() => void live.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No lease is running.</Empty>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="sr-only">Running and expired leases of your offers</caption>
            <thead>
              <tr>
                <th scope="col">Lease</th>
                <th scope="col">Buyer</th>
                <th scope="col">Hardware</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Time left
                </th>
                <th scope="col" className="num">
                  Accrued
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => (
                <RunningRow
                  key={String(l.leaseId)}
                  lease={l}
                  model={models.get(String(l.leaseId)) ?? ""}
                  now={now}
                  busy={flow.busy}
                  onClose={() => void close([l.leaseId])}
                  onRun={(steps) => void runEnds(steps)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <TxProgress flow={flow} title="Lease transactions" />
    </section>
  );
}

function RunningRow({
  lease,
  model,
  now,
  busy,
  onClose,
  onRun,
}: {
  lease: LiveLeaseView;
  model: string;
  now: bigint;
  busy: boolean;
  onClose: () => void;
  onRun: (steps: TxStepDef[]) => void;
}) {
  const token = useTokenInfo(lease.paymentToken).data;
  const state = leaseStateAt(lease, now);
  const id = String(lease.leaseId);
  return (
    <tr>
      <td>
        <Link to={`/explorer/leases/${id}`}>Lease #{id}</Link>
      </td>
      <td className="mono small">
        {lease.buyer.slice(0, 6)}…{lease.buyer.slice(-4)}
      </td>
      <td>
        {String(lease.units * lease.gpusPerUnit)}× {gpuModelLabel(model)}
      </td>
      <td>
        <span className={`badge badge-${state.status}`}>{state.status}</span>
        {state.downUnits > 0n && (
          <span className="badge badge-Ended">{String(state.downUnits)} down</span>
        )}
      </td>
      <td className="num">
        {state.status === "Active" ? formatCountdown(state.remainingSeconds) : "—"}
      </td>
      <td className="num">{amountText(state.accrued, token)}</td>
      <td>
        {state.status === "Expired" && (
          <button
            type="button"
            className="button secondary small"
            disabled={busy}
            onClick={onClose}
          >
            Close lease #{id}
          </button>
        )}
        {/* On-chain Active: a rolling lease past its funded end is still active until it is ended as Unfunded. */}
        {Number(lease.status) === 2 && (
          <LeaseEnds
            leaseId={lease.leaseId}
            units={lease.units}
            now={now}
            busy={busy}
            onRun={onRun}
          />
        )}
      </td>
    </tr>
  );
}
