/**
 * Reserved capacity on the command line (issue #12): top-up allowances for rolling leases, releasing or failing
 * some servers of a lease, and ending a lease whose funding lapsed. The lease math (exit charges, the largest
 * legal top-up) is the SDK's; these commands only ask, show and send.
 */
import {
  endUnfunded,
  ensureAllowance,
  executeTopUp,
  exitChargeAt,
  failServers,
  formatDuration,
  formatTime,
  formatTokenAmount,
  getLeaseTerms,
  getTopUpAllowance,
  planTopUp,
  releaseServers,
  revokeTopUpAllowance,
  setTopUpAllowance,
  setTopUpAllowanceWithPermit,
} from "@gridlease/sdk";
import { defineCommand, type Command } from "../command.ts";
import { parseAmount, parseCount, parseDuration } from "../args.ts";
import { askToProceed, confirm } from "../context.ts";
import { CliError, EXIT } from "../exit.ts";
import { leaseOrFail } from "./buyer.ts";

const topUpAllow = defineCommand({
  name: "lease topup allow",
  summary: "Let anyone (the provider's agent, a keeper) top up a rolling lease within your caps",
  help: `--lease ID --per-top-up AMOUNT --total AMOUNT --runway-below D [--approve]

  --per-top-up AMOUNT  the most one top-up may pull from your wallet (in the lease's token)
  --total AMOUNT       what all top-ups together may pull
  --runway-below D     a top-up may run only while less than this much funding is left (e.g. 7d)
  --approve            approve the market for --total in a transaction of its own instead of a permit

A top-up funds at most up to now plus the offer's prepaid window, never beyond the term. Revoke at any time
with \`lease topup revoke\`.`,
  options: {
    lease: { type: "string" },
    "per-top-up": { type: "string" },
    total: { type: "string" },
    "runway-below": { type: "string" },
    approve: { type: "boolean", default: false },
  },
  async run({ values, out, connect }) {
    const leaseId = parseCount(values.lease, "--lease");
    const runwayThreshold = parseDuration(values["runway-below"], "--runway-below");
    const c = await connect();
    const { token } = await leaseOrFail(c, leaseId);
    const perTopUp = parseAmount(values["per-top-up"], "--per-top-up", token.decimals);
    const totalCap = parseAmount(values.total, "--total", token.decimals);
    const w = await c.wallet();
    const request = { market: c.market, leaseId, perTopUp, totalCap, runwayThreshold };
    const what = `Allowing top-ups of lease #${leaseId}: up to ${formatTokenAmount(perTopUp, token)} each, ${formatTokenAmount(totalCap, token)} in all, once less than ${formatDuration(runwayThreshold)} is funded`;
    let mined;
    if (values.approve) {
      const { approval } = await ensureAllowance(w, {
        token: token.address,
        spender: c.market,
        amount: totalCap,
      });
      if (approval)
        await confirm(
          c,
          `Approving ${formatTokenAmount(totalCap, token)} for the market`,
          async () => approval,
        );
      mined = await confirm(c, what, () => setTopUpAllowance(w, request));
    } else
      mined = await confirm(c, `${what} (with a permit)`, () =>
        setTopUpAllowanceWithPermit(w, request),
      );
    out.result(
      { leaseId, perTopUp, totalCap, runwayThreshold, tx: mined.hash },
      () => `Top-ups of lease #${leaseId} allowed.`,
    );
  },
});

const topUpRevoke = defineCommand({
  name: "lease topup revoke",
  summary: "Stop all further top-ups of a rolling lease",
  help: "--lease ID",
  options: { lease: { type: "string" } },
  async run({ values, out, connect }) {
    const leaseId = parseCount(values.lease, "--lease");
    const c = await connect();
    await leaseOrFail(c, leaseId);
    const w = await c.wallet();
    const mined = await confirm(c, `Revoking the top-up allowance of lease #${leaseId}`, () =>
      revokeTopUpAllowance(w, { market: c.market, leaseId }),
    );
    out.result({ leaseId, tx: mined.hash }, () => `Top-ups of lease #${leaseId} revoked.`);
  },
});

const topUpRun = defineCommand({
  name: "lease topup run",
  summary: "Execute the largest top-up a rolling lease's allowance permits now (anyone may)",
  help: "--lease ID",
  options: { lease: { type: "string" } },
  async run({ values, out, connect }) {
    const leaseId = parseCount(values.lease, "--lease");
    const c = await connect();
    const { token } = await leaseOrFail(c, leaseId);
    const plan = await planTopUp(c.client, { market: c.market, leaseId });
    if (plan.addedDuration === 0n) {
      const allowance = await getTopUpAllowance(c.client, { market: c.market, leaseId });
      const terms = await getLeaseTerms(c.client, { market: c.market, leaseId });
      const why =
        allowance.perTopUp === 0n
          ? "its buyer has not allowed top-ups (or revoked them)"
          : allowance.remaining === 0n
            ? "its allowance is used up"
            : terms.fundedUntil - plan.now >= BigInt(allowance.runwayThreshold)
              ? `its runway is not below the buyer's threshold of ${formatDuration(BigInt(allowance.runwayThreshold))} yet`
              : "it is funded to its term or to the prepaid window, or is not active";
      throw new CliError(
        EXIT.NOT_FOUND,
        `Lease #${leaseId} cannot be topped up now: ${why}.`,
        "no-top-up",
      );
    }
    const w = await c.wallet();
    const mined = await confirm(
      c,
      `Topping up lease #${leaseId} by ${formatDuration(plan.addedDuration)} for ${formatTokenAmount(plan.amount, token)}`,
      () => executeTopUp(w, { market: c.market, leaseId, addedDuration: plan.addedDuration }),
    );
    out.result(
      {
        leaseId,
        addedDuration: plan.addedDuration,
        amount: mined.amount,
        fundedUntil: mined.fundedUntil,
        remaining: mined.remaining,
        tx: mined.hash,
      },
      () =>
        `Lease #${leaseId} is funded until ${formatTime(mined.fundedUntil)}; ${formatTokenAmount(mined.remaining, token)} of the allowance is left.`,
    );
  },
});

const release = defineCommand({
  name: "lease release",
  summary: "End some servers of a lease; the rest keep running (shows the exit charge first)",
  help: `<id> | --lease ID --servers K [--yes]

  --servers K  servers to release (fewer than the lease has; to end all, use \`lease terminate\`)
  --yes        do not ask before an exit charge`,
  positionals: true,
  options: {
    lease: { type: "string" },
    servers: { type: "string" },
    yes: { type: "boolean", default: false },
  },
  async run({ values, positionals, out, connect }) {
    const leaseId = parseCount(positionals[0] ?? values.lease, "--lease");
    const count = parseCount(values.servers, "--servers");
    const c = await connect();
    const { lease, token } = await leaseOrFail(c, leaseId);
    if (count >= lease.units)
      throw new CliError(
        EXIT.USAGE,
        `Lease #${leaseId} has ${lease.units} server(s): release fewer than that, or end it with \`lease terminate\`. Nothing was sent.`,
        "Market_InvalidServerCount",
      );
    // Quoted for the next block (the earliest the release can be mined): the charge only falls as time passes.
    const latest = (await c.client.getBlock()).timestamp;
    const wallClock = BigInt(Math.floor(Date.now() / 1000));
    const at = wallClock > latest ? wallClock : latest + 1n;
    const charge = await exitChargeAt(c.client, { market: c.market, leaseId, count, at });
    out.progress(
      charge > 0n
        ? `Releasing ${count} server(s) of lease #${leaseId} before its commitment ends costs an exit charge of ${formatTokenAmount(charge, token)} (until the hour turns).`
        : `Releasing ${count} server(s) of lease #${leaseId}: no exit charge.`,
    );
    if (charge > 0n && !values.yes && !out.json)
      await askToProceed(`Pay ${formatTokenAmount(charge, token)} to release ${count} server(s)?`);
    if (charge > 0n && !values.yes && out.json)
      throw new CliError(
        EXIT.USAGE,
        `Releasing ${count} server(s) costs an exit charge of ${formatTokenAmount(charge, token)}: pass --yes to accept it. Nothing was sent.`,
        "confirmation-needed",
      );
    const w = await c.wallet();
    const mined = await confirm(c, `Releasing ${count} server(s) of lease #${leaseId}`, () =>
      releaseServers(w, { market: c.market, leaseId, count }),
    );
    out.result(
      {
        leaseId,
        servers: count,
        quotedExitCharge: charge,
        refund: mined.refund,
        exitCharge: mined.exitCharge,
        penaltyReleased: mined.penaltyReleased,
        tx: mined.hash,
      },
      () =>
        `Released ${count} server(s) of lease #${leaseId}: ${formatTokenAmount(mined.refund, token)} refunded${mined.exitCharge > 0n ? ` after an exit charge of ${formatTokenAmount(mined.exitCharge, token)}` : ""}.`,
    );
  },
});

const failServersCommand = defineCommand({
  name: "provider fail-servers",
  summary:
    "Declare some servers of your lease failed: the buyer is refunded and paid its penalty share",
  help: `<id> | --lease ID --servers K

  --servers K  failed servers (fewer than the lease has); the buyer gets their unused time back and the penalty
               share of K servers (rounded up) from your bond in the lease's token; the rest keep running`,
  positionals: true,
  options: { lease: { type: "string" }, servers: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    const leaseId = parseCount(positionals[0] ?? values.lease, "--lease");
    const count = parseCount(values.servers, "--servers");
    const c = await connect();
    const { token } = await leaseOrFail(c, leaseId);
    const w = await c.wallet();
    const mined = await confirm(c, `Failing ${count} server(s) of lease #${leaseId}`, () =>
      failServers(w, { market: c.market, leaseId, count }),
    );
    out.result(
      {
        leaseId,
        servers: count,
        refund: mined.refund,
        penalty: mined.penalty,
        tx: mined.hash,
      },
      () =>
        `Failed ${count} server(s) of lease #${leaseId}: the buyer got ${formatTokenAmount(mined.refund, token)} back and a penalty of ${formatTokenAmount(mined.penalty, token)}.`,
    );
  },
});

const endUnfundedCommand = defineCommand({
  name: "provider end-unfunded",
  summary: "End a rolling lease whose funding ran out more than the grace period ago (no penalty)",
  help: "<id> | --lease ID",
  positionals: true,
  options: { lease: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    const leaseId = parseCount(positionals[0] ?? values.lease, "--lease");
    const c = await connect();
    const { token } = await leaseOrFail(c, leaseId);
    const w = await c.wallet();
    const mined = await confirm(c, `Ending lease #${leaseId} as unfunded`, () =>
      endUnfunded(w, { market: c.market, leaseId }),
    );
    out.result(
      { leaseId, exitCharge: mined.exitCharge, tx: mined.hash },
      () =>
        `Lease #${leaseId} ended as unfunded${mined.exitCharge > 0n ? `; its escrowed exit terms, ${formatTokenAmount(mined.exitCharge, token)}, are yours to claim` : ""}.`,
    );
  },
});

export const reservedCommands: Command[] = [
  topUpAllow,
  topUpRevoke,
  topUpRun,
  release,
  failServersCommand,
  endUnfundedCommand,
];
