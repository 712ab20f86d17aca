/** An address's leases (as buyer or as provider) and offers, read page by page from the indexer. */
import { useMemo } from "react";
import { ErrorState, Loading } from "../../components/States.tsx";
import { Link } from "../../lib/router.tsx";
import { LIST_PAGE_SIZE, useLeasePages, useLoadedItems, useOfferPages } from "./listData.ts";
import { LeaseTable, ROW_HEIGHT } from "./LeaseTable.tsx";
import { OfferTable } from "./OfferTable.tsx";
import { LoadedNote, ONE_AT_A_TIME } from "./Paging.tsx";

/** Rows an address's lease table shows before it scrolls. */
const VISIBLE_ROWS = 10;

/**
 * The leases of one side of an address, newest first, `LIST_PAGE_SIZE` at a time; `total` is the indexer's counter
 * (the provider's or the account's `leaseCount`), never a count of loaded rows.
 */
export function AddressLeases({
  address,
  side,
  total,
}: {
  address: string;
  side: "buyer" | "provider";
  total: number;
}) {
  const filter = useMemo(
    () => (side === "buyer" ? { buyer: address } : { provider: address }),
    [side, address],
  );
  const q = useLeasePages(total > 0 ? filter : undefined, LIST_PAGE_SIZE);
  if (total === 0) return <p className="muted">None.</p>;
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.isPending) return <Loading what="the leases" />;
  const shown = Math.min(Math.max(q.rows.length, 1), VISIBLE_ROWS);
  return (
    <>
      <LeaseTable
        rows={q.rows}
        label={side === "buyer" ? "Leases bought" : "Leases on its offers"}
        height={(shown + 1) * ROW_HEIGHT + 8}
        busy={q.isPlaceholderData}
        hasMore={q.hasNextPage}
        loadingMore={q.isFetchingNextPage || q.isFetchNextPageError}
        onLoadMore={() => void q.fetchNextPage(ONE_AT_A_TIME)}
      />
      <LoadedNote
        loaded={q.rows.length}
        pageSize={LIST_PAGE_SIZE}
        noun="leases"
        scrollbar
        query={q}
      />
      <p className="small">
        <Link to={`/explorer/leases?address=${address}`}>Filter all leases by this address</Link>
      </p>
    </>
  );
}

/** A provider's offers, newest first, `LIST_PAGE_SIZE` at a time. */
export function AddressOffers({ address, total }: { address: string; total: number }) {
  const q = useOfferPages({ provider: address, order: "newest" }, total > 0);
  const offers = useLoadedItems(q.data?.pages);
  if (total === 0) return <p className="muted">No offers.</p>;
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.isPending) return <Loading what="the offers" />;
  return (
    <>
      <OfferTable offers={offers} label="Its offers" />
      <LoadedNote loaded={offers.length} pageSize={LIST_PAGE_SIZE} noun="offers" query={q} />
    </>
  );
}
