/**
 * Providers' reputation evidence from the indexer: the fee-weighted inputs (design: `Provider` reputation inputs)
 * that `providerReputation` in `@gridlease/sdk/reputation` turns into a score. The score itself is never stored or
 * read here: one formula, in the SDK.
 */
import type { Address } from "viem";
import { REPUTATION_INPUT_FIELDS, type ReputationInputs } from "../reputation.ts";
import type { IndexerClient, PageOptions, RequestOptions } from "./client.ts";
import { addr } from "./convert.ts";

/** Selection of a provider row's reputation evidence. */
export const PROVIDER_EVIDENCE_FIELDS = `id ${REPUTATION_INPUT_FIELDS.join(" ")} reviewCount auditCount`;

export type RawProviderEvidence = {
  id: string;
  reviewCount: number | string;
  auditCount: number | string;
} & Record<(typeof REPUTATION_INPUT_FIELDS)[number], string | null>;

/** A provider's evidence, and how many reviews and audits it has. */
export interface ProviderEvidence {
  provider: Address;
  inputs: ReputationInputs;
  reviewCount: number;
  auditCount: number;
}

/** Maps a provider row's evidence (bigints as decimal strings; a missing one is 0). */
export function toProviderEvidence(r: RawProviderEvidence): ProviderEvidence {
  const input = (k: (typeof REPUTATION_INPUT_FIELDS)[number]) => BigInt(r[k] ?? "0");
  return {
    provider: addr(r.id),
    inputs: {
      completedWeight: input("completedWeight"),
      faultWeight: input("faultWeight"),
      noShowWeight: input("noShowWeight"),
      deliveredWeight: input("deliveredWeight"),
      uptimeWeight: input("uptimeWeight"),
      reviewWeight: input("reviewWeight"),
      reviewScoreWeight: input("reviewScoreWeight"),
      feesPaidUsdMicros: input("feesPaidUsdMicros"),
      auditedUntil: input("auditedUntil"),
    },
    reviewCount: Number(r.reviewCount),
    auditCount: Number(r.auditCount),
  };
}

/** Every provider's evidence. */
export async function listProviderEvidence(
  client: IndexerClient,
  opts: PageOptions<RawProviderEvidence> = {},
): Promise<ProviderEvidence[]> {
  const rows = await client.queryAll<RawProviderEvidence>(
    `query ($after: String, $limit: Int) {
  providers(limit: $limit, after: $after) { items { ${PROVIDER_EVIDENCE_FIELDS} } pageInfo { hasNextPage endCursor } }
}`,
    "providers",
    { limit: Math.min(opts.max ?? 1000, 1000) },
    opts,
  );
  return rows.map(toProviderEvidence);
}

/** One provider's evidence, or undefined when the indexer has never seen it as a provider. */
export async function getProviderEvidence(
  client: IndexerClient,
  provider: Address,
  opts: RequestOptions = {},
): Promise<ProviderEvidence | undefined> {
  const d = await client.query<{ provider: RawProviderEvidence | null }>(
    `query ($id: String!) { provider(id: $id) { ${PROVIDER_EVIDENCE_FIELDS} } }`,
    { id: provider.toLowerCase() },
    opts,
  );
  return d.provider ? toProviderEvidence(d.provider) : undefined;
}
