/**
 * Rows of the Gridlease indexer, as GraphQL returns them (`Raw*`: uint256 as decimal strings, references as
 * `{ id }` objects) and as callers use them (bigints, addresses, end reasons by name), with the mappers between.
 * The field lists are the selections the SDK's queries ask for, so a raw row always has every field its type names.
 */
import type { Address, Hex } from "viem";
import { EndReason, LeaseStatus, type EndReasonName, type LeaseStatusName } from "../status.ts";
import { addr, big, optBig } from "./convert.ts";
import {
  LEASE_RESERVED_FIELDS,
  OFFER_TERMS_FIELDS,
  toLeaseReserved,
  toOfferTerms,
  type IndexedLeaseReserved,
  type IndexedOfferTerms,
  type RawLeaseReserved,
  type RawOfferTerms,
} from "./reserved.ts";
import {
  OFFER_ATTESTATION_SUMMARY_FIELDS,
  toOfferAttestationSummary,
  type OfferAttestationSummary,
  type RawOfferAttestationSummary,
} from "./attestations.ts";

/** Ponder serves a reference column as the related row; the queries select only its `id`. */
export interface Ref {
  id: string;
}

/** A lease status as the indexer stores it (the contract's, as a name). */
export type IndexedLeaseStatus = Exclude<LeaseStatusName, "None">;

/* ---------------------------------------------------------------- market */

/** Selection of the market row. */
export const MARKET_FIELDS =
  "id treasury feeBps activationWindow paused bondToken penaltyBps providerCount offerCount leaseCount";

export interface RawMarket {
  id: string;
  treasury: string;
  feeBps: string;
  activationWindow: string;
  paused: boolean;
  bondToken: string;
  penaltyBps: string;
  providerCount: number;
  offerCount: number;
  leaseCount: number;
}

/** The market's configuration and counters. */
export interface IndexedMarket {
  address: Address;
  treasury: Address;
  feeBps: bigint;
  activationWindow: bigint;
  paused: boolean;
  /** The token of bonds and penalties (GRID). */
  bondToken: Address;
  /** The share of an offer's minimum bond each lease reserves (PENALTY_BPS), from `PenaltyRateSet`. */
  penaltyBps: bigint;
  providerCount: number;
  offerCount: number;
  leaseCount: number;
}

/** Maps a raw market row. */
export const toMarket = (r: RawMarket): IndexedMarket => ({
  address: addr(r.id),
  treasury: addr(r.treasury),
  feeBps: big(r.feeBps),
  activationWindow: big(r.activationWindow),
  paused: r.paused,
  bondToken: addr(r.bondToken),
  penaltyBps: big(r.penaltyBps),
  providerCount: r.providerCount,
  offerCount: r.offerCount,
  leaseCount: r.leaseCount,
});

/* ---------------------------------------------------------------- payment tokens */

/** Selection of a payment-token row. */
export const PAYMENT_TOKEN_FIELDS =
  "id allowed leaseCount volume refunded paidToProviders feesAccrued feesWithdrawn";

export interface RawPaymentToken {
  id: string;
  allowed: boolean;
  leaseCount: number;
  volume: string;
  refunded: string;
  paidToProviders: string;
  feesAccrued: string;
  feesWithdrawn: string;
}

/** An ERC-20 the market allows (or once allowed), with the flows through it. */
export interface IndexedPaymentToken {
  address: Address;
  allowed: boolean;
  leaseCount: number;
  volume: bigint;
  refunded: bigint;
  paidToProviders: bigint;
  feesAccrued: bigint;
  feesWithdrawn: bigint;
}

/** Maps a raw payment-token row. */
export const toPaymentToken = (r: RawPaymentToken): IndexedPaymentToken => ({
  address: addr(r.id),
  allowed: r.allowed,
  leaseCount: r.leaseCount,
  volume: big(r.volume),
  refunded: big(r.refunded),
  paidToProviders: big(r.paidToProviders),
  feesAccrued: big(r.feesAccrued),
  feesWithdrawn: big(r.feesWithdrawn),
});

/* ---------------------------------------------------------------- providers */

/** Selection of a provider row. */
export const PROVIDER_FIELDS =
  "id metadataURI bond lockedBond offerCount leaseCount leasesServed gpuSecondsServed noShows providerTerminations penaltiesPaid gpuSecondsDown availabilityBps outageReports openOutages outagesUnresolved firstSeenAt lastSeenAt";

export interface RawProvider {
  id: string;
  metadataURI: string;
  bond: string;
  lockedBond: string;
  offerCount: number;
  leaseCount: number;
  leasesServed: number;
  gpuSecondsServed: string;
  noShows: number;
  providerTerminations: number;
  penaltiesPaid: string;
  gpuSecondsDown: string;
  availabilityBps: number;
  outageReports: number;
  openOutages: number;
  outagesUnresolved: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A provider, its bond and its track record. */
export interface IndexedProvider {
  address: Address;
  metadataURI: string;
  /** GRID bonded. */
  bond: bigint;
  /** Part of the bond reserved as penalties of its live leases (cannot be withdrawn nor back a new lease). */
  lockedBond: bigint;
  offerCount: number;
  leaseCount: number;
  leasesServed: number;
  /** GPU-seconds its ended leases delivered (billed: service less downtime). */
  gpuSecondsServed: bigint;
  noShows: number;
  providerTerminations: number;
  penaltiesPaid: bigint;
  /** GPU-seconds its ended leases were down (an outage open at the end counted up to the end). */
  gpuSecondsDown: bigint;
  /** Delivered ÷ (delivered + down) over its ended leases, in basis points (`availabilityBps`); 10,000 before any. */
  availabilityBps: number;
  /** Outage reports filed on its leases (raises included). */
  outageReports: number;
  /** Its leases with an outage open now. */
  openOutages: number;
  /** Its leases that ended as OutageUnresolved. */
  outagesUnresolved: number;
  firstSeenAt: bigint;
  lastSeenAt: bigint;
}

/** Maps a raw provider row. */
export const toProvider = (r: RawProvider): IndexedProvider => ({
  address: addr(r.id),
  metadataURI: r.metadataURI,
  bond: big(r.bond),
  lockedBond: big(r.lockedBond),
  offerCount: r.offerCount,
  leaseCount: r.leaseCount,
  leasesServed: r.leasesServed,
  gpuSecondsServed: big(r.gpuSecondsServed),
  noShows: r.noShows,
  providerTerminations: r.providerTerminations,
  penaltiesPaid: big(r.penaltiesPaid),
  gpuSecondsDown: big(r.gpuSecondsDown),
  availabilityBps: r.availabilityBps,
  outageReports: r.outageReports,
  openOutages: r.openOutages,
  outagesUnresolved: r.outagesUnresolved,
  firstSeenAt: big(r.firstSeenAt),
  lastSeenAt: big(r.lastSeenAt),
});

/* ---------------------------------------------------------------- offers */

/** Selection of an offer row. */
export const OFFER_FIELDS = `offerId provider { id } paymentToken { id } gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour initialPricePerGpuHour minDuration maxDuration repairWindow minProviderBond buyerPolicy specHash specURI paused leaseCount ${OFFER_ATTESTATION_SUMMARY_FIELDS} createdAt createdAtBlock updatedAt ${OFFER_TERMS_FIELDS}`;

export interface RawOffer extends RawOfferTerms {
  offerId: string;
  provider: Ref;
  paymentToken: Ref;
  gpuModel: string;
  region: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  initialPricePerGpuHour: string;
  minDuration: string;
  maxDuration: string;
  repairWindow: string;
  minProviderBond: string;
  buyerPolicy: string;
  specHash: string;
  specURI: string;
  paused: boolean;
  leaseCount: number;
  /** The latest attestation claim's summary; null without one (absent from a selection that leaves it out). */
  attestation?: RawOfferAttestationSummary | null;
  createdAt: string;
  createdAtBlock: string;
  updatedAt: string;
}

const ZERO_ADDRESS = /^0x0{40}$/i;

/** An offer with its current terms (and its reserved terms, all 0 without them). */
export interface IndexedOffer extends IndexedOfferTerms {
  offerId: bigint;
  provider: Address;
  paymentToken: Address;
  gpuModel: string;
  region: string;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  unitsInUse: bigint;
  pricePerGpuHour: bigint;
  initialPricePerGpuHour: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  /** Seconds the provider has to resolve an outage (fixed into each outage when it is reported). */
  repairWindow: bigint;
  /** What the provider must have bonded in the offer's payment token for a lease to open. */
  minProviderBond: bigint;
  /** The buyer policy contract; the zero address for an offer open to anyone. */
  buyerPolicy: Address;
  /** True when a buyer policy decides who may lease. */
  restricted: boolean;
  specHash: Hex;
  specURI: string;
  paused: boolean;
  leaseCount: number;
  /** The latest NVIDIA attestation claim its provider published (not verified: see `verifyOfferClaim`), or null. */
  attestation: OfferAttestationSummary | null;
  createdAt: bigint;
  createdAtBlock: bigint;
  updatedAt: bigint;
}

/** Maps a raw offer row. */
export const toOffer = (r: RawOffer): IndexedOffer => ({
  offerId: big(r.offerId),
  provider: addr(r.provider.id),
  paymentToken: addr(r.paymentToken.id),
  gpuModel: r.gpuModel,
  region: r.region,
  gpusPerUnit: big(r.gpusPerUnit),
  totalUnits: big(r.totalUnits),
  unitsInUse: big(r.unitsInUse),
  pricePerGpuHour: big(r.pricePerGpuHour),
  initialPricePerGpuHour: big(r.initialPricePerGpuHour),
  minDuration: big(r.minDuration),
  maxDuration: big(r.maxDuration),
  repairWindow: big(r.repairWindow),
  minProviderBond: big(r.minProviderBond),
  buyerPolicy: addr(r.buyerPolicy),
  restricted: !ZERO_ADDRESS.test(r.buyerPolicy),
  specHash: r.specHash as Hex,
  specURI: r.specURI,
  paused: r.paused,
  leaseCount: r.leaseCount,
  attestation: toOfferAttestationSummary(r.attestation),
  createdAt: big(r.createdAt),
  createdAtBlock: big(r.createdAtBlock),
  updatedAt: big(r.updatedAt),
  ...toOfferTerms(r),
});

/* ---------------------------------------------------------------- leases */

/** Selection of a lease row. */
export const LEASE_FIELDS = `leaseId offer { id } provider { id } buyer { id } paymentToken { id } gpuModel region units gpusPerUnit gpus pricePerGpuHour feeBps duration initialDuration status endReason buyerPublicKey activationDeadline openedAt openedAtBlock startTime endTime closedAt deposit topUps extensionCount accrued claimedGross paidToProvider fee refunded penalty encryptedAccess accessPostedAt accessRotatedAt accessRotations outageOpen downUnits outageSince repairDeadline lastResolvedAt outageReports outageDowntime downUnitSeconds updatedAt ${LEASE_RESERVED_FIELDS}`;

export interface RawLease extends RawLeaseReserved {
  leaseId: string;
  offer: Ref;
  provider: Ref;
  buyer: Ref;
  paymentToken: Ref;
  gpuModel: string;
  region: string;
  units: string;
  gpusPerUnit: string;
  gpus: string;
  pricePerGpuHour: string;
  feeBps: string;
  duration: string;
  initialDuration: string;
  status: string;
  endReason: string;
  buyerPublicKey: string;
  activationDeadline: string;
  openedAt: string;
  openedAtBlock: string;
  startTime: string | null;
  endTime: string | null;
  closedAt: string | null;
  deposit: string;
  topUps: string;
  extensionCount: number;
  accrued: string;
  claimedGross: string;
  paidToProvider: string;
  fee: string;
  refunded: string;
  penalty: string;
  encryptedAccess: string | null;
  accessPostedAt: string | null;
  accessRotatedAt: string | null;
  accessRotations: number;
  outageOpen: boolean;
  downUnits: string;
  outageSince: string | null;
  repairDeadline: string | null;
  lastResolvedAt: string | null;
  outageReports: number;
  outageDowntime: string;
  downUnitSeconds: string;
  updatedAt: string;
}

/** A lease: locked terms, parties, timeline and settlement so far, and its reserved-capacity state. */
export interface IndexedLease extends IndexedLeaseReserved {
  leaseId: bigint;
  offerId: bigint;
  provider: Address;
  buyer: Address;
  paymentToken: Address;
  gpuModel: string;
  region: string;
  units: bigint;
  gpusPerUnit: bigint;
  gpus: bigint;
  pricePerGpuHour: bigint;
  feeBps: bigint;
  /** Billed seconds: what it paid for (a rolling lease: its funded seconds), or the time used once ended early. */
  duration: bigint;
  initialDuration: bigint;
  /** The contract's status when last indexed; `leaseStateAt` derives the status at a given time. */
  status: IndexedLeaseStatus;
  endReason: EndReasonName;
  buyerPublicKey: Hex;
  activationDeadline: bigint;
  openedAt: bigint;
  openedAtBlock: bigint;
  startTime: bigint | null;
  endTime: bigint | null;
  closedAt: bigint | null;
  deposit: bigint;
  topUps: bigint;
  extensionCount: number;
  accrued: bigint;
  claimedGross: bigint;
  paidToProvider: bigint;
  fee: bigint;
  refunded: bigint;
  /** Penalty paid to the buyer, in the lease's token (failed servers' shares and the end's). */
  penalty: bigint;
  encryptedAccess: Hex | null;
  accessPostedAt: bigint | null;
  accessRotatedAt: bigint | null;
  accessRotations: number;
  /** An outage is open: billing is paused for `downUnits` of its servers. */
  outageOpen: boolean;
  /** Servers down in the open outage; 0 when none is open. */
  downUnits: bigint;
  /** When the open outage (or its last raise) began; null when none is open. */
  outageSince: bigint | null;
  /** The open (or last) outage's repair deadline; null before any report. */
  repairDeadline: bigint | null;
  /** When the last outage was resolved; null before any. */
  lastResolvedAt: bigint | null;
  outageReports: number;
  /** Seconds the end moved later for resolved outages (the end already includes them). */
  outageDowntime: bigint;
  /** Down unit-seconds of resolved outages and raises; once ended, of all its outages. */
  downUnitSeconds: bigint;
  updatedAt: bigint;
}

// The names come from the SDK's enums (status.ts), which mirror contracts/types/DataTypes.sol.
const isIndexedStatus = (s: string): s is IndexedLeaseStatus =>
  s !== "None" && Object.hasOwn(LeaseStatus, s);
const isEndReason = (s: string): s is EndReasonName => Object.hasOwn(EndReason, s);

/** A lease status string from the indexer, checked. */
export function toLeaseStatus(s: string): IndexedLeaseStatus {
  if (!isIndexedStatus(s)) throw new RangeError(`Unknown lease status ${JSON.stringify(s)}`);
  return s;
}

/** An end-reason string from the indexer, checked. */
export function toEndReason(s: string): EndReasonName {
  if (!isEndReason(s)) throw new RangeError(`Unknown end reason ${JSON.stringify(s)}`);
  return s;
}

/** Maps a raw lease row. */
export const toLease = (r: RawLease): IndexedLease => ({
  leaseId: big(r.leaseId),
  offerId: big(r.offer.id),
  provider: addr(r.provider.id),
  buyer: addr(r.buyer.id),
  paymentToken: addr(r.paymentToken.id),
  gpuModel: r.gpuModel,
  region: r.region,
  units: big(r.units),
  gpusPerUnit: big(r.gpusPerUnit),
  gpus: big(r.gpus),
  pricePerGpuHour: big(r.pricePerGpuHour),
  feeBps: big(r.feeBps),
  duration: big(r.duration),
  initialDuration: big(r.initialDuration),
  status: toLeaseStatus(r.status),
  endReason: toEndReason(r.endReason),
  buyerPublicKey: r.buyerPublicKey as Hex,
  activationDeadline: big(r.activationDeadline),
  openedAt: big(r.openedAt),
  openedAtBlock: big(r.openedAtBlock),
  startTime: optBig(r.startTime),
  endTime: optBig(r.endTime),
  closedAt: optBig(r.closedAt),
  deposit: big(r.deposit),
  topUps: big(r.topUps),
  extensionCount: r.extensionCount,
  accrued: big(r.accrued),
  claimedGross: big(r.claimedGross),
  paidToProvider: big(r.paidToProvider),
  fee: big(r.fee),
  refunded: big(r.refunded),
  penalty: big(r.penalty),
  encryptedAccess: (r.encryptedAccess as Hex | null) ?? null,
  accessPostedAt: optBig(r.accessPostedAt),
  accessRotatedAt: optBig(r.accessRotatedAt),
  accessRotations: r.accessRotations,
  outageOpen: r.outageOpen,
  downUnits: big(r.downUnits),
  outageSince: optBig(r.outageSince),
  repairDeadline: optBig(r.repairDeadline),
  lastResolvedAt: optBig(r.lastResolvedAt),
  outageReports: r.outageReports,
  outageDowntime: big(r.outageDowntime),
  downUnitSeconds: big(r.downUnitSeconds),
  updatedAt: big(r.updatedAt),
  ...toLeaseReserved(r),
});

/* ---------------------------------------------------------------- lease events */

/** Selection of a lease-event row. */
export const LEASE_EVENT_FIELDS =
  "id lease { id } type account txHash blockNumber logIndex timestamp amount fee refund penalty duration startTime endTime endReason downUnits evidenceHash repairDeadline reports downUnitSeconds accessChanged";

export interface RawLeaseEvent {
  id: string;
  lease: Ref;
  type: string;
  account: string | null;
  txHash: string;
  blockNumber: string;
  logIndex: number;
  timestamp: string;
  amount: string | null;
  fee: string | null;
  refund: string | null;
  penalty: string | null;
  duration: string | null;
  startTime: string | null;
  endTime: string | null;
  endReason: string | null;
  downUnits: string | null;
  evidenceHash: string | null;
  repairDeadline: string | null;
  reports: number | null;
  downUnitSeconds: string | null;
  accessChanged: boolean | null;
}

/**
 * One state change of a lease: Opened, Activated, Extended, AccessRotated, Ended, EarningsClaimed, OutageReported
 * (downUnits, evidenceHash, repairDeadline, reports) or OutageResolved (duration: the seconds the end moved; endTime:
 * the new end; downUnitSeconds; accessChanged).
 */
export interface IndexedLeaseEvent {
  id: string;
  leaseId: bigint;
  type: string;
  account: Address | null;
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
  timestamp: bigint;
  amount: bigint | null;
  fee: bigint | null;
  refund: bigint | null;
  penalty: bigint | null;
  duration: bigint | null;
  startTime: bigint | null;
  endTime: bigint | null;
  endReason: EndReasonName | null;
  downUnits: bigint | null;
  evidenceHash: Hex | null;
  repairDeadline: bigint | null;
  reports: number | null;
  downUnitSeconds: bigint | null;
  accessChanged: boolean | null;
}

/** Maps a raw lease-event row. */
export const toLeaseEvent = (r: RawLeaseEvent): IndexedLeaseEvent => ({
  id: r.id,
  leaseId: big(r.lease.id),
  type: r.type,
  account: r.account === null ? null : addr(r.account),
  txHash: r.txHash as Hex,
  blockNumber: big(r.blockNumber),
  logIndex: r.logIndex,
  timestamp: big(r.timestamp),
  amount: optBig(r.amount),
  fee: optBig(r.fee),
  refund: optBig(r.refund),
  penalty: optBig(r.penalty),
  duration: optBig(r.duration),
  startTime: optBig(r.startTime),
  endTime: optBig(r.endTime),
  endReason: r.endReason === null ? null : toEndReason(r.endReason),
  downUnits: optBig(r.downUnits),
  evidenceHash: (r.evidenceHash as Hex | null) ?? null,
  repairDeadline: optBig(r.repairDeadline),
  reports: r.reports,
  downUnitSeconds: optBig(r.downUnitSeconds),
  accessChanged: r.accessChanged,
});

/** Events in chain order (block, then log index). */
export const byChainOrder = (a: IndexedLeaseEvent, b: IndexedLeaseEvent): number =>
  a.blockNumber === b.blockNumber
    ? a.logIndex - b.logIndex
    : a.blockNumber < b.blockNumber
      ? -1
      : 1;
