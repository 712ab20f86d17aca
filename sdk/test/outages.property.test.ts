/**
 * The SDK's outage billing against the contract itself. On an in-process Hardhat chain, seeded random timelines
 * run leases of 1 to 8 servers through reports (new and raised), resolutions (with and without new access), claims,
 * extensions and time jumps, and end them every way there is (the buyer, the provider, expiry, an unresolved outage).
 *
 * After every step, at the block's own time, `leaseStateAt` (fed `getLease`'s terms and `getOutage`'s record, as
 * `getLeaseState` does) must give exactly what `getLease` gives: status, end, accrued, claimable, deposit, down
 * unit-seconds, open outage and deadline. Every end must pay what the SDK predicted the block before (accrued and
 * refund from `LeaseEnded`), and the unresolved-outage exit must be open exactly when the SDK says.
 * OUTAGES_SEED picks another run.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, keccak256, maxUint256, toHex, type Address, type Hex } from "viem";
import * as sdk from "@gridlease/sdk";
import { rng } from "./support/rng.ts";
import { deployMarket, h100Offer, USD } from "../../scripts/lib/fixture.ts";

const SEED = Number(process.env.OUTAGES_SEED ?? 20261207);
const LEASES = 10;
const STEPS = 14;
const KEY: Hex = `0x${"22".repeat(32)}`;
const ACCESS: Hex = `0x${"07".repeat(96)}`;

let connection: NetworkConnection;
let m: Awaited<ReturnType<typeof deployMarket>>;
let market: Address;

beforeAll(async () => {
  connection = await network.create();
  m = await deployMarket(connection);
  market = getAddress(m.market.address);
});

describe("outage billing", () => {
  it("mirrors the contract exactly over random timelines", async () => {
    const r = rng(SEED);
    const pc = m.publicClient;
    const { provider, buyer, other } = m;
    const time = connection.networkHelpers.time;
    const mined = async (sent: Promise<{ wait: () => Promise<unknown> }>) => (await sent).wait();

    await mined(sdk.registerProvider(provider, { market, metadataURI: "ipfs://p" }));
    for (const [w, token] of [
      [provider, m.usd.address],
      [buyer, m.usd.address],
    ] as const) {
      await (
        await sdk.ensureAllowance(w, { token, spender: market, amount: maxUint256 })
      ).approval?.wait();
    }
    // Penalties are 10% of a lease's deposit above the floor: bond most of the provider's tUSD.
    await mined(sdk.depositBond(provider, { market, token: m.usd.address, amount: USD("900000") }));
    const offer = h100Offer(m.usd.address, {
      totalUnits: 200n,
      minDuration: 600n,
      maxDuration: 90n * 86_400n,
      repairWindow: 2n * 3600n,
      pricePerGpuHour: USD("2.37"),
    });
    const { offerId } = await (await sdk.createOffer(provider, { market, offer })).wait();

    const ends = new Map<string, number>();
    const done = { reports: 0, raises: 0, resolves: 0, claims: 0, extends: 0 };
    const mismatches: string[] = [];

    /** The SDK's view of a lease at the latest block, next to the contract's. */
    const compare = async (leaseId: bigint, step: string) => {
      const view = await sdk.getLease(pc, { market, leaseId });
      const { state, now } = await sdk.getLeaseState(pc, { market, leaseId });
      const expected = {
        status: sdk.leaseStatusName(view.status),
        end: view.end,
        accrued: view.accrued,
        claimable: view.claimable,
        deposit: view.deposit,
        downUnitSeconds: view.downUnitSeconds,
        downUnits: view.downUnits,
        repairDeadline: view.repairDeadline,
      };
      const actual = {
        status:
          state.status === "ActivationOverdue"
            ? "Pending"
            : (state.status as typeof expected.status),
        end: state.end,
        accrued: state.accrued,
        claimable: state.claimable,
        deposit: state.deposit,
        downUnitSeconds: state.downUnitSeconds,
        downUnits: state.downUnits,
        repairDeadline: state.repairDeadline,
      };
      if (JSON.stringify(actual, big) !== JSON.stringify(expected, big))
        mismatches.push(
          `lease ${leaseId} after ${step} at ${now}: sdk ${JSON.stringify(actual, big)} chain ${JSON.stringify(expected, big)}`,
        );
      return state;
    };

    for (let n = 0; n < LEASES; n++) {
      const units = BigInt(r.int(1, 8));
      const duration = BigInt(r.int(1, 48) * 1800);
      const { leaseId } = await (
        await sdk.openLease(buyer, {
          market,
          offerId,
          units,
          duration,
          maxPricePerGpuHour: offer.pricePerGpuHour,
          buyerPublicKey: KEY,
        })
      ).wait();
      await mined(sdk.activateLease(provider, { market, leaseId, encryptedAccess: ACCESS }));
      let ended = false;

      for (let step = 0; step < STEPS && !ended; step++) {
        const state = await compare(leaseId, `step ${step}`);
        const action = r.int(0, 9);
        if (action <= 2) {
          await time.increase(r.pick([1, 59, 600, 1800, 3600, 3 * 3600]));
        } else if (action <= 4 && state.status === "Active") {
          const down = state.downUnits;
          if (down < units && state.outageReports < sdk.MAX_OUTAGE_REPORTS) {
            const report = BigInt(r.int(Number(down) + 1, Number(units)));
            const evidenceHash = keccak256(toHex(`lease ${leaseId} step ${step}`));
            await mined(sdk.reportOutage(buyer, { market, leaseId, units: report, evidenceHash }));
            done[down > 0n ? "raises" : "reports"]++;
          }
        } else if (action <= 6 && state.downUnits > 0n && state.status === "Active") {
          if (state.repairSecondsLeft > 0n)
            await mined(
              sdk.resolveOutage(provider, {
                market,
                leaseId,
                encryptedAccess: r.chance(0.5) ? ACCESS : "0x",
              }),
            );
          if (state.repairSecondsLeft > 0n) done.resolves++;
        } else if (action === 7 && state.claimable > 0n) {
          await mined(sdk.claim(provider, { market, leaseIds: [leaseId] }));
          done.claims++;
        } else if (action === 8 && state.status === "Active") {
          await mined(sdk.extendLease(buyer, { market, leaseId, addedDuration: 1800n }));
          done.extends++;
        } else if (action === 9) {
          ended = await endLease(leaseId, state);
        }
      }
      if (!ended) {
        const state = await compare(leaseId, "last step");
        await endLease(leaseId, state);
      }
      await compare(leaseId, "end");
      // Whatever is left is claimable once, and the escrow is then empty.
      const left = await sdk.getLease(pc, { market, leaseId });
      if (left.claimable > 0n) await mined(sdk.claim(provider, { market, leaseIds: [leaseId] }));
      expect(await sdk.escrowOf(pc, { market, leaseId })).toBe(0n);
    }

    /** Ends the lease the way its state allows, predicting the block after: accrued and refund must match. */
    async function endLease(leaseId: bigint, state: sdk.LeaseState): Promise<boolean> {
      const at = (await sdk.chainTime(pc)) + 1n;
      await time.setNextBlockTimestamp(at);
      const lease = await sdk.getLease(pc, { market, leaseId });
      const outage =
        lease.outageReports > 0n
          ? sdk.toOutageRecord(await sdk.getOutage(pc, { market, leaseId }))
          : undefined;
      const predicted = sdk.leaseStateAt({ ...lease, outage }, at);
      let way: string;
      let sent;
      if (predicted.status === "Expired") {
        way = predicted.unresolvedExitOpen ? "close-unresolved" : "close";
        sent = sdk.closeLease(other, { market, leaseId });
      } else if (predicted.unresolvedExitOpen) {
        way = "unresolved";
        sent = sdk.endUnresolvedOutage(other, { market, leaseId });
      } else if (state.status === "Active") {
        way = r.chance(0.5) ? "buyer" : "provider";
        sent = sdk.terminateLease(way === "buyer" ? buyer : provider, { market, leaseId });
      } else return false;
      const { events } = await (await sent).wait();
      const ended = sdk.findEvent(events, "LeaseEnded");
      expect(ended, `lease ${leaseId} ${way}`).toBeDefined();
      expect(ended!.args.accrued, `accrued of lease ${leaseId} (${way})`).toBe(predicted.accrued);
      expect(ended!.args.refund, `refund of lease ${leaseId} (${way})`).toBe(
        predicted.deposit - predicted.accrued,
      );
      const reason = sdk.endReasonName(ended!.args.reason);
      expect(reason === "OutageUnresolved", `reason of lease ${leaseId} (${way})`).toBe(
        predicted.unresolvedExitOpen,
      );
      ends.set(reason, (ends.get(reason) ?? 0) + 1);
      return true;
    }

    expect(mismatches).toEqual([]);
    // The run must have exercised every step and more than one way out (an unresolved outage among them).
    for (const [action, count] of Object.entries(done))
      expect(count, `${action} in ${JSON.stringify(done)}`).toBeGreaterThan(0);
    expect(ends.size, `end reasons seen: ${[...ends.keys()].join(", ")}`).toBeGreaterThanOrEqual(3);
    expect(ends.get("OutageUnresolved") ?? 0, `end reasons: ${[...ends]}`).toBeGreaterThan(0);
  });
});

/** JSON.stringify replacer for bigints. */
function big(_key: string, value: unknown) {
  return typeof value === "bigint" ? value.toString() : value;
}
