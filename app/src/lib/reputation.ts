/**
 * Provider scores in the app: the indexer's fee-weighted evidence per provider (the SDK's `listProviderEvidence`,
 * `getProviderEvidence`) fed to the SDK's `providerReputation`, the one formula (docs/reputation.md). The app never
 * computes a score any other way.
 */
export {
  COMPONENT_WEIGHTS_BPS,
  PRIOR_USD_MICROS,
  providerReputation,
  type ComponentName,
  type Reputation,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
export {
  getProviderEvidence,
  listProviderEvidence,
  type ProviderEvidence,
} from "@gridlease/sdk/indexer";

/** The score as people read it: "72.4" out of 100. */
export const scoreText = (scoreBps: number) => (scoreBps / 100).toFixed(1);
