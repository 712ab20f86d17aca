/**
 * A lease from opening to extension: every receipt's logs and every balance change are checked against the SDK
 * (sdk/src/pricing.ts) to the last base unit. Endings and claims: lease-settlement.test.ts.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deposit, extensionCost, type LeaseTerms } from "@gridlease/sdk/pricing";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  sealedAccess,
  type Harness,
} from "./support/market.ts";

import { claimEnded } from "./support/settlement.ts";

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
      downUnits: 0n,
      repairDeadline: 0n,
      downUnitSeconds: 0n,
      outageReports: 0n,
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
    const s = await claimEnded(h, leaseId, terms, terms.duration, "grid");
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
