/**
 * Typed viem actions for every function of the Gridlease market, plus the compound actions a client needs
 * (allowance, permit, quote, lease state, access details). Apps and the CLI never build calldata by hand.
 *
 * Reads take any viem client; writes take a client with an account (a wallet client) and return the
 * transaction hash at once, with `wait()` for the receipt and the market events it emitted.
 */
import {
  isAddressEqual,
  parseEventLogs,
  parseSignature,
  zeroAddress,
  type Account,
  type Address,
  type BlockNumber,
  type BlockTag,
  type Chain,
  type Client,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  type ParseEventLogsReturnType,
  type ReadContractReturnType,
  type TransactionReceipt,
  type Transport,
} from "viem";
import {
  getBlock,
  getChainId,
  getContractEvents,
  readContract,
  signTypedData,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";
import { allowlistPolicyAbi, gridleaseMarketAbi, gridleaseTokenAbi } from "./generated/abis.ts";
import { cost, settle } from "./pricing.ts";
import { leaseStateAt, type LeaseState } from "./status.ts";
import { describeRevert } from "./errors.ts";
import { openAccess, type AccessDetails } from "./accessKeys.ts";
import { gridleaseDeployment } from "./contracts.ts";

type MarketAbi = typeof gridleaseMarketAbi;

/** Any viem client: reads. */
export type ReadClient = Client<Transport, Chain | undefined>;
/** A viem client with an account (a wallet client): writes and signatures. */
export type SignerClient = Client<Transport, Chain | undefined, Account>;

/** A lease as `getLease` returns it. */
export type LeaseView = ReadContractReturnType<MarketAbi, "getLease">;
/** An offer as stored (`getOffer`). */
export type OfferRecord = ReadContractReturnType<MarketAbi, "getOffer">;
/** A provider as stored (`getProvider`). */
export type ProviderRecord = ReadContractReturnType<MarketAbi, "getProvider">;
/** What `createOffer` takes. */
export type OfferParams = ContractFunctionArgs<MarketAbi, "nonpayable", "createOffer">[0];
/** A decoded market event. */
export type MarketEvent = ParseEventLogsReturnType<MarketAbi, undefined, true>[number];
/** Name of a market event. */
export type MarketEventName = MarketEvent["eventName"];

/** A mined transaction: its receipt, the market events it emitted, and what the action extracts from them. */
export type Mined<R extends object = object> = {
  receipt: TransactionReceipt;
  events: MarketEvent[];
} & R;

/** A sent transaction: its hash now, the receipt later. */
export interface Sent<R extends object = object> {
  hash: Hex;
  /** Waits for the receipt (with `client`, if given, instead of the sender's) and throws if it reverted. */
  wait(options?: {
    client?: ReadClient;
    confirmations?: number;
    timeout?: number;
  }): Promise<Mined<R>>;
}

/** Thrown by `wait()` when a transaction was mined but reverted. */
export class TransactionRevertedError extends Error {
  override name = "TransactionRevertedError";
  readonly receipt: TransactionReceipt;

  constructor(receipt: TransactionReceipt) {
    super(`Transaction ${receipt.transactionHash} reverted in block ${receipt.blockNumber}`);
    this.receipt = receipt;
  }
}

/** The first event named `name` among a transaction's market events. */
export function findEvent<N extends MarketEventName>(
  events: readonly MarketEvent[],
  name: N,
): Extract<MarketEvent, { eventName: N }> | undefined {
  return events.find((e) => e.eventName === name) as Extract<MarketEvent, { eventName: N }>;
}

function sent<R extends object>(
  sender: ReadClient,
  hash: Hex,
  emitter: Address | undefined,
  extract: (events: MarketEvent[]) => R = () => ({}) as R,
): Sent<R> {
  return {
    hash,
    async wait({ client, confirmations, timeout } = {}) {
      const receipt = await waitForTransactionReceipt(client ?? sender, {
        hash,
        confirmations,
        timeout,
      });
      if (receipt.status !== "success") throw new TransactionRevertedError(receipt);
      const events = emitter
        ? parseEventLogs({
            abi: gridleaseMarketAbi,
            logs: receipt.logs.filter((log) => isAddressEqual(log.address, emitter)),
          })
        : [];
      return { receipt, events, ...extract(events) };
    },
  };
}

type WriteName = ContractFunctionName<MarketAbi, "nonpayable">;

async function writeMarket<N extends WriteName, R extends object = object>(
  wallet: SignerClient,
  market: Address,
  functionName: N,
  args: ContractFunctionArgs<MarketAbi, "nonpayable", N>,
  extract?: (events: MarketEvent[]) => R,
): Promise<Sent<R>> {
  const hash = await writeContract(wallet, {
    address: market,
    abi: gridleaseMarketAbi,
    functionName,
    args,
    account: wallet.account,
    chain: wallet.chain ?? null,
  } as never);
  return sent(wallet, hash, market, extract);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The transaction emitted no ${what} event`);
  return value;
}

/** Which market a call goes to. */
interface OnMarket {
  market: Address;
}

/*//////////////////////////////////////////////////////////////
                            PROVIDERS
//////////////////////////////////////////////////////////////*/

/** Registers the sender as a provider with a public metadata URI. */
export const registerProvider = (w: SignerClient, p: OnMarket & { metadataURI: string }) =>
  writeMarket(w, p.market, "registerProvider", [p.metadataURI]);

/** Replaces the sender's provider metadata URI. */
export const updateProvider = (w: SignerClient, p: OnMarket & { metadataURI: string }) =>
  writeMarket(w, p.market, "updateProvider", [p.metadataURI]);

/** Adds `amount` GRID to the sender's bond (approve the market first: see `ensureAllowance`). */
export const depositBond = (w: SignerClient, p: OnMarket & { amount: bigint }) =>
  writeMarket(w, p.market, "depositBond", [p.amount]);

/** Withdraws `amount` of the sender's bond: at most its free part (live leases keep their penalties reserved). */
export const withdrawBond = (w: SignerClient, p: OnMarket & { amount: bigint }) =>
  writeMarket(w, p.market, "withdrawBond", [p.amount]);

/** Lists capacity; `wait()` gives the new `offerId`. */
export const createOffer = (w: SignerClient, p: OnMarket & { offer: OfferParams }) =>
  writeMarket(w, p.market, "createOffer", [p.offer], (events) => ({
    offerId: required(findEvent(events, "OfferCreated"), "OfferCreated").args.offerId,
  }));

/** Sets an offer's price per GPU-hour for leases opened from now on. */
export const setOfferPrice = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; pricePerGpuHour: bigint },
) => writeMarket(w, p.market, "setOfferPrice", [p.offerId, p.pricePerGpuHour]);

/** Sets an offer's total units (at least the units in use). */
export const setOfferUnits = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; totalUnits: bigint },
) => writeMarket(w, p.market, "setOfferUnits", [p.offerId, p.totalUnits]);

/** Pauses (`paused` true) or resumes new leases on an offer. */
export const setOfferPaused = (
  w: SignerClient,
  p: OnMarket & { offerId: bigint; paused: boolean },
) => writeMarket(w, p.market, "setOfferPaused", [p.offerId, p.paused]);

/** Starts a pending lease and posts the access details sealed to the buyer (see `sealAccess`). */
export const activateLease = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; encryptedAccess: Hex },
) => writeMarket(w, p.market, "activateLease", [p.leaseId, p.encryptedAccess]);

/** Posts new sealed access details for an active lease. */
export const rotateAccess = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; encryptedAccess: Hex },
) => writeMarket(w, p.market, "rotateAccess", [p.leaseId, p.encryptedAccess]);

/** Pays the sender the accrued earnings of its leases (at most 200 per call); `wait()` lists what each paid. */
export const claim = (w: SignerClient, p: OnMarket & { leaseIds: readonly bigint[] }) =>
  writeMarket(w, p.market, "claim", [p.leaseIds], (events) => ({
    claimed: events.flatMap((e) => (e.eventName === "EarningsClaimed" ? [e.args] : [])),
  }));

/*//////////////////////////////////////////////////////////////
                              BUYERS
//////////////////////////////////////////////////////////////*/

/** What a new lease asks for. */
export interface LeaseRequest extends OnMarket {
  offerId: bigint;
  units: bigint;
  /** Seconds. */
  duration: bigint;
  /** The highest price per GPU-hour accepted: protects against a price rise before inclusion. */
  maxPricePerGpuHour: bigint;
  /** The buyer's X25519 public key as bytes32 (`AccessKeyPair.publicKeyHex`). */
  buyerPublicKey: Hex;
}

const leaseIdOf = (events: MarketEvent[]) => ({
  leaseId: required(findEvent(events, "LeaseOpened"), "LeaseOpened").args.leaseId,
});

/** Opens a lease, pulling the deposit (approve it first: see `ensureAllowance`); `wait()` gives the `leaseId`. */
export const openLease = (w: SignerClient, p: LeaseRequest) =>
  writeMarket(
    w,
    p.market,
    "openLease",
    [p.offerId, p.units, p.duration, p.maxPricePerGpuHour, p.buyerPublicKey],
    leaseIdOf,
  );

/**
 * Opens a lease in one transaction with an EIP-2612 permit it signs first (no separate approval). The permit
 * covers the deposit at `maxPricePerGpuHour` unless `permitValue` says otherwise, and is valid for 30 minutes of
 * chain time unless `permitDeadline` says otherwise. `wait()` gives the `leaseId`.
 */
export async function openLeaseWithPermit(
  w: SignerClient,
  p: LeaseRequest & { permitValue?: bigint; permitDeadline?: bigint },
): Promise<Sent<{ leaseId: bigint }>> {
  const offer = await getOffer(w, p);
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new Error(describeRevert("Market_UnknownOffer", [p.offerId]));
  const value =
    p.permitValue ?? cost(p.maxPricePerGpuHour, BigInt(offer.gpusPerUnit) * p.units, p.duration);
  const permit = await signPermit(w, {
    token: offer.paymentToken,
    spender: p.market,
    value,
    deadline: p.permitDeadline,
  });
  return writeMarket(
    w,
    p.market,
    "openLeaseWithPermit",
    [
      p.offerId,
      p.units,
      p.duration,
      p.maxPricePerGpuHour,
      p.buyerPublicKey,
      value,
      permit.deadline,
      permit.v,
      permit.r,
      permit.s,
    ],
    leaseIdOf,
  );
}

/** Adds `addedDuration` seconds to a pending or active lease at its locked price; the sender pays the top-up. */
export const extendLease = (
  w: SignerClient,
  p: OnMarket & { leaseId: bigint; addedDuration: bigint },
) => writeMarket(w, p.market, "extendLease", [p.leaseId, p.addedDuration]);

/** Ends a lease early (buyer: active; provider: pending or active); the buyer gets the unused deposit back. */
export const terminateLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "terminateLease", [p.leaseId]);

/** Cancels a lease the provider failed to activate in time: full refund plus the bond penalty. */
export const cancelLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "cancelLease", [p.leaseId]);

/** Ends an expired lease and frees its units; anyone may call it. */
export const closeLease = (w: SignerClient, p: OnMarket & { leaseId: bigint }) =>
  writeMarket(w, p.market, "closeLease", [p.leaseId]);

/*//////////////////////////////////////////////////////////////
                              ADMIN
//////////////////////////////////////////////////////////////*/

/** Owner: sets the protocol fee (basis points) for leases opened from now on. */
export const setProtocolFee = (w: SignerClient, p: OnMarket & { feeBps: bigint }) =>
  writeMarket(w, p.market, "setProtocolFee", [p.feeBps]);

/** Owner: sets where protocol fees go. */
export const setTreasury = (w: SignerClient, p: OnMarket & { treasury: Address }) =>
  writeMarket(w, p.market, "setTreasury", [p.treasury]);

/** Owner: sets the activation window (seconds) for leases opened from now on. */
export const setActivationWindow = (w: SignerClient, p: OnMarket & { window: bigint }) =>
  writeMarket(w, p.market, "setActivationWindow", [p.window]);

/** Owner: allows or disallows a payment token for new offers and leases. */
export const setPaymentToken = (
  w: SignerClient,
  p: OnMarket & { token: Address; allowed: boolean },
) => writeMarket(w, p.market, "setPaymentToken", [p.token, p.allowed]);

/** Owner: pauses or resumes new offers and new leases. */
export const setPaused = (w: SignerClient, p: OnMarket & { paused: boolean }) =>
  writeMarket(w, p.market, "setPaused", [p.paused]);

/** Sends the protocol fees collected in `token` to the treasury (anyone may call it); `wait()` gives the `amount`. */
export const withdrawFees = (w: SignerClient, p: OnMarket & { token: Address }) =>
  writeMarket(w, p.market, "withdrawFees", [p.token], (events) => ({
    amount: required(findEvent(events, "FeesWithdrawn"), "FeesWithdrawn").args.amount,
  }));

/** Owner: starts handing ownership to `newOwner`, who must accept. */
export const transferOwnership = (w: SignerClient, p: OnMarket & { newOwner: Address }) =>
  writeMarket(w, p.market, "transferOwnership", [p.newOwner]);

/** Pending owner: accepts ownership. */
export const acceptOwnership = (w: SignerClient, p: OnMarket) =>
  writeMarket(w, p.market, "acceptOwnership", []);

/** Owner: gives up ownership for good; fee, window and token settings can then never change. */
export const renounceOwnership = (w: SignerClient, p: OnMarket) =>
  writeMarket(w, p.market, "renounceOwnership", []);

/*//////////////////////////////////////////////////////////////
                              READS
//////////////////////////////////////////////////////////////*/

const read = <N extends ContractFunctionName<MarketAbi, "view" | "pure">>(
  client: ReadClient,
  market: Address,
  functionName: N,
  args: ContractFunctionArgs<MarketAbi, "view" | "pure", N>,
) =>
  readContract(client, {
    address: market,
    abi: gridleaseMarketAbi,
    functionName,
    args,
  } as never) as Promise<ReadContractReturnType<MarketAbi, N>>;

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
  const r = <N extends ContractFunctionName<MarketAbi, "view" | "pure">>(n: N) =>
    read(c, p.market, n, [] as never);
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
  const [lease, now] = await Promise.all([getLease(c, p), p.now ?? chainTime(c)]);
  return { lease, now, state: leaseStateAt(lease, now) };
}

/** A priced lease request, checked against the offer's current on-chain terms. */
export interface LeaseQuote {
  offerId: bigint;
  paymentToken: Address;
  pricePerGpuHour: bigint;
  gpusPerUnit: bigint;
  units: bigint;
  duration: bigint;
  /** Protocol fee locked at open (the market's current fee). */
  feeBps: bigint;
  /** Escrowed at open. */
  deposit: bigint;
  /** Fee and provider share if the lease runs its full term. */
  fee: bigint;
  toProvider: bigint;
  /** The price with the slippage allowance: pass it as `maxPricePerGpuHour`. */
  maxPricePerGpuHour: bigint;
  /** The deposit at `maxPricePerGpuHour`: what an approval or permit should cover. */
  maxDeposit: bigint;
  unitsAvailable: bigint;
  /** Why `openLease` would revert now, in plain English; empty when it should go through. */
  problems: string[];
}

/**
 * Prices `units` of an offer for `duration` seconds with the SDK's lease math and the offer's current terms,
 * and lists what would stop it opening. `slippageBps` raises the suggested maximum price (default 0).
 */
export async function quoteLease(
  c: ReadClient,
  p: OnMarket & { offerId: bigint; units: bigint; duration: bigint; slippageBps?: bigint },
): Promise<LeaseQuote> {
  const [offer, feeBps, marketPaused] = await Promise.all([
    getOffer(c, p),
    read(c, p.market, "feeBps", []),
    read(c, p.market, "paused", []),
  ]);
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new Error(describeRevert("Market_UnknownOffer", [p.offerId]));
  const [provider, tokenAllowed] = await Promise.all([
    getProvider(c, { market: p.market, provider: offer.provider }),
    isPaymentToken(c, { market: p.market, token: offer.paymentToken }),
  ]);
  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  const terms = {
    pricePerGpuHour: offer.pricePerGpuHour,
    gpusPerUnit,
    units: p.units,
    duration: p.duration,
    feeBps,
  };
  const full = settle(terms, p.duration);
  const maxPricePerGpuHour =
    offer.pricePerGpuHour + (offer.pricePerGpuHour * (p.slippageBps ?? 0n)) / 10_000n;
  const unitsAvailable = BigInt(offer.totalUnits - offer.unitsInUse);
  const [minDuration, maxDuration] = [BigInt(offer.minDuration), BigInt(offer.maxDuration)];

  // The same checks, in the same order, as the market's openLease (the buyer policy aside).
  const problems: (string | undefined)[] = [];
  const check = (failed: boolean, name: string, args: readonly unknown[]) => {
    if (failed) problems.push(describeRevert(name, args));
  };
  check(marketPaused, "Market_Paused", []);
  check(offer.paused, "Market_OfferPaused", [p.offerId]);
  check(p.units === 0n, "Market_ZeroUnits", []);
  check(p.units > unitsAvailable, "Market_UnitsUnavailable", [p.offerId, p.units, unitsAvailable]);
  check(p.duration < minDuration || p.duration > maxDuration, "Market_DurationOutOfRange", [
    p.duration,
    minDuration,
    maxDuration,
  ]);
  check(provider.bond < offer.minProviderBond, "Market_InsufficientBond", [
    offer.provider,
    provider.bond,
    offer.minProviderBond,
  ]);
  check(full.deposit === 0n && p.units > 0n, "Market_DepositZero", [
    p.offerId,
    p.units,
    p.duration,
  ]);
  check(!tokenAllowed, "Market_TokenNotAllowed", [offer.paymentToken]);
  return {
    offerId: p.offerId,
    paymentToken: offer.paymentToken,
    pricePerGpuHour: offer.pricePerGpuHour,
    gpusPerUnit,
    units: p.units,
    duration: p.duration,
    feeBps,
    deposit: full.deposit,
    fee: full.fee,
    toProvider: full.toProvider,
    maxPricePerGpuHour,
    maxDeposit: cost(maxPricePerGpuHour, gpusPerUnit * p.units, p.duration),
    unitsAvailable,
    problems: problems.filter((m): m is string => m !== undefined),
  };
}

/*//////////////////////////////////////////////////////////////
                          ACCESS DETAILS
//////////////////////////////////////////////////////////////*/

/** Where event scans start: the deployment's start block for a known market, else the chain's first block. */
function defaultFromBlock(c: ReadClient, market: Address): BlockNumber | BlockTag {
  try {
    const known = gridleaseDeployment(c.chain?.id ?? -1).contracts.GridleaseMarket;
    if (known && isAddressEqual(known.address, market)) return BigInt(known.startBlock);
  } catch {
    // Not a known chain: scan from the start.
  }
  return "earliest";
}

/** The latest sealed access payload posted for a lease (activation or rotation), or undefined before activation. */
export async function getAccessPayload(
  c: ReadClient,
  p: OnMarket & { leaseId: bigint; fromBlock?: BlockNumber | BlockTag },
): Promise<{ encryptedAccess: Hex; blockNumber: bigint; rotated: boolean } | undefined> {
  const fromBlock = p.fromBlock ?? defaultFromBlock(c, p.market);
  const scan = (eventName: "LeaseActivated" | "LeaseAccessRotated") =>
    getContractEvents(c, {
      address: p.market,
      abi: gridleaseMarketAbi,
      eventName,
      args: { leaseId: p.leaseId },
      fromBlock,
      strict: true,
    });
  const logs = [...(await scan("LeaseActivated")), ...(await scan("LeaseAccessRotated"))];
  // Mined logs only (the scan ends at the latest block), ordered by position in the chain.
  const position = (log: (typeof logs)[number]) =>
    [log.blockNumber ?? 0n, log.logIndex ?? 0] as const;
  const latest = logs.reduce<(typeof logs)[number] | undefined>((best, log) => {
    if (!best) return log;
    const [b, i] = position(best);
    const [lb, li] = position(log);
    return lb > b || (lb === b && li > i) ? log : best;
  }, undefined);
  if (!latest) return undefined;
  return {
    encryptedAccess: latest.args.encryptedAccess,
    blockNumber: position(latest)[0],
    rotated: latest.eventName === "LeaseAccessRotated",
  };
}

/**
 * The buyer's side of access delivery: finds the lease's latest payload and the public key it was opened with,
 * and decrypts with `secretKey` (a wrong key is reported as such).
 */
export async function readAccessDetails(
  c: ReadClient,
  p: OnMarket & {
    leaseId: bigint;
    secretKey: Uint8Array | Hex;
    fromBlock?: BlockNumber | BlockTag;
  },
): Promise<AccessDetails> {
  const fromBlock = p.fromBlock ?? defaultFromBlock(c, p.market);
  const [opened] = await getContractEvents(c, {
    address: p.market,
    abi: gridleaseMarketAbi,
    eventName: "LeaseOpened",
    args: { leaseId: p.leaseId },
    fromBlock,
    strict: true,
  });
  if (!opened) throw new Error(describeRevert("Market_UnknownLease", [p.leaseId]));
  const payload = await getAccessPayload(c, { ...p, fromBlock });
  if (!payload)
    throw new Error(
      `Lease #${p.leaseId} has no access details yet: the provider has not activated it.`,
    );
  return openAccess(p.secretKey, payload.encryptedAccess, {
    expectedPublicKey: opened.args.buyerPublicKey,
  });
}

/*//////////////////////////////////////////////////////////////
                         TOKENS AND POLICY
//////////////////////////////////////////////////////////////*/

/** A token's name, symbol and decimals (pass `{ symbol, decimals }` to error messages as the context). */
export async function getTokenInfo(c: ReadClient, token: Address) {
  const r = (functionName: "name" | "symbol" | "decimals") =>
    readContract(c, { address: token, abi: gridleaseTokenAbi, functionName });
  const [name, symbol, decimals] = await Promise.all([r("name"), r("symbol"), r("decimals")]);
  return {
    address: token,
    name: name as string,
    symbol: symbol as string,
    decimals: decimals as number,
  };
}

/**
 * Makes sure `spender` may take `amount` of the sender's `token`: approves exactly `amount` when the allowance
 * falls short (so only the shortfall is added), and sends nothing otherwise. Wait for `approval` before spending.
 */
export async function ensureAllowance(
  w: SignerClient,
  p: { token: Address; spender: Address; amount: bigint },
): Promise<{ allowance: bigint; shortfall: bigint; approval: Sent | undefined }> {
  const allowance = await readContract(w, {
    address: p.token,
    abi: gridleaseTokenAbi,
    functionName: "allowance",
    args: [w.account.address, p.spender],
  });
  const shortfall = allowance >= p.amount ? 0n : p.amount - allowance;
  if (shortfall === 0n) return { allowance, shortfall, approval: undefined };
  const hash = await writeContract(w, {
    address: p.token,
    abi: gridleaseTokenAbi,
    functionName: "approve",
    args: [p.spender, p.amount],
    account: w.account,
    chain: w.chain ?? null,
  } as never);
  return { allowance, shortfall, approval: sent(w, hash, undefined) };
}

/** An EIP-2612 permit signature, split for a contract call. */
export interface PermitSignature {
  value: bigint;
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

/**
 * Signs an EIP-2612 permit letting `spender` take `value` of the sender's `token` until `deadline` (default: 30
 * minutes of chain time). The domain comes from the token (EIP-5267 `eip712Domain`, else `name` and version "1").
 */
export async function signPermit(
  w: SignerClient,
  p: { token: Address; spender: Address; value: bigint; deadline?: bigint },
): Promise<PermitSignature> {
  const owner = w.account.address;
  const [domain, nonce, deadline] = await Promise.all([
    permitDomain(w, p.token),
    readContract(w, {
      address: p.token,
      abi: gridleaseTokenAbi,
      functionName: "nonces",
      args: [owner],
    }),
    p.deadline ?? chainTime(w).then((now) => now + 1800n),
  ]);
  const signature = await signTypedData(w, {
    account: w.account,
    domain,
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner, spender: p.spender, value: p.value, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: p.value, deadline, r, s, v: Number(v ?? BigInt(yParity) + 27n) };
}

async function permitDomain(c: ReadClient, token: Address) {
  try {
    const [, name, version, chainId, verifyingContract] = await readContract(c, {
      address: token,
      abi: gridleaseTokenAbi,
      functionName: "eip712Domain",
    });
    return { name, version, chainId: Number(chainId), verifyingContract };
  } catch {
    // Tokens without EIP-5267: OpenZeppelin's and most others use version "1".
    const [name, chainId] = await Promise.all([
      readContract(c, { address: token, abi: gridleaseTokenAbi, functionName: "name" }),
      getChainId(c),
    ]);
    return { name, version: "1", chainId, verifyingContract: token };
  }
}

/** Provider: adds buyers to (`allowed` true) or removes them from its list in an allowlist policy. */
export async function setAllowedBuyers(
  w: SignerClient,
  p: { policy: Address; buyers: readonly Address[]; allowed: boolean },
): Promise<Sent> {
  const hash = await writeContract(w, {
    address: p.policy,
    abi: allowlistPolicyAbi,
    functionName: "setAllowed",
    args: [p.buyers, p.allowed],
    account: w.account,
    chain: w.chain ?? null,
  } as never);
  return sent(w, hash, undefined);
}

/** Whether a provider's allowlist admits `buyer` (for its offer `offerId`). */
export const isBuyerAllowed = (
  c: ReadClient,
  p: { policy: Address; provider: Address; offerId: bigint; buyer: Address },
): Promise<boolean> =>
  readContract(c, {
    address: p.policy,
    abi: allowlistPolicyAbi,
    functionName: "isAllowed",
    args: [p.provider, p.offerId, p.buyer],
  });
