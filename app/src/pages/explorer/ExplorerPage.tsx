import { useMemo } from "react";
import { ErrorState, Loading } from "../../components/States.tsx";
import { Stat } from "../../components/Stat.tsx";
import { LineChart, StackedBars } from "../../components/charts.tsx";
import { Link } from "../../lib/router.tsx";
import { feeWeightedPricePerGpuHour, type IndexedPaymentToken } from "@gridlease/sdk/indexer";
import { CHART_DAYS, useDayStats, useOverview } from "./data.ts";
import { useLeaseTotal } from "./listData.ts";
import { formatTokenAmountShort, regionLabel } from "@gridlease/sdk";
import {
  netGpuHours,
  priceIndexSeries,
  regionGpuHourSeries,
  regionTotals,
  tokensOf,
  type ModelDayStatRow,
  type RegionDayStatRow,
} from "./series.ts";
import { MarketAvailability } from "./Availability.tsx";
import { Amount, TokenSymbol } from "../../components/Amount.tsx";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { ExplorerHeader, gpuHours } from "./ui.tsx";
import { totalText } from "./leaseFilter.ts";

const ACTIVE = { status: "Active" } as const;

/** `/explorer`: market totals, volume per token, the price index and GPU-hours by region. */
export default function ExplorerPage(_: { params: Record<string, string> }) {
  const overview = useOverview();
  const days = useDayStats();
  // From the indexer's lease counts (an aggregate), like every total of the explorer.
  const active = useLeaseTotal(ACTIVE);
  return (
    <section className="explorer">
      <ExplorerHeader title="Explorer">
        <p className="muted">
          Every lease on Gridlease: its parties, hardware, region, price, timeline and settlement,
          rebuilt from on-chain events.
        </p>
      </ExplorerHeader>

      {overview.isPending ? (
        <Loading what="market totals" />
      ) : overview.isError ? (
        <ErrorState
          error={overview.error}
          retry={() => {
            overview.refetch();
            days.refetch();
          }}
        />
      ) : (
        <>
          <h2 className="sr-only">Totals</h2>
          <div className="cards">
            <Stat label="Leases">
              <Link to="/explorer/leases">
                {(overview.data.market?.leaseCount ?? 0).toLocaleString("en-US")}
              </Link>
            </Stat>
            <Stat label="Active leases">
              <Link to="/explorer/leases?status=Active">
                {active.data ? totalText(active.data, "").trim() : active.isError ? "—" : "…"}
              </Link>
            </Stat>
            <Stat label="Providers">
              <Link to="/explorer/providers">
                {(overview.data.market?.providerCount ?? 0).toLocaleString("en-US")}
              </Link>
            </Stat>
            <Stat label="Offers">
              <Link to="/explorer/offers">
                {(overview.data.market?.offerCount ?? 0).toLocaleString("en-US")}
              </Link>
            </Stat>
            <Stat label="GPU-hours (net of early ends)">
              {netGpuHours(overview.data.gpuModelStats).toLocaleString("en-US", {
                maximumFractionDigits: 0,
              })}
            </Stat>
          </div>
          <h2>Volume by payment token</h2>
          {overview.data.paymentTokens.length === 0 ? (
            <p className="muted">No payment token has been used yet.</p>
          ) : (
            <table className="token-totals">
              <caption className="sr-only">
                Volume, refunds, payouts and fees per payment token
              </caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col" className="num">
                    Leases
                  </th>
                  <th scope="col" className="num">
                    Volume (deposits + top-ups)
                  </th>
                  <th scope="col" className="num">
                    Refunded
                  </th>
                  <th scope="col" className="num">
                    Paid to providers
                  </th>
                  <th scope="col" className="num">
                    Protocol fees
                  </th>
                </tr>
              </thead>
              <tbody>
                {overview.data.paymentTokens.map((t) => (
                  <TokenRow key={t.address} t={t} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <h2>Price index</h2>
      <p className="muted small">
        Average price per GPU-hour of the leases that ended each UTC day, per GPU model, each lease
        weighted by the protocol fee it paid: a wash lease that pays no fee does not move it. One
        chart per payment token: amounts in different tokens are never mixed.
      </p>
      {days.isPending ? (
        <Loading what="daily statistics" />
      ) : days.isError ? (
        // One alert is enough when the whole indexer is down.
        overview.isError ? null : (
          <ErrorState error={days.error} retry={() => days.refetch()} />
        )
      ) : (
        <>
          <div className="grid-2">
            {tokensOf(days.data.models).map((token) => (
              <PriceIndex key={token} token={token} rows={days.data.models} />
            ))}
          </div>
          {days.data.models.length === 0 && <p className="muted">Nothing has been leased yet.</p>}
          <h2>GPU-hours by region</h2>
          <p className="muted small">
            GPU-hours contracted each UTC day of the last {CHART_DAYS} days (at opening and at each
            extension), stacked by region, in every token.
          </p>
          <div className="grid-2">
            <div className="card chart-card">
              <RegionChart rows={days.data.regions} />
            </div>
            <div className="card chart-card">
              <RegionTotals rows={days.data.regions} />
            </div>
          </div>
          <MarketAvailability rows={days.data.models} />
        </>
      )}
      <p>
        <Link to="/explorer/leases" className="button secondary">
          Browse all leases
        </Link>
      </p>
    </section>
  );
}

function TokenRow({ t }: { t: IndexedPaymentToken }) {
  const token = useTokenInfo(t.address).data;
  return (
    <tr>
      <th scope="row">
        <TokenSymbol token={t.address} />
      </th>
      <td className="num">{t.leaseCount.toLocaleString("en-US")}</td>
      <td className="num">
        <Amount value={t.volume} token={token} />
      </td>
      <td className="num">
        <Amount value={t.refunded} token={token} />
      </td>
      <td className="num">
        <Amount value={t.paidToProviders} token={token} />
      </td>
      <td className="num">
        <Amount value={t.feesAccrued} token={token} />
      </td>
    </tr>
  );
}

function PriceIndex({ token, rows }: { token: string; rows: ModelDayStatRow[] }) {
  const info = useTokenInfo(token).data;
  const series = useMemo(
    () => (info ? priceIndexSeries(rows, token, info.decimals) : []),
    [rows, token, info],
  );
  if (!info) return <Loading what="the token" />;
  const fmt = (v: number) =>
    info.isUsd
      ? `$${v.toFixed(2)}`
      : `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} ${info.symbol}`;
  return (
    <div className="card chart-card">
      <h3>Price per GPU-hour in {info.symbol}</h3>
      <LineChart
        series={series}
        label={`Price index per GPU model, ${info.symbol} per GPU-hour, by day`}
        format={fmt}
      />
      <LatestPrices rows={rows} token={token} format={(v) => formatTokenAmountShort(v, info)} />
    </div>
  );
}

/** The latest day's index per model, as text (readable without the chart). */
function LatestPrices({
  rows,
  token,
  format,
}: {
  rows: ModelDayStatRow[];
  token: string;
  format: (v: bigint) => string;
}) {
  const latest = useMemo(() => {
    const m = new Map<string, ModelDayStatRow>();
    for (const r of rows)
      if (r.paymentToken === token && r.feesPaid > 0n && (m.get(r.gpuModel)?.day ?? -1) < r.day)
        m.set(r.gpuModel, r);
    return [...m.values()].sort((a, b) => a.gpuModel.localeCompare(b.gpuModel));
  }, [rows, token]);
  return (
    <details className="latest">
      <summary>Latest index per model</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">GPU model</th>
            <th scope="col">Day</th>
            <th scope="col" className="num">
              Price per GPU-hour
            </th>
          </tr>
        </thead>
        <tbody>
          {latest.map((r) => (
            <tr key={r.id}>
              <td>{r.gpuModel}</td>
              <td>{new Date(Number(r.date) * 1000).toISOString().slice(0, 10)}</td>
              <td className="num">{format(feeWeightedPricePerGpuHour(r) ?? 0n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

function RegionChart({ rows }: { rows: RegionDayStatRow[] }) {
  const series = useMemo(() => regionGpuHourSeries(rows), [rows]);
  return (
    <StackedBars
      series={series}
      label="GPU-hours contracted per day, by region"
      format={(v) => compact.format(v)}
    />
  );
}

/** The same rows as totals per region over the charted days, as a table (readable without the chart). */
function RegionTotals({ rows }: { rows: RegionDayStatRow[] }) {
  const totals = useMemo(() => regionTotals(rows), [rows]);
  return (
    <table>
      <caption className="sr-only">GPU-hours by region over the last {CHART_DAYS} days</caption>
      <thead>
        <tr>
          <th scope="col">Region</th>
          <th scope="col" className="num">
            Leases opened
          </th>
          <th scope="col" className="num">
            GPU-hours contracted
          </th>
          <th scope="col" className="num">
            Released early
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((t) => (
          <tr key={t.region}>
            <th scope="row">
              <Link to={`/explorer/leases?region=${encodeURIComponent(t.region)}`}>
                {regionLabel(t.region)}
              </Link>
            </th>
            <td className="num">{t.leases.toLocaleString("en-US")}</td>
            <td className="num">{gpuHours(t.leased)}</td>
            <td className="num">{gpuHours(t.released)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
