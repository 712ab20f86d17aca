/**
 * Helpers shared by the lease lifecycle tests: the `LeaseEnded` arguments of an ending transaction, and a claim of
 * one ended lease checked against the SDK's settlement.
 */
import { expect } from "vitest";
import { settle, type LeaseTerms } from "@gridlease/sdk/pricing";
import { expectRevert, type Harness, type SentTx, type Token } from "./market.ts";

/** The `LeaseEnded` args of an ending tx (its first log). */
export function ended(tx: SentTx) {
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
export async function claimEnded(
  h: Harness,
  leaseId: bigint,
  terms: LeaseTerms,
  used: bigint,
  token: Token,
) {
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
