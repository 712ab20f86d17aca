/**
 * An address's record in the indexer, as a provider (earnings per token) and as a buyer (account, spending and
 * credits per token): raw rows as GraphQL returns them, mapped rows as callers use them, and the mappers.
 */
import type { Address } from "viem";
import { addr, big } from "./convert.ts";
import type { Ref } from "./rows.ts";

/** Selection of a provider's earnings in one payment token. */
export const PROVIDER_EARNING_FIELDS =
  "id provider { id } paymentToken { id } earningsAccrued earningsClaimed feesPaid updatedAt";

export interface RawProviderEarning {
  id: string;
  provider: Ref;
  paymentToken: Ref;
  earningsAccrued: string;
  earningsClaimed: string;
  feesPaid: string;
  updatedAt: string;
}

/** A provider's earnings in one payment token (amounts in different tokens are never added up). */
export interface IndexedProviderEarning {
  provider: Address;
  paymentToken: Address;
  /** Its share of what its leases accrued, after the fee. */
  earningsAccrued: bigint;
  earningsClaimed: bigint;
  feesPaid: bigint;
  updatedAt: bigint;
}

/** Maps a raw provider-earning row. */
export const toProviderEarning = (r: RawProviderEarning): IndexedProviderEarning => ({
  provider: addr(r.provider.id),
  paymentToken: addr(r.paymentToken.id),
  earningsAccrued: big(r.earningsAccrued),
  earningsClaimed: big(r.earningsClaimed),
  feesPaid: big(r.feesPaid),
  updatedAt: big(r.updatedAt),
});

/** Selection of an account (an address as a buyer). */
export const ACCOUNT_FIELDS =
  "id leaseCount gpuSecondsBought penaltiesReceived outageReports firstSeenAt lastSeenAt";

export interface RawAccount {
  id: string;
  leaseCount: number;
  gpuSecondsBought: string;
  penaltiesReceived: string;
  outageReports: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** An address as a buyer. */
export interface IndexedAccount {
  address: Address;
  leaseCount: number;
  /** GPU-seconds bought, net of the time given back by leases ended early. */
  gpuSecondsBought: bigint;
  /** GRID penalties paid to it by providers. */
  penaltiesReceived: bigint;
  /** Outage reports it filed as a buyer (raises included): a provider can spot a buyer who cries wolf. */
  outageReports: number;
  firstSeenAt: bigint;
  lastSeenAt: bigint;
}

/** Maps a raw account row. */
export const toAccount = (r: RawAccount): IndexedAccount => ({
  address: addr(r.id),
  leaseCount: r.leaseCount,
  gpuSecondsBought: big(r.gpuSecondsBought),
  penaltiesReceived: big(r.penaltiesReceived),
  outageReports: r.outageReports,
  firstSeenAt: big(r.firstSeenAt),
  lastSeenAt: big(r.lastSeenAt),
});

/** Selection of a buyer's spending in one payment token. */
export const ACCOUNT_SPENDING_FIELDS =
  "id account { id } paymentToken { id } spent refunded updatedAt";

export interface RawAccountSpending {
  id: string;
  account: Ref;
  paymentToken: Ref;
  spent: string;
  refunded: string;
  updatedAt: string;
}

/** A buyer's spending in one payment token: deposits and top-ups of its leases, less refunds. */
export interface IndexedAccountSpending {
  account: Address;
  paymentToken: Address;
  spent: bigint;
  refunded: bigint;
  updatedAt: bigint;
}

/** Maps a raw account-spending row. */
export const toAccountSpending = (r: RawAccountSpending): IndexedAccountSpending => ({
  account: addr(r.account.id),
  paymentToken: addr(r.paymentToken.id),
  spent: big(r.spent),
  refunded: big(r.refunded),
  updatedAt: big(r.updatedAt),
});

/** Selection of an account's credit in one token. */
export const CREDIT_FIELDS = "id account { id } token credited withdrawn balance updatedAt";

export interface RawCredit {
  id: string;
  account: Ref;
  token: string;
  credited: string;
  withdrawn: string;
  balance: string;
  updatedAt: string;
}

/** Payouts the market could not deliver to an account in one token (the token refused), credited to withdraw. */
export interface IndexedCredit {
  account: Address;
  token: Address;
  credited: bigint;
  withdrawn: bigint;
  /** credited − withdrawn: what `withdrawCredit(token)` pays the account now. */
  balance: bigint;
  updatedAt: bigint;
}

/** Maps a raw credit row. */
export const toCredit = (r: RawCredit): IndexedCredit => ({
  account: addr(r.account.id),
  token: addr(r.token),
  credited: big(r.credited),
  withdrawn: big(r.withdrawn),
  balance: big(r.balance),
  updatedAt: big(r.updatedAt),
});
