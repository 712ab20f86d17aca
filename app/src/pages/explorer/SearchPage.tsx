import { useEffect } from "react";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import type { Hex } from "viem";
import { txUrl } from "../../lib/gridlease.ts";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { Link, useRouter, useSearchParams } from "../../lib/router.tsx";
import { useTxEvents } from "./data.ts";
import { EventDetails } from "./EventDetails.tsx";
import { classifySearch, searchDestination } from "./search.ts";
import { AddressLink, ExplorerHeader, formatDate } from "./ui.tsx";
import type { TxEventRow } from "./data.ts";

/** `/explorer/search?q=`: a lease id or address goes to its page; a transaction hash lists its events. */
export default function SearchPage(_: { params: Record<string, string> }) {
  const [params] = useSearchParams();
  const { navigate } = useRouter();
  const q = params.get("q") ?? "";
  const target = classifySearch(q);
  const destination = searchDestination(target);
  useEffect(() => {
    if (destination) navigate(destination, { replace: true });
  }, [destination, navigate]);
  const tx = useTxEvents(target.kind === "tx" ? target.hash : undefined);
  const { chainId } = useGridlease();
  const external = target.kind === "tx" ? txUrl(chainId, target.hash as Hex) : "";

  return (
    <section className="explorer">
      <ExplorerHeader title="Search" searchInitial={q} key={q} />
      {target.kind === "empty" ? (
        <p className="muted">
          Enter a lease id (a number), an address (0x and 40 hex digits) or a transaction hash (0x
          and 64 hex digits).
        </p>
      ) : target.kind === "invalid" ? (
        <Empty>
          “{target.query}” is neither a lease id, an address nor a transaction hash. Lease ids are
          whole numbers; addresses are 0x followed by 40 hexadecimal digits; transaction hashes 0x
          followed by 64.
        </Empty>
      ) : destination ? (
        <Loading what="the result" />
      ) : target.kind === "tx" ? (
        <>
          <h2>
            Transaction <span className="mono small">{target.hash}</span>
          </h2>
          {/^https?:/.test(external) && (
            <p>
              <a href={external} target="_blank" rel="noopener noreferrer">
                View the transaction on the block explorer
              </a>
            </p>
          )}
          {tx.isPending ? (
            <Loading what="the transaction's lease events" />
          ) : tx.isError ? (
            <ErrorState error={tx.error} retry={() => tx.refetch()} />
          ) : tx.data.length === 0 ? (
            <Empty>
              No lease event was emitted by this transaction, or the indexer has not reached it yet.
            </Empty>
          ) : (
            <TxEvents events={tx.data} />
          )}
        </>
      ) : null}
    </section>
  );
}

function TxEvents({ events }: { events: TxEventRow[] }) {
  return (
    <>
      <p>
        {events.length} lease event{events.length === 1 ? "" : "s"} in block {events[0].blockNumber}
        , {formatDate(events[0].timestamp, true)}.
      </p>
      <ul className="tx-events">
        {events.map((e) => (
          <TxEvent key={e.id} e={e} />
        ))}
      </ul>
    </>
  );
}

function TxEvent({ e }: { e: TxEventRow }) {
  const token = useTokenInfo(e.paymentToken).data;
  return (
    <li className="card">
      <strong>{e.type}</strong> on{" "}
      <Link to={`/explorer/leases/${e.leaseId}`}>Lease #{e.leaseId}</Link>
      {e.account && (
        <>
          {" "}
          by <AddressLink address={e.account} />
        </>
      )}
      <span className="muted small"> · log {e.logIndex}</span>
      <EventDetails e={e} token={token} />
    </li>
  );
}
