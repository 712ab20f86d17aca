/**
 * `@gridlease/sdk/eas`: Gridlease on the Ethereum Attestation Service. Hardware audits of offers, reviews only a
 * lease's buyer can give, and buyer vetting that AttestationPolicy checks at every `openLease`.
 *
 *   schemas.ts      SCHEMAS, schemaUid, easDeployment(chainId) / easDeploymentAt(addresses), schemaUids
 *   payloads.ts     encode/decode of each schema's data (viem), EasPayloadError for a malformed one
 *   auditors.ts     publishedAuditors(chainId), parseAuditorList
 *   auditStatus.ts  auditStatus(audits, trusted, now): audited | failed | expired | revoked | unverified | none
 *   actions.ts      attestAudit, revokeAudit, postReview, vetBuyer, revokeVetting, setOfferRequirement,
 *                   registerCredential; reads policyCheck, getRequirement, getEasAttestation, reviewOf
 *   errors.ts       explainEasError: plain words for EAS's, the resolvers' and the policy's errors
 *
 * The indexer's reads of audits, reviews and requirements are in `@gridlease/sdk/indexer` (indexer/eas.ts).
 */
export * from "./schemas.ts";
export * from "./payloads.ts";
export * from "./auditors.ts";
export * from "./auditStatus.ts";
export * from "./actions.ts";
export * from "./errors.ts";
