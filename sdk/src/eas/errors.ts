/**
 * Plain words for every custom error an attestation call can fail with: EAS's and its SchemaRegistry's own, and
 * those of Gridlease's three resolvers (which EAS bubbles up to the attester) and of AttestationPolicy. Anything
 * else (market errors, wallets, networks) goes to the SDK's `explainError`.
 */
import {
  decodeErrorResult,
  isHex,
  type ContractErrorArgs,
  type ContractErrorName,
  type Hex,
} from "viem";
import {
  attestationPolicyAbi,
  easAbi,
  gridleaseAuditResolverAbi,
  gridleaseReviewResolverAbi,
  gridleaseVettingResolverAbi,
  schemaRegistryAbi,
} from "../generated/easAbis.ts";
import { explainError, type ErrorContext, type ExplainedError } from "../errors.ts";
import { formatInteger, formatTime } from "../format.ts";

type ErrorItem<abi extends readonly unknown[]> = Extract<abi[number], { type: "error" }>;
type EasErrorAbi = readonly (
  | ErrorItem<typeof easAbi>
  | ErrorItem<typeof schemaRegistryAbi>
  | ErrorItem<typeof gridleaseAuditResolverAbi>
  | ErrorItem<typeof gridleaseReviewResolverAbi>
  | ErrorItem<typeof gridleaseVettingResolverAbi>
  | ErrorItem<typeof attestationPolicyAbi>
)[];

/** Every custom error of EAS, the SchemaRegistry, the three resolvers and AttestationPolicy (each name once). */
export const easErrorsAbi: EasErrorAbi = [
  ...easAbi,
  ...schemaRegistryAbi,
  ...gridleaseAuditResolverAbi,
  ...gridleaseReviewResolverAbi,
  ...gridleaseVettingResolverAbi,
  ...attestationPolicyAbi,
].filter(
  (item, i, all): item is EasErrorAbi[number] =>
    item.type === "error" &&
    all.findIndex((other) => other.type === "error" && other.name === item.name) === i,
);

/** Name of a custom error in `easErrorsAbi`. */
export type EasErrorName = ContractErrorName<EasErrorAbi>;

type Messages = { [N in EasErrorName]: (args: ContractErrorArgs<EasErrorAbi, N>) => string };

const num = formatInteger;
const when = (t: bigint) => formatTime(t);

/** One message per custom error; the type makes a missing one a compile error. */
const MESSAGES: Messages = {
  // EAS and its SchemaRegistry
  AccessDenied: () =>
    "Only the account that made this attestation can revoke it (or a resolver refused the caller).",
  AlreadyExists: () => "This schema is already registered with this resolver and revocability.",
  AlreadyRevoked: () => "This attestation is already revoked.",
  AlreadyRevokedOffchain: () => "This off-chain attestation is already revoked.",
  AlreadyTimestamped: () => "This data is already timestamped.",
  DeadlineExpired: () => "The signed request's deadline has passed: sign a new one.",
  InsufficientValue: () => "Not enough ETH was sent with the attestation for its resolver.",
  InvalidAttestation: () => "The schema's resolver refused this attestation.",
  InvalidAttestations: () => "The schema's resolver refused these attestations.",
  InvalidEAS: () => "The resolver was deployed without a valid EAS address.",
  InvalidExpirationTime: () =>
    "The expiration time is in the past: an attestation must expire later than now (or never).",
  InvalidLength: () => "The request's lists have different lengths.",
  InvalidNonce: () => "The signed request's nonce is not the attester's next one.",
  InvalidOffset: () => "The requested range of attestations is out of bounds.",
  InvalidRegistry: () => "EAS was deployed without a valid SchemaRegistry.",
  InvalidRevocation: () => "The schema's resolver refused this revocation.",
  InvalidRevocations: () => "The schema's resolver refused these revocations.",
  InvalidSchema: () =>
    "This schema is not registered with EAS on this chain: check the schema UID and the network.",
  InvalidSignature: () => "The signature is invalid.",
  InvalidVerifier: () => "The attestation verifier is not valid.",
  Irrevocable: () =>
    "Attestations of this schema cannot be revoked (the schema was registered as irrevocable: reviews stay).",
  NotFound: () => "There is no attestation with this UID on this chain.",
  NotPayable: () => "This resolver does not accept ETH: send the attestation without value.",
  WrongSchema: () => "This attestation belongs to another schema than the one named.",
  // OpenZeppelin, inside EAS (its EIP-712 name, and ETH it forwards to a resolver)
  InvalidShortString: () => "A name is too long to store.",
  StringTooLong: ([str]) => `The text "${str}" is too long to store.`,
  FailedCall: () => "A call from EAS to the schema's resolver failed without a reason.",
  InsufficientBalance: ([balance, needed]) =>
    `EAS holds ${balance} wei, less than the ${needed} wei it had to forward.`,

  // Resolvers: every payload
  MalformedPayload: ([expected, length]) =>
    `The attestation data is malformed: ${num(length)} bytes where the schema takes exactly ${num(expected)}.`,
  NonCanonicalField: ([field, word]) =>
    `The attestation data is malformed: field ${field} holds ${word}, which does not fit the field's type.`,
  UnexpectedSchema: ([schema, expected]) =>
    `This resolver serves only the schema ${expected}; the attestation is of ${schema}.`,
  InvalidMarket: ([market]) =>
    `The market address ${market} given at deployment holds no contract.`,
  InvalidVerdict: ([verdict]) => `An audit's verdict must be 1 (Pass) or 2 (Fail), not ${verdict}.`,
  InvalidScore: ([score]) => `A review's score must be from 1 to 5, not ${score}.`,

  // Audits
  UnknownOffer: ([offerId]) => `There is no offer #${offerId} to audit.`,
  AuditRecipientNotProvider: ([recipient, provider]) =>
    `An audit's recipient must be the offer's provider ${provider}, not ${recipient}.`,
  AuditValidUntilPassed: ([validUntil, now]) =>
    `An audit valid until ${when(validUntil)} would already be over (the chain's time is ${when(now)}): give a later date.`,
  AuditExpiryMismatch: ([expirationTime, validUntil]) =>
    `The attestation's expiration time (${expirationTime}) must equal the audit's validUntil (${validUntil}), so every EAS tool sees the same expiry.`,

  // Reviews
  UnknownLease: ([leaseId]) => `There is no lease #${leaseId} to review.`,
  NotLeaseBuyer: ([leaseId, attester, buyer]) =>
    `Only lease #${leaseId}'s buyer ${buyer} can review it, and ${attester} is not that buyer.`,
  LeaseNotActivated: ([leaseId]) =>
    `Lease #${leaseId} was never activated: a review needs a lease whose machine was handed over.`,
  AlreadyReviewed: ([leaseId, uid]) =>
    `Lease #${leaseId} already has its review (${uid}): one review per lease, and reviews cannot be changed.`,
  ReviewRecipientNotProvider: ([recipient, provider]) =>
    `A review's recipient must be the lease's provider ${provider}, not ${recipient}.`,
  ReviewMustNotExpire: ([expirationTime]) =>
    `A review never expires: its expiration time must be 0, not ${expirationTime}.`,
  ReviewIrrevocable: ([uid]) => `Review ${uid} cannot be revoked: reviews stay.`,

  // Vetting
  VettingRecipientMissing: () => "A vetting names the buyer it vets: the recipient was empty.",

  // AttestationPolicy
  NotOfferProvider: ([offerId, caller]) =>
    `Only the provider of offer #${offerId} can set who may lease it, and ${caller} is not that provider.`,
  UnknownSchema: ([schema]) =>
    `The schema ${schema} is not registered on this chain's EAS: a requirement must name an existing schema.`,
  InvalidAttesterCount: ([count, max]) =>
    `A requirement names 1 to ${num(max)} attesters, not ${num(count)}.`,
  InvalidAttester: ([attester]) =>
    `The attester ${attester} cannot be named: attesters must be non-zero and each named once.`,
  UnknownAttestation: ([uid]) => `There is no attestation ${uid} on this chain's EAS.`,
  NotAttestationRecipient: ([uid, recipient]) =>
    `Attestation ${uid} was made for ${recipient}: only its recipient can register it.`,
  AttestationRevoked: ([uid, revokedAt]) =>
    `Attestation ${uid} was revoked at ${when(revokedAt)}: it no longer vouches for anyone.`,
  AttestationExpired: ([uid, expirationTime]) =>
    `Attestation ${uid} expired at ${when(expirationTime)}: ask its attester for a new one.`,
};

/** The message for a decoded attestation error; undefined for a name this module does not know. */
export function describeEasRevert(
  errorName: string,
  args: readonly unknown[] = [],
): string | undefined {
  // Looked up by a runtime name, each message takes its arguments as decoded (the method form's bivariance lets
  // the typed table stand in for the loose one without a cast through unknown).
  type AnyMessage = { message(a: readonly unknown[]): string }["message"];
  const messages: Record<string, AnyMessage> = MESSAGES;
  return Object.hasOwn(messages, errorName) ? messages[errorName]?.(args) : undefined;
}

/** Decodes revert data against the attestation errors; undefined when it is none of them. */
export function decodeEasRevert(
  data: Hex,
): { errorName: EasErrorName; args: readonly unknown[] } | undefined {
  try {
    const { errorName, args } = decodeErrorResult({ abi: easErrorsAbi, data });
    return { errorName, args: args ?? [] };
  } catch {
    return undefined;
  }
}

/** Revert data anywhere in an error's cause chain (viem's `raw`/`data`, JSON-RPC `data.data`), or the hex itself. */
function revertData(error: unknown): Hex | undefined {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (typeof e === "object" && e !== null && !seen.has(e) && seen.size < 32) {
    seen.add(e);
    for (const candidate of ["raw", "data"].map((k) => Reflect.get(e as object, k))) {
      if (typeof candidate === "string" && isHex(candidate) && candidate.length >= 10)
        return candidate;
      const nested: unknown =
        typeof candidate === "object" && candidate !== null
          ? Reflect.get(candidate, "data")
          : undefined;
      if (typeof nested === "string" && isHex(nested) && nested.length >= 10) return nested;
    }
    e = Reflect.get(e as object, "cause");
  }
  return typeof error === "string" && isHex(error) ? error : undefined;
}

/**
 * Explains an error from an attestation call in plain words: the attestation contracts' errors here, everything
 * else by `explainError`.
 */
export function explainEasError(error: unknown, context: ErrorContext = {}): ExplainedError {
  const data = revertData(error);
  const decoded = data ? decodeEasRevert(data) : undefined;
  if (decoded) {
    const message = describeEasRevert(decoded.errorName, decoded.args);
    if (message)
      return { kind: "revert", errorName: decoded.errorName, args: decoded.args, message };
  }
  return explainError(error, context);
}
