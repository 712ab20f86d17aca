import { formatUnits, type Address } from "viem";
import { claim, gpuModelLabel, leaseStateAt } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { amountText } from "../../components/Amount.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { StackedBars, seriesColor } from "../../components/charts.tsx";
import { useLiveLeases, type IndexedProviderLease } from "./data.ts";
import { earningsByDay, fillDays, netClaimable, utilisationByDay } from "./logic.ts";

const MAX_CLAIM_BATCH = 200;

interface Claimable {
  leaseId: bigint;
  token: Address;
  gross: bigint;
  net: bigint;
}

/** What the provider can claim now, per token, with "Claim all" and the charts of the last 30 days. */
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
      <td className="num">{amountText(gross, info)}</td>
      <td className="num">{amountText(net, info)}</td>
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
        <EarningsChart key={token} token={token} days={days} from={from} to={today} />
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
  token: string;
  days: Map<number, bigint>;
  from: number;
  to: number;
}) {
  const info = useTokenInfo(token).data;
  if (!info) return null;
  const points = fillDays(days, 0n, from, to).map((p) => ({
    x: p.x,
    y: Number(formatUnits(p.y, info.decimals)),
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
