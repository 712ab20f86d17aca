/**
 * The subgraph's attestation mappings and the providers' reputation inputs on the committed scenario vectors
 * (scripts/indexer/scenario-eas.ts): what each entity says must be what the scenario did. Ponder is held to the same
 * entities by ponder.test.ts, the chain by subgraph-chain.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { publishedAuditors } from "@gridlease/sdk/eas";
import { scenarioEntities, scenarioEvents } from "./support/fixtures.ts";
import { SubgraphRuntime, type EntityDump } from "./support/subgraph-runtime.ts";

let dump: EntityDump;
let runtime: SubgraphRuntime;

beforeAll(async () => {
  runtime = await SubgraphRuntime.load();
  runtime.handleAll(scenarioEvents());
  dump = runtime.dump();
});

const rows = (entity: string) => Object.values(dump[entity] ?? {});
const big = (v: unknown) => BigInt(v as string);
/** The micro-USD of fee a tUSD lease paid: 1 tUSD base unit is one micro-dollar. */
const paidFee = (lease: EntityDump[string][string]) =>
  (big(lease.accrued) * big(lease.feeBps)) / 10_000n;

describe("the attestation mappings", () => {
  it("match the committed entities", () => {
    expect(dump).toEqual(scenarioEntities());
    expect(runtime.logs).toEqual([]);
  });

  it("index every attestation of the three schemas, with the expiry its resolver logged", () => {
    const kinds = rows("Attestation").map((a) => a.kind);
    expect(kinds.filter((k) => k === "audit")).toHaveLength(rows("Audit").length);
    expect(kinds.filter((k) => k === "review")).toHaveLength(rows("Review").length);
    expect(kinds.filter((k) => k === "vetting")).toHaveLength(rows("BuyerVetting").length);
    for (const audit of rows("Audit")) {
      const a = dump.Attestation![audit.id as string]!;
      expect(a).toMatchObject({
        expirationTime: audit.validUntil,
        attester: audit.auditor,
        recipient: audit.provider,
        revokedAt: audit.revokedAt,
        time: audit.attestedAt,
      });
    }
    for (const review of rows("Review"))
      expect(dump.Attestation![review.id as string]).toMatchObject({
        expirationTime: "0",
        attester: review.buyer,
        revokedAt: null,
      });
    expect(rows("Audit").filter((a) => a.revokedAt !== null)).toHaveLength(1);
    expect(rows("BuyerVetting").filter((v) => v.revokedAt !== null)).toHaveLength(1);
  });

  it("ignore EAS attestations and revocations of other schemas", async () => {
    const fresh = await SubgraphRuntime.load();
    const events = scenarioEvents();
    fresh.handleAll(events);
    const attested = events.find((e) => e.event === "Attested")!;
    const otherSchema = `0x${"77".repeat(32)}`;
    for (const event of ["Attested", "Revoked"])
      fresh.handle({
        ...attested,
        event,
        args: { ...attested.args, uid: `0x${"66".repeat(32)}`, schemaUID: otherSchema },
        logIndex: 40,
      });
    expect(fresh.dump()).toEqual(dump);
    expect(fresh.logs).toEqual([]);
  });

  it("set auditedUntil from unrevoked Pass audits by published auditors only", () => {
    const published = publishedAuditors(31337).map((a) => a.toLowerCase());
    for (const provider of rows("Provider")) {
      const audits = rows("Audit").filter((a) => a.provider === provider.id);
      const counted = audits.filter(
        (a) => a.verdict === 1 && a.revokedAt === null && published.includes(a.auditor as string),
      );
      expect(provider.auditCount).toBe(audits.length);
      expect(big(provider.auditedUntil)).toBe(
        counted.reduce((max, a) => (big(a.validUntil) > max ? big(a.validUntil) : max), 0n),
      );
      // Each provider has an audit that does not count (revoked, failed or by an auditor not on the list).
      expect(counted.length).toBeLessThan(audits.length);
      expect(big(provider.auditedUntil)).toBeGreaterThan(0n);
    }
    // The revoked audit ran later than the one left standing: revoking it lowered auditedUntil.
    const revoked = rows("Audit").find((a) => a.revokedAt !== null)!;
    expect(big(revoked.validUntil)).toBeGreaterThan(
      big(dump.Provider![revoked.provider as string]!.auditedUntil),
    );
  });

  it("weigh a review by its lease's fee once the lease ended, a review posted while it ran included", () => {
    for (const review of rows("Review")) {
      const lease = dump.Lease![review.lease as string]!;
      expect(lease.review).toBe(review.id);
      expect(big(review.feeWeight), `lease ${lease.id}`).toBe(
        lease.status === "Ended" ? paidFee(lease) : 0n,
      );
    }
    // Lease 9 was reviewed while it ran and ended after: its review weighs its fee.
    const whileActive = rows("Review").find((r) => r.lease === "9")!;
    expect(big(whileActive.createdAt)).toBeLessThan(big(dump.Lease!["9"]!.closedAt));
    expect(big(whileActive.feeWeight)).toBeGreaterThan(0n);
    for (const provider of rows("Provider")) {
      const reviews = rows("Review").filter((r) => r.provider === provider.id);
      expect(provider.reviewCount).toBe(reviews.length);
      expect(big(provider.reviewWeight)).toBe(reviews.reduce((s, r) => s + big(r.feeWeight), 0n));
      expect(big(provider.reviewScoreWeight)).toBe(
        reviews.reduce((s, r) => s + big(r.feeWeight) * BigInt(r.score as number), 0n),
      );
    }
  });

  it("give self-dealt leases at 1 base unit per GPU-hour their counts and GPU-hours but no weight", () => {
    const selfDealt = ["11", "12"].map((id) => dump.Lease![id]!);
    for (const lease of selfDealt) {
      expect(lease).toMatchObject({ status: "Ended", endReason: "Expired" });
      expect(big(lease.accrued)).toBeGreaterThan(0n);
      expect(paidFee(lease)).toBe(0n);
      expect(dump.Review![lease.review as string]).toMatchObject({ score: 5, feeWeight: "0" });
    }
    // Two 5-star reviews, yet the provider's review score stays where its real buyer's review put it.
    const provider = dump.Provider![selfDealt[0]!.provider as string]!;
    expect(big(provider.reviewScoreWeight)).toBe(4n * big(provider.reviewWeight));
  });

  it("count only outages open 15 minutes or more against uptime", () => {
    // Lease 11: a 10-minute outage; lease 9: two outages of an hour or more; lease 10: 16 minutes, open at its end.
    expect(dump.Lease!["11"]).toMatchObject({ longDownUnitSeconds: "0" });
    expect(big(dump.Lease!["11"]!.downUnitSeconds)).toBeGreaterThan(0n);
    for (const id of ["9", "10"])
      expect(dump.Lease![id]!.longDownUnitSeconds).toBe(dump.Lease![id]!.downUnitSeconds);
    for (const lease of rows("Lease"))
      expect(lease).toMatchObject({ outageStartedAt: null, outageStartDownUnitSeconds: "0" });
    for (const provider of rows("Provider")) {
      expect(big(provider.uptimeWeight)).toBeLessThan(big(provider.deliveredWeight));
      expect(big(provider.deliveredWeight)).toBeLessThanOrEqual(big(provider.feesPaidUsdMicros));
    }
  });

  it("weigh the price index by the fees leases paid, so fee-free leases do not move it", () => {
    for (const stat of rows("GpuModelStat")) {
      const ended = rows("Lease").filter(
        (l) =>
          l.status === "Ended" && `${l.gpuModel}:${l.paymentToken}` === stat.id && paidFee(l) > 0n,
      );
      expect(big(stat.feesPaid), stat.id as string).toBe(
        ended.reduce((s, l) => s + paidFee(l), 0n),
      );
      expect(big(stat.feeWeightedPriceSum), stat.id as string).toBe(
        ended.reduce((s, l) => s + big(l.pricePerGpuHour) * paidFee(l), 0n),
      );
    }
    // The B200 index ignores the two leases at 1 base unit per GPU-hour: every fee-paying B200 lease cost more.
    const b200 = rows("GpuModelStat").find((s) => (s.id as string).startsWith("B200"))!;
    expect(big(b200.feeWeightedPriceSum) / big(b200.feesPaid)).toBeGreaterThan(1_000_000n);
  });

  it("keep the offer's requirement and each buyer's registered credential", () => {
    const [requirement] = rows("OfferRequirement");
    expect(requirement).toMatchObject({
      id: "4",
      attesters: publishedAuditors(31337)[0]!.toLowerCase(),
      provider: dump.Offer!["4"]!.provider,
    });
    expect(dump.Offer!["4"]!.buyerPolicy).toBe(runtime.addressOf("AttestationPolicy"));
    const vettings = dump.BuyerVetting!;
    for (const credential of rows("PolicyCredential")) {
      expect(credential.schema).toBe(requirement!.schema);
      expect(vettings[credential.uid as string]).toMatchObject({ buyer: credential.buyer });
    }
  });
});
