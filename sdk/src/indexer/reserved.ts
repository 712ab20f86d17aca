/**
 * Reserved capacity in the index (issue #12): an offer's reserved terms and a lease's term, funding, commitment
 * escrow, exit charges, allowance and server ends (selected with every offer and lease row, see ./rows.ts), each
 * executed top-up and server end of a lease, and a provider's bonds per token.
 */
import type { Address, Hex } from "viem";
import type { IndexerClient, RequestOptions } from "./client.ts";
import { addr, big, optBig } from "./convert.ts";

/** Selection of an offer's reserved terms (part of OFFER_FIELDS). */
export const OFFER_TERMS_FIELDS = "prepaidWindow commitment noticePeriod exitFeeBps";

export interface RawOfferTerms {
  prepaidWindow: string;
  commitment: string;
  noticePeriod: string;
  exitFeeBps: string;
}

/** An offer's reserved terms, fixed at creation; all 0 for an offer whose leases prepay in full. */
export interface IndexedOfferTerms {
  /** Least a rolling lease prepays, in seconds; 0: leases are fully prepaid. */
  prepaidWindow: bigint;
  /** Seconds from activation during which the buyer's exit is charged; 0: none. */
  commitment: bigint;
  /** Billed notice an early exit costs, in seconds (a committed offer has this or an exit fee). */
  noticePeriod: bigint;
  /** Exit fee in bps of the committed value left. */
  exitFeeBps: bigint;
}

/** Maps an offer row's reserved terms. */
export const toOfferTerms = (r: RawOfferTerms): IndexedOfferTerms => ({
  prepaidWindow: big(r.prepaidWindow),
  commitment: big(r.commitment),
  noticePeriod: big(r.noticePeriod),
  exitFeeBps: big(r.exitFeeBps),
});

/** Selection of a lease's reserved-capacity fields (part of LEASE_FIELDS). */
export const LEASE_RESERVED_FIELDS =
  "rolling term fundedUntil exitEscrow reservedPenalty exitCharge unitsReleased unitsFailed topUpPerTopUp topUpRemaining topUpThreshold topUpRevoked topUpCount";

export interface RawLeaseReserved {
  rolling: boolean;
  term: string;
  fundedUntil: string | null;
  exitEscrow: string;
  reservedPenalty: string;
  exitCharge: string;
  unitsReleased: string;
  unitsFailed: string;
  topUpPerTopUp: string;
  topUpRemaining: string;
  topUpThreshold: string;
  topUpRevoked: boolean;
  topUpCount: number;
}

/** A lease's term, funding, commitment escrow, exit charges, top-up allowance and server ends. */
export interface IndexedLeaseReserved {
  /** Opened by openRollingLease: it may run past what it funded (`duration`), up to `term`. */
  rolling: boolean;
  /** Seconds the lease may run. */
  term: bigint;
  /** Billing stops here (start + funded seconds + outage extension); null before activation. */
  fundedUntil: bigint | null;
  /** Exit charge escrowed at open (committed rolling leases), for the servers left. */
  exitEscrow: bigint;
  /** Penalty its provider's bond still reserves for it, in the lease's token. */
  reservedPenalty: bigint;
  /** Exit charges kept as earnings: releases inside the commitment, an early exit, an Unfunded end. */
  exitCharge: bigint;
  unitsReleased: bigint;
  unitsFailed: bigint;
  /** The buyer's top-up allowance; all 0 when none is set. */
  topUpAllowance: {
    perTopUp: bigint;
    remaining: bigint;
    runwayThreshold: bigint;
    revoked: boolean;
  };
  topUpCount: number;
}

/** Maps a lease row's reserved-capacity fields. */
export const toLeaseReserved = (r: RawLeaseReserved): IndexedLeaseReserved => ({
  rolling: r.rolling,
  term: big(r.term),
  fundedUntil: optBig(r.fundedUntil),
  exitEscrow: big(r.exitEscrow),
  reservedPenalty: big(r.reservedPenalty),
  exitCharge: big(r.exitCharge),
  unitsReleased: big(r.unitsReleased),
  unitsFailed: big(r.unitsFailed),
  topUpAllowance: {
    perTopUp: big(r.topUpPerTopUp),
    remaining: big(r.topUpRemaining),
    runwayThreshold: big(r.topUpThreshold),
    revoked: r.topUpRevoked,
  },
  topUpCount: r.topUpCount,
});

/** Selection of a top-up row. */
export const TOP_UP_FIELDS =
  "id lease { id } executor addedDuration amount fundedUntil remaining timestamp blockNumber txHash";

export interface RawTopUp {
  id: string;
  lease: { id: string };
  executor: string;
  addedDuration: string;
  amount: string;
  fundedUntil: string;
  remaining: string;
  timestamp: string;
  blockNumber: string;
  txHash: string;
}

/** One executed top-up: who sent it (the buyer paid), what it added and what the allowance has left. */
export interface IndexedTopUp {
  id: string;
  leaseId: bigint;
  executor: Address;
  addedDuration: bigint;
  amount: bigint;
  fundedUntil: bigint;
  remaining: bigint;
  timestamp: bigint;
  blockNumber: bigint;
  txHash: Hex;
}

/** Maps a raw top-up row. */
export const toTopUp = (r: RawTopUp): IndexedTopUp => ({
  id: r.id,
  leaseId: big(r.lease.id),
  executor: addr(r.executor),
  addedDuration: big(r.addedDuration),
  amount: big(r.amount),
  fundedUntil: big(r.fundedUntil),
  remaining: big(r.remaining),
  timestamp: big(r.timestamp),
  blockNumber: big(r.blockNumber),
  txHash: r.txHash as Hex,
});

/** Selection of a server-end row. */
export const SERVER_END_FIELDS =
  "id lease { id } kind count refund exitCharge penalty timestamp blockNumber txHash";

export interface RawServerEnd {
  id: string;
  lease: { id: string };
  kind: string;
  count: string;
  refund: string;
  exitCharge: string;
  penalty: string;
  timestamp: string;
  blockNumber: string;
  txHash: string;
}

/** Servers of a lease released by the buyer or failed by the provider while the rest ran on. */
export interface IndexedServerEnd {
  id: string;
  leaseId: bigint;
  kind: "Released" | "Failed";
  count: bigint;
  /** Paid back to the buyer for their unused time. */
  refund: bigint;
  /** A release inside the commitment: what it cost; 0 for a failure. */
  exitCharge: bigint;
  /** Their share of the penalty: paid to the buyer on a failure, unreserved on a release. */
  penalty: bigint;
  timestamp: bigint;
  blockNumber: bigint;
  txHash: Hex;
}

/** Maps a raw server-end row. */
export function toServerEnd(r: RawServerEnd): IndexedServerEnd {
  if (r.kind !== "Released" && r.kind !== "Failed")
    throw new RangeError(`Unknown server end kind ${JSON.stringify(r.kind)}`);
  return {
    id: r.id,
    leaseId: big(r.lease.id),
    kind: r.kind,
    count: big(r.count),
    refund: big(r.refund),
    exitCharge: big(r.exitCharge),
    penalty: big(r.penalty),
    timestamp: big(r.timestamp),
    blockNumber: big(r.blockNumber),
    txHash: r.txHash as Hex,
  };
}

/** Selection of a provider-bond row. */
export const PROVIDER_BOND_FIELDS =
  "id provider { id } token amount locked penaltiesPaid updatedAt";

export interface RawProviderBond {
  id: string;
  provider: { id: string };
  token: string;
  amount: string;
  locked: string;
  penaltiesPaid: string;
  updatedAt: string;
}

/** A provider's bond in one payment token: penalties of its leases in that token are reserved from it. */
export interface IndexedProviderBond {
  provider: Address;
  token: Address;
  amount: bigint;
  /** Reserved for its live leases' penalties; amount − locked is free. */
  locked: bigint;
  penaltiesPaid: bigint;
  updatedAt: bigint;
}

/** Maps a raw provider-bond row. */
export const toProviderBond = (r: RawProviderBond): IndexedProviderBond => ({
  provider: addr(r.provider.id),
  token: addr(r.token),
  amount: big(r.amount),
  locked: big(r.locked),
  penaltiesPaid: big(r.penaltiesPaid),
  updatedAt: big(r.updatedAt),
});

/** A lease's executed top-ups and server ends, oldest first. */
export async function listLeaseReservedHistory(
  client: IndexerClient,
  leaseId: bigint,
  opts: RequestOptions = {},
): Promise<{ topUps: IndexedTopUp[]; serverEnds: IndexedServerEnd[] }> {
  const d = await client.query<{
    topUps: { items: RawTopUp[] };
    serverEnds: { items: RawServerEnd[] };
  }>(
    `query ($id: String!) {
  topUps(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") { items { ${TOP_UP_FIELDS} } }
  serverEnds(where: { lease: $id }, limit: 1000, orderBy: "blockNumber", orderDirection: "asc") { items { ${SERVER_END_FIELDS} } }
}`,
    { id: leaseId.toString() },
    opts,
  );
  return {
    topUps: d.topUps.items.map(toTopUp),
    serverEnds: d.serverEnds.items.map(toServerEnd),
  };
}

/** A provider's bonds, one per token it ever bonded in. */
export async function listProviderBonds(
  client: IndexerClient,
  provider: Address,
  opts: RequestOptions = {},
): Promise<IndexedProviderBond[]> {
  const d = await client.query<{ providerBonds: { items: RawProviderBond[] } }>(
    `query ($id: String!) { providerBonds(where: { provider: $id }, limit: 100) { items { ${PROVIDER_BOND_FIELDS} } } }`,
    { id: provider.toLowerCase() },
    opts,
  );
  return d.providerBonds.items.map(toProviderBond);
}
