/**
 * Hardware audits as this viewer sees them: the indexer's audits, judged with the viewer's trusted auditors at chain
 * time (`auditStatus`), so a badge says "audited" only for a current Pass by someone the viewer trusts.
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { auditStatus, listAudits, type AuditStatus, type IndexedAudit } from "../lib/eas.ts";
import { indexer } from "../lib/indexer.ts";
import { useChainNow } from "./useChainNow.ts";
import { useTrustedAuditors } from "./useTrustedAuditors.ts";

/** Every audit in the index, grouped by offer id (re-read every 30 s). */
export function useAllAudits() {
  return useQuery({
    queryKey: ["eas", "audits", "all"],
    refetchInterval: 30_000,
    retry: 0,
    queryFn: async ({ signal }) => {
      const byOffer = new Map<string, IndexedAudit[]>();
      for (const a of await listAudits(indexer, {}, { signal })) {
        const key = a.offerId.toString();
        byOffer.set(key, [...(byOffer.get(key) ?? []), a]);
      }
      return byOffer;
    },
  });
}

/** The audit status of every audited offer, by offer id (offers without audits are missing: "none"). */
export function useAuditStatuses(): Map<string, AuditStatus> | undefined {
  const audits = useAllAudits().data;
  const { auditors } = useTrustedAuditors();
  const { now } = useChainNow(60_000);
  return useMemo(() => {
    if (!audits) return undefined;
    const out = new Map<string, AuditStatus>();
    for (const [offerId, list] of audits) out.set(offerId, auditStatus(list, auditors, now));
    return out;
  }, [audits, auditors, now]);
}

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
