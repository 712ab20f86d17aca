import { useId, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { formatUnits, type Address, type Hex } from "viem";
import {
  activateLease,
  AccessPayloadError,
  claim,
  closeLease,
  formatDuration,
  getLease,
  gpuModelLabel,
  leaseStateAt,
  sealAccess,
  type LeaseView,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useGridlease, useSigner, useTokenInfo } from "../../lib/gridlease.ts";
import { useTxFlow } from "../../lib/tx.ts";
import { Link } from "../../lib/router.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { StackedBars, seriesColor } from "../../components/charts.tsx";
import { formatCountdown } from "../buyer/logic.ts";
import { useChainNow } from "../buyer/hooks.ts";
import { tokenAmount } from "../buyer/LeaseCard.tsx";
import { useIndexedProviderLeases, type IndexedProviderLease } from "./data.ts";
import { earningsByDay, fillDays, netClaimable, utilisationByDay } from "./logic.ts";
import { validateAccessForm, type AccessForm } from "./access.ts";

const MAX_CLAIM_BATCH = 200;

/*//////////////////////////////////////////////////////////////
                         PENDING LEASES
//////////////////////////////////////////////////////////////*/

/**
 * The provider's live leases as the chain has them now: pending, active, and ended ones with earnings still to
 * claim. One query shared by every section (same key, so one read per lease), re-read when the indexer sees a
 * lease change status or get claimed, and every 30 s for the countdowns' sake.
 */
function useLiveLeases() {
  const { account, addresses, chainId } = useGridlease();
  const client = usePublicClient();
  const leases = useIndexedProviderLeases(account);
  const rows = (leases.data ?? []).filter(
    (l) =>
      l.status === "Pending" ||
      l.status === "Active" ||
      (l.status === "Ended" && BigInt(l.accrued) > BigInt(l.claimedGross)),
  );
  const live = useQuery({
    queryKey: [
      "provider-live-leases",
      chainId,
      account?.toLowerCase(),
      rows.map((l) => `${l.leaseId}:${l.status}:${l.claimedGross}`).join(","),
    ],
    enabled: !!client && !!addresses && leases.isSuccess,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    queryFn: () =>
      Promise.all(
        rows.map((r) =>
          getLease(client!, { market: addresses!.market, leaseId: BigInt(r.leaseId) }),
        ),
      ),
  });
  return { leases, rows, live };
}

export function PendingLeasesSection({ onChanged }: { onChanged: () => void }) {
  const { leases, rows: liveRows, live } = useLiveLeases();
  const { now } = useChainNow();
  const pendingRows = liveRows.filter((l) => l.status === "Pending");
  const rows = new Map(pendingRows.map((r) => [r.leaseId, r]));

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

const EMPTY_ACCESS: AccessForm = { host: "", port: "22", user: "", secret: "" };

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
  const err = (k: keyof AccessForm) => (touched ? errors[k] : undefined);
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
          {formatDuration(lease.duration)} · deposit {tokenAmount(state.deposit, token)}
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
            <div className="form-grid">
              <Field label="Host" error={err("host")}>
                {(p) => (
                  <input
                    {...p}
                    autoComplete="off"
                    value={form.host}
                    onChange={(e) => setForm({ ...form, host: e.target.value })}
                  />
                )}
              </Field>
              <Field label="Port" error={err("port")}>
                {(p) => (
                  <input
                    {...p}
                    inputMode="numeric"
                    value={form.port}
                    onChange={(e) => setForm({ ...form, port: e.target.value })}
                  />
                )}
              </Field>
              <Field label="User" error={err("user")}>
                {(p) => (
                  <input
                    {...p}
                    autoComplete="off"
                    value={form.user}
                    onChange={(e) => setForm({ ...form, user: e.target.value })}
                  />
                )}
              </Field>
            </div>
            <Field
              label="SSH key or token"
              error={err("secret")}
              hint="A private key (-----BEGIN …) is sent as a key; anything else as a token."
            >
              {(p) => (
                <textarea
                  {...p}
                  rows={3}
                  className="mono"
                  spellCheck={false}
                  value={form.secret}
                  onChange={(e) => setForm({ ...form, secret: e.target.value })}
                />
              )}
            </Field>
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

/*//////////////////////////////////////////////////////////////
                       EARNINGS AND CHARTS
//////////////////////////////////////////////////////////////*/

interface Claimable {
  leaseId: bigint;
  token: Address;
  gross: bigint;
  net: bigint;
}

export function EarningsSection({ onChanged }: { onChanged: () => void }) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const { now } = useChainNow();
  const flow = useTxFlow();

  // Leases that may hold unclaimed earnings: running ones, and ended ones the indexer has not seen fully claimed.
  const { leases, live } = useLiveLeases();
  const claimables: Claimable[] = (live.data ?? []).flatMap((l) => {
    if (Number(l.status) === 1) return [];
    const s = leaseStateAt(l, now);
    const accrued = s.accrued;
    if (accrued <= l.settled) return [];
    return [
      {
        leaseId: l.leaseId,
        token: l.paymentToken,
        gross: accrued - l.settled,
        net: netClaimable(accrued, l.settled, l.feeBps),
      },
    ];
  });
  const byToken = new Map<string, { token: Address; net: bigint; gross: bigint; count: number }>();
  for (const c of claimables) {
    const key = c.token.toLowerCase();
    const t = byToken.get(key) ?? { token: c.token, net: 0n, gross: 0n, count: 0 };
    t.net += c.net;
    t.gross += c.gross;
    t.count += 1;
    byToken.set(key, t);
  }

  const claimAll = async () => {
    if (!signer || claimables.length === 0) return;
    const ids = claimables.map((c) => c.leaseId);
    const batches: bigint[][] = [];
    for (let i = 0; i < ids.length; i += MAX_CLAIM_BATCH)
      batches.push(ids.slice(i, i + MAX_CLAIM_BATCH));
    await flow.run(
      batches.map((b, i) => ({
        label:
          batches.length === 1
            ? `Claim earnings of ${b.length} lease${b.length === 1 ? "" : "s"}`
            : `Claim batch ${i + 1} of ${batches.length} (${b.length} leases)`,
        run: () => claim(signer, { market: addresses!.market, leaseIds: b }),
      })),
    );
    void live.refetch();
    onChanged();
  };

  return (
    <section className="card provider-section" aria-labelledby="earnings-heading">
      <h2 id="earnings-heading">Earnings</h2>
      {leases.isPending || (leases.isSuccess && live.isPending) ? (
        <Loading what="your earnings" />
      ) : leases.isError ? (
        <ErrorState error={leases.error} retry={() => void leases.refetch()} />
      ) : live.isError ? (
        <ErrorState error={live.error} retry={() => void live.refetch()} />
      ) : (
        <>
          <h3>Claimable now</h3>
          {byToken.size === 0 ? (
            <Empty>Nothing to claim right now.</Empty>
          ) : (
            <table className="claim-table">
              <caption className="sr-only">Claimable earnings per payment token</caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col" className="num">
                    Leases
                  </th>
                  <th scope="col" className="num">
                    Earned, not yet claimed
                  </th>
                  <th scope="col" className="num">
                    You receive (after the protocol fee)
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...byToken.values()].map((t) => (
                  <ClaimRow key={t.token} {...t} />
                ))}
              </tbody>
            </table>
          )}
          <button
            type="button"
            className="button"
            disabled={flow.busy || claimables.length === 0}
            onClick={() => void claimAll()}
          >
            Claim all
          </button>
          <TxProgress flow={flow} title="Claim transactions" />
          <Charts leases={leases.data!} now={Number(now)} />
        </>
      )}
    </section>
  );
}

function ClaimRow({
  token,
  gross,
  net,
  count,
}: {
  token: Address;
  gross: bigint;
  net: bigint;
  count: number;
}) {
  const info = useTokenInfo(token).data;
  return (
    <tr>
      <th scope="row">{info?.symbol ?? token}</th>
      <td className="num">{count}</td>
      <td className="num">{tokenAmount(gross, info)}</td>
      <td className="num">{tokenAmount(net, info)}</td>
    </tr>
  );
}

const DAY = 86_400;

function Charts({ leases, now }: { leases: IndexedProviderLease[]; now: number }) {
  // Whole days only, so the chart does not re-render every second.
  const today = Math.floor(now / DAY) * DAY;
  const util = utilisationByDay(leases, today + DAY);
  const earnings = earningsByDay(leases, today + DAY);
  // The last 30 days, or fewer when the history is shorter.
  const firstDay = Math.min(
    today,
    ...[...util.values(), ...earnings.values()].flatMap((m) => [...m.keys()]),
  );
  const from = Math.max(today - 29 * DAY, firstDay);
  const utilSeries = [...util.entries()].map(([model, days], i) => ({
    name: gpuModelLabel(model),
    color: seriesColor(i),
    points: fillDays(days, 0, from, today).map((p) => ({ x: p.x, y: Math.round(p.y * 10) / 10 })),
  }));
  return (
    <>
      <h3>GPU-hours in service per day</h3>
      {utilSeries.length === 0 ? (
        <p className="muted">No GPU-hours in service yet: they appear once a lease is active.</p>
      ) : (
        <StackedBars
          series={utilSeries}
          label="GPU-hours in service per day by GPU model"
          format={(v) => `${Math.round(v).toLocaleString()} h`}
        />
      )}
      {[...earnings.entries()].map(([token, days]) => (
        <EarningsChart key={token} token={token as Address} days={days} from={from} to={today} />
      ))}
      {earnings.size === 0 && (
        <p className="muted">No earnings yet: they appear once a lease is active.</p>
      )}
    </>
  );
}

function EarningsChart({
  token,
  days,
  from,
  to,
}: {
  token: Address;
  days: Map<number, bigint>;
  from: number;
  to: number;
}) {
  const info = useTokenInfo(token).data;
  if (!info) return null;
  const display: TokenDisplay = info;
  const points = fillDays(days, 0n, from, to).map((p) => ({
    x: p.x,
    y: Number(formatUnits(p.y, display.decimals)),
  }));
  return (
    <>
      <h3>Earnings per day in {info.symbol} (after fees)</h3>
      <StackedBars
        series={[
          { name: `Earnings (${info.symbol})`, color: seriesColor(info.isUsd ? 0 : 1), points },
        ]}
        label={`Earnings per day in ${info.symbol}`}
        format={(v) => {
          const n = v.toLocaleString("en-US", {
            maximumFractionDigits: v !== 0 && Math.abs(v) < 100 ? 2 : 0,
          });
          return info.isUsd ? `$${n}` : n;
        }}
      />
    </>
  );
}

/*//////////////////////////////////////////////////////////////
                        LEASES IN SERVICE
//////////////////////////////////////////////////////////////*/

/** Running and expired (not yet closed) leases: time left, accrued, and closing expired ones to free their servers. */
export function RunningLeasesSection({ onChanged }: { onChanged: () => void }) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const { now } = useChainNow();
  const flow = useTxFlow();
  const { leases, rows: liveRows, live } = useLiveLeases();
  const activeRows = liveRows.filter((l) => l.status === "Active");
  const models = new Map(activeRows.map((r) => [r.leaseId, r.gpuModel]));
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
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <TxProgress flow={flow} title="Closing leases" />
    </section>
  );
}

function RunningRow({
  lease,
  model,
  now,
  busy,
  onClose,
}: {
  lease: LeaseView;
  model: string;
  now: bigint;
  busy: boolean;
  onClose: () => void;
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
      </td>
      <td className="num">
        {state.status === "Active" ? formatCountdown(state.remainingSeconds) : "—"}
      </td>
      <td className="num">{tokenAmount(state.accrued, token)}</td>
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
      </td>
    </tr>
  );
}
