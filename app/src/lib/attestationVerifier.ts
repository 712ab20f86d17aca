/**
 * The entry of the verifier's chunk. Only `lib/attestation.ts` imports it, with a dynamic `import()`: the chunk's file
 * is named after this module (attestationVerifier-<hash>.js), which is how the e2e test and `npm run
 * bench:attestation` find it. Nothing else may import it statically, or the verifier would join the first page.
 */
export * from "@gridlease/sdk/attestation";
