/**
 * Provider side: registration, the bond, offers and their price, units and pause switch.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deposit, extensionCost, settle } from "@gridlease/sdk/pricing";
import { decodeGpuModel, decodeRegion } from "@gridlease/sdk/labels";
import { GRID, USD } from "../../scripts/lib/fixture.ts";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  type Harness,
} from "./support/market.ts";

let load: Awaited<ReturnType<typeof connectMarket>>;
let h: Harness;
beforeAll(async () => {
  load = await connectMarket();
});
beforeEach(async () => {
  h = await load();
});

describe("provider onboarding", () => {
  it("registers, updates its metadata, bonds in GRID and tUSD and lists offers in both tokens", async () => {
    const p = h.as.provider.market.write;
    const provider = h.address.provider;
    const start = await h.balances();

    h.expectLogs(await h.send(p.registerProvider(["ipfs://provider/brisbane-dc1"])), [
      h.log.market("ProviderRegistered", { provider, metadataURI: "ipfs://provider/brisbane-dc1" }),
    ]);
    h.expectLogs(await h.send(p.updateProvider(["ipfs://provider/brisbane-dc1-v2"])), [
      h.log.market("ProviderUpdated", { provider, metadataURI: "ipfs://provider/brisbane-dc1-v2" }),
    ]);
    expect(await h.market.read.getProvider([provider])).toEqual({ registered: true });
    expect(await h.market.read.bondOf([provider, h.tokenAddress.grid])).toEqual({
      amount: 0n,
      locked: 0n,
    });

    // Two deposits in GRID: the event carries the token and the running total.
    const first = GRID("3000");
    const second = GRID("2000");
    h.expectLogs(
      await h.send(h.as.provider.grid.write.approve([h.market.address, first + second])),
      [h.log.approval("grid", provider, h.address.market, first + second)],
    );
    const grid = h.tokenAddress.grid;
    h.expectLogs(await h.send(p.depositBond([grid, first])), [
      h.log.market("BondDeposited", { provider, token: grid, amount: first, newBond: first }),
      h.log.transfer("grid", provider, h.address.market, first),
    ]);
    h.expectLogs(await h.send(p.depositBond([grid, second])), [
      h.log.market("BondDeposited", {
        provider,
        token: grid,
        amount: second,
        newBond: first + second,
      }),
      h.log.transfer("grid", provider, h.address.market, second),
    ]);
    // A bond in tUSD is a separate balance: the tUSD offer's penalties come out of it.
    const usdBond = USD("1500");
    await h.send(h.as.provider.usd.write.approve([h.market.address, usdBond]));
    h.expectLogs(await h.send(p.depositBond([h.tokenAddress.usd, usdBond])), [
      h.log.market("BondDeposited", {
        provider,
        token: h.tokenAddress.usd,
        amount: usdBond,
        newBond: usdBond,
      }),
      h.log.transfer("usd", provider, h.address.market, usdBond),
    ]);
    await h.expectBalanceChanges(start, {
      grid: { provider: -(first + second), market: first + second },
      usd: { provider: -usdBond, market: usdBond },
    });

    const beforeOffers = await h.balances();
    h.expectLogs(await h.send(p.createOffer([h.usdOffer])), [
      h.log.market("OfferCreated", {
        offerId: 1n,
        provider,
        paymentToken: h.usdOffer.paymentToken,
        terms: h.usdOffer,
      }),
    ]);
    h.expectLogs(await h.send(p.createOffer([h.gridOffer])), [
      h.log.market("OfferCreated", {
        offerId: 2n,
        provider,
        paymentToken: h.gridOffer.paymentToken,
        terms: h.gridOffer,
      }),
    ]);
    await h.expectBalanceChanges(beforeOffers, {});

    expect(await h.market.read.offerCount()).toBe(2n);
    expect(await h.market.read.bondOf([provider, grid])).toEqual({
      amount: first + second,
      locked: 0n,
    });
    expect(await h.market.read.bondOf([provider, h.tokenAddress.usd])).toEqual({
      amount: usdBond,
      locked: 0n,
    });
    const stored = await h.market.read.getOffer([2n]);
    expect(stored).toMatchObject({
      provider,
      gpusPerUnit: Number(h.gridOffer.gpusPerUnit),
      totalUnits: Number(h.gridOffer.totalUnits),
      unitsInUse: 0,
      paused: false,
      hasPolicy: false,
      paymentToken: h.gridOffer.paymentToken,
      pricePerGpuHour: h.gridOffer.pricePerGpuHour,
      minDuration: Number(h.gridOffer.minDuration),
      maxDuration: Number(h.gridOffer.maxDuration),
      minProviderBond: h.gridOffer.minProviderBond,
      specHash: h.gridOffer.specHash,
    });
    expect(decodeGpuModel(stored.gpuModel)).toBe("H200-141GB");
    expect(decodeRegion(stored.region)).toBe("AU-QLD");
  });

  it("lets the provider withdraw only the bond no live lease has reserved", async () => {
    const { usdOfferId } = await h.listOffers();
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, 3600n);
    // The tUSD lease reserves its penalty out of the tUSD bond; the GRID bond stays free.
    const usd = h.tokenAddress.usd;
    const penalty = h.penaltyFor(h.usdOffer);
    expect(await h.market.read.bondOf([h.address.provider, usd])).toEqual({
      amount: h.usdBond,
      locked: penalty,
    });
    expect((await h.market.read.bondOf([h.address.provider, h.tokenAddress.grid])).locked).toBe(0n);
    await expectRevert(
      h.as.provider.market.write.withdrawBond([usd, h.usdBond]),
      "Market_BondLocked",
      [h.address.provider, penalty, h.usdBond - penalty],
    );

    // The provider refuses the pending lease: that pays the buyer the reserved penalty and frees the rest.
    await h.send(h.as.provider.market.write.terminateLease([leaseId]));
    const left = h.usdBond - penalty;
    expect((await h.market.read.bondOf([h.address.provider, usd])).amount).toBe(left);

    await expectRevert(
      h.as.provider.market.write.withdrawBond([usd, left + 1n]),
      "Market_WithdrawalExceedsBond",
      [h.address.provider, left, left + 1n],
    );
    const before = await h.balances();
    const tx = await h.send(h.as.provider.market.write.withdrawBond([usd, left]));
    h.expectLogs(tx, [
      h.log.market("BondWithdrawn", {
        provider: h.address.provider,
        token: usd,
        amount: left,
        newBond: 0n,
      }),
      h.log.transfer("usd", h.address.market, h.address.provider, left),
    ]);
    await h.expectBalanceChanges(before, { usd: { provider: left, market: -left } });
    await h.expectConservation();
  });
});

describe("offer terms", () => {
  it("applies a price change to leases opened after it; an open lease keeps its price", async () => {
    const { usdOfferId } = await h.listOffers();
    const oldPrice = h.usdOffer.pricePerGpuHour;
    const newPrice = USD("2.45");
    const { leaseId: kept } = await h.openLease("buyer", usdOfferId, 1n, 86_400n);
    const keptTerms = await h.termsOf(kept);
    const keptDeposit = (await h.market.read.getLease([kept])).deposit;

    h.expectLogs(await h.send(h.as.provider.market.write.setOfferPrice([usdOfferId, newPrice])), [
      h.log.market("OfferPriceChanged", { offerId: usdOfferId, oldPrice, newPrice }),
    ]);

    // The buyer's max price guards against the raise.
    await expectRevert(
      h.as.other.market.write.openLease([usdOfferId, 1n, 86_400n, oldPrice, BUYER_KEY]),
      "Market_PriceAboveMax",
      [usdOfferId, newPrice, oldPrice],
    );
    const { leaseId: repriced, tx } = await h.openLease("other", usdOfferId, 1n, 86_400n);
    const repricedTerms = await h.termsOf(repriced);
    expect(repricedTerms.pricePerGpuHour).toBe(newPrice);
    // LeaseOpened no longer carries the price: the lease records it, and escrows its deposit.
    expect(tx.logs[0]).toMatchObject({ eventName: "LeaseOpened", args: { leaseId: repriced } });
    expect(await h.market.read.escrowOf([repriced])).toBe(deposit(repricedTerms));

    // The open lease still reads, extends and settles at the old price.
    const keptView = await h.market.read.getLease([kept]);
    expect(keptView.pricePerGpuHour).toBe(oldPrice);
    expect(keptView.deposit).toBe(keptDeposit);
    expect(keptView.deposit).toBe(deposit(keptTerms));
    const activation = await h.activate(kept);
    const topUp = extensionCost(keptTerms, 3600n);
    await h.send(h.as.buyer.usd.write.approve([h.market.address, topUp]));
    const extension = await h.send(h.as.buyer.market.write.extendLease([kept, 3600n]));
    expect(extension.logs[0].args).toEqual({
      leaseId: kept,
      payer: h.address.buyer,
      addedDuration: 3600n,
      topUp,
    });
    await h.time.increase(7_777);
    const end = await h.send(h.as.buyer.market.write.terminateLease([kept]));
    const s = settle(
      { ...keptTerms, duration: keptTerms.duration + 3600n },
      end.timestamp - activation.timestamp,
    );
    expect(end.logs[0].args).toMatchObject({ accrued: s.accrued, refund: s.refund });
  });

  it("changes total units, never below the units in use", async () => {
    const { usdOfferId } = await h.listOffers();
    const p = h.as.provider.market.write;
    h.expectLogs(await h.send(p.setOfferUnits([usdOfferId, 3n])), [
      h.log.market("OfferUnitsChanged", {
        offerId: usdOfferId,
        oldTotalUnits: h.usdOffer.totalUnits,
        newTotalUnits: 3n,
      }),
    ]);
    const { leaseId } = await h.openLease("buyer", usdOfferId, 2n, 3600n);
    await expectRevert(
      h.as.other.market.write.openLease([
        usdOfferId,
        2n,
        3600n,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_UnitsUnavailable",
      [usdOfferId, 2n, 1n],
    );
    await expectRevert(p.setOfferUnits([usdOfferId, 1n]), "Market_UnitsBelowInUse", [
      usdOfferId,
      1n,
      2n,
    ]);
    h.expectLogs(await h.send(p.setOfferUnits([usdOfferId, 2n])), [
      h.log.market("OfferUnitsChanged", {
        offerId: usdOfferId,
        oldTotalUnits: 3n,
        newTotalUnits: 2n,
      }),
    ]);
    expect((await h.market.read.getOffer([usdOfferId])).unitsInUse).toBe(2);

    // Ending the lease frees its units for someone else.
    await h.send(p.terminateLease([leaseId]));
    expect((await h.market.read.getOffer([usdOfferId])).unitsInUse).toBe(0);
    const { leaseId: next } = await h.openLease("other", usdOfferId, 2n, 3600n);
    expect((await h.market.read.getLease([next])).status).toBe(LeaseStatus.Pending);
  });

  it("pauses and resumes an offer without touching its open leases", async () => {
    const { usdOfferId } = await h.listOffers();
    const p = h.as.provider.market.write;
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, 3600n);

    h.expectLogs(await h.send(p.setOfferPaused([usdOfferId, true])), [
      h.log.market("OfferPausedSet", { offerId: usdOfferId, paused: true }),
    ]);
    await expectRevert(p.setOfferPaused([usdOfferId, true]), "Market_OfferAlreadyInState", [
      usdOfferId,
      true,
    ]);
    const before = await h.balances();
    await h.send(h.as.other.usd.write.approve([h.market.address, USD("100")]));
    await expectRevert(
      h.as.other.market.write.openLease([
        usdOfferId,
        1n,
        3600n,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_OfferPaused",
      [usdOfferId],
    );
    await h.expectBalanceChanges(before, {});

    // The lease opened before the pause still activates and ends normally.
    await h.activate(leaseId);
    await h.time.increase(600);
    const end = await h.send(h.as.buyer.market.write.terminateLease([leaseId]));
    expect(end.logs[0].args).toMatchObject({ reason: EndReason.BuyerTerminated });

    h.expectLogs(await h.send(p.setOfferPaused([usdOfferId, false])), [
      h.log.market("OfferPausedSet", { offerId: usdOfferId, paused: false }),
    ]);
    const { leaseId: after } = await h.openLease("other", usdOfferId, 1n, 3600n);
    expect((await h.market.read.getLease([after])).status).toBe(LeaseStatus.Pending);
  });
});
