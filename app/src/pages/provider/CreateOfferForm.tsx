import { useState } from "react";
import {
  createOffer,
  formatDuration,
  GPU_MODELS,
  REGIONS,
  setAllowedBuyers,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import {
  buildOffer,
  checkRepairWindow,
  DEFAULT_REPAIR_BOUNDS,
  EMPTY_OFFER_FORM,
  type OfferForm,
} from "./logic.ts";

/** The new-offer form: hardware, terms and an optional allowlist, validated field by field before anything is sent. */
export function CreateOfferForm({
  bonds,
  onCreated,
}: {
  bonds: Partial<Record<"usd" | "grid", bigint>>;
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
    bonds,
  };
  const result = buildOffer(form, ctx);
  const repairBounds = { ...DEFAULT_REPAIR_BOUNDS, ...config.data?.limits };
  const repair = checkRepairWindow(form.repairHours, repairBounds);
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
            label={`Min provider bond (${tokenDisplay?.symbol ?? "…"})`}
            error={err("minBond")}
            hint={`In the offer's payment token. Your bond in it: ${amountText(bonds[form.paymentToken === "usd" ? "usd" : "grid"] ?? 0n, tokenDisplay)}`}
          >
            {(p) => (
              <input {...p} inputMode="decimal" value={form.minBond} onChange={set("minBond")} />
            )}
          </Field>
        </div>
        <Field
          label="Repair window (hours)"
          error={err("repairHours")}
          hint={
            <>
              When a buyer reports servers down, billing stops for them and you have this long to
              resolve the outage ({formatDuration(repairBounds.minRepairWindow)} to{" "}
              {formatDuration(repairBounds.maxRepairWindow)}). After it the buyer may end the lease
              with a refund and a penalty from your bond.
              {"seconds" in repair && ` Now: ${formatDuration(repair.seconds)}.`}
            </>
          }
        >
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={form.repairHours}
              onChange={set("repairHours")}
            />
          )}
        </Field>
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
