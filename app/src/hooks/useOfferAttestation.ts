/**
 * An offer's on-chain attestation claim, verified in this browser. The claim's bytes come from the indexer, but
 * nothing else is trusted: the report and chain are verified with the SDK's verifier (loaded on first use) to
 * NVIDIA's pinned root, against the claim's nonce (bound to a recent block by the contract) and the generation of
 * the offer's GPU model. Verdicts are cached by report hash, so the market and the rent page verify a claim once.
 */
import { useQuery } from "@tanstack/react-query";
import { getOfferClaim, type IndexedOfferClaim } from "@gridlease/sdk";
import { indexer } from "../lib/indexer.ts";
import {
  describe,
  loadVerifier,
  useAttestationRoots,
  type DescribedVerdict,
} from "../lib/attestation.ts";

/** What the badge shows: no claim, a claim being checked, or its verdict. */
export type OfferAttestationState =
  | { status: "none" }
  | { status: "checking" }
  | { status: "error"; message: string }
  | { status: "checked"; claim: IndexedOfferClaim; described: DescribedVerdict };

/**
 * The offer's claim and its verdict. `hasClaim` is the offer list's summary: false skips the read (the market knows
 * which offers have a claim); undefined reads it (the rent page asks).
 */
export function useOfferAttestation(
  offerId: bigint,
  gpuModel: string,
  hasClaim?: boolean,
): OfferAttestationState {
  const roots = useAttestationRoots();
  const claimQ = useQuery({
    queryKey: ["attestation", "claim", offerId.toString()],
    enabled: hasClaim !== false,
    refetchInterval: 30_000,
    retry: 1,
    // null, not undefined, for "no claim": a query's data cannot be undefined.
    queryFn: async ({ signal }) => (await getOfferClaim(indexer, offerId, { signal })) ?? null,
  });
  const claim = claimQ.data ?? undefined;
  const verdictQ = useQuery({
    // A published claim never changes (a new one replaces it): verify each once. Keyed by what the verdict rests
    // on: the report (by hash), the claim's nonce and generation, the offer's model and the trusted roots.
    queryKey: [
      "attestation",
      "verdict",
      claim?.reportHash,
      claim?.nonce,
      claim?.generation,
      gpuModel,
      roots ? "custom" : "nvidia",
    ],
    enabled: claim !== undefined,
    staleTime: Infinity,
    retry: 0,
    queryFn: async () => {
      const verifier = await loadVerifier();
      const verdict = await verifier.verifyOfferClaim(claim!, { gpuModel }, { roots });
      return describe(verifier, verdict);
    },
  });
  if (hasClaim === false || claimQ.data === null) return { status: "none" };
  if (claimQ.isError && !claim) return { status: "error", message: claimQ.error.message };
  if (verdictQ.isError) return { status: "error", message: verdictQ.error.message };
  if (!claim || !verdictQ.data) return { status: "checking" };
  return { status: "checked", claim, described: verdictQ.data };
}
