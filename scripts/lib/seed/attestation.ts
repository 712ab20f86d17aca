/**
 * The seed's attestation claim: one Singapore H100 offer publishes an NVIDIA attestation claim made with the SDK's
 * test PKI (a synthetic GH100, `createTestGpu`). The market accepts it (its nonce is right), but its chain ends at a
 * root that is not NVIDIA's, so every client must show it unverified: the explorer's case of a claim that fails.
 */
import { bytesToHex, type Hex } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { attestationNonce, encodeClaimCertChain, generationCode } from "@gridlease/sdk/attestation";
import { createTestGpu } from "@gridlease/sdk/attestation/testing";
import type { OfferState, SeedState } from "./model.ts";

/** Above what a claim with a 4 KB report and a 3 KB chain uses (about 330,000). */
const CLAIM_GAS = 600_000n;

/** What the summary says about the published claim. */
export interface SeededClaim {
  offerId: bigint;
  provider: string;
  region: string;
  gpuModel: string;
}

/** The offer that claims: the first open, unrestricted H100 offer of a Singapore provider. */
function claimingOffer(s: SeedState): OfferState | undefined {
  return s.offers.find(
    (o) =>
      o.provider.tpl.region === "SG" &&
      o.gpuModel.startsWith("H100") &&
      !o.allowlist &&
      !o.paused &&
      !o.reserved,
  );
}

/**
 * Publishes the test-PKI claim in one more block, its nonce bound to the latest block (computed with the SDK's
 * mirror of the market's `attestationNonce`). Call with the batcher started, after the history ran.
 */
export async function publishTestClaim(s: SeedState): Promise<SeededClaim | undefined> {
  const offer = claimingOffer(s);
  if (!offer) return undefined;
  const latest = await s.chain.request<{ number: Hex; hash: Hex; timestamp: Hex }>(
    "eth_getBlockByNumber",
    ["latest", false],
  );
  const nonce = attestationNonce({
    chainId: s.chainId,
    market: s.addresses.market,
    offerId: offer.id,
    provider: offer.provider.address,
    blockHash: latest.hash,
  });
  const gpu = await createTestGpu({ chip: "GH100" });
  s.chain.at(BigInt(latest.timestamp) + 12n);
  await s.chain.write({
    from: offer.provider.address,
    to: s.addresses.market,
    abi: gridleaseMarketAbi,
    functionName: "publishOfferAttestation",
    args: [
      offer.id,
      generationCode("hopper"),
      BigInt(latest.number),
      bytesToHex(gpu.report(nonce)),
      encodeClaimCertChain(gpu.certChainPem),
    ],
    gas: CLAIM_GAS,
  });
  await s.chain.mine();
  return {
    offerId: offer.id,
    provider: offer.provider.tpl.name,
    region: offer.provider.tpl.region,
    gpuModel: offer.gpuModel,
  };
}
