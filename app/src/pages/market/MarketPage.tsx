import { useEffect, useMemo, useState } from "react";
import {
  formatDuration,
  formatTokenAmount,
  gpuModelLabel,
  GPU_MODELS,
  regionLabel,
  REGIONS,
} from "@gridlease/sdk";
import { Link, useSearchParams } from "../../lib/router.tsx";
import { useGridlease } from "../../lib/gridlease.ts";
import { Empty, ErrorState, Loading, NotDeployed } from "../../components/States.tsx";
import { useMarketOffers, useTokenMetas } from "./data.ts";
import {
  filterOffers,
  filterPatch,
  gpuHours,
  isOpen,
  paginate,
  parseFilters,
  sortOffers,
  SORTS,
  unitsAvailable,
  type Filters,
  type MarketOffer,
  type TokenMeta,
} from "./filters.ts";
import "./market.css";

const USD = /^t?(USD[A-Z]?|USD₮|DAI|PYUSD)$/i;

export default function MarketPage(_: { params: Record<string, string> }) {
  const { chainId, addresses } = useGridlease();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const query = useMarketOffers();
  const offers = query.data;

  const tokenIds = useMemo(
    () => [...new Set((offers ?? []).map((o) => o.paymentToken))].sort(),
    [offers],
  );
  const tokens = useTokenMetas(tokenIds, chainId);
  const tokenKey = tokenIds.map((t) => `${t}:${tokens[t]?.decimals ?? "?"}`).join(",");

  const open = useMemo(() => (offers ?? []).filter(isOpen), [offers]);
  // Recomputed only when the data, the filters or the token decimals change, not on every render.
  const visible = useMemo(
    () => sortOffers(filterOffers(open, filters, tokens), filters.sort, tokens),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      open,
      filters.gpu,
      filters.region,
      filters.minGpus,
      filters.maxPrice,
      filters.token,
      filters.fabric,
      filters.sort,
      tokenKey,
    ],
  );
  const page = paginate(visible, filters.page);

  const models = useMemo(
    () => [...new Set([...Object.keys(GPU_MODELS), ...open.map((o) => o.gpuModel)])],
    [open],
  );
  const regions = useMemo(
    () => [...new Set([...Object.keys(REGIONS), ...open.map((o) => o.region)])],
    [open],
  );
  const fabrics = useMemo(() => {
    const names = new Set<string>();
    for (const o of open) if (o.interconnect) names.add(o.interconnect.split("·")[0].trim());
    return [...names].sort();
  }, [open]);

  const set = (patch: Partial<Record<keyof Filters, string | undefined>>) =>
    setParams(filterPatch(patch));
  const filtered = !!(
    filters.gpu ||
    filters.region ||
    filters.minGpus ||
    filters.maxPrice ||
    filters.token ||
    filters.fabric
  );

  if (!addresses)
    return (
      <section className="market">
        <h1>GPU market</h1>
        <NotDeployed />
      </section>
    );

  return (
    <section className="market">
      <h1>GPU market</h1>
      <p className="muted">
        Every open offer: capacity you can lease now, paid per second from an on-chain escrow.
        Unused time is refunded.
      </p>

      <form
        className="toolbar market-filters"
        aria-label="Filter offers"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field">
          <label htmlFor="f-gpu">GPU model</label>
          <select
            id="f-gpu"
            value={filters.gpu ?? ""}
            onChange={(e) => set({ gpu: e.target.value })}
          >
            <option value="">Any GPU</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {gpuModelLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-region">Region</label>
          <select
            id="f-region"
            value={filters.region ?? ""}
            onChange={(e) => set({ region: e.target.value })}
          >
            <option value="">Any region</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {regionLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <div className="field narrow">
          <label htmlFor="f-min-gpus">Min GPUs</label>
          <DraftInput
            id="f-min-gpus"
            inputMode="numeric"
            describedBy="f-min-gpus-hint"
            value={filters.minGpus?.toString()}
            accept={(v) => /^\d*$/.test(v)}
            onCommit={(v) => set({ minGpus: v })}
          />
          <small id="f-min-gpus-hint" className="hint small">
            Free on the offer
          </small>
        </div>
        <div className="field narrow">
          <label htmlFor="f-max-price">Max price per GPU-hour</label>
          <DraftInput
            id="f-max-price"
            inputMode="decimal"
            describedBy="f-max-price-hint"
            value={filters.maxPrice}
            accept={(v) => /^\d+(\.\d+)?$/.test(v)}
            onCommit={(v) => set({ maxPrice: v })}
          />
          <small id="f-max-price-hint" className="hint small">
            In the offer's token, e.g. 2.5
          </small>
        </div>
        <div className="field">
          <label htmlFor="f-token">Payment token</label>
          <select
            id="f-token"
            value={filters.token ?? ""}
            onChange={(e) => set({ token: e.target.value })}
          >
            <option value="">Any token</option>
            {tokenIds.map((t) => (
              <option key={t} value={t}>
                {tokens[t]?.symbol ?? `${t.slice(0, 8)}…`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-fabric">Interconnect</label>
          <select
            id="f-fabric"
            value={filters.fabric ?? ""}
            onChange={(e) => set({ fabric: e.target.value })}
          >
            <option value="">Any interconnect</option>
            {fabrics.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" value={filters.sort} onChange={(e) => set({ sort: e.target.value })}>
            {Object.entries(SORTS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button
            type="button"
            className="button secondary"
            onClick={() =>
              set({
                gpu: undefined,
                region: undefined,
                minGpus: undefined,
                maxPrice: undefined,
                token: undefined,
                fabric: undefined,
              })
            }
          >
            Clear filters
          </button>
        )}
      </form>

      {query.isPending ? (
        <Loading what="offers" />
      ) : query.isError && !offers ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : (
        <>
          {query.isError && <ErrorState error={query.error} retry={() => void query.refetch()} />}
          <p className="muted" role="status" aria-live="polite">
            {visible.length === 0
              ? "No offers match."
              : `Showing ${page.start + 1}–${page.end} of ${visible.length.toLocaleString("en-US")} open offers${
                  filtered ? ` (filtered from ${open.length.toLocaleString("en-US")})` : ""
                }.`}
          </p>
          {visible.length === 0 ? (
            <Empty>
              {open.length === 0
                ? "No offer has capacity free right now. Come back later, or list your own as a provider."
                : "No open offer matches these filters. Widen them or clear them."}
            </Empty>
          ) : (
            <OfferTable offers={page.rows} tokens={tokens} />
          )}
          {page.pages > 1 && (
            <nav className="pager" aria-label="Pages of offers">
              <button
                type="button"
                className="button secondary small"
                disabled={page.page <= 1}
                onClick={() => setParams(filterPatch({ page: String(page.page - 1) }))}
              >
                Previous page
              </button>
              <span>
                Page {page.page} of {page.pages}
              </span>
              <button
                type="button"
                className="button secondary small"
                disabled={page.page >= page.pages}
                onClick={() => setParams(filterPatch({ page: String(page.page + 1) }))}
              >
                Next page
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}

/**
 * A text input bound to a query-string value: typing updates the URL whenever the text is valid (or empty), and a
 * change of the URL from elsewhere (Clear filters, back button) updates the text.
 */
function DraftInput(props: {
  id: string;
  inputMode: "numeric" | "decimal";
  describedBy: string;
  value: string | undefined;
  accept: (v: string) => boolean;
  onCommit: (v: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(props.value ?? "");
  useEffect(() => {
    setDraft((d) => (d.trim() === (props.value ?? "") ? d : (props.value ?? "")));
  }, [props.value]);
  return (
    <input
      id={props.id}
      type="text"
      inputMode={props.inputMode}
      placeholder="Any"
      autoComplete="off"
      aria-describedby={props.describedBy}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        const v = e.target.value.trim();
        if (v === "") props.onCommit(undefined);
        else if (props.accept(v)) props.onCommit(v);
      }}
    />
  );
}

/** "$2.10" for a stablecoin, "2.5 GRID" otherwise. */
export function priceLabel(value: bigint, token: TokenMeta | undefined) {
  return formatTokenAmount(value, token);
}

function OfferTable({
  offers,
  tokens,
}: {
  offers: MarketOffer[];
  tokens: Record<string, TokenMeta | undefined>;
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
            const isUsd = token && USD.test(token.symbol);
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
                  <div className="price">{priceLabel(o.pricePerGpuHour, token)}</div>
                  <div className="small muted">
                    {isUsd ? token!.symbol : token ? "" : "token unknown"}
                  </div>
                </td>
                <td className="small">
                  {formatDuration(o.minDuration)} to {formatDuration(o.maxDuration)}
                </td>
                <td className="small">
                  {o.track ? (
                    <>
                      <div>{o.track.leasesServed.toLocaleString("en-US")} leases served</div>
                      <div>
                        {gpuHours(o.track.gpuSecondsServed).toLocaleString("en-US")} GPU-hours
                      </div>
                      <div className={o.track.noShows > 0 ? "warn" : "muted"}>
                        {o.track.noShows} no-show{o.track.noShows === 1 ? "" : "s"}
                      </div>
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
