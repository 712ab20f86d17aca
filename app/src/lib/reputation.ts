/**
 * Provider scores in the app: the indexer's fee-weighted evidence (design: `Provider` reputation inputs) fed to the
 * SDK's `providerReputation`, the one formula (docs/reputation.md). The app never computes a score any other way.
 */
import {
  COMPONENT_WEIGHTS_BPS,
  PRIOR_USD_MICROS,
  providerReputation,
  type ComponentName,
  type Reputation,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
import type { IndexerClient, RequestOptions } from "@gridlease/sdk";

export {
  COMPONENT_WEIGHTS_BPS,
  PRIOR_USD_MICROS,
  providerReputation,
  type ComponentName,
  type Reputation,
};
export type { ReputationInputs };

/** A provider's evidence and how many reviews and audits it has. */
export interface ProviderEvidence {
  provider: string;
  inputs: ReputationInputs;
  reviewCount: number;
  auditCount: number;
}

const INPUT_FIELDS = [
  "completedWeight",
  "faultWeight",
  "noShowWeight",
  "deliveredWeight",
  "uptimeWeight",
  "reviewWeight",
  "reviewScoreWeight",
  "feesPaidUsdMicros",
  "auditedUntil",
] as const satisfies readonly (keyof ReputationInputs)[];

/** The selection of a provider row's reputation inputs. */
export const EVIDENCE_FIELDS = `id ${INPUT_FIELDS.join(" ")} reviewCount auditCount`;

type RawEvidence = {
  id: string;
  reviewCount: number | string;
  auditCount: number | string;
} & Record<(typeof INPUT_FIELDS)[number], string | null>;

/** Maps a raw provider row (bigints as decimal strings, as GraphQL sends them). */
export function toEvidence(r: RawEvidence): ProviderEvidence {
  const inputs = Object.fromEntries(INPUT_FIELDS.map((k) => [k, BigInt(r[k] ?? "0")])) as Record<
    (typeof INPUT_FIELDS)[number],
    bigint
  >;
  return {
    provider: r.id.toLowerCase(),
    inputs,
    reviewCount: Number(r.reviewCount),
    auditCount: Number(r.auditCount),
  };
}

const LIST = `query ($after: String, $limit: Int) {
  providers(limit: $limit, after: $after) { items { ${EVIDENCE_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const ONE = `query ($id: String!) { provider(id: $id) { ${EVIDENCE_FIELDS} } }`;

/** Every provider's evidence, by lowercase address. */
export async function listEvidence(
  indexer: IndexerClient,
  opts: RequestOptions = {},
): Promise<Map<string, ProviderEvidence>> {
  const rows = await indexer.queryAll<RawEvidence>(LIST, "providers", { limit: 1000 }, opts);
  return new Map(rows.map((r) => [r.id.toLowerCase(), toEvidence(r)]));
}

/** One provider's evidence, or undefined when the indexer has never seen it as a provider. */
export async function getEvidence(
  indexer: IndexerClient,
  provider: string,
  opts: RequestOptions = {},
): Promise<ProviderEvidence | undefined> {
  const data = await indexer.query<{ provider: RawEvidence | null }>(
    ONE,
    { id: provider.toLowerCase() },
    opts,
  );
  return data.provider ? toEvidence(data.provider) : undefined;
}

/** The score as people read it: "72.4" out of 100. */
export const scoreText = (scoreBps: number) => (scoreBps / 100).toFixed(1);
