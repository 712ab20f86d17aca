/**
 * Provider scores: the indexer's fee-weighted evidence per provider fed to the SDK's `providerReputation` at chain
 * time. A failed read leaves the score out (the market and the rent page work without it).
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import {
  getProviderEvidence,
  providerReputation,
  type ProviderEvidence,
  type Reputation,
} from "../lib/reputation.ts";
import { indexer } from "../lib/indexer.ts";
import { useChainNow } from "./useChainNow.ts";

/** A provider's evidence and the score made of it. */
export interface ProviderScore {
  evidence: ProviderEvidence;
  reputation: Reputation;
}

/** One provider's score; data undefined while loading, null when the indexer does not know the provider. */
export function useProviderScore(provider: Address | undefined) {
  const { now } = useChainNow(60_000);
  const q = useQuery({
    queryKey: ["reputation", "provider", provider?.toLowerCase()],
    enabled: !!provider,
    refetchInterval: 30_000,
    retry: 0,
    queryFn: async ({ signal }) =>
      (await getProviderEvidence(indexer, provider!, { signal })) ?? null,
  });
  const score = useMemo<ProviderScore | null | undefined>(
    () =>
      q.data === undefined
        ? undefined
        : q.data === null
          ? null
          : { evidence: q.data, reputation: providerReputation(q.data.inputs, now) },
    [q.data, now],
  );
  return { ...q, score };
}
