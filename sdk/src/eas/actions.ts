/**
 * Attestation actions (viem, like ../actions/writes.ts): hardware audits, lease reviews and buyer vetting through
 * EAS, and the AttestationPolicy's writes and reads. Writes return `{ hash, wait() }`; `wait()` gives the new
 * attestation's `uid` where one is made. Payloads are encoded (and checked) by ./payloads.ts before anything is
 * sent, so a malformed one is an `EasPayloadError` and nothing leaves the client.
 */
import {
  getAddress,
  isAddressEqual,
  parseEventLogs,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { readContract, writeContract } from "viem/actions";
import {
  attestationPolicyAbi,
  easAbi,
  gridleaseReviewResolverAbi,
  schemaRegistryAbi,
} from "../generated/easAbis.ts";
import { sent } from "../actions/transactions.ts";
import type { Sent } from "../actions/transactions.ts";
import type { ReadClient, SignerClient } from "../actions/types.ts";
import {
  encodeAudit,
  encodeReview,
  encodeVetting,
  type AuditPayload,
  type ReviewPayload,
} from "./payloads.ts";
import type { EasDeployment, SchemaKey } from "./schemas.ts";

/** Which attestation contracts a call goes to. */
export interface OnEas {
  deployment: EasDeployment;
}

/** The uid of the attestation a transaction made (its EAS `Attested` event). */
function attestedUid(deployment: EasDeployment, receipt: TransactionReceipt): { uid: Hex } {
  const [event] = parseEventLogs({
    abi: easAbi,
    eventName: "Attested",
    logs: receipt.logs.filter((l) => isAddressEqual(l.address, deployment.eas)),
  });
  if (!event) throw new Error("The transaction emitted no EAS Attested event");
  return { uid: event.args.uid };
}

/** A sent EAS write whose `wait()` adds what `extract` reads from the receipt. */
function easSent<R extends object>(
  w: SignerClient,
  hash: Hex,
  extract: (receipt: TransactionReceipt) => R,
): Sent<R> {
  const base = sent(w, hash, undefined);
  return {
    hash,
    async wait(options) {
      const mined = await base.wait(options);
      return { ...mined, ...extract(mined.receipt) };
    },
  };
}

/** Sends one EAS attestation of a Gridlease schema; `wait()` gives its `uid`. */
async function attest(
  w: SignerClient,
  p: OnEas & { schema: SchemaKey; recipient: Address; expirationTime: bigint; data: Hex },
): Promise<Sent<{ uid: Hex }>> {
  const record = p.deployment.schemas[p.schema];
  const hash = await writeContract(w, {
    address: p.deployment.eas,
    abi: easAbi,
    functionName: "attest",
    args: [
      {
        schema: record.uid,
        data: {
          recipient: p.recipient,
          expirationTime: p.expirationTime,
          revocable: record.revocable,
          refUID: zeroHash,
          data: p.data,
          value: 0n,
        },
      },
    ],
    account: w.account,
    chain: w.chain ?? null,
  });
  return easSent(w, hash, (receipt) => attestedUid(p.deployment, receipt));
}

/** Revokes one of the sender's attestations of a revocable Gridlease schema. */
async function revoke(w: SignerClient, p: OnEas & { schema: SchemaKey; uid: Hex }) {
  const hash = await writeContract(w, {
    address: p.deployment.eas,
    abi: easAbi,
    functionName: "revoke",
    args: [{ schema: p.deployment.schemas[p.schema].uid, data: { uid: p.uid, value: 0n } }],
    account: w.account,
    chain: w.chain ?? null,
  });
  return easSent(w, hash, () => ({}));
}

/** Attests an offer's hardware (the sender is the auditor); it expires at `validUntil`. `wait()` gives the uid. */
export const attestAudit = (w: SignerClient, p: OnEas & AuditPayload & { provider: Address }) =>
  attest(w, {
    deployment: p.deployment,
    schema: "audit",
    recipient: p.provider,
    expirationTime: p.validUntil,
    data: encodeAudit(p),
  });

/** Revokes one of the sender's audits. */
export const revokeAudit = (w: SignerClient, p: OnEas & { uid: Hex }) =>
  revoke(w, { ...p, schema: "audit" });

/** Posts the sender's review of a lease it bought (once; it never expires). `wait()` gives the uid. */
export const postReview = (w: SignerClient, p: OnEas & ReviewPayload & { provider: Address }) =>
  attest(w, {
    deployment: p.deployment,
    schema: "review",
    recipient: p.provider,
    expirationTime: 0n,
    data: encodeReview(p),
  });

/** Vets a buyer: only `evidenceHash` goes on chain. `expirationTime` 0 never expires. `wait()` gives the uid. */
export const vetBuyer = (
  w: SignerClient,
  p: OnEas & { buyer: Address; evidenceHash: Hex; expirationTime?: bigint },
) =>
  attest(w, {
    deployment: p.deployment,
    schema: "vetting",
    recipient: p.buyer,
    expirationTime: p.expirationTime ?? 0n,
    data: encodeVetting({ evidenceHash: p.evidenceHash }),
  });

/** Revokes one of the sender's vettings. */
export const revokeVetting = (w: SignerClient, p: OnEas & { uid: Hex }) =>
  revoke(w, { ...p, schema: "vetting" });

/** Sets which attestation an offer's buyers must hold (the sender is the offer's provider); replaces any earlier one. */
export async function setOfferRequirement(
  w: SignerClient,
  p: OnEas & { offerId: bigint; schema: Hex; attesters: readonly Address[] },
) {
  const hash = await writeContract(w, {
    address: p.deployment.policy,
    abi: attestationPolicyAbi,
    functionName: "setRequirement",
    args: [p.offerId, p.schema, p.attesters],
    account: w.account,
    chain: w.chain ?? null,
  });
  return easSent(w, hash, () => ({}));
}

/** Registers one of the sender's attestations with the policy (EAS cannot look attestations up by recipient). */
export async function registerCredential(w: SignerClient, p: OnEas & { uid: Hex }) {
  const hash = await writeContract(w, {
    address: p.deployment.policy,
    abi: attestationPolicyAbi,
    functionName: "registerAttestation",
    args: [p.uid],
    account: w.account,
    chain: w.chain ?? null,
  });
  return easSent(w, hash, () => ({}));
}

/* Reads */

/** What AttestationPolicy.check answers, by code. */
export const POLICY_CHECK_REASONS = [
  "The buyer holds a valid attestation from an attester the provider names.",
  "The offer's provider has set no attestation requirement on this policy.",
  "The buyer has registered no attestation of the required schema (gridlease vet register <uid>).",
  "The buyer's registered attestation is from an attester the provider does not name.",
  "The buyer's registered attestation was revoked.",
  "The buyer's registered attestation has expired.",
] as const;

/** The policy's answer for a buyer on an offer: 0 Allowed, 1 NoRequirement, 2 NotRegistered, 3 AttesterNotNamed, 4 Revoked, 5 Expired. */
export interface PolicyCheck {
  code: number;
  allowed: boolean;
  reason: string;
}

/** Would the policy admit `buyer` to `offerId` now, and if not, why (plain words). */
export async function policyCheck(
  c: ReadClient,
  p: OnEas & { offerId: bigint; buyer: Address },
): Promise<PolicyCheck> {
  const code = Number(
    await readContract(c, {
      address: p.deployment.policy,
      abi: attestationPolicyAbi,
      functionName: "check",
      args: [p.offerId, p.buyer],
    }),
  );
  return {
    code,
    allowed: code === 0,
    reason: POLICY_CHECK_REASONS[code] ?? `The policy answered an unknown code ${code}.`,
  };
}

/** An offer's attestation requirement. */
export interface OfferRequirement {
  provider: Address;
  /** The schema UID a buyer's attestation must have. */
  schema: Hex;
  attesters: Address[];
}

/** An offer's requirement on the policy, or undefined when its provider set none. */
export async function getRequirement(
  c: ReadClient,
  p: OnEas & { offerId: bigint },
): Promise<OfferRequirement | undefined> {
  const [provider, schema, attesters] = await readContract(c, {
    address: p.deployment.policy,
    abi: attestationPolicyAbi,
    functionName: "getRequirement",
    args: [p.offerId],
  });
  if (isAddressEqual(provider, zeroAddress)) return undefined;
  return { provider: getAddress(provider), schema, attesters: attesters.map((a) => getAddress(a)) };
}

/** An attestation as EAS stores it. */
export interface EasAttestation {
  uid: Hex;
  schema: Hex;
  time: bigint;
  /** 0 when it never expires. */
  expirationTime: bigint;
  /** 0 while unrevoked. */
  revocationTime: bigint;
  recipient: Address;
  attester: Address;
  revocable: boolean;
  data: Hex;
}

/** An attestation by uid, or undefined when EAS has none. */
export async function getEasAttestation(
  c: ReadClient,
  p: OnEas & { uid: Hex },
): Promise<EasAttestation | undefined> {
  const a = await readContract(c, {
    address: p.deployment.eas,
    abi: easAbi,
    functionName: "getAttestation",
    args: [p.uid],
  });
  if (a.uid === zeroHash) return undefined;
  return {
    uid: a.uid,
    schema: a.schema,
    time: a.time,
    expirationTime: a.expirationTime,
    revocationTime: a.revocationTime,
    recipient: getAddress(a.recipient),
    attester: getAddress(a.attester),
    revocable: a.revocable,
    data: a.data,
  };
}

/** The uid of a lease's review, or undefined when it has none. */
export async function reviewOf(
  c: ReadClient,
  p: OnEas & { leaseId: bigint },
): Promise<Hex | undefined> {
  const uid = await readContract(c, {
    address: p.deployment.reviewResolver,
    abi: gridleaseReviewResolverAbi,
    functionName: "reviewOf",
    args: [p.leaseId],
  });
  return uid === zeroHash ? undefined : uid;
}

/** Whether `uid` is a schema registered in the deployment's SchemaRegistry (a requirement must name one). */
export async function isSchemaRegistered(c: ReadClient, p: OnEas & { uid: Hex }): Promise<boolean> {
  const record = await readContract(c, {
    address: p.deployment.schemaRegistry,
    abi: schemaRegistryAbi,
    functionName: "getSchema",
    args: [p.uid],
  });
  return record.uid !== zeroHash;
}
