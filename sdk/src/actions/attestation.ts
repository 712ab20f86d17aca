/**
 * The offer attestation claim on chain: the provider publishes an NVIDIA report bound to a fresh nonce; anyone reads
 * the stored claim. The report's bytes are in the `OfferAttestationPublished` event (and the indexers); verify them
 * with `verifyOfferClaim` (`@gridlease/sdk/attestation`).
 */
import { bytesToHex, type Address, type Hex } from "viem";
import { getBlock, getBlockNumber, getChainId, getContractEvents } from "viem/actions";
import {
  attestationNonce,
  encodeClaimCertChain,
  generationCode,
  generationOfCode,
  type PublishedOfferClaim,
} from "../attestation/claim.ts";
import { gridleaseMarketAbi } from "../generated/abis.ts";
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

/** An offer's latest claim as the chain holds it: the stored record with the bytes of the event that wrote it. */
export type OnChainOfferClaim = PublishedOfferClaim;

/**
 * An offer's latest attestation claim read from the chain alone (no indexer), or undefined when it has none: the
 * stored claim, and the bytes from its newest `OfferAttestationPublished` event, whose report hash must equal the
 * stored one. The market mines a claim 1 to 256 blocks after its nonce block, so only that window is scanned
 * (one `eth_getLogs`, which public RPCs allow, however old the market). Throws when the chain's logs do not hold
 * the stored claim (a node that prunes or hides logs).
 */
export async function readOfferClaim(
  c: ReadClient,
  p: OnMarket & { offerId: bigint },
): Promise<OnChainOfferClaim | undefined> {
  const stored = await getOfferAttestation(c, p);
  if (stored.publishedAt === 0) return undefined;
  const head = await getBlockNumber(c, { cacheTime: 0 });
  const last = stored.nonceBlock + 256n;
  const logs = await getContractEvents(c, {
    address: p.market,
    abi: gridleaseMarketAbi,
    eventName: "OfferAttestationPublished",
    args: { offerId: p.offerId },
    fromBlock: stored.nonceBlock + 1n,
    toBlock: last < head ? last : head,
    strict: true,
  });
  // Newest first: a later claim in the same window replaced an earlier one.
  const latest = logs
    .filter((log) => log.blockNumber !== null && log.transactionHash !== null)
    .sort((a, b) =>
      a.blockNumber === b.blockNumber
        ? b.logIndex - a.logIndex
        : b.blockNumber > a.blockNumber
          ? 1
          : -1,
    )[0];
  if (!latest || latest.args.reportHash !== stored.reportHash)
    throw new Error(
      `Offer #${p.offerId}'s stored attestation claim (report hash ${stored.reportHash}, nonce block ${stored.nonceBlock}) has no matching OfferAttestationPublished event in blocks ${stored.nonceBlock + 1n} to ${last}: the node does not serve that block range's logs.`,
    );
  const generation = generationOfCode(latest.args.generation);
  if (!generation)
    throw new RangeError(
      `Offer #${p.offerId}'s claim has the unknown generation code ${latest.args.generation}`,
    );
  return {
    offerId: p.offerId,
    provider: latest.args.provider,
    generation,
    nonceBlock: latest.args.nonceBlock,
    nonce: latest.args.nonce,
    reportHash: latest.args.reportHash,
    report: latest.args.report,
    certChain: latest.args.certChain,
    publishedAt: BigInt(stored.publishedAt),
    blockNumber: latest.blockNumber,
    txHash: latest.transactionHash,
  };
}
