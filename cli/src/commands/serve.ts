/** `gridlease provider serve`: the provider agent (see agent/loop.ts and agent/state.ts). */
import { homedir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { getProvider } from "@gridlease/sdk";
import { defineCommand } from "../command.ts";
import { parseAmount, parseCount, required } from "../args.ts";
import { createContext } from "../context.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { acquireLock } from "../agent/state.ts";
import { Agent } from "../agent/loop.ts";

/** A flag in seconds (default `fallbackSeconds`), as milliseconds. */
function seconds(raw: string | undefined, flag: string, fallbackSeconds: number): number {
  if (raw === undefined) return fallbackSeconds * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw usage(`${flag} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  return n * 1000;
}

export const serveCommand = defineCommand({
  name: "provider serve",
  summary:
    "Run the provider agent: provision, activate, deprovision, close and claim your leases unattended",
  help: `--provision-hook CMD [--deprovision-hook CMD] [--health-hook CMD] [--health-interval S] [--state FILE]
       [--claim-threshold AMOUNT] [--poll-interval S] [--hook-timeout S] [--backoff-max S] [--from-block N]
       [--max-block-range N] [--inventory-dir DIR] [--no-top-ups] [--end-unfunded]

  --provision-hook CMD    shell command run for each new lease: the lease as JSON on stdin; prints the
                          connection details as JSON ({"host","port","user","key"|"token",…}) on stdout
  --deprovision-hook CMD  shell command run when a lease it provisioned ends (lease JSON + "reason" on stdin)
  --health-hook CMD       shell command run for a lease with an open outage (lease JSON + "outage" on stdin,
                          GRIDLEASE_HOOK=health): exit 0 means healthy and the outage is resolved (new connection
                          details printed as JSON are sealed and sent with it); any failure or a timeout is retried
                          with backoff until the repair deadline and never resolves. Without it, outages are logged
  --health-interval S     first wait after a failed health check, doubling up to --backoff-max (default 15)
  --state FILE            progress file (default $XDG_STATE_HOME/gridlease/provider-<chain>-<address>.json)
  --claim-threshold AMT   claim once a payment token's claimable total reaches AMT (in that token); off if unset
  --poll-interval S       seconds between passes (default 5)
  --hook-timeout S        seconds a hook may run (default 300)
  --backoff-max S         longest wait between retries while the RPC is down (default 60)
  --from-block N          first block to scan on the very first run (default: the market's deployment block)
  --max-block-range N     blocks per log query (default 5000)
  --no-top-ups            do not execute the top-ups buyers allow on rolling leases (on by default: each pass, the
                          largest top-up a lease's allowance permits once its runway is below the buyer's threshold)
  --end-unfunded          end rolling leases whose funding ran out more than the grace period (3 days) ago
  --inventory-dir DIR     for big leases: a directory the bastion serves. A provisioning hook that prints the
                          bastion login with an "inventory" document (every server) gets the document stored
                          there and only its path and keccak256 hash sealed; the buyer's \`lease access\` fetches it

Logs one JSON object per line on stdout. SIGTERM or SIGINT stops it after the current step (exit 0).`,
  options: {
    "provision-hook": { type: "string" },
    "deprovision-hook": { type: "string" },
    "health-hook": { type: "string" },
    "health-interval": { type: "string" },
    state: { type: "string" },
    "claim-threshold": { type: "string" },
    "poll-interval": { type: "string" },
    "hook-timeout": { type: "string" },
    "backoff-max": { type: "string" },
    "from-block": { type: "string" },
    "max-block-range": { type: "string" },
    "inventory-dir": { type: "string" },
    "no-top-ups": { type: "boolean", default: false },
    "end-unfunded": { type: "boolean", default: false },
  },
  async run({ values, settings, out }) {
    const provisionHook = required(values["provision-hook"], "--provision-hook");
    const pollMs = seconds(values["poll-interval"], "--poll-interval", 5);
    const hookTimeoutMs = seconds(values["hook-timeout"], "--hook-timeout", 300);
    const backoffMaxMs = seconds(values["backoff-max"], "--backoff-max", 60);
    const healthIntervalMs = seconds(values["health-interval"], "--health-interval", 15);
    const fromBlock =
      values["from-block"] !== undefined
        ? parseCount(values["from-block"], "--from-block", { min: 0n })
        : undefined;
    const maxBlockRange =
      values["max-block-range"] !== undefined
        ? parseCount(values["max-block-range"], "--max-block-range")
        : 5000n;
    const thresholdRaw = values["claim-threshold"];
    if (thresholdRaw !== undefined && !/^\d+(\.\d+)?$/.test(thresholdRaw))
      throw usage(
        `--claim-threshold must be a decimal amount, got ${JSON.stringify(thresholdRaw)}`,
      );

    // The first connection must work (a wrong URL should fail at once); later outages are ridden out.
    const ctx = await createContext(settings, out, { retryCount: 0 });
    const wallet = await ctx.wallet();
    const provider = wallet.account.address;
    const record = await getProvider(ctx.client, { market: ctx.market, provider });
    if (!record.registered)
      throw new CliError(
        EXIT.CONFIG,
        `${provider} is not a registered provider: run \`gridlease provider register\` first.`,
      );
    const statePath =
      values.state ??
      join(
        process.env.XDG_STATE_HOME ?? join(homedir(), ".local", "state"),
        "gridlease",
        `provider-${ctx.chain.id}-${provider.toLowerCase()}.json`,
      );
    const release = acquireLock(statePath);
    const agent = new Agent(ctx, wallet, {
      statePath,
      provisionHook,
      deprovisionHook: values["deprovision-hook"],
      healthHook: values["health-hook"],
      healthIntervalMs,
      hookTimeoutMs,
      pollMs,
      backoffMaxMs,
      fromBlock,
      maxBlockRange,
      inventoryDir: values["inventory-dir"],
      topUps: !values["no-top-ups"],
      endUnfunded: values["end-unfunded"],
      claimThreshold:
        thresholdRaw === undefined
          ? undefined
          : async (token: Address) =>
              parseAmount(thresholdRaw, "--claim-threshold", (await ctx.token(token)).decimals),
    });
    const onSignal = (signal: string) => {
      agent.log("info", "stopping", { signal });
      agent.stop();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      await agent.run();
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      release();
    }
  },
});
