/**
 * The SDK's actions (sdk/src/actions/) against a real in-process chain: every market function through the
 * typed actions, the compound actions (allowance, permit, quote, lease state, access details), and status
 * derivation checked against the contract's own `getLease`.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getAddress, isAddressEqual, parseEventLogs, zeroAddress, type Address } from "viem";
import * as sdk from "@gridlease/sdk";
import {
  ACTIVATION_WINDOW,
  deployMarket,
  FEE_BPS,
  GRID,
  h100Offer,
  PENALTY_BPS,
  USD,
} from "../../scripts/lib/fixture.ts";

type Deployed = Awaited<ReturnType<typeof deployMarket>>;

let connection: NetworkConnection;
let m: Deployed;
let market: Address;

/** The market deployed once per file; each test starts from its snapshot. */
const deployed = () => deployMarket(connection);

beforeAll(async () => {
  connection = await network.create();
});
beforeEach(async () => {
  m = await connection.networkHelpers.loadFixture(deployed);
  market = getAddress(m.market.address);
});

const time = () => connection.networkHelpers.time;
const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);

/**
 * Registers the provider, bonds 5,000 of the offer's payment token (penalties come out of the bond in the lease's
 * token) and lists an 8×H100 offer (id 1, in tUSD unless overridden); all through the SDK.
 */
async function listOffer(overrides: Partial<sdk.OfferParams> = {}) {
  const p = m.provider;
  await (await sdk.registerProvider(p, { market, metadataURI: "ipfs://provider/bne1" })).wait();
  const offer = h100Offer(m.usd.address, overrides);
  const token = offer.paymentToken;
  const amount = isAddressEqual(token, m.grid.address) ? GRID("5000") : USD("5000");
  const { approval } = await sdk.ensureAllowance(p, { token, spender: market, amount });
  await approval?.wait();
  const bonded = await (await sdk.depositBond(p, { market, token, amount })).wait();
  expect(bonded.newBond).toBe(amount);
  const { offerId } = await (await sdk.createOffer(p, { market, offer })).wait();
  return { offerId, offer };
}

/** The buyer's access key, from its wallet signature. */
const buyerKey = () => sdk.deriveAccessKey(m.buyer);

/** Opens a lease for the buyer at the offer's current price, approving just the deposit first. */
async function openLease(offerId: bigint, units: bigint, duration: bigint) {
  const quote = await sdk.quoteLease(m.buyer, { market, offerId, units, duration });
  const { approval } = await sdk.ensureAllowance(m.buyer, {
    token: quote.paymentToken,
    spender: market,
    amount: quote.deposit,
  });
  await approval?.wait();
  const sent = await sdk.openLease(m.buyer, {
    market,
    offerId,
    units,
    duration,
    maxPricePerGpuHour: quote.maxPricePerGpuHour,
    buyerPublicKey: (await buyerKey()).publicKeyHex,
  });
  return { quote, ...(await sent.wait()) };
}

const details: sdk.AccessDetails = {
  host: "h100-07.bne1.example.net",
  port: 22,
  user: "ubuntu",
  key: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n-----END OPENSSH PRIVATE KEY-----\n",
};

describe("contract instances", () => {
  it("binds typed instances to the given addresses, and refuses an unknown chain without them", async () => {
    const c = sdk.getGridleaseContracts(
      { public: m.publicClient, wallet: m.buyer },
      {
        chainId: 999_999,
        addresses: { market, grid: m.grid.address, policy: m.policy.address, usd: m.usd.address },
      },
    );
    expect(c.addresses.market).toBe(market);
    expect(await c.market.read.feeBps()).toBe(FEE_BPS);
    expect(await c.grid.read.symbol()).toBe("GRID");
    expect(await c.usd!.read.decimals()).toBe(6);
    const hash = await sdk.getTokenContract(m.buyer, m.usd.address).write.approve([market, 5n]);
    await m.publicClient.waitForTransactionReceipt({ hash });
    expect(await c.usd!.read.allowance([addr(m.buyer), market])).toBe(5n);
    expect(() => sdk.getGridleaseContracts(m.publicClient, { chainId: 999_999 })).toThrow(
      sdk.UnknownChainError,
    );
  });
});

describe("provider and buyer actions", () => {
  it("runs a lease from listing to claim: open, activate, rotate, extend, terminate, claim, withdraw", async () => {
    const { offerId, offer } = await listOffer();
    expect(offerId).toBe(1n);
    await (await sdk.updateProvider(m.provider, { market, metadataURI: "ipfs://v2" })).wait();
    expect(await sdk.getProvider(m.buyer, { market, provider: addr(m.provider) })).toEqual({
      registered: true,
    });
    expect(
      await sdk.bondOf(m.buyer, { market, provider: addr(m.provider), token: m.usd.address }),
    ).toEqual({ amount: USD("5000"), locked: 0n, free: USD("5000") });

    // Quote: one 8-GPU server at $1.95 for 2 hours is $31.20, fee 2.5%.
    const quote = await sdk.quoteLease(m.buyer, { market, offerId, units: 1n, duration: 7200n });
    expect(quote).toMatchObject({
      paymentToken: getAddress(m.usd.address),
      pricePerGpuHour: USD("1.95"),
      deposit: USD("31.2"),
      fee: USD("0.78"),
      toProvider: USD("30.42"),
      maxPricePerGpuHour: USD("1.95"),
      unitsAvailable: offer.totalUnits,
      problems: [],
    });

    const key = await buyerKey();
    const opened = await openLease(offerId, 1n, 7200n);
    expect(opened.leaseId).toBe(1n);
    const openedEvent = sdk.findEvent(opened.events, "LeaseOpened")!;
    expect(openedEvent.args).toEqual({
      leaseId: 1n,
      offerId,
      buyer: addr(m.buyer),
      units: 1n,
      duration: 7200n,
      buyerPublicKey: key.publicKeyHex,
    });
    expect(await sdk.escrowOf(m.buyer, { market, leaseId: 1n })).toBe(quote.deposit);

    // Activation posts sealed details; the buyer reads them back from the event log.
    const sealed = sdk.sealAccess(key.publicKeyHex, details);
    const activated = await (
      await sdk.activateLease(m.provider, { market, leaseId: 1n, encryptedAccess: sealed })
    ).wait();
    expect(sdk.findEvent(activated.events, "LeaseActivated")!.args.encryptedAccess).toBe(sealed);
    expect(
      await sdk.readAccessDetails(m.buyer, { market, leaseId: 1n, secretKey: key.secretKey }),
    ).toEqual(details);

    // Rotation replaces them: the latest payload wins.
    const rotatedDetails = { ...details, host: "h100-08.bne1.example.net" };
    await (
      await sdk.rotateAccess(m.provider, {
        market,
        leaseId: 1n,
        encryptedAccess: sdk.sealAccess(key.publicKeyHex, rotatedDetails),
      })
    ).wait();
    expect(await sdk.getAccessPayload(m.buyer, { market, leaseId: 1n })).toMatchObject({
      rotated: true,
    });
    expect(
      await sdk.readAccessDetails(m.buyer, { market, leaseId: 1n, secretKey: key.secretKey }),
    ).toEqual(rotatedDetails);

    // An outage resolved with no new details keeps them; one resolved with new details replaces them.
    const outage = () =>
      sdk.reportOutage(m.buyer, {
        market,
        leaseId: 1n,
        units: 1n,
        evidenceHash: `0x${"ab".repeat(32)}`,
      });
    await (await outage()).wait();
    await (await sdk.resolveOutage(m.provider, { market, leaseId: 1n })).wait();
    expect(
      await sdk.readAccessDetails(m.buyer, { market, leaseId: 1n, secretKey: key.secretKey }),
    ).toEqual(rotatedDetails);
    const repairedDetails = { ...details, host: "h100-09.bne1.example.net" };
    await (await outage()).wait();
    await (
      await sdk.resolveOutage(m.provider, {
        market,
        leaseId: 1n,
        encryptedAccess: sdk.sealAccess(key.publicKeyHex, repairedDetails),
      })
    ).wait();
    expect(
      await sdk.readAccessDetails(m.buyer, { market, leaseId: 1n, secretKey: key.secretKey }),
    ).toEqual(repairedDetails);

    // Extension: another hour at the locked price, topped up by the buyer.
    const terms = {
      pricePerGpuHour: USD("1.95"),
      gpusPerUnit: 8n,
      units: 1n,
      duration: 7200n,
      feeBps: FEE_BPS,
    };
    const topUp = sdk.extensionCost(terms, 3600n);
    await (
      await sdk.ensureAllowance(m.buyer, { token: m.usd.address, spender: market, amount: topUp })
    ).approval?.wait();
    const extended = await (
      await sdk.extendLease(m.buyer, { market, leaseId: 1n, addedDuration: 3600n })
    ).wait();
    expect(sdk.findEvent(extended.events, "LeaseExtended")!.args.topUp).toBe(topUp);

    // After 30 minutes the buyer stops; the SDK's state at that time predicts the refund.
    const start = (await sdk.getLease(m.buyer, { market, leaseId: 1n })).start;
    await time().setNextBlockTimestamp(start + 1800n);
    // The lease had outages (above): the prediction needs its outage record.
    const predicted = sdk.leaseStateAt(
      {
        ...(await sdk.getLease(m.buyer, { market, leaseId: 1n })),
        outage: sdk.toOutageRecord(await sdk.getOutage(m.buyer, { market, leaseId: 1n })),
      },
      start + 1800n,
    );
    const ended = await (await sdk.terminateLease(m.buyer, { market, leaseId: 1n })).wait();
    expect(sdk.findEvent(ended.events, "LeaseEnded")!.args).toMatchObject({
      reason: sdk.EndReason.BuyerTerminated,
      accrued: predicted.accrued,
      refund: predicted.refundableNow,
      penalty: 0n,
    });

    // The provider claims; the fee stays in the market until withdrawn to the treasury.
    const claimed = await (await sdk.claim(m.provider, { market, leaseIds: [1n] })).wait();
    expect(claimed.claimed).toEqual([
      { leaseId: 1n, provider: addr(m.provider), gross: predicted.accrued, fee: predicted.fee },
    ]);
    expect(await sdk.protocolFees(m.buyer, { market, token: m.usd.address })).toBe(predicted.fee);
    const withdrawn = await (
      await sdk.withdrawFees(m.other, { market, token: m.usd.address })
    ).wait();
    expect(withdrawn.amount).toBe(predicted.fee);

    // No lease depends on the bond any more.
    await (
      await sdk.withdrawBond(m.provider, { market, token: m.usd.address, amount: USD("5000") })
    ).wait();
    expect(
      (await sdk.bondOf(m.buyer, { market, provider: addr(m.provider), token: m.usd.address }))
        .amount,
    ).toBe(0n);
  });

  it("changes offer terms, and the quote reports what would stop a lease", async () => {
    const { offerId } = await listOffer();
    await (
      await sdk.setOfferPrice(m.provider, { market, offerId, pricePerGpuHour: USD("2.1") })
    ).wait();
    await (await sdk.setOfferUnits(m.provider, { market, offerId, totalUnits: 2n })).wait();
    await (await sdk.setOfferPaused(m.provider, { market, offerId, paused: true })).wait();
    expect(await sdk.getOffer(m.buyer, { market, offerId })).toMatchObject({
      pricePerGpuHour: USD("2.1"),
      totalUnits: 2,
      paused: true,
    });
    expect(await sdk.offerCount(m.buyer, { market })).toBe(1n);

    const quote = await sdk.quoteLease(m.buyer, {
      market,
      offerId,
      units: 3n,
      duration: 60n,
      slippageBps: 500n,
    });
    expect(quote.maxPricePerGpuHour).toBe(USD("2.205"));
    expect(quote.maxDeposit).toBe(sdk.cost(USD("2.205"), 24n, 60n));
    expect(quote.problems).toEqual([
      "Offer #1 is paused by its provider and takes no new leases.",
      "Offer #1 has only 2 units available; you asked for 3.",
      "A duration of 1 minute is outside this offer's range of 1 hour to 30 days.",
    ]);
    await (await sdk.setOfferPaused(m.provider, { market, offerId, paused: false })).wait();
    expect(
      (await sdk.quoteLease(m.buyer, { market, offerId, units: 2n, duration: 3600n })).problems,
    ).toEqual([]);
    await expect(
      sdk.quoteLease(m.buyer, { market, offerId: 9n, units: 1n, duration: 3600n }),
    ).rejects.toThrow("There is no offer #9.");
  });

  it("approves only the shortfall, and nothing when the allowance suffices", async () => {
    const token = m.usd.address;
    const first = await sdk.ensureAllowance(m.buyer, { token, spender: market, amount: 100n });
    expect(first).toMatchObject({ allowance: 0n, shortfall: 100n });
    const approved = await first.approval!.wait();
    expect(approved.receipt.status).toBe("success");
    const again = await sdk.ensureAllowance(m.buyer, { token, spender: market, amount: 60n });
    expect(again).toEqual({ allowance: 100n, shortfall: 0n, approval: undefined });
    const more = await sdk.ensureAllowance(m.buyer, { token, spender: market, amount: 150n });
    expect(more.shortfall).toBe(50n);
    await more.approval!.wait();
    expect(await m.usd.read.allowance([addr(m.buyer), market])).toBe(150n);
  });

  it("closes an expired lease (anyone) and cancels one the provider never activated", async () => {
    const { offerId } = await listOffer();
    const key = await buyerKey();
    const { leaseId: expiring } = await openLease(offerId, 1n, 3600n);
    await (
      await sdk.activateLease(m.provider, {
        market,
        leaseId: expiring,
        encryptedAccess: sdk.sealAccess(key.publicKeyHex, details),
      })
    ).wait();
    const { leaseId: ignored, quote } = await openLease(offerId, 2n, 3600n);
    expect(await sdk.leaseCount(m.buyer, { market })).toBe(2n);

    await time().increase(ACTIVATION_WINDOW + 1n);
    const overdue = await sdk.getLeaseState(m.buyer, { market, leaseId: ignored });
    expect(overdue.state).toMatchObject({
      status: "ActivationOverdue",
      refundableNow: quote.deposit,
    });
    const cancelled = await (await sdk.cancelLease(m.buyer, { market, leaseId: ignored })).wait();
    expect(sdk.findEvent(cancelled.events, "LeaseEnded")!.args).toMatchObject({
      reason: sdk.EndReason.NoShowCancelled,
      refund: quote.deposit,
      penalty: (USD("1000") * PENALTY_BPS) / 10_000n,
    });
    expect(quote.penalty).toBe(USD("500"));

    const expired = await sdk.getLeaseState(m.buyer, { market, leaseId: expiring });
    expect(expired.state.status).toBe("Expired");
    const closed = await (await sdk.closeLease(m.other, { market, leaseId: expiring })).wait();
    expect(sdk.findEvent(closed.events, "LeaseEnded")!.args.reason).toBe(sdk.EndReason.Expired);
    const after = await sdk.getLeaseState(m.buyer, { market, leaseId: expiring });
    expect(after.state).toMatchObject({ status: "Ended", endReason: "Expired", refundableNow: 0n });
    expect(sdk.endReasonLabel(after.lease.endReason)).toBe("Ran its full term");
  });

  it("admits only allowlisted buyers to an offer with the allowlist policy", async () => {
    const policy = getAddress(m.policy.address);
    const { offerId } = await listOffer({ buyerPolicy: policy });
    const who = { policy, provider: addr(m.provider), offerId, buyer: addr(m.buyer) };
    expect(await sdk.isBuyerAllowed(m.publicClient, who)).toBe(false);
    await (
      await sdk.setAllowedBuyers(m.provider, { policy, buyers: [addr(m.buyer)], allowed: true })
    ).wait();
    expect(await sdk.isBuyerAllowed(m.publicClient, who)).toBe(true);
    expect((await openLease(offerId, 1n, 3600n)).leaseId).toBe(1n);
  });
});

describe("openLeaseWithPermit", () => {
  it("signs the permit and opens the lease in one transaction, without a prior approval", async () => {
    const { offerId } = await listOffer();
    const key = await buyerKey();
    expect(await m.usd.read.allowance([addr(m.buyer), market])).toBe(0n);
    const before = await m.usd.read.balanceOf([addr(m.buyer)]);
    const sent = await sdk.openLeaseWithPermit(m.buyer, {
      market,
      offerId,
      units: 2n,
      duration: 3600n,
      maxPricePerGpuHour: USD("2"),
      buyerPublicKey: key.publicKeyHex,
    });
    const { leaseId, receipt } = await sent.wait();
    expect(leaseId).toBe(1n);
    // One transaction carried the permit and the deposit.
    const logs = parseEventLogs({
      abi: [...sdk.gridleaseMarketAbi, ...sdk.testUSDAbi],
      logs: receipt.logs,
    });
    expect(logs.map((l) => l.eventName)).toEqual(["Approval", "LeaseOpened", "Transfer"]);
    const deposit = USD("31.2");
    expect(await m.usd.read.balanceOf([addr(m.buyer)])).toBe(before - deposit);
    // The permit covered the deposit at the maximum price; the difference stays approved.
    expect(await m.usd.read.allowance([addr(m.buyer), market])).toBe(USD("32") - deposit);
    expect(await m.usd.read.nonces([addr(m.buyer)])).toBe(1n);
    expect(isAddressEqual(receipt.to!, market)).toBe(true);
  });

  it("signs with the token's EIP-712 domain, for an 18-decimal token too", async () => {
    const { offerId } = await listOffer({
      paymentToken: getAddress(m.grid.address),
      pricePerGpuHour: GRID("3.3"),
    });
    const permit = await sdk.signPermit(m.buyer, {
      token: m.grid.address,
      spender: market,
      value: GRID("1"),
      deadline: BigInt(await time().latest()) + 600n,
    });
    // The signature is valid for the token itself.
    await m.grid.write.permit(
      [addr(m.buyer), market, GRID("1"), permit.deadline, permit.v, permit.r, permit.s],
      { account: m.other.account },
    );
    expect(await m.grid.read.allowance([addr(m.buyer), market])).toBe(GRID("1"));

    const key = await buyerKey();
    const { leaseId } = await (
      await sdk.openLeaseWithPermit(m.buyer, {
        market,
        offerId,
        units: 1n,
        duration: 3600n,
        maxPricePerGpuHour: GRID("3.3"),
        buyerPublicKey: key.publicKeyHex,
      })
    ).wait();
    expect((await sdk.getLease(m.buyer, { market, leaseId })).deposit).toBe(GRID("26.4"));
  });
});

describe("market reads and admin actions", () => {
  it("reads the whole configuration and changes every owner setting", async () => {
    const owner = m.deployer;
    const config = await sdk.getMarketConfig(m.publicClient, { market });
    expect(config).toEqual({
      owner: addr(m.deployer),
      pendingOwner: zeroAddress,
      treasury: addr(m.treasury),
      feeBps: FEE_BPS,
      activationWindow: ACTIVATION_WINDOW,
      paused: false,
      bondToken: getAddress(m.grid.address),
      penaltyBps: PENALTY_BPS,
      limits: {
        maxFeeBps: 1000n,
        maxUnits: 65535n,
        maxGpusPerUnit: 1024n,
        maxLeaseDuration: 1096n * 86400n,
        minActivationWindow: 60n,
        maxActivationWindow: 7n * 86400n,
        maxAccessBytes: BigInt(sdk.MAX_ACCESS_PAYLOAD_BYTES),
        maxClaimBatch: 200n,
        maxPaymentTokens: 64n,
        minRepairWindow: 900n,
        maxRepairWindow: 604_800n,
        maxOutageReports: 12n,
        reportCooldown: 3600n,
      },
    });
    expect(await sdk.paymentTokens(m.publicClient, { market })).toEqual([
      getAddress(m.usd.address),
      getAddress(m.grid.address),
    ]);

    await (await sdk.setProtocolFee(owner, { market, feeBps: 300n })).wait();
    await (await sdk.setTreasury(owner, { market, treasury: addr(m.other) })).wait();
    await (await sdk.setActivationWindow(owner, { market, window: 600n })).wait();
    await (
      await sdk.setPaymentToken(owner, { market, token: m.usd.address, allowed: false })
    ).wait();
    await (await sdk.setPaused(owner, { market, paused: true })).wait();
    expect(await sdk.isPaymentToken(m.publicClient, { market, token: m.usd.address })).toBe(false);
    await (await sdk.transferOwnership(owner, { market, newOwner: addr(m.treasury) })).wait();
    expect((await sdk.getMarketConfig(m.publicClient, { market })).pendingOwner).toBe(
      addr(m.treasury),
    );
    await (await sdk.acceptOwnership(m.treasury, { market })).wait();
    expect(await sdk.getMarketConfig(m.publicClient, { market })).toMatchObject({
      owner: addr(m.treasury),
      pendingOwner: zeroAddress,
      treasury: addr(m.other),
      feeBps: 300n,
      activationWindow: 600n,
      paused: true,
    });
    await (await sdk.renounceOwnership(m.treasury, { market })).wait();
    expect((await sdk.getMarketConfig(m.publicClient, { market })).owner).toBe(zeroAddress);
  });

  it("reads token display data for error messages", async () => {
    const usd = getAddress(m.usd.address);
    expect(await sdk.getTokenInfo(m.publicClient, usd)).toEqual({
      address: usd,
      name: "Test USD",
      symbol: "tUSD",
      decimals: 6,
    });
  });
});

describe("status derivation against the chain", () => {
  it("matches getLease before and after the activation deadline, while active and after the end", async () => {
    const { offerId } = await listOffer();
    const key = await buyerKey();
    const { leaseId } = await openLease(offerId, 1n, 7200n);
    const deadline = (await sdk.getLease(m.buyer, { market, leaseId })).activationDeadline;

    /** Mines a block at `at`, then compares the SDK's state at that time with the contract's view. */
    async function compareAt(at: bigint) {
      await time().increaseTo(at);
      const { lease, state, now } = await sdk.getLeaseState(m.buyer, { market, leaseId });
      expect(now).toBe(at);
      expect(await sdk.chainTime(m.publicClient)).toBe(at);
      const chainStatus = sdk.leaseStatusName(lease.status);
      expect(chainStatus).toBe(state.status === "ActivationOverdue" ? "Pending" : state.status);
      expect({
        accrued: state.accrued,
        claimable: state.claimable,
        deposit: state.deposit,
      }).toEqual({
        accrued: lease.accrued,
        claimable: lease.claimable,
        deposit: lease.deposit,
      });
      return state;
    }

    expect((await compareAt(deadline - 10n)).status).toBe("Pending");
    // At the deadline itself the provider may still activate; one second later it may not.
    expect((await compareAt(deadline)).status).toBe("Pending");
    expect((await compareAt(deadline + 1n)).status).toBe("ActivationOverdue");

    // A second lease, activated, watched across its end.
    const { leaseId: second } = await openLease(offerId, 1n, 7200n);
    const activated = await (
      await sdk.activateLease(m.provider, {
        market,
        leaseId: second,
        encryptedAccess: sdk.sealAccess(key.publicKeyHex, details),
      })
    ).wait();
    const start = sdk.findEvent(activated.events, "LeaseActivated")!.args.start;
    const watch = async (at: bigint) => {
      await time().increaseTo(at);
      const { lease, state } = await sdk.getLeaseState(m.buyer, { market, leaseId: second });
      expect(sdk.leaseStatusName(lease.status)).toBe(state.status);
      expect([state.accrued, state.claimable]).toEqual([lease.accrued, lease.claimable]);
      return state;
    };
    expect(await watch(start + 3600n)).toMatchObject({ status: "Active", remainingSeconds: 3600n });
    expect(await watch(start + 7199n)).toMatchObject({ status: "Active", remainingSeconds: 1n });
    expect(await watch(start + 7200n)).toMatchObject({ status: "Expired", remainingSeconds: 0n });
    await (await sdk.closeLease(m.other, { market, leaseId: second })).wait();
    expect(await watch(start + 9000n)).toMatchObject({ status: "Ended", endReason: "Expired" });
  });
});
