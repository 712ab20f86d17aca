import { SelectFilter } from "../../components/SelectFilter.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { Link, useSearchParams } from "../../lib/router.tsx";
import { modelChoices, regionChoices } from "./leaseFilter.ts";
import { LIST_PAGE_SIZE, useLoadedItems, useOfferPages, type OfferOrder } from "./listData.ts";
import { OfferTable } from "./OfferTable.tsx";
import { LoadedNote } from "./Paging.tsx";
import { ExplorerHeader } from "./ui.tsx";

const ORDERS: readonly (readonly [OfferOrder, string])[] = [
  ["newest", "Newest first"],
  ["price", "Price, lowest first"],
  ["priceDesc", "Price, highest first"],
];
const isOrder = (s: string): s is OfferOrder => ORDERS.some(([o]) => o === s);

/**
 * `/explorer/offers`: every offer ever listed (paused ones included), filtered by model and region and sorted by
 * the indexer, a page at a time. The market at `/` lists only the offers that can be leased now.
 */
export default function OffersPage(_: { params: Record<string, string> }) {
  const [params, setParams] = useSearchParams();
  const gpu = params.get("gpu") ?? "";
  const region = params.get("region") ?? "";
  const rawOrder = params.get("order") ?? "newest";
  const order: OfferOrder = isOrder(rawOrder) ? rawOrder : "newest";
  const q = useOfferPages({
    order,
    ...(gpu ? { gpuModel: gpu } : {}),
    ...(region ? { region } : {}),
  });
  const offers = useLoadedItems(q.data?.pages);
  return (
    <section className="explorer">
      <ExplorerHeader title="Offers">
        <p className="muted">
          Every offer listed on Gridlease, paused ones included. To rent, use the{" "}
          <Link to="/">market</Link>, which lists the offers open to lease now.
        </p>
      </ExplorerHeader>
      <form
        className="toolbar"
        role="search"
        aria-label="Filter offers"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectFilter
          id="o-gpu"
          label="GPU model"
          value={gpu}
          anyLabel="All models"
          choices={modelChoices(gpu)}
          onChange={(v) => setParams({ gpu: v })}
        />
        <SelectFilter
          id="o-region"
          label="Region"
          value={region}
          anyLabel="All regions"
          choices={regionChoices(region)}
          onChange={(v) => setParams({ region: v })}
        />
        <SelectFilter
          id="o-order"
          label="Sort by"
          value={order}
          choices={ORDERS}
          onChange={(v) => setParams({ order: v === "newest" ? "" : v })}
        />
      </form>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Loading what="offers" />
      ) : (
        <div aria-busy={q.isPlaceholderData}>
          <OfferTable offers={offers} label="Offers" withProvider />
          <LoadedNote loaded={offers.length} pageSize={LIST_PAGE_SIZE} noun="offers" query={q} />
        </div>
      )}
    </section>
  );
}
