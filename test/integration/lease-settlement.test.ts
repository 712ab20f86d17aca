/**
 * A lease's settlement: every ending (buyer, provider, no-show cancel, close after expiry) and claims, with every
 * receipt's logs and balance change checked against the SDK (sdk/src/pricing.ts) to the last base unit.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deposit, feeOn, settle, type LeaseTerms } from "@gridlease/sdk/pricing";
import { USD } from "../../scripts/lib/fixture.ts";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  sealedAccess,
  type Harness,
  type Token,
} from "./support/market.ts";

import { claimEnded, ended } from "./support/settlement.ts";

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

    await claimEnded(h, leaseId, terms, used, "usd");
    await h.expectConservation();
  });

  it("by the provider refunds the unused part and pays the buyer the bond penalty in the lease's token", async () => {
    const { leaseId } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    const terms = await h.termsOf(leaseId);
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;
    const activation = await h.activate(leaseId);
    await h.time.increase(3 * 3600 + 1);

    const penalty = h.penaltyFor(h.usdOffer);
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
      h.log.transfer("usd", h.address.market, h.address.buyer, penalty),
    ]);
    await h.expectBalanceChanges(before, {
      usd: { buyer: s.refund + penalty, market: -(s.refund + penalty) },
    });
    expect(ended(tx).refund + ended(tx).accrued).toBe(depositHeld);
    expect((await h.market.read.bondOf([h.address.provider, h.tokenAddress.usd])).amount).toBe(
      h.usdBond - penalty,
    );

    await claimEnded(h, leaseId, terms, used, "usd");
    await h.expectConservation();
  });

  it("by the provider while still pending refunds everything and pays the penalty", async () => {
    const { leaseId } = await h.openLease("buyer", gridOfferId, 2n, HOUR);
    const depositHeld = (await h.market.read.getLease([leaseId])).deposit;
    const penalty = h.penaltyFor(h.gridOffer);
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

  it("reserves each live lease's penalty, so every buyer a provider fails is paid in full", async () => {
    // A second provider bonds exactly one offer's minimum: enough to reserve two half-bond penalties.
    const small = { ...h.usdOffer, minProviderBond: USD("1000") };
    const o = h.as.other;
    const usd = h.tokenAddress.usd;
    await h.send(o.market.write.registerProvider(["ipfs://provider/osaka-1"]));
    await h.send(o.usd.write.approve([h.market.address, small.minProviderBond]));
    await h.send(o.market.write.depositBond([usd, small.minProviderBond]));
    await h.send(o.market.write.createOffer([small]));
    const offerId = await h.market.read.offerCount();
    const penalty = h.penaltyFor(small);
    const leases = [];
    for (let i = 0; i < 2; i++)
      leases.push((await h.openLease("buyer", offerId, 1n, HOUR)).leaseId);
    expect((await h.market.read.bondOf([h.address.other, usd])).locked).toBe(2n * penalty);
    // A third lease cannot reserve a penalty: it is refused and nothing moves.
    const before3 = await h.balances();
    await expectRevert(
      h.as.buyer.market.write.openLease([offerId, 1n, HOUR, small.pricePerGpuHour, BUYER_KEY]),
      "Market_BondCommitted",
      [h.address.other, 0n, penalty],
    );
    await h.expectBalanceChanges(before3, {});

    let bond = small.minProviderBond;
    for (const leaseId of leases) {
      const held = (await h.market.read.getLease([leaseId])).deposit;
      const before = await h.balances();
      const tx = await h.send(o.market.write.terminateLease([leaseId]));
      h.expectLogs(tx, [
        h.log.market("LeaseEnded", {
          leaseId,
          reason: EndReason.ProviderTerminated,
          endTime: tx.timestamp,
          accrued: 0n,
          refund: held,
          penalty,
        }),
        h.log.transfer("usd", h.address.market, h.address.buyer, held),
        h.log.transfer("usd", h.address.market, h.address.buyer, penalty),
      ]);
      await h.expectBalanceChanges(before, {
        usd: { buyer: held + penalty, market: -(held + penalty) },
      });
      bond -= penalty;
      expect((await h.market.read.bondOf([h.address.other, usd])).amount).toBe(bond);
    }
    // Two full penalties used the whole bond; nothing is reserved any more.
    expect(bond).toBe(0n);
    expect((await h.market.read.bondOf([h.address.other, usd])).locked).toBe(0n);
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

    const penalty = h.penaltyFor(h.usdOffer);
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
      h.log.transfer("usd", h.address.market, h.address.buyer, penalty),
    ]);
    await h.expectBalanceChanges(before, {
      usd: { buyer: depositHeld + penalty, market: -(depositHeld + penalty) },
    });
    expect(await h.market.read.getLease([leaseId])).toMatchObject({
      status: LeaseStatus.Ended,
      endReason: EndReason.NoShowCancelled,
      deposit: 0n,
      accrued: 0n,
      claimable: 0n,
    });
    expect((await h.market.read.bondOf([h.address.provider, h.tokenAddress.usd])).amount).toBe(
      h.usdBond - penalty,
    );
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
    // Closed well after its end, the lease is billed for its duration and no more.
    const s = settle(terms, tx.timestamp - activation.timestamp);
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

    await claimEnded(h, leaseId, terms, terms.duration, "usd");
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
      const { leaseId } = await h.openLease(who, offerId, units, duration);
      opened.set(leaseId, {
        token: offerId === gridOfferId ? "grid" : "usd",
        deposit: await h.market.read.escrowOf([leaseId]),
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

    // One call, both tokens; the pending and the cancelled lease are skipped, a repeated id pays once.
    const first = await claimAndCheck([...all, usdActive]);
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

  it("locks the protocol fee and activation window of a lease when it opens", async () => {
    const { leaseId: before } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    const oldFee = h.config.feeBps;
    const oldWindow = h.config.activationWindow;
    const newFee = oldFee * 4n;
    const newWindow = oldWindow * 2n;
    h.expectLogs(await h.send(h.market.write.setProtocolFee([newFee])), [
      h.log.market("ProtocolFeeSet", { oldFeeBps: oldFee, newFeeBps: newFee }),
    ]);
    h.expectLogs(await h.send(h.market.write.setActivationWindow([newWindow])), [
      h.log.market("ActivationWindowSet", { oldWindow, newWindow }),
    ]);
    const { leaseId: after, tx } = await h.openLease("buyer", usdOfferId, 1n, DAY);
    // LeaseOpened does not carry them (the lease records them): getLease reads them back.
    expect(await h.market.read.getLease([after])).toMatchObject({
      feeBps: newFee,
      activationDeadline: tx.timestamp + newWindow,
    });

    // Both run 5 hours; each pays the fee it opened with.
    const starts = [(await h.activate(before)).timestamp, (await h.activate(after)).timestamp];
    await h.time.increaseTo(starts[1] + 5n * HOUR);
    const claim = await h.send(h.as.provider.market.write.claim([[before, after]]));
    const expected = [before, after].map((id, i) => {
      const s = settle(
        {
          pricePerGpuHour: h.usdOffer.pricePerGpuHour,
          gpusPerUnit: h.usdOffer.gpusPerUnit,
          units: 1n,
          duration: DAY,
          feeBps: i === 0 ? oldFee : newFee,
        },
        claim.timestamp - starts[i],
      );
      return { leaseId: id, gross: s.accrued, fee: s.fee };
    });
    expect(
      claim.logs
        .filter((l) => l.eventName === "EarningsClaimed")
        .map(({ args }) => ({ leaseId: args.leaseId, gross: args.gross, fee: args.fee })),
    ).toEqual(expected);
    expect(await h.market.read.protocolFees([h.tokenAddress.usd])).toBe(
      expected[0].fee + expected[1].fee,
    );
  });
});
