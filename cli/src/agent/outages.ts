/**
 * The agent's side of outages (issue #11): for each of its leases with an open outage it runs the operator's
 * health hook (GRIDLEASE_HOOK=health, the lease JSON on stdin as the provisioning hook gets it, plus the outage).
 * Exit 0 means healthy: the agent then resolves the outage, with new sealed access details when the hook printed
 * them (it may have re-provisioned). A failing or timed-out hook is logged and retried with backoff, and the
 * outage is NEVER resolved while the hook fails: resolving a server that is still down would bill the buyer for
 * nothing. Once the repair deadline has passed, the chain refuses a resolve, so the agent stops trying.
 *
 * Retry bookkeeping is in memory: after a restart the hook simply runs again at once (hooks are idempotent).
 */
import type { Hex } from "viem";
import {
  explainError,
  resolveOutage,
  sealAccess,
  type AccessDetails,
  type LeaseState,
  type SignerClient,
} from "@gridlease/sdk";
import type { Context } from "../context.ts";
import { errorMessage } from "../exit.ts";
import { parseHookOutput, runHook } from "../hooks.ts";
import { withSealedReportHash } from "../hardware/seal.ts";

/** How the agent was told to watch outages. */
export interface HealthOptions {
  /** The health hook; undefined: outages are only logged, never resolved. */
  healthHook?: string;
  hookTimeoutMs: number;
  /** First wait after a failed health check; doubles on each failure up to `maxRetryMs`. */
  healthIntervalMs: number;
  maxRetryMs: number;
}

/** Where the agent is with one lease's open outage (keyed by the report count, so a new report starts afresh). */
interface Attempt {
  reports: bigint;
  failures: number;
  nextAt: number;
  gaveUp: boolean;
}

type Log = (
  level: "info" | "warn" | "error",
  event: string,
  fields?: Record<string, unknown>,
) => void;

/** What a healthy hook's output means for the resolve: new sealed details, or "0x" to keep the current ones. */
function newAccess(stdout: string, buyerPublicKey: Hex): Hex {
  let printed: Record<string, unknown>;
  try {
    printed = parseHookOutput(stdout);
  } catch {
    return "0x"; // no JSON object: the machine was healthy as it was
  }
  // A JSON object is meant as new details: if they do not seal (missing host, port, …) that is a failure.
  return sealAccess(buyerPublicKey, withSealedReportHash(printed) as AccessDetails);
}

/** Runs the health hook for leases with an open outage and resolves them when it says healthy. */
export class OutageHealer {
  private attempts = new Map<string, Attempt>();
  private readonly ctx: Context;
  private readonly wallet: SignerClient;
  private readonly options: HealthOptions;
  private readonly log: Log;

  constructor(ctx: Context, wallet: SignerClient, options: HealthOptions, log: Log) {
    this.ctx = ctx;
    this.wallet = wallet;
    this.options = options;
    this.log = log;
  }

  /** Forgets a lease whose outage is closed (resolved, or the lease ended). */
  clear(id: string) {
    if (this.attempts.delete(id)) this.log("info", "outage-closed", { leaseId: id });
  }

  /** One pass over a lease with an open outage (`state.downUnits > 0`); `input` is the hook's lease JSON. */
  async serve(
    id: string,
    state: LeaseState,
    input: Record<string, unknown>,
    buyerPublicKey: Hex,
  ): Promise<void> {
    let attempt = this.attempts.get(id);
    if (!attempt || attempt.reports !== state.outageReports) {
      attempt = { reports: state.outageReports, failures: 0, nextAt: 0, gaveUp: false };
      this.attempts.set(id, attempt);
      this.log("warn", "outage-open", {
        leaseId: id,
        downUnits: state.downUnits,
        repairDeadline: state.repairDeadline,
        reports: state.outageReports,
      });
    }
    if (attempt.gaveUp) return;
    if (state.repairSecondsLeft === 0n) {
      attempt.gaveUp = true;
      this.log("error", "repair-deadline-passed", {
        leaseId: id,
        repairDeadline: state.repairDeadline,
        failures: attempt.failures,
      });
      return;
    }
    if (!this.options.healthHook || Date.now() < attempt.nextAt) return;

    this.log("info", "health-check", { leaseId: id, attempt: attempt.failures + 1 });
    const result = await runHook(
      this.options.healthHook,
      "health",
      {
        ...input,
        outage: {
          downUnits: state.downUnits,
          repairDeadline: state.repairDeadline,
          reports: state.outageReports,
        },
      },
      this.options.hookTimeoutMs,
    );
    let payload: Hex | undefined;
    let problem = result.error;
    if (result.ok) {
      try {
        payload = newAccess(result.stdout, buyerPublicKey);
      } catch (err) {
        problem = `its new access details are unusable: ${errorMessage(err)}`;
      }
    }
    if (payload === undefined) {
      attempt.failures++;
      const retryInMs = Math.min(
        this.options.healthIntervalMs * 2 ** Math.min(attempt.failures - 1, 16),
        Math.max(this.options.healthIntervalMs, this.options.maxRetryMs),
      );
      attempt.nextAt = Date.now() + retryInMs;
      this.log("error", "health-failed", {
        leaseId: id,
        message: problem,
        stderr: result.stderr,
        failures: attempt.failures,
        retryInMs,
        repairSecondsLeft: state.repairSecondsLeft,
      });
      return;
    }
    await this.resolve(id, payload, attempt);
  }

  private async resolve(id: string, encryptedAccess: Hex, attempt: Attempt) {
    this.log("info", "resolving-outage", { leaseId: id, newAccess: encryptedAccess !== "0x" });
    try {
      const sent = await resolveOutage(this.wallet, {
        market: this.ctx.market,
        leaseId: BigInt(id),
        encryptedAccess,
      });
      const mined = await sent.wait({ client: this.ctx.client });
      this.attempts.delete(id);
      this.log("info", "outage-resolved", {
        leaseId: id,
        tx: sent.hash,
        downtime: mined.downtime,
        end: mined.end,
      });
    } catch (err) {
      const e = explainError(err);
      if (e.kind === "network") throw err;
      // The deadline may have passed, or the buyer ended the lease meanwhile: the next pass reads the chain.
      attempt.nextAt = Date.now() + this.options.healthIntervalMs;
      this.log("error", "resolve-failed", { leaseId: id, message: e.message, error: e.errorName });
    }
  }
}
