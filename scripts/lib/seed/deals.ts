/**
 * The three deals of issue #12 in the seeded market, each with its own accounts (Hardhat #54 to #67):
 *
 * - A Datasection-like datacenter deal: 1,875 HGX B200 servers (15,000 GPUs) in Sakai (JP-27) on a rolling lease
 *   with a 3-year term and commitment (90 days of billed notice to leave early), a 30-day prepaid window, and a
 *   top-up allowance the provider's agent executes every day once the runway drops below 29.5 days (one day a
 *   third-party keeper does). On day 4 the provider fails one server; the buyer leases a 1-server replacement
 *   on the same terms, with its own allowance.
 * - An Edge Matrix-like pooled network: eight small GRID providers each list a few H100 servers below $2 per
 *   GPU-hour; a bulk buyer leases one server from each of them at once, twice, and random GRID buyers use them too.
 * - A Singapore H200 cluster with a 90-day commitment and a 20% exit fee: a lab leases 32 servers for 90 days,
 *   prepaid, and leaves on day 9, paying the fee on the remaining committed value.
 *
 * The pool's leases are ordinary (./leases.ts). The datacenter and Singapore leases are mirrored here, step by step,
 * on the model (rolling funding, the failed server's penalty share, the exit charge), with the SDK's pricing.
 */
import { keccak256, toHex, type Address } from "viem";
import { penalty as penaltyFor } from "@gridlease/sdk/pricing";
import {
  cost,
  elapsed,
  exitCharge,
  exitEscrow,
  maxTopUp,
  stakePenalty,
  type ReservedTerms,
} from "@gridlease/sdk/pricing";
import { DAY, HOUR, type ProviderTemplate } from "./catalog.ts";
import { fund, openLease, sealedAccess } from "./leases.ts";
import {
  gpusOf,
  newProvider,
  units,
  type Buyer,
  type LeaseState,
  type OfferState,
  type ProviderState,
  type SeedState,
} from "./model.ts";
import { claimRun, createOffer, ensureFreeBond, join } from "./providers.ts";
import { SLOTS_PER_HOUR } from "./scheduler.ts";

/** Hardhat accounts of the deals' actors (after the self-dealer's second address, #53). */
export const DEAL_ACCOUNTS = {
  datacenter: 54,
  singapore: 55,
  hyperscaler: 56,
  lab: 57,
  poolBuyer: 58,
  keeper: 59,
  /** The pooled network's providers: #60 to #67. */
  pool: [60, 61, 62, 63, 64, 65, 66, 67],
} as const;

/** Every account index the deals act from. */
export const dealAccountIndexes = (): number[] => {
  const { pool, ...single } = DEAL_ACCOUNTS;
  return [...Object.values(single), ...pool];
};

/** The datacenter deal's size and terms. */
export const DATACENTER_DEAL = {
  servers: 1_875n,
  /** $3.05 per GPU-hour: 15,000 GPUs for 3 years is about $1.2 billion. */
  price: 3_050_000n,
  term: 1_095n * DAY,
  terms: {
    prepaidWindow: 30n * DAY,
    commitment: 1_095n * DAY,
    noticePeriod: 90n * DAY,
    exitFeeBps: 0n,
  } satisfies ReservedTerms,
  /**
   * The allowance: at most 7 days per top-up, a year in all, once the runway is below 29.5 days: a day after a
   * top-up to the full window, the agent's daily pass always finds it below.
   */
  perTopUpSeconds: 7n * DAY,
  totalCapSeconds: 365n * DAY,
  runwayThreshold: 29n * DAY + 12n * HOUR,
};

/** The Singapore deal's size and terms. */
export const SINGAPORE_DEAL = {
  servers: 32n,
  /** $2.30 per GPU-hour, against $3.00-3.59 on demand. */
  price: 2_300_000n,
  duration: 90n * DAY,
  terms: {
    prepaidWindow: 0n,
    commitment: 90n * DAY,
    noticePeriod: 0n,
    exitFeeBps: 2_000n,
  } satisfies ReservedTerms,
};

const DATACENTER: ProviderTemplate = {
  name: "Sakai Blackwell Campus",
  region: "JP-27",
  datacenter: "SKI1, Sakai Senboku",
  tier: "Tier III+",
  clusterServers: 1_900,
  reliability: 0.99,
  bondGrid: 250_000,
  minBondGrid: 250_000,
  joinDay: 0,
  website: "https://sakai-blackwell.example",
  offers: [{ gpu: "B200-192GB", kind: "reserved", token: "usd", units: 1_880, minDays: 1_095 }],
};

const SINGAPORE: ProviderTemplate = {
  name: "Jurong H200 Cluster",
  region: "SG",
  datacenter: "SIN4, Jurong West",
  tier: "Tier III",
  clusterServers: 64,
  reliability: 0.98,
  bondGrid: 250_000,
  minBondGrid: 20_000,
  joinDay: 0,
  website: "https://jurong-h200.example",
  offers: [
    { gpu: "H200-141GB", kind: "reserved", token: "usd", units: 64, minDays: 90, maxDays: 365 },
  ],
};

/** The pooled network's node operators: a few H100 servers each, paid in GRID. */
const POOL_SITES: [string, ProviderTemplate["region"], number][] = [
  ["Osaka", "JP-27", 2],
  ["Tokyo", "JP-13", 3],
  ["Singapore", "SG", 2],
  ["Kuala Lumpur", "MY-14", 4],
  ["Johor Bahru", "MY-01", 2],
  ["Sydney", "AU-NSW", 3],
  ["Brisbane", "AU-QLD", 1],
  ["Dubai", "AE-DU", 2],
];
const POOL: ProviderTemplate[] = POOL_SITES.map(([city, region, servers], i) => ({
  name: `Edge Pool node ${i + 1} (${city})`,
  region,
  datacenter: `Edge Pool colocation, ${city}`,
  tier: "Tier II",
  clusterServers: servers,
  reliability: 0.95,
  bondGrid: 6_000,
  minBondGrid: 1_000,
  joinDay: 0,
  website: `https://node${i + 1}.edgepool.example`,
  offers: [
    {
      gpu: "H100-SXM-80GB",
      kind: "on-demand",
      token: "grid",
      units: servers,
      bulk: true,
      maxDays: 14,
    },
  ],
}));

/** A buyer the random leases never pick (it is not among `s.buyers`). */
const dealBuyer = (address: Address, usesGrid: boolean): Buyer => ({
  index: -1,
  address,
  key: keccak256(toHex(`gridlease seed x25519 public key ${address}`)),
  weight: 0,
  usesGrid,
  balance: { usd: 0n, grid: 0n },
  approved: { usd: false, grid: false },
});

/** A rolling lease's funding and allowance, as the contract keeps them. */
interface Rolling {
  lease: LeaseState;
  term: bigint;
  perTopUp: bigint;
  remaining: bigint;
  threshold: bigint;
}

/** What the deals built, for the summary and the tests. */
export interface DealsSummary {
  datacenter: {
    provider: Address;
    offerId: bigint;
    leaseId: bigint;
    replacementLeaseId: bigint;
    topUps: number;
    keeperTopUps: number;
  };
  pool: { providers: Address[]; offerIds: bigint[]; bulkLeaseIds: bigint[] };
  singapore: { provider: Address; offerId: bigint; leaseId: bigint; exitCharge: bigint };
}

/** The deals' plan, and what they did. */
export class SeedDeals {
  private readonly s: SeedState;
  private readonly accounts: Map<number, Address>;
  private datacenter!: ProviderState;
  private singapore!: ProviderState;
  private pool: ProviderState[] = [];
  private rolling: Rolling[] = [];
  private readonly done = {
    topUps: 0,
    keeperTopUps: 0,
    bulkLeaseIds: [] as bigint[],
    exitCharge: 0n,
    singaporeLease: undefined as LeaseState | undefined,
  };

  /** `accounts`: the address of each of DEAL_ACCOUNTS' indexes. */
  constructor(s: SeedState, accounts: Map<number, Address>) {
    this.s = s;
    this.accounts = accounts;
  }

  private address(index: number): Address {
    const a = this.accounts.get(index);
    if (!a) throw new Error(`seed: no address for deal account #${index}`);
    return a;
  }

  /** Adds the deals' providers to the model and schedules every step. */
  plan() {
    const { s } = this;
    const next = () => s.providers.length;
    this.datacenter = newProvider(next(), DATACENTER, this.address(DEAL_ACCOUNTS.datacenter));
    s.providers.push(this.datacenter);
    this.singapore = newProvider(next(), SINGAPORE, this.address(DEAL_ACCOUNTS.singapore));
    s.providers.push(this.singapore);
    POOL.forEach((tpl, i) => {
      const p = newProvider(next(), tpl, this.address(DEAL_ACCOUNTS.pool[i]));
      s.providers.push(p);
      this.pool.push(p);
    });
    const hyperscaler = dealBuyer(this.address(DEAL_ACCOUNTS.hyperscaler), false);
    const lab = dealBuyer(this.address(DEAL_ACCOUNTS.lab), false);
    const poolBuyer = dealBuyer(this.address(DEAL_ACCOUNTS.poolBuyer), true);
    const keeper = this.address(DEAL_ACCOUNTS.keeper);

    // Day 0: the providers list (after the market's first providers), the datacenter lease opens and runs.
    s.clock.at(s.clock.day(0, 1), () => this.listAll());
    s.clock.at(s.clock.day(0, 2), () => this.openDatacenter(hyperscaler, DATACENTER_DEAL.servers));
    // Day 4: one server fails; the buyer leases a replacement on the same terms.
    s.clock.at(s.clock.day(4, 6), () => this.failOne());
    s.clock.at(s.clock.day(4, 9), () => this.openDatacenter(hyperscaler, 1n));
    // The provider's agent tops the leases up each day once their runway is low; day 10, a keeper does.
    for (let day = 1; day < 15; day++)
      s.clock.at(s.clock.day(day, 9), () =>
        this.topUpAll(day === 10 ? keeper : this.datacenter.address),
      );

    // The pool: bulk leases of one server from every node, twice; its operators claim as the others do.
    s.clock.at(s.clock.day(3, 2), () => this.bulkPool(poolBuyer, 72n * HOUR));
    s.clock.at(s.clock.day(9, 2), () => this.bulkPool(poolBuyer, 48n * HOUR));
    for (const p of this.pool)
      s.clock.at(s.clock.day(1, 6) + s.rng.int(0, 48) * SLOTS_PER_HOUR, () => claimRun(s, p));

    // Singapore: 32 H200 servers for 90 days from day 1; the lab leaves on day 9 and pays the exit fee.
    s.clock.at(s.clock.day(1, 4), () => this.openSingapore(lab));
    s.clock.at(s.clock.day(9, 5), () => this.leaveSingapore());
  }

  private async listAll() {
    const { s } = this;
    await join(s, this.datacenter, false);
    await join(s, this.singapore, false);
    for (const p of this.pool) await join(s, p);
    // The reserved offers: fixed prices and terms, leased only by their scripted buyers.
    await createOffer(s, this.datacenter, DATACENTER.offers[0], {
      price: DATACENTER_DEAL.price,
      minBond: units("usd", 100_000, 0),
      terms: DATACENTER_DEAL.terms,
      scripted: true,
    });
    await createOffer(s, this.singapore, SINGAPORE.offers[0], {
      price: SINGAPORE_DEAL.price,
      minBond: units("usd", 20_000, 0),
      terms: SINGAPORE_DEAL.terms,
      scripted: true,
    });
  }

  /** The datacenter buyer opens a rolling lease of `servers` for the term, funding one window, and sets its allowance. */
  private async openDatacenter(buyer: Buyer, servers: bigint) {
    const { s } = this;
    const offer = this.datacenter.offers[0];
    const gpus = gpusOf(offer, servers);
    const funded = DATACENTER_DEAL.terms.prepaidWindow;
    const escrow = exitEscrow(DATACENTER_DEAL.terms, offer.price, gpus);
    const deposit = cost(offer.price, gpus, funded) + escrow;
    const perTopUp = cost(offer.price, gpus, DATACENTER_DEAL.perTopUpSeconds);
    const totalCap = cost(offer.price, gpus, DATACENTER_DEAL.totalCapSeconds);
    const lease = await this.open(buyer, offer, servers, deposit, deposit + totalCap, async () => {
      await s.market(
        buyer.address,
        "openRollingLease",
        [offer.id, servers, DATACENTER_DEAL.term, funded, offer.price, buyer.key],
        400_000n,
      );
    });
    lease.duration = funded;
    // Activated within the window, the allowance set right after.
    s.clock.at(s.clock.slot + 2, () => this.activate(lease));
    s.clock.at(s.clock.slot + 3, async () => {
      await s.market(
        buyer.address,
        "setTopUpAllowance",
        [lease.id, perTopUp, totalCap, DATACENTER_DEAL.runwayThreshold],
        120_000n,
      );
      this.rolling.push({
        lease,
        term: DATACENTER_DEAL.term,
        perTopUp,
        remaining: totalCap,
        threshold: DATACENTER_DEAL.runwayThreshold,
      });
    });
  }

  /**
   * Opens a scripted lease: funds the buyer with `budget`, bonds the provider for the penalty, sends the call and
   * adds the lease to the model (its provider claims it outside the model's claim runs).
   */
  private async open(
    buyer: Buyer,
    offer: OfferState,
    servers: bigint,
    deposit: bigint,
    budget: bigint,
    send: () => Promise<void>,
  ): Promise<LeaseState> {
    const { s } = this;
    const p = offer.provider;
    const penalty = stakePenalty(penaltyFor(offer.minBond, s.penaltyBps), deposit);
    await ensureFreeBond(s, p, offer.token, penalty, offer.minBond);
    await fund(s, buyer, offer.token, budget);
    await send();
    const lease: LeaseState = {
      id: BigInt(s.leases.length + 1),
      offer,
      buyer,
      units: servers,
      gpus: gpusOf(offer, servers),
      price: offer.price,
      feeBps: s.feeBps,
      penalty,
      duration: 0n,
      openedAt: s.now,
      deadline: s.now + s.activationWindow,
      phase: "pending",
      activated: false,
      start: 0n,
      settled: 0n,
      fate: "expireOpen",
    };
    s.leases.push(lease);
    offer.leases.push(lease);
    offer.unitsInUse += servers;
    p.locked[offer.token] += penalty;
    buyer.balance[offer.token] -= deposit;
    s.volume[offer.token].escrowed += deposit;
    return lease;
  }

  private async activate(l: LeaseState) {
    const { s } = this;
    // A lease of hundreds of servers seals a bastion endpoint and the hash of its inventory (issue #12).
    await s.market(l.offer.provider.address, "activateLease", [l.id, sealedAccess(s)], 120_000n);
    l.phase = "active";
    l.activated = true;
    l.start = s.now;
  }

  /** The provider fails one server of the big lease: the buyer gets its refund and its share of the penalty. */
  private async failOne() {
    const { s } = this;
    const l = this.rolling[0].lease;
    const p = l.offer.provider;
    await s.market(p.address, "failServers", [l.id, 1n], 200_000n);
    const share = (l.penalty + l.units - 1n) / l.units; // rounded up: failing servers one by one is never free
    l.penalty -= share;
    p.locked[l.offer.token] -= share;
    p.bond[l.offer.token] -= share;
    l.units -= 1n;
    l.gpus = gpusOf(l.offer, l.units);
    l.offer.unitsInUse -= 1n;
  }

  /** Executes the largest top-up each allowance permits now, from `executor` (the agent, or a keeper). */
  private async topUpAll(executor: Address) {
    const { s } = this;
    for (const r of this.rolling) {
      const l = r.lease;
      if (l.phase !== "active") continue;
      const { addedDuration, amount } = maxTopUp({
        price: l.price,
        gpus: l.gpus,
        funded: l.duration,
        term: r.term,
        fundedUntil: l.start + l.duration,
        prepaidWindow: DATACENTER_DEAL.terms.prepaidWindow,
        perTopUp: r.perTopUp,
        remaining: r.remaining,
        runwayThreshold: r.threshold,
        now: s.now,
      });
      if (addedDuration === 0n) continue;
      await s.market(executor, "executeTopUp", [l.id, addedDuration], 150_000n);
      l.duration += addedDuration;
      r.remaining -= amount;
      l.buyer.balance[l.offer.token] -= amount;
      s.volume[l.offer.token].escrowed += amount;
      this.done.topUps++;
      if (executor !== l.offer.provider.address) this.done.keeperTopUps++;
    }
  }

  /** The pool's bulk buyer leases one server from every node that has one free. */
  private async bulkPool(buyer: Buyer, duration: bigint) {
    const { s } = this;
    for (const p of this.pool) {
      const offer = p.offers[0];
      if (offer.totalUnits - offer.unitsInUse < 1n || offer.paused) continue;
      await openLease(s, buyer, offer, 1n, duration, "run");
      this.done.bulkLeaseIds.push(s.leases[s.leases.length - 1].id);
    }
  }

  private async openSingapore(buyer: Buyer) {
    const { s } = this;
    const offer = this.singapore.offers[0];
    const { servers, duration } = SINGAPORE_DEAL;
    const deposit = cost(offer.price, gpusOf(offer, servers), duration);
    const lease = await this.open(buyer, offer, servers, deposit, deposit, async () => {
      await s.market(
        buyer.address,
        "openLease",
        [offer.id, servers, duration, offer.price, buyer.key],
        300_000n,
      );
    });
    lease.duration = duration;
    this.done.singaporeLease = lease;
    s.clock.at(s.clock.slot + 2, () => this.activate(lease));
  }

  /** The lab leaves early under its commitment: it pays the exit fee on the remaining committed value. */
  private async leaveSingapore() {
    const { s } = this;
    const l = this.done.singaporeLease!;
    const terms = SINGAPORE_DEAL.terms;
    const charge = exitCharge(terms, { price: l.price, gpus: l.gpus, start: l.start, at: s.now });
    await s.market(l.buyer.address, "terminateLease", [l.id], 250_000n, "terminateLease by buyer");
    const used = elapsed(l.start, l.duration, s.now);
    const refund = cost(l.price, l.gpus, l.duration) - cost(l.price, l.gpus, used) - charge;
    this.done.exitCharge = charge;
    l.phase = "ended";
    l.reason = "BuyerTerminated";
    l.duration = used;
    l.offer.unitsInUse -= l.units;
    l.offer.provider.locked[l.offer.token] -= l.penalty;
    l.buyer.balance[l.offer.token] += refund;
    s.volume[l.offer.token].refunded += refund;
  }

  /** What the deals built. */
  summary(): DealsSummary {
    const [big, replacement] = this.rolling.map((r) => r.lease);
    return {
      datacenter: {
        provider: this.datacenter.address,
        offerId: this.datacenter.offers[0].id,
        leaseId: big.id,
        replacementLeaseId: replacement.id,
        topUps: this.done.topUps,
        keeperTopUps: this.done.keeperTopUps,
      },
      pool: {
        providers: this.pool.map((p) => p.address),
        offerIds: this.pool.map((p) => p.offers[0].id),
        bulkLeaseIds: this.done.bulkLeaseIds,
      },
      singapore: {
        provider: this.singapore.address,
        offerId: this.singapore.offers[0].id,
        leaseId: this.done.singaporeLease!.id,
        exitCharge: this.done.exitCharge,
      },
    };
  }
}

/** The deals in a few lines of the seed's summary. */
export function formatDeals(d: DealsSummary): string[] {
  return [
    `  datacenter deal: offer #${d.datacenter.offerId} (Sakai Blackwell Campus, JP-27), lease #${d.datacenter.leaseId} of 1,875 B200 servers on a 3-year rolling term, ${d.datacenter.topUps} top-ups (${d.datacenter.keeperTopUps} by a keeper), one server failed and replaced by lease #${d.datacenter.replacementLeaseId}`,
    `  pooled network: ${d.pool.providers.length} GRID providers of H100 below $2 (offers #${d.pool.offerIds[0]}-#${d.pool.offerIds.at(-1)}), ${d.pool.bulkLeaseIds.length} bulk leases`,
    `  Singapore deal: offer #${d.singapore.offerId} (H200, 90-day commitment, 20% exit fee), lease #${d.singapore.leaseId} left early for an exit charge of ${(Number(d.singapore.exitCharge) / 1e6).toLocaleString("en-US", { maximumFractionDigits: 2 })} tUSD`,
  ];
}
