/**
 * Trust in the seeded market (issue #13), on EAS:
 *
 * - hardware audits: the published auditor (Hardhat account #17) passes offers of four providers, fails one,
 *   passes one more that it revokes on day 9, and one whose validUntil passes on day 4; an auditor not on the list
 *   (#18) passes one more offer, which clients must show as "unverified";
 * - a vetted-buyer offer: the Brisbane operator (Southern Cross Compute) lists H100 servers under the
 *   AttestationPolicy, for buyers vetted by the published auditor. Buyer #15 is vetted by #17, registers and leases;
 *   buyer #19 registers a vetting by #18, whom the offer does not name, and is refused;
 * - a self-dealing provider (./selfDealing.ts);
 * - reviews at the end: buyers review about a third of the activated leases (scores follow how the lease went; most
 *   carry `verified` from a verify run), and the self-dealer's second address gives each of its leases 5 stars.
 */
import { encodeFunctionData, keccak256, toHex, zeroHash, type Address, type Hex } from "viem";
import { attestationPolicyAbi, gridleaseMarketAbi } from "@gridlease/sdk/abis";
import {
  AuditVerdict,
  POLICY_CHECK_REASONS,
  encodeAudit,
  encodeReview,
  encodeVetting,
  type AuditVerdictName,
} from "@gridlease/sdk/eas";
import { explainError } from "@gridlease/sdk/errors";
import { DAY, HOUR } from "./catalog.ts";
import type { SeedEas, SeededAttestation } from "./eas.ts";
import { openLease } from "./leases.ts";
import type { Buyer, LeaseState, OfferState, ProviderState, SeedState } from "./model.ts";
import { createOffer } from "./providers.ts";
import { Random } from "./random.ts";
import type { SelfDealer } from "./selfDealing.ts";

/** Hardhat account of the market's published auditor on the local chain (sdk/src/eas/auditors.ts). */
export const AUDITOR_ACCOUNT = 17;
/** Hardhat account of an auditor that is on no published list. */
export const UNLISTED_AUDITOR_ACCOUNT = 18;
/** The buyer the published auditor vets for the vetted-buyer offer (a dev account of the app). */
export const VETTED_BUYER_ACCOUNT = 15;
/** The buyer that holds only a vetting by the unlisted auditor, and is refused (a dev account of the app). */
export const REFUSED_BUYER_ACCOUNT = 19;

/** An audit the seed made, and what became of it. */
export interface SeededAudit {
  uid: Hex;
  offerId: bigint;
  provider: string;
  auditor: Address;
  /** Whether the auditor is the market's published one. */
  published: boolean;
  verdict: AuditVerdictName;
  validUntil: bigint;
  revoked: boolean;
}

/** The vetted-buyer offer and its two buyers. */
export interface SeededVetting {
  offerId: bigint;
  provider: string;
  attesters: Address[];
  vetted: { buyer: Address; uid: Hex; leaseId?: bigint };
  refused: {
    buyer: Address;
    uid: Hex;
    attester: Address;
    code: number;
    reason: string;
    error: string;
  };
}

/** The audits to make on day 1: provider, GPU of its first on-demand offer with it, auditor, verdict, fate. */
const AUDITS: {
  provider: string;
  gpu: string;
  by: "published" | "unlisted";
  verdict: AuditVerdictName;
  fate?: "revoked" | "expires";
}[] = [
  { provider: "Southern Cross Compute", gpu: "H100-SXM-80GB", by: "published", verdict: "Pass" },
  { provider: "Kansai AI Factory", gpu: "H200-141GB", by: "published", verdict: "Pass" },
  { provider: "Lion City Compute", gpu: "H200-141GB", by: "published", verdict: "Pass" },
  { provider: "Harbour Bridge GPU Cloud", gpu: "B200-192GB", by: "published", verdict: "Pass" },
  { provider: "Petaling Render Farm", gpu: "", by: "published", verdict: "Fail" },
  {
    provider: "Johor Hyperscale AI",
    gpu: "B200-192GB",
    by: "published",
    verdict: "Pass",
    fate: "revoked",
  },
  { provider: "Golden State GPU", gpu: "", by: "published", verdict: "Pass", fate: "expires" },
  { provider: "Dubai Silicon Oasis Compute", gpu: "", by: "unlisted", verdict: "Pass" },
];

/** How long a standing audit is valid from the start of the history. */
const AUDIT_VALIDITY = 180n * DAY;
/** How long the seeded vettings are valid from the start of the history. */
const VETTING_VALIDITY = 365n * DAY;

/** Everything the seed does on EAS, scheduled on the seed's clock. */
export class SeedTrust {
  readonly eas: SeedEas;
  readonly audits: SeededAudit[] = [];
  vetting?: SeededVetting;
  readonly selfDealer: SelfDealer;
  readonly reviews: { uid: Hex; leaseId: bigint; score: number; verified: boolean }[] = [];
  /** Review scores and verify outcomes: a stream of their own, so reviews do not move the market's history. */
  private readonly rng: Random;

  private readonly s: SeedState;
  readonly auditor: Address;
  readonly unlisted: Address;
  private readonly vettedBuyer: Buyer;
  private readonly refusedBuyer: Buyer;
  /** The audits' attestations by UID, for the revocation. */
  private readonly made = new Map<Hex, SeededAttestation>();
  private vettedOffer?: OfferState;
  /** Each of the two buyers' vetting. */
  private readonly vettingOf = new Map<Address, SeededAttestation>();

  constructor(
    s: SeedState,
    eas: SeedEas,
    actors: { auditor: Address; unlisted: Address; vettedBuyer: Buyer; refusedBuyer: Buyer },
    selfDealer: SelfDealer,
  ) {
    this.s = s;
    this.eas = eas;
    this.auditor = actors.auditor;
    this.unlisted = actors.unlisted;
    this.vettedBuyer = actors.vettedBuyer;
    this.refusedBuyer = actors.refusedBuyer;
    this.selfDealer = selfDealer;
    this.rng = new Random(`${s.seed}/trust`);
  }

  /** Schedules the audits, the vetted-buyer offer and the self-dealing. */
  plan() {
    const { s } = this;
    s.clock.at(s.clock.day(1, 3), () => this.attestAudits());
    s.clock.at(s.clock.day(9, 2), () => this.revokeAudit());
    s.clock.at(s.clock.day(12, 2), () => this.listVettedOffer());
    s.clock.at(s.clock.day(12, 3), () => this.registerVettings());
    s.clock.at(s.clock.day(12, 4), () => this.leaseVetted());
    this.selfDealer.plan();
  }

  private provider(name: string): ProviderState {
    const p = this.s.providers.find((x) => x.tpl.name === name);
    if (!p) throw new Error(`seed: no provider ${name}`);
    return p;
  }

  private async attestAudits() {
    const { s } = this;
    for (const a of AUDITS) {
      const p = this.provider(a.provider);
      const offer = p.offers.find((o) => !o.reserved && (a.gpu === "" || o.gpuModel === a.gpu));
      if (!offer) throw new Error(`seed: ${a.provider} has no on-demand ${a.gpu} offer to audit`);
      const auditor = a.by === "published" ? this.auditor : this.unlisted;
      const validUntil = a.fate === "expires" ? s.clock.t0 + 4n * DAY : s.clock.t0 + AUDIT_VALIDITY;
      const data = encodeAudit({
        offerId: offer.id,
        hardwareReportHash: keccak256(toHex(`hardware report of offer ${offer.id} by ${auditor}`)),
        verdict: AuditVerdict[a.verdict],
        validUntil,
      });
      const made = await this.eas.attest(auditor, "audit", p.address, data, validUntil);
      this.audits.push({
        uid: made.uid,
        offerId: offer.id,
        provider: p.tpl.name,
        auditor,
        published: a.by === "published",
        verdict: a.verdict,
        validUntil,
        revoked: false,
      });
      this.made.set(made.uid, made);
    }
  }

  private async revokeAudit() {
    const i = AUDITS.findIndex((a) => a.fate === "revoked");
    const audit = this.audits[i];
    await this.eas.revoke(this.made.get(audit.uid)!);
    audit.revoked = true;
  }

  /** The Brisbane operator lists H100 servers for buyers vetted by the published auditor; the two vettings. */
  private async listVettedOffer() {
    const { s } = this;
    const p = this.provider("Southern Cross Compute");
    const offer = await createOffer(
      s,
      p,
      { gpu: "H100-SXM-80GB", kind: "on-demand", token: "usd", units: 8, maxDays: 14 },
      { policy: { address: this.eas.deployment.policy, admits: new Set() } },
    );
    await this.eas.setRequirement(p.address, offer.id, "vetting", [this.auditor]);
    this.vettedOffer = offer;
    const expires = s.clock.t0 + VETTING_VALIDITY;
    const vet = async (attester: Address, buyer: Buyer) => {
      const evidence = keccak256(toHex(`know-your-customer file of ${buyer.address}`));
      const made = await this.eas.attest(
        attester,
        "vetting",
        buyer.address,
        encodeVetting({ evidenceHash: evidence }),
        expires,
      );
      this.vettingOf.set(buyer.address, made);
    };
    await vet(this.auditor, this.vettedBuyer);
    await vet(this.unlisted, this.refusedBuyer);
  }

  private async registerVettings() {
    const offer = this.vettedOffer!;
    for (const buyer of [this.vettedBuyer, this.refusedBuyer])
      await this.eas.register(buyer.address, this.vettingOf.get(buyer.address)!);
    // Only the buyer vetted by a named attester may lease; the model's `eligible` follows the policy.
    offer.admits!.add(this.vettedBuyer.address);
  }

  private async leaseVetted() {
    const offer = this.vettedOffer!;
    const before = this.s.leases.length;
    await openLease(this.s, this.vettedBuyer, offer, 1n, 24n * HOUR, "run");
    const lease = this.s.leases[before];
    const vetted = this.vettingOf.get(this.vettedBuyer.address)!;
    const refused = this.vettingOf.get(this.refusedBuyer.address)!;
    this.vetting = {
      offerId: offer.id,
      provider: offer.provider.tpl.name,
      attesters: [this.auditor],
      vetted: { buyer: this.vettedBuyer.address, uid: vetted.uid, leaseId: lease?.id },
      refused: {
        buyer: this.refusedBuyer.address,
        uid: refused.uid,
        attester: this.unlisted,
        code: -1,
        reason: "",
        error: "",
      },
    };
  }

  /**
   * After the history: reviews in one more block, then the refused buyer's check and a simulated openLease, whose
   * answers the summary records. Call with the batcher started.
   */
  async finish(at: bigint) {
    const { s } = this;
    s.chain.at(at);
    for (const l of s.leases) {
      if (!l.activated) continue;
      if (this.selfDealer.owns(l)) await this.review(l, 5, true);
      else if (this.rng.chance(0.35)) await this.review(l, this.scoreFor(l), this.rng.chance(0.7));
    }
    await s.chain.mine();
    await this.recordRefusal();
    await this.eas.checkAttestations();
  }

  /** A buyer's score for how its lease went. */
  private scoreFor(l: LeaseState): number {
    const r = this.rng;
    if (l.reason === "ProviderTerminated" || l.reason === "OutageUnresolved") return r.int(1, 2);
    if (l.outage) return r.int(3, 4);
    return r.weighted([
      [5, 0.5 + l.offer.provider.tpl.reliability / 4],
      [4, 0.3],
      [3, 0.1],
      [2, 0.04],
    ]);
  }

  private async review(l: LeaseState, score: number, verified: boolean) {
    const reportHash = verified
      ? keccak256(toHex(`lease verify report of lease ${l.id}`))
      : zeroHash;
    const made = await this.eas.attest(
      l.buyer.address,
      "review",
      l.offer.provider.address,
      encodeReview({ leaseId: l.id, score, verified, reportHash }),
    );
    this.reviews.push({ uid: made.uid, leaseId: l.id, score, verified });
  }

  /** Asks the policy why the refused buyer may not lease, and what the market answers its openLease with. */
  private async recordRefusal() {
    const v = this.vetting;
    if (!v) return;
    const { s } = this;
    const code = Number(
      await s.chain.read({
        to: this.eas.deployment.policy,
        abi: attestationPolicyAbi,
        functionName: "check",
        args: [v.offerId, v.refused.buyer],
      }),
    );
    v.refused.code = code;
    v.refused.reason = POLICY_CHECK_REASONS[code] ?? `code ${code}`;
    const offer = s.offers.find((o) => o.id === v.offerId)!;
    const data = encodeFunctionData({
      abi: gridleaseMarketAbi,
      functionName: "openLease",
      args: [offer.id, 1n, 24n * HOUR, offer.price, this.refusedBuyer.key],
    });
    v.refused.error = await revertOf(s, v.refused.buyer, s.addresses.market, data);
  }
}

/**
 * The market's refusal of `data` sent by `from` (eth_call), decoded by the SDK: "Name(args)". The policy's own
 * reason is the summary's `reason`.
 */
async function revertOf(s: SeedState, from: Address, to: Address, data: Hex): Promise<string> {
  try {
    await s.chain.request("eth_call", [{ from, to, data }, "latest"]);
  } catch (error) {
    const explained = explainError(error);
    if (explained.kind !== "revert" || !explained.errorName) throw error;
    return `${explained.errorName}(${(explained.args ?? []).map(String).join(", ")})`;
  }
  throw new Error(`seed: the market accepted ${from}'s openLease, which its policy must refuse`);
}
