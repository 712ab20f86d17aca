/**
 * Reserved capacity through the SDK on a real in-process chain: the pricing mirrors (exitEscrow, exitCharge,
 * rollingDeposit, stakePenalty, maxTopUp) equal the contract's numbers (exitChargeAt, getLeaseTerms, escrowOf and
 * the events), and every new write works: a reserved offer, a rolling lease, a top-up allowance granted with a
 * permit and executed by a third party, per-server release and failure, the Unfunded end, and an early exit under a
 * commitment charged exactly its quote.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getAddress, type Address } from "viem";
import * as sdk from "@gridlease/sdk";
import { leaseNotifications } from "@gridlease/sdk/notifications";
import { deployMarket, h100Offer, PENALTY_BPS, USD } from "../../scripts/lib/fixture.ts";

type Deployed = Awaited<ReturnType<typeof deployMarket>>;

let connection: NetworkConnection;
let m: Deployed;
let market: Address;

const deployed = () => deployMarket(connection);
beforeAll(async () => {
  connection = await network.create();
});
beforeEach(async () => {
  m = await connection.networkHelpers.loadFixture(deployed);
  market = getAddress(m.market.address);
});

const HOUR = 3600n;
const DAY = 86_400n;
const time = () => connection.networkHelpers.time;
const addr = (w: { account: { address: Address } }) => getAddress(w.account.address);
const blockTime = async (blockNumber: bigint) =>
  (await m.publicClient.getBlock({ blockNumber })).timestamp;

/** Registers the provider, bonds 200,000 tUSD and lists an 8×H100 tUSD offer with `terms`; returns its id. */
async function listReserved(
  terms: sdk.ReservedTerms,
  overrides: Partial<sdk.OfferParams> = {},
): Promise<{ offerId: bigint; params: sdk.OfferParams }> {
  const p = m.provider;
  await (await sdk.registerProvider(p, { market, metadataURI: "ipfs://provider/jp27" })).wait();
  const amount = USD("200000");
  const { approval } = await sdk.ensureAllowance(p, {
    token: m.usd.address,
    spender: market,
    amount,
  });
  await approval?.wait();
  await (await sdk.depositBond(p, { market, token: m.usd.address, amount })).wait();
  const params = h100Offer(m.usd.address, {
    minDuration: 10n * DAY,
    maxDuration: 365n * DAY,
    ...overrides,
  });
  const created = await (await sdk.createReservedOffer(p, { market, params, terms })).wait();
  expect(sdk.findEvent(created.events, "OfferTermsSet")!.args).toEqual({
    offerId: created.offerId,
    ...terms,
  });
  expect(await sdk.getOfferTerms(m.buyer, { market, offerId: created.offerId })).toEqual(terms);
  return { offerId: created.offerId, params };
}

/** Activates a lease with a placeholder sealed payload; returns its start. */
async function activate(leaseId: bigint): Promise<bigint> {
  const mined = await (
    await sdk.activateLease(m.provider, { market, leaseId, encryptedAccess: "0x01" })
  ).wait();
  return sdk.findEvent(mined.events, "LeaseActivated")!.args.start;
}

/** The revert's custom error name, through the SDK's explainError. */
async function revertName(call: Promise<unknown>): Promise<string | undefined> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the call should have reverted").toBeDefined();
  return sdk.explainError(error).errorName;
}

const NOTICE: sdk.ReservedTerms = {
  prepaidWindow: 2n * DAY,
  commitment: 10n * DAY,
  noticePeriod: 3n * DAY,
  exitFeeBps: 0n,
};

describe("a rolling lease under a notice commitment", () => {
  it("matches the mirrors at open, tops up through a third party within the allowance, releases and fails servers, and ends unfunded with the escrowed notice", async () => {
    const { offerId, params } = await listReserved(NOTICE);
    const price = params.pricePerGpuHour;
    const units = 3n;
    const gpus = 8n * units;
    const term = 30n * DAY;
    const funded = 2n * DAY;

    // The quote prices the rolling deposit with the mirrors, and shows the exit terms before signing.
    const quote = await sdk.quoteLease(m.buyer, { market, offerId, units, duration: term, funded });
    const mirror = sdk.rollingDeposit(NOTICE, {
      price,
      gpus,
      funded,
      penaltyFloor: sdk.penalty(params.minProviderBond, PENALTY_BPS),
    });
    expect(quote).toMatchObject({
      deposit: mirror.deposit,
      exitEscrow: sdk.cost(price, gpus, NOTICE.noticePeriod),
      penalty: mirror.penalty,
      terms: NOTICE,
      problems: [],
    });
    const { approval } = await sdk.ensureAllowance(m.buyer, {
      token: m.usd.address,
      spender: market,
      amount: quote.deposit,
    });
    await approval?.wait();
    const opened = await (
      await sdk.openRollingLease(m.buyer, {
        market,
        offerId,
        units,
        term,
        funded,
        maxPricePerGpuHour: price,
        buyerPublicKey: `0x${"ab".repeat(32)}`,
      })
    ).wait();
    const leaseId = opened.leaseId;
    expect(sdk.findEvent(opened.events, "LeaseTermsRecorded")!.args).toEqual({
      leaseId,
      term,
      exitEscrow: mirror.exitEscrow,
      penalty: mirror.penalty,
    });
    expect(await sdk.escrowOf(m.buyer, { market, leaseId })).toBe(mirror.deposit);
    expect(
      await sdk.bondOf(m.buyer, { market, provider: addr(m.provider), token: m.usd.address }),
    ).toMatchObject({ locked: mirror.penalty });

    const start = await activate(leaseId);
    const terms = await sdk.getLeaseTerms(m.buyer, { market, leaseId });
    expect(terms).toMatchObject({
      rolling: true,
      committed: true,
      term,
      fundedUntil: start + funded,
      graceEnds: start + funded + sdk.GRACE_PERIOD,
      commitmentEnds: start + NOTICE.commitment,
      exitEscrow: mirror.exitEscrow,
      exitChargeNow: sdk.exitCharge(NOTICE, { price, gpus, start, at: start }),
      penalty: mirror.penalty,
      frozen: 0n,
    });

    // exitChargeAt against the mirror across the commitment: whole hours, the notice cap, nothing after it.
    const commitEnd = start + NOTICE.commitment;
    const times = [
      start,
      start + 1n,
      commitEnd - NOTICE.noticePeriod - 1n,
      commitEnd - 2n * DAY - 1n,
      commitEnd - HOUR - 1n,
      commitEnd - HOUR,
      commitEnd - HOUR + 1n,
      commitEnd - 1n,
      commitEnd,
      commitEnd + DAY,
    ];
    for (const at of times)
      for (const count of [1n, 2n, 3n])
        expect(
          await sdk.exitChargeAt(m.buyer, { market, leaseId, count, at }),
          `${count} server(s) at commitEnd ${at - commitEnd}s`,
        ).toBe(
          // Past the funded end (start + funded), before the commitment's end, the lease has lapsed: its exit is
          // those servers' whole share of the escrowed notice, as termination and release charge it.
          at > start + funded && start + funded < commitEnd
            ? sdk.exitEscrow(NOTICE, price, 8n * units) -
                sdk.exitEscrow(NOTICE, price, 8n * (units - count))
            : sdk.exitCharge(NOTICE, { price, gpus: 8n * count, start, at }),
        );

    // Auto top-up: granted with a permit (no approval), executed by a third party once the runway is low.
    const perTopUp = sdk.cost(price, gpus, DAY);
    await (
      await sdk.setTopUpAllowanceWithPermit(m.buyer, {
        market,
        leaseId,
        perTopUp,
        totalCap: 5n * perTopUp,
        runwayThreshold: DAY,
      })
    ).wait();
    expect(await sdk.getTopUpAllowance(m.buyer, { market, leaseId })).toEqual({
      perTopUp,
      remaining: 5n * perTopUp,
      runwayThreshold: Number(DAY),
    });
    expect(await m.usd.read.allowance([addr(m.buyer), market])).toBe(5n * perTopUp);
    expect(await sdk.planTopUp(m.other, { market, leaseId })).toMatchObject({
      addedDuration: 0n,
      amount: 0n,
    });
    expect(
      await revertName(sdk.executeTopUp(m.other, { market, leaseId, addedDuration: HOUR })),
    ).toBe("Market_RunwayAboveThreshold");

    await time().increaseTo(start + funded - 12n * HOUR);
    const plan = await sdk.planTopUp(m.other, { market, leaseId });
    // The cap binds (a day's cost), not the window (1.5 days ahead) or the term.
    expect(plan.addedDuration).toBeGreaterThanOrEqual(DAY);
    expect(plan.addedDuration).toBeLessThan(DAY + HOUR);
    expect(plan.amount).toBeLessThanOrEqual(perTopUp);
    expect(plan.amount).toBe(sdk.topUpCost(price, gpus, funded, plan.addedDuration));
    expect(
      await revertName(
        sdk.executeTopUp(m.other, { market, leaseId, addedDuration: plan.addedDuration + 1n }),
      ),
    ).toBe("Market_TopUpAboveCap");
    const toppedUp = await (
      await sdk.executeTopUp(m.other, { market, leaseId, addedDuration: plan.addedDuration })
    ).wait();
    expect(toppedUp).toMatchObject({
      amount: plan.amount,
      fundedUntil: start + funded + plan.addedDuration,
      remaining: 5n * perTopUp - plan.amount,
    });
    const topUp = sdk.findEvent(toppedUp.events, "TopUpExecuted")!.args;
    expect(topUp.executor).toBe(addr(m.other));
    const fundedNow = funded + plan.addedDuration;

    // The buyer releases one server before the commitment is over: charged exactly the quote for its hour.
    const releaseAt = BigInt(await time().latest()) + 10n;
    const releaseQuote = await sdk.exitChargeAt(m.buyer, {
      market,
      leaseId,
      count: 1n,
      at: releaseAt,
    });
    await time().setNextBlockTimestamp(releaseAt);
    const released = await (
      await sdk.releaseServers(m.buyer, { market, leaseId, count: 1n })
    ).wait();
    const served = releaseAt - start;
    // The released server's share of the deposit and of the exit escrow, less what it earned and the charge.
    const available =
      sdk.cost(price, gpus, fundedNow) -
      sdk.cost(price, gpus - 8n, fundedNow) +
      (sdk.exitEscrow(NOTICE, price, gpus) - sdk.exitEscrow(NOTICE, price, gpus - 8n));
    const earned = sdk.cost(price, gpus, served) - sdk.cost(price, gpus - 8n, served);
    expect(released).toMatchObject({
      exitCharge: releaseQuote,
      refund: available - earned - releaseQuote,
      penaltyReleased: mirror.penalty / 3n,
    });
    expect(releaseQuote).toBe(sdk.exitCharge(NOTICE, { price, gpus: 8n, start, at: releaseAt }));

    // The provider fails one of the two left: the buyer gets half the remaining penalty, rounded up.
    const reserved = mirror.penalty - mirror.penalty / 3n;
    const failed = await (await sdk.failServers(m.provider, { market, leaseId, count: 1n })).wait();
    expect(failed.penalty).toBe((reserved + 1n) / 2n);
    const lease = await sdk.getLease(m.buyer, { market, leaseId });
    expect(lease.units).toBe(1n);
    expect(await revertName(sdk.failServers(m.provider, { market, leaseId, count: 1n }))).toBe(
      "Market_InvalidServerCount",
    );

    // The funding lapses: grace starts, and the provider may end it only once grace is over.
    const after = await sdk.getLeaseTerms(m.buyer, { market, leaseId });
    await time().increaseTo(after.fundedUntil + HOUR);
    const now = BigInt(await time().latest());
    const kinds = leaseNotifications(
      await sdk.getLease(m.buyer, { market, leaseId }),
      await sdk.getLeaseTerms(m.buyer, { market, leaseId }),
      await sdk.getTopUpAllowance(m.buyer, { market, leaseId }),
      now,
    ).map((n) => n.kind);
    expect(kinds).toEqual(["grace-started"]);
    expect(await revertName(sdk.endUnfunded(m.provider, { market, leaseId }))).toBe(
      "Market_GraceNotOver",
    );
    await time().increaseTo(after.graceEnds + 1n);
    const ended = await (await sdk.endUnfunded(m.provider, { market, leaseId })).wait();
    // Funding lapsed before the commitment's end: the last server's escrowed notice goes to the provider.
    expect(ended.exitCharge).toBe(sdk.exitEscrow(NOTICE, price, 8n));
    expect(sdk.findEvent(ended.events, "LeaseEnded")!.args).toMatchObject({
      reason: sdk.EndReason.Unfunded,
      penalty: 0n,
    });
    expect(sdk.endReasonLabel(sdk.EndReason.Unfunded)).toMatch(/funding ran out/);
  });
});

describe("a prepaid lease on an exit-fee commitment, and penalties that scale with the stake", () => {
  const FEE: sdk.ReservedTerms = {
    prepaidWindow: 0n,
    commitment: 20n * DAY,
    noticePeriod: 0n,
    exitFeeBps: 2_000n,
  };

  it("charges an early termination exactly the quote shown before it, and reserves 10% of a large deposit", async () => {
    const { offerId, params } = await listReserved(FEE, { minDuration: 30n * DAY });
    const units = 4n;
    const duration = 60n * DAY;
    const quote = await sdk.quoteLease(m.buyer, { market, offerId, units, duration });
    const floor = sdk.penalty(params.minProviderBond, PENALTY_BPS);
    // 4 × 8 H100 at $1.95 for 60 days is $89,856: 10% of it is far above the $500 floor.
    expect(quote.deposit).toBe(USD("89856"));
    expect(quote.penalty).toBe(sdk.stakePenalty(floor, quote.deposit));
    expect(quote.penalty).toBe(USD("8985.6"));
    expect(quote.exitEscrow).toBe(0n);
    const { approval } = await sdk.ensureAllowance(m.buyer, {
      token: m.usd.address,
      spender: market,
      amount: quote.deposit,
    });
    await approval?.wait();
    const opened = await (
      await sdk.openLease(m.buyer, {
        market,
        offerId,
        units,
        duration,
        maxPricePerGpuHour: quote.maxPricePerGpuHour,
        buyerPublicKey: `0x${"cd".repeat(32)}`,
      })
    ).wait();
    const leaseId = opened.leaseId;
    expect(sdk.findEvent(opened.events, "LeaseTermsRecorded")!.args).toEqual({
      leaseId,
      term: duration,
      exitEscrow: 0n,
      penalty: quote.penalty,
    });
    const start = await activate(leaseId);

    // Five days and a half in: the quote holds for the rest of the hour.
    const at = start + 5n * DAY + 12n * HOUR + 17n;
    const quoted = await sdk.exitChargeAt(m.buyer, { market, leaseId, count: units, at });
    expect(quoted).toBe(
      sdk.exitCharge(FEE, { price: params.pricePerGpuHour, gpus: 8n * units, start, at }),
    );
    // 14 days 11 hours of commitment left (rounded down to the hour) at 20%.
    expect(quoted).toBe((sdk.cost(params.pricePerGpuHour, 32n, 14n * DAY + 11n * HOUR) * 2n) / 10n);
    await time().setNextBlockTimestamp(at + 30n * 60n);
    const ended = await (await sdk.terminateLease(m.buyer, { market, leaseId })).wait();
    expect(sdk.findEvent(ended.events, "ExitCharged")!.args.amount).toBe(quoted);
    expect(sdk.findEvent(ended.events, "LeaseEnded")!.args).toMatchObject({
      reason: sdk.EndReason.BuyerTerminated,
      penalty: 0n,
    });
    expect(await blockTime(ended.receipt.blockNumber)).toBe(at + 1800n);
  });

  it("refuses nonsense terms with a named error, explained in plain words", async () => {
    await expect(
      listReserved({
        prepaidWindow: 0n,
        commitment: 5n * DAY,
        noticePeriod: DAY,
        exitFeeBps: 100n,
      }),
    ).rejects.toSatisfy((e: unknown) => {
      const x = sdk.explainError(e);
      return x.errorName === "Market_InvalidCommitment" && /exactly one of/.test(x.message);
    });
  });
});
