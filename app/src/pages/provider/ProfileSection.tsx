import { useEffect, useState } from "react";
import { registerProvider, updateProvider } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { parseProviderMeta, toDataUri } from "../../lib/spec.ts";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { useIndexedProvider } from "./data.ts";
import { validateProfile } from "./profile.ts";

/** Registering as a provider, or updating the public profile (name, website, contact) of one. */
export function ProfileSection({
  registered,
  onChanged,
}: {
  registered: boolean;
  onChanged: () => void;
}) {
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
