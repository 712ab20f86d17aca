import { memo, useCallback, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { endReasonText, gpuModelLabel } from "@gridlease/sdk";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useChainNow } from "../../hooks/useChainNow.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { CONTRACT_READ_KEY } from "../../hooks/useContractRead.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { Stat } from "../../components/Stat.tsx";
import {
  useBuyerLeases,
  useBuyerReviews,
  useCredits,
  useLiveLeases,
  type BuyerLeaseRow,
} from "./data.ts";
import type { IndexedReview } from "../../lib/eas.ts";
import { ReviewPanel } from "./ReviewPanel.tsx";
import { CreditsPanel } from "./Credits.tsx";
import { useAccessKey } from "./useAccessKey.ts";
import { LeaseCard } from "./LeaseCard.tsx";
import "./buyer.css";

/** `/leases`: the connected buyer's live leases (countdowns, actions, access details) and past ones. */
export default function BuyerPage(_: { params: Record<string, string> }) {
  return (
    <section className="buyer-page">
      <h1>My leases</h1>
      <p className="muted">
        Leases you opened as a buyer: time left, what has accrued, and what you would get back now.
      </p>
      <WalletGate purpose="see and manage your leases">
        <BuyerDashboard />
      </WalletGate>
    </section>
  );
}

function BuyerDashboard() {
  const { account } = useGridlease();
  const queryClient = useQueryClient();
  const buyer = account!;
  const { now, refresh } = useChainNow();
  const list = useBuyerLeases(buyer);
  const liveIds = useMemo(
    () => (list.data ?? []).filter((l) => l.status !== "Ended").map((l) => l.leaseId),
    [list.data],
  );
  const live = useLiveLeases(buyer, liveIds, list.isSuccess);
  const tokens = useMemo(
    () => [...new Set((list.data ?? []).map((l) => l.paymentToken))],
    [list.data],
  );
  const credits = useCredits(buyer, tokens);
  const accessKey = useAccessKey();
  // What the last early exit charged, kept here: a lease that ended leaves the live list with its card.
  const [lastExit, setLastExit] = useState<{ leaseId: bigint; charged: bigint }>();
  const onExitCharged = useCallback(
    (leaseId: bigint, charged: bigint) => setLastExit({ leaseId, charged }),
    [],
  );
  const reviews = useBuyerReviews(buyer);
  // null: the lease has no review yet; undefined: reviews are not known (loading, or the indexer failed).
  const reviewOf = (leaseId: bigint) =>
    reviews.data ? (reviews.data.get(leaseId.toString()) ?? null) : undefined;

  const onChanged = useCallback(() => {
    refresh();
    void queryClient.invalidateQueries({ queryKey: ["buyer-live-leases"] });
    void queryClient.invalidateQueries({ queryKey: ["buyer-leases"] });
    void queryClient.invalidateQueries({ queryKey: ["buyer-credits"] });
    void queryClient.invalidateQueries({ queryKey: ["eas", "reviews"] });
    void queryClient.invalidateQueries({ queryKey: [CONTRACT_READ_KEY] });
  }, [queryClient, refresh]);

  const ended = useMemo(() => (list.data ?? []).filter((l) => l.status === "Ended"), [list.data]);
  if (list.isPending) return <Loading what="your leases" />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;

  const liveRows = new Map(list.data.map((l) => [String(l.leaseId), l]));

  return (
    <>
      <div className="cards buyer-stats">
        <Stat label="Leases opened">{list.data.length}</Stat>
        <Stat label="Live now">{liveIds.length}</Stat>
        <Stat label="Ended">{ended.length}</Stat>
      </div>

      <CreditsPanel credits={credits.data ?? []} onChanged={onChanged} />
      {lastExit && (
        <ExitReceipt
          leaseId={lastExit.leaseId}
          charged={lastExit.charged}
          token={list.data.find((l) => l.leaseId === lastExit.leaseId)?.paymentToken}
        />
      )}

      <h2>Live leases</h2>
      {liveIds.length === 0 ? (
        <Empty>
          You have no pending or running leases.{" "}
          <Link to="/market">Find capacity in the market</Link>.
        </Empty>
      ) : live.isPending ? (
        <Loading what="lease details from the chain" />
      ) : live.isError ? (
        <ErrorState error={live.error} retry={() => void live.refetch()} />
      ) : (
        <div className="lease-list">
          {live.data.map(({ lease, offer }) => (
            <LeaseCard
              key={String(lease.leaseId)}
              lease={lease}
              offer={offer}
              row={liveRows.get(String(lease.leaseId))}
              now={now}
              accessKey={accessKey}
              onChanged={onChanged}
              onExitCharged={onExitCharged}
              review={reviewOf(lease.leaseId)}
            />
          ))}
        </div>
      )}

      <h2>Past leases</h2>
      {ended.length === 0 ? (
        <Empty>No ended leases yet.</Empty>
      ) : (
        <HistoryTable rows={ended} reviews={reviews.data} />
      )}
    </>
  );
}

/** What a confirmed release or early end of a lease charged, read from its receipt. */
function ExitReceipt(p: { leaseId: bigint; charged: bigint; token: Address | undefined }) {
  const token = useTokenInfo(p.token).data;
  return (
    <p className="callout" role="status" data-testid="exit-receipt">
      Lease #{String(p.leaseId)}: the exit was charged{" "}
      <strong>{p.charged > 0n ? amountText(p.charged, token) : "nothing"}</strong>.
    </p>
  );
}

/** Memoised: the page re-renders every second for the countdowns, the history does not change with it. */
const HistoryTable = memo(function HistoryTable({
  rows,
  reviews,
}: {
  rows: BuyerLeaseRow[];
  reviews: ReadonlyMap<string, IndexedReview> | undefined;
}) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="sr-only">Your ended leases</caption>
        <thead>
          <tr>
            <th scope="col">Lease</th>
            <th scope="col">Hardware</th>
            <th scope="col">Opened</th>
            <th scope="col">How it ended</th>
            <th scope="col" className="num">
              Paid in
            </th>
            <th scope="col" className="num">
              Refunded
            </th>
            <th scope="col" className="num">
              Penalty received
            </th>
            <th scope="col">Review</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 200).map((r) => (
            <HistoryRow
              key={String(r.leaseId)}
              row={r}
              review={reviews ? (reviews.get(String(r.leaseId)) ?? null) : undefined}
            />
          ))}
        </tbody>
      </table>
      {rows.length > 200 && (
        <p className="muted small">Showing the latest 200 of {rows.length} ended leases.</p>
      )}
    </div>
  );
});

function HistoryRow({
  row,
  review,
}: {
  row: BuyerLeaseRow;
  review: IndexedReview | null | undefined;
}) {
  const token = useTokenInfo(row.paymentToken).data;
  return (
    <tr>
      <td>
        <Link to={`/explorer/leases/${row.leaseId}`}>Lease #{String(row.leaseId)}</Link>
      </td>
      <td>
        {String(row.gpus)}× {gpuModelLabel(row.gpuModel)} · {row.region}
      </td>
      <td>{new Date(Number(row.openedAt) * 1000).toLocaleDateString()}</td>
      <td>{endReasonText(row.endReason)}</td>
      <td className="num">{amountText(row.deposit, token)}</td>
      <td className="num">{amountText(row.refunded, token)}</td>
      <td className="num">{row.penalty > 0n ? amountText(row.penalty, token) : "—"}</td>
      <td>
        {row.startTime !== null ? (
          <ReviewPanel leaseId={row.leaseId} provider={row.provider} review={review} />
        ) : (
          <span className="muted small">never activated</span>
        )}
      </td>
    </tr>
  );
}
