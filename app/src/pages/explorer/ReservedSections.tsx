import { formatDuration, type TokenDisplay } from "@gridlease/sdk";
import { Amount, TokenSymbol } from "../../components/Amount.tsx";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { txUrl } from "../../lib/gridlease.ts";
import { useLeaseReserved, useProviderBonds, type ProviderBondRow } from "./data.ts";
import { AddressLink, formatDate } from "./ui.tsx";

/**
 * A lease's reserved capacity on its explorer page: the rolling terms (term, funded until, exit escrow, the penalty
 * it reserves, exit charges), the buyer's top-up allowance, every executed top-up and every server release or
 * failure. Nothing for a plain prepaid lease that had none of these.
 */
export function LeaseReservedSection({
  leaseId,
  token,
}: {
  leaseId: string;
  token?: TokenDisplay;
}) {
  const { chainId } = useGridlease();
  const q = useLeaseReserved(leaseId);
  const r = q.data;
  if (!r) return null;
  const had =
    r.rolling || r.topUps.length > 0 || r.serverEnds.length > 0 || BigInt(r.exitCharge) > 0n;
  if (!had) return null;
  return (
    <section className="card" aria-labelledby="reserved-heading">
      <h2 id="reserved-heading">Reserved capacity</h2>
      <dl className="terms">
        {r.rolling && (
          <>
            <dt>Term</dt>
            <dd>{formatDuration(BigInt(r.term))}</dd>
            <dt>Funded until</dt>
            <dd>{r.fundedUntil ? formatDate(r.fundedUntil, true) : "not activated"}</dd>
          </>
        )}
        {BigInt(r.exitEscrow) > 0n && (
          <>
            <dt>Exit escrow</dt>
            <dd>
              <Amount value={r.exitEscrow} token={token} />
            </dd>
          </>
        )}
        <dt>Penalty reserved from the bond</dt>
        <dd>
          <Amount value={r.reservedPenalty} token={token} />
        </dd>
        {BigInt(r.exitCharge) > 0n && (
          <>
            <dt>Exit charges</dt>
            <dd>
              <Amount value={r.exitCharge} token={token} />
            </dd>
          </>
        )}
        {(BigInt(r.unitsReleased) > 0n || BigInt(r.unitsFailed) > 0n) && (
          <>
            <dt>Servers ended early</dt>
            <dd>
              {r.unitsReleased} released by the buyer · {r.unitsFailed} failed by the provider
            </dd>
          </>
        )}
        {r.rolling && (
          <>
            <dt>Auto top-up</dt>
            <dd>
              {BigInt(r.topUpPerTopUp) > 0n ? (
                <>
                  up to <Amount value={r.topUpPerTopUp} token={token} /> per top-up,{" "}
                  <Amount value={r.topUpRemaining} token={token} /> left, below{" "}
                  {formatDuration(BigInt(r.topUpThreshold))} of runway
                </>
              ) : r.topUpRevoked ? (
                "revoked by the buyer"
              ) : (
                "none"
              )}
            </dd>
          </>
        )}
      </dl>
      {r.topUps.length > 0 && (
        <>
          <h3>Top-ups ({r.topUpCount})</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">By</th>
                <th scope="col" className="num">
                  Added
                </th>
                <th scope="col" className="num">
                  Paid
                </th>
                <th scope="col">Funded until</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {r.topUps.map((t) => (
                <tr key={t.id}>
                  <td>{formatDate(t.timestamp, true)}</td>
                  <td>
                    <AddressLink address={t.executor} />
                  </td>
                  <td className="num">{formatDuration(BigInt(t.addedDuration))}</td>
                  <td className="num">
                    <Amount value={t.amount} token={token} />
                  </td>
                  <td>{formatDate(t.fundedUntil, true)}</td>
                  <td>
                    <a className="mono small" href={txUrl(chainId, t.txHash)}>
                      {t.txHash.slice(0, 10)}…
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {r.serverEnds.length > 0 && (
        <>
          <h3>Server ends</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" className="num">
                  Refunded
                </th>
                <th scope="col" className="num">
                  Exit charge
                </th>
                <th scope="col" className="num">
                  Penalty
                </th>
              </tr>
            </thead>
            <tbody>
              {r.serverEnds.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.timestamp, true)}</td>
                  <td>
                    {e.count} server{e.count === "1" ? "" : "s"}{" "}
                    {e.kind === "Failed" ? "failed by the provider" : "released by the buyer"}
                  </td>
                  <td className="num">
                    <Amount value={e.refund} token={token} />
                  </td>
                  <td className="num">
                    <Amount value={e.exitCharge} token={token} />
                  </td>
                  <td className="num">
                    {e.kind === "Failed" ? "paid " : "unreserved "}
                    <Amount value={e.penalty} token={token} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** A provider's bonds on its address page: one row per payment token (penalties are paid in the lease's token). */
export function ProviderBonds({ address }: { address: string }) {
  const q = useProviderBonds(address);
  if (!q.data || q.data.length === 0) return null;
  return (
    <>
      <h3>Bonds per token</h3>
      <table aria-label="Bonds per token">
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col" className="num">
              Bond
            </th>
            <th scope="col" className="num">
              Reserved by live leases
            </th>
            <th scope="col" className="num">
              Penalties paid
            </th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((b) => (
            <BondTr key={b.token} b={b} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function BondTr({ b }: { b: ProviderBondRow }) {
  const token = useTokenInfo(b.token).data;
  return (
    <tr>
      <td>
        <TokenSymbol token={b.token} />
      </td>
      <td className="num">
        <Amount value={b.amount} token={token} digits={2} />
      </td>
      <td className="num">
        <Amount value={b.locked} token={token} digits={2} />
      </td>
      <td className="num">
        <Amount value={b.penaltiesPaid} token={token} digits={2} />
      </td>
    </tr>
  );
}
