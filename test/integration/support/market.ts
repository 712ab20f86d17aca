/**
 * Test harness for the integration suite: a market deployed on Hardhat's in-process chain (through the shared
 * scripts/lib/fixture.ts), plus the assertions every test repeats: exact receipt logs, balance changes of every
 * account in both tokens, decoded custom errors, and the market's token conservation.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { expect } from "vitest";
import {
  BaseError,
  ContractFunctionRevertedError,
  getAddress,
  keccak256,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
  type Log,
} from "viem";
import {
  deposit,
  penalty,
  rollingDeposit,
  stakePenalty,
  type LeaseTerms,
  type ReservedTerms,
} from "@gridlease/sdk/pricing";
import { encodeGpuModel } from "@gridlease/sdk/labels";
import {
  deployMarket,
  GRID,
  h100Offer,
  USD,
  signPermit,
  wait,
  type Market,
} from "../../../scripts/lib/fixture.ts";

/** Mirrors `EndReason` in contracts/types/DataTypes.sol (ABI-encoded as uint8). */
export const EndReason = {
  None: 0,
  Expired: 1,
  BuyerTerminated: 2,
  ProviderTerminated: 3,
  NoShowCancelled: 4,
  OutageUnresolved: 5,
  Unfunded: 6,
} as const;

/** Mirrors `LeaseStatus` in contracts/types/DataTypes.sol (ABI-encoded as uint8). */
export const LeaseStatus = { None: 0, Pending: 1, Active: 2, Expired: 3, Ended: 4 } as const;

/** Any non-zero 32 bytes stand for the buyer's X25519 public key. */
export const BUYER_KEY = keccak256(toHex("buyer x25519 public key"));

/** Opaque bytes standing for access details sealed to the buyer's key: every byte value, zeros included. */
export function sealedAccess(length: number, seed = 0): Hex {
  return toHex(Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 17 + 7) % 256));
}

export const ACTORS = ["deployer", "treasury", "provider", "buyer", "other"] as const;
export type Actor = (typeof ACTORS)[number];
/** Every account whose balances a test watches: the actors and the market itself. */
export type Holder = Actor | "market";
export type Token = "usd" | "grid";
export type Balances = Record<Token, Record<Holder, bigint>>;
export type BalanceDeltas = Partial<Record<Token, Partial<Record<Holder, bigint>>>>;

export interface ExpectedLog {
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
}

export interface SentTx {
  hash: Hex;
  blockNumber: bigint;
  /** The timestamp of the block that included the transaction. */
  timestamp: bigint;
  logs: ExpectedLog[];
}

/**
 * Opens one in-process chain for a test file and returns `load`, which gives each test the freshly deployed
 * market (the deployment runs once; later calls revert to its snapshot).
 */
export async function connectMarket() {
  const connection = await network.create();
  async function deployedMarket() {
    return harness(connection, await deployMarket(connection));
  }
  return () => connection.networkHelpers.loadFixture(deployedMarket);
}

export type Harness = Awaited<ReturnType<typeof harness>>;

async function harness(connection: NetworkConnection, m: Market) {
  const { publicClient, market, usd, grid, policy } = m;
  const { time } = connection.networkHelpers;
  const wallets = {
    deployer: m.deployer,
    treasury: m.treasury,
    provider: m.provider,
    buyer: m.buyer,
    other: m.other,
  };
  const address = {
    ...(Object.fromEntries(
      ACTORS.map((who) => [who, getAddress(wallets[who].account.address)]),
    ) as Record<Actor, Address>),
    market: getAddress(market.address),
  };
  const tokenAddress: Record<Token, Address> = {
    usd: getAddress(usd.address),
    grid: getAddress(grid.address),
  };

  /** The market and both tokens with each actor as sender. */
  const as = Object.fromEntries(
    await Promise.all(
      ACTORS.map(async (who) => [
        who,
        {
          market: await m.marketAs(wallets[who]),
          usd: await m.usdAs(wallets[who]),
          grid: await m.gridAs(wallets[who]),
        },
      ]),
    ),
  ) as Record<Actor, { market: typeof market; usd: typeof usd; grid: typeof grid }>;

  const config = {
    chainId: await publicClient.getChainId(),
    feeBps: await market.read.feeBps(),
    activationWindow: await market.read.activationWindow(),
    penaltyBps: await market.read.PENALTY_BPS(),
    maxLeaseDuration: await market.read.MAX_LEASE_DURATION(),
    maxAccessBytes: await market.read.MAX_ACCESS_BYTES(),
  };

  // Every event any transaction in these tests can emit: the market's, both tokens' and the policy's.
  const abi = [...market.abi, ...usd.abi, ...grid.abi, ...policy.abi];

  /** Waits for a successful receipt and decodes all of its logs; fails if any log is not decoded. */
  async function send(hash: Hex | Promise<Hex>): Promise<SentTx> {
    const txHash = await hash;
    const receipt = await wait(publicClient, txHash);
    const logs = receipt.logs as Log[];
    const decoded = parseEventLogs({ abi, logs, strict: true });
    expect(decoded.length, "every log in the receipt decodes against the artifact ABIs").toBe(
      logs.length,
    );
    const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
    return {
      hash: txHash,
      blockNumber: receipt.blockNumber,
      timestamp: block.timestamp,
      logs: decoded.map((log) => ({
        address: getAddress(log.address),
        eventName: log.eventName,
        args: log.args as Record<string, unknown>,
      })),
    };
  }

  /** Asserts the transaction emitted exactly these logs, in this order, with exactly these args. */
  function expectLogs(tx: SentTx, expected: ExpectedLog[]) {
    expect(tx.logs).toEqual(expected.map((e) => ({ ...e, address: getAddress(e.address) })));
  }

  const log = {
    market: (eventName: string, args: Record<string, unknown>): ExpectedLog => ({
      address: address.market,
      eventName,
      args,
    }),
    transfer: (token: Token, from: Address, to: Address, value: bigint): ExpectedLog => ({
      address: tokenAddress[token],
      eventName: "Transfer",
      args: { from: getAddress(from), to: getAddress(to), value },
    }),
    approval: (token: Token, owner: Address, spender: Address, value: bigint): ExpectedLog => ({
      address: tokenAddress[token],
      eventName: "Approval",
      args: { owner: getAddress(owner), spender: getAddress(spender), value },
    }),
  };

  async function balances(): Promise<Balances> {
    const holders = Object.keys(address) as Holder[];
    const read = async (token: typeof usd | typeof grid) =>
      Object.fromEntries(
        await Promise.all(holders.map(async (h) => [h, await token.read.balanceOf([address[h]])])),
      ) as Record<Holder, bigint>;
    return { usd: await read(usd), grid: await read(grid) };
  }

  /** Asserts every holder's balance in both tokens moved by exactly `deltas` (unlisted: unchanged). */
  async function expectBalanceChanges(before: Balances, deltas: BalanceDeltas) {
    const after = await balances();
    const table = (cell: (token: Token, holder: Holder) => bigint) =>
      Object.fromEntries(
        (["usd", "grid"] as const).map((t) => [
          t,
          Object.fromEntries((Object.keys(address) as Holder[]).map((h) => [h, cell(t, h)])),
        ]),
      );
    expect(table((t, h) => after[t][h] - before[t][h])).toEqual(
      table((t, h) => deltas[t]?.[h] ?? 0n),
    );
  }

  /**
   * What the buyer gets from the provider's bond when the provider fails a lease on `offer` that escrowed
   * `escrowed` (the offer's floor, or 10% of the stake when that is more).
   */
  const penaltyFor = (offer: { minProviderBond: bigint }, escrowed = 0n) =>
    stakePenalty(penalty(offer.minProviderBond, config.penaltyBps), escrowed);

  /** The terms the SDK prices a lease with, read from the chain. */
  async function termsOf(leaseId: bigint): Promise<LeaseTerms> {
    const v = await market.read.getLease([leaseId]);
    return {
      pricePerGpuHour: v.pricePerGpuHour,
      gpusPerUnit: v.gpusPerUnit,
      units: v.units,
      duration: v.duration,
      feeBps: v.feeBps,
    };
  }

  /**
   * The market holds, per token, exactly the escrow of every lease (deposit less what was paid out), the
   * unwithdrawn protocol fees and every provider's bond in that token.
   */
  async function expectConservation() {
    const leaseCount = await market.read.leaseCount();
    const escrow = { usd: 0n, grid: 0n };
    for (let id = 1n; id <= leaseCount; id++) {
      const v = await market.read.getLease([id]);
      const token = getAddress(v.paymentToken) === tokenAddress.usd ? "usd" : "grid";
      escrow[token] += await market.read.escrowOf([id]);
    }
    const bonds = { usd: 0n, grid: 0n };
    for (const who of ACTORS)
      for (const token of ["usd", "grid"] as const)
        bonds[token] += (await market.read.bondOf([address[who], tokenAddress[token]])).amount;
    const [usdFees, gridFees] = [
      await market.read.protocolFees([usd.address]),
      await market.read.protocolFees([grid.address]),
    ];
    const held = await balances();
    expect({ usd: held.usd.market, grid: held.grid.market }).toEqual({
      usd: escrow.usd + usdFees + bonds.usd,
      grid: escrow.grid + gridFees + bonds.grid,
    });
  }

  /**
   * The provider's usual setup: registered, bonded in each token it sells in (5,000 GRID and 5,000 tUSD), an H100
   * offer in tUSD (1,000 tUSD minimum bond) and an H200 offer in GRID (2,000 GRID).
   */
  const bond = GRID("5000");
  const usdBond = USD("5000");
  const usdOffer = h100Offer(usd.address);
  const gridOffer = h100Offer(grid.address, {
    gpuModel: encodeGpuModel("H200-141GB"),
    gpusPerUnit: 8n,
    totalUnits: 4n,
    pricePerGpuHour: GRID("3.3"),
    minDuration: 600n,
    maxDuration: 7n * 86400n,
    minProviderBond: GRID("2000"),
    specURI: "ipfs://spec/hgx-h200-8x",
  });
  async function listOffers() {
    const p = as.provider;
    await send(p.market.write.registerProvider(["ipfs://provider/brisbane-dc1"]));
    await send(p.grid.write.approve([market.address, bond]));
    await send(p.market.write.depositBond([grid.address, bond]));
    await send(p.usd.write.approve([market.address, usdBond]));
    await send(p.market.write.depositBond([usd.address, usdBond]));
    await send(p.market.write.createOffer([usdOffer]));
    await send(p.market.write.createOffer([gridOffer]));
    return { usdOfferId: 1n, gridOfferId: 2n };
  }

  /** Approves exactly the deposit and opens a lease at the offer's current price; returns its id and the tx. */
  async function openLease(
    who: Actor,
    offerId: bigint,
    units: bigint,
    duration: bigint,
  ): Promise<{ leaseId: bigint; tx: SentTx }> {
    const offer = await market.read.getOffer([offerId]);
    const token = getAddress(offer.paymentToken) === tokenAddress.usd ? "usd" : "grid";
    const amount = deposit({
      pricePerGpuHour: offer.pricePerGpuHour,
      gpusPerUnit: BigInt(offer.gpusPerUnit),
      units,
      duration,
      feeBps: config.feeBps,
    });
    // Both tokens are OpenZeppelin ERC-20s: one type serves for `approve`.
    const erc20 = as[who][token] as (typeof as)[Actor]["usd"];
    await send(erc20.write.approve([market.address, amount]));
    const tx = await send(
      as[who].market.write.openLease([offerId, units, duration, offer.pricePerGpuHour, BUYER_KEY]),
    );
    return { leaseId: await market.read.leaseCount(), tx };
  }

  /** Lists a copy of the tUSD offer (with `overrides`) under reserved-capacity `terms`; returns its id. */
  async function listReservedOffer(
    terms: ReservedTerms,
    overrides: Partial<typeof usdOffer> = {},
  ): Promise<bigint> {
    await send(
      as.provider.market.write.createReservedOffer([{ ...usdOffer, ...overrides }, terms]),
    );
    return market.read.offerCount();
  }

  /**
   * Approves exactly the rolling deposit (funded seconds plus the exit escrow, by the SDK's `rollingDeposit`) and
   * opens a rolling lease at the offer's current price; returns its id and the tx.
   */
  async function openRollingLease(
    who: Actor,
    offerId: bigint,
    units: bigint,
    term: bigint,
    funded: bigint,
  ): Promise<{ leaseId: bigint; tx: SentTx; deposit: bigint }> {
    const offer = await market.read.getOffer([offerId]);
    const terms = await market.read.getOfferTerms([offerId]);
    const token = getAddress(offer.paymentToken) === tokenAddress.usd ? "usd" : "grid";
    const { deposit: amount } = rollingDeposit(
      {
        prepaidWindow: BigInt(terms.prepaidWindow),
        commitment: BigInt(terms.commitment),
        noticePeriod: BigInt(terms.noticePeriod),
        exitFeeBps: BigInt(terms.exitFeeBps),
      },
      { price: offer.pricePerGpuHour, gpus: BigInt(offer.gpusPerUnit) * units, funded },
    );
    const erc20 = as[who][token] as (typeof as)[Actor]["usd"];
    await send(erc20.write.approve([market.address, amount]));
    const tx = await send(
      as[who].market.write.openRollingLease([
        offerId,
        units,
        term,
        funded,
        offer.pricePerGpuHour,
        BUYER_KEY,
      ]),
    );
    return { leaseId: await market.read.leaseCount(), tx, deposit: amount };
  }

  /** Activates a pending lease; returns the activation tx (its timestamp is the lease's start). */
  async function activate(leaseId: bigint, payload: Hex = sealedAccess(96)) {
    return send(as.provider.market.write.activateLease([leaseId, payload]));
  }

  /** A permit from `owner` to the market for `value` of the token, valid for an hour of chain time. */
  async function permit(owner: Actor, token: Token, value: bigint) {
    const deadline = BigInt(await time.latest()) + 3600n;
    const contract = token === "usd" ? usd : grid;
    const sig = await signPermit(
      contract,
      wallets[owner],
      market.address,
      value,
      deadline,
      config.chainId,
    );
    return { deadline, ...sig };
  }

  return {
    ...m,
    connection,
    time,
    wallets,
    address,
    tokenAddress,
    as,
    config,
    send,
    expectLogs,
    log,
    balances,
    expectBalanceChanges,
    termsOf,
    penaltyFor,
    expectConservation,
    bond,
    usdBond,
    usdOffer,
    gridOffer,
    listOffers,
    listReservedOffer,
    openLease,
    openRollingLease,
    activate,
    permit,
  };
}

/** Asserts `call` reverts with the market's custom error `errorName(...args)`, decoded through the ABI. */
export async function expectRevert(
  call: Promise<unknown>,
  errorName: string,
  args: readonly unknown[] = [],
) {
  const error = await call.then(
    () => {
      throw new Error(`expected a revert with ${errorName}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BaseError);
  const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(reverted, String(error)).toBeInstanceOf(ContractFunctionRevertedError);
  const data = (reverted as ContractFunctionRevertedError).data;
  expect({ errorName: data?.errorName, args: data?.args ?? [] }).toEqual({ errorName, args });
}
