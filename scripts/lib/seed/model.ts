/**
 * The seed's model of the market: what the seed knows of every provider, offer, lease and buyer, kept in step
 * with the contract (units in use, lease phases, accruals, bonds, fees), so that every transaction is known to
 * succeed before it is sent. `SeedState` holds the model with the tools every step uses (the random stream, the
 * block batcher, the clock); the pure rules the contract applies to a lease are functions below.
 */
import {
  parseUnits,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
} from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import type { EasContracts } from "@gridlease/sdk/eas";
import type { GpuModelCode } from "@gridlease/sdk/labels";
import {
  accruedAt,
  cost,
  elapsed,
  leaseEnd,
  type OutageRecord,
  type ReservedTerms,
} from "@gridlease/sdk/pricing";
import type { OfferTemplate, ProviderTemplate, TokenKey } from "./catalog.ts";
import type { BlockBatcher } from "../block-batcher.ts";
import type { Random } from "./random.ts";
import type { Scheduler } from "./scheduler.ts";

type MarketAbi = typeof gridleaseMarketAbi;

export const DEFAULT_SEED = "gridlease";

/** Length of the seeded history. */
export const HISTORY_DAYS = 15;

export interface SeedAddresses {
  market: Address;
  grid: Address;
  usd: Address;
  /** The AllowlistPolicy. */
  policy: Address;
  /** EAS, its SchemaRegistry, Gridlease's resolvers and the AttestationPolicy (default: the generated ones). */
  eas?: EasContracts;
}

export interface SeedOptions {
  /** Any string or number; the same value builds the same market. Default "gridlease". */
  seed?: string | number;
  /** Where GridleaseLocal is deployed. Default: the generated deployments for the chain, deployed if missing. */
  addresses?: SeedAddresses;
  /** Timestamp of the first seeded block. Default: the next UTC midnight after the latest block. */
  startTime?: bigint;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Record gas used per transaction kind (for tuning the seed's gas limits). */
  trackGas?: boolean;
}

export type LeaseStatusName = "pending" | "pendingPastWindow" | "active" | "expired" | "ended";
export type EndReasonName =
  "Expired" | "BuyerTerminated" | "ProviderTerminated" | "NoShowCancelled" | "OutageUnresolved";
/** `EndReason` in contracts/types/DataTypes.sol. */
export const END_REASON_CODE: Record<EndReasonName, number> = {
  Expired: 1,
  BuyerTerminated: 2,
  ProviderTerminated: 3,
  NoShowCancelled: 4,
  OutageUnresolved: 5,
};

export interface TokenVolume {
  /** Deposits and extension top-ups escrowed. */
  escrowed: bigint;
  /** Earned by providers up to the end of the seed (fee included). */
  accrued: bigint;
  /** Paid out to providers by claims (fee included). */
  claimed: bigint;
  /** Refunded to buyers. */
  refunded: bigint;
  /** Protocol fees withdrawn to the treasury. */
  feesWithdrawn: bigint;
}

/** How a lease's life will go, decided when it opens. */
export type Fate =
  | "run" // activated, runs to its end, closed some time later (or not, if the seed ends first)
  | "runExtend" // as "run", with an extension and an access rotation
  | "expireOpen" // runs to its end before the seed ends and is never closed
  | "buyerTerminate"
  | "providerTerminate"
  | "refuse" // the provider terminates it while pending
  | "noShow" // never activated; the buyer cancels after the window
  | "pendingOpen" // opened at the very end, still within its window
  | "pendingStale" // never activated and never cancelled
  | "extendPending" // extended while pending, then activated and run
  | "outageResolved" // activated; servers reported down and repaired in time (billing paused, end moved later)
  | "outageUnresolved"; // activated; a server reported down, never repaired; the buyer ends it after the deadline

export interface Buyer {
  index: number;
  address: Address;
  /** The buyer's X25519 public key (any non-zero 32 bytes on a local chain). */
  key: Hex;
  weight: number;
  usesGrid: boolean;
  balance: Record<TokenKey, bigint>;
  approved: Record<TokenKey, boolean>;
}

export interface ProviderState {
  index: number;
  tpl: ProviderTemplate;
  address: Address;
  registered: boolean;
  /** The bond in each payment token (a lease's penalty is paid from the bond in its own token). */
  bond: Record<TokenKey, bigint>;
  /** The part of each bond that live leases reserve (their penalties): the rest is free for new leases. */
  locked: Record<TokenKey, bigint>;
  /** What the provider keeps bonded in each token, topped back up after a penalty. */
  targetBond: Record<TokenKey, bigint>;
  /** Whether the provider approved the market for its bond in each token. */
  approved: Record<TokenKey, boolean>;
  grid: bigint;
  offers: OfferState[];
  leases: LeaseState[];
  allowlist: Set<Address>;
  topUpScheduled: Record<TokenKey, boolean>;
}

export interface OfferState {
  id: bigint;
  tpl: OfferTemplate;
  provider: ProviderState;
  token: TokenKey;
  gpuModel: GpuModelCode;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  unitsInUse: bigint;
  price: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  minBond: bigint;
  /** Seconds the provider has to resolve an outage (fixed into each outage when it is reported). */
  repairWindow: bigint;
  /** Reserved terms (`createReservedOffer`), if any. */
  terms?: ReservedTerms;
  /** Leased only by a scripted deal (./deals.ts): random buyers never pick it. */
  scripted?: boolean;
  allowlist: boolean;
  paused: boolean;
  reserved: boolean;
  leases: LeaseState[];
  priceChanges: bigint[];
  /** The listed price in USD (GRID prices are quoted at GRID_USD). */
  usdPrice: number;
  /** For an offer under another buyer policy (AttestationPolicy): the only buyers it admits. */
  admits?: Set<Address>;
}

export interface LeaseState {
  id: bigint;
  offer: OfferState;
  buyer: Buyer;
  units: bigint;
  gpus: bigint;
  price: bigint;
  feeBps: bigint;
  /** The penalty reserved from the provider's bond in the lease's token while it is live (fixed at open). */
  penalty: bigint;
  /** Billed duration, as the contract keeps it: grown by extensions, cut to the time used by an early end. */
  duration: bigint;
  openedAt: bigint;
  deadline: bigint;
  phase: "pending" | "active" | "ended";
  /** Whether the provider activated it (a review needs that). */
  activated: boolean;
  start: bigint;
  reason?: EndReasonName;
  settled: bigint;
  fate: Fate;
  /** The outage record as the contract keeps it (`getOutage`), once the lease had a report. */
  outage?: OutageRecord;
}

export const roundUp = (value: bigint, step: bigint) => ((value + step - 1n) / step) * step;

/** Base units of `token` for a decimal amount. */
export const units = (token: TokenKey, amount: number, decimals = 2) =>
  parseUnits(amount.toFixed(decimals), token === "usd" ? 6 : 18);

/** GPUs in `unitCount` servers of `offer`. */
export const gpusOf = (offer: OfferState, unitCount: bigint) => offer.gpusPerUnit * unitCount;

/** When the lease's (current) term ends: later by the downtime of resolved outages. */
export const endOf = (l: LeaseState) => leaseEnd(l.start, l.duration, l.outage);

/** Gross amount the lease has earned by `now` (zero while pending); outage time is not billed. */
export function accrued(l: LeaseState, now: bigint) {
  if (l.phase === "pending") return 0n;
  if (l.outage)
    return accruedAt(
      {
        pricePerGpuHour: l.price,
        gpusPerUnit: l.offer.gpusPerUnit,
        units: l.units,
        duration: l.duration,
        feeBps: l.feeBps,
        start: l.start,
      },
      now,
      l.outage,
    );
  return cost(l.price, l.gpus, elapsed(l.start, l.duration, now));
}

/** The status the contract reports for the lease at `now`. */
export function statusOf(l: LeaseState, now: bigint): LeaseStatusName {
  if (l.phase === "ended") return "ended";
  if (l.phase === "pending") return now <= l.deadline ? "pending" : "pendingPastWindow";
  return now < endOf(l) ? "active" : "expired";
}

/** Can `buyer` open a lease on `offer` now (ignoring units and duration)? */
export function eligible(offer: OfferState, buyer: Buyer) {
  const p = offer.provider;
  return (
    p.registered &&
    !offer.scripted &&
    !offer.paused &&
    offer.unitsInUse < offer.totalUnits &&
    p.bond[offer.token] >= offer.minBond &&
    (!offer.allowlist || p.allowlist.has(buyer.address)) &&
    (!offer.admits || offer.admits.has(buyer.address)) &&
    (offer.token === "usd" || buyer.usesGrid)
  );
}

/** A provider's model record before it joins: no bond yet in either token. */
export const newProvider = (
  index: number,
  tpl: ProviderTemplate,
  address: Address,
): ProviderState => ({
  index,
  tpl,
  address,
  registered: false,
  bond: { usd: 0n, grid: 0n },
  locked: { usd: 0n, grid: 0n },
  targetBond: { usd: 0n, grid: 0n },
  approved: { usd: false, grid: false },
  grid: 0n,
  offers: [],
  leases: [],
  allowlist: new Set<Address>(),
  topUpScheduled: { usd: false, grid: false },
});

/** The model, with the tools every step of the seed uses. */
export class SeedState {
  readonly seed: string;
  readonly options: SeedOptions;
  readonly rng: Random;
  readonly chain: BlockBatcher;
  readonly log: (line: string) => void;
  /** The simulation's clock and event queue (set once the start time is known). */
  clock!: Scheduler;

  addresses!: SeedAddresses;
  deployed = false;
  chainId = 0;
  feeBps = 0n;
  penaltyBps = 0n;
  activationWindow = 0n;
  windowSlots = 0;

  deployer!: Address;
  treasury!: Address;
  deployerGrid = 0n;
  providers: ProviderState[] = [];
  buyers: Buyer[] = [];
  offers: OfferState[] = [];
  leases: LeaseState[] = [];
  protocolFees: Record<TokenKey, bigint> = { usd: 0n, grid: 0n };
  volume: Record<TokenKey, TokenVolume> = {
    usd: { escrowed: 0n, accrued: 0n, claimed: 0n, refunded: 0n, feesWithdrawn: 0n },
    grid: { escrowed: 0n, accrued: 0n, claimed: 0n, refunded: 0n, feesWithdrawn: 0n },
  };
  counts = {
    extensions: 0,
    rotations: 0,
    claimTxs: 0,
    partialClaims: 0,
    fullClaims: 0,
    feeWithdrawals: 0,
    priceChanges: 0,
    unitsChanges: 0,
    skippedOpens: 0,
    outageReports: 0,
    outagesResolved: 0,
  };

  constructor(options: SeedOptions, rng: Random, chain: BlockBatcher) {
    this.options = options;
    this.seed = String(options.seed ?? DEFAULT_SEED);
    this.rng = rng;
    this.chain = chain;
    this.log = options.log ?? (() => {});
  }

  /** The timestamp of the block being filled. */
  get now() {
    return this.chain.now;
  }

  tokenAddress(token: TokenKey) {
    return token === "usd" ? this.addresses.usd : this.addresses.grid;
  }

  /** Queues a market call from `from` (typed on the market's ABI). */
  market<F extends ContractFunctionName<MarketAbi, "nonpayable">>(
    from: Address,
    functionName: F,
    args: ContractFunctionArgs<MarketAbi, "nonpayable", F>,
    gas: bigint,
    label: string = functionName,
  ) {
    return this.chain.write({
      from,
      to: this.addresses.market,
      abi: gridleaseMarketAbi,
      functionName,
      args,
      gas,
      label,
    });
  }

  /** A buyer picked by weight among those `filter` accepts. */
  pickBuyer(filter: (b: Buyer) => boolean = () => true) {
    const pool = this.buyers.filter(filter);
    return pool.length ? this.rng.weighted(pool.map((b) => [b, b.weight] as const)) : undefined;
  }
}
