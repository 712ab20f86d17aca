import { useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import { formatTime } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { AUDIT_VERDICTS, type AuditVerdict, type IndexedAudit } from "../../lib/eas.ts";
import { revokeAudit, explainEasError } from "../../lib/easWrites.ts";
import { Link } from "../../lib/router.tsx";
import { Empty, ErrorState, Loading } from "../../components/States.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { useMyAudits } from "./data.ts";

/** Audits, the one valid longest first. */
export const latestFirst = (audits: readonly IndexedAudit[]) =>
  [...audits].sort((a, b) =>
    a.validUntil === b.validUntil ? 0 : a.validUntil < b.validUntil ? 1 : -1,
  );

/** Whether an audit is in force, expired or revoked at `now`. */
export const auditState = (a: IndexedAudit, now: bigint) =>
  a.revokedAt !== null ? "Revoked" : a.validUntil <= now ? "Expired" : "In force";

/** The connected auditor's audits, each revocable while it is not revoked. */
export function MyAudits({ auditor, now }: { auditor: Address; now: bigint }) {
  const { chainId } = useGridlease();
  const signer = useSigner();
  const flow = useTxFlow(explainEasError);
  const queryClient = useQueryClient();
  const q = useMyAudits(auditor);

  const revoke = async (a: IndexedAudit) => {
    await flow.run([
      {
        label: `Revoke the audit of offer #${a.offerId}`,
        run: () => revokeAudit(signer!, chainId, a.uid),
      },
    ]);
    void queryClient.invalidateQueries({ queryKey: ["eas", "audits"] });
  };

  return (
    <section className="card" aria-labelledby="my-audits">
      <h2 id="my-audits">Your audits</h2>
      {q.isPending ? (
        <Loading what="your audits" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <Empty>You have not attested any audit from this address.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Offer</th>
              <th scope="col">Verdict</th>
              <th scope="col">Valid until</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {latestFirst(q.data).map((a) => (
              <tr key={a.uid}>
                <td>
                  <Link to={`/offers/${a.offerId}`}>Offer #{a.offerId.toString()}</Link>
                </td>
                <td>{AUDIT_VERDICTS[a.verdict as AuditVerdict] ?? `code ${a.verdict}`}</td>
                <td>{formatTime(a.validUntil)}</td>
                <td>{auditState(a, now)}</td>
                <td>
                  {a.revokedAt === null && (
                    <button
                      type="button"
                      className="button secondary small"
                      disabled={flow.busy || !signer}
                      onClick={() => void revoke(a)}
                      aria-label={`Revoke the audit of offer #${a.offerId}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TxProgress flow={flow} title="Revoking an audit" />
    </section>
  );
}
