/** The auditor page's reads: the offer being audited (chain) and the connected auditor's own audits (indexer). */
import { useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import { getOffer } from "@gridlease/sdk";
import { listAudits } from "../../lib/eas.ts";
import { indexer } from "../../lib/indexer.ts";
import { useGridlease, useReadClient } from "../../hooks/useGridlease.ts";

/** The offer as the chain has it; null when no offer has this number. */
export function useAuditedOffer(offerId: bigint | undefined) {
  const client = useReadClient();
  const { chainId, addresses } = useGridlease();
  const market = addresses?.market;
  return useQuery({
    queryKey: ["audit", "offer", chainId, offerId?.toString()],
    enabled: !!client && !!market && offerId !== undefined,
    queryFn: async () => {
      const offer = await getOffer(client!, { market: market!, offerId: offerId! });
      return offer.provider === zeroAddress ? null : offer;
    },
  });
}

/** The audits `auditor` attested, newest validity first. */
export function useMyAudits(auditor: Address | undefined) {
  return useQuery({
    queryKey: ["eas", "audits", "auditor", auditor?.toLowerCase()],
    enabled: !!auditor,
    refetchInterval: 15_000,
    queryFn: ({ signal }) => listAudits(indexer, { auditor }, { signal }),
  });
}
