import { useState } from "react";
import { isAddressEqual, zeroAddress } from "viem";
import {
  decodeGpuModel,
  decodeRegion,
  formatDuration,
  gpuModelLabel,
  setOfferPaused,
  setOfferPrice,
  setOfferRepairWindow,
  setOfferUnits,
} from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { useLiveOffers, type LiveOffer } from "./data.ts";
import { CreateOfferForm } from "./CreateOfferForm.tsx";
import { checkRepairWindow, parseAmount, parseWhole } from "./logic.ts";

/** The provider's offers from the chain, with the new-offer form and an editor per offer. */
export function OffersSection({
  bonds,
  onChanged,
}: {
  bonds: Partial<Record<"usd" | "grid", bigint>>;
  onChanged: () => void;
}) {
  const { indexed, live } = useLiveOffers();
  const [editing, setEditing] = useState<bigint>();
  const [creating, setCreating] = useState(false);
  const editOffer = live.data?.find((o) => o.offerId === editing);

  return (
    <section className="card provider-section" aria-labelledby="offers-heading">
      <div className="section-head">
        <h2 id="offers-heading">Your offers</h2>
        <button
          type="button"
          className="button secondary"
          aria-expanded={creating}
          onClick={() => setCreating(!creating)}
        >
          {creating ? "Close the new offer form" : "New offer"}
        </button>
      </div>
      {creating && (
        <CreateOfferForm
          bonds={bonds}
          onCreated={() => {
            onChanged();
          }}
        />
      )}
      {indexed.isPending || (indexed.isSuccess && live.isPending) ? (
        <Loading what="your offers" />
      ) : indexed.isError ? (
        <ErrorState error={indexed.error} retry={() => void indexed.refetch()} />
      ) : live.isError ? (
        <ErrorState error={live.error} retry={() => void live.refetch()} />
      ) : live.data!.length === 0 ? (
        <Empty>You have no offers yet. Use “New offer” to list capacity.</Empty>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="sr-only">Your offers</caption>
            <thead>
              <tr>
                <th scope="col">Offer</th>
                <th scope="col">Hardware</th>
                <th scope="col">Region</th>
                <th scope="col" className="num">
                  Servers in use / total
                </th>
                <th scope="col" className="num">
                  Price per GPU-hour
                </th>
                <th scope="col">Durations</th>
                <th scope="col">Repair window</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {live.data!.map((o) => (
                <OfferRow
                  key={String(o.offerId)}
                  item={o}
                  editing={editing === o.offerId}
                  onEdit={() => setEditing(editing === o.offerId ? undefined : o.offerId)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editOffer && (
        <EditOffer
          key={String(editOffer.offerId)}
          item={editOffer}
          onChanged={() => {
            void live.refetch();
            onChanged();
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}

function OfferRow({
  item,
  editing,
  onEdit,
}: {
  item: LiveOffer;
  editing: boolean;
  onEdit: () => void;
}) {
  const { offer, offerId } = item;
  const token = useTokenInfo(offer.paymentToken).data;
  return (
    <tr>
      <td>#{String(offerId)}</td>
      <td>
        {offer.gpusPerUnit}× {gpuModelLabel(decodeGpuModel(offer.gpuModel))}
      </td>
      <td>{decodeRegion(offer.region)}</td>
      <td className="num">
        {offer.unitsInUse} / {offer.totalUnits}
      </td>
      <td className="num">{amountText(offer.pricePerGpuHour, token)}</td>
      <td>
        {formatDuration(BigInt(offer.minDuration))} – {formatDuration(BigInt(offer.maxDuration))}
      </td>
      <td>{formatDuration(BigInt(offer.repairWindow))}</td>
      <td>
        <span className={`badge ${offer.paused ? "badge-Paused" : "badge-Active"}`}>
          {offer.paused ? "Paused" : "Listed"}
        </span>
        {!isAddressEqual(offer.buyerPolicy, zeroAddress) && (
          <span className="badge">Allowlist</span>
        )}
      </td>
      <td>
        <button
          type="button"
          className="button secondary small"
          aria-expanded={editing}
          onClick={onEdit}
        >
          Edit offer #{String(offerId)}
        </button>
      </td>
    </tr>
  );
}

function EditOffer({
  item,
  onChanged,
  onClose,
}: {
  item: LiveOffer;
  onChanged: () => void;
  onClose: () => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const { offer, offerId } = item;
  const token = useTokenInfo(offer.paymentToken).data;
  const config = useMarketConfig();
  const flow = useTxFlow();
  const [price, setPrice] = useState("");
  const [servers, setServers] = useState(String(offer.totalUnits));
  const [priceError, setPriceError] = useState<string>();
  const [serversError, setServersError] = useState<string>();
  const [repairHours, setRepairHours] = useState(String(Number(offer.repairWindow) / 3600));
  const [repairError, setRepairError] = useState<string>();
  const market = addresses!.market;

  const run = async (steps: TxStepDef[]) => {
    await flow.run(steps, { token });
    onChanged();
  };
  const submitPrice = () => {
    if (!token) return;
    const r = parseAmount(price, token.decimals, {
      max: 2n ** 96n - 1n,
      maxMessage: "That price is too large.",
    });
    if ("error" in r) return setPriceError(r.error);
    setPriceError(undefined);
    void run([
      {
        label: `Set the price of offer #${offerId} to ${amountText(r.value, token)}`,
        run: () => setOfferPrice(signer!, { market, offerId, pricePerGpuHour: r.value }),
      },
    ]);
  };
  const submitServers = () => {
    const max = Number(config.data?.limits.maxUnits ?? 65535n);
    const r = parseWhole(servers, 1, max, "servers");
    if ("error" in r) return setServersError(r.error);
    if (r.value < offer.unitsInUse)
      return setServersError(
        `${offer.unitsInUse} servers are leased now: the total cannot go below that.`,
      );
    setServersError(undefined);
    void run([
      {
        label: `Set offer #${offerId} to ${r.value} servers`,
        run: () => setOfferUnits(signer!, { market, offerId, totalUnits: BigInt(r.value) }),
      },
    ]);
  };

  const submitRepair = () => {
    const r = checkRepairWindow(repairHours, config.data?.limits ?? {});
    if ("error" in r) return setRepairError(r.error);
    setRepairError(undefined);
    void run([
      {
        label: `Set the repair window of offer #${offerId} to ${formatDuration(r.seconds)}`,
        run: () => setOfferRepairWindow(signer!, { market, offerId, repairWindow: r.seconds }),
      },
    ]);
  };

  return (
    <section className="edit-offer" aria-labelledby="edit-offer-heading">
      <h3 id="edit-offer-heading">Edit offer #{String(offerId)}</h3>
      <p className="muted small">
        A new price applies to leases opened from now on; running leases keep theirs.
      </p>
      <div className="edit-grid">
        <form
          className="toolbar"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submitPrice();
          }}
        >
          <Field
            label={`New hourly price per GPU (${token?.symbol ?? "…"})`}
            error={priceError}
            hint={`Now ${amountText(offer.pricePerGpuHour, token)}`}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={price}
                onChange={(e) => setPrice(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={flow.busy}>
            Set price
          </button>
        </form>
        <form
          className="toolbar"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submitServers();
          }}
        >
          <Field label="Server count" error={serversError} hint={`${offer.unitsInUse} in use`}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={servers}
                onChange={(e) => setServers(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={flow.busy}>
            Set servers
          </button>
        </form>
        <form
          className="toolbar"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submitRepair();
          }}
        >
          <Field
            label="Repair window (hours)"
            error={repairError}
            hint={`Now ${formatDuration(BigInt(offer.repairWindow))}; applies to outages reported from now on`}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={repairHours}
                onChange={(e) => setRepairHours(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={flow.busy}>
            Set repair window
          </button>
        </form>
      </div>
      <div className="row">
        <button
          type="button"
          className="button secondary"
          disabled={flow.busy}
          onClick={() =>
            void run([
              {
                label: `${offer.paused ? "Resume" : "Pause"} offer #${offerId}`,
                run: () => setOfferPaused(signer!, { market, offerId, paused: !offer.paused }),
              },
            ])
          }
        >
          {offer.paused ? "Resume offer" : "Pause offer"}
        </button>
        <button type="button" className="button secondary" onClick={onClose}>
          Done editing
        </button>
      </div>
      <TxProgress flow={flow} title={`Offer #${offerId} transaction`} />
    </section>
  );
}
