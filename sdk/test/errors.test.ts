/**
 * SDK error explanations (sdk/src/errors.ts) for real failures on an in-process chain: market reverts, token
 * errors bubbling up through the market, permit errors, a rejected signature, an unreachable RPC and an
 * account without gas money.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  http,
  type Address,
  type EIP1193RequestFn,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import * as sdk from "@gridlease/sdk";
import { deployMarket, GRID, h100Offer, USD } from "../../scripts/lib/fixture.ts";

let connection: NetworkConnection;
let m: Awaited<ReturnType<typeof deployMarket>>;
let market: Address;
const deployed = () => deployMarket(connection);
const tUSD = { symbol: "tUSD", decimals: 6 };
const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);

beforeAll(async () => {
  connection = await network.create();
});
beforeEach(async () => {
  m = await connection.networkHelpers.loadFixture(deployed);
  market = getAddress(m.market.address);
});

/** Runs `call`, expects it to fail, and returns the SDK's explanation with `context`. */
async function explain(call: () => Promise<unknown>, context?: sdk.ErrorContext) {
  const error = await call().then(
    () => {
      throw new Error("expected the call to fail, but it succeeded");
    },
    (e: unknown) => e,
  );
  return sdk.explainError(error, context);
}

/** A registered provider bonded 5,000 GRID and 5,000 tUSD, with an 8×H100 offer at $1.95 (id 1). */
async function listOffer() {
  await (await sdk.registerProvider(m.provider, { market, metadataURI: "ipfs://p" })).wait();
  for (const [token, amount] of [
    [m.grid.address, GRID("5000")],
    [m.usd.address, USD("5000")],
  ] as const) {
    await (
      await sdk.ensureAllowance(m.provider, { token, spender: market, amount })
    ).approval?.wait();
    await (await sdk.depositBond(m.provider, { market, token, amount })).wait();
  }
  await (await sdk.createOffer(m.provider, { market, offer: h100Offer(m.usd.address) })).wait();
  return 1n;
}

const buyerPublicKey = sdk.accessKeyFromSecret(new Uint8Array(32).fill(7)).publicKeyHex;
const request = (overrides: Partial<sdk.LeaseRequest> = {}): sdk.LeaseRequest => ({
  market,
  offerId: 1n,
  units: 1n,
  duration: 3600n,
  maxPricePerGpuHour: USD("1.95"),
  buyerPublicKey,
  ...overrides,
});

describe("market reverts read as plain English", () => {
  it("a price rise above the buyer's maximum names both prices", async () => {
    await listOffer();
    await (
      await sdk.setOfferPrice(m.provider, { market, offerId: 1n, pricePerGpuHour: USD("2.1") })
    ).wait();
    expect(await explain(() => sdk.openLease(m.buyer, request()), { token: tUSD })).toEqual({
      kind: "revert",
      errorName: "Market_PriceAboveMax",
      args: [1n, USD("2.1"), USD("1.95")],
      message: "The price rose to $2.10 per GPU-hour, above your maximum of $1.95.",
    });
  });

  it("lease-state errors name the lease, its state and its deadline", async () => {
    await listOffer();
    await (
      await sdk.ensureAllowance(m.buyer, {
        token: m.usd.address,
        spender: market,
        amount: USD("100"),
      })
    ).approval?.wait();
    await (await sdk.openLease(m.buyer, request())).wait();
    // LeaseOpened no longer carries the deadline: getLease does.
    const deadline = (await sdk.getLease(m.buyer, { market, leaseId: 1n })).activationDeadline;

    expect(
      (await explain(() => sdk.terminateLease(m.buyer, { market, leaseId: 1n }))).message,
    ).toBe(
      "Lease #1 is still waiting for the provider to activate it, so this is not possible now.",
    );
    expect((await explain(() => sdk.cancelLease(m.buyer, { market, leaseId: 1n }))).message).toBe(
      `Lease #1 can be cancelled only after its activation deadline, ${sdk.formatTime(deadline)}: until then the provider may still activate it.`,
    );
    expect(
      (await explain(() => sdk.terminateLease(m.other, { market, leaseId: 1n }))).message,
    ).toBe(
      `Only the buyer or the provider of lease #1 can end it, and ${addr(m.other)} is neither.`,
    );
    expect((await explain(() => sdk.openLease(m.buyer, request({ units: 17n })))).message).toBe(
      "Offer #1 has only 15 units available; you asked for 17.",
    );

    await connection.networkHelpers.time.increaseTo(deadline + 1n);
    const missed = await explain(() =>
      sdk.activateLease(m.provider, { market, leaseId: 1n, encryptedAccess: "0x01" }),
    );
    expect(missed).toMatchObject({ kind: "revert", errorName: "Market_ActivationWindowMissed" });
    expect(missed.message).toMatch(
      /^The activation deadline of lease #1 passed at .* UTC: it can no longer be activated/,
    );
    // Reads revert too.
    expect((await explain(() => sdk.getLease(m.buyer, { market, leaseId: 9n }))).message).toBe(
      "There is no lease #9.",
    );
  });

  it("bond and owner errors show the bond's token amounts and the caller", async () => {
    await listOffer();
    expect(
      (
        await explain(
          () =>
            sdk.withdrawBond(m.provider, { market, token: m.grid.address, amount: GRID("6000") }),
          { token: { symbol: "GRID", decimals: 18 } },
        )
      ).message,
    ).toBe("Cannot withdraw 6,000 GRID: the bond in that token is only 5,000 GRID.");
    expect(
      (await explain(() => sdk.depositBond(m.buyer, { market, token: m.usd.address, amount: 1n })))
        .message,
    ).toBe(`${addr(m.buyer)} is not registered as a provider: register first.`);
    expect((await explain(() => sdk.setProtocolFee(m.other, { market, feeBps: 1n }))).message).toBe(
      `Only the market's owner can do this, and ${addr(m.other)} is not the owner.`,
    );
    expect(
      (await explain(() => sdk.setProtocolFee(m.deployer, { market, feeBps: 1500n }))).message,
    ).toBe("A protocol fee of 15% is above the cap of 10%.");
  });
});

describe("token errors bubbling up through the market", () => {
  it("a missing approval and a short balance are explained in the payment token", async () => {
    await listOffer();
    // $1.95 × 8 GPUs × 1 hour.
    expect(await explain(() => sdk.openLease(m.buyer, request()), { token: tUSD })).toEqual({
      kind: "revert",
      errorName: "ERC20InsufficientAllowance",
      args: [market, 0n, USD("15.6")],
      message: `Not enough allowance: ${market} may spend $0.00 of your tokens, and this needs $15.60. Approve it first, or sign a permit.`,
    });

    // An account with gas money but no tUSD.
    const [, , , , , broke] = await connection.viem.getWalletClients();
    await (
      await sdk.ensureAllowance(broke, {
        token: m.usd.address,
        spender: market,
        amount: USD("100"),
      })
    ).approval?.wait();
    expect((await explain(() => sdk.openLease(broke, request()), { token: tUSD })).message).toBe(
      `Insufficient balance: ${addr(broke)} holds $0.00, and this needs $15.60.`,
    );
  });

  it("permit errors from the token name the deadline and the signer", async () => {
    const now = BigInt(await connection.networkHelpers.time.latest());
    const permit = await sdk.signPermit(m.buyer, {
      token: m.usd.address,
      spender: market,
      value: 1n,
      deadline: now - 1n,
    });
    const args = [
      addr(m.buyer),
      market,
      1n,
      permit.deadline,
      permit.v,
      permit.r,
      permit.s,
    ] as const;
    expect((await explain(() => m.usd.write.permit([...args]))).message).toBe(
      `The permit signature expired at ${sdk.formatTime(now - 1n)}: sign a new one.`,
    );
    // The same signature presented for another owner recovers to a different signer.
    const fresh = await sdk.signPermit(m.buyer, {
      token: m.usd.address,
      spender: market,
      value: 1n,
    });
    const wrongOwner = await explain(() =>
      m.usd.write.permit([addr(m.other), market, 1n, fresh.deadline, fresh.v, fresh.r, fresh.s]),
    );
    expect(wrongOwner.errorName).toBe("ERC2612InvalidSigner");
    expect(wrongOwner.message).toMatch(new RegExp(`not by the paying account ${addr(m.other)}`));
  });
});

describe("wallet and network failures", () => {
  it("a signature the user rejects in the wallet", async () => {
    // An EIP-1193 wallet that refuses to sign, as a browser wallet does when the user clicks Reject.
    const provider = connection.provider;
    const rpc: EIP1193RequestFn = async (args) => {
      if (args.method === "personal_sign" || args.method === "eth_signTypedData_v4")
        throw Object.assign(new Error("User rejected the request."), { code: 4001 });
      return provider.request(args as never) as never;
    };
    const wallet = createWalletClient({
      account: addr(m.buyer),
      chain: m.buyer.chain,
      transport: custom({ request: rpc }),
    });
    expect(await explain(() => sdk.deriveAccessKey(wallet))).toEqual({
      kind: "rejected",
      message: "You rejected the request in your wallet: nothing was sent.",
    });
    await listOffer();
    // The permit is signed before anything is sent: rejecting it sends nothing.
    expect((await explain(() => sdk.openLeaseWithPermit(wallet, request()))).kind).toBe("rejected");
    expect(await sdk.leaseCount(m.publicClient, { market })).toBe(0n);
  });

  it("an RPC that does not answer", async () => {
    const offline = createPublicClient({
      chain: m.publicClient.chain,
      transport: http("http://127.0.0.1:9", { retryCount: 0 }),
    });
    expect(await explain(() => sdk.getLease(offline, { market, leaseId: 1n }))).toEqual({
      kind: "network",
      message:
        "The network could not be reached (no answer from http://127.0.0.1:9/): check your connection and the RPC URL, then try again.",
    });
  });

  it("an account without gas money", async () => {
    const wallet = createWalletClient({
      account: privateKeyToAccount(generatePrivateKey()),
      chain: m.buyer.chain,
      transport: custom(connection.provider),
    });
    expect(await explain(() => sdk.registerProvider(wallet, { market, metadataURI: "x" }))).toEqual(
      {
        kind: "funds",
        message:
          "Your account does not have enough of the network's native currency (ETH) to pay the gas for this transaction.",
      },
    );
  });
});
