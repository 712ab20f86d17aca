/** Ticking clocks for countdowns: the local one, and the chain's. */
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { getBlock } from "viem/actions";
import { chainNow } from "../lib/chainClock.ts";
import { useReadClient } from "./useGridlease.ts";

/** Date.now(), refreshed every `ms` (default one second), for countdowns. */
export function useTicker(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * Chain time in unix seconds, ticking every `tickMs` (default one second; a list that only compares dates with it
 * ticks once a minute); the latest block is re-read every 30 s.
 */
export function useChainNow(tickMs = 1000): { now: bigint; refresh: () => void } {
  const client = useReadClient();
  const tick = useTicker(tickMs);
  const block = useQuery({
    queryKey: ["latest-block-time", client?.chain?.id],
    enabled: !!client,
    refetchInterval: 30_000,
    queryFn: async () => {
      const b = await getBlock(client!, { blockTag: "latest" });
      return { timestamp: b.timestamp, readAtMs: Date.now() };
    },
  });
  return { now: chainNow(tick, block.data), refresh: () => void block.refetch() };
}
