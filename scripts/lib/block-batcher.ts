/**
 * The block batcher: sends many transactions to a local Hardhat chain fast and deterministically. Automine is
 * off, every transaction is fully specified (nonce, gas, fees) so the node does no estimation, and the queued
 * transactions are mined into one block with an explicit timestamp. Each block's receipts are checked, so a
 * failed transaction stops the caller at once. Used by the seed (./seed/), the bulk lease writer
 * (./bulk-leases.ts) and the indexer parity scenario (../indexer/scenario.ts, one transaction per block).
 *
 *   const blocks = new BlockBatcher(connection.provider);
 *   await blocks.start();                       // automine off
 *   try {
 *     await blocks.addSender(buyer, false);
 *     blocks.at(timestamp);
 *     await blocks.write({ from: buyer, to: market, abi, functionName: "openLease", args, gas: 260_000n });
 *     await blocks.mine();
 *   } finally {
 *     await blocks.finish();                    // automine back on
 *   }
 */
import type { EthereumProvider } from "hardhat/types/providers";
import {
  decodeFunctionResult,
  encodeFunctionData,
  getAddress,
  numberToHex,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type DecodeFunctionResultParameters,
  type EncodeFunctionDataParameters,
  type Hex,
} from "viem";

/** Gas limits of the transactions in one block stay under this by default (Hardhat's blocks hold 60M). */
const BLOCK_GAS_BUDGET = 25_000_000n;

interface Sent {
  hash: Hex;
  label: string;
  gas: bigint;
}

export interface GasReport {
  label: string;
  count: number;
  maxUsed: bigint;
  maxLimitShare: number;
}

export class BlockBatcher {
  private readonly nonces = new Map<Address, bigint>();
  private pending: Sent[] = [];
  private pendingGas = 0n;
  private readonly gasStats = new Map<string, GasReport>();
  /** Timestamp of the block being filled. */
  private blockTime = 0n;
  private lastMinedTime = 0n;
  private maxFeePerGas = 0n;
  blocks = 0;
  transactions = 0;
  firstBlock = 0n;
  lastBlock = 0n;

  readonly provider: EthereumProvider;
  private readonly trackGas: boolean;
  private readonly blockGasBudget: bigint;

  /**
   * `trackGas`: record the gas used per transaction label (`gasReport`). `blockGasBudget`: when the queued gas
   * limits would pass it, the block is mined and filling goes on one second later (default 25M).
   */
  constructor(
    provider: EthereumProvider,
    options: { trackGas?: boolean; blockGasBudget?: bigint } = {},
  ) {
    this.provider = provider;
    this.trackGas = options.trackGas ?? false;
    this.blockGasBudget = options.blockGasBudget ?? BLOCK_GAS_BUDGET;
  }

  request<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return this.provider.request({ method, params }) as Promise<T>;
  }

  async latestBlock() {
    const block = await this.request<{ number: Hex; timestamp: Hex; baseFeePerGas?: Hex }>(
      "eth_getBlockByNumber",
      ["latest", false],
    );
    return {
      number: BigInt(block.number),
      timestamp: BigInt(block.timestamp),
      baseFee: BigInt(block.baseFeePerGas ?? "0x0"),
    };
  }

  /** Turns automine off and learns the fee level; call `finish` (in a `finally`) to turn it back on. */
  async start() {
    const latest = await this.latestBlock();
    this.lastMinedTime = latest.timestamp;
    // The seed's blocks stay under half full, so the base fee only falls from here.
    this.maxFeePerGas = latest.baseFee * 4n + 10n ** 9n;
    await this.request("evm_setAutomine", [false]);
  }

  async finish() {
    await this.request("evm_setAutomine", [true]);
  }

  /** Lets the seed send from `address` (impersonated if the node holds no key for it) and funds it with ETH. */
  async addSender(address: Address, impersonate: boolean) {
    const a = getAddress(address);
    if (impersonate) {
      await this.request("hardhat_impersonateAccount", [a]);
      await this.request("hardhat_setBalance", [a, numberToHex(10n ** 21n)]);
    }
    this.nonces.set(a, BigInt(await this.request<Hex>("eth_getTransactionCount", [a, "pending"])));
  }

  /** Starts filling the block at `timestamp` (strictly after the last mined block). */
  at(timestamp: bigint) {
    if (this.pending.length) throw new Error("at(): the previous block was not mined");
    this.blockTime = timestamp > this.lastMinedTime ? timestamp : this.lastMinedTime + 1n;
  }

  /** The timestamp the next transaction will be mined at. */
  get now(): bigint {
    return this.blockTime;
  }

  /** Calls a view function at the latest block; name and arguments are checked against `abi`. */
  async read<
    const abi extends Abi,
    F extends ContractFunctionName<abi, "view" | "pure">,
    A extends ContractFunctionArgs<abi, "view" | "pure", F>,
  >(call: { to: Address; abi: abi; functionName: F; args?: A }) {
    const data = encodeFunctionData<abi, F>({
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    } as EncodeFunctionDataParameters<abi, F>);
    const result = await this.request<Hex>("eth_call", [{ to: call.to, data }, "latest"]);
    return decodeFunctionResult<abi, F, A>({
      abi: call.abi,
      functionName: call.functionName,
      data: result,
    } as DecodeFunctionResultParameters<abi, F, A>) as ContractFunctionReturnType<
      abi,
      "view" | "pure",
      F,
      A
    >;
  }

  /**
   * Queues a call of a state-changing function into the block being filled; name and arguments are checked
   * against `abi` (a renamed contract function breaks the build). `label` names it in errors and the gas report.
   */
  write<
    const abi extends Abi,
    F extends ContractFunctionName<abi, "nonpayable">,
    A extends ContractFunctionArgs<abi, "nonpayable", F>,
  >(call: {
    from: Address;
    to: Address;
    abi: abi;
    functionName: F;
    args: A;
    gas: bigint;
    label?: string;
  }) {
    const data = encodeFunctionData<abi, F>({
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    } as EncodeFunctionDataParameters<abi, F>);
    return this.send(call.from, call.to, data, call.gas, call.label ?? call.functionName);
  }

  /**
   * Queues raw calldata into the block being filled (mined by `mine`, or when the block's gas budget is spent).
   * Sends to one block may run in parallel (the nonce is taken before the request) as long as they stay within
   * the gas budget; `mine` only after they have all resolved.
   */
  async send(from: Address, to: Address, data: Hex, gas: bigint, label: string) {
    if (this.pendingGas + gas > this.blockGasBudget) {
      // The block is full: mine it and continue in the next second.
      await this.mine();
      this.blockTime = this.lastMinedTime + 1n;
    }
    const sender = getAddress(from);
    const nonce = this.nonces.get(sender);
    if (nonce === undefined) throw new Error(`unknown sender ${sender} (${label})`);
    this.nonces.set(sender, nonce + 1n);
    this.pendingGas += gas;
    const hash = await this.request<Hex>("eth_sendTransaction", [
      {
        from: sender,
        to,
        data,
        gas: numberToHex(gas),
        nonce: numberToHex(nonce),
        maxFeePerGas: numberToHex(this.maxFeePerGas),
        maxPriorityFeePerGas: "0x1",
      },
    ]);
    this.pending.push({ hash, label, gas });
  }

  /** Mines the pending transactions into one block at the current time and checks every receipt. */
  async mine() {
    if (!this.pending.length) return;
    await this.request("evm_mine", [Number(this.blockTime)]);
    const sent = this.pending;
    this.pending = [];
    this.pendingGas = 0n;
    this.lastMinedTime = this.blockTime;
    const receipts = await Promise.all(
      sent.map((s) =>
        this.request<{ status: Hex; gasUsed: Hex; blockNumber: Hex } | null>(
          "eth_getTransactionReceipt",
          [s.hash],
        ),
      ),
    );
    let blockNumber: bigint | undefined;
    receipts.forEach((receipt, i) => {
      const { label, hash, gas } = sent[i];
      if (!receipt) throw new Error(`${label} was not mined (${hash})`);
      if (receipt.status !== "0x1") throw new Error(`${label} reverted (${hash})`);
      const bn = BigInt(receipt.blockNumber);
      if (blockNumber !== undefined && bn !== blockNumber)
        throw new Error(`${label} landed in block ${bn}, not ${blockNumber}`);
      blockNumber = bn;
      if (this.trackGas) {
        const used = BigInt(receipt.gasUsed);
        const kind = label.split(" ")[0];
        const stat = this.gasStats.get(kind) ?? {
          label: kind,
          count: 0,
          maxUsed: 0n,
          maxLimitShare: 0,
        };
        stat.count++;
        if (used > stat.maxUsed) stat.maxUsed = used;
        stat.maxLimitShare = Math.max(stat.maxLimitShare, Number(used) / Number(gas));
        this.gasStats.set(kind, stat);
      }
    });
    if (!this.blocks) this.firstBlock = blockNumber!;
    this.lastBlock = blockNumber!;
    this.blocks++;
    this.transactions += sent.length;
  }

  gasReport(): GasReport[] {
    return [...this.gasStats.values()];
  }
}
