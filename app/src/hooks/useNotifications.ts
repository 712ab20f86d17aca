/**
 * The connected account's notifications: for each of its live leases, as buyer or as provider, the SDK's
 * `leaseNotifications` (runway low, grace started, activation due, outage open, ending soon, top-up executed) fed
 * from the chain (the lease with its outage, `getLeaseTerms`, `getTopUpAllowance`, the `TopUpExecuted` logs); the
 * indexer only says which leases are live. Read once a minute.
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { getContractEvents, readContract } from "viem/actions";
import {
  gridleaseDeployment,
  gridleaseMarketAbi,
  leaseEnd,
  listLeases,
  type ReadClient,
} from "@gridlease/sdk";
import {
  leaseNotifications,
  type Notification,
  type TopUpExecutedArgs,
} from "@gridlease/sdk/notifications";
import { indexer } from "../lib/indexer.ts";
import { readLiveLease } from "../lib/liveLease.ts";
import { useGridlease, useReadClient } from "./useGridlease.ts";

/** At most this many live leases are watched (the newest): the list is a reminder, not a ledger. */
const MAX_WATCHED = 50;

/** Every notification of `account`'s live leases at chain time `now`, newest deadline first. */
export async function accountNotifications(
  client: ReadClient,
  p: { market: Address; chainId: number; account: Address; now: bigint },
): Promise<Notification[]> {
  const [bought, served] = await Promise.all([
    listLeases(indexer, { buyer: p.account }, { max: 500 }),
    listLeases(indexer, { provider: p.account }, { max: 500 }),
  ]);
  const ids = [
    ...new Set([...bought, ...served].filter((l) => l.status !== "Ended").map((l) => l.leaseId)),
  ]
    .sort((a, b) => (a > b ? -1 : 1))
    .slice(0, MAX_WATCHED);
  if (ids.length === 0) return [];
  const read = { address: p.market, abi: gridleaseMarketAbi } as const;
  const [leases, topUpLogs] = await Promise.all([
    Promise.all(
      ids.map(async (leaseId) => {
        const [lease, terms, allowance] = await Promise.all([
          readLiveLease(client, { market: p.market, leaseId }),
          readContract(client, { ...read, functionName: "getLeaseTerms", args: [leaseId] }),
          readContract(client, { ...read, functionName: "getTopUpAllowance", args: [leaseId] }),
        ]);
        return { lease, terms, allowance };
      }),
    ),
    getContractEvents(client, {
      ...read,
      eventName: "TopUpExecuted",
      args: { leaseId: ids },
      fromBlock: BigInt(gridleaseDeployment(p.chainId).contracts.GridleaseMarket?.startBlock ?? 0),
    }),
  ]);
  // The latest top-up of each lease: older ones are history (the lease card lists them all).
  const latestTopUp = new Map<bigint, TopUpExecutedArgs>();
  for (const log of topUpLogs) {
    const a = log.args;
    if (a.leaseId === undefined || a.executor === undefined) continue;
    latestTopUp.set(a.leaseId, {
      leaseId: a.leaseId,
      executor: a.executor,
      addedDuration: a.addedDuration ?? 0n,
      amount: a.amount ?? 0n,
      fundedUntil: a.fundedUntil ?? 0n,
      remaining: a.remaining ?? 0n,
    });
  }
  return leases
    .flatMap(({ lease, terms, allowance }) => {
      const active = lease.start > 0n;
      const topUp = latestTopUp.get(lease.leaseId);
      return leaseNotifications(
        {
          leaseId: lease.leaseId,
          status: lease.status,
          start: lease.start,
          // A rolling lease runs to its term, not to its funded end.
          end: active ? leaseEnd(lease.start, terms.term, lease.outage) : 0n,
          activationDeadline: active ? 0n : lease.activationDeadline,
          downUnits: lease.outage?.downUnits ?? 0n,
          repairDeadline: lease.outage && lease.outage.since > 0n ? lease.outage.deadline : 0n,
        },
        terms,
        allowance,
        p.now,
        { topUps: topUp ? [topUp] : [] },
      );
    })
    .sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : 0));
}

/** The connected account's notifications, re-read every minute (nothing without a wallet or a deployment). */
export function useNotifications(now: bigint) {
  const client = useReadClient();
  const { addresses, account, chainId } = useGridlease();
  // Chain time moves the list only at minute granularity: keep it out of the key, pass it to the read.
  return useQuery({
    queryKey: ["notifications", chainId, account?.toLowerCase()],
    enabled: !!client && !!addresses && !!account && now > 0n,
    refetchInterval: 60_000,
    queryFn: () =>
      accountNotifications(client!, {
        market: addresses!.market,
        chainId,
        account: account!,
        now,
      }),
  });
}
