/**
 * Scores and audit badges for the whole market, loaded with a dynamic `import()` once the list is on screen: the
 * SDK's EAS and reputation code stays out of the first page's JS. Every provider's fee-weighted evidence and every
 * audit come from the indexer in one go; `judgeTrust` then scores them with the SDK's `providerReputation` and
 * judges each offer's audits with `auditStatus` for the viewer's trusted auditors (saved, else published).
 */
import type { Address } from "viem";
import { auditStatus, publishedAuditors, type AuditStatus } from "@gridlease/sdk/eas";
import { listAudits, type IndexedAudit } from "@gridlease/sdk/indexer";
import { indexer } from "../../lib/indexer.ts";
import { savedAuditors } from "../../lib/trustedAuditors.ts";
import {
  listProviderEvidence,
  providerReputation,
  type ProviderEvidence,
} from "../../lib/reputation.ts";
import type { ProviderScore } from "../../hooks/useReputation.ts";

/** What the indexer holds: evidence by provider, audits by offer id (either undefined when its read failed). */
export interface TrustData {
  evidence?: Map<string, ProviderEvidence>;
  audits?: Map<string, IndexedAudit[]>;
  /** The latest indexed block's time (a test chain's clock may run ahead of this computer's). */
  indexedTime?: bigint;
}

const laterOf = (a: bigint, b: bigint | undefined) => (b !== undefined && b > a ? b : a);

/** Reads every provider's evidence and every audit; a read that fails leaves its part out. */
export async function loadTrust(signal?: AbortSignal): Promise<TrustData> {
  const [evidence, audits, indexedTime] = await Promise.allSettled([
    listProviderEvidence(indexer, { signal }),
    listAudits(indexer, {}, { signal }),
    indexer.indexedTime({ signal }),
  ]);
  const byOffer = new Map<string, IndexedAudit[]>();
  if (audits.status === "fulfilled")
    for (const a of audits.value) {
      const key = a.offerId.toString();
      byOffer.set(key, [...(byOffer.get(key) ?? []), a]);
    }
  return {
    evidence:
      evidence.status === "fulfilled"
        ? new Map(evidence.value.map((e) => [e.provider.toLowerCase(), e]))
        : undefined,
    audits: audits.status === "fulfilled" ? byOffer : undefined,
    indexedTime: indexedTime.status === "fulfilled" ? indexedTime.value : undefined,
  };
}

/**
 * Scores by provider (lowercase) and audit statuses by offer id, for the `trusted` auditors (default: the list saved
 * in Settings, else the published one), at `now` (default: this computer's clock or the indexed chain's, whichever
 * is later).
 */
export function judgeTrust(
  data: TrustData,
  chainId: number,
  trusted: readonly Address[] = savedAuditors(chainId) ?? publishedAuditors(chainId),
  now = laterOf(BigInt(Math.floor(Date.now() / 1000)), data.indexedTime),
): { scores?: Map<string, ProviderScore>; audits?: Map<string, AuditStatus> } {
  const list = trusted;
  const scores = data.evidence && new Map<string, ProviderScore>();
  for (const [address, evidence] of data.evidence ?? [])
    scores!.set(address, { evidence, reputation: providerReputation(evidence.inputs, now) });
  const audits = data.audits && new Map<string, AuditStatus>();
  for (const [offerId, list_] of data.audits ?? [])
    audits!.set(offerId, auditStatus(list_, list, now));
  return { scores, audits };
}
