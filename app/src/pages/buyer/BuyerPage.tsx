import { memo, useCallback, useMemo, useRef } from "react";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { signMessage } from "viem/actions";
import type { Address } from "viem";
import {
  deriveAccessKey,
  endReasonLabel,
  getLease,
  getMarketConfig,
  getOffer,
  gpuModelLabel,
  type AccessKeyPair,
  type EndReasonName,
  type LeaseView,
  type OfferRecord,
} from "@gridlease/sdk";
import { useGridlease, useSigner, useTokenInfo } from "../../lib/gridlease.ts";
import { gqlAll } from "../../lib/indexer.ts";
import { Link } from "../../lib/router.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { useChainNow } from "./hooks.ts";
import { LeaseCard, tokenAmount } from "./LeaseCard.tsx";
import "./buyer.css";

/** A lease of the connected buyer as the indexer lists it. */
export interface BuyerLeaseRow {
  leaseId: string;
  provider: string;
  paymentToken: string;
  gpuModel: string;
  region: string;
  gpus: string;
  status: string;
  endReason: string;
  openedAt: string;
  closedAt: string | null;
  deposit: string;
  refunded: string;
  penalty: string;
}

/** A row as GraphQL returns it: reference columns come as related objects. */
type Relations<T, K extends keyof T> = Omit<T, K> & { [k in K]: { id: string } };

const LEASES_QUERY = `query BuyerLeases($buyer: String!, $after: String) {
  leases(where: { buyer: $buyer }, orderBy: "openedAt", orderDirection: "desc", limit: 500, after: $after) {
    items { leaseId provider { id } paymentToken { id } gpuModel region gpus status endReason openedAt closedAt deposit refunded penalty }
    pageInfo { hasNextPage endCursor }
  }
}`;

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
  const { account, addresses, chainId } = useGridlease();
  const client = usePublicClient();
  const signer = useSigner();
  const queryClient = useQueryClient();
  const market = addresses!.market;
  const buyer = account!.toLowerCase();
  const { now, refresh } = useChainNow();

  const list = useQuery({
    queryKey: ["buyer-leases", chainId, buyer],
    refetchInterval: 10_000,
    queryFn: async ({ signal }) =>
      (
        await gqlAll<Relations<BuyerLeaseRow, "provider" | "paymentToken">>(
          LEASES_QUERY,
          "leases",
          { buyer },
          { signal, max: 5_000 },
        )
      ).map((r) => ({ ...r, provider: r.provider.id, paymentToken: r.paymentToken.id })),
  });

  const liveIds = (list.data ?? [])
    .filter((l) => l.status !== "Ended")
    .map((l) => BigInt(l.leaseId));
  const live = useQuery({
    queryKey: ["buyer-live-leases", chainId, buyer, liveIds.map(String).join(",")],
    enabled: !!client && list.isSuccess,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
    queryFn: async () => {
      const leases = await Promise.all(
        liveIds.map((leaseId) => getLease(client!, { market, leaseId })),
      );
      const offerIds = [...new Set(leases.map((l) => l.offerId))];
      const offers = await Promise.all(
        offerIds.map((offerId) => getOffer(client!, { market, offerId })),
      );
      const byOffer = new Map<bigint, OfferRecord>(offerIds.map((id, i) => [id, offers[i]]));
      return leases.map((lease) => ({ lease, offer: byOffer.get(lease.offerId)! }));
    },
  });

  const config = useQuery({
    queryKey: ["market-config", chainId, market],
    enabled: !!client,
    staleTime: 60_000,
    queryFn: () => getMarketConfig(client!, { market }),
  });

  // One signature unlocks every lease's access details for this visit; the key stays in memory only.
  const keyRef = useRef<{ account: Address; key: Promise<AccessKeyPair> } | undefined>(undefined);
  const accessKey = useCallback(() => {
    if (!signer) return Promise.reject(new Error("Connect a wallet to sign."));
    if (keyRef.current?.account !== signer.account.address) {
      const key = deriveAccessKey({
        signMessage: ({ message }) => signMessage(signer, { account: signer.account, message }),
      });
      keyRef.current = { account: signer.account.address, key };
      key.catch(() => {
        if (keyRef.current?.key === key) keyRef.current = undefined;
      });
    }
    return keyRef.current.key;
  }, [signer]);

  const onChanged = useCallback(() => {
    refresh();
    void queryClient.invalidateQueries({ queryKey: ["buyer-live-leases"] });
    void queryClient.invalidateQueries({ queryKey: ["buyer-leases"] });
    void queryClient.invalidateQueries({ queryKey: ["token-balance"] });
  }, [queryClient, refresh]);

  const endedRows = useMemo(
    () => (list.data ?? []).filter((l) => l.status === "Ended"),
    [list.data],
  );
  if (list.isPending) return <Loading what="your leases" />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;

  const ended = endedRows;
  const liveRows = new Map(list.data.map((l) => [l.leaseId, l]));

  return (
    <>
      <div className="cards buyer-stats">
        <div className="stat">
          <div className="stat-label">Leases opened</div>
          <div className="stat-value">{list.data.length}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Live now</div>
          <div className="stat-value">{liveIds.length}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Ended</div>
          <div className="stat-value">{ended.length}</div>
        </div>
      </div>

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
              lease={lease as LeaseView}
              offer={offer}
              row={liveRows.get(String(lease.leaseId))}
              now={now}
              penaltyBps={config.data?.penaltyBps}
              accessKey={accessKey}
              onChanged={onChanged}
            />
          ))}
        </div>
      )}

      <h2>Past leases</h2>
      {ended.length === 0 ? <Empty>No ended leases yet.</Empty> : <HistoryTable rows={ended} />}
    </>
  );
}

/** Memoised: the page re-renders every second for the countdowns, the history does not change with it. */
const HistoryTable = memo(function HistoryTable({ rows }: { rows: BuyerLeaseRow[] }) {
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
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 200).map((r) => (
            <HistoryRow key={r.leaseId} row={r} />
          ))}
        </tbody>
      </table>
      {rows.length > 200 && (
        <p className="muted small">Showing the latest 200 of {rows.length} ended leases.</p>
      )}
    </div>
  );
});

function HistoryRow({ row }: { row: BuyerLeaseRow }) {
  const token = useTokenInfo(row.paymentToken as Address).data;
  let reason = row.endReason;
  try {
    reason = endReasonLabel(row.endReason as EndReasonName);
  } catch {
    /* unknown reason: show as is */
  }
  return (
    <tr>
      <td>
        <Link to={`/explorer/leases/${row.leaseId}`}>Lease #{row.leaseId}</Link>
      </td>
      <td>
        {row.gpus}× {gpuModelLabel(row.gpuModel)} · {row.region}
      </td>
      <td>{new Date(Number(row.openedAt) * 1000).toLocaleDateString()}</td>
      <td>{reason}</td>
      <td className="num">{tokenAmount(BigInt(row.deposit), token)}</td>
      <td className="num">{tokenAmount(BigInt(row.refunded), token)}</td>
      <td className="num">
        {BigInt(row.penalty) > 0n
          ? tokenAmount(BigInt(row.penalty), { symbol: "GRID", decimals: 18 })
          : "—"}
      </td>
    </tr>
  );
}
