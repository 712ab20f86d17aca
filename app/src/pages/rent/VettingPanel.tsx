import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import { useGridlease, useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { CONTRACT_READ_KEY } from "../../hooks/useContractRead.ts";
import { getOfferRequirement } from "../../lib/eas.ts";
import {
  policyCheck,
  registerCredential,
  type EasDeployment,
  explainEasError,
} from "../../lib/easWrites.ts";
import { indexer } from "../../lib/indexer.ts";
import { addressUrl } from "../../lib/gridlease.ts";
import { Link } from "../../lib/router.tsx";
import { Field } from "../../components/Field.tsx";
import { Loading } from "../../components/States.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";

const UID = /^0x[0-9a-fA-F]{64}$/;

/** The schema's name when it is one of Gridlease's, else its UID. */
function schemaName(schema: Hex, eas: EasDeployment): string {
  const s = schema.toLowerCase();
  if (s === eas.schemas.vetting.uid.toLowerCase())
    return `Gridlease buyer vetting (${eas.schemas.vetting.schema})`;
  if (s === eas.schemas.audit.uid.toLowerCase()) return "Gridlease hardware audit";
  if (s === eas.schemas.review.uid.toLowerCase()) return "Gridlease lease review";
  return schema;
}

/**
 * A vetted-buyer offer (AttestationPolicy): which attestation it asks for and from whom, how to get one, the policy's
 * answer for the connected wallet in plain words, and registering an attestation's UID with the policy.
 */
export function VettingPanel({
  offerId,
  eas,
  buyer,
}: {
  offerId: bigint;
  eas: EasDeployment;
  buyer: Address | undefined;
}) {
  const { chainId } = useGridlease();
  const client = useReadClient();
  const signer = useSigner();
  const flow = useTxFlow(explainEasError);
  const queryClient = useQueryClient();
  const [uid, setUid] = useState("");
  const [submitted, setSubmitted] = useState(false);

  const requirement = useQuery({
    queryKey: ["eas", "requirement", offerId.toString()],
    retry: 0,
    queryFn: async ({ signal }) =>
      (await getOfferRequirement(indexer, offerId, { signal })) ?? null,
  });
  const check = useQuery({
    queryKey: ["eas", "policy-check", chainId, offerId.toString(), buyer?.toLowerCase()],
    enabled: !!client && !!buyer,
    queryFn: () => policyCheck(client!, chainId, { offerId, buyer: buyer! }),
  });

  const uidError =
    uid.trim() === ""
      ? "Paste the UID of the attestation an attester made for your address."
      : UID.test(uid.trim())
        ? undefined
        : "An attestation UID is 0x followed by 64 hexadecimal digits.";

  const register = async () => {
    setSubmitted(true);
    if (uidError || !signer) return;
    const ok = await flow.run([
      {
        label: "Register your attestation with the offer's policy",
        run: () => registerCredential(signer, chainId, uid.trim().toLowerCase() as Hex),
      },
    ]);
    void queryClient.invalidateQueries({ queryKey: ["eas", "policy-check"] });
    void queryClient.invalidateQueries({ queryKey: ["rent", "allowed"] });
    void queryClient.invalidateQueries({ queryKey: [CONTRACT_READ_KEY] });
    if (ok) {
      setUid("");
      setSubmitted(false);
    }
  };

  const r = requirement.data;
  return (
    <section className="card vetting" aria-labelledby="vetting-title">
      <h2 id="vetting-title">Vetted buyers only</h2>
      {requirement.isPending ? (
        <Loading what="who may lease this offer" />
      ) : !r ? (
        <p className="muted small">
          {requirement.isError
            ? "The indexer is unreachable: the offer's requirement cannot be shown."
            : "The provider has not said yet which attestation it accepts: nobody can lease this offer for now."}
        </p>
      ) : (
        <>
          <p>
            The provider accepts buyers holding a valid, unrevoked attestation of the schema{" "}
            <strong>{schemaName(r.schema, eas)}</strong> from one of:
          </p>
          <ul>
            {r.attesters.map((a) => (
              <li key={a}>
                <Link to={addressUrl(a)} className="mono">
                  {a}
                </Link>
              </li>
            ))}
          </ul>
          <p className="small muted">
            How to get vetted: ask one of them to attest your address on the Ethereum Attestation
            Service (they run <code>gridlease vet {buyer ?? "<your address>"}</code>). Only the
            attestation's existence and its attester are checked: what they saw stays private. Then
            register the attestation's UID here once; the policy re-checks it at every lease.
          </p>
        </>
      )}
      {buyer && (
        <p role="status" className={check.data?.code === 0 ? "ok" : "warn"}>
          {check.isPending
            ? "Asking the policy about your address…"
            : check.isError
              ? `The policy could not be asked: ${check.error.message}`
              : `For your address: ${check.data.reason}`}
        </p>
      )}
      {buyer && check.data?.code !== 0 && (
        <form
          noValidate
          aria-label="Register your attestation"
          onSubmit={(e) => {
            e.preventDefault();
            void register();
          }}
        >
          <Field label="Attestation UID" error={submitted ? uidError : undefined}>
            {(props) => (
              <input
                {...props}
                className="mono"
                spellCheck={false}
                value={uid}
                onChange={(e) => setUid(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button secondary" disabled={flow.busy || !signer}>
            Register attestation
          </button>
          <TxProgress flow={flow} title="Registering your attestation" />
        </form>
      )}
    </section>
  );
}
