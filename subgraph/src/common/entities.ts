// Load-or-create helpers: the same defaults as the `touch*` helpers in indexer/src/store.ts.
import { Address, BigInt, Bytes } from "@graphprotocol/graph-ts";
import {
  Account,
  AccountSpending,
  Credit,
  Market,
  PaymentToken,
  Provider,
  ProviderBond,
  ProviderEarning,
} from "../../generated/schema";
import { ZERO } from "./ids";

/** The market row; `updatedAt` moves to `timestamp`. */
export function touchMarket(id: string, timestamp: BigInt): Market {
  let market = Market.load(id);
  if (market == null) {
    market = new Market(id);
    market.treasury = Address.zero();
    market.feeBps = ZERO;
    market.activationWindow = ZERO;
    market.paused = false;
    market.bondToken = Address.zero();
    market.penaltyBps = ZERO;
    market.providerCount = 0;
    market.offerCount = 0;
    market.leaseCount = 0;
  }
  market.updatedAt = timestamp;
  return market;
}

export function touchPaymentToken(id: string, timestamp: BigInt): PaymentToken {
  let token = PaymentToken.load(id);
  if (token == null) {
    token = new PaymentToken(id);
    token.allowed = false;
    token.leaseCount = 0;
    token.volume = ZERO;
    token.refunded = ZERO;
    token.paidToProviders = ZERO;
    token.feesAccrued = ZERO;
    token.feesWithdrawn = ZERO;
    token.firstSeenAt = timestamp;
  }
  token.updatedAt = timestamp;
  return token;
}

/** The provider row; `lastSeenAt` moves to `timestamp`. */
export function touchProvider(id: string, timestamp: BigInt): Provider {
  let provider = Provider.load(id);
  if (provider == null) {
    provider = new Provider(id);
    provider.metadataURI = "";
    provider.bond = ZERO;
    provider.lockedBond = ZERO;
    provider.offerCount = 0;
    provider.leaseCount = 0;
    provider.leasesServed = 0;
    provider.gpuSecondsServed = ZERO;
    provider.noShows = 0;
    provider.providerTerminations = 0;
    provider.penaltiesPaid = ZERO;
    provider.gpuSecondsDown = ZERO;
    provider.availabilityBps = 10000;
    provider.outageReports = 0;
    provider.openOutages = 0;
    provider.outagesUnresolved = 0;
    provider.pendingLeases = 0;
    provider.activeLeases = 0;
    provider.firstSeenAt = timestamp;
    provider.feesPaidUsdMicros = ZERO;
    provider.completedWeight = ZERO;
    provider.faultWeight = ZERO;
    provider.noShowWeight = ZERO;
    provider.deliveredWeight = ZERO;
    provider.uptimeWeight = ZERO;
    provider.reviewWeight = ZERO;
    provider.reviewScoreWeight = ZERO;
    provider.auditedUntil = ZERO;
    provider.reviewCount = 0;
    provider.auditCount = 0;
  }
  provider.lastSeenAt = timestamp;
  return provider;
}

/** The buyer row; `lastSeenAt` moves to `timestamp`. */
export function touchAccount(id: string, timestamp: BigInt): Account {
  let account = Account.load(id);
  if (account == null) {
    account = new Account(id);
    account.leaseCount = 0;
    account.gpuSecondsBought = ZERO;
    account.penaltiesReceived = ZERO;
    account.outageReports = 0;
    account.pendingLeases = 0;
    account.activeLeases = 0;
    account.firstSeenAt = timestamp;
  }
  account.lastSeenAt = timestamp;
  return account;
}

/** A provider's earnings row in one token (saved by the caller). */
export function touchEarning(
  providerId: string,
  token: string,
  timestamp: BigInt,
): ProviderEarning {
  let id = providerId + ":" + token;
  let row = ProviderEarning.load(id);
  if (row == null) {
    row = new ProviderEarning(id);
    row.provider = providerId;
    row.paymentToken = token;
    row.earningsAccrued = ZERO;
    row.earningsClaimed = ZERO;
    row.feesPaid = ZERO;
  }
  row.updatedAt = timestamp;
  return row;
}

/** A buyer's spending row in one token (saved by the caller). */
export function touchSpending(
  accountId: string,
  token: string,
  timestamp: BigInt,
): AccountSpending {
  let id = accountId + ":" + token;
  let row = AccountSpending.load(id);
  if (row == null) {
    row = new AccountSpending(id);
    row.account = accountId;
    row.paymentToken = token;
    row.spent = ZERO;
    row.refunded = ZERO;
  }
  row.updatedAt = timestamp;
  return row;
}

/** An account's credit row in one token (saved by the caller). */
export function touchCredit(accountId: string, token: Address, timestamp: BigInt): Credit {
  let id = accountId + ":" + token.toHexString();
  let row = Credit.load(id);
  if (row == null) {
    row = new Credit(id);
    row.account = accountId;
    row.token = token;
    row.credited = ZERO;
    row.withdrawn = ZERO;
    row.balance = ZERO;
  }
  row.updatedAt = timestamp;
  return row;
}

/**
 * A provider's bond in one token, as `upsertProviderBond` in indexer/src/store.ts; `updatedAt` moves. Save it
 * with `saveProviderBond`, which mirrors the GRID row into the provider's bond fields.
 */
export function touchProviderBond(
  providerId: string,
  token: Bytes,
  timestamp: BigInt,
): ProviderBond {
  let id = providerId + ":" + token.toHexString();
  let bond = ProviderBond.load(id);
  if (bond == null) {
    bond = new ProviderBond(id);
    bond.provider = providerId;
    bond.token = token;
    bond.amount = ZERO;
    bond.locked = ZERO;
    bond.penaltiesPaid = ZERO;
  }
  bond.updatedAt = timestamp;
  return bond;
}

/** Saves a ProviderBond; the provider's `bond` and `lockedBond` mirror its row in the market's bond token. */
export function saveProviderBond(bond: ProviderBond, marketId: string, timestamp: BigInt): void {
  bond.save();
  let provider = touchProvider(bond.provider, timestamp);
  let market = Market.load(marketId);
  if (market != null && market.bondToken.equals(bond.token)) {
    provider.bond = bond.amount;
    provider.lockedBond = bond.locked;
  }
  provider.save();
}
