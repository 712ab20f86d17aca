/**
 * Plain-English explanations of everything a Gridlease call can fail with: every custom error of the market
 * and of the OpenZeppelin tokens it moves (their errors bubble up through the market), Solidity panics, and the
 * wallet and network failures people meet (a rejected signature, an unreachable RPC, no gas money).
 */
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  decodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  isHex,
  SocketClosedError,
  TimeoutError,
  UserRejectedRequestError,
  WebSocketRequestError,
  type ContractErrorArgs,
  type ContractErrorName,
  type Hex,
} from "viem";
import { gridleaseMarketAbi, gridleaseTokenAbi } from "./generated/abis.ts";
import { leaseStatusName } from "./status.ts";
import {
  formatDuration,
  formatInteger,
  formatTime,
  formatTokenAmount,
  type TokenDisplay,
} from "./format.ts";

// Formatting moved to format.ts; these names stay importable from here.
export { formatDuration, formatTime, formatTokenAmount, type TokenDisplay } from "./format.ts";

type ErrorItem<abi extends readonly unknown[]> = Extract<abi[number], { type: "error" }>;
type KnownErrorAbi = readonly (
  ErrorItem<typeof gridleaseMarketAbi> | ErrorItem<typeof gridleaseTokenAbi>
)[];

/** Every custom error a Gridlease transaction can revert with: the market's and the tokens' (OpenZeppelin). */
export const gridleaseErrorsAbi: KnownErrorAbi = [
  ...gridleaseMarketAbi,
  ...gridleaseTokenAbi,
].filter(
  (item, i, all): item is KnownErrorAbi[number] =>
    item.type === "error" &&
    all.findIndex((other) => other.type === "error" && other.name === item.name) === i,
);

/** Name of a custom error in `gridleaseErrorsAbi`. */
export type GridleaseErrorName = ContractErrorName<KnownErrorAbi>;

/** What the messages need to show amounts: without it they are given in base units. */
export interface ErrorContext {
  /**
   * The token the failing call pays, prices or bonds in: the offer's (or lease's) payment token, or the bond's
   * token for bond calls. Bonds are held per payment token, so bond amounts are shown in it too.
   */
  token?: TokenDisplay;
  /** @deprecated Bonds are per payment token since issue #12: messages show them in `token`; this is ignored. */
  bondToken?: TokenDisplay;
}

/** What went wrong, in a form fit to show a person. */
export interface ExplainedError {
  /** revert: the contract refused; rejected: the user declined in the wallet; network: no RPC answer;
   * funds: not enough native currency for gas; wrong-chain / no-contract: misconfiguration. */
  kind: "revert" | "rejected" | "network" | "funds" | "wrong-chain" | "no-contract" | "unknown";
  /** The decoded custom error, for reverts ("Market_PriceAboveMax", "Panic", "Error"). */
  errorName?: string;
  args?: readonly unknown[];
  message: string;
}

const percent = (bps: bigint) => `${Number(bps) / 100}%`;
const num = formatInteger;
const count = (n: bigint, one: string, many = `${one}s`) => `${num(n)} ${n === 1n ? one : many}`;

/** Formatters the messages use, bound to a context. */
function formatters(ctx: ErrorContext) {
  return {
    amount: (v: bigint) => formatTokenAmount(v, ctx.token),
    price: (v: bigint) => `${formatTokenAmount(v, ctx.token)} per GPU-hour`,
  };
}
type Formatters = ReturnType<typeof formatters>;

const STATUS_PHRASES: Record<string, string> = {
  None: "does not exist",
  Pending: "is still waiting for the provider to activate it",
  Active: "is already running",
  Expired: "has run its full term (it can only be closed now)",
  Ended: "has already ended",
};

type Messages = {
  [N in GridleaseErrorName]: (args: ContractErrorArgs<KnownErrorAbi, N>, f: Formatters) => string;
};

/** One message per custom error; the type makes a missing one a compile error. */
const MESSAGES: Messages = {
  // Market: configuration
  Market_ZeroAddress: () => "An address was left empty (zero): give a real address.",
  Market_FeeTooHigh: ([fee, max]) =>
    `A protocol fee of ${percent(fee)} is above the cap of ${percent(max)}.`,
  Market_ActivationWindowOutOfRange: ([window, min, max]) =>
    `An activation window of ${formatDuration(window)} is outside the allowed ${formatDuration(min)} to ${formatDuration(max)}.`,
  Market_Paused: () =>
    "The market is paused: new offers and new leases are on hold. Ending leases, claims and bond withdrawals still work.",
  Market_TokenNotAllowed: ([token]) =>
    `The token ${token} is not accepted for payment on this market.`,
  Market_TooManyPaymentTokens: ([max]) =>
    `The market already lists its maximum of ${num(max)} payment tokens.`,
  Market_FeeOnTransferToken: ([token, expected, received], f) =>
    `The token ${token} delivered ${f.amount(received)} instead of ${f.amount(expected)}: tokens that take a fee on transfer are not supported.`,
  Market_TokenCallFailed: ([token]) =>
    `The token ${token} did not answer a balance query: it does not behave like an ERC-20 token.`,
  Market_NothingToWithdraw: ([token]) =>
    `There is nothing in the token ${token} to withdraw or sweep.`,
  Market_InsufficientGas: ([gasLeft]) =>
    `The transaction ran too low on gas (${num(gasLeft)} left) to give a token or a buyer policy the gas the market promises it; send it again with a higher gas limit.`,
  Market_NoCredit: ([token, account]) =>
    `${account} has no credit in the token ${token}: nothing to withdraw.`,
  Market_CannotSweep: ([token]) =>
    `The token ${token} cannot be swept: it is (or was) a payment token or the bond token, so the market may owe it to someone.`,
  Market_NotDelegated: () =>
    "This is the market's extension contract: call the market's address instead.",
  Market_ExtensionMismatch: ([extension]) =>
    `The contract ${extension} cannot serve this market: it is not deployed, or it was built for another bond token or penalty rate. Deploy the periphery, then the extension, then the market, with the same settings.`,

  // Market: providers
  Market_ProviderNotRegistered: ([provider]) =>
    `${provider} is not registered as a provider: register first.`,
  Market_ProviderAlreadyRegistered: ([provider]) =>
    `${provider} is already registered as a provider.`,
  Market_ZeroAmount: () => "The amount must be more than zero.",
  Market_InsufficientBond: ([provider, bond, required], f) =>
    `The provider ${provider} has a bond of ${f.amount(bond)} in this offer's payment token, less than the ${f.amount(required)} this offer requires, so it takes no new leases.`,
  Market_WithdrawalExceedsBond: ([, bond, requested], f) =>
    `Cannot withdraw ${f.amount(requested)}: the bond in that token is only ${f.amount(bond)}.`,
  Market_BondLocked: ([, locked, free], f) =>
    `${f.amount(locked)} of the bond in that token is reserved for live leases' penalties; at most ${f.amount(free)} can be withdrawn now.`,
  Market_BondCommitted: ([provider, free, penalty], f) =>
    `The provider ${provider} has only ${f.amount(free)} of its bond in this token free, less than the ${f.amount(penalty)} penalty this lease must reserve (the larger of the offer's floor and 10% of the deposit), so it takes no lease this large until leases end or it adds bond.`,

  // Market: offers
  Market_UnknownOffer: ([offerId]) => `There is no offer #${offerId}.`,
  Market_NotOfferProvider: ([offerId, caller]) =>
    `Only the provider of offer #${offerId} can change it, and ${caller} is not that provider.`,
  Market_InvalidGpusPerUnit: ([gpus, max]) =>
    `GPUs per unit must be from 1 to ${num(max)}; got ${num(gpus)}.`,
  Market_InvalidUnits: ([units, max]) =>
    `The number of units must be from 1 to ${num(max)}; got ${num(units)}.`,
  Market_InvalidRepairWindow: ([window, min, max]) =>
    `A repair window of ${formatDuration(window)} is outside the market's range of ${formatDuration(min)} to ${formatDuration(max)}.`,
  Market_InvalidPrice: ([price], f) =>
    `The price must be more than zero and fit the market's limit; got ${f.price(price)}.`,
  Market_InvalidDurationRange: ([min, max, cap]) =>
    `A lease duration range of ${formatDuration(min)} to ${formatDuration(max)} is invalid: the minimum must be more than zero and at most the maximum, and the maximum at most ${formatDuration(cap)}.`,
  Market_InvalidBond: ([bond, max], f) =>
    `A bond of ${f.amount(bond)} is above the market's limit of ${f.amount(max)}.`,
  Market_EmptyLabel: () => "The GPU model and the region must both be filled in.",
  Market_PolicyNotContract: ([policy]) =>
    `The buyer policy ${policy} is not a contract: use a deployed policy, or none.`,
  Market_UnitsBelowInUse: ([offerId, requested, inUse]) =>
    `Offer #${offerId} has ${count(inUse, "unit")} in use, so its total cannot drop to ${num(requested)}.`,
  Market_OfferPaused: ([offerId]) =>
    `Offer #${offerId} is paused by its provider and takes no new leases.`,
  Market_OfferAlreadyInState: ([offerId, paused]) =>
    `Offer #${offerId} is already ${paused ? "paused" : "open for leases"}.`,
  Market_OfferIdsExhausted: () => "The market has reached its maximum number of offers.",

  // Market: leases
  Market_UnknownLease: ([leaseId]) => `There is no lease #${leaseId}.`,
  Market_ZeroUnits: () => "Lease at least one unit.",
  Market_DepositZero: ([offerId, units, duration]) =>
    `${count(units, "unit")} of offer #${offerId} for ${formatDuration(duration)} costs less than the token's smallest unit: lease longer or more units.`,
  Market_UnitsUnavailable: ([offerId, requested, available]) =>
    `Offer #${offerId} has only ${count(available, "unit")} available; you asked for ${num(requested)}.`,
  Market_DurationOutOfRange: ([duration, min, max]) =>
    `A duration of ${formatDuration(duration)} is outside this offer's range of ${formatDuration(min)} to ${formatDuration(max)}.`,
  Market_PriceAboveMax: ([, price, maxPrice], f) =>
    `The price rose to ${f.price(price)}, above your maximum of ${f.amount(maxPrice)}.`,
  Market_DepositTooLarge: ([deposit], f) =>
    `A deposit of ${f.amount(deposit)} is more than the market can escrow for one lease: lease fewer units or for less time.`,
  Market_BuyerNotAllowed: ([offerId, buyer]) =>
    `The provider of offer #${offerId} serves only buyers its buyer policy admits (an allowlist, or an attestation from an attester it names), and the policy refused ${buyer}.`,
  Market_InvalidPublicKey: () =>
    "The lease needs your access public key, and it was empty: set up your access key first.",
  Market_EmptyAccessPayload: () => "The access details are empty.",
  Market_AccessPayloadTooLarge: ([length, max]) =>
    `The sealed access details take ${count(length, "byte")}; the market accepts at most ${num(max)}.`,
  Market_NotLeaseBuyer: ([leaseId, caller]) =>
    `Only the buyer of lease #${leaseId} can do this, and ${caller} is not the buyer.`,
  Market_NotLeaseProvider: ([leaseId, caller]) =>
    `Only the provider of lease #${leaseId} can do this, and ${caller} is not the provider.`,
  Market_NotLeaseParty: ([leaseId, caller]) =>
    `Only the buyer or the provider of lease #${leaseId} can end it, and ${caller} is neither.`,
  Market_InvalidPenalty: ([penalty, max]) =>
    `A penalty of ${percent(penalty)} of the bond is above the maximum of ${percent(max)}.`,
  Market_InvalidOutageUnits: ([leaseId, units, leaseUnits]) =>
    `Lease #${leaseId} has ${count(leaseUnits, "server")}: an outage must name 1 to ${num(leaseUnits)} of them, not ${num(units)}.`,
  Market_OutageUnitsNotRaised: ([leaseId, units, downUnits]) =>
    `An outage is already open on lease #${leaseId} with ${count(downUnits, "server")} down: a new report can only raise that number, not set it to ${num(units)}.`,
  Market_TooManyOutageReports: ([leaseId, max]) =>
    `Lease #${leaseId} already has the most outage reports a lease may have (${num(max)}); anyone may now end it as an unresolved outage.`,
  Market_NoOpenOutage: ([leaseId]) => `Lease #${leaseId} has no open outage to resolve.`,
  Market_RepairDeadlinePassed: ([leaseId, deadline]) =>
    `The repair deadline of lease #${leaseId}'s outage passed at ${formatTime(deadline)}: the outage can no longer be resolved, only ended with a refund and the bond penalty.`,
  Market_OutageExitClosed: ([leaseId]) =>
    `Lease #${leaseId} cannot be ended as an unresolved outage: no outage is open past its repair deadline, and it has not reached the report limit.`,
  // Market: reserved capacity
  Market_InvalidPrepaidWindow: ([window, min, max]) =>
    `A prepaid window of ${formatDuration(window)} is not allowed: it must be ${formatDuration(min)} to ${formatDuration(max)} (the offer's longest lease), or none.`,
  Market_InvalidCommitment: ([commitment, notice, fee]) =>
    commitment === 0n
      ? `These reserved terms make no sense: without a commitment there can be no notice period (${formatDuration(notice)}) or exit fee (${percent(fee)}), and the offer must then set a prepaid window.`
      : `A commitment of ${formatDuration(commitment)} needs exactly one of a notice period (up to the commitment) or an exit fee (up to 30%), and must be at most the offer's shortest lease; got a notice of ${formatDuration(notice)} and a fee of ${percent(fee)}.`,
  Market_NotRollingOffer: ([offerId]) =>
    `Offer #${offerId} has no prepaid window: its leases must be prepaid in full (open a regular lease).`,
  Market_NotRollingLease: ([leaseId]) =>
    `Lease #${leaseId} is prepaid in full: top-ups and the unfunded end only apply to rolling leases.`,
  Market_FundingOutOfRange: ([funded, min, max]) =>
    `Prepaying ${formatDuration(funded)} is not allowed: a rolling lease prepays at least ${formatDuration(min)} (the offer's prepaid window, or the whole term if shorter) and at most its term of ${formatDuration(max)}.`,
  Market_LeaseUnfunded: ([leaseId, fundedUntil]) =>
    `Lease #${leaseId} was funded only until ${formatTime(fundedUntil)}, short of its term: it cannot be closed as expired. Top it up, or its provider ends it as unfunded after the grace period.`,
  Market_LeaseFunded: ([leaseId]) =>
    `Lease #${leaseId} is funded to the end of its term, so it cannot be ended as unfunded.`,
  Market_GraceNotOver: ([leaseId, graceEnds]) =>
    `Lease #${leaseId}'s funding ran out, but its grace period lasts until ${formatTime(graceEnds)}: the buyer may still top it up, and it can be ended as unfunded only after that.`,
  Market_InvalidTopUpAllowance: ([perTopUp, totalCap, threshold], f) =>
    `This top-up allowance is invalid: the cap per top-up (${f.amount(perTopUp)}) must be more than zero and at most the total cap (${f.amount(totalCap)}), and the runway threshold (${formatDuration(threshold)}) more than zero and at most three years.`,
  Market_TopUpNotAllowed: ([leaseId]) =>
    `Lease #${leaseId} has no top-up allowance (none was granted, or the buyer revoked it).`,
  Market_RunwayAboveThreshold: ([leaseId, runwayLeft, threshold]) =>
    `Lease #${leaseId} is still funded for ${formatDuration(runwayLeft)}: the buyer allows top-ups only once less than ${formatDuration(threshold)} is left.`,
  Market_TopUpBeyondWindow: ([leaseId, fundedUntil, limit]) =>
    `This top-up would fund lease #${leaseId} until ${formatTime(fundedUntil)}, past ${formatTime(limit)} (now plus the offer's prepaid window): top up less.`,
  Market_TopUpAboveCap: ([leaseId, amount, perTopUp], f) =>
    `This top-up of lease #${leaseId} costs ${f.amount(amount)}, more than the ${f.amount(perTopUp)} the buyer allows per top-up: top up less.`,
  Market_TopUpAllowanceExhausted: ([leaseId, amount, remaining], f) =>
    `This top-up of lease #${leaseId} costs ${f.amount(amount)}, and only ${f.amount(remaining)} of the buyer's allowance is left.`,
  Market_InvalidServerCount: ([leaseId, serverCount, units]) =>
    `Lease #${leaseId} has ${count(units, "server")}: you can release or fail 1 to ${num(units > 1n ? units - 1n : 0n)} of them, not ${num(serverCount)} (to end them all, terminate the lease).`,

  // Market: attestation claims
  Market_BadAttestationGeneration: ([generation]) =>
    `Unknown GPU generation code ${generation}: an attestation claim is for Hopper (1) or Blackwell (2).`,
  Market_AttestationSize: ([reportLength, chainLength]) =>
    `An attestation report of ${count(reportLength, "byte")} with a certificate chain of ${count(chainLength, "byte")} is refused: the report must be 37 to 8,192 bytes and the chain 1 to 16,384.`,
  Market_StaleAttestationBlock: ([nonceBlock, current]) =>
    `The attestation's nonce is bound to block ${num(nonceBlock)}, and the chain is at block ${num(current)}: it must be 1 to 256 blocks old. Ask the GPU for a new report with a fresh nonce.`,
  Market_AttestationNonceMismatch: ([expected, reported]) =>
    `The attestation report carries the nonce ${reported}, not ${expected}, the one bound to this offer, its provider and the nonce block: it was made for something else (or replayed).`,
  Market_UnexpectedStatus: ([leaseId, status]) =>
    `Lease #${leaseId} ${STATUS_PHRASES[safeStatusName(status)] ?? `is in an unexpected state (${status})`}, so this is not possible now.`,
  Market_ActivationWindowMissed: ([leaseId, deadline]) =>
    `The activation deadline of lease #${leaseId} passed at ${formatTime(deadline)}: it can no longer be activated, and the buyer may cancel it for a full refund.`,
  Market_ActivationWindowOpen: ([leaseId, deadline]) =>
    `Lease #${leaseId} can be cancelled only after its activation deadline, ${formatTime(deadline)}: until then the provider may still activate it.`,
  Market_LeaseNotExpired: ([leaseId, end]) =>
    `Lease #${leaseId} runs until ${formatTime(end)}; it can be closed only after that.`,
  Market_ZeroDuration: () => "Add at least one second.",
  Market_EmptyLeaseList: () => "Choose at least one lease to claim.",
  Market_NothingToClaim: () => "Nothing has been earned on these leases since the last claim.",
  Market_TooManyLeases: () =>
    "Too many leases in one claim: claim them in smaller batches (at most 200).",

  // OpenZeppelin: ownership and reentrancy (market)
  OwnableInvalidOwner: ([owner]) => `${owner} cannot become the owner.`,
  OwnableUnauthorizedAccount: ([account]) =>
    `Only the market's owner can do this, and ${account} is not the owner.`,
  ReentrancyGuardReentrantCall: () =>
    "The market refused a re-entrant call: a token called back into it in the middle of a transfer.",
  SafeERC20FailedOperation: ([token]) =>
    `A transfer of the token ${token} failed: the token refused it without saying why.`,

  // OpenZeppelin: ERC-20 and permits (tokens; they bubble up through the market's transfers)
  ERC20InsufficientAllowance: ([spender, allowance, needed], f) =>
    `Not enough allowance: ${spender} may spend ${f.amount(allowance)} of your tokens, and this needs ${f.amount(needed)}. Approve it first, or sign a permit.`,
  ERC20InsufficientBalance: ([sender, balance, needed], f) =>
    `Insufficient balance: ${sender} holds ${f.amount(balance)}, and this needs ${f.amount(needed)}.`,
  ERC20InvalidApprover: ([approver]) =>
    `Approvals cannot come from ${approver}: it is not a valid account (the zero address).`,
  ERC20InvalidReceiver: ([receiver]) =>
    `Tokens cannot be sent to ${receiver}: it is not a valid recipient (the zero address).`,
  ERC20InvalidSender: ([sender]) =>
    `Tokens cannot be sent from ${sender}: it is not a valid sender (the zero address).`,
  ERC20InvalidSpender: ([spender]) =>
    `${spender} cannot be approved as a spender: it is not a valid account (the zero address).`,
  ERC2612ExpiredSignature: ([deadline]) =>
    `The permit signature expired at ${formatTime(deadline)}: sign a new one.`,
  ERC2612InvalidSigner: ([signer, owner]) =>
    `The permit was signed by ${signer}, not by the paying account ${owner}: sign it with the account that pays.`,
  InvalidAccountNonce: ([account, nonce]) =>
    `The permit was signed for an old nonce: the next nonce of ${account} is ${num(nonce)}. Sign a new permit.`,
  ECDSAInvalidSignature: () => "The signature is invalid.",
  ECDSAInvalidSignatureLength: ([length]) =>
    `The signature has the wrong length (${count(length, "byte")}).`,
  ECDSAInvalidSignatureS: () => "The signature is malformed (its s value is out of range).",
  InvalidShortString: () => "A token name or version is too long to store.",
  StringTooLong: ([str]) => `The text "${str}" is too long for the token to store.`,
};

function safeStatusName(status: number): string {
  try {
    return leaseStatusName(status);
  } catch {
    return "";
  }
}

const PANICS: Record<number, string> = {
  0x01: "an internal check failed",
  0x11: "an amount overflowed or went below zero",
  0x12: "a division by zero",
  0x21: "an invalid enum value",
  0x31: "pop on an empty array",
  0x32: "an array index out of bounds",
  0x41: "out of memory",
};

/** The message for a decoded custom error (or Solidity `Error`/`Panic`); undefined for an unknown name. */
export function describeRevert(
  errorName: string,
  args: readonly unknown[] = [],
  context: ErrorContext = {},
): string | undefined {
  if (errorName === "Error") return `The contract refused: ${String(args[0])}.`;
  if (errorName === "Panic") {
    const code = Number(args[0]);
    return `The contract hit an internal error (panic 0x${code.toString(16)}: ${PANICS[code] ?? "unknown"}). This is a bug: please report it.`;
  }
  // Each message is typed by its error's arguments; looked up by a runtime name it takes them as decoded, which
  // the method form (bivariant in its parameters) lets the checker accept without switching it off.
  type AnyMessage = { message(a: readonly unknown[], f: Formatters): string }["message"];
  const messages = MESSAGES as Record<string, AnyMessage>;
  const message = Object.hasOwn(messages, errorName) ? messages[errorName] : undefined;
  return message?.(args, formatters(context));
}

/** Decodes revert data against every Gridlease error (and Solidity's `Error`/`Panic`); undefined if unknown. */
export function decodeRevertData(
  data: Hex,
): { errorName: string; args: readonly unknown[] } | undefined {
  try {
    const { errorName, args } = decodeErrorResult({ abi: gridleaseErrorsAbi, data });
    return { errorName, args: args ?? [] };
  } catch {
    return undefined;
  }
}

/** Every error in a cause chain: viem's `cause`, and the `error`/`info.error` wrappers of ethers and providers. */
function chain(error: unknown): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.length < 32) {
    const e = queue.shift();
    if (typeof e !== "object" || e === null || seen.includes(e as Record<string, unknown>))
      continue;
    const r = e as Record<string, unknown>;
    seen.push(r);
    queue.push(r.cause, r.error, (r.info as Record<string, unknown> | undefined)?.error);
  }
  return seen;
}

/** Revert data anywhere in the chain: `data` as hex, or `data.data` (JSON-RPC error objects). */
function findRevertData(errors: Record<string, unknown>[]): Hex | undefined {
  for (const e of errors) {
    for (const candidate of [
      e.raw,
      e.data,
      (e.data as Record<string, unknown> | undefined)?.data,
    ]) {
      if (typeof candidate === "string" && isHex(candidate) && candidate.length >= 10)
        return candidate as Hex;
    }
  }
  return undefined;
}

// geth and most nodes say "insufficient funds for gas * price + value"; Hardhat says the sender "doesn't have
// enough funds to send tx".
const NO_GAS_MONEY = /insufficient funds|doesn't have enough funds to send/i;

const text = (e: Record<string, unknown>) =>
  `${typeof e.message === "string" ? e.message : ""} ${typeof e.details === "string" ? e.details : ""}`;

/**
 * Explains any error from a Gridlease call (viem, ethers, or raw revert data as hex) in plain English. Pass the
 * token of the call in `context` to see amounts as "$2.10" rather than base units.
 */
export function explainError(error: unknown, context: ErrorContext = {}): ExplainedError {
  if (typeof error === "string" && isHex(error)) {
    const decoded = decodeRevertData(error);
    if (decoded) return revert(decoded.errorName, decoded.args, context);
    return unknownRevert(error);
  }
  const errors = chain(error);
  const is = <T>(cls: abstract new (...a: never[]) => T) => errors.some((e) => e instanceof cls);
  const code = (c: number | string) => errors.some((e) => e.code === c);

  if (is(UserRejectedRequestError) || code(4001) || code("ACTION_REJECTED"))
    return {
      kind: "rejected",
      message: "You rejected the request in your wallet: nothing was sent.",
    };

  // A revert, decoded by viem against the called contract's ABI or by us against every Gridlease error.
  const reverted = errors.find((e) => e instanceof ContractFunctionRevertedError) as
    ContractFunctionRevertedError | undefined;
  if (reverted?.data?.errorName) {
    const described = describeRevert(reverted.data.errorName, reverted.data.args ?? [], context);
    if (described)
      return {
        kind: "revert",
        errorName: reverted.data.errorName,
        args: reverted.data.args ?? [],
        message: described,
      };
  }
  const data = findRevertData(errors);
  if (data) {
    const decoded = decodeRevertData(data);
    if (decoded) return revert(decoded.errorName, decoded.args, context);
    return unknownRevert(data);
  }
  if (reverted || code("CALL_EXCEPTION")) {
    const reason = reverted?.reason;
    return {
      kind: "revert",
      message: reason
        ? `The contract refused: ${reason}.`
        : "The contract refused the call without giving a reason.",
    };
  }

  if (
    is(InsufficientFundsError) ||
    code("INSUFFICIENT_FUNDS") ||
    errors.some((e) => NO_GAS_MONEY.test(text(e)))
  )
    return {
      kind: "funds",
      message:
        "Your account does not have enough of the network's native currency (ETH) to pay the gas for this transaction.",
    };
  if (is(ChainMismatchError))
    return {
      kind: "wrong-chain",
      message:
        "Your wallet is connected to a different network: switch it to the network of this market.",
    };
  if (is(ContractFunctionZeroDataError))
    return {
      kind: "no-contract",
      message:
        "No Gridlease contract answered at this address: check the network and the contract address.",
    };
  if (
    is(HttpRequestError) ||
    is(WebSocketRequestError) ||
    is(SocketClosedError) ||
    is(TimeoutError) ||
    code("NETWORK_ERROR") ||
    code("TIMEOUT") ||
    code("ECONNREFUSED") ||
    code("ENOTFOUND") ||
    errors.some((e) => /fetch failed|ECONNREFUSED|ENOTFOUND|network error/i.test(text(e)))
  ) {
    const url = errors.map((e) => e.url).find((u): u is string => typeof u === "string");
    return {
      kind: "network",
      message: `The network could not be reached${url ? ` (no answer from ${url})` : ""}: check your connection and the RPC URL, then try again.`,
    };
  }
  const first = errors[0];
  const message =
    error instanceof BaseError
      ? error.shortMessage
      : typeof first?.shortMessage === "string"
        ? first.shortMessage
        : typeof first?.message === "string"
          ? first.message
          : String(error);
  return { kind: "unknown", message };
}

/** `explainError(error, context).message`. */
export const errorMessage = (error: unknown, context?: ErrorContext): string =>
  explainError(error, context).message;

function revert(
  errorName: string,
  args: readonly unknown[],
  context: ErrorContext,
): ExplainedError {
  const message =
    describeRevert(errorName, args, context) ?? `The contract refused with the error ${errorName}.`;
  return { kind: "revert", errorName, args, message };
}

function unknownRevert(data: Hex): ExplainedError {
  return {
    kind: "revert",
    message: `The contract refused with an error this app does not know (selector ${data.slice(0, 10)}).`,
  };
}
