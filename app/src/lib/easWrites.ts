/**
 * Gridlease's attestation contracts on the app's chain and the SDK's write actions bound to them: attest and revoke
 * audits, post reviews, register a vetting with the AttestationPolicy and ask it about a buyer. Failures are
 * explained with `explainEasError`. Loaded only by the pages that write (its ABIs stay out of the market's chunk).
 */
import type { Address, Hex } from "viem";
import type { ReadClient, Sent, SignerClient } from "@gridlease/sdk";
import {
  attestAudit as sdkAttestAudit,
  easDeployment,
  policyCheck as sdkPolicyCheck,
  postReview as sdkPostReview,
  registerCredential as sdkRegisterCredential,
  revokeAudit as sdkRevokeAudit,
  type EasDeployment,
  type PolicyCheck,
} from "@gridlease/sdk/eas";
import type { AuditVerdict } from "./eas.ts";

export { explainEasError, type EasDeployment } from "@gridlease/sdk/eas";

/** The attestation contracts and schemas on `chainId`, or undefined where they are not deployed. */
export function easOn(chainId: number): EasDeployment | undefined {
  try {
    return easDeployment(chainId);
  } catch {
    return undefined;
  }
}

/** An audit to attest: the offer, its provider (the attestation's recipient), the report hash, verdict, expiry. */
export interface AuditDraft {
  offerId: bigint;
  provider: Address;
  hardwareReportHash: Hex;
  verdict: AuditVerdict;
  validUntil: bigint;
}

/** A review to post: the lease, its provider (the recipient), the score and the buyer's verify result. */
export interface ReviewDraft {
  leaseId: bigint;
  provider: Address;
  score: number;
  verified: boolean;
  reportHash: Hex;
}

/** The chain's attestation contracts, or a plain error when it has none. */
const on = (chainId: number) => ({ deployment: easDeployment(chainId) });

/** Attests an audit with EAS (the audit resolver checks it). */
export const attestAudit = (signer: SignerClient, chainId: number, p: AuditDraft): Promise<Sent> =>
  sdkAttestAudit(signer, { ...on(chainId), ...p });

/** Revokes one of the auditor's audits. */
export const revokeAudit = (signer: SignerClient, chainId: number, uid: Hex): Promise<Sent> =>
  sdkRevokeAudit(signer, { ...on(chainId), uid });

/** Posts a review of a lease (the review resolver accepts only the lease's buyer, once, after activation). */
export const postReview = (signer: SignerClient, chainId: number, p: ReviewDraft): Promise<Sent> =>
  sdkPostReview(signer, { ...on(chainId), ...p });

/** Registers the buyer's attestation UID with the AttestationPolicy. */
export const registerCredential = (
  signer: SignerClient,
  chainId: number,
  uid: Hex,
): Promise<Sent> => sdkRegisterCredential(signer, { ...on(chainId), uid });

/** AttestationPolicy's `check` for a buyer, with its code in plain words. */
export const policyCheck = (
  client: ReadClient,
  chainId: number,
  p: { offerId: bigint; buyer: Address },
): Promise<PolicyCheck> => sdkPolicyCheck(client, { ...on(chainId), ...p });
