import { getAddress } from "viem";
import { BOND_TOKEN_DISPLAY } from "@gridlease/sdk";
import { ProviderBonds } from "./ReservedSections.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { Amount, TokenAmount, TokenSymbol } from "../../components/Amount.tsx";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { parseProviderMeta } from "../../lib/spec.ts";
import type { IndexedAccountSpending, IndexedProviderEarning } from "@gridlease/sdk/indexer";
import { useAddress, type AddressRecord } from "./data.ts";
import { ExplorerHeader, formatDate, gpuHours } from "./ui.tsx";
import { availabilityText, ProviderAvailability } from "./Availability.tsx";
import { AddressLeases, AddressOffers } from "./AddressLists.tsx";
import { ProviderTrust } from "./TrustSections.tsx";

/** `/explorer/address/:address`: an address as a provider (bond, offers, earnings) and as a buyer. */
export default function AddressPage({ params }: { params: Record<string, string> }) {
  const address = (params.address ?? "").toLowerCase();
  const valid = /^0x[0-9a-f]{40}$/.test(address);
  const q = useAddress(address);
  return (
    <section className="explorer">
      <ExplorerHeader title="Address">
        <p className="mono address-full">{address}</p>
      </ExplorerHeader>
      {!valid ? (
        <Empty>
          “{params.address}” is not an address: an address is 0x followed by 40 hexadecimal digits.
        </Empty>
      ) : q.isPending ? (
        <Loading what="this address's activity" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : !q.data.provider && !q.data.account ? (
        <Empty>
          This address has no Gridlease activity in the index: it has never listed capacity nor
          leased any.
        </Empty>
      ) : (
        <>
          {q.data.provider && <ProviderSection d={q.data} address={address} />}
          {q.data.account && <BuyerSection d={q.data} address={address} />}
        </>
      )}
    </section>
  );
}

function ProviderSection({ d, address }: { d: AddressRecord; address: string }) {
  const p = d.provider!;
  const meta = parseProviderMeta(p.metadataURI);
  // An outage left unrepaired past its deadline failed the buyer as surely as a no-show.
  const failures = p.noShows + p.providerTerminations + p.outagesUnresolved;
  return (
    <section aria-labelledby="as-provider">
      <h2 id="as-provider">As a provider{meta.name ? `: ${meta.name}` : ""}</h2>
      {meta.website && (
        <p className="small">
          <a href={meta.website} rel="noopener noreferrer nofollow" target="_blank">
            {meta.website}
          </a>
        </p>
      )}
      <div className="cards">
        <Stat label="Leases opened on its offers">{p.leaseCount.toLocaleString("en-US")}</Stat>
        <Stat label="Leases served (activated)">{p.leasesServed.toLocaleString("en-US")}</Stat>
        <Stat label="GPU-hours served">{gpuHours(p.gpuSecondsServed)}</Stat>
        <Stat label="No-shows">{p.noShows}</Stat>
        <Stat label="Ended early by the provider">{p.providerTerminations}</Stat>
        <Stat label="Reliability">
          {p.leaseCount === 0
            ? "—"
            : `${(((p.leaseCount - failures) / p.leaseCount) * 100).toFixed(1)}%`}
        </Stat>
        <Stat label="GRID bond">
          <Amount value={p.bond} token={BOND_TOKEN_DISPLAY} digits={2} />
        </Stat>
        <Stat label="Availability">{availabilityText(p.availabilityBps)}</Stat>
      </div>
      <p className="muted small">
        Active since {formatDate(p.firstSeenAt)}, last seen {formatDate(p.lastSeenAt)}. Reliability
        = leases neither no-shows, ended early by the provider, nor ended with an outage unrepaired,
        over all leases opened on its offers.
      </p>
      <ProviderAvailability p={p} />
      <ProviderTrust address={getAddress(address)} leasesServed={p.leasesServed} />
      <ProviderBonds address={address} />

      <h3>Earnings per token</h3>
      {d.earnings.length === 0 ? (
        <p className="muted">No earnings yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col" className="num">
                Earned on ended leases (gross)
              </th>
              <th scope="col" className="num">
                Claimed so far (net of fee)
              </th>
              <th scope="col" className="num">
                Fees paid
              </th>
            </tr>
          </thead>
          <tbody>
            {d.earnings.map((e) => (
              <EarningTr key={e.paymentToken} e={e} />
            ))}
          </tbody>
        </table>
      )}

      <h3>Offers ({p.offerCount.toLocaleString("en-US")})</h3>
      <AddressOffers address={address} total={p.offerCount} />

      <h3>Leases on its offers ({p.leaseCount.toLocaleString("en-US")})</h3>
      <AddressLeases address={address} side="provider" total={p.leaseCount} />
    </section>
  );
}

function BuyerSection({ d, address }: { d: AddressRecord; address: string }) {
  const a = d.account!;
  return (
    <section aria-labelledby="as-buyer">
      <h2 id="as-buyer">As a buyer</h2>
      <div className="cards">
        <Stat label="Leases">{a.leaseCount.toLocaleString("en-US")}</Stat>
        <Stat label="GPU-hours bought (net)">{gpuHours(a.gpuSecondsBought)}</Stat>
        <Stat label="Penalties received">
          <Amount value={a.penaltiesReceived} token={BOND_TOKEN_DISPLAY} digits={2} />
        </Stat>
        <Stat label="Outage reports filed">{a.outageReports.toLocaleString("en-US")}</Stat>
      </div>
      {d.credits.some((c) => c.balance > 0n) && (
        <p className="small">
          Credited and not yet withdrawn (refunds the token refused):{" "}
          {d.credits
            .filter((c) => c.balance > 0n)
            .map((c, i) => (
              <span key={c.token}>
                {i > 0 && ", "}
                <TokenAmount value={c.balance} token={c.token} />
              </span>
            ))}
        </p>
      )}
      <p className="muted small">
        First lease {formatDate(a.firstSeenAt)}, last activity {formatDate(a.lastSeenAt)}.
      </p>
      <h3>Spending per token</h3>
      {d.spending.length === 0 ? (
        <p className="muted">No spending yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col" className="num">
                Spent (deposits + top-ups − refunds)
              </th>
              <th scope="col" className="num">
                Refunded
              </th>
            </tr>
          </thead>
          <tbody>
            {d.spending.map((s) => (
              <SpendingTr key={s.paymentToken} s={s} />
            ))}
          </tbody>
        </table>
      )}
      <h3>Leases bought ({a.leaseCount.toLocaleString("en-US")})</h3>
      <AddressLeases address={address} side="buyer" total={a.leaseCount} />
    </section>
  );
}

function EarningTr({ e }: { e: IndexedProviderEarning }) {
  const token = useTokenInfo(e.paymentToken).data;
  return (
    <tr>
      <th scope="row">
        <TokenSymbol token={e.paymentToken} />
      </th>
      <td className="num">
        <Amount value={e.earningsAccrued} token={token} />
      </td>
      <td className="num">
        <Amount value={e.earningsClaimed} token={token} />
      </td>
      <td className="num">
        <Amount value={e.feesPaid} token={token} />
      </td>
    </tr>
  );
}

function SpendingTr({ s }: { s: IndexedAccountSpending }) {
  const token = useTokenInfo(s.paymentToken).data;
  return (
    <tr>
      <th scope="row">
        <TokenSymbol token={s.paymentToken} />
      </th>
      <td className="num">
        <Amount value={s.spent} token={token} />
      </td>
      <td className="num">
        <Amount value={s.refunded} token={token} />
      </td>
    </tr>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{children}</div>
    </div>
  );
}
