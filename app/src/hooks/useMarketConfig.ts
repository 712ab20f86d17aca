/** The market's settings (fee, penalty rate, activation window, limits), read once a minute from the chain. */
import { useQuery } from "@tanstack/react-query";
import { getMarketConfig } from "@gridlease/sdk";
import { useGridlease, useReadClient } from "./useGridlease.ts";

/** The market's configuration on the app's chain (`getMarketConfig`). */
export function useMarketConfig() {
  const client = useReadClient();
  const { addresses, chainId } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["market-config", chainId, market],
    enabled: !!client && !!market,
    staleTime: 60_000,
    queryFn: () => getMarketConfig(client!, { market: market! }),
  });
}
