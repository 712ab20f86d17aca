import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import {
  createOffer,
  decodeGpuModel,
  decodeRegion,
  formatDuration,
  getOffer,
  GPU_MODELS,
  gpuModelLabel,
  REGIONS,
  setAllowedBuyers,
  setOfferPaused,
  setOfferPrice,
  setOfferUnits,
  type OfferRecord,
  type TokenDisplay,
} from "@gridlease/sdk";
import { isAddressEqual, zeroAddress } from "viem";
import { useGridlease, useSigner, useTokenInfo } from "../../lib/gridlease.ts";
import { useTxFlow, type TxStepDef } from "../../lib/tx.ts";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { tokenAmount } from "../buyer/LeaseCard.tsx";
import { useIndexedOffers, useMarketConfig } from "./data.ts";
import { buildOffer, EMPTY_OFFER_FORM, parseAmount, parseWhole, type OfferForm } from "./logic.ts";

interface LiveOffer {
  offerId: bigint;
  offer: OfferRecord;
}

export function OffersSection({ bond, onChanged }: { bond: bigint; onChanged: () => void }) {
  const { account, addresses, chainId } = useGridlease();
  const client = usePublicClient();
  const indexed = useIndexedOffers(account);
  const ids = (indexed.data ?? []).map((o) => BigInt(o.offerId));
  const live = useQuery({
    queryKey: ["provider-live-offers", chainId, account?.toLowerCase(), ids.join(",")],
    enabled: !!client && indexed.isSuccess,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<LiveOffer[]> =>
      Promise.all(
        ids.map(async (offerId) => ({
          offerId,
          offer: await getOffer(client!, { market: addresses!.market, offerId }),
        })),
      ),
  });
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
          bond={bond}
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
      <td className="num">{tokenAmount(offer.pricePerGpuHour, token)}</td>
      <td>
        {formatDuration(BigInt(offer.minDuration))} – {formatDuration(BigInt(offer.maxDuration))}
      </td>
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
        label: `Set the price of offer #${offerId} to ${tokenAmount(r.value, token)}`,
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
            hint={`Now ${tokenAmount(offer.pricePerGpuHour, token)}`}
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

export function CreateOfferForm({
  bond,
  onCreated,
}: {
  bond: bigint;
  onCreated: (offerId?: bigint) => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const config = useMarketConfig();
  const usd = useTokenInfo(addresses!.usd).data;
  const grid = useTokenInfo(addresses!.grid).data;
  const flow = useTxFlow();
  const [form, setForm] = useState<OfferForm>(EMPTY_OFFER_FORM);
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<bigint>();

  const ctx = {
    tokens: {
      usd:
        addresses!.usd && usd
          ? { address: addresses!.usd, decimals: usd.decimals, symbol: usd.symbol }
          : undefined,
      grid: {
        address: addresses!.grid,
        decimals: grid?.decimals ?? 18,
        symbol: grid?.symbol ?? "GRID",
      },
    },
    policy: addresses!.policy,
    limits: config.data?.limits ?? {
      maxUnits: 65535n,
      maxGpusPerUnit: 64n,
      maxLeaseDuration: 3n * 365n * 86400n,
    },
    bond,
  };
  const result = buildOffer(form, ctx);
  const err = (k: keyof OfferForm) => (touched ? result.errors[k] : undefined);
  const set = (k: keyof OfferForm) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const tokenDisplay: TokenDisplay | undefined = form.paymentToken === "usd" ? usd : grid;

  const submit = async () => {
    setTouched(true);
    setCreated(undefined);
    if (!result.params || !signer) return;
    const params = result.params;
    const market = addresses!.market;
    const steps: TxStepDef[] = [];
    if (result.allowlist?.length)
      steps.push({
        label: `Allow ${result.allowlist.length} buyer${result.allowlist.length === 1 ? "" : "s"} in your allowlist`,
        run: () =>
          setAllowedBuyers(signer, {
            policy: addresses!.policy!,
            buyers: result.allowlist!,
            allowed: true,
          }),
      });
    let offerId: bigint | undefined;
    steps.push({
      label: "Create offer",
      run: async () => {
        const sent = await createOffer(signer, { market, offer: params });
        return {
          hash: sent.hash,
          wait: async (o) => {
            const mined = await sent.wait(o);
            offerId = mined.offerId;
            return mined;
          },
        };
      },
    });
    const ok = await flow.run(steps, { token: tokenDisplay });
    if (ok) {
      setCreated(offerId);
      setTouched(false);
      setForm({ ...EMPTY_OFFER_FORM });
    }
    onCreated(offerId);
  };

  return (
    <form
      className="create-offer"
      aria-labelledby="create-offer-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="create-offer-heading">New offer</h3>
      <fieldset>
        <legend>Hardware</legend>
        <div className="form-grid">
          <Field label="GPU model" error={err("gpuModel")}>
            {(p) => (
              <select {...p} value={form.gpuModel} onChange={set("gpuModel")}>
                {Object.entries(GPU_MODELS).map(([code, label]) => (
                  <option key={code} value={code}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="GPUs per server" error={err("gpusPerUnit")}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={form.gpusPerUnit}
                onChange={set("gpusPerUnit")}
              />
            )}
          </Field>
          <Field label="Servers" error={err("servers")}>
            {(p) => (
              <input {...p} inputMode="numeric" value={form.servers} onChange={set("servers")} />
            )}
          </Field>
          <Field label="Region" error={err("region")}>
            {(p) => (
              <select {...p} value={form.region} onChange={set("region")}>
                {Object.entries(REGIONS).map(([code, label]) => (
                  <option key={code} value={code}>
                    {label} ({code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Interconnect"
            error={err("interconnect")}
            hint="e.g. InfiniBand NDR, RoCE v2"
          >
            {(p) => <input {...p} value={form.interconnect} onChange={set("interconnect")} />}
          </Field>
          <Field label="Interconnect Gb/s per GPU" error={err("interconnectGbps")} hint="Optional">
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={form.interconnectGbps}
                onChange={set("interconnectGbps")}
              />
            )}
          </Field>
          <Field label="CPU cores" error={err("cpuCores")}>
            {(p) => (
              <input {...p} inputMode="numeric" value={form.cpuCores} onChange={set("cpuCores")} />
            )}
          </Field>
          <Field label="RAM (GB)" error={err("ramGB")}>
            {(p) => <input {...p} inputMode="decimal" value={form.ramGB} onChange={set("ramGB")} />}
          </Field>
          <Field label="NVMe (TB)" error={err("nvmeTB")}>
            {(p) => (
              <input {...p} inputMode="decimal" value={form.nvmeTB} onChange={set("nvmeTB")} />
            )}
          </Field>
          <Field label="Data centre" error={err("datacenter")} hint="Optional">
            {(p) => <input {...p} value={form.datacenter} onChange={set("datacenter")} />}
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Terms</legend>
        <div className="form-grid">
          <Field
            label="Price per GPU-hour"
            error={err("price")}
            hint={tokenDisplay ? `In ${tokenDisplay.symbol}` : undefined}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={form.price}
                placeholder="2.10"
                onChange={set("price")}
              />
            )}
          </Field>
          <Field label="Payment token" error={err("paymentToken")}>
            {(p) => (
              <select {...p} value={form.paymentToken} onChange={set("paymentToken")}>
                {addresses!.usd && (
                  <option value="usd">{usd?.symbol ?? "TestUSD"} (USD stablecoin)</option>
                )}
                <option value="grid">{grid?.symbol ?? "GRID"}</option>
              </select>
            )}
          </Field>
          <Field label="Min duration (hours)" error={err("minHours")}>
            {(p) => (
              <input {...p} inputMode="decimal" value={form.minHours} onChange={set("minHours")} />
            )}
          </Field>
          <Field label="Max duration (hours)" error={err("maxHours")}>
            {(p) => (
              <input {...p} inputMode="decimal" value={form.maxHours} onChange={set("maxHours")} />
            )}
          </Field>
          <Field
            label="Min provider bond (GRID)"
            error={err("minBond")}
            hint={`Your bond: ${tokenAmount(bond, { symbol: "GRID", decimals: 18 })}`}
          >
            {(p) => (
              <input {...p} inputMode="decimal" value={form.minBond} onChange={set("minBond")} />
            )}
          </Field>
        </div>
        <Field
          label="Buyer allowlist (one address per line, optional)"
          error={err("allowlist")}
          hint="When set, only these addresses may lease this offer (through the shared allowlist policy)."
        >
          {(p) => (
            <textarea
              {...p}
              rows={3}
              className="mono"
              value={form.allowlist}
              onChange={set("allowlist")}
            />
          )}
        </Field>
      </fieldset>
      {touched && Object.keys(result.errors).length > 0 && (
        <p className="error" role="alert">
          Fix the{" "}
          {Object.keys(result.errors).length === 1
            ? "field"
            : `${Object.keys(result.errors).length} fields`}{" "}
          marked above.
        </p>
      )}
      <button type="submit" className="button" disabled={flow.busy}>
        Create offer
      </button>
      <TxProgress flow={flow} title="New offer transactions" />
      {created !== undefined && (
        <p className="callout" role="status">
          Offer #{String(created)} is listed.
        </p>
      )}
    </form>
  );
}
