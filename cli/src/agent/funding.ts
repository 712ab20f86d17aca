/**
 * The agent's part in rolling leases (issue #12): it executes the top-ups a buyer's allowance permits, by
 * default, and, only when configured, ends a lease whose funding lapsed once its grace period is over. The size
 * of a top-up is the SDK's (planTopUp: the largest legal one now, from maxTopUp); nothing here re-derives it.
 */
import {
  endUnfunded,
  executeTopUp,
  explainError,
  getLeaseTerms,
  planTopUp,
  type SignerClient,
} from "@gridlease/sdk";
import type { Context } from "../context.ts";

/** What `provider serve` turned on. */
export interface FundingOptions {
  /** Execute due top-ups (default on; `--no-top-ups` turns it off). */
  topUps: boolean;
  /** End unfunded leases after their grace period (off unless `--end-unfunded`). */
  endUnfunded: boolean;
}

type Log = (
  level: "info" | "warn" | "error",
  event: string,
  fields: Record<string, unknown>,
) => void;

/** Serves the funding of active leases, one call per lease per pass. */
export class FundingKeeper {
  /** Leases known not to be rolling: their terms never change, so they are read once. */
  private readonly notRolling = new Set<string>();

  private readonly ctx: Context;
  private readonly wallet: SignerClient;
  private readonly options: FundingOptions;
  private readonly log: Log;

  constructor(ctx: Context, wallet: SignerClient, options: FundingOptions, log: Log) {
    this.ctx = ctx;
    this.wallet = wallet;
    this.options = options;
    this.log = log;
  }

  /**
   * For a lease past its funded end (the SDK's status says "Expired" from start + duration): true when it is a
   * rolling lease funded short of its term, so it is unfunded, in or past its grace, not over: the agent must
   * not deprovision or close it. Such a lease is served here (a top-up, or the Unfunded end if configured).
   */
  async servesUnfunded(id: string, lease: { duration: bigint }, now: bigint): Promise<boolean> {
    if (this.notRolling.has(id)) return false;
    const terms = await getLeaseTerms(this.ctx.client, {
      market: this.ctx.market,
      leaseId: BigInt(id),
    });
    if (!terms.rolling || lease.duration >= terms.term) return false;
    await this.serve(id, now);
    return true;
  }

  /** Tops `id` up when its allowance permits, or ends it when unfunded past its grace (if configured). */
  async serve(id: string, now: bigint): Promise<void> {
    if ((!this.options.topUps && !this.options.endUnfunded) || this.notRolling.has(id)) return;
    const leaseId = BigInt(id);
    const market = this.ctx.market;
    const terms = await getLeaseTerms(this.ctx.client, { market, leaseId });
    if (!terms.rolling) {
      this.notRolling.add(id);
      return;
    }
    try {
      if (this.options.endUnfunded && terms.graceEnds > 0n && now > terms.graceEnds) {
        this.log("info", "ending-unfunded", { leaseId: id, graceEnded: terms.graceEnds });
        const mined = await (
          await endUnfunded(this.wallet, { market, leaseId })
        ).wait({
          client: this.ctx.client,
        });
        this.log("info", "lease-ended-unfunded", {
          leaseId: id,
          exitCharge: mined.exitCharge,
          tx: mined.receipt.transactionHash,
        });
        return;
      }
      if (!this.options.topUps) return;
      const plan = await planTopUp(this.ctx.client, { market, leaseId, now });
      if (plan.addedDuration === 0n) return;
      this.log("info", "topping-up", {
        leaseId: id,
        addedDuration: plan.addedDuration,
        amount: plan.amount,
      });
      const mined = await (
        await executeTopUp(this.wallet, { market, leaseId, addedDuration: plan.addedDuration })
      ).wait({ client: this.ctx.client });
      this.log("info", "top-up-executed", {
        leaseId: id,
        addedDuration: plan.addedDuration,
        amount: mined.amount,
        fundedUntil: mined.fundedUntil,
        remaining: mined.remaining,
        tx: mined.receipt.transactionHash,
      });
    } catch (err) {
      const e = explainError(err);
      if (e.kind === "network") throw err;
      // The buyer may have revoked, spent its balance or topped up itself: the next pass looks again.
      this.log("warn", "funding-action-failed", {
        leaseId: id,
        message: e.message,
        error: e.errorName,
      });
    }
  }
}
