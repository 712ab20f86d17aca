/**
 * How offer lists show a published NVIDIA attestation claim: as the indexer has it, never verified (verifying every
 * row would make a search slow), so never called "attested". `attest verify --offer N` is what verifies one.
 */
import { formatTime } from "@gridlease/sdk";
import { generationLabel } from "@gridlease/sdk/attestation";
import type { OfferAttestationSummary } from "@gridlease/sdk/indexer";

/** The short text of a row whose offer carries a claim. */
export const UNVERIFIED_CLAIM = "attestation claim (unverified)";

/** What a person runs to verify an offer's claim. */
export const verifyClaimCommand = (offerId: bigint) => `gridlease attest verify --offer ${offerId}`;

/** One line per offer that carries a claim, for under an offer table. */
export function claimFootnotes(
  offers: { offerId: bigint; attestation: OfferAttestationSummary | null }[],
): string[] {
  return offers.flatMap(({ offerId, attestation: a }) =>
    a
      ? [
          `#${offerId}: attestation claim (unverified; run ${verifyClaimCommand(offerId)}): ${generationLabel(a.generation)}, published ${formatTime(a.publishedAt)}`,
        ]
      : [],
  );
}
