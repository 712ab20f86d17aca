/**
 * The on-chain attestation claim through the SDK (sdk/src/attestation/claim.ts, sdk/src/actions/attestation.ts) on
 * a real in-process chain: the nonce mirror equals the market's `attestationNonce`, a test-PKI report bound to it
 * is published and read back, the market's refusals are explained, and `verifyOfferClaim` decides on the bytes.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bytesToHex,
  createPublicClient,
  custom,
  getAddress,
  keccak256,
  type Address,
  type Hex,
} from "viem";
import * as sdk from "@gridlease/sdk";
import {
  attestationNonce,
  encodeClaimCertChain,
  generationCode,
  generationOfCode,
  parseCertChainPem,
  verifyOfferClaim,
} from "@gridlease/sdk/attestation";
import { createTestGpu, type TestGpu } from "@gridlease/sdk/attestation/testing";
import { deployMarket, h100Offer, USD } from "../../../scripts/lib/fixture.ts";

type Deployed = Awaited<ReturnType<typeof deployMarket>>;

let connection: NetworkConnection;
let m: Deployed;
let market: Address;
let gpu: TestGpu;

beforeAll(async () => {
  connection = await network.create();
  gpu = await createTestGpu();
});
/** The market deployed once per file; each test starts from its snapshot. */
const deployed = () => deployMarket(connection);
const h100Model = { gpuModel: "H100-SXM-80GB" };

beforeEach(async () => {
  m = await connection.networkHelpers.loadFixture(deployed);
  market = getAddress(m.market.address);
});

const providerAddress = () => getAddress(m.provider.account.address);

/** Registers the provider, bonds it in tUSD and lists an 8×H100 tUSD offer (id 1). */
async function listOffer(): Promise<bigint> {
  const p = m.provider;
  await (await sdk.registerProvider(p, { market, metadataURI: "ipfs://provider/sg1" })).wait();
  const { approval } = await sdk.ensureAllowance(p, {
    token: m.usd.address,
    spender: market,
    amount: USD("5000"),
  });
  await approval?.wait();
  await (await sdk.depositBond(p, { market, token: m.usd.address, amount: USD("5000") })).wait();
  const offer = h100Offer(m.usd.address);
  return (await (await sdk.createOffer(p, { market, offer })).wait()).offerId;
}

describe("attestationNonce", () => {
  it("equals the market's view for any offer, provider and block of the window", async () => {
    await connection.networkHelpers.mine(300);
    const chainId = await m.publicClient.getChainId();
    const head = await m.publicClient.getBlockNumber();
    const who = [providerAddress(), getAddress(m.buyer.account.address)];
    for (const [offerId, provider, nonceBlock] of [
      [1n, who[0], head - 1n],
      [7n, who[1], head - 100n],
      [2n ** 64n, who[0], head - 256n],
    ] as const) {
      const { hash } = await m.publicClient.getBlock({ blockNumber: nonceBlock });
      const mirrored = attestationNonce({ chainId, market, offerId, provider, blockHash: hash });
      const onChain = await sdk.readAttestationNonce(m.publicClient, {
        market,
        offerId,
        provider,
        nonceBlock,
      });
      expect(mirrored).toBe(onChain);
    }
  });

  it("maps the generation codes both ways and refuses others", () => {
    expect(generationCode("hopper")).toBe(1);
    expect(generationCode("blackwell")).toBe(2);
    expect(generationOfCode(1)).toBe("hopper");
    expect(generationOfCode(2n)).toBe("blackwell");
    expect(generationOfCode(0)).toBeNull();
    expect(generationOfCode(3)).toBeNull();
  });

  it("stores a DER chain as the PEM text the hook prints", () => {
    const fromDer = encodeClaimCertChain(gpu.certChain);
    const decoded = parseCertChainPem(Buffer.from(fromDer.slice(2), "hex").toString("utf8"));
    expect(decoded).toEqual(gpu.certChain);
    expect(encodeClaimCertChain(gpu.certChainPem)).toBe(fromDer);
  });
});

describe("publishOfferAttestation", () => {
  it("publishes a report bound to the latest block and reads the claim back", async () => {
    const offerId = await listOffer();
    const { nonceBlock, nonce } = await sdk.nonceForClaim(m.publicClient, {
      market,
      offerId,
      provider: providerAddress(),
    });
    const report = gpu.report(nonce);
    const sent = await sdk.publishOfferAttestation(m.provider, {
      market,
      offerId,
      generation: "hopper",
      nonceBlock,
      report,
      certChain: gpu.certChain,
    });
    const { claim, receipt } = await sent.wait();
    expect(claim.offerId).toBe(offerId);
    expect(getAddress(claim.provider)).toBe(providerAddress());
    expect(claim.generation).toBe(1);
    expect(claim.nonceBlock).toBe(nonceBlock);
    expect(claim.nonce).toBe(nonce);
    expect(claim.reportHash).toBe(keccak256(report));
    expect(claim.certChain).toBe(encodeClaimCertChain(gpu.certChainPem));

    const stored = await sdk.getOfferAttestation(m.publicClient, { market, offerId });
    const block = await m.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    expect(stored).toEqual({
      reportHash: keccak256(report),
      publishedAt: Number(block.timestamp),
      nonceBlock,
      generation: 1,
    });
  });

  it("is refused with an explained error when the report carries another nonce, and stores nothing", async () => {
    const offerId = await listOffer();
    const { nonceBlock } = await sdk.nonceForClaim(m.publicClient, {
      market,
      offerId,
      provider: providerAddress(),
    });
    const stranger: Hex = `0x${"ab".repeat(32)}`;
    const error = await sdk
      .publishOfferAttestation(m.provider, {
        market,
        offerId,
        generation: "hopper",
        nonceBlock,
        report: gpu.report(stranger),
        certChain: gpu.certChainPem,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(sdk.explainError(error).message).toContain(`carries the nonce ${stranger}`);
    const stored = await sdk.getOfferAttestation(m.publicClient, { market, offerId });
    expect(stored.reportHash).toBe(`0x${"0".repeat(64)}`);
  });
});

describe("readOfferClaim", () => {
  /** Publishes a claim on the latest block's nonce; the report answers `nonce` unless told otherwise. */
  async function publish(offerId: bigint, generation: "hopper" | "blackwell" = "hopper") {
    const { nonceBlock, nonce } = await sdk.nonceForClaim(m.publicClient, {
      market,
      offerId,
      provider: providerAddress(),
    });
    const report = gpu.report(nonce);
    await (
      await sdk.publishOfferAttestation(m.provider, {
        market,
        offerId,
        generation,
        nonceBlock,
        report,
        certChain: gpu.certChainPem,
      })
    ).wait();
    return { nonceBlock, nonce, report };
  }

  it("is undefined for an offer without a claim", async () => {
    const offerId = await listOffer();
    expect(await sdk.readOfferClaim(m.publicClient, { market, offerId })).toBeUndefined();
  });

  it("reads the newest claim's bytes from the chain, which verify on the test root", async () => {
    const offerId = await listOffer();
    await publish(offerId);
    await connection.networkHelpers.mine(5);
    const { nonceBlock, nonce, report } = await publish(offerId, "blackwell");
    const claim = await sdk.readOfferClaim(m.publicClient, { market, offerId });
    const stored = await sdk.getOfferAttestation(m.publicClient, { market, offerId });
    expect(claim).toMatchObject({
      offerId,
      provider: providerAddress(),
      generation: "blackwell",
      nonceBlock,
      nonce,
      reportHash: keccak256(report),
      report: bytesToHex(report),
      certChain: encodeClaimCertChain(gpu.certChainPem),
      publishedAt: BigInt(stored.publishedAt),
    });
    const receipt = await m.publicClient.getTransactionReceipt({ hash: claim!.txHash });
    expect(receipt.blockNumber).toBe(claim!.blockNumber);
    // The newest claim says Blackwell for an H100 offer: the bytes verify, the claim does not.
    const verdict = await verifyOfferClaim(claim!, h100Model, { roots: gpu.roots });
    expect(verdict.failures.map((f) => f.code)).toEqual(["GenerationMismatch"]);
  });

  it("throws when the node serves no event for the stored claim", async () => {
    const offerId = await listOffer();
    await publish(offerId);
    const hidden = createPublicClient({
      transport: custom({
        request: ({ method, params }) =>
          method === "eth_getLogs"
            ? Promise.resolve([])
            : m.publicClient.request({ method, params }),
      }),
    });
    await expect(sdk.readOfferClaim(hidden, { market, offerId })).rejects.toThrow(
      /no matching OfferAttestationPublished event/,
    );
  });
});

describe("verifyOfferClaim", () => {
  const nonce: Hex = `0x${"5a".repeat(32)}`;
  const claimOf = (overrides: Partial<Parameters<typeof verifyOfferClaim>[0]> = {}) => ({
    generation: 1,
    nonce,
    report: gpu.report(nonce),
    certChain: encodeClaimCertChain(gpu.certChainPem),
    ...overrides,
  });
  const h100 = { gpuModel: "H100-SXM-80GB" };

  it("does not pass a test-PKI claim on NVIDIA's pinned root", async () => {
    const verdict = await verifyOfferClaim(claimOf(), h100);
    expect(verdict.genuine).toBe(false);
    expect(verdict.failures.map((f) => f.code)).toContain("UntrustedRoot");
  });

  it("passes it on the test root, with the claim's nonce checked", async () => {
    const verdict = await verifyOfferClaim(claimOf(), h100, { roots: gpu.roots });
    expect(verdict.failures).toEqual([]);
    expect(verdict.genuine).toBe(true);
    expect(verdict.root).toBe("custom");
    expect(verdict.nonce).toEqual({ expected: nonce, reported: nonce, matches: true });
  });

  it("fails a claim whose generation disagrees with the offer's model", async () => {
    const verdict = await verifyOfferClaim(claimOf({ generation: "blackwell" }), h100, {
      roots: gpu.roots,
    });
    expect(verdict.genuine).toBe(false);
    expect(verdict.failures[0]).toMatchObject({ code: "GenerationMismatch" });
    expect(verdict.failures[0]!.message).toContain("Blackwell");
  });

  it("fails a report bound to another nonce, a chain that is not PEM, and a report that does not match its hash", async () => {
    const other = await verifyOfferClaim(claimOf({ nonce: `0x${"00".repeat(32)}` }), h100, {
      roots: gpu.roots,
    });
    expect(other.failures.map((f) => f.code)).toContain("NonceMismatch");

    const notPem = await verifyOfferClaim(claimOf({ certChain: "0x3082" }), h100, {
      roots: gpu.roots,
    });
    expect(notPem.genuine).toBe(false);
    expect(notPem.failures[0]).toMatchObject({ code: "CertificateMalformed" });

    const wrongHash = await verifyOfferClaim(claimOf({ reportHash: keccak256("0x00") }), h100, {
      roots: gpu.roots,
    });
    expect(wrongHash.genuine).toBe(false);
    expect(wrongHash.failures.map((f) => f.code)).toContain("MalformedReport");
  });
});
