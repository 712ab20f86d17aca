/**
 * An offer's hardware audits as this viewer sees them: the indexer's audits, judged with the viewer's trusted
 * auditors at chain time (`auditStatus`), so a badge says "audited" only for a current Pass by someone the viewer
 * trusts. (The market judges every offer at once in pages/market/trust.ts.)
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { auditStatus, listAudits } from "../lib/eas.ts";
import { indexer } from "../lib/indexer.ts";
import { useChainNow } from "./useChainNow.ts";
import { useTrustedAuditors } from "./useTrustedAuditors.ts";

/** One offer's audits and their status for this viewer. */
export function useOfferAudits(offerId: bigint) {
  const { auditors } = useTrustedAuditors();
  const { now } = useChainNow(60_000);
  const q = useQuery({
    queryKey: ["eas", "audits", "offer", offerId.toString()],
    refetchInterval: 30_000,
    retry: 0,
    queryFn: ({ signal }) => listAudits(indexer, { offerId }, { signal }),
  });
  const status = useMemo(
    () => (q.data ? auditStatus(q.data, auditors, now) : undefined),
    [q.data, auditors, now],
  );
  return { ...q, status };
}
