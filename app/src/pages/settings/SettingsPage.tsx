import { useState } from "react";
import { useTrustedAuditors } from "../../hooks/useTrustedAuditors.ts";
import { parseAuditors } from "../../lib/trustedAuditors.ts";
import { addressUrl } from "../../lib/gridlease.ts";
import { Link } from "../../lib/router.tsx";
import { Field } from "../../components/Field.tsx";

/**
 * `/settings`: whose hardware audits this browser trusts. The default is the market's published auditors; a list
 * saved here replaces it on this chain, and every audit badge follows at once. Audits by anyone not on the list
 * show as "Unverified audit".
 */
export default function SettingsPage(_: { params: Record<string, string> }) {
  const { auditors, isDefault, published, save } = useTrustedAuditors();
  const [draft, setDraft] = useState<string>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const text = draft ?? auditors.join("\n");

  const onSave = () => {
    const parsed = parseAuditors(text);
    if (!parsed.ok) {
      setError(parsed.error);
      setSaved(undefined);
      return;
    }
    save(parsed.auditors);
    setDraft(undefined);
    setError(undefined);
    setSaved(
      `Saved: ${parsed.auditors.length} trusted auditor${parsed.auditors.length === 1 ? "" : "s"}.`,
    );
  };

  return (
    <section className="settings">
      <h1>Settings</h1>
      <div className="card">
        <h2>Trusted auditors</h2>
        <p className="muted">
          An auditor checks an offer's hardware and attests it on-chain (Ethereum Attestation
          Service). Only audits by the auditors listed here show as “Audited”; anyone else's show as
          “Unverified audit”. Auditors attest at <Link to="/audit">/audit</Link>.
        </p>
        <p className="small">
          {isDefault
            ? "You use the market's published list."
            : "You use your own list (saved in this browser)."}{" "}
          Published by the market:{" "}
          {published.length === 0
            ? "none on this network."
            : published.map((a, i) => (
                <span key={a}>
                  {i > 0 && ", "}
                  <Link to={addressUrl(a)} className="mono">
                    {a}
                  </Link>
                </span>
              ))}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSave();
          }}
        >
          <Field
            label="Trusted auditor addresses (one per line, or separated by commas)"
            error={error}
          >
            {(props) => (
              <textarea
                {...props}
                className="mono"
                rows={4}
                spellCheck={false}
                value={text}
                onChange={(e) => {
                  setDraft(e.target.value);
                  setSaved(undefined);
                }}
              />
            )}
          </Field>
          <div className="toolbar">
            <button type="submit" className="button">
              Save
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={isDefault && draft === undefined}
              onClick={() => {
                save(undefined);
                setDraft(undefined);
                setError(undefined);
                setSaved("Back to the market's published list.");
              }}
            >
              Use the published list
            </button>
          </div>
          {saved && (
            <p className="small" role="status">
              {saved}
            </p>
          )}
        </form>
      </div>
    </section>
  );
}
