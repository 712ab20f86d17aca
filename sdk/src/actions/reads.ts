/** Typed reads of the market: records, counters, its configuration, the chain's time and a lease's state. */
import type {
  Abi,
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
  ReadContractReturnType,
} from "viem";
import { getBlock, readContract } from "viem/actions";
import { gridleaseMarketAbi } from "../generated/abis.ts";
import { leaseStateAt, type LeaseState } from "../status.ts";
import { toOutageRecord } from "../pricing.ts";
import type {
  LeaseView,
  MarketAbi,
  OfferRecord,
  OnMarket,
  ProviderRecord,
  ReadClient,
} from "./types.ts";

// viem cannot resolve its argument and result types for a function name that is itself a type parameter, so the
// call goes through the ABI widened to `Abi`; the signature below keeps callers typed by the market's ABI.
const marketAbi: Abi = gridleaseMarketAbi;

/** One typed view call on the market. */
export const read = <N extends ContractFunctionName<MarketAbi, "view" | "pure">>(
  client: ReadClient,
  market: Address,
  functionName: N,
  args: ContractFunctionArgs<MarketAbi, "view" | "pure", N> & readonly unknown[],
): Promise<ReadContractReturnType<MarketAbi, N>> =>
  readContract(client, {
    address: market,
    abi: marketAbi,
    functionName,
    args,
  }) as Promise<ReadContractReturnType<MarketAbi, N>>;

/** Names of the market's views that take no arguments. */
type NoArgView = {
  [N in ContractFunctionName<MarketAbi, "view" | "pure">]: ContractFunctionArgs<
    MarketAbi,
    "view" | "pure",
    N
  > extends readonly []
    ? N
    : never;
}[ContractFunctionName<MarketAbi, "view" | "pure">];

/** A lease with its status, amounts and parties as of the latest block. */
export const getLease = (c: ReadClient, p: OnMarket & { leaseId: bigint }): Promise<LeaseView> =>
  read(c, p.market, "getLease", [p.leaseId]);

/** An offer's stored record (`provider` is zero for an unknown offer). */
export const getOffer = (c: ReadClient, p: OnMarket & { offerId: bigint }): Promise<OfferRecord> =>
  read(c, p.market, "getOffer", [p.offerId]);

/** A provider's stored record: registration, bond and offer count. */
export const getProvider = (
  c: ReadClient,
  p: OnMarket & { provider: Address },
): Promise<ProviderRecord> => read(c, p.market, "getProvider", [p.provider]);

/** Escrow still held for a lease. */
export const escrowOf = (c: ReadClient, p: OnMarket & { leaseId: bigint }): Promise<bigint> =>
  read(c, p.market, "escrowOf", [p.leaseId]);

/** A lease's outage record (all zero for a lease that never had an outage report). */
export const getOutage = (c: ReadClient, p: OnMarket & { leaseId: bigint }) =>
  read(c, p.market, "getOutage", [p.leaseId]);

/** What the market credited `account` in `token` after a payout to it failed (see `withdrawCredit`). */
export const credits = (
  c: ReadClient,
  p: OnMarket & { token: Address; account: Address },
): Promise<bigint> => read(c, p.market, "credits", [p.token, p.account]);

/** Protocol fees collected in `token` and not yet withdrawn. */
export const protocolFees = (c: ReadClient, p: OnMarket & { token: Address }): Promise<bigint> =>
  read(c, p.market, "protocolFees", [p.token]);

/** Whether `token` is allowed for new offers and leases now. */
export const isPaymentToken = (c: ReadClient, p: OnMarket & { token: Address }): Promise<boolean> =>
  read(c, p.market, "isPaymentToken", [p.token]);

/** Every token ever allowed, whether or not it still is. */
export const paymentTokens = (c: ReadClient, p: OnMarket): Promise<readonly Address[]> =>
  read(c, p.market, "paymentTokens", []);

/** Number of leases opened so far (ids run from 1). */
export const leaseCount = (c: ReadClient, p: OnMarket): Promise<bigint> =>
  read(c, p.market, "leaseCount", []);

/** Number of offers created so far (ids run from 1). */
export const offerCount = (c: ReadClient, p: OnMarket): Promise<bigint> =>
  read(c, p.market, "offerCount", []);

/** The market's settings, roles and limits in one read. */
export async function getMarketConfig(c: ReadClient, p: OnMarket) {
  const r = <N extends NoArgView>(n: N) =>
    readContract(c, { address: p.market, abi: marketAbi, functionName: n, args: [] }) as Promise<
      ReadContractReturnType<MarketAbi, N>
    >;
  const [owner, pendingOwner, treasury, feeBps, activationWindow, paused, bondToken, penaltyBps] =
    await Promise.all([
      r("owner"),
      r("pendingOwner"),
      r("treasury"),
      r("feeBps"),
      r("activationWindow"),
      r("paused"),
      r("BOND_TOKEN"),
      r("PENALTY_BPS"),
    ]);
  const limits = await Promise.all([
    r("MAX_FEE_BPS"),
    r("MAX_UNITS"),
    r("MAX_GPUS_PER_UNIT"),
    r("MAX_LEASE_DURATION"),
    r("MIN_ACTIVATION_WINDOW"),
    r("MAX_ACTIVATION_WINDOW"),
    r("MAX_ACCESS_BYTES"),
    r("MAX_CLAIM_BATCH"),
    r("MAX_PAYMENT_TOKENS"),
    r("MIN_REPAIR_WINDOW"),
    r("MAX_REPAIR_WINDOW"),
    r("MAX_OUTAGE_REPORTS"),
    r("REPORT_COOLDOWN"),
  ]);
  const [
    maxFeeBps,
    maxUnits,
    maxGpusPerUnit,
    maxLeaseDuration,
    minActivationWindow,
    maxActivationWindow,
    maxAccessBytes,
    maxClaimBatch,
    maxPaymentTokens,
    minRepairWindow,
    maxRepairWindow,
    maxOutageReports,
    reportCooldown,
  ] = limits;
  return {
    owner,
    pendingOwner,
    treasury,
    feeBps,
    activationWindow,
    paused,
    bondToken,
    penaltyBps,
    limits: {
      maxFeeBps,
      maxUnits,
      maxGpusPerUnit,
      maxLeaseDuration,
      minActivationWindow,
      maxActivationWindow,
      maxAccessBytes,
      maxClaimBatch,
      maxPaymentTokens,
      minRepairWindow,
      maxRepairWindow,
      maxOutageReports,
      reportCooldown,
    },
  };
}

/** Latest block's timestamp: "now" on the chain (which differs from the local clock on test chains). */
export async function chainTime(c: ReadClient): Promise<bigint> {
  return (await getBlock(c, { blockTag: "latest" })).timestamp;
}

/** A lease and its state at `now` (default: the latest block's time), from `getLease` and `leaseStateAt`. */
export async function getLeaseState(
  c: ReadClient,
  p: OnMarket & { leaseId: bigint; now?: bigint },
): Promise<{ lease: LeaseView; state: LeaseState; now: bigint }> {
  const [lease, now, terms] = await Promise.all([
    getLease(c, p),
    p.now ?? chainTime(c),
    read(c, p.market, "getLeaseTerms", [p.leaseId]),
  ]);
  // Only a lease that had outage reports has an outage record worth a second read.
  const outage = lease.outageReports > 0n ? toOutageRecord(await getOutage(c, p)) : undefined;
  const reserved = {
    rolling: terms.rolling,
    term: terms.term,
    frozen: terms.frozen,
    exitEscrow: terms.exitEscrow,
  };
  return { lease, now, state: leaseStateAt({ ...lease, outage, reserved }, now) };
}
