import type { ProviderListRow } from "@gridlease/sdk/indexer";
import { SelectFilter } from "../../components/SelectFilter.tsx";
import { parseProviderMeta } from "../../lib/spec.ts";
import { ErrorState, Loading } from "../../components/States.tsx";
import { useSearchParams } from "../../lib/router.tsx";
import { availabilityText } from "./Availability.tsx";
import {
  LIST_PAGE_SIZE,
  useLoadedItems,
  useProviderPages,
  type ProviderOrder,
} from "./listData.ts";
import { LoadedNote } from "./Paging.tsx";
import { AddressLink, ExplorerHeader, formatDate, gpuHours } from "./ui.tsx";

const ORDERS: readonly (readonly [ProviderOrder, string])[] = [
  ["leasesServed", "Leases served, most first"],
  ["availability", "Availability, highest first"],
  ["gpuHours", "GPU-hours served, most first"],
  ["newest", "Newest first"],
];
const isOrder = (s: string): s is ProviderOrder => ORDERS.some(([o]) => o === s);

/** `/explorer/providers`: every provider, sorted by the indexer, a page at a time. */
export default function ProvidersPage(_: { params: Record<string, string> }) {
  const [params, setParams] = useSearchParams();
  const raw = params.get("order") ?? "leasesServed";
  const order: ProviderOrder = isOrder(raw) ? raw : "leasesServed";
  const q = useProviderPages(order);
  const providers = useLoadedItems(q.data?.pages);
  return (
    <section className="explorer">
      <ExplorerHeader title="Providers">
        <p className="muted">
          Every address that registered as a provider, with its track record from the indexer.
        </p>
      </ExplorerHeader>
      <form
        className="toolbar"
        role="search"
        aria-label="Sort providers"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectFilter
          id="p-order"
          label="Sort by"
          value={order}
          choices={ORDERS}
          onChange={(v) => setParams({ order: v === "leasesServed" ? "" : v })}
        />
      </form>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Loading what="providers" />
      ) : providers.length === 0 ? (
        <p className="muted">No provider has registered yet.</p>
      ) : (
        <div aria-busy={q.isPlaceholderData}>
          <ProviderTable providers={providers} />
          <LoadedNote
            loaded={providers.length}
            pageSize={LIST_PAGE_SIZE}
            noun="providers"
            query={q}
          />
        </div>
      )}
    </section>
  );
}

function ProviderTable({ providers }: { providers: readonly ProviderListRow[] }) {
  return (
    <table aria-label="Providers">
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col" className="num">
            Leases served
          </th>
          <th scope="col" className="num">
            Availability
          </th>
          <th scope="col" className="num">
            GPU-hours served
          </th>
          <th scope="col" className="num">
            Offers
          </th>
          <th scope="col">First seen (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((p) => (
          <tr key={p.id}>
            <td>
              <AddressLink address={p.id} />
              <ProviderName uri={p.metadataURI} />
            </td>
            <td className="num">{Number(p.leasesServed).toLocaleString("en-US")}</td>
            <td className="num">{availabilityText(Number(p.availabilityBps))}</td>
            <td className="num">{gpuHours(p.gpuSecondsServed)}</td>
            <td className="num">{Number(p.offerCount).toLocaleString("en-US")}</td>
            <td>{formatDate(p.firstSeenAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The name a provider gives itself in its metadata, if any (its own words: shown as such, never as a link). */
function ProviderName({ uri }: { uri: string }) {
  const name = parseProviderMeta(uri).name;
  return name ? <span className="muted small"> {name}</span> : null;
}
