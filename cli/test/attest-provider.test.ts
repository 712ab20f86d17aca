/**
 * `gridlease provider attest <offerId>` on a real chain. The host's hook is test-gpu-hook.mjs, which has the test's
 * synthetic GPU (the SDK's createTestGpu, a GH100 under its own test root, served on a spare 127.0.0.1 port) sign the nonce
 * the command gives it. Trusting that test root (--device-root), the claim is published with the market's nonce for
 * the latest block, and getOfferAttestation reads it back. With NVIDIA's pinned root, on a Blackwell offer, with a
 * host without confidential computing, or from an account that is not the offer's provider, it is refused before any
 * transaction. `attest verify --offer` then reads the published claim back from the chain: genuine on the test root
 * (loudly custom), UntrustedRoot on NVIDIA's, exit 7 for an offer without a claim, and GenerationMismatch for a
 * Hopper claim the test publishes (through the SDK, past provider attest's own check) on the Blackwell offer.
 */
import { writeFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getOfferAttestation, nonceForClaim, publishOfferAttestation } from "@gridlease/sdk";
import { createTestGpu, type TestGpu } from "@gridlease/sdk/attestation/testing";
import {
  BUYER_KEY,
  cli,
  FIXTURES,
  okJson,
  onChain,
  PROVIDER_KEY,
  startChain,
  tempDir,
  type Chain,
  OFFER_TERMS,
} from "./support.ts";
import { unavailableJson } from "./support/attestation.ts";

const HOOK = join(FIXTURES, "attestation", "test-gpu-hook.mjs");
/** The synthetic GPU's port, picked by the system (so parallel runs of this file do not collide). */
let gpuPort: number;
const hookCommand = (path = "gpu") => `node ${HOOK} http://127.0.0.1:${gpuPort}/${path}`;

let chain: Chain;
let dir: string;
let gpu: TestGpu;
let server: Server;
let rootPem: string;
/** The nonces the synthetic GPU was asked to sign, in order. */
const signed: string[] = [];

const run = onChain(() => chain);
const attest = (offerId: string, extra: string[], key = PROVIDER_KEY) =>
  run(key, ["provider", "attest", offerId, ...extra]);
/** `attest verify --offer ID` against the test chain (no wallet needed: it only reads). */
const onTestChain = () => ["--rpc-url", chain.url, "--market", chain.market];
const verifyOffer = (offerId: string, extra: string[] = []) =>
  cli(["attest", "verify", "--offer", offerId, ...extra, ...onTestChain(), "--json"]);
const blockNumber = async () => BigInt(String(await chain.rpc("eth_blockNumber")));
const failureCodes = (json: { gpus: { verdict: { failures: { code: string }[] } }[] }) =>
  json.gpus.flatMap((g) => g.verdict.failures.map((f) => f.code));

async function createOffer(gpuModel: string): Promise<string> {
  const offer = await okJson(
    run(PROVIDER_KEY, [
      "offer",
      "create",
      "--gpu-model",
      gpuModel,
      "--gpus-per-unit",
      "8",
      "--units",
      "1",
      ...OFFER_TERMS,
    ]),
  );
  return offer.offerId;
}

describe("gridlease provider attest", () => {
  let hopper: string;
  let blackwell: string;

  beforeAll(async () => {
    chain = await startChain();
    dir = tempDir();
    gpu = await createTestGpu({ chip: "GH100" });
    rootPem = join(dir, "test-root.pem");
    const b64 = Buffer.from(gpu.roots.device[0]!).toString("base64");
    writeFileSync(
      rootPem,
      `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`,
    );
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const nonce = url.searchParams.get("nonce") ?? "";
      signed.push(nonce);
      res.end(
        url.pathname === "/unavailable"
          ? unavailableJson("confidential computing is off on this machine")
          : `[${gpu.bundleJson(`0x${nonce}`)}]`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    gpuPort = (server.address() as AddressInfo).port;
    await okJson(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
    await okJson(
      run(PROVIDER_KEY, ["provider", "bond", "deposit", "--token", "tUSD", "--amount", "5000"]),
    );
    hopper = await createOffer("H100-SXM-80GB");
    blackwell = await createOffer("B200-192GB");
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("publishes a claim that verifies against the trusted test root, readable on chain", async () => {
    const before = await blockNumber();
    const r = await attest(hopper, ["--command", hookCommand(), "--device-root", rootPem]);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.json).toMatchObject({
      offerId: hopper,
      published: true,
      attested: true,
      generation: "hopper",
      gpu: 0,
      nonceBlock: before.toString(),
      customRoot: rootPem,
    });
    expect(r.json.gpus[0].verdict).toMatchObject({ genuine: true, chip: "GH100", root: "custom" });
    // The GPU signed exactly the nonce the market binds to the latest block.
    expect(`0x${signed.at(-1)}`).toBe(r.json.nonce);
    expect(r.json.tx).toMatch(/^0x[0-9a-f]{64}$/);

    const client = createPublicClient({ transport: http(chain.url) });
    const claim = await getOfferAttestation(client, {
      market: chain.market,
      offerId: BigInt(hopper),
    });
    expect(claim.reportHash).toBe(r.json.reportHash);
    expect(claim.nonceBlock).toBe(before);
    expect(claim.generation).toBe(1);
  });

  it("verifies the published claim from the chain: genuine on the test root, UntrustedRoot on NVIDIA's", async () => {
    const published = await okJson(
      attest(hopper, ["--command", hookCommand(), "--device-root", rootPem]),
    );
    const r = await verifyOffer(hopper, ["--device-root", rootPem]);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.json).toMatchObject({
      offerId: hopper,
      attested: true,
      nonce: published.nonce,
      gpuModel: "H100-SXM-80GB",
      expectedGeneration: "hopper",
      customRoot: rootPem,
      claim: {
        generation: "hopper",
        nonceBlock: published.nonceBlock,
        reportHash: published.reportHash,
        txHash: published.tx,
      },
    });
    expect(r.json.gpus[0].verdict).toMatchObject({ genuine: true, root: "custom", chip: "GH100" });

    const text = await cli([
      "attest",
      "verify",
      "--offer",
      hopper,
      "--device-root",
      rootPem,
      ...onTestChain(),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^WARNING: custom root, not NVIDIA/);
    expect(text.stdout).toMatch(/attestation claim: NVIDIA attestation PASSED/);
    expect(text.stdout).toContain(`nonce bound by the market to block ${published.nonceBlock}`);
    expect(text.stdout).toMatch(/published \d{4}-\d{2}-\d{2}/);
    expect(text.stdout).toMatch(/report signature: verified/);

    const nvidia = await verifyOffer(hopper);
    expect(nvidia.code).toBe(9);
    expect(nvidia.json).toMatchObject({ attested: false, customRoot: null });
    expect(failureCodes(nvidia.json)).toEqual(["UntrustedRoot"]);
    expect(nvidia.stderr).toMatch(/\(UntrustedRoot: /);
  });

  it("says plainly that an offer has no claim, and that an offer does not exist", async () => {
    const none = await verifyOffer(blackwell, ["--device-root", rootPem]);
    expect(none.code).toBe(7);
    expect(none.json.error.kind).toBe("no-claim");
    expect(none.stderr).toMatch(/has no NVIDIA attestation claim/);
    const unknown = await verifyOffer("99");
    expect(unknown.code).toBe(7);
    expect(unknown.json.error.kind).toBe("not-found");
    expect((await verifyOffer(hopper, ["--nonce", `0x${"11".repeat(32)}`])).code).toBe(2);
    expect((await verifyOffer("x")).code).toBe(2);
  });

  it("fails a Hopper claim on a Blackwell offer as GenerationMismatch", async () => {
    // provider attest refuses it; a provider can still send it to the market, which cannot read certificates.
    const client = createPublicClient({ transport: http(chain.url) });
    const wallet = createWalletClient({
      account: privateKeyToAccount(PROVIDER_KEY),
      transport: http(chain.url),
    });
    const offerId = BigInt(blackwell);
    const { nonceBlock, nonce } = await nonceForClaim(client, {
      market: chain.market,
      offerId,
      provider: wallet.account.address,
    });
    await (
      await publishOfferAttestation(wallet, {
        market: chain.market,
        offerId,
        generation: "hopper",
        nonceBlock,
        report: gpu.report(nonce),
        certChain: gpu.certChainPem,
      })
    ).wait();
    const r = await verifyOffer(blackwell, ["--device-root", rootPem]);
    expect(r.code).toBe(9);
    expect(r.json.claim.generation).toBe("hopper");
    expect(r.json.expectedGeneration).toBe("blackwell");
    expect(failureCodes(r.json)[0]).toBe("GenerationMismatch");
    expect(r.stderr).toMatch(/\(GenerationMismatch: /);
  });

  it("says loudly in text that the root is not NVIDIA's", async () => {
    const text = await cli(
      [
        "provider",
        "attest",
        hopper,
        "--command",
        hookCommand(),
        "--device-root",
        rootPem,
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ],
      { env: { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY } },
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^WARNING: custom root, not NVIDIA/);
    expect(text.stdout).toMatch(/published GPU 0's report in 0x[0-9a-f]{64}/);
  });

  it("refuses, before any transaction, a report that does not chain to NVIDIA's root", async () => {
    const before = await blockNumber();
    const r = await attest(hopper, ["--command", hookCommand()]);
    expect(r.code).toBe(9);
    expect(r.json).toMatchObject({ published: false, attested: false });
    expect(failureCodes(r.json)).toContain("UntrustedRoot");
    expect(r.stderr).toMatch(/nothing published/);
    expect(await blockNumber()).toBe(before);
  });

  it("refuses a Hopper report for a Blackwell offer, and a host without confidential computing", async () => {
    const before = await blockNumber();
    const wrong = await attest(blackwell, ["--command", hookCommand(), "--device-root", rootPem]);
    expect(wrong.code).toBe(9);
    expect(failureCodes(wrong.json)).toContain("GenerationMismatch");
    const off = await attest(hopper, [
      "--command",
      hookCommand("unavailable"),
      "--device-root",
      rootPem,
    ]);
    expect(off.code).toBe(9);
    expect(failureCodes(off.json)).toEqual(["ConfidentialComputingUnavailable"]);
    expect(await blockNumber()).toBe(before);
  });

  it("refuses someone else's offer without asking the host, and bad flags", async () => {
    const asked = signed.length;
    const other = await attest(
      hopper,
      ["--command", hookCommand(), "--device-root", rootPem],
      BUYER_KEY,
    );
    expect(other.code).toBe(3);
    expect(other.json.error.kind).toBe("not-offer-provider");
    expect(signed.length).toBe(asked);
    expect((await attest("99", ["--command", hookCommand()])).code).toBe(7);
    expect((await attest(hopper, ["--ssh-key", rootPem])).code).toBe(2);
    expect((await attest(hopper, ["--host", "gpu@example.net"])).code).toBe(2);
    expect((await attest(hopper, ["--host", "example.net", "--ssh-key", rootPem])).code).toBe(2);
    const gpuIndex = await attest(hopper, [
      "--command",
      hookCommand(),
      "--device-root",
      rootPem,
      "--gpu",
      "3",
    ]);
    expect(gpuIndex.code).toBe(2);
    expect(gpuIndex.stderr).toMatch(/listed 1 GPU/);
  });
});
