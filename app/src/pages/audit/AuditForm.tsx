import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { decodeGpuModel, decodeRegion, gpuModelLabel, regionLabel } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { type AuditVerdict } from "../../lib/eas.ts";
import { attestAudit, explainEasError } from "../../lib/easWrites.ts";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { Loading } from "../../components/States.tsx";
import { useAuditedOffer } from "./data.ts";
import { defaultValidUntil, parseReportInput, parseValidUntil } from "./logic.ts";

/**
 * Attest an offer's hardware: the offer, the hardware report hash (pasted, or from a hardware report or a verify run
 * loaded as JSON), the verdict and the last day it holds. Every field is checked before the wallet is asked.
 */
export function AuditForm({ now, onAttested }: { now: bigint; onAttested: () => void }) {
  const { chainId } = useGridlease();
  const signer = useSigner();
  const flow = useTxFlow(explainEasError);
  const queryClient = useQueryClient();
  const [offerText, setOfferText] = useState("");
  const [reportText, setReportText] = useState("");
  const [verdict, setVerdict] = useState<AuditVerdict>();
  const [until, setUntil] = useState(() => defaultValidUntil(now));
  const [submitted, setSubmitted] = useState(false);

  const offerId = /^\d{1,30}$/.test(offerText.trim()) ? BigInt(offerText.trim()) : undefined;
  const offerQ = useAuditedOffer(offerId !== undefined && offerId > 0n ? offerId : undefined);
  const report = parseReportInput(reportText);
  const validUntil = parseValidUntil(until, now);
  const chosen = verdict ?? (report.ok ? report.suggested : undefined);

  const offerError =
    offerText.trim() === ""
      ? "Give the number of the offer you audited."
      : offerId === undefined || offerId === 0n
        ? "An offer number is a whole number from 1."
        : offerQ.data === null
          ? `There is no offer #${offerId} on this market.`
          : offerQ.isError
            ? offerQ.error.message
            : undefined;
  const errors = {
    offer: offerError,
    report: report.ok ? undefined : report.error,
    verdict: chosen === undefined ? "Choose Pass or Fail." : undefined,
    until: validUntil.ok ? undefined : validUntil.error,
  };
  const show = (k: keyof typeof errors) => (submitted ? errors[k] : undefined);
  const offer = offerQ.data ?? undefined;

  const submit = async () => {
    setSubmitted(true);
    if (Object.values(errors).some(Boolean) || !offer || !signer || !report.ok || !validUntil.ok)
      return;
    const draft = {
      offerId: offerId!,
      provider: offer.provider,
      hardwareReportHash: report.hash,
      verdict: chosen!,
      validUntil: validUntil.seconds,
    };
    const ok = await flow.run([
      {
        label: `Attest the audit of offer #${offerId} (${chosen === 1 ? "Pass" : "Fail"})`,
        run: () => attestAudit(signer, chainId, draft),
      },
    ]);
    void queryClient.invalidateQueries({ queryKey: ["eas", "audits"] });
    if (ok) {
      setSubmitted(false);
      setReportText("");
      setVerdict(undefined);
      onAttested();
    }
  };

  return (
    <form
      className="card audit-form"
      aria-label="Attest an audit"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Attest an offer's hardware</h2>
      <Field label="Offer number" error={show("offer")}>
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            value={offerText}
            onChange={(e) => setOfferText(e.target.value)}
          />
        )}
      </Field>
      {offerQ.isFetching && offerId !== undefined && <Loading what={`offer #${offerId}`} />}
      {offer && (
        <p className="small muted">
          Offer #{offerId!.toString()}: {offer.gpusPerUnit.toString()} ×{" "}
          {gpuModelLabel(decodeGpuModel(offer.gpuModel))} in{" "}
          {regionLabel(decodeRegion(offer.region))}, provider{" "}
          <span className="mono">{offer.provider}</span> (the attestation's recipient).
        </p>
      )}
      <Field
        label="Hardware report hash, hardware report or verify report (JSON)"
        error={show("report")}
        hint={
          report.ok ? (
            <>
              Hash <span className="mono">{report.hash}</span> from {report.source}.
            </>
          ) : (
            "Run the hardware probe on the host (gridlease audit attest does it over SSH) or load its report."
          )
        }
      >
        {(props) => (
          <textarea
            {...props}
            className="mono"
            rows={4}
            spellCheck={false}
            value={reportText}
            onChange={(e) => setReportText(e.target.value)}
          />
        )}
      </Field>
      <label className="small">
        Or load a file:{" "}
        <input
          type="file"
          accept=".json,.txt,application/json,text/plain"
          data-testid="report-file"
          onChange={async (e) => setReportText((await e.target.files?.[0]?.text()) ?? "")}
        />
      </label>
      <fieldset className="verdict-choice">
        <legend>Verdict</legend>
        <label>
          <input
            type="radio"
            name="verdict"
            checked={chosen === 1}
            onChange={() => setVerdict(1)}
          />{" "}
          Pass: the hardware is what the offer lists
        </label>
        <label>
          <input
            type="radio"
            name="verdict"
            checked={chosen === 2}
            onChange={() => setVerdict(2)}
          />{" "}
          Fail
        </label>
        {show("verdict") && (
          <small className="field-error" role="alert">
            {errors.verdict}
          </small>
        )}
      </fieldset>
      <Field
        label="Valid until (the last day, UTC)"
        error={show("until")}
        hint="The attestation expires then: EAS tools see the same expiry."
      >
        {(props) => (
          <input {...props} type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button" disabled={flow.busy || !signer}>
        Attest audit
      </button>
      <TxProgress flow={flow} title="Attesting the audit" />
    </form>
  );
}
