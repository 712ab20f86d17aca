import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { type IndexedReview } from "../../lib/eas.ts";
import { postReview, explainEasError } from "../../lib/easWrites.ts";
import { lastVerifyRecord } from "../../lib/verifyRecord.ts";
import { Link } from "../../lib/router.tsx";
import { Field } from "../../components/Field.tsx";
import { ReviewItem } from "../../components/ReviewList.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { reportHashOf, reviewErrors, type ReviewInput } from "./review.ts";

/**
 * Review an activated lease: a score 1-5 and whether `lease verify` passed, pre-filled from this browser's last
 * verify run of the lease with its report hash. `review` is the lease's review from the indexer (null: none yet,
 * undefined: not known yet, and nothing is shown); once it is on-chain the form gives way to the review.
 */
export function ReviewPanel({
  leaseId,
  provider,
  review,
}: {
  leaseId: bigint;
  provider: Address;
  review: IndexedReview | null | undefined;
}) {
  const [open, setOpen] = useState(false);
  if (review) return <ReviewItem review={review} title="Your review" />;
  if (review === undefined) return null;
  return open ? (
    <ReviewForm leaseId={leaseId} provider={provider} onClose={() => setOpen(false)} />
  ) : (
    <button type="button" className="button secondary" onClick={() => setOpen(true)}>
      Review this lease
    </button>
  );
}

function ReviewForm({
  leaseId,
  provider,
  onClose,
}: {
  leaseId: bigint;
  provider: Address;
  onClose: () => void;
}) {
  const { chainId } = useGridlease();
  const signer = useSigner();
  const flow = useTxFlow(explainEasError);
  const queryClient = useQueryClient();
  const [record] = useState(() => lastVerifyRecord(leaseId));
  const [input, setInput] = useState<ReviewInput>({
    score: undefined,
    verified: record?.verified ?? false,
    reportHash: record?.reportHash ?? "",
  });
  const [submitted, setSubmitted] = useState(false);
  const errors = reviewErrors(input);

  const submit = async () => {
    setSubmitted(true);
    if (errors.score || errors.reportHash || !signer) return;
    const draft = {
      leaseId,
      provider,
      score: input.score!,
      verified: input.verified,
      reportHash: reportHashOf(input),
    };
    const ok = await flow.run([
      {
        label: `Post the review of lease #${leaseId}`,
        run: () => postReview(signer, chainId, draft),
      },
    ]);
    if (ok) await queryClient.invalidateQueries({ queryKey: ["eas", "reviews"] });
  };

  return (
    <form
      className="callout review-form"
      aria-label={`Review lease #${leaseId}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend>Score</legend>
        {[1, 2, 3, 4, 5].map((s) => (
          <label key={s} className="score-choice">
            <input
              type="radio"
              name={`score-${leaseId}`}
              checked={input.score === s}
              onChange={() => setInput({ ...input, score: s })}
            />{" "}
            {s}
          </label>
        ))}
        {submitted && errors.score && (
          <small className="field-error" role="alert">
            {errors.score}
          </small>
        )}
      </fieldset>
      <label>
        <input
          type="checkbox"
          checked={input.verified}
          onChange={(e) => setInput({ ...input, verified: e.target.checked })}
        />{" "}
        Verified: the GPUs passed <code>lease verify</code>
      </label>
      <p className="small muted">
        {record ? (
          <>
            From this browser's verify run of {new Date(record.checkedAt).toLocaleString()}:{" "}
            {record.verified ? "every GPU genuine" : "not every GPU genuine"}.
          </>
        ) : (
          <>
            No verify run of this lease in this browser.{" "}
            <Link to={`/verify?lease=${leaseId}`}>Verify it first</Link> to post a verified review.
          </>
        )}
      </p>
      <Field
        label="Report hash of the verify run"
        error={submitted ? errors.reportHash : undefined}
      >
        {(props) => (
          <input
            {...props}
            className="mono"
            spellCheck={false}
            value={input.reportHash}
            onChange={(e) => setInput({ ...input, reportHash: e.target.value })}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" className="button" disabled={flow.busy || !signer}>
          Post review
        </button>
        <button type="button" className="button secondary" onClick={onClose}>
          Not now
        </button>
      </div>
      <p className="small muted">
        Reviews are attestations on the Ethereum Attestation Service: one per lease, from its buyer,
        and they cannot be changed or revoked.
      </p>
      <TxProgress flow={flow} title={`Posting the review of lease #${leaseId}`} />
    </form>
  );
}
