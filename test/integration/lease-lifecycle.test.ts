/**
 * A lease from opening to settlement: every receipt's logs and every balance change are checked, and each
 * settlement is priced with the SDK (sdk/src/pricing.ts) and compared with the chain to the last base unit.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deposit, extensionCost, feeOn, settle, type LeaseTerms } from "@gridlease/sdk/pricing";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  sealedAccess,
  type Harness,
  type SentTx,
  type Token,
} from "./support/market.ts";

let load: Awaited<ReturnType<typeof connectMarket>>;
let h: Harness;
let usdOfferId: bigint;
let gridOfferId: bigint;
beforeAll(async () => {
  load = await connectMarket();
});
beforeEach(async () => {
  h = await load();
  ({ usdOfferId, gridOfferId } = await h.listOffers());
});

const HOUR = 3600n;
const DAY = 86_400n;

/** The `LeaseEnded` args of an ending tx (its first log). */
function ended(tx: SentTx) {
  expect(tx.logs[0].eventName).toBe("LeaseEnded");
  return tx.logs[0].args as {
    leaseId: bigint;
    reason: number;
    endTime: bigint;
    accrued: bigint;
    refund: bigint;
    penalty: bigint;
  };
}

/**
 * Claims one ended lease alone and checks it against the SDK: the provider receives accrued less the fee, the
 * fee stays in the market, and payout + fee == accrued.
 */
async function claimEnded(leaseId: bigint, terms: LeaseTerms, used: bigint, token: Token) {
  const s = settle(terms, used);
  const before = await h.balances();
  const feesBefore = await h.market.read.protocolFees([h.tokenAddress[token]]);
  const tx = await h.send(h.as.provider.market.write.claim([[leaseId]]));
  h.expectLogs(tx, [
    h.log.market("EarningsClaimed", {
      leaseId,
      provider: h.address.provider,
      gross: s.accrued,
      fee: s.fee,
    }),
    h.log.transfer(token, h.address.market, h.address.provider, s.toProvider),
  ]);
  await h.expectBalanceChanges(before, {
    [token]: { provider: s.toProvider, market: -s.toProvider },
  });
  const payout = (await h.balances())[token].provider - before[token].provider;
  const fee = (await h.market.read.protocolFees([h.tokenAddress[token]])) - feesBefore;
  expect(payout + fee).toBe(s.accrued);
  const view = await h.market.read.getLease([leaseId]);
  expect({ settled: view.settled, claimable: view.claimable }).toEqual({
    settled: s.accrued,
    claimable: 0n,
  });
  await expectRevert(h.as.provider.market.write.claim([[leaseId]]), "Market_NothingToClaim");
  return s;
}

describe("opening a lease", () => {
  it("with approve + openLease in 6-decimal tUSD escrows exactly the SDK deposit", async () => {
    const terms: LeaseTerms = {
      pricePerGpuHour: h.usdOffer.pricePerGpuHour,
      gpusPerUnit: h.usdOffer.gpusPerUnit,
      units: 2n,
      duration: DAY,
      feeBps: h.config.feeBps,
    };
    const amount = deposit(terms);
    const before = await h.balances();
    h.expectLogs(await h.send(h.as.buyer.usd.write.approve([h.market.address, amount])), [
      h.log.approval("usd", h.address.buyer, h.address.market, amount),
    ]);
    const tx = await h.send(
      h.as.buyer.market.write.openLease([usdOfferId, 2n, DAY, terms.pricePerGpuHour, BUYER_KEY]),
    );
    const deadline = tx.timestamp + h.config.activationWindow;
    h.expectLogs(tx, [
      h.log.market("LeaseOpened", {
        leaseId: 1n,
        offerId: usdOfferId,
        buyer: h.address.buyer,
        units: 2n,
        duration: DAY,
        pricePerGpuHour: terms.pricePerGpuHour,
        deposit: amount,
        feeBps: h.config.feeBps,
        activationDeadline: deadline,
        buyerPublicKey: BUYER_KEY,
      }),
      h.log.transfer("usd", h.address.buyer, h.address.market, amount),
    ]);
    await h.expectBalanceChanges(before, { usd: { buyer: -amount, market: amount } });
    expect(await h.usd.read.allowance([h.address.buyer, h.address.market])).toBe(0n);

    expect(await h.market.read.getLease([1n])).toEqual({
      leaseId: 1n,
      offerId: usdOfferId,
      buyer: h.address.buyer,
      provider: h.address.provider,
      paymentToken: h.usdOffer.paymentToken,
      units: 2n,
      gpusPerUnit: terms.gpusPerUnit,
      pricePerGpuHour: terms.pricePerGpuHour,
      feeBps: terms.feeBps,
      duration: DAY,
      start: 0n,
      end: 0n,
      activationDeadline: deadline,
      deposit: amount,
      accrued: 0n,
      settled: 0n,
      claimable: 0n,
      status: LeaseStatus.Pending,
      endReason: EndReason.None,
    });
    expect((await h.market.read.getOffer([usdOfferId])).unitsInUse).toBe(2);
    await h.expectConservation();
  });

  it("with one EIP-2612 permit signature in tUSD, no approval transaction", async () => {
    const units = 3n;
    const duration = 6n * HOUR;
    const amount = deposit({
      pricePerGpuHour: h.usdOffer.pricePerGpuHour,
      gpusPerUnit: h.usdOffer.gpusPerUnit,
      units,
      duration,
      feeBps: h.config.feeBps,
    });
    expect(await h.usd.read.allowance([h.address.buyer, h.address.market])).toBe(0n);
    const nonce = await h.usd.read.nonces([h.address.buyer]);
    // The buyer signs for a little more than the deposit: the rest stays approved.
    const value = amount + 5n;
    const sig = await h.permit("buyer", "usd", value);
    const before = await h.balances();
    const tx = await h.send(
      h.as.buyer.market.write.openLeaseWithPermit([
        usdOfferId,
        units,
        duration,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
        value,
        sig.deadline,
        sig.v,
        sig.r,
        sig.s,
      ]),
    );
    h.expectLogs(tx, [
      h.log.approval("usd", h.address.buyer, h.address.market, value),
      h.log.market("LeaseOpened", {
        leaseId: 1n,
        offerId: usdOfferId,
        buyer: h.address.buyer,
        units,
        duration,
        pricePerGpuHour: h.usdOffer.pricePerGpuHour,
        deposit: amount,
        feeBps: h.config.feeBps,
        activationDeadline: tx.timestamp + h.config.activationWindow,
        buyerPublicKey: BUYER_KEY,
      }),
      h.log.transfer("usd", h.address.buyer, h.address.market, amount),
    ]);
    await h.expectBalanceChanges(before, { usd: { buyer: -amount, market: amount } });
    expect(await h.usd.read.allowance([h.address.buyer, h.address.market])).toBe(value - amount);
    expect(await h.usd.read.nonces([h.address.buyer])).toBe(nonce + 1n);
  });

  it("with a permit someone front-ran: the allowance it set still opens the lease", async () => {
    const amount = deposit({
      pricePerGpuHour: h.usdOffer.pricePerGpuHour,
      gpusPerUnit: h.usdOffer.gpusPerUnit,
      units: 1n,
      duration: HOUR,
      feeBps: h.config.feeBps,
    });
    const sig = await h.permit("buyer", "usd", amount);
    // A watcher copies the permit out of the mempool and submits it first.
    await h.send(
      h.as.other.usd.write.permit([
        h.address.buyer,
        h.address.market,
        amount,
        sig.deadline,
        sig.v,
        sig.r,
        sig.s,
      ]),
    );
    const before = await h.balances();
    const tx = await h.send(
      h.as.buyer.market.write.openLeaseWithPermit([
        usdOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
        amount,
        sig.deadline,
        sig.v,
        sig.r,
        sig.s,
      ]),
    );
    expect(tx.logs.map((l) => l.eventName)).toEqual(["LeaseOpened", "Transfer"]);
    await h.expectBalanceChanges(before, { usd: { buyer: -amount, market: amount } });
  });

  it("paid in 18-decimal GRID: escrow, expiry, close by a stranger and claim, all in GRID", async () => {
    const terms: LeaseTerms = {
      pricePerGpuHour: h.gridOffer.pricePerGpuHour,
      gpusPerUnit: h.gridOffer.gpusPerUnit,
      units: 1n,
      duration: 2n * HOUR + 17n,
      feeBps: h.config.feeBps,
    };
    const amount = deposit(terms);
    const before = await h.balances();
    const { leaseId, tx } = await h.openLease("buyer", gridOfferId, terms.units, terms.duration);
    expect(tx.logs).toEqual([
      h.log.market("LeaseOpened", {
        leaseId,
        offerId: gridOfferId,
        buyer: h.address.buyer,
        units: terms.units,
        duration: terms.duration,
        pricePerGpuHour: terms.pricePerGpuHour,
        deposit: amount,
        feeBps: h.config.feeBps,
        activationDeadline: tx.timestamp + h.config.activationWindow,
        buyerPublicKey: BUYER_KEY,
      }),
      h.log.transfer("grid", h.address.buyer, h.address.market, amount),
    ]);
    await h.expectBalanceChanges(before, { grid: { buyer: -amount, market: amount } });

    const activation = await h.activate(leaseId);
    const end = activation.timestamp + terms.duration;
    await h.time.increaseTo(end);
    const closeBefore = await h.balances();
    const close = await h.send(h.as.other.market.write.closeLease([leaseId]));
    h.expectLogs(close, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.Expired,
        endTime: end,
        accrued: amount,
        refund: 0n,
        penalty: 0n,
      }),
    ]);
    await h.expectBalanceChanges(closeBefore, {});
    const s = await claimEnded(leaseId, terms, terms.duration, "grid");
    expect(s.refund + s.accrued).toBe(amount);
    await h.expectConservation();
  });
});

describe("an active lease", () => {
  it("carries the sealed access payload byte for byte on activation and rotation", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    const payload = sealedAccess(333);
    const before = await h.balances();
    const tx = await h.activate(leaseId, payload);
    h.expectLogs(tx, [
      h.log.market("LeaseActivated", {
        leaseId,
        start: tx.timestamp,
        end: tx.timestamp + DAY,
        encryptedAccess: payload,
      }),
    ]);
    await h.expectBalanceChanges(before, {});
    const view = await h.market.read.getLease([leaseId]);
    expect(view).toMatchObject({
      status: LeaseStatus.Active,
      start: tx.timestamp,
      end: tx.timestamp + DAY,
      activationDeadline: 0n,
    });

    // The largest payload the market takes, then one byte more, then none.
    const largest = sealedAccess(Number(h.config.maxAccessBytes), 1);
    h.expectLogs(await h.send(h.as.provider.market.write.rotateAccess([leaseId, largest])), [
      h.log.market("LeaseAccessRotated", { leaseId, encryptedAccess: largest }),
    ]);
    await expectRevert(
      h.as.provider.market.write.rotateAccess([
        leaseId,
        sealedAccess(Number(h.config.maxAccessBytes) + 1),
      ]),
      "Market_AccessPayloadTooLarge",
      [h.config.maxAccessBytes + 1n, h.config.maxAccessBytes],
    );
    await expectRevert(
      h.as.provider.market.write.rotateAccess([leaseId, "0x"]),
      "Market_EmptyAccessPayload",
    );
    await expectRevert(
      h.as.provider.market.write.activateLease([leaseId, payload]),
      "Market_UnexpectedStatus",
      [leaseId, LeaseStatus.Active],
    );

    // The buyer reads the latest payload back from the chain's logs.
    const rotations = await h.publicClient.getContractEvents({
      address: h.market.address,
      abi: h.market.abi,
      eventName: "LeaseAccessRotated",
      args: { leaseId },
      fromBlock: tx.blockNumber,
    });
    expect(rotations.map((r) => r.args.encryptedAccess)).toEqual([largest]);
  });

  it("is extended at its locked price by the buyer and by a third party", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 2n, DAY);
    const activation = await h.activate(leaseId);
    let terms = await h.termsOf(leaseId);

    // The buyer adds six hours.
    const buyerAdds = 6n * HOUR;
    const buyerTopUp = extensionCost(terms, buyerAdds);
    await h.send(h.as.buyer.usd.write.approve([h.market.address, buyerTopUp]));
    let before = await h.balances();
    let tx = await h.send(h.as.buyer.market.write.extendLease([leaseId, buyerAdds]));
    h.expectLogs(tx, [
      h.log.market("LeaseExtended", {
        leaseId,
        payer: h.address.buyer,
        addedDuration: buyerAdds,
        topUp: buyerTopUp,
      }),
      h.log.transfer("usd", h.address.buyer, h.address.market, buyerTopUp),
    ]);
    await h.expectBalanceChanges(before, { usd: { buyer: -buyerTopUp, market: buyerTopUp } });
    terms = { ...terms, duration: terms.duration + buyerAdds };

    // Someone else (say, the team's finance wallet) pays for 1,001 more seconds; the buyer pays nothing.
    const otherAdds = 1_001n;
    const otherTopUp = extensionCost(terms, otherAdds);
    await h.send(h.as.other.usd.write.approve([h.market.address, otherTopUp]));
    before = await h.balances();
    tx = await h.send(h.as.other.market.write.extendLease([leaseId, otherAdds]));
    h.expectLogs(tx, [
      h.log.market("LeaseExtended", {
        leaseId,
        payer: h.address.other,
        addedDuration: otherAdds,
        topUp: otherTopUp,
      }),
      h.log.transfer("usd", h.address.other, h.address.market, otherTopUp),
    ]);
    await h.expectBalanceChanges(before, { usd: { other: -otherTopUp, market: otherTopUp } });
    terms = { ...terms, duration: terms.duration + otherAdds };

    const view = await h.market.read.getLease([leaseId]);
    expect(view).toMatchObject({
      duration: terms.duration,
      end: activation.timestamp + terms.duration,
      deposit: deposit(terms),
    });
    await expectRevert(h.as.buyer.market.write.extendLease([leaseId, 0n]), "Market_ZeroDuration");
    await h.expectConservation();
  });

  it("extended while pending runs the longer duration from its activation", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, HOUR);
    const terms = await h.termsOf(leaseId);
    const topUp = extensionCost(terms, HOUR);
    await h.send(h.as.buyer.usd.write.approve([h.market.address, topUp]));
    const tx = await h.send(h.as.buyer.market.write.extendLease([leaseId, HOUR]));
    expect(tx.logs[0].args).toEqual({
      leaseId,
      payer: h.address.buyer,
      addedDuration: HOUR,
      topUp,
    });
    const activation = await h.activate(leaseId);
    expect(activation.logs[0].args).toMatchObject({ end: activation.timestamp + 2n * HOUR });
  });
});

describe("ending a lease", () => {
  it("by the buyer refunds the unused part; the provider claims the accrual less the fee", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 2n, DAY);
    const terms = await h.termsOf(leaseId);
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;
    const activation = await h.activate(leaseId);
    await h.time.increase(5 * 3600 + 17);

    const before = await h.balances();
    const tx = await h.send(h.as.buyer.market.write.terminateLease([leaseId]));
    const used = tx.timestamp - activation.timestamp;
    const s = settle(terms, used);
    h.expectLogs(tx, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.BuyerTerminated,
        endTime: tx.timestamp,
        accrued: s.accrued,
        refund: s.refund,
        penalty: 0n,
      }),
      h.log.transfer("usd", h.address.market, h.address.buyer, s.refund),
    ]);
    await h.expectBalanceChanges(before, { usd: { buyer: s.refund, market: -s.refund } });
    const e = ended(tx);
    expect(e.refund + e.accrued).toBe(depositHeld);

    expect(await h.market.read.getLease([leaseId])).toMatchObject({
      status: LeaseStatus.Ended,
      endReason: EndReason.BuyerTerminated,
      duration: used,
      end: tx.timestamp,
      deposit: s.accrued,
      accrued: s.accrued,
      claimable: s.accrued,
    });
    expect((await h.market.read.getOffer([usdOfferId])).unitsInUse).toBe(0);
    await expectRevert(
      h.as.buyer.market.write.terminateLease([leaseId]),
      "Market_UnexpectedStatus",
      [leaseId, LeaseStatus.Ended],
    );

    await claimEnded(leaseId, terms, used, "usd");
    await h.expectConservation();
  });

  it("by the provider refunds the unused part and pays the buyer the bond penalty in GRID", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    const terms = await h.termsOf(leaseId);
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;
    const activation = await h.activate(leaseId);
    await h.time.increase(3 * 3600 + 1);

    const penalty = (h.usdOffer.minProviderBond * h.config.penaltyBps) / 10_000n;
    const before = await h.balances();
    const tx = await h.send(h.as.provider.market.write.terminateLease([leaseId]));
    const used = tx.timestamp - activation.timestamp;
    const s = settle(terms, used);
    h.expectLogs(tx, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.ProviderTerminated,
        endTime: tx.timestamp,
        accrued: s.accrued,
        refund: s.refund,
        penalty,
      }),
      h.log.transfer("usd", h.address.market, h.address.buyer, s.refund),
      h.log.transfer("grid", h.address.market, h.address.buyer, penalty),
    ]);
    await h.expectBalanceChanges(before, {
      usd: { buyer: s.refund, market: -s.refund },
      grid: { buyer: penalty, market: -penalty },
    });
    expect(ended(tx).refund + ended(tx).accrued).toBe(depositHeld);
    expect((await h.market.read.getProvider([h.address.provider])).bond).toBe(h.bond - penalty);

    await claimEnded(leaseId, terms, used, "usd");
    await h.expectConservation();
  });

  it("by the provider while still pending refunds everything and pays the penalty", async () => {
    const { leaseId } = await h.openLease("buyer", gridOfferId, 2n, HOUR);
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;
    const penalty = (h.gridOffer.minProviderBond * h.config.penaltyBps) / 10_000n;
    const before = await h.balances();
    const tx = await h.send(h.as.provider.market.write.terminateLease([leaseId]));
    // Deposit and penalty are both in GRID here: two transfers to the buyer.
    h.expectLogs(tx, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.ProviderTerminated,
        endTime: tx.timestamp,
        accrued: 0n,
        refund: depositHeld,
        penalty,
      }),
      h.log.transfer("grid", h.address.market, h.address.buyer, depositHeld),
      h.log.transfer("grid", h.address.market, h.address.buyer, penalty),
    ]);
    await h.expectBalanceChanges(before, {
      grid: { buyer: depositHeld + penalty, market: -(depositHeld + penalty) },
    });
    await expectRevert(h.as.provider.market.write.claim([[leaseId]]), "Market_NothingToClaim");
    await h.expectConservation();
  });

  it("by the buyer's cancel once the activation window is missed: full refund plus penalty", async () => {
    // A first lease (another buyer's) is activated in its deadline's very second: that is on time.
    const { leaseId: onTime, tx: openedOnTime } = await h.openLease("other", usdOfferId, 1n, DAY);
    const { leaseId, tx: opened } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    const deadline = opened.timestamp + h.config.activationWindow;
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;

    // Within the window the provider is within its rights: the buyer can neither cancel nor terminate.
    await expectRevert(
      h.as.buyer.market.write.cancelLease([leaseId]),
      "Market_ActivationWindowOpen",
      [leaseId, deadline],
    );
    await expectRevert(
      h.as.buyer.market.write.terminateLease([leaseId]),
      "Market_UnexpectedStatus",
      [leaseId, LeaseStatus.Pending],
    );

    await h.time.setNextBlockTimestamp(openedOnTime.timestamp + h.config.activationWindow);
    const activatedOnTime = await h.activate(onTime);
    expect(activatedOnTime.timestamp).toBe(openedOnTime.timestamp + h.config.activationWindow);

    await h.time.increaseTo(deadline + 1n);
    await expectRevert(
      h.as.provider.market.write.activateLease([leaseId, sealedAccess(96)]),
      "Market_ActivationWindowMissed",
      [leaseId, deadline],
    );
    await expectRevert(h.as.other.market.write.cancelLease([leaseId]), "Market_NotLeaseBuyer", [
      leaseId,
      h.address.other,
    ]);

    const penalty = (h.usdOffer.minProviderBond * h.config.penaltyBps) / 10_000n;
    const before = await h.balances();
    const tx = await h.send(h.as.buyer.market.write.cancelLease([leaseId]));
    h.expectLogs(tx, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.NoShowCancelled,
        endTime: tx.timestamp,
        accrued: 0n,
        refund: depositHeld,
        penalty,
      }),
      h.log.transfer("usd", h.address.market, h.address.buyer, depositHeld),
      h.log.transfer("grid", h.address.market, h.address.buyer, penalty),
    ]);
    await h.expectBalanceChanges(before, {
      usd: { buyer: depositHeld, market: -depositHeld },
      grid: { buyer: penalty, market: -penalty },
    });
    expect(await h.market.read.getLease([leaseId])).toMatchObject({
      status: LeaseStatus.Ended,
      endReason: EndReason.NoShowCancelled,
      deposit: 0n,
      accrued: 0n,
      claimable: 0n,
    });
    expect((await h.market.read.getProvider([h.address.provider])).bond).toBe(h.bond - penalty);
    await h.expectConservation();
  });

  it("by anyone's close after expiry; nothing is refunded and the provider claims it all", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 3n, 4n * HOUR);
    const terms = await h.termsOf(leaseId);
    const activation = await h.activate(leaseId);
    const end = activation.timestamp + terms.duration;

    await expectRevert(h.as.other.market.write.closeLease([leaseId]), "Market_LeaseNotExpired", [
      leaseId,
      end,
    ]);
    await h.time.increaseTo(end);
    expect((await h.market.read.getLease([leaseId])).status).toBe(LeaseStatus.Expired);
    // Expired is not active: neither party may end it early, and it takes no extension.
    await expectRevert(
      h.as.buyer.market.write.terminateLease([leaseId]),
      "Market_UnexpectedStatus",
      [leaseId, LeaseStatus.Expired],
    );
    await expectRevert(
      h.as.buyer.market.write.extendLease([leaseId, HOUR]),
      "Market_UnexpectedStatus",
      [leaseId, LeaseStatus.Expired],
    );

    await h.time.increase(12_345);
    const before = await h.balances();
    const tx = await h.send(h.as.other.market.write.closeLease([leaseId]));
    const s = settle(terms, terms.duration);
    h.expectLogs(tx, [
      h.log.market("LeaseEnded", {
        leaseId,
        reason: EndReason.Expired,
        endTime: end,
        accrued: s.accrued,
        refund: 0n,
        penalty: 0n,
      }),
    ]);
    await h.expectBalanceChanges(before, {});
    expect(s.refund).toBe(0n);
    expect(ended(tx).accrued).toBe(deposit(terms));
    expect((await h.market.read.getOffer([usdOfferId])).unitsInUse).toBe(0);
    await expectRevert(h.as.other.market.write.closeLease([leaseId]), "Market_UnexpectedStatus", [
      leaseId,
      LeaseStatus.Ended,
    ]);

    await claimEnded(leaseId, terms, terms.duration, "usd");
    await h.expectConservation();
  });
});

describe("claims and fees", () => {
  it("claims many leases in both tokens in one call, then sends the fees to the treasury", async () => {
    // Six leases in every state a claim meets: active, ended early, expired and closed, pending, cancelled.
    const opened = new Map<bigint, { token: Token; deposit: bigint; terms: LeaseTerms }>();
    const open = async (
      who: "buyer" | "other",
      offerId: bigint,
      units: bigint,
      duration: bigint,
    ) => {
      const { leaseId, tx } = await h.openLease(who, offerId, units, duration);
      opened.set(leaseId, {
        token: offerId === gridOfferId ? "grid" : "usd",
        deposit: tx.logs[0].args.deposit as bigint,
        terms: await h.termsOf(leaseId),
      });
      return leaseId;
    };
    const usdActive = await open("buyer", usdOfferId, 2n, DAY);
    const usdEnded = await open("other", usdOfferId, 1n, DAY);
    const gridActive = await open("buyer", gridOfferId, 1n, DAY);
    const gridClosed = await open("other", gridOfferId, 2n, HOUR);
    const usdPending = await open("buyer", usdOfferId, 1n, DAY);
    const usdCancelled = await open("other", usdOfferId, 1n, HOUR);
    const all = [...opened.keys()];

    // Seconds of service each lease is billed for, once known; and its LeaseEnded args.
    const start = new Map<bigint, bigint>();
    const billed = new Map<bigint, bigint>();
    const endings = new Map<bigint, ReturnType<typeof ended>>();
    const end = async (id: bigint, tx: Promise<`0x${string}`>) => {
      const e = ended(await h.send(tx));
      endings.set(id, e);
      billed.set(id, start.has(id) ? e.endTime - start.get(id)! : 0n);
    };

    for (const id of [usdActive, usdEnded, gridActive, gridClosed]) {
      start.set(id, (await h.activate(id)).timestamp);
    }
    await h.time.increase(2 * 3600 + 11);
    await end(usdEnded, h.as.other.market.write.terminateLease([usdEnded]));
    await end(gridClosed, h.as.other.market.write.closeLease([gridClosed]));
    await h.time.increase(3600);
    await end(usdCancelled, h.as.other.market.write.cancelLease([usdCancelled]));

    // What the SDK says each lease has paid out so far (gross, fee); every claim's events are checked against it.
    const claimed = new Map(all.map((id) => [id, { gross: 0n, fee: 0n }]));
    const providerBefore = await h.balances();

    /** Claims `ids` and checks every lease's share and the per-token transfers against the SDK. */
    async function claimAndCheck(ids: bigint[]) {
      await h.time.increase(997);
      const before = await h.balances();
      const tx = await h.send(h.as.provider.market.write.claim([ids]));
      const expected = [];
      const paid = { usd: 0n, grid: 0n };
      const tokenOrder: Token[] = [];
      for (const id of ids) {
        const { terms, token } = opened.get(id)!;
        // Accrual at the claim's block time, capped at the billed duration once the lease ended.
        const seconds = billed.get(id) ?? (start.has(id) ? tx.timestamp - start.get(id)! : 0n);
        const accrued = settle(terms, seconds).accrued;
        const prev = claimed.get(id)!;
        if (accrued === prev.gross) continue;
        const gross = accrued - prev.gross;
        const fee = feeOn(accrued, terms.feeBps) - feeOn(prev.gross, terms.feeBps);
        expected.push(
          h.log.market("EarningsClaimed", {
            leaseId: id,
            provider: h.address.provider,
            gross,
            fee,
          }),
        );
        claimed.set(id, { gross: accrued, fee: prev.fee + fee });
        if (!tokenOrder.includes(token)) tokenOrder.push(token);
        paid[token] += gross - fee;
      }
      // One EarningsClaimed per lease with something to claim, then one payout per token.
      h.expectLogs(tx, [
        ...expected,
        ...tokenOrder.map((token) =>
          h.log.transfer(token, h.address.market, h.address.provider, paid[token]),
        ),
      ]);
      await h.expectBalanceChanges(before, {
        usd: { provider: paid.usd, market: -paid.usd },
        grid: { provider: paid.grid, market: -paid.grid },
      });
      return tx;
    }

    // One call, both tokens; the pending and the cancelled lease are skipped.
    const first = await claimAndCheck(all);
    expect(first.logs.map((l) => [l.eventName, l.args.leaseId ?? l.address])).toEqual([
      ["EarningsClaimed", usdActive],
      ["EarningsClaimed", usdEnded],
      ["EarningsClaimed", gridActive],
      ["EarningsClaimed", gridClosed],
      ["Transfer", h.tokenAddress.usd],
      ["Transfer", h.tokenAddress.grid],
    ]);

    // The still-active leases again, later: fees on cumulative totals round like a single claim.
    await claimAndCheck([gridActive, usdActive]);
    await expectRevert(h.as.buyer.market.write.claim([[usdActive]]), "Market_NotLeaseProvider", [
      usdActive,
      h.address.buyer,
    ]);
    await expectRevert(h.as.provider.market.write.claim([[]]), "Market_EmptyLeaseList");

    // End both, claim what is left.
    await end(usdActive, h.as.buyer.market.write.terminateLease([usdActive]));
    await h.time.increaseTo(start.get(gridActive)! + opened.get(gridActive)!.terms.duration);
    await end(gridActive, h.as.other.market.write.closeLease([gridActive]));
    await claimAndCheck([usdActive, gridActive, usdEnded, gridClosed, usdPending]);
    await expectRevert(h.as.provider.market.write.claim([all]), "Market_NothingToClaim");

    // Every ended lease, on the chain: refund + accrued == deposit, the accrual is the SDK's, all of it was
    // paid out; per token, what the provider received plus the fees kept is what the leases accrued.
    const accruedPerToken = { usd: 0n, grid: 0n };
    for (const id of all) {
      const view = await h.market.read.getLease([id]);
      const { terms, token, deposit: held } = opened.get(id)!;
      if (id === usdPending) {
        expect(view.status).toBe(LeaseStatus.Pending);
        continue;
      }
      const e = endings.get(id)!;
      const s = settle(terms, billed.get(id)!);
      expect(e.refund + e.accrued).toBe(held);
      expect({ accrued: e.accrued, refund: e.refund }).toEqual({
        accrued: s.accrued,
        refund: s.refund,
      });
      expect({ status: view.status, accrued: view.accrued, settled: view.settled }).toEqual({
        status: LeaseStatus.Ended,
        accrued: s.accrued,
        settled: s.accrued,
      });
      expect(claimed.get(id)).toEqual({ gross: s.accrued, fee: s.fee });
      accruedPerToken[token] += e.accrued;
    }
    const providerAfter = await h.balances();
    const fees = {
      usd: await h.market.read.protocolFees([h.tokenAddress.usd]),
      grid: await h.market.read.protocolFees([h.tokenAddress.grid]),
    };
    for (const token of ["usd", "grid"] as const) {
      const payout = providerAfter[token].provider - providerBefore[token].provider;
      expect(payout + fees[token]).toBe(accruedPerToken[token]);
    }
    await h.expectConservation();

    // Anyone may push the fees to the treasury.
    for (const token of ["usd", "grid"] as const) {
      const before = await h.balances();
      const tx = await h.send(h.as.other.market.write.withdrawFees([h.tokenAddress[token]]));
      h.expectLogs(tx, [
        h.log.market("FeesWithdrawn", {
          token: h.tokenAddress[token],
          treasury: h.address.treasury,
          amount: fees[token],
        }),
        h.log.transfer(token, h.address.market, h.address.treasury, fees[token]),
      ]);
      await h.expectBalanceChanges(before, {
        [token]: { treasury: fees[token], market: -fees[token] },
      });
      expect(await h.market.read.protocolFees([h.tokenAddress[token]])).toBe(0n);
      await expectRevert(
        h.as.other.market.write.withdrawFees([h.tokenAddress[token]]),
        "Market_NothingToWithdraw",
        [h.tokenAddress[token]],
      );
    }
    await h.expectConservation();
  });
});
