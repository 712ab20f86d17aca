/**
 * `gridlease watch`: a buyer's or a provider's leases, polled on chain, as notifications (issue #12,
 * "Notifications"): JSON lines on stdout and, with --webhook, one POST per notification. What to say and when is
 * the SDK's (`leaseNotifications`); this command finds the leases, reads their state and delivers each
 * notification once (by its key) for as long as it runs. `--once` or `--max-iterations` bound it.
 */
import { getContractEvents } from "viem/actions";
import type { Address } from "viem";
import {
  getLease,
  getLeaseTerms,
  getTopUpAllowance,
  gridleaseMarketAbi,
  LeaseStatus,
  leaseNotifications,
  type Notification,
  type TopUpExecutedArgs,
} from "@gridlease/sdk";
import { defineCommand } from "../command.ts";
import { parseAddressArg, parseCount, parseDuration } from "../args.ts";
import type { Context } from "../context.ts";
import { errorMessage, usage } from "../exit.ts";
import { toJson } from "../output.ts";
import { leasesOpened, providerOfferIds, scanStart } from "../chainData.ts";

/** How long a webhook may take to answer one POST. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/** POSTs one notification as JSON; a failure is reported on stderr and never stops the watch. */
async function post(url: string, body: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    return errorMessage(err);
  }
}

/** The watched account's leases, found block range by block range (a lease never leaves the list). */
function leaseFinder(c: Context, who: { buyer?: Address; provider?: Address }) {
  const ids = new Set<bigint>();
  let next = scanStart(c);
  return async (toBlock: bigint): Promise<bigint[]> => {
    if (next <= toBlock) {
      const filter = who.buyer
        ? { buyer: who.buyer }
        : { offerIds: await providerOfferIds(c, who.provider!, toBlock) };
      for (const log of await leasesOpened(c, filter, { fromBlock: next, toBlock }))
        ids.add(log.args.leaseId);
      next = toBlock + 1n;
    }
    return [...ids];
  };
}

/** TopUpExecuted events of the market in [fromBlock, toBlock]. */
async function topUpsBetween(c: Context, fromBlock: bigint, toBlock: bigint) {
  if (fromBlock > toBlock) return [];
  const logs = await getContractEvents(c.client, {
    address: c.market,
    abi: gridleaseMarketAbi,
    eventName: "TopUpExecuted",
    fromBlock,
    toBlock,
    strict: true,
  });
  return logs.map((l): TopUpExecutedArgs => l.args);
}

export const watchCommand = defineCommand({
  name: "watch",
  summary: "Notify about a buyer's or a provider's leases: JSON lines, and POSTs to a webhook",
  help: `(--buyer ADDRESS | --provider ADDRESS) [--webhook URL] [--interval S] [--once | --max-iterations N]
       [--runway-below D] [--ending-within D]

  --buyer ADDRESS      watch the leases this account opened
  --provider ADDRESS   watch the leases on this provider's offers
  --webhook URL        also POST each notification (the same JSON) to URL; a failed POST is reported on stderr
  --interval S         seconds between polls (default 30)
  --once               one poll, then exit
  --max-iterations N   at most N polls, then exit (default: until SIGINT or SIGTERM)
  --runway-below D     runway-low below this much funding left (default: the lease's top-up threshold, else 3d)
  --ending-within D    ending-soon this long before a lease's end (default 1d)

Notifications (one JSON object per line, each once per run): runway-low, grace-started, activation-due,
outage-open, ending-soon, top-up-executed. Each has kind, leaseId, key, severity, at, message, and the watched
role and address.`,
  options: {
    buyer: { type: "string" },
    provider: { type: "string" },
    webhook: { type: "string" },
    interval: { type: "string" },
    once: { type: "boolean", default: false },
    "max-iterations": { type: "string" },
    "runway-below": { type: "string" },
    "ending-within": { type: "string" },
  },
  async run({ values, connect }) {
    if ((values.buyer === undefined) === (values.provider === undefined))
      throw usage("give exactly one of --buyer ADDRESS or --provider ADDRESS");
    const role = values.buyer !== undefined ? "buyer" : "provider";
    const address = parseAddressArg(values.buyer ?? values.provider, `--${role}`);
    const webhook = values.webhook;
    if (webhook !== undefined && !/^https?:\/\/[^\s]+$/.test(webhook))
      throw usage(`--webhook must be an http:// or https:// URL, got ${JSON.stringify(webhook)}`);
    const intervalS = values.interval === undefined ? 30 : Number(values.interval);
    if (!Number.isFinite(intervalS) || intervalS <= 0)
      throw usage(
        `--interval must be a positive number of seconds, got ${JSON.stringify(values.interval)}`,
      );
    const maxIterations = values.once
      ? 1n
      : values["max-iterations"] !== undefined
        ? parseCount(values["max-iterations"], "--max-iterations")
        : undefined;
    const runwayLowBelow =
      values["runway-below"] !== undefined
        ? parseDuration(values["runway-below"], "--runway-below")
        : undefined;
    const endingSoonWithin =
      values["ending-within"] !== undefined
        ? parseDuration(values["ending-within"], "--ending-within")
        : undefined;

    const c = await connect();
    const find = leaseFinder(c, role === "buyer" ? { buyer: address } : { provider: address });
    const seen = new Set<string>();
    const done = new Set<bigint>();
    const topUps: TopUpExecutedArgs[] = [];
    let topUpsFrom = scanStart(c);
    let stopping = false;
    let wake: (() => void) | undefined;
    const onSignal = () => {
      stopping = true;
      wake?.();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      for (let i = 0n; !stopping && (maxIterations === undefined || i < maxIterations); i++) {
        if (i > 0n)
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, intervalS * 1000);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
        if (stopping) break;
        const block = await c.client.getBlock();
        const ids = await find(block.number);
        topUps.push(...(await topUpsBetween(c, topUpsFrom, block.number)));
        topUpsFrom = block.number + 1n;
        for (const leaseId of ids) {
          if (done.has(leaseId)) continue;
          const lease = await getLease(c.client, { market: c.market, leaseId });
          // An ended lease has nothing more to say, except the top-ups it had (reported below before it ends).
          const ended = Number(lease.status) === LeaseStatus.Ended;
          const [terms, allowance] = await Promise.all([
            getLeaseTerms(c.client, { market: c.market, leaseId }),
            getTopUpAllowance(c.client, { market: c.market, leaseId }),
          ]);
          const notes: Notification[] = leaseNotifications(
            lease,
            terms,
            allowance,
            block.timestamp,
            {
              runwayLowBelow,
              endingSoonWithin,
              topUps,
              token: await c.token(lease.paymentToken),
            },
          );
          for (const n of notes) {
            if (seen.has(n.key)) continue;
            seen.add(n.key);
            const line = toJson({ ...n, role, address });
            process.stdout.write(`${line}\n`);
            if (webhook) {
              const failed = await post(webhook, line);
              if (failed)
                process.stderr.write(`gridlease watch: POST to ${webhook} failed: ${failed}\n`);
            }
          }
          if (ended) done.add(leaseId);
        }
      }
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
