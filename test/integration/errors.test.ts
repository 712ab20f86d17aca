/**
 * Bad input gets a clear custom error, decoded through viem with its arguments, and changes nothing; pausing
 * the market blocks only new offers and new leases.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getAddress, zeroAddress, zeroHash } from "viem";
import { USD } from "../../scripts/lib/fixture.ts";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  sealedAccess,
  type Harness,
} from "./support/market.ts";

let load: Awaited<ReturnType<typeof connectMarket>>;
let h: Harness;
let usdOfferId: bigint;
beforeAll(async () => {
  load = await connectMarket();
});
beforeEach(async () => {
  h = await load();
  ({ usdOfferId } = await h.listOffers());
});

const HOUR = 3600n;
const UINT96_MAX = 2n ** 96n - 1n;

/** Counters and holdings a rejected call must leave as they were. */
async function state() {
  return {
    balances: await h.balances(),
    offers: await h.market.read.offerCount(),
    leases: await h.market.read.leaseCount(),
    provider: await h.market.read.getProvider([h.address.provider]),
    usdBond: await h.market.read.bondOf([h.address.provider, h.tokenAddress.usd]),
    gridBond: await h.market.read.bondOf([h.address.provider, h.tokenAddress.grid]),
    offer: await h.market.read.getOffer([usdOfferId]),
    fees: await h.market.read.protocolFees([h.tokenAddress.usd]),
  };
}

describe("custom errors", () => {
  it("a price raised above the buyer's maximum decodes to Market_PriceAboveMax(offerId, price, maxPrice)", async () => {
    const raised = h.usdOffer.pricePerGpuHour + 1n;
    await h.send(h.as.provider.market.write.setOfferPrice([usdOfferId, raised]));
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("1000")]));
    const before = await state();
    await expectRevert(
      h.as.buyer.market.write.openLease([
        usdOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_PriceAboveMax",
      [usdOfferId, raised, h.usdOffer.pricePerGpuHour],
    );
    expect(await state()).toEqual(before);
  });

  it("an unknown lease or offer decodes to Market_UnknownLease / Market_UnknownOffer", async () => {
    const before = await state();
    const lease = 42n;
    await expectRevert(h.market.read.getLease([lease]), "Market_UnknownLease", [lease]);
    await expectRevert(
      h.as.provider.market.write.activateLease([lease, sealedAccess(8)]),
      "Market_UnknownLease",
      [lease],
    );
    await expectRevert(
      h.as.provider.market.write.rotateAccess([lease, sealedAccess(8)]),
      "Market_UnknownLease",
      [lease],
    );
    await expectRevert(h.as.buyer.market.write.extendLease([lease, HOUR]), "Market_UnknownLease", [
      lease,
    ]);
    await expectRevert(h.as.buyer.market.write.terminateLease([lease]), "Market_UnknownLease", [
      lease,
    ]);
    await expectRevert(h.as.buyer.market.write.cancelLease([lease]), "Market_UnknownLease", [
      lease,
    ]);
    await expectRevert(h.as.other.market.write.closeLease([lease]), "Market_UnknownLease", [lease]);
    await expectRevert(h.as.provider.market.write.claim([[lease]]), "Market_UnknownLease", [lease]);

    const offer = 7n;
    await expectRevert(
      h.as.buyer.market.write.openLease([offer, 1n, HOUR, UINT96_MAX, BUYER_KEY]),
      "Market_UnknownOffer",
      [offer],
    );
    await expectRevert(
      h.as.provider.market.write.setOfferPrice([offer, 1n]),
      "Market_UnknownOffer",
      [offer],
    );
    expect(await state()).toEqual(before);
  });

  it("a call from the wrong account decodes to the error naming the lease or offer and the caller", async () => {
    const { leaseId: pending } = await h.openLease("buyer", usdOfferId, 1n, HOUR);
    const { leaseId: active } = await h.openLease("buyer", usdOfferId, 1n, HOUR);
    await h.activate(active);
    const before = await state();

    await expectRevert(
      h.as.other.market.write.setOfferPrice([usdOfferId, 1n]),
      "Market_NotOfferProvider",
      [usdOfferId, h.address.other],
    );
    await expectRevert(
      h.as.buyer.market.write.setOfferUnits([usdOfferId, 1n]),
      "Market_NotOfferProvider",
      [usdOfferId, h.address.buyer],
    );
    await expectRevert(
      h.as.other.market.write.setOfferPaused([usdOfferId, true]),
      "Market_NotOfferProvider",
      [usdOfferId, h.address.other],
    );
    await expectRevert(
      h.as.buyer.market.write.activateLease([pending, sealedAccess(8)]),
      "Market_NotLeaseProvider",
      [pending, h.address.buyer],
    );
    await expectRevert(
      h.as.other.market.write.rotateAccess([active, sealedAccess(8)]),
      "Market_NotLeaseProvider",
      [active, h.address.other],
    );
    await expectRevert(h.as.other.market.write.terminateLease([active]), "Market_NotLeaseParty", [
      active,
      h.address.other,
    ]);
    await expectRevert(h.as.provider.market.write.cancelLease([pending]), "Market_NotLeaseBuyer", [
      pending,
      h.address.provider,
    ]);
    await expectRevert(h.as.buyer.market.write.claim([[active]]), "Market_NotLeaseProvider", [
      active,
      h.address.buyer,
    ]);
    await expectRevert(h.as.other.market.write.setPaused([true]), "OwnableUnauthorizedAccount", [
      h.address.other,
    ]);
    await expectRevert(
      h.as.provider.market.write.setProtocolFee([0n]),
      "OwnableUnauthorizedAccount",
      [h.address.provider],
    );
    expect(await state()).toEqual(before);
  });

  it("bad lease terms decode to errors carrying the offending values", async () => {
    const price = h.usdOffer.pricePerGpuHour;
    const { minDuration, maxDuration, totalUnits } = h.usdOffer;
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("1000000")]));
    const before = await state();
    const open = (units: bigint, duration: bigint, key = BUYER_KEY) =>
      h.as.buyer.market.write.openLease([usdOfferId, units, duration, price, key]);

    await expectRevert(open(0n, HOUR), "Market_ZeroUnits");
    await expectRevert(open(totalUnits + 1n, HOUR), "Market_UnitsUnavailable", [
      usdOfferId,
      totalUnits + 1n,
      totalUnits,
    ]);
    await expectRevert(open(1n, minDuration - 1n), "Market_DurationOutOfRange", [
      minDuration - 1n,
      minDuration,
      maxDuration,
    ]);
    await expectRevert(open(1n, maxDuration + 1n), "Market_DurationOutOfRange", [
      maxDuration + 1n,
      minDuration,
      maxDuration,
    ]);
    await expectRevert(open(1n, HOUR, zeroHash), "Market_InvalidPublicKey");
    expect(await state()).toEqual(before);

    // An extension past the offer's maximum.
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, maxDuration - 10n);
    await expectRevert(
      h.as.buyer.market.write.extendLease([leaseId, 11n]),
      "Market_DurationOutOfRange",
      [maxDuration + 1n, minDuration, maxDuration],
    );
    await expectRevert(h.as.buyer.market.write.extendLease([leaseId, 0n]), "Market_ZeroDuration");
  });

  it("an offer's bond, policy and token requirements decode to their errors", async () => {
    // An offer that wants more bond (in its payment token, tUSD) than the provider holds in it.
    const bigBond = h.usdBond + 1n;
    await h.send(
      h.as.provider.market.write.createOffer([{ ...h.usdOffer, minProviderBond: bigBond }]),
    );
    const bondOfferId = await h.market.read.offerCount();
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("100000")]));
    await expectRevert(
      h.as.buyer.market.write.openLease([
        bondOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_InsufficientBond",
      [h.address.provider, h.usdBond, bigBond],
    );

    // An offer restricted to the provider's allowlist.
    await h.send(
      h.as.provider.market.write.createOffer([{ ...h.usdOffer, buyerPolicy: h.policy.address }]),
    );
    const vettedOfferId = await h.market.read.offerCount();
    const openVetted = () =>
      h.as.buyer.market.write.openLease([
        vettedOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]);
    await expectRevert(openVetted(), "Market_BuyerNotAllowed", [vettedOfferId, h.address.buyer]);
    const policyAsProvider = await h.viem.getContractAt("AllowlistPolicy", h.policy.address, {
      client: { wallet: h.wallets.provider },
    });
    const allowed = await h.send(policyAsProvider.write.setAllowed([[h.address.buyer], true]));
    h.expectLogs(allowed, [
      {
        address: h.policy.address,
        eventName: "BuyerAllowed",
        args: { provider: h.address.provider, buyer: h.address.buyer, allowed: true },
      },
    ]);
    const vetted = await h.send(openVetted());
    expect(vetted.logs[0]).toMatchObject({
      eventName: "LeaseOpened",
      args: { offerId: vettedOfferId, buyer: h.address.buyer },
    });

    // A payment token the owner delisted: existing offers in it take no new leases.
    h.expectLogs(await h.send(h.market.write.setPaymentToken([h.usd.address, false])), [
      h.log.market("PaymentTokenSet", { token: h.tokenAddress.usd, allowed: false }),
    ]);
    await expectRevert(
      h.as.buyer.market.write.openLease([
        usdOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_TokenNotAllowed",
      [h.tokenAddress.usd],
    );
    await expectRevert(
      h.as.provider.market.write.createOffer([h.usdOffer]),
      "Market_TokenNotAllowed",
      [h.tokenAddress.usd],
    );
  });

  // A policy address without code (an EOA, a typo) would make every openLease revert with empty data, so
  // createOffer refuses it; a policy contract that cannot answer (here: a token, which has no isAllowed) counts
  // as "not allowed".
  it("an offer cannot name a buyer policy without code", async () => {
    const policy = h.address.treasury; // any account without code
    expect(await h.publicClient.getCode({ address: policy })).toBeUndefined();
    const before = await state();
    await expectRevert(
      h.as.provider.market.write.createOffer([{ ...h.usdOffer, buyerPolicy: policy }]),
      "Market_PolicyNotContract",
      [policy],
    );
    expect(await state()).toEqual(before);
  });

  it("a buyer policy contract that cannot answer rejects buyers with Market_BuyerNotAllowed", async () => {
    const policy = h.tokenAddress.usd; // has code, but no isAllowed function
    await h.send(h.as.provider.market.write.createOffer([{ ...h.usdOffer, buyerPolicy: policy }]));
    const offerId = await h.market.read.offerCount();
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("1000")]));
    const before = await state();
    await expectRevert(
      h.as.buyer.market.write.openLease([offerId, 1n, HOUR, h.usdOffer.pricePerGpuHour, BUYER_KEY]),
      "Market_BuyerNotAllowed",
      [offerId, h.address.buyer],
    );
    expect(await state()).toEqual(before);
  });

  it("bad offers, provider and admin calls decode to errors carrying the offending values", async () => {
    const before = await state();
    const p = h.as.provider.market.write;
    const cap = await h.market.read.MAX_LEASE_DURATION();
    await expectRevert(
      p.createOffer([{ ...h.usdOffer, pricePerGpuHour: 0n }]),
      "Market_InvalidPrice",
      [0n, UINT96_MAX],
    );
    await expectRevert(
      p.createOffer([{ ...h.usdOffer, pricePerGpuHour: UINT96_MAX + 1n }]),
      "Market_InvalidPrice",
      [UINT96_MAX + 1n, UINT96_MAX],
    );
    await expectRevert(p.setOfferPrice([usdOfferId, UINT96_MAX + 1n]), "Market_InvalidPrice", [
      UINT96_MAX + 1n,
      UINT96_MAX,
    ]);
    await expectRevert(
      p.createOffer([{ ...h.usdOffer, gpusPerUnit: 1025n }]),
      "Market_InvalidGpusPerUnit",
      [1025n, await h.market.read.MAX_GPUS_PER_UNIT()],
    );
    await expectRevert(p.createOffer([{ ...h.usdOffer, totalUnits: 0n }]), "Market_InvalidUnits", [
      0n,
      await h.market.read.MAX_UNITS(),
    ]);
    await expectRevert(
      p.createOffer([{ ...h.usdOffer, maxDuration: cap + 1n }]),
      "Market_InvalidDurationRange",
      [h.usdOffer.minDuration, cap + 1n, cap],
    );
    await expectRevert(
      p.createOffer([{ ...h.usdOffer, paymentToken: h.policy.address }]),
      "Market_TokenNotAllowed",
      [getAddress(h.policy.address)],
    );
    await expectRevert(
      h.as.other.market.write.createOffer([h.usdOffer]),
      "Market_ProviderNotRegistered",
      [h.address.other],
    );
    await expectRevert(
      h.as.other.market.write.depositBond([h.tokenAddress.usd, 1n]),
      "Market_ProviderNotRegistered",
      [h.address.other],
    );
    await expectRevert(p.registerProvider(["again"]), "Market_ProviderAlreadyRegistered", [
      h.address.provider,
    ]);
    await expectRevert(p.depositBond([h.tokenAddress.usd, 0n]), "Market_ZeroAmount");
    await expectRevert(p.withdrawBond([h.tokenAddress.usd, 0n]), "Market_ZeroAmount");

    const maxFee = await h.market.read.MAX_FEE_BPS();
    await expectRevert(h.market.write.setProtocolFee([maxFee + 1n]), "Market_FeeTooHigh", [
      maxFee + 1n,
      maxFee,
    ]);
    const [minWindow, maxWindow] = [
      await h.market.read.MIN_ACTIVATION_WINDOW(),
      await h.market.read.MAX_ACTIVATION_WINDOW(),
    ];
    await expectRevert(
      h.market.write.setActivationWindow([minWindow - 1n]),
      "Market_ActivationWindowOutOfRange",
      [minWindow - 1n, minWindow, maxWindow],
    );
    await expectRevert(h.market.write.setTreasury([zeroAddress]), "Market_ZeroAddress");
    expect(await state()).toEqual(before);
  });
});

describe("a paused market", () => {
  it("rejects new offers and leases with Market_Paused; every way out still works", async () => {
    // Leases in every state, set up before the pause.
    const { leaseId: toCancel } = await h.openLease("other", usdOfferId, 1n, HOUR);
    const { leaseId: toActivate } = await h.openLease("buyer", usdOfferId, 1n, 4n * HOUR);
    const { leaseId: toTerminate } = await h.openLease("buyer", usdOfferId, 1n, 4n * HOUR);
    const { leaseId: toClose } = await h.openLease("buyer", usdOfferId, 1n, HOUR);
    await h.activate(toTerminate);
    const closeStart = (await h.activate(toClose)).timestamp;

    h.expectLogs(await h.send(h.market.write.setPaused([true])), [
      h.log.market("MarketPausedSet", { paused: true }),
    ]);
    expect(await h.market.read.paused()).toBe(true);

    const before = await state();
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("1000")]));
    await expectRevert(
      h.as.buyer.market.write.openLease([
        usdOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
      ]),
      "Market_Paused",
    );
    const sig = await h.permit("buyer", "usd", USD("1000"));
    await expectRevert(
      h.as.buyer.market.write.openLeaseWithPermit([
        usdOfferId,
        1n,
        HOUR,
        h.usdOffer.pricePerGpuHour,
        BUYER_KEY,
        USD("1000"),
        sig.deadline,
        sig.v,
        sig.r,
        sig.s,
      ]),
      "Market_Paused",
    );
    await expectRevert(h.as.provider.market.write.createOffer([h.usdOffer]), "Market_Paused");
    expect(await state()).toEqual(before);

    // Everything that moves or releases funds of existing leases goes through.
    const reasons = async (tx: Promise<`0x${string}`>) =>
      (await h.send(tx)).logs.find((l) => l.eventName === "LeaseEnded")?.args.reason;
    await h.activate(toActivate);
    await h.send(h.as.provider.market.write.rotateAccess([toActivate, sealedAccess(64, 3)]));
    await h.send(h.as.buyer.usd.write.approve([h.market.address, USD("100")]));
    await h.send(h.as.buyer.market.write.extendLease([toTerminate, 60n]));
    await h.send(h.as.provider.market.write.setOfferPrice([usdOfferId, USD("2")]));
    await h.time.increaseTo(closeStart + HOUR);
    expect(await reasons(h.as.other.market.write.closeLease([toClose]))).toBe(EndReason.Expired);
    expect(await reasons(h.as.buyer.market.write.terminateLease([toTerminate]))).toBe(
      EndReason.BuyerTerminated,
    );
    expect(await reasons(h.as.buyer.market.write.terminateLease([toActivate]))).toBe(
      EndReason.BuyerTerminated,
    );
    expect(await reasons(h.as.other.market.write.cancelLease([toCancel]))).toBe(
      EndReason.NoShowCancelled,
    );
    await h.send(h.as.provider.market.write.claim([[toClose, toTerminate, toActivate]]));
    await h.send(h.as.other.market.write.withdrawFees([h.usd.address]));
    for (const token of [h.tokenAddress.usd, h.tokenAddress.grid]) {
      const { amount } = await h.market.read.bondOf([h.address.provider, token]);
      await h.send(h.as.provider.market.write.withdrawBond([token, amount]));
    }
    for (const id of [toCancel, toActivate, toTerminate, toClose]) {
      expect((await h.market.read.getLease([id])).status).toBe(LeaseStatus.Ended);
    }
    await h.expectConservation();

    h.expectLogs(await h.send(h.market.write.setPaused([false])), [
      h.log.market("MarketPausedSet", { paused: false }),
    ]);
    await h.send(h.as.provider.market.write.createOffer([{ ...h.usdOffer, minProviderBond: 0n }]));
  });
});
