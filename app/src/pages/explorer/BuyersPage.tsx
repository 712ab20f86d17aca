import type { AccountListRow } from "@gridlease/sdk/indexer";
import { SelectFilter } from "../../components/SelectFilter.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { useSearchParams } from "../../lib/router.tsx";
import { LIST_PAGE_SIZE, useAccountPages, useLoadedItems, type AccountOrder } from "./listData.ts";
import { LoadedNote } from "./Paging.tsx";
import { AddressLink, ExplorerHeader, formatDate, gpuHours } from "./ui.tsx";

const ORDERS: readonly (readonly [AccountOrder, string])[] = [
  ["leases", "Leases, most first"],
  ["gpuHours", "GPU-hours bought, most first"],
  ["newest", "Newest first"],
];
const isOrder = (s: string): s is AccountOrder => ORDERS.some(([o]) => o === s);

/** `/explorer/buyers`: every address that opened a lease, sorted by the indexer, a page at a time. */
export default function BuyersPage(_: { params: Record<string, string> }) {
  const [params, setParams] = useSearchParams();
  const raw = params.get("order") ?? "leases";
  const order: AccountOrder = isOrder(raw) ? raw : "leases";
  const q = useAccountPages(order);
  const buyers = useLoadedItems(q.data?.pages);
  return (
    <section className="explorer">
      <ExplorerHeader title="Buyers">
        <p className="muted">
          Every address that opened a lease, with its record from the indexer.
        </p>
      </ExplorerHeader>
      <form
        className="toolbar"
        role="search"
        aria-label="Sort buyers"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectFilter
          id="b-order"
          label="Sort by"
          value={order}
          choices={ORDERS}
          onChange={(v) => setParams({ order: v === "leases" ? "" : v })}
        />
      </form>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Loading what="buyers" />
      ) : buyers.length === 0 ? (
        <p className="muted">Nobody has opened a lease yet.</p>
      ) : (
        <div aria-busy={q.isPlaceholderData}>
          <BuyerTable buyers={buyers} />
          <LoadedNote loaded={buyers.length} pageSize={LIST_PAGE_SIZE} noun="buyers" query={q} />
        </div>
      )}
    </section>
  );
}

function BuyerTable({ buyers }: { buyers: readonly AccountListRow[] }) {
  return (
    <table aria-label="Buyers">
      <thead>
        <tr>
          <th scope="col">Buyer</th>
          <th scope="col" className="num">
            Leases
          </th>
          <th scope="col" className="num">
            Active now
          </th>
          <th scope="col" className="num">
            GPU-hours bought (net)
          </th>
          <th scope="col" className="num">
            Outage reports filed
          </th>
          <th scope="col">First lease (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {buyers.map((b) => (
          <tr key={b.id}>
            <td>
              <AddressLink address={b.id} />
            </td>
            <td className="num">{b.leaseCount.toLocaleString("en-US")}</td>
            <td className="num">{b.activeLeases.toLocaleString("en-US")}</td>
            <td className="num">{gpuHours(b.gpuSecondsBought)}</td>
            <td className="num">{b.outageReports.toLocaleString("en-US")}</td>
            <td>{formatDate(b.firstSeenAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
