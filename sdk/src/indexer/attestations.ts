/**
 * Offer attestation claims from the indexer: an offer's latest claim with its report and chain (to verify with
 * `verifyOfferClaim`), and the summary the offer list carries (`IndexedOffer.attestation`). The indexer stores what
 * the provider published; nothing here says whether it is genuine.
 */
import type { Hex } from "viem";
import { generationOfCode, type PublishedOfferClaim } from "../attestation/claim.ts";
import type { Generation } from "../attestation/types.ts";
import type { IndexerClient, RequestOptions } from "./client.ts";
import { addr, big } from "./convert.ts";

/** A generation code as the indexer stores it (the market accepts only 1 and 2). */
function generationOf(code: number): Generation {
  const generation = generationOfCode(code);
  if (!generation)
    throw new RangeError(`The indexer holds an unknown attestation generation code ${code}`);
  return generation;
}

/* ---------------------------------------------------------------- summary */

/** Selection of an offer's claim summary, inside an offer row. */
export const OFFER_ATTESTATION_SUMMARY_FIELDS = "attestation { generation reportHash publishedAt }";

export interface RawOfferAttestationSummary {
  generation: number;
  reportHash: string;
  publishedAt: string;
}

/** What the offer list shows of an offer's latest claim: not verified, only published. */
export interface OfferAttestationSummary {
  generation: Generation;
  /** keccak256 of the report. */
  reportHash: Hex;
  /** Unix seconds. */
  publishedAt: bigint;
}

/** Maps the summary of an offer row; null (or absent: a selection without it) when the offer has no claim. */
export const toOfferAttestationSummary = (
  r: RawOfferAttestationSummary | null | undefined,
): OfferAttestationSummary | null =>
  r
    ? {
        generation: generationOf(r.generation),
        reportHash: r.reportHash as Hex,
        publishedAt: big(r.publishedAt),
      }
    : null;

/* ---------------------------------------------------------------- claim */

/** Selection of a claim row. */
export const OFFER_CLAIM_FIELDS =
  "offer { id } provider { id } generation nonceBlock nonce reportHash report certChain publishedAt blockNumber txHash";

export interface RawOfferClaim {
  offer: { id: string };
  provider: { id: string };
  generation: number;
  nonceBlock: string;
  nonce: string;
  reportHash: string;
  report: string;
  certChain: string;
  publishedAt: string;
  blockNumber: string;
  txHash: string;
}

/** An offer's latest published claim, bytes included: the input of `verifyOfferClaim`. */
export type IndexedOfferClaim = PublishedOfferClaim;

/** Maps a raw claim row. */
export const toOfferClaim = (r: RawOfferClaim): IndexedOfferClaim => ({
  offerId: big(r.offer.id),
  provider: addr(r.provider.id),
  generation: generationOf(r.generation),
  nonceBlock: big(r.nonceBlock),
  nonce: r.nonce as Hex,
  reportHash: r.reportHash as Hex,
  report: r.report as Hex,
  certChain: r.certChain as Hex,
  publishedAt: big(r.publishedAt),
  blockNumber: big(r.blockNumber),
  txHash: r.txHash as Hex,
});

/** An offer's latest attestation claim, or undefined when it has none (or the indexer does not know the offer). */
export async function getOfferClaim(
  client: IndexerClient,
  offerId: bigint,
  opts: RequestOptions = {},
): Promise<IndexedOfferClaim | undefined> {
  const d = await client.query<{ offerAttestation: RawOfferClaim | null }>(
    `query ($id: String!) { offerAttestation(id: $id) { ${OFFER_CLAIM_FIELDS} } }`,
    { id: offerId.toString() },
    opts,
  );
  return d.offerAttestation ? toOfferClaim(d.offerAttestation) : undefined;
}
