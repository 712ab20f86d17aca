import { useMemo } from "react";
import { GPU_MODELS, REGIONS } from "@gridlease/sdk";
import { useSearchParams } from "../../lib/router.tsx";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useTokenInfos } from "../../hooks/useToken.ts";
import { Empty, ErrorState, Loading, NotDeployed } from "../../components/States.tsx";
import { useMarketOffers, useMarketTrust } from "./data.ts";
import {
  filterOffers,
  filterPatch,
  hasFilters,
  isOpen,
  paginate,
  parseFilters,
  sortOffers,
  withTrust,
} from "./filters.ts";
import { FilterBar } from "./FilterBar.tsx";
import { OfferTable } from "./OfferTable.tsx";
import "./market.css";

/** `/`: every open offer, filtered, sorted and paged by the query string. */
export default function MarketPage(_: { params: Record<string, string> }) {
  const { addresses } = useGridlease();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const query = useMarketOffers();
  const offers = query.data;

  const tokenIds = useMemo(
    () => [...new Set((offers ?? []).map((o) => o.paymentToken))].sort(),
    [offers],
  );
  const tokens = useTokenInfos(tokenIds);

  const { scores, audits } = useMarketTrust();
  const open = useMemo(
    () => withTrust((offers ?? []).filter(isOpen), scores, audits),
    [offers, scores, audits],
  );
  // Recomputed only when the data, the filters (not the page) or the tokens change, not on every render.
  const { gpu, region, minGpus, maxPrice, token, fabric, minScore, audited, sort } = filters;
  const visible = useMemo(() => {
    const criteria = {
      gpu,
      region,
      minGpus,
      maxPrice,
      token,
      fabric,
      minScore,
      audited,
      sort,
      page: 1,
    };
    return sortOffers(filterOffers(open, criteria, tokens), sort, tokens);
  }, [open, gpu, region, minGpus, maxPrice, token, fabric, minScore, audited, sort, tokens]);
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
  const filtered = hasFilters(filters);

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

      <FilterBar
        filters={filters}
        models={models}
        regions={regions}
        fabrics={fabrics}
        tokenIds={tokenIds}
        tokens={tokens}
        onChange={(patch) => setParams(filterPatch(patch))}
      />

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
                ? "No offer can be leased right now. Come back later, or list your own as a provider."
                : "No open offer matches these filters. Widen them or clear them."}
            </Empty>
          ) : (
            <OfferTable offers={page.rows} tokens={tokens} scores={scores} />
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
