/** How a write is sent and awaited: `Sent` now, `Mined` (receipt and decoded market events) on `wait()`. */
import {
  isAddressEqual,
  type Abi,
  parseEventLogs,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { waitForTransactionReceipt, writeContract } from "viem/actions";
import { gridleaseMarketAbi } from "../generated/abis.ts";
import type { MarketAbi, MarketEvent, MarketEventName, ReadClient, SignerClient } from "./types.ts";

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

export function sent<R extends object>(
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

export async function writeMarket<N extends WriteName, R extends object = object>(
  wallet: SignerClient,
  market: Address,
  functionName: N,
  args: ContractFunctionArgs<MarketAbi, "nonpayable", N> & readonly unknown[],
  extract?: (events: MarketEvent[]) => R,
): Promise<Sent<R>> {
  // viem cannot resolve the argument types of a function name that is itself a type parameter: the call goes
  // through the ABI widened to `Abi`, and the signature above keeps callers typed by the market's ABI.
  const abi: Abi = gridleaseMarketAbi;
  const hash = await writeContract(wallet, {
    address: market,
    abi,
    functionName,
    args,
    account: wallet.account,
    chain: wallet.chain ?? null,
  });
  return sent(wallet, hash, market, extract);
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The transaction emitted no ${what} event`);
  return value;
}
