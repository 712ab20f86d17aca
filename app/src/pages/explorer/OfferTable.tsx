/** Offers as the explorer lists them (the offers page, a provider's address page): one row per loaded offer. */
import { gpuModelLabel } from "@gridlease/sdk";
import type { OfferListRow } from "@gridlease/sdk/indexer";
import { TokenAmount } from "../../components/Amount.tsx";
import { AttestationBadge } from "../../components/AttestationBadge.tsx";
import { Link } from "../../lib/router.tsx";
import { AddressLink } from "./ui.tsx";

/** The loaded offers as a table; `withProvider` adds the provider's column (the offers page). */
export function OfferTable({
  offers,
  label,
  withProvider = false,
}: {
  offers: readonly OfferListRow[];
  label: string;
  withProvider?: boolean;
}) {
  if (offers.length === 0) return <p className="muted">No offer matches.</p>;
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Offer</th>
          <th scope="col">GPU model</th>
          <th scope="col">Region</th>
          <th scope="col" className="num">
            Units in use / total
          </th>
          <th scope="col" className="num">
            Price / GPU-hour
          </th>
          {withProvider && <th scope="col">Provider</th>}
          <th scope="col" className="num">
            Leases
          </th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {offers.map((o) => (
          <tr key={o.id}>
            <td>
              <Link to={`/offers/${o.id}`}>Offer #{o.id}</Link>
            </td>
            <td>
              {gpuModelLabel(o.gpuModel)}{" "}
              <span className="muted small">× {o.gpusPerUnit}/unit</span>
              {/* Only an offer with a published claim is checked (in this browser, never trusted as listed). */}
              {o.attestation !== null && (
                <AttestationBadge offerId={BigInt(o.id)} gpuModel={o.gpuModel} hasClaim />
              )}
            </td>
            <td>{o.region}</td>
            <td className="num">
              {o.unitsInUse} / {o.totalUnits}
            </td>
            <td className="num">
              <TokenAmount value={o.pricePerGpuHour} token={o.paymentToken} />
            </td>
            {withProvider && (
              <td>
                <AddressLink address={o.provider} />
              </td>
            )}
            <td className="num">{Number(o.leaseCount).toLocaleString("en-US")}</td>
            <td>{o.paused ? "Paused" : "Listed"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
