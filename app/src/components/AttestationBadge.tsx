import { formatTime } from "@gridlease/sdk";
import { useOfferAttestation } from "../hooks/useOfferAttestation.ts";
import { VerdictChecks } from "./VerdictChecks.tsx";

/** The first reason a verdict failed, in plain words. */
const reasonOf = (failures: { message: string }[], headline: string) =>
  failures[0]?.message ?? headline;

/**
 * "NVIDIA-attested · GH100 · 2026-12-06" on an offer whose claim verifies in this browser, with what was checked
 * behind it; otherwise "Attestation claim not verified: <reason>" and no badge. Offers without a claim show
 * nothing. `full` (the rent page) lists the checks of a claim that failed too.
 */
export function AttestationBadge({
  offerId,
  gpuModel,
  hasClaim,
  full = false,
}: {
  offerId: bigint;
  gpuModel: string;
  hasClaim?: boolean;
  full?: boolean;
}) {
  const state = useOfferAttestation(offerId, gpuModel, hasClaim);
  if (state.status === "none") return null;
  if (state.status === "checking")
    return (
      <p className="small muted attestation" role="status">
        Checking the attestation claim…
      </p>
    );
  if (state.status === "error")
    return (
      <p className="small muted attestation">
        Attestation claim not verified: it could not be checked ({state.message}).
      </p>
    );
  const { claim, described } = state;
  const v = described.verdict;
  const nonceSource = `the claim's nonce, bound to block ${claim.nonceBlock.toString()}`;
  if (!v.genuine)
    return (
      <div className="small attestation">
        <p className="muted">
          Attestation claim not verified: {reasonOf(v.failures, described.headline)}
        </p>
        {full && (
          <details>
            <summary>What was checked</summary>
            <VerdictChecks verdict={v} nonceSource={nonceSource} />
          </details>
        )}
      </div>
    );
  const date = formatTime(claim.publishedAt).slice(0, 10);
  return (
    <details className="small attestation" open={full}>
      <summary>
        <span
          className="badge badge-attested"
          title={`Report ${v.reportHash}, published ${formatTime(claim.publishedAt)}, verified in this browser`}
        >
          NVIDIA-attested · {v.chip ?? "GPU"} · {date}
        </span>
      </summary>
      <p className="muted">
        Verified in this browser: {described.headline}. Published on-chain{" "}
        {formatTime(claim.publishedAt)}.
      </p>
      <VerdictChecks verdict={v} nonceSource={nonceSource} />
    </details>
  );
}
