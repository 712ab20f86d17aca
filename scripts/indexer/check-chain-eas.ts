/**
 * The attestation half of the chain check (./check-chain.ts): every Gridlease attestation, audit, review, buyer
 * vetting, offer requirement and policy credential against EAS's and AttestationPolicy's own reads, and each
 * provider's reputation inputs recomputed from the leases' reads and logs, the outage logs, the review resolver's
 * `reviewOf` and EAS's attestations, through the SDK's `leaseEvidence`, `reviewEvidence` and `auditedUntilOf`
 * (the formula's one definition; what is independent here is every fact fed to it).
 */
import type { NetworkConnection } from "hardhat/types/network";
import { getContract, parseEventLogs, type Address, type Hex } from "viem";
import {
  attestationPolicyAbi,
  easAbi,
  gridleaseMarketAbi,
  gridleaseReviewResolverAbi,
} from "@gridlease/sdk/abis";
import {
  decodeAudit,
  decodeReview,
  decodeVetting,
  easDeployment,
  publishedAuditors,
  schemaKeyOf,
} from "@gridlease/sdk/eas";
import { knownTokenDisplay } from "@gridlease/sdk/format";
import {
  REPUTATION_INPUT_FIELDS,
  addEvidence,
  auditedUntilOf,
  leaseEvidence,
  NO_EVIDENCE,
  OUTAGE_MIN_SECONDS,
  reviewEvidence,
  type AuditRecord,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";
import type { EndReasonName } from "@gridlease/sdk/status";
import type { EntityDump } from "../../test/indexer/support/subgraph-runtime.ts";

/** An ended-or-not lease as the chain check read it (getLease and its own logs). */
export interface LeaseEvidenceFacts {
  provider: string;
  token: string;
  status: string;
  endReason: string;
  feeBps: bigint;
  accrued: bigint;
  /** Deposits and top-ups. */
  paidIn: bigint;
  activated: boolean;
  /** GPU-seconds billed, for an ended lease. */
  delivered: bigint;
  gpusPerUnit: bigint;
  /** The lease's down unit-seconds (getLease). */
  downUnitSeconds: bigint;
}

/**
 * Down unit-seconds per lease in outages that stayed open OUTAGE_MIN_SECONDS or more, from the market's outage
 * logs: an outage runs from its first report to its resolution (or the lease's end), and its down time is the
 * contract's running total then less the total when it began.
 */
async function longOutageDown(
  connection: NetworkConnection,
  market: Address,
  leases: Map<bigint, LeaseEvidenceFacts>,
) {
  const client = await connection.viem.getPublicClient();
  const logs = parseEventLogs({
    abi: gridleaseMarketAbi,
    logs: await client.getLogs({ address: market, fromBlock: 0n }),
    strict: true,
  });
  const state = new Map<bigint, { since: bigint | null; base: bigint; long: bigint }>();
  for (const log of logs) {
    if (
      log.eventName !== "OutageReported" &&
      log.eventName !== "OutageResolved" &&
      log.eventName !== "LeaseEnded"
    )
      continue;
    const id = log.args.leaseId;
    const s = state.get(id) ?? { since: null, base: 0n, long: 0n };
    state.set(id, s);
    const at = (await client.getBlock({ blockNumber: log.blockNumber })).timestamp;
    const close = (closedAt: bigint, total: bigint) => {
      if (s.since !== null && closedAt - s.since >= OUTAGE_MIN_SECONDS) s.long += total - s.base;
      s.since = null;
      s.base = total;
    };
    if (log.eventName === "OutageReported" && s.since === null) s.since = at;
    if (log.eventName === "OutageResolved") close(at, log.args.downUnitSeconds);
    if (log.eventName === "LeaseEnded")
      close(log.args.endTime, leases.get(id)?.downUnitSeconds ?? s.base);
  }
  return new Map([...state].map(([id, s]) => [id, s.long]));
}

/** Returns every mismatch between the dump's attestation entities and reputation inputs and the chain. */
export async function checkAttestationsAgainstChain(
  connection: NetworkConnection,
  market: Address,
  dump: EntityDump,
  leases: Map<bigint, LeaseEvidenceFacts>,
): Promise<string[]> {
  const client = await connection.viem.getPublicClient();
  const deployment = easDeployment(31337);
  const eas = getContract({ address: deployment.eas, abi: easAbi, client });
  const policy = getContract({ address: deployment.policy, abi: attestationPolicyAbi, client });
  const reviews = getContract({
    address: deployment.reviewResolver,
    abi: gridleaseReviewResolverAbi,
    client,
  });
  const problems: string[] = [];
  const expect = (what: string, indexed: unknown, onChain: unknown) => {
    if (String(indexed) !== String(onChain))
      problems.push(`${what}: indexed ${indexed}, on chain ${onChain}`);
  };
  const lower = (a: string) => a.toLowerCase();
  const revokedAt = (t: bigint) => (t === 0n ? null : t);

  // Every attestation of Gridlease's schemas EAS logged, read back from EAS.
  const attested = parseEventLogs({
    abi: easAbi,
    logs: await client.getLogs({ address: deployment.eas, fromBlock: 0n }),
    strict: true,
  }).flatMap((l) =>
    l.eventName === "Attested" && schemaKeyOf(deployment, l.args.schemaUID) ? [l.args.uid] : [],
  );
  const onChain = new Map(
    await Promise.all(
      attested.map(async (uid) => [lower(uid), await eas.read.getAttestation([uid])] as const),
    ),
  );
  const ids = (entity: string) => Object.keys(dump[entity] ?? {}).sort();
  const keysOf = (kind: string) =>
    [...onChain]
      .filter(([, a]) => schemaKeyOf(deployment, a.schema) === kind)
      .map(([id]) => id)
      .sort();
  expect("Attestation ids", ids("Attestation").join(","), [...onChain.keys()].sort().join(","));
  expect("Audit ids", ids("Audit").join(","), keysOf("audit").join(","));
  expect("Review ids", ids("Review").join(","), keysOf("review").join(","));
  expect("BuyerVetting ids", ids("BuyerVetting").join(","), keysOf("vetting").join(","));

  for (const [id, row] of Object.entries(dump.Attestation ?? {})) {
    const a = onChain.get(id);
    if (!a) continue;
    expect(`attestation ${id} schema`, row.schema, lower(a.schema));
    expect(`attestation ${id} kind`, row.kind, schemaKeyOf(deployment, a.schema));
    expect(`attestation ${id} attester`, row.attester, lower(a.attester));
    expect(`attestation ${id} recipient`, row.recipient, lower(a.recipient));
    expect(`attestation ${id} time`, row.time, a.time);
    expect(`attestation ${id} expirationTime`, row.expirationTime, a.expirationTime);
    expect(`attestation ${id} revokedAt`, row.revokedAt, revokedAt(a.revocationTime));
  }

  const audits = new Map<string, AuditRecord[]>();
  const auditCounts = new Map<string, number>();
  for (const [id, a] of onChain) {
    if (schemaKeyOf(deployment, a.schema) !== "audit") continue;
    const p = decodeAudit(a.data);
    const provider = lower(a.recipient);
    audits.set(provider, [
      ...(audits.get(provider) ?? []),
      {
        auditor: a.attester,
        verdict: p.verdict,
        validUntil: p.validUntil,
        revokedAt: revokedAt(a.revocationTime),
      },
    ]);
    auditCounts.set(provider, (auditCounts.get(provider) ?? 0) + 1);
    const row = dump.Audit?.[id];
    if (!row) continue;
    expect(`audit ${id} offer`, row.offer, p.offerId);
    expect(`audit ${id} provider`, row.provider, provider);
    expect(`audit ${id} auditor`, row.auditor, lower(a.attester));
    expect(`audit ${id} hardwareReportHash`, row.hardwareReportHash, p.hardwareReportHash);
    expect(`audit ${id} verdict`, row.verdict, p.verdict);
    expect(`audit ${id} validUntil`, row.validUntil, p.validUntil);
    expect(`audit ${id} attestedAt`, row.attestedAt, a.time);
    expect(`audit ${id} revokedAt`, row.revokedAt, revokedAt(a.revocationTime));
  }

  // Reviews by lease, as the review resolver records them.
  const evidence = new Map<string, ReputationInputs>();
  const reviewCounts = new Map<string, number>();
  const add = (provider: string, e: ReputationInputs) =>
    evidence.set(provider, addEvidence(evidence.get(provider) ?? NO_EVIDENCE, e));
  const long = await longOutageDown(connection, market, leases);
  for (const [leaseId, l] of leases) {
    let paid = 0n;
    if (l.status === "Ended") {
      const token = knownTokenDisplay(l.token);
      const e = leaseEvidence({
        endReason: l.endReason as EndReasonName,
        activated: l.activated,
        feeBps: l.feeBps,
        accrued: l.accrued,
        deposit: l.paidIn,
        gpuSecondsServed: l.delivered,
        gpuSecondsDown: l.gpusPerUnit * (long.get(leaseId) ?? 0n),
        symbol: token?.symbol ?? "",
        decimals: token?.decimals ?? 0,
      });
      paid = e.feesPaidUsdMicros;
      add(l.provider, e);
    }
    const uid = lower(await reviews.read.reviewOf([leaseId]));
    if (/^0x0+$/.test(uid)) continue;
    reviewCounts.set(l.provider, (reviewCounts.get(l.provider) ?? 0) + 1);
    const a = onChain.get(uid);
    if (!a) {
      problems.push(`lease ${leaseId}: reviewOf names ${uid}, which EAS did not log`);
      continue;
    }
    const r = decodeReview(a.data);
    if (l.status === "Ended") add(l.provider, reviewEvidence(paid, r.score));
    expect(`lease ${leaseId} review`, dump.Lease?.[String(leaseId)]?.review, uid);
    const row = dump.Review?.[uid];
    if (!row) continue;
    expect(`review ${uid} lease`, row.lease, leaseId);
    expect(`review ${uid} provider`, row.provider, lower(a.recipient));
    expect(`review ${uid} buyer`, row.buyer, lower(a.attester));
    expect(`review ${uid} score`, row.score, r.score);
    expect(`review ${uid} verified`, row.verified, r.verified);
    expect(`review ${uid} reportHash`, row.reportHash, r.reportHash);
    expect(`review ${uid} createdAt`, row.createdAt, a.time);
    expect(`review ${uid} feeWeight`, row.feeWeight, paid);
  }

  const published = publishedAuditors(31337);
  for (const [id, row] of Object.entries(dump.Provider ?? {})) {
    const want: Record<string, unknown> = {
      ...(evidence.get(id) ?? NO_EVIDENCE),
      auditedUntil: auditedUntilOf(audits.get(id) ?? [], published),
      reviewCount: reviewCounts.get(id) ?? 0,
      auditCount: auditCounts.get(id) ?? 0,
    };
    for (const field of [...REPUTATION_INPUT_FIELDS, "reviewCount", "auditCount"])
      expect(`provider ${id} ${field}`, row[field], want[field]);
  }

  for (const [id, row] of Object.entries(dump.BuyerVetting ?? {})) {
    const a = onChain.get(id);
    if (!a) continue;
    expect(`vetting ${id} buyer`, row.buyer, lower(a.recipient));
    expect(`vetting ${id} attester`, row.attester, lower(a.attester));
    expect(`vetting ${id} evidenceHash`, row.evidenceHash, decodeVetting(a.data).evidenceHash);
    expect(`vetting ${id} expirationTime`, row.expirationTime, a.expirationTime);
    expect(`vetting ${id} createdAt`, row.createdAt, a.time);
    expect(`vetting ${id} revokedAt`, row.revokedAt, revokedAt(a.revocationTime));
  }
  for (const [id, row] of Object.entries(dump.OfferRequirement ?? {})) {
    const [provider, schema, attesters] = await policy.read.getRequirement([BigInt(id)]);
    expect(`requirement ${id} provider`, row.provider, lower(provider));
    expect(`requirement ${id} schema`, row.schema, lower(schema));
    expect(`requirement ${id} attesters`, row.attesters, attesters.map(lower).join(","));
  }
  for (const [id, row] of Object.entries(dump.PolicyCredential ?? {})) {
    const uid = await policy.read.credentialOf([row.buyer as Address, row.schema as Hex]);
    expect(`credential ${id} uid`, row.uid, lower(uid));
    expect(
      `credential ${id} attester`,
      row.attester,
      lower(onChain.get(lower(uid))?.attester ?? ""),
    );
  }
  return problems;
}
