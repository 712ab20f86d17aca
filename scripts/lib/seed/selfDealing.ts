/**
 * The self-dealing provider of the seeded market (issue #13): Mission District GPU Rigs pads its record by leasing
 * its own servers from a second address it controls. It lists a private offer (its allowlist names only that
 * address) of RTX 4090 boxes at 1 base unit of TestUSD per GPU-hour, the second address opens dozens of small
 * leases on it that run to term, and at the end it gives each a 5-star review. Counted naively, that is dozens of
 * completed, reviewed leases and thousands of GPU-hours; weighted by the protocol fee they paid (a few hundred base
 * units, well under a cent), it moves the provider's score by almost nothing (./summary.ts shows by how much).
 */
import type { LeaseState, Buyer, OfferState, SeedState } from "./model.ts";
import { HOUR } from "./catalog.ts";
import { openLease } from "./leases.ts";
import { createOffer, setAllowlist } from "./providers.ts";

/** The provider that self-deals. */
export const SELF_DEALER = "Mission District GPU Rigs";
/** Hardhat account of its second address (beyond the seed's buyers; impersonated). */
export const SECOND_ADDRESS_ACCOUNT = 53;
/** The padding leases: how many, how many servers each, how long. */
const LEASES = 40;
const UNITS = 8n;
const DURATION = 12n * HOUR;

/** The self-dealer's plan and what it did. */
export class SelfDealer {
  offer?: OfferState;
  readonly leases: LeaseState[] = [];
  private readonly s: SeedState;
  /** The second address, as a buyer no random lease picks. */
  readonly second: Buyer;

  constructor(s: SeedState, second: Buyer) {
    this.s = s;
    this.second = second;
  }

  /** Whether a lease is one of the padding leases. */
  owns(l: LeaseState): boolean {
    return l.buyer === this.second;
  }

  /** Day 2: the private offer; then the padding leases, spread over days 2 to 11 so that all end and close. */
  plan() {
    const { s } = this;
    s.clock.at(s.clock.day(2, 1), () => this.list());
    const first = s.clock.day(2, 2);
    const step = (s.clock.day(11) - first) / LEASES;
    for (let i = 0; i < LEASES; i++) s.clock.at(first + Math.round(i * step), () => this.pad());
  }

  private async list() {
    const { s } = this;
    const p = s.providers.find((x) => x.tpl.name === SELF_DEALER);
    if (!p) throw new Error(`seed: no provider ${SELF_DEALER}`);
    await setAllowlist(s, p, [this.second.address], true);
    this.offer = await createOffer(
      s,
      p,
      {
        gpu: "RTX4090-24GB",
        kind: "on-demand",
        token: "usd",
        units: 160,
        maxDays: 7,
        allowlist: true,
      },
      // Four-card boxes, whatever the seed: the padding is 40 × 8 × 4 GPUs × 12 hours = 15,360 GPU-hours.
      { price: 1n, minBond: 0n, gpusPerUnit: 4 },
    );
  }

  private async pad() {
    const offer = this.offer;
    if (!offer || offer.totalUnits - offer.unitsInUse < UNITS) return;
    const before = this.s.leases.length;
    await openLease(this.s, this.second, offer, UNITS, DURATION, "run");
    this.leases.push(this.s.leases[before]);
  }
}
