import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import {
  depositBond,
  registerProvider,
  updateProvider,
  withdrawBond,
  type ProviderRecord,
} from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../lib/gridlease.ts";
import { useTxFlow, type TxStepDef } from "../../lib/tx.ts";
import { parseProviderMeta, toDataUri } from "../../lib/spec.ts";
import { WalletGate } from "../../components/WalletGate.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { tokenAmount, useTokenBalance } from "../buyer/LeaseCard.tsx";
import { approvalSteps } from "../buyer/allowance.ts";
import { usePublicClient } from "wagmi";
import { useIndexedProvider, useProviderRecord } from "./data.ts";
import { parseAmount } from "./logic.ts";
import { validateProfile } from "./profile.ts";
import { OffersSection } from "./Offers.tsx";
import { EarningsSection, PendingLeasesSection, RunningLeasesSection } from "./Leases.tsx";
import "./provider.css";

const GRID = { symbol: "GRID", decimals: 18 };

export default function ProviderPage(_: { params: Record<string, string> }) {
  return (
    <section className="provider-page">
      <h1>Provider dashboard</h1>
      <p className="muted">
        List GPU capacity, keep a bond, activate leases with sealed access details and claim your
        earnings.
      </p>
      <WalletGate purpose="list capacity as a provider">
        <ProviderDashboard />
      </WalletGate>
    </section>
  );
}

function ProviderDashboard() {
  const record = useProviderRecord();
  const queryClient = useQueryClient();
  const refreshAll = () => {
    for (const key of [
      "provider-record",
      "indexed-provider",
      "provider-offers",
      "provider-leases",
      "provider-live-leases",
      "provider-live-offers",
      "token-balance",
    ])
      void queryClient.invalidateQueries({ queryKey: [key] });
  };
  if (record.isPending) return <Loading what="your provider record" />;
  if (record.isError)
    return <ErrorState error={record.error} retry={() => void record.refetch()} />;
  const registered = record.data.registered;
  return (
    <>
      <ProfileSection registered={registered} onChanged={refreshAll} />
      {registered && (
        <>
          <BondSection record={record.data} onChanged={refreshAll} />
          <PendingLeasesSection onChanged={refreshAll} />
          <RunningLeasesSection onChanged={refreshAll} />
          <OffersSection bond={record.data.bond} onChanged={refreshAll} />
          <EarningsSection onChanged={refreshAll} />
        </>
      )}
    </>
  );
}

function ProfileSection({ registered, onChanged }: { registered: boolean; onChanged: () => void }) {
  const { account, addresses } = useGridlease();
  const signer = useSigner();
  const indexed = useIndexedProvider(account);
  const flow = useTxFlow();
  const [form, setForm] = useState({ name: "", website: "", contact: "" });
  const [loaded, setLoaded] = useState(false);
  const [touched, setTouched] = useState(false);

  // Prefill once with the current metadata (from the indexer).
  useEffect(() => {
    if (loaded || !indexed.data) return;
    const meta = parseProviderMeta(indexed.data.metadataURI);
    setForm({ name: meta.name ?? "", website: meta.website ?? "", contact: meta.contact ?? "" });
    setLoaded(true);
  }, [indexed.data, loaded]);

  const errors = validateProfile(form);
  const show = (k: keyof typeof errors) => (touched ? errors[k] : undefined);

  const submit = async () => {
    setTouched(true);
    if (Object.keys(errors).length > 0 || !signer) return;
    const doc: Record<string, string> = { name: form.name.trim() };
    if (form.website.trim()) doc.website = form.website.trim();
    if (form.contact.trim()) doc.contact = form.contact.trim();
    const metadataURI = toDataUri(doc);
    const market = addresses!.market;
    const step: TxStepDef = registered
      ? {
          label: "Update provider profile",
          run: () => updateProvider(signer, { market, metadataURI }),
        }
      : {
          label: "Register as provider",
          run: () => registerProvider(signer, { market, metadataURI }),
        };
    await flow.run([step]);
    onChanged();
  };

  return (
    <section className="card provider-section" aria-labelledby="profile-heading">
      <h2 id="profile-heading">{registered ? "Profile" : "Become a provider"}</h2>
      {!registered && (
        <p className="muted">
          Register this address to list capacity. The profile is public on-chain: give only what
          buyers should see.
        </p>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <Field label="Provider name" error={show("name")}>
            {(p) => (
              <input
                {...p}
                value={form.name}
                maxLength={120}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            )}
          </Field>
          <Field label="Website" error={show("website")} hint="Optional, https://…">
            {(p) => (
              <input
                {...p}
                type="url"
                value={form.website}
                onChange={(e) => setForm({ ...form, website: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Contact"
            error={show("contact")}
            hint="Optional: an email, Telegram or Matrix handle"
          >
            {(p) => (
              <input
                {...p}
                value={form.contact}
                onChange={(e) => setForm({ ...form, contact: e.target.value })}
              />
            )}
          </Field>
        </div>
        <button type="submit" className="button" disabled={flow.busy}>
          {registered ? "Update profile" : "Register as provider"}
        </button>
      </form>
      <TxProgress flow={flow} title="Profile transaction" />
    </section>
  );
}

function BondSection({ record, onChanged }: { record: ProviderRecord; onChanged: () => void }) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const client = usePublicClient();
  const flow = useTxFlow();
  const balance = useTokenBalance(addresses!.grid).data;
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  const free = record.bond - record.lockedBond;
  const market = addresses!.market;

  const act = async (kind: "deposit" | "withdraw") => {
    const max = kind === "deposit" ? balance : free;
    const r = parseAmount(amount, 18, {
      max,
      maxMessage:
        kind === "deposit"
          ? `Your wallet holds ${tokenAmount(balance ?? 0n, GRID)}: you cannot deposit more.`
          : `Only ${tokenAmount(free, GRID)} of your bond is free (the rest is reserved for live leases).`,
    });
    if ("error" in r) {
      setError(r.error);
      return;
    }
    setError(undefined);
    if (!signer || !client) return;
    const value = r.value;
    const steps: TxStepDef[] =
      kind === "deposit"
        ? [
            ...(await approvalSteps(client as never, signer, {
              token: addresses!.grid,
              spender: market,
              amount: value,
              label: `Approve ${tokenAmount(value, GRID)} for the bond`,
            })),
            {
              label: `Deposit ${tokenAmount(value, GRID)} bond`,
              run: () => depositBond(signer, { market, amount: value }),
            },
          ]
        : [
            {
              label: `Withdraw ${tokenAmount(value, GRID)} bond`,
              run: () => withdrawBond(signer, { market, amount: value }),
            },
          ];
    const ok = await flow.run(steps, { token: GRID, bondToken: GRID });
    if (ok) setAmount("");
    onChanged();
  };

  return (
    <section className="card provider-section" aria-labelledby="bond-heading">
      <h2 id="bond-heading">Bond</h2>
      <p className="muted small">
        Offers can require a minimum bond. Each pending or active lease reserves its no-show penalty
        from the bond until it ends.
      </p>
      <div className="cards">
        <Stat label="Bond" value={tokenAmount(record.bond, GRID)} />
        <Stat label="Locked bond" value={tokenAmount(record.lockedBond, GRID)} />
        <Stat label="Free bond" value={tokenAmount(free, GRID)} />
        <Stat
          label="GRID in wallet"
          value={balance === undefined ? "…" : tokenAmount(balance, GRID)}
        />
      </div>
      <form className="toolbar" noValidate onSubmit={(e) => e.preventDefault()}>
        <Field label="Bond amount (GRID)" error={error}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          )}
        </Field>
        <button
          type="button"
          className="button"
          disabled={flow.busy}
          onClick={() => void act("deposit")}
        >
          Deposit bond
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={flow.busy}
          onClick={() => void act("withdraw")}
        >
          Withdraw bond
        </button>
      </form>
      <TxProgress flow={flow} title="Bond transaction" />
    </section>
  );
}

export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
