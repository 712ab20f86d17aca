/**
 * The offer attestation claim on chain: the provider publishes an NVIDIA report bound to a fresh nonce; anyone reads
 * the stored claim. The report's bytes are in the `OfferAttestationPublished` event (and the indexers); verify them
 * with `verifyOfferClaim` (`@gridlease/sdk/attestation`).
 */
import { bytesToHex, type Address, type Hex } from "viem";
import { getBlock, getChainId } from "viem/actions";
import { attestationNonce, encodeClaimCertChain, generationCode } from "../attestation/claim.ts";
import type { Generation } from "../attestation/types.ts";
import { read } from "./reads.ts";
import { findEvent, required, writeMarket } from "./transactions.ts";
import type { OnMarket, ReadClient, SignerClient } from "./types.ts";

/** What a provider publishes for one of its offers. */
export interface OfferAttestationRequest extends OnMarket {
  offerId: bigint;
  /** The generation the provider claims (the market stores its code: 1 Hopper, 2 Blackwell). */
  generation: Generation;
  /** The block whose hash the report's nonce is bound to: 1 to 256 blocks old when the transaction is mined. */
  nonceBlock: bigint;
  /** The SPDM request and signed response, as the GPU produced them. */
  report: Hex | Uint8Array;
  /** The device chain, leaf first: PEM text as the hook prints it, or DER certificates (stored as PEM). */
  certChain: string | readonly Uint8Array[];
}

/**
 * Publishes an offer's attestation claim (the sender must be the offer's provider); `wait()` gives the emitted
 * `claim` (offer, provider, generation code, nonce block, nonce, report hash, report, chain). Reverts with the
 * market's named errors (see `explainError`) on a wrong nonce, a block older than 256, a bad size or generation.
 */
export const publishOfferAttestation = (w: SignerClient, p: OfferAttestationRequest) =>
  writeMarket(
    w,
    p.market,
    "publishOfferAttestation",
    [
      p.offerId,
      generationCode(p.generation),
      p.nonceBlock,
      typeof p.report === "string" ? p.report : bytesToHex(p.report),
      encodeClaimCertChain(p.certChain),
    ],
    (events) => ({
      claim: required(findEvent(events, "OfferAttestationPublished"), "OfferAttestationPublished")
        .args,
    }),
  );

/** An offer's stored claim: report hash, time, nonce block, generation code (all zero without a claim). */
export const getOfferAttestation = (c: ReadClient, p: OnMarket & { offerId: bigint }) =>
  read(c, p.market, "getOfferAttestation", [p.offerId]);

/** The market's own `attestationNonce` (reverts unless the block is 1 to 256 blocks old). */
export const readAttestationNonce = (
  c: ReadClient,
  p: OnMarket & { offerId: bigint; provider: Address; nonceBlock: bigint },
): Promise<Hex> => read(c, p.market, "attestationNonce", [p.offerId, p.provider, p.nonceBlock]);

/**
 * The nonce to ask the GPU for, to publish now: bound to the latest block (`nonceBlock`), computed from its hash
 * without a contract call. Publish within 256 blocks of it.
 */
export async function nonceForClaim(
  c: ReadClient,
  p: OnMarket & { offerId: bigint; provider: Address },
): Promise<{ nonceBlock: bigint; nonce: Hex }> {
  const [block, chainId] = await Promise.all([getBlock(c, { blockTag: "latest" }), getChainId(c)]);
  const nonce = attestationNonce({
    chainId,
    market: p.market,
    offerId: p.offerId,
    provider: p.provider,
    blockHash: block.hash,
  });
  return { nonceBlock: block.number, nonce };
}
