/**
 * The SDK's lease math (sdk/src/pricing.ts) against the contract at the boundaries: one-second leases and
 * one second elapsed, the longest lease, 6- and 18-decimal tokens, prices at the uint96 limit and deposits at
 * the uint104 limit. Reads happen at chosen block times, set on the chain rather than waited for.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  cost,
  deposit,
  elapsed,
  feeOn,
  settle,
  stakePenalty,
  type LeaseTerms,
} from "@gridlease/sdk/pricing";
import { GRID, USD } from "../../scripts/lib/fixture.ts";
import {
  BUYER_KEY,
  connectMarket,
  EndReason,
  expectRevert,
  LeaseStatus,
  type Harness,
  type Token,
} from "../../test/integration/support/market.ts";

let load: Awaited<ReturnType<typeof connectMarket>>;
let h: Harness;
beforeAll(async () => {
  load = await connectMarket();
});
beforeEach(async () => {
  h = await load();
  await h.listOffers();
});

const HOUR = 3600n;
const DAY = 86_400n;
const UINT96_MAX = 2n ** 96n - 1n;
const UINT104_MAX = 2n ** 104n - 1n;

/** Lists an offer with exactly these economics, open to any duration up to the market's cap. */
async function offer(token: Token, price: bigint, gpusPerUnit: bigint, totalUnits: bigint) {
  await h.send(
    h.as.provider.market.write.createOffer([
      {
        ...h.usdOffer,
        paymentToken: h.tokenAddress[token],
        pricePerGpuHour: price,
        gpusPerUnit,
        totalUnits,
        minDuration: 1n,
        maxDuration: h.config.maxLeaseDuration,
        minProviderBond: 0n,
      },
    ]),
  );
  return h.market.read.offerCount();
}

/**
 * Gives the buyer enough tUSD for a deposit of `amount` (tUSD mints freely; GRID holdings come from the fixture),
 * and the provider the free bond in `token` that the lease's penalty reserves: 10% of the deposit, as these offers
 * set no floor (GRID comes from the deployer, who holds the rest of the supply).
 */
async function fund(token: Token, amount: bigint) {
  if (token === "usd") await h.send(h.usd.write.mint([h.address.buyer, amount]));
  const bond = await h.market.read.bondOf([h.address.provider, h.tokenAddress[token]]);
  const needed = stakePenalty(0n, amount) - (bond.amount - bond.locked);
  if (needed <= 0n) return;
  if (token === "usd") await h.send(h.usd.write.mint([h.address.provider, needed]));
  else await h.send(h.grid.write.transfer([h.address.provider, needed]));
  // Both tokens are OpenZeppelin ERC-20s: one type serves for `approve`.
  const erc20 = h.as.provider[token] as typeof h.as.provider.usd;
  await h.send(erc20.write.approve([h.market.address, needed]));
  await h.send(h.as.provider.market.write.depositBond([h.tokenAddress[token], needed]));
}

interface Case {
  name: string;
  token: Token;
  price: bigint;
  gpusPerUnit: bigint;
  units: bigint;
  duration: bigint;
  /** Seconds after activation at which getLease is compared with the SDK, ascending. */
  readAt: bigint[];
  /** Seconds after activation at which the provider claims; none may equal a read time. */
  claimAt: bigint[];
  /** Seconds after activation at which the buyer terminates; absent: the lease runs out and is closed. */
  terminateAt?: bigint;
}

/** Largest duration whose deposit fits the contract's uint104 escrow at this price and GPU count. */
function longestFitting(price: bigint, gpus: bigint) {
  return ((UINT104_MAX + 1n) * HOUR - 1n) / (price * gpus);
}

const MAX_PRICE_GPUS = 8n;
const cases: Case[] = [
  {
    name: "a 1-second lease on 1 GPU at a price that is not a multiple of 3600 (tUSD, 6 decimals)",
    token: "usd",
    price: 3_599_999n,
    gpusPerUnit: 1n,
    units: 1n,
    duration: 1n,
    readAt: [0n, 1n, 5n],
    claimAt: [],
  },
  {
    name: "1 second elapsed, then 2, of a day on 8 GPUs × 3 units at $1.95 (tUSD), ended by the buyer",
    token: "usd",
    price: USD("1.95"),
    gpusPerUnit: 8n,
    units: 3n,
    duration: DAY,
    readAt: [0n, 1n],
    claimAt: [],
    terminateAt: 2n,
  },
  {
    name: "the longest lease (1,096 days) on 16 × 8 GPUs at $1.950001 (tUSD)",
    token: "usd",
    price: 1_950_001n,
    gpusPerUnit: 8n,
    units: 16n,
    duration: 1_096n * DAY,
    readAt: [0n, 1n, DAY - 1n, 548n * DAY + 7n, 1_096n * DAY - 1n, 1_096n * DAY, 1_100n * DAY],
    claimAt: [HOUR + 1n, 700n * DAY + 3n],
  },
  {
    name: "an odd 18-decimal price (GRID) on 7 GPUs × 3 units, claimed twice and ended by the buyer",
    token: "grid",
    price: 1_234_567_890_123_456_789n,
    gpusPerUnit: 7n,
    units: 3n,
    duration: 3n * DAY + 1n,
    readAt: [0n, 1n, HOUR - 1n, HOUR + 1n, 2n * DAY + 13n],
    claimAt: [HOUR, 2n * DAY],
    terminateAt: 2n * DAY + 14n,
  },
  {
    name: "1 wei per GPU-hour (GRID): accrual moves once an hour, flooring for the buyer",
    token: "grid",
    price: 1n,
    gpusPerUnit: 1n,
    units: 1n,
    duration: 2n * HOUR,
    readAt: [0n, 1n, HOUR - 1n, HOUR, HOUR + 1n],
    claimAt: [HOUR + 2n],
    terminateAt: 2n * HOUR - 1n,
  },
  {
    name: "the largest price, type(uint96).max, for the longest duration whose deposit fits uint104 (tUSD)",
    token: "usd",
    price: UINT96_MAX,
    gpusPerUnit: MAX_PRICE_GPUS,
    units: 1n,
    duration: longestFitting(UINT96_MAX, MAX_PRICE_GPUS),
    readAt: [0n, 1n, 12_345n, longestFitting(UINT96_MAX, MAX_PRICE_GPUS) - 1n],
    claimAt: [DAY],
  },
];

describe("SDK lease math against getLease, settlement and claims", () => {
  it.each(cases)("$name", async (c) => {
    const offerId = await offer(c.token, c.price, c.gpusPerUnit, c.units);
    const terms: LeaseTerms = {
      pricePerGpuHour: c.price,
      gpusPerUnit: c.gpusPerUnit,
      units: c.units,
      duration: c.duration,
      feeBps: h.config.feeBps,
    };
    const gpus = c.gpusPerUnit * c.units;
    const held = deposit(terms);
    expect(held).toBeGreaterThan(0n);
    await fund(c.token, held);
    const { leaseId } = await h.openLease("buyer", offerId, c.units, c.duration);
    expect(await h.market.read.escrowOf([leaseId])).toBe(held);
    const start = (await h.activate(leaseId)).timestamp;

    let settled = 0n;
    let fees = 0n;
    const providerBefore = await h.balances();
    const events = [
      ...c.readAt.map((at) => ({ at, kind: "read" as const })),
      ...c.claimAt.map((at) => ({ at, kind: "claim" as const })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

    for (const { at, kind } of events) {
      const now = start + at;
      if (kind === "read") {
        if (at === 0n) expect(BigInt(await h.time.latest())).toBe(start);
        else await h.time.increaseTo(now);
        // Two SDK routes to the same number: the raw helpers, and settle() clamping to the duration.
        const accrued = cost(c.price, gpus, elapsed(start, c.duration, now));
        const v = await h.market.read.getLease([leaseId]);
        expect(v.accrued).toBe(settle(terms, at).accrued);
        expect({
          deposit: v.deposit,
          accrued: v.accrued,
          settled: v.settled,
          claimable: v.claimable,
          status: v.status,
        }).toEqual({
          deposit: held,
          accrued,
          settled,
          claimable: accrued - settled,
          status: at >= c.duration ? LeaseStatus.Expired : LeaseStatus.Active,
        });
      } else {
        await h.time.setNextBlockTimestamp(now);
        const tx = await h.send(h.as.provider.market.write.claim([[leaseId]]));
        expect(tx.timestamp).toBe(now);
        const accrued = settle(terms, at).accrued;
        const fee = feeOn(accrued, terms.feeBps) - feeOn(settled, terms.feeBps);
        h.expectLogs(tx, [
          h.log.market("EarningsClaimed", {
            leaseId,
            provider: h.address.provider,
            gross: accrued - settled,
            fee,
          }),
          h.log.transfer(c.token, h.address.market, h.address.provider, accrued - settled - fee),
        ]);
        settled = accrued;
        fees += fee;
      }
    }

    // The end: the buyer's termination at a chosen second, or expiry and a close.
    let used: bigint;
    if (c.terminateAt !== undefined) {
      used = c.terminateAt;
      await h.time.setNextBlockTimestamp(start + used);
      const tx = await h.send(h.as.buyer.market.write.terminateLease([leaseId]));
      const s = settle(terms, used);
      expect(tx.logs[0]).toEqual(
        h.log.market("LeaseEnded", {
          leaseId,
          reason: EndReason.BuyerTerminated,
          endTime: start + used,
          accrued: s.accrued,
          refund: s.refund,
          penalty: 0n,
        }),
      );
    } else {
      used = c.duration;
      if (BigInt(await h.time.latest()) < start + used) await h.time.increaseTo(start + used);
      const tx = await h.send(h.as.other.market.write.closeLease([leaseId]));
      expect(tx.logs[0].args).toMatchObject({ endTime: start + used, accrued: held, refund: 0n });
    }
    const s = settle(terms, used);
    expect(s.refund + s.accrued).toBe(held);

    // The last claim brings the lease's totals to the SDK's settlement, fee included.
    const left = s.accrued - settled;
    if (left > 0n) {
      const tx = await h.send(h.as.provider.market.write.claim([[leaseId]]));
      expect(tx.logs[0].args).toMatchObject({
        gross: left,
        fee: feeOn(s.accrued, terms.feeBps) - feeOn(settled, terms.feeBps),
      });
      fees += tx.logs[0].args.fee as bigint;
    }
    expect(fees).toBe(s.fee);
    const payout = (await h.balances())[c.token].provider - providerBefore[c.token].provider;
    expect(payout).toBe(s.toProvider);
    expect(payout + fees).toBe(s.accrued);
    expect(await h.market.read.getLease([leaseId])).toMatchObject({
      status: LeaseStatus.Ended,
      deposit: s.accrued,
      accrued: s.accrued,
      settled: s.accrued,
      claimable: 0n,
    });
    await h.expectConservation();
  });
});

describe("limits of the lease math", () => {
  it("rejects a lease whose deposit floors to zero, as the SDK computes it", async () => {
    const offerId = await offer("grid", 1n, 1n, 1n);
    const duration = HOUR - 1n;
    const terms = { pricePerGpuHour: 1n, gpusPerUnit: 1n, units: 1n, duration, feeBps: 0n };
    expect(deposit(terms)).toBe(0n);
    await expectRevert(
      h.as.buyer.market.write.openLease([offerId, 1n, duration, 1n, BUYER_KEY]),
      "Market_DepositZero",
      [offerId, 1n, duration],
    );
    // One more second makes it one wei.
    expect(deposit({ ...terms, duration: HOUR })).toBe(1n);
    const { leaseId } = await h.openLease("buyer", offerId, 1n, HOUR);
    expect(await h.market.read.escrowOf([leaseId])).toBe(1n);
  });

  it("rejects a deposit or an extension past uint104, with the SDK's amount in the error", async () => {
    const gpus = MAX_PRICE_GPUS;
    const offerId = await offer("usd", UINT96_MAX, gpus, 1n);
    const longest = longestFitting(UINT96_MAX, gpus);
    const terms = {
      pricePerGpuHour: UINT96_MAX,
      gpusPerUnit: gpus,
      units: 1n,
      duration: longest,
      feeBps: h.config.feeBps,
    };
    expect(deposit(terms)).toBeLessThanOrEqual(UINT104_MAX);
    const tooMuch = deposit({ ...terms, duration: longest + 1n });
    expect(tooMuch).toBeGreaterThan(UINT104_MAX);
    await fund("usd", tooMuch);
    await h.send(h.as.buyer.usd.write.approve([h.market.address, tooMuch]));
    await expectRevert(
      h.as.buyer.market.write.openLease([offerId, 1n, longest + 1n, UINT96_MAX, BUYER_KEY]),
      "Market_DepositTooLarge",
      [tooMuch],
    );

    const { leaseId } = await h.openLease("buyer", offerId, 1n, longest);
    await expectRevert(
      h.as.buyer.market.write.extendLease([leaseId, 1n]),
      "Market_DepositTooLarge",
      [tooMuch],
    );
  });

  it("pays the same total fee over many one-second claims as in one claim", async () => {
    const offerId = await offer("usd", USD("1.95"), 1n, 1n);
    const { leaseId } = await h.openLease("buyer", offerId, 1n, HOUR);
    const terms = await h.termsOf(leaseId);
    const start = (await h.activate(leaseId)).timestamp;
    let fees = 0n;
    let perClaimRounding = 0n;
    let settled = 0n;
    for (let at = 1n; at <= 12n; at++) {
      await h.time.setNextBlockTimestamp(start + at);
      const tx = await h.send(h.as.provider.market.write.claim([[leaseId]]));
      const { gross, fee } = tx.logs[0].args as { gross: bigint; fee: bigint };
      const accrued = settle(terms, at).accrued;
      expect({ gross, fee }).toEqual({
        gross: accrued - settled,
        fee: feeOn(accrued, terms.feeBps) - feeOn(settled, terms.feeBps),
      });
      fees += fee;
      perClaimRounding += feeOn(gross, terms.feeBps);
      settled = accrued;
    }
    expect(fees).toBe(feeOn(settled, terms.feeBps));
    // Flooring each claim's fee on its own would have lost the protocol some base units.
    expect(perClaimRounding).toBeLessThan(fees);
  });

  it("prices GRID (18 decimals) and tUSD (6 decimals) offers of the same economics identically in value", async () => {
    // $3.30 and 3.3 GRID per GPU-hour: the same number in different decimals gives deposits 10^12 apart.
    const usdOffer = await offer("usd", USD("3.3"), 8n, 1n);
    const gridOffer = await offer("grid", GRID("3.3"), 8n, 1n);
    const duration = 5n * HOUR + 7n;
    const { leaseId: a } = await h.openLease("buyer", usdOffer, 1n, duration);
    const { leaseId: b } = await h.openLease("buyer", gridOffer, 1n, duration);
    const usdDeposit = await h.market.read.escrowOf([a]);
    const gridDeposit = await h.market.read.escrowOf([b]);
    const terms = { pricePerGpuHour: USD("3.3"), gpusPerUnit: 8n, units: 1n, duration, feeBps: 0n };
    expect(usdDeposit).toBe(deposit(terms));
    expect(gridDeposit).toBe(deposit({ ...terms, pricePerGpuHour: GRID("3.3") }));
    // Flooring loses less than one base unit in either token.
    expect(gridDeposit - usdDeposit * 10n ** 12n).toBeGreaterThanOrEqual(0n);
    expect(gridDeposit - usdDeposit * 10n ** 12n).toBeLessThan(10n ** 12n);
  });
});
