/**
 * What the seed built on EAS, for the summary: the audits and what each shows a viewer who trusts the published
 * auditor, the reviews, the vetted-buyer offer with its refusal, every provider's score, and the self-dealer's
 * padding with what it bought (scores folded from the chain's events by ./reputation.ts).
 */
import { formatUnits, type Address } from "viem";
import {
  marketSybilCost,
  providerReputation,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
import { elapsed } from "@gridlease/sdk/pricing";
import type { SeedState } from "./model.ts";
import { foldReputation, reputationEvents, type ReputationSources } from "./reputation.ts";
import type { SeedTrust, SeededAudit, SeededVetting } from "./trust.ts";

/** What an audit shows a viewer who trusts the published auditor, at the end of the seed. */
export type SeededAuditStatus = "audited" | "failed" | "revoked" | "expired" | "unverified";

export interface TrustSummary {
  auditors: { published: Address; unlisted: Address };
  audits: (SeededAudit & { status: SeededAuditStatus })[];
  reviews: { count: number; verified: number; bySelfDealer: number };
  vetting?: SeededVetting;
  /** Every provider's score at the end, best first. */
  scores: { provider: string; address: Address; scoreBps: number; audited: boolean }[];
  /** The sybil cost of the seeded market (docs/reputation.md). */
  sybil: {
    medianProvider: string;
    medianScoreBps: number;
    p90ScoreBps: number;
    costUsdMicros: bigint;
  };
  selfDealer: {
    provider: string;
    address: Address;
    secondAddress: Address;
    offerId: bigint;
    pricePerGpuHour: bigint;
    leases: number;
    gpuHours: number;
    /** Protocol fee its padding leases paid, in micro-USD. */
    feesUsdMicros: bigint;
    scoreWithoutBps: number;
    scoreWithBps: number;
    /** Fee-weighted evidence (completed + failed leases) without and with the padding, in micro-USD. */
    evidenceWithoutUsdMicros: bigint;
    evidenceWithUsdMicros: bigint;
  };
}

function auditStatus(a: SeededAudit, now: bigint): SeededAuditStatus {
  if (a.revoked) return "revoked";
  if (!a.published) return "unverified";
  if (a.verdict === "Fail") return "failed";
  return a.validUntil > now ? "audited" : "expired";
}

/** The summary of `trust` at `now`, with scores from the chain's events. */
export async function trustSummary(
  s: SeedState,
  trust: SeedTrust,
  now: bigint,
): Promise<TrustSummary> {
  const deployment = trust.eas.deployment;
  const src: ReputationSources = {
    market: s.addresses.market,
    auditResolver: deployment.auditResolver,
    reviewResolver: deployment.reviewResolver,
    tokens: new Map([
      [s.addresses.usd, { symbol: "tUSD", decimals: 6 }],
      [s.addresses.grid, { symbol: "GRID", decimals: 18 }],
    ]),
  };
  const events = await reputationEvents(
    (method, params) => s.chain.request(method, params),
    src,
    s.chain.firstBlock,
  );
  const trusted = [trust.auditor];
  const records = foldReputation(events, src, trusted);
  const dealer = trust.selfDealer;
  const dealerAddress = dealer.offer?.provider.address ?? s.providers[0].address;
  const second = dealer.second.address;
  const withoutPadding = foldReputation(events, src, trusted, (l) => l.buyer === second);
  const nameOf = new Map(s.providers.map((p) => [p.address, p.tpl.name]));
  const score = (r: ReputationInputs | undefined) =>
    r ? providerReputation(r, now) : { scoreBps: 0, audited: false, evidenceUsdMicros: 0n };

  const sybil = marketSybilCost(records, now);
  const padding = dealer.leases;
  const gpuSeconds = padding.reduce(
    (sum, l) => sum + l.gpus * elapsed(l.start, l.duration, now),
    0n,
  );
  const fees = (r: ReputationInputs | undefined) => r?.feesPaidUsdMicros ?? 0n;
  const withP = score(records.get(dealerAddress));
  const withoutP = score(withoutPadding.get(dealerAddress));
  return {
    auditors: { published: trust.auditor, unlisted: trust.unlisted },
    audits: trust.audits.map((a) => ({ ...a, status: auditStatus(a, now) })),
    reviews: {
      count: trust.reviews.length,
      verified: trust.reviews.filter((r) => r.verified).length,
      bySelfDealer: trust.reviews.filter((r) => padding.some((l) => l.id === r.leaseId)).length,
    },
    vetting: trust.vetting,
    scores: [...records]
      .map(([address, r]) => {
        const rep = providerReputation(r, now);
        return {
          provider: nameOf.get(address) ?? address,
          address,
          scoreBps: rep.scoreBps,
          audited: rep.audited,
        };
      })
      .sort((a, b) => b.scoreBps - a.scoreBps),
    sybil: {
      medianProvider: nameOf.get(sybil.median.provider) ?? sybil.median.provider,
      medianScoreBps: sybil.median.scoreBps,
      p90ScoreBps: sybil.p90ScoreBps,
      costUsdMicros: sybil.costUsdMicros,
    },
    selfDealer: {
      provider: nameOf.get(dealerAddress) ?? dealerAddress,
      address: dealerAddress,
      secondAddress: second,
      offerId: dealer.offer?.id ?? 0n,
      pricePerGpuHour: dealer.offer?.price ?? 0n,
      leases: padding.length,
      gpuHours: Number(gpuSeconds / 3600n),
      feesUsdMicros: fees(records.get(dealerAddress)) - fees(withoutPadding.get(dealerAddress)),
      scoreWithoutBps: withoutP.scoreBps,
      scoreWithBps: withP.scoreBps,
      evidenceWithoutUsdMicros: withoutP.evidenceUsdMicros,
      evidenceWithUsdMicros: withP.evidenceUsdMicros,
    },
  };
}

/** Micro-USD as dollars ("$12.34"; "$0.000360" below a cent). */
export const usd = (micros: bigint) => {
  const n = Number(formatUnits(micros, 6));
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: n < 0.01 ? 6 : 2 })}`;
};
const pct = (bps: number) => `${(bps / 100).toFixed(2)} %`;

/** The summary's lines about trust. */
export function formatTrust(t: TrustSummary): string[] {
  const count = (status: SeededAuditStatus) => t.audits.filter((a) => a.status === status).length;
  const d = t.selfDealer;
  const lines = [
    `  audits: ${t.audits.length} (published auditor ${t.auditors.published}, unlisted ${t.auditors.unlisted}): ${count("audited")} audited, ${count("failed")} failed, ${count("revoked")} revoked, ${count("expired")} expired, ${count("unverified")} unverified (by the unlisted auditor)`,
    `  reviews: ${t.reviews.count} (${t.reviews.verified} verified by a lease verify run), ${t.reviews.bySelfDealer} of them by the self-dealer's second address`,
  ];
  const v = t.vetting;
  if (v)
    lines.push(
      `  vetted-buyer offer #${v.offerId} (${v.provider}, AttestationPolicy: vetting by ${v.attesters.join(", ")}): ${v.vetted.buyer} is vetted and leased${v.vetted.leaseId ? ` (lease #${v.vetted.leaseId})` : ""}; ${v.refused.buyer} is refused: ${v.refused.reason} (${v.refused.error})`,
    );
  lines.push(
    `  self-dealing: ${d.provider} leased its own private offer #${d.offerId} (${d.pricePerGpuHour} base unit per GPU-hour) from ${d.secondAddress}: ${d.leases} leases, ${d.gpuHours.toLocaleString("en-US")} GPU-hours, ${t.reviews.bySelfDealer} five-star reviews, for ${usd(d.feesUsdMicros)} in protocol fees`,
    `    its score went from ${pct(d.scoreWithoutBps)} to ${pct(d.scoreWithBps)}: every input is weighted by the fees its leases paid, and ${usd(d.feesUsdMicros)} is nothing beside its ${usd(d.evidenceWithoutUsdMicros)} of real record and the $50 prior`,
    `  scores: median ${t.sybil.medianProvider} ${pct(t.sybil.medianScoreBps)}, 90th percentile ${pct(t.sybil.p90ScoreBps)}; self-dealing to lift the median there costs ${usd(t.sybil.costUsdMicros)} in protocol fees`,
  );
  return lines;
}
