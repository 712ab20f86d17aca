import { useId, useState, type ChangeEvent } from "react";
import { Link, useSearchParams } from "../../lib/router.tsx";
import { loadVerifier, useAttestationRoots } from "../../lib/attestation.ts";
import { AttestationVerdict } from "../../components/AttestationVerdict.tsx";
import { runReportHash, saveVerifyRecord } from "../../lib/verifyRecord.ts";
import { freshNonce, runVerification, type VerifyOutcome } from "./verify.ts";
import "./verify.css";

/** Reads an uploaded file as text ("" when none was picked). */
const fileText = async (e: ChangeEvent<HTMLInputElement>) =>
  (await e.target.files?.[0]?.text()) ?? "";

/** A text area whose text can also come from an uploaded file. */
function TextOrFile(props: {
  id: string;
  label: string;
  uploadLabel: string;
  accept: string;
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        rows={6}
        spellCheck={false}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <label className="small">
        {props.uploadLabel}{" "}
        <input
          type="file"
          accept={props.accept}
          data-testid={props.testId}
          onChange={async (e) => props.onChange(await fileText(e))}
        />
      </label>
    </div>
  );
}

/**
 * `/verify[?lease=ID]`: a buyer checks that a leased host's GPU is a genuine NVIDIA part. The page makes a nonce,
 * shows the command to run on the host, takes its output (or a report and chain, and optional RIMs) and verifies it
 * in the browser with the SDK's verifier, loaded only when "Verify" is pressed. Nothing is sent anywhere.
 */
export default function VerifyPage(_: { params: Record<string, string> }) {
  const [params] = useSearchParams();
  const lease = /^\d{1,30}$/.test(params.get("lease") ?? "") ? params.get("lease") : null;
  const roots = useAttestationRoots();
  const id = useId();
  const [nonce, setNonce] = useState(freshNonce);
  const [mode, setMode] = useState<"bundle" | "parts">("bundle");
  const [bundleText, setBundleText] = useState("");
  const [reportText, setReportText] = useState("");
  const [chainText, setChainText] = useState("");
  const [rims, setRims] = useState<{ name: string; text: string }[]>([]);
  const [useOther, setUseOther] = useState(false);
  const [otherNonce, setOtherNonce] = useState("");
  const [busy, setBusy] = useState(false);
  // The outcome keeps the nonce's source it was checked against: editing the form afterwards does not relabel it.
  const [result, setResult] = useState<{ outcome: VerifyOutcome; nonceSource: string }>();

  const nonceSource = useOther ? "the nonce you entered" : "the nonce this page generated";

  const verify = async () => {
    const setOutcome = (outcome: VerifyOutcome) => {
      setResult({ outcome, nonceSource });
      // A run for a lease is remembered for that lease's review (verified, and the report hash).
      if (lease && outcome.ok)
        saveVerifyRecord(BigInt(lease), {
          verified: outcome.verdicts.every((g) => g.described.verdict.genuine),
          reportHash: runReportHash(outcome.verdicts.map((g) => g.described.verdict.reportHash)),
          checkedAt: Date.now(),
        });
    };
    setBusy(true);
    try {
      const verifier = await loadVerifier();
      const form = { mode, bundleText, reportText, chainText, nonce };
      const otherNonceText = useOther ? otherNonce : undefined;
      setOutcome(
        await runVerification(
          verifier,
          { ...form, otherNonce: otherNonceText, rims: rims.map((r) => r.text) },
          roots,
        ),
      );
    } catch (err) {
      // Only the chunk's download can fail here (runVerification turns every input problem into a message).
      setOutcome({
        ok: false,
        error: `The verifier could not be loaded: ${(err as Error).message}`,
      });
    } finally {
      setBusy(false);
    }
  };

  const hex = nonce.slice(2);
  return (
    <section className="verify">
      <h1>Verify an NVIDIA GPU attestation</h1>
      <p className="muted">
        A Hopper or Blackwell GPU in confidential-computing mode signs a report of its firmware with
        a key certified by NVIDIA. Verifying it here proves the GPU is a genuine NVIDIA part
        answering now. The check runs in this browser: nothing you paste leaves it.
      </p>

      <div className="card">
        <h2>1. Ask the host for a report</h2>
        <p>
          Your nonce, fresh from this browser: <code className="mono nonce">{nonce}</code>{" "}
          <button
            type="button"
            className="button secondary small"
            onClick={() => setNonce(freshNonce())}
          >
            New nonce
          </button>
        </p>
        <p>Run this on the leased host (over the lease's SSH access) and copy what it prints:</p>
        <pre className="command">
          <code>gridlease-attest --nonce {hex}</code>
        </pre>
        <p className="small muted">
          Or verify from the command line, which makes its own nonce:{" "}
          <code>gridlease lease verify {lease ?? "<lease id>"} --attest</code>
          {lease && (
            <>
              {" "}
              · <Link to="/leases">Back to my leases</Link>
            </>
          )}
        </p>
      </div>

      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void verify();
        }}
      >
        <h2>2. Check its answer</h2>
        <fieldset className="mode">
          <legend>What you have</legend>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === "bundle"}
              onChange={() => setMode("bundle")}
            />{" "}
            The output of gridlease-attest (JSON)
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === "parts"}
              onChange={() => setMode("parts")}
            />{" "}
            A report (hex) and its certificate chain (PEM)
          </label>
        </fieldset>

        {mode === "bundle" ? (
          <TextOrFile
            id={`${id}-bundle`}
            label="Output of gridlease-attest"
            uploadLabel="Or upload it:"
            accept=".json,.txt,application/json,text/plain"
            placeholder='[{"format":"gridlease-attestation/1","report":"11e001ff…","certChain":"-----BEGIN CERTIFICATE-----…"}]'
            value={bundleText}
            onChange={setBundleText}
          />
        ) : (
          <div className="grid-2">
            <TextOrFile
              id={`${id}-report`}
              label="Attestation report (hex)"
              uploadLabel="Or upload the report file:"
              accept=".txt,.hex,text/plain"
              testId="report-file"
              value={reportText}
              onChange={setReportText}
            />
            <TextOrFile
              id={`${id}-chain`}
              label="Certificate chain (PEM, leaf first)"
              uploadLabel="Or upload the chain file:"
              accept=".pem,.txt,.crt,text/plain"
              testId="chain-file"
              value={chainText}
              onChange={setChainText}
            />
          </div>
        )}

        <div className="field">
          <label htmlFor={`${id}-rims`}>
            NVIDIA Reference Integrity Manifests (optional: without them the firmware is not
            compared)
          </label>
          <input
            id={`${id}-rims`}
            type="file"
            multiple
            accept=".swidtag,.xml"
            onChange={async (e) => {
              const files = [...(e.target.files ?? [])];
              setRims(
                await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))),
              );
            }}
          />
          {rims.length > 0 && (
            <p className="hint">
              {rims.map((r) => r.name).join(", ")}{" "}
              <button type="button" className="button secondary small" onClick={() => setRims([])}>
                Remove
              </button>
            </p>
          )}
        </div>

        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={useOther}
              onChange={(e) => setUseOther(e.target.checked)}
            />{" "}
            I used another nonce (a published report, or one I made elsewhere)
          </label>
          {useOther && (
            <>
              <label htmlFor={`${id}-nonce`}>The nonce the report answers (64 hex digits)</label>
              <input
                id={`${id}-nonce`}
                className="mono"
                spellCheck={false}
                value={otherNonce}
                onChange={(e) => setOtherNonce(e.target.value)}
              />
            </>
          )}
        </div>

        <button type="submit" className="button" disabled={busy}>
          {busy ? "Verifying…" : "Verify"}
        </button>
      </form>

      {lease && result?.outcome.ok && (
        <p className="small" role="status">
          Saved for the review of lease #{lease}: “verified” is{" "}
          {result.outcome.verdicts.every((g) => g.described.verdict.genuine)
            ? "ticked"
            : "not ticked"}{" "}
          in its review form. <Link to="/leases">Back to my leases</Link>
        </p>
      )}
      {result &&
        (result.outcome.ok ? (
          result.outcome.verdicts.map((g, _, all) => (
            <AttestationVerdict
              key={g.label}
              described={g.described}
              nonceSource={result.nonceSource}
              title={all.length > 1 ? g.label : undefined}
            />
          ))
        ) : (
          <div className="callout callout-error" role="alert">
            <strong>This input cannot be verified</strong>
            <p>{result.outcome.error}</p>
          </div>
        ))}
    </section>
  );
}
