import { zeroAddress } from "viem";
import {
  decodeGpuModel,
  decodeRegion,
  explainError,
  gpuModelLabel,
  regionLabel,
} from "@gridlease/sdk";
import { Link } from "../../lib/router.tsx";
import { addressUrl } from "../../lib/gridlease.ts";
import { useGridlease } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { ErrorState, Loading, NotDeployed } from "../../components/States.tsx";
import { useIndexedOffer, useOffer } from "./data.ts";
import { OfferSummary } from "./OfferSummary.tsx";
import { RentForm } from "./RentForm.tsx";
import { ReservedTermsCard, RollingRentForm } from "./ReservedRent.tsx";
import { isReserved } from "./reserved.ts";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import { VettingPanel } from "./VettingPanel.tsx";
import { easOn } from "../../lib/easWrites.ts";
import { unitsFree } from "./useRentQuote.ts";
import "./rent.css";

/** `/offers/:offerId`: an offer's terms and track record beside the form that rents it. */
export default function RentPage({ params }: { params: Record<string, string> }) {
  const raw = params.offerId ?? "";
  const offerId = /^\d{1,30}$/.test(raw) && BigInt(raw) > 0n ? BigInt(raw) : undefined;
  const { addresses } = useGridlease();
  const offerQ = useOffer(offerId);
  const offer = offerQ.data && offerQ.data.provider !== zeroAddress ? offerQ.data : undefined;

  if (offerId === undefined)
    return (
      <section>
        <h1>Offer not found</h1>
        <p>“{raw}” is not an offer number.</p>
        <Link to="/">Back to the market</Link>
      </section>
    );
  if (!addresses)
    return (
      <section>
        <h1>Rent offer #{offerId.toString()}</h1>
        <NotDeployed />
      </section>
    );
  if (offerQ.isPending) return <Loading what={`offer #${offerId}`} />;
  if (offerQ.isError)
    return (
      <section>
        <h1>Rent offer #{offerId.toString()}</h1>
        <ErrorState
          error={new Error(explainError(offerQ.error).message)}
          retry={() => void offerQ.refetch()}
        />
      </section>
    );
  if (!offer)
    return (
      <section>
        <h1>Offer #{offerId.toString()} does not exist</h1>
        <p>No offer with this number is listed on this market.</p>
        <Link to="/">Back to the market</Link>
      </section>
    );
  return <RentOffer offerId={offerId} offer={offer} refetchOffer={() => void offerQ.refetch()} />;
}

type Offer = NonNullable<ReturnType<typeof useOffer>["data"]>;

function RentOffer({
  offerId,
  offer,
  refetchOffer,
}: {
  offerId: bigint;
  offer: Offer;
  refetchOffer: () => void;
}) {
  const { addresses, account, chainId } = useGridlease();
  const eas = easOn(chainId);
  const vetted = !!eas && offer.buyerPolicy.toLowerCase() === eas.policy.toLowerCase();
  const tokenQ = useTokenInfo(offer.paymentToken);
  const token = tokenQ.data;
  const indexed = useIndexedOffer(offerId, offer.provider);
  const gpuModel = decodeGpuModel(offer.gpuModel);
  const region = decodeRegion(offer.region);
  const providerName = indexed.data?.providerName;
  // Reserved terms never change after the offer is created: read once.
  const terms = useMarketRead({
    functionName: "getOfferTerms",
    args: [offerId],
    staleTime: Infinity,
  }).data;
  const unavailable = offer.paused
    ? "The provider has paused this offer: it takes no new leases for now."
    : unitsFree(offer) === 0n
      ? "Every server of this offer is leased right now."
      : undefined;

  return (
    <section className="rent">
      <p className="small">
        <Link to="/">← Market</Link>
      </p>
      <h1>
        Rent offer #{offerId.toString()}: {offer.gpusPerUnit.toString()} × {gpuModelLabel(gpuModel)}
      </h1>
      <p className="muted">
        {regionLabel(region)} · offered by{" "}
        <Link
          to={addressUrl(offer.provider)}
          className={providerName ? undefined : "mono"}
          title={offer.provider}
        >
          {providerName ?? `${offer.provider.slice(0, 8)}…${offer.provider.slice(-4)}`}
        </Link>
      </p>

      {vetted && <VettingPanel offerId={offerId} eas={eas} buyer={account} />}
      <div className="rent-grid">
        <OfferSummary
          offerId={offerId}
          offer={offer}
          gpuModel={gpuModel}
          region={region}
          token={token}
          indexed={indexed}
        />
        {terms && isReserved(terms) && (
          <ReservedTermsCard offer={offer} terms={terms} token={token} />
        )}
        {token && terms && terms.prepaidWindow > 0 ? (
          <RollingRentForm
            offerId={offerId}
            offer={offer}
            terms={terms}
            market={addresses!.market}
            token={token}
            unavailable={unavailable}
            onRented={refetchOffer}
          />
        ) : token && terms ? (
          <RentForm
            offerId={offerId}
            offer={offer}
            market={addresses!.market}
            account={account}
            token={token}
            unavailable={unavailable}
            onRented={refetchOffer}
          />
        ) : (
          <div className="card">
            <h2>Your lease</h2>
            {tokenQ.isError ? (
              <ErrorState error={tokenQ.error} />
            ) : (
              <Loading what="the payment token" />
            )}
          </div>
        )}
      </div>
    </section>
  );
}
