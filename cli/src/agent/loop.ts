/**
 * The provider agent (`gridlease provider serve`): serves the provider's leases unattended.
 *
 * Every poll it (1) scans new blocks, in bounded ranges, for the provider's new offers and for LeaseOpened on
 * them, (2) walks every lease it has not finished with and acts on its on-chain state:
 *
 *   pending  -> run the provisioning hook, seal its output to the buyer's key (sdk sealAccess), activateLease;
 *               a failed hook is never activated (the buyer can cancel for a full refund);
 *   active   -> with an open outage, the health hook and, once it says healthy, resolveOutage (outages.ts);
 *               a rolling lease: the largest due top-up its buyer's allowance permits, and (if configured) the
 *               Unfunded end once its grace is over (funding.ts);
 *   expired  -> run the deprovisioning hook, then closeLease;
 *   ended    -> (terminated or cancelled) run the deprovisioning hook if it provisioned;
 *
 * and (3) claims earnings once the claimable total in a payment token reaches the threshold.
 *
 * Progress is saved in a state file (written atomically after every change), so a restart resumes: blocks are
 * never scanned twice nor skipped, and the chain's own status is checked before every activation, so a lease is
 * never activated twice. RPC failures are retried with exponential backoff. SIGTERM and SIGINT stop it after the
 * current step. It logs one JSON object per line on stdout; secrets (keys, access details) are never logged.
 */
import { getContractEvents } from "viem/actions";
import { type Address, type Hex } from "viem";
import {
  activateLease,
  claim,
  closeLease,
  explainError,
  getLeaseState,
  gridleaseMarketAbi,
  sealAccess,
  type AccessDetails,
  type SignerClient,
} from "@gridlease/sdk";
import type { Context } from "../context.ts";
import { CliError, errorMessage, EXIT } from "../exit.ts";
import { parseHookOutput, runHook } from "../hooks.ts";
import { withSealedReportHash } from "../hardware/seal.ts";
import { withServedInventory } from "../bastion.ts";
import { toJson } from "../output.ts";
import { scanStart } from "../chainData.ts";
import { loadState, saveState, TERMINAL, type AgentState, type LeaseRecord } from "./state.ts";
import { OutageHealer, type HealthOptions } from "./outages.ts";
import { FundingKeeper, type FundingOptions } from "./funding.ts";

/** How `provider serve` configured the agent. */
export interface AgentOptions
  extends Omit<HealthOptions, "hookTimeoutMs" | "maxRetryMs">, Partial<FundingOptions> {
  statePath: string;
  provisionHook: string;
  deprovisionHook?: string;
  hookTimeoutMs: number;
  pollMs: number;
  backoffMaxMs: number;
  maxBlockRange: bigint;
  /** Claim when a payment token's claimable total reaches this many base units; undefined: never. */
  claimThreshold?: (token: Address) => Promise<bigint>;
  /** Where the bastion serves big leases' inventory documents (bastion.ts); unset: hooks may not print one. */
  inventoryDir?: string;
  /** The block to start from on the first run (default: the deployment's start block). */
  fromBlock?: bigint;
  log?: (entry: Record<string, unknown>) => void;
}

/** The polling loop: scan, serve each live lease, claim; backs off while the RPC is down. */
export class Agent {
  readonly ctx: Context;
  readonly wallet: SignerClient;
  readonly options: AgentOptions;
  state!: AgentState;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** Sealed payloads whose activation did not go through yet (kept in memory only). */
  private sealed = new Map<string, Hex>();
  private readonly healer: OutageHealer;
  private readonly funding: FundingKeeper;

  constructor(ctx: Context, wallet: SignerClient, options: AgentOptions) {
    this.ctx = ctx;
    this.wallet = wallet;
    this.options = options;
    this.healer = new OutageHealer(
      ctx,
      wallet,
      { ...options, maxRetryMs: options.backoffMaxMs },
      (level, event, fields) => this.log(level, event, fields),
    );
    this.funding = new FundingKeeper(
      ctx,
      wallet,
      { topUps: options.topUps ?? true, endUnfunded: options.endUnfunded ?? false },
      (level, event, fields) => this.log(level, event, fields),
    );
  }

  log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}) {
    const entry = { time: new Date().toISOString(), level, event, ...fields };
    if (this.options.log) this.options.log(entry);
    else process.stdout.write(`${toJson(entry)}\n`);
  }

  stop() {
    this.stopping = true;
    this.wake?.();
  }

  private save() {
    saveState(this.options.statePath, this.state);
  }

  private setLease(id: string, patch: Partial<LeaseRecord>) {
    this.state.leases[id] = {
      ...this.state.leases[id],
      ...patch,
      updatedAt: new Date().toISOString(),
    };
    this.save();
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async run() {
    const provider = this.wallet.account.address;
    const from = this.options.fromBlock ?? scanStart(this.ctx);
    this.state = loadState(this.options.statePath, {
      version: 1,
      chainId: this.ctx.chain.id,
      market: this.ctx.market,
      provider,
      lastBlock: from > 0n ? from - 1n : -1n,
    });
    this.save();
    this.log("info", "started", {
      provider,
      market: this.ctx.market,
      chainId: this.ctx.chain.id,
      lastBlock: this.state.lastBlock,
      leases: Object.keys(this.state.leases).length,
    });
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.tick();
        if (failures > 0) this.log("info", "rpc-recovered", { after: failures });
        failures = 0;
        await this.sleep(this.options.pollMs);
      } catch (err) {
        const explained = explainError(err);
        if (err instanceof CliError && err.exitCode !== EXIT.UNREACHABLE) throw err;
        failures++;
        const delay = Math.min(
          this.options.backoffMaxMs,
          this.options.pollMs * 2 ** Math.min(failures, 16),
        );
        this.log(
          explained.kind === "network" ? "warn" : "error",
          explained.kind === "network" ? "rpc-unreachable" : "tick-failed",
          {
            message: explained.message,
            attempt: failures,
            retryInMs: delay,
          },
        );
        await this.sleep(delay);
      }
    }
    this.save();
    this.log("info", "stopped", { lastBlock: this.state.lastBlock });
  }

  /** One pass: scan new blocks, act on every live lease, claim. Exposed for tests. */
  async tick() {
    await this.scan();
    for (const id of Object.keys(this.state.leases)) {
      if (this.stopping) return;
      if (TERMINAL.includes(this.state.leases[id].phase)) continue;
      await this.serveLease(id);
    }
    if (!this.stopping) await this.maybeClaim();
  }

  private async scan() {
    const { client, market } = this.ctx;
    const latest = await client.getBlockNumber();
    let next = BigInt(this.state.lastBlock) + 1n;
    while (next <= latest && !this.stopping) {
      const to =
        next + this.options.maxBlockRange - 1n < latest
          ? next + this.options.maxBlockRange - 1n
          : latest;
      const offers = await getContractEvents(client, {
        address: market,
        abi: gridleaseMarketAbi,
        eventName: "OfferCreated",
        args: { provider: this.wallet.account.address },
        fromBlock: next,
        toBlock: to,
        strict: true,
      });
      const known = new Set(this.state.offers);
      for (const o of offers) known.add(o.args.offerId.toString());
      this.state.offers = [...known];
      if (this.state.offers.length > 0) {
        const opened = await getContractEvents(client, {
          address: market,
          abi: gridleaseMarketAbi,
          eventName: "LeaseOpened",
          args: { offerId: this.state.offers.map(BigInt) },
          fromBlock: next,
          toBlock: to,
          strict: true,
        });
        for (const log of opened) {
          const id = log.args.leaseId.toString();
          if (this.state.leases[id]) continue;
          this.state.leases[id] = {
            offerId: log.args.offerId.toString(),
            buyer: log.args.buyer,
            buyerPublicKey: log.args.buyerPublicKey,
            phase: "new",
            provisioned: false,
            updatedAt: new Date().toISOString(),
          };
          this.log("info", "lease-opened", {
            leaseId: id,
            offerId: log.args.offerId,
            buyer: log.args.buyer,
            units: log.args.units,
            duration: log.args.duration,
            block: log.blockNumber,
          });
        }
      }
      this.state.lastBlock = to.toString();
      this.save();
      next = to + 1n;
    }
  }

  private leaseInput(
    id: string,
    lease: Awaited<ReturnType<typeof getLeaseState>>["lease"],
    extra: Record<string, unknown> = {},
  ) {
    return {
      leaseId: id,
      offerId: lease.offerId,
      buyer: lease.buyer,
      buyerPublicKey: this.state.leases[id].buyerPublicKey,
      units: lease.units,
      gpusPerUnit: lease.gpusPerUnit,
      duration: lease.duration,
      start: lease.start,
      end: lease.end,
      activationDeadline: lease.activationDeadline,
      chainId: this.ctx.chain.id,
      market: this.ctx.market,
      ...extra,
    };
  }

  private async serveLease(id: string) {
    const leaseId = BigInt(id);
    const record = this.state.leases[id];
    const { lease, state, now } = await getLeaseState(this.ctx.client, {
      market: this.ctx.market,
      leaseId,
    });
    switch (state.status) {
      case "Pending": {
        if (record.phase === "hook-failed") return;
        if (record.phase === "active") {
          // Cannot happen on chain; trust the chain.
          this.setLease(id, { phase: "activating" });
        }
        await this.provisionAndActivate(id, lease, now);
        return;
      }
      case "ActivationOverdue": {
        if (record.phase !== "hook-failed" && record.phase !== "missed") {
          this.log("error", "activation-missed", {
            leaseId: id,
            deadline: lease.activationDeadline,
          });
          this.setLease(id, { phase: "missed" });
          if (record.provisioned) await this.deprovision(id, lease, "activation-missed");
        }
        return;
      }
      case "Active": {
        if (record.phase !== "active") {
          this.log("info", "lease-active", { leaseId: id, end: lease.end });
          this.sealed.delete(id);
          this.setLease(id, { phase: "active", provisioned: true });
        }
        if (state.downUnits > 0n)
          await this.healer.serve(id, state, this.leaseInput(id, lease), record.buyerPublicKey);
        else this.healer.clear(id);
        // Rolling leases: due top-ups (on by default) and, if configured, the end after grace.
        await this.funding.serve(id, now);
        return;
      }
      case "Expired": {
        this.healer.clear(id);
        // A rolling lease past its funded end but short of its term is unfunded, not over: keep it served.
        if (await this.funding.servesUnfunded(id, lease, now)) return;
        if (record.provisioned || record.phase === "active" || record.phase === "activating") {
          if (!(await this.deprovision(id, lease, "expired"))) return;
        }
        const w = this.wallet;
        this.log("info", "closing", { leaseId: id });
        try {
          const mined = await (
            await closeLease(w, { market: this.ctx.market, leaseId })
          ).wait({ client: this.ctx.client });
          this.setLease(id, {
            phase: "done",
            closeTx: mined.receipt.transactionHash,
            endReason: "Expired",
          });
          this.log("info", "lease-closed", { leaseId: id, tx: mined.receipt.transactionHash });
        } catch (err) {
          const e = explainError(err);
          if (e.kind === "network") throw err;
          // Someone else (the buyer, anyone) may have closed it first: the next pass sees it ended.
          this.log("warn", "close-failed", { leaseId: id, message: e.message });
        }
        return;
      }
      case "Ended": {
        this.healer.clear(id);
        if (record.provisioned && !(await this.deprovision(id, lease, state.endReason))) return;
        this.setLease(id, { phase: "done", endReason: state.endReason });
        this.log("info", "lease-ended", { leaseId: id, reason: state.endReason });
        return;
      }
    }
  }

  private async provisionAndActivate(
    id: string,
    lease: Awaited<ReturnType<typeof getLeaseState>>["lease"],
    now: bigint,
  ) {
    const record = this.state.leases[id];
    let payload = this.sealed.get(id);
    if (!payload) {
      this.setLease(id, { phase: "provisioning" });
      this.log("info", "provisioning", {
        leaseId: id,
        secondsToDeadline: lease.activationDeadline - now,
      });
      const result = await runHook(
        this.options.provisionHook,
        "provision",
        this.leaseInput(id, lease),
        this.options.hookTimeoutMs,
      );
      let details: AccessDetails | undefined;
      let problem = result.error;
      if (result.ok) {
        try {
          // sealAccess checks the fields (host, port, user, key or token) and throws a plain message.
          // A hook's hardware report is sealed as its hash only (cli/src/hardware/seal.ts).
          // A big lease's server inventory is stored for the bastion and sealed as its path and hash (bastion.ts).
          details = withServedInventory(
            withSealedReportHash(parseHookOutput(result.stdout)),
            id,
            this.options.inventoryDir,
          ) as AccessDetails;
          payload = sealAccess(record.buyerPublicKey, details);
        } catch (err) {
          problem = errorMessage(err);
        }
      }
      if (!payload) {
        this.log("error", "provision-failed", {
          leaseId: id,
          message: problem,
          stderr: result.stderr,
        });
        // Whatever the hook set up half-way, it was told about this lease: let the deprovisioning hook clean up.
        this.setLease(id, { phase: "hook-failed", error: problem, provisioned: true });
        return;
      }
      this.sealed.set(id, payload);
      this.setLease(id, { phase: "activating", provisioned: true });
    }
    // The chain may have moved on while the hook ran.
    const current = await getLeaseState(this.ctx.client, {
      market: this.ctx.market,
      leaseId: BigInt(id),
    });
    if (current.state.status !== "Pending") {
      this.log("warn", "not-pending-after-hook", { leaseId: id, status: current.state.status });
      return;
    }
    this.log("info", "activating", { leaseId: id });
    let hash: Hex;
    try {
      const sent = await activateLease(this.wallet, {
        market: this.ctx.market,
        leaseId: BigInt(id),
        encryptedAccess: payload,
      });
      hash = sent.hash;
      this.setLease(id, { activationTx: hash });
      const mined = await sent.wait({ client: this.ctx.client });
      this.sealed.delete(id);
      this.setLease(id, { phase: "active" });
      this.log("info", "lease-activated", {
        leaseId: id,
        tx: hash,
        block: mined.receipt.blockNumber,
      });
    } catch (err) {
      const e = explainError(err);
      if (e.kind === "network") throw err;
      this.log("error", "activation-failed", {
        leaseId: id,
        message: e.message,
        error: e.errorName,
      });
    }
  }

  /** Runs the deprovisioning hook once; true when done (or there is none). */
  private async deprovision(
    id: string,
    lease: Awaited<ReturnType<typeof getLeaseState>>["lease"],
    reason: string,
  ): Promise<boolean> {
    if (!this.options.deprovisionHook) {
      this.setLease(id, { provisioned: false });
      return true;
    }
    this.log("info", "deprovisioning", { leaseId: id, reason });
    const result = await runHook(
      this.options.deprovisionHook,
      "deprovision",
      this.leaseInput(id, lease, { reason }),
      this.options.hookTimeoutMs,
    );
    if (!result.ok) {
      this.log("error", "deprovision-failed", {
        leaseId: id,
        message: result.error,
        stderr: result.stderr,
      });
      return false; // retried next pass
    }
    this.setLease(id, { provisioned: false });
    this.log("info", "deprovisioned", { leaseId: id, reason });
    return true;
  }

  private async maybeClaim() {
    if (!this.options.claimThreshold) return;
    const byToken = new Map<Address, { ids: bigint[]; total: bigint }>();
    for (const [id, record] of Object.entries(this.state.leases)) {
      if ((record.phase !== "active" && record.phase !== "done") || record.settled) continue;
      const { lease, state } = await getLeaseState(this.ctx.client, {
        market: this.ctx.market,
        leaseId: BigInt(id),
      });
      if (lease.claimable === 0n) {
        if (state.status === "Ended") this.setLease(id, { settled: true });
        continue;
      }
      const entry = byToken.get(lease.paymentToken) ?? { ids: [], total: 0n };
      entry.ids.push(BigInt(id));
      entry.total += lease.claimable;
      byToken.set(lease.paymentToken, entry);
    }
    for (const [token, { ids, total }] of byToken) {
      if (total < (await this.options.claimThreshold(token))) continue;
      for (let i = 0; i < ids.length; i += 200) {
        const batch = ids.slice(i, i + 200);
        try {
          const mined = await (
            await claim(this.wallet, { market: this.ctx.market, leaseIds: batch })
          ).wait({ client: this.ctx.client });
          const gross = mined.claimed.reduce((s, c) => s + c.gross, 0n);
          const fee = mined.claimed.reduce((s, c) => s + c.fee, 0n);
          this.log("info", "claimed", {
            token,
            leases: batch.map(String),
            gross,
            fee,
            tx: mined.receipt.transactionHash,
          });
        } catch (err) {
          const e = explainError(err);
          if (e.kind === "network") throw err;
          this.log("error", "claim-failed", { token, message: e.message });
        }
      }
    }
  }
}
