/**
 * Builds a realistic, living Gridlease market on a local chain, deterministically for a given seed value.
 *
 * Fourteen providers in the nine sites of DESIGN.md list GPU servers (A100 to B300, L40S and RTX 4090 boxes),
 * on demand and reserved, mostly in TestUSD and some in GRID. Dozens of buyers lease them over fifteen days of
 * chain time, and every lease goes through a realistic life: activation, access rotation, extension, claims,
 * an early end by either side, a provider that never shows up, or a run to the end and a close. Providers
 * change prices and units, pause an offer, restore their bond after a penalty; the treasury collects fees.
 *
 * The history is a discrete-event simulation on a 5-minute grid. A model of the market mirrors the contract
 * (units in use, lease phases, accruals, bonds, fees), so every transaction is known to succeed before it is
 * sent; the transactions of one point in time go into one block with that timestamp (see ./seed/chain.ts).
 *
 *   const summary = await seedMarket(connection, { seed: 7 });
 */
import { pbkdf2Sync } from "node:crypto";
import type { NetworkConnection } from "hardhat/types/network";
import {
  decodeFunctionResult,
  encodeFunctionData,
  formatUnits,
  getAddress,
  keccak256,
  maxUint256,
  parseUnits,
  toBytes,
  toHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { HDKey, hdKeyToAccount } from "viem/accounts";
import {
  allowlistPolicyAbi,
  gridleaseMarketAbi,
  gridleaseTokenAbi,
  testUSDAbi,
} from "@gridlease/sdk/abis";
import { deployments } from "@gridlease/sdk/deployments";
import { encodeGpuModel, encodeRegion, type GpuModelCode } from "@gridlease/sdk/labels";
import { cost, elapsed, feeOn, penalty as penaltyFor } from "@gridlease/sdk/pricing";
import GridleaseLocal from "../../ignition/modules/GridleaseLocal.ts";
import {
  DAY,
  GPUS,
  GRID_USD,
  HOUR,
  PROVIDERS,
  dataUri,
  offerSpec,
  providerMetadata,
  type OfferTemplate,
  type ProviderTemplate,
  type TokenKey,
} from "./seed/catalog.ts";
import { Chain, type GasReport } from "./seed/chain.ts";
import { Random } from "./seed/random.ts";

export const DEFAULT_SEED = "gridlease";

/** The seed's time grid: every action happens on a 5-minute slot (plus a few seconds of jitter). */
const SLOT = 300n;
const SLOTS_PER_HOUR = 12;
const SLOTS_PER_DAY = 288;
/** Length of the seeded history. */
const HISTORY_DAYS = 15;

/** The well-known Hardhat mnemonic: the seed's extra buyers are its accounts #20 and up. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const PROVIDER_ACCOUNTS = PROVIDERS.length; // accounts #1..#14
const BUYER_COUNT = 36; // accounts #15..#50

export interface SeedAddresses {
  market: Address;
  grid: Address;
  usd: Address;
  policy: Address;
}

export interface SeedOptions {
  /** Any string or number; the same value builds the same market. Default "gridlease". */
  seed?: string | number;
  /** Where GridleaseLocal is deployed. Default: the generated deployments for the chain, deployed if missing. */
  addresses?: SeedAddresses;
  /** Timestamp of the first seeded block. Default: the next UTC midnight after the latest block. */
  startTime?: bigint;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Record gas used per transaction kind (for tuning the seed's gas limits). */
  trackGas?: boolean;
}

export type LeaseStatusName = "pending" | "pendingPastWindow" | "active" | "expired" | "ended";
export type EndReasonName =
  "Expired" | "BuyerTerminated" | "ProviderTerminated" | "NoShowCancelled";
const END_REASON_CODE: Record<EndReasonName, number> = {
  Expired: 1,
  BuyerTerminated: 2,
  ProviderTerminated: 3,
  NoShowCancelled: 4,
};

interface TokenVolume {
  /** Deposits and extension top-ups escrowed. */
  escrowed: bigint;
  /** Earned by providers up to the end of the seed (fee included). */
  accrued: bigint;
  /** Paid out to providers by claims (fee included). */
  claimed: bigint;
  /** Refunded to buyers. */
  refunded: bigint;
  /** Protocol fees withdrawn to the treasury. */
  feesWithdrawn: bigint;
}

export interface SeedSummary {
  seed: string;
  chainId: number;
  addresses: SeedAddresses;
  deployed: boolean;
  startTime: bigint;
  endTime: bigint;
  firstBlock: bigint;
  lastBlock: bigint;
  blocks: number;
  transactions: number;
  elapsedMs: number;
  providers: { count: number; regions: string[] };
  offers: {
    count: number;
    byGpu: Record<string, number>;
    byToken: Record<TokenKey, number>;
    onDemand: number;
    reserved: number;
    pausedNow: number;
    allowlisted: number;
    priceChanges: number;
    unitsChanges: number;
  };
  leases: {
    count: number;
    buyers: number;
    byStatus: Record<LeaseStatusName, number>;
    byEndReason: Record<EndReasonName, number>;
    extensions: number;
    accessRotations: number;
    claims: { transactions: number; partial: number; full: number };
    feeWithdrawals: number;
  };
  volume: Record<TokenKey, TokenVolume> & { gpuHours: number };
  actors: {
    deployer: Address;
    treasury: Address;
    providers: { name: string; region: string; address: Address }[];
    buyers: Address[];
  };
  gas?: GasReport[];
}

/*//////////////////////////////////////////////////////////////
                              MODEL
//////////////////////////////////////////////////////////////*/

type Fate =
  | "run" // activated, runs to its end, closed some time later (or not, if the seed ends first)
  | "runExtend" // as "run", with an extension and an access rotation
  | "expireOpen" // runs to its end before the seed ends and is never closed
  | "buyerTerminate"
  | "providerTerminate"
  | "refuse" // the provider terminates it while pending
  | "noShow" // never activated; the buyer cancels after the window
  | "pendingOpen" // opened at the very end, still within its window
  | "pendingStale" // never activated and never cancelled
  | "extendPending"; // extended while pending, then activated and run

interface Buyer {
  index: number;
  address: Address;
  /** The buyer's X25519 public key (any non-zero 32 bytes on a local chain). */
  key: Hex;
  weight: number;
  usesGrid: boolean;
  balance: Record<TokenKey, bigint>;
  approved: Record<TokenKey, boolean>;
}

interface ProviderState {
  index: number;
  tpl: ProviderTemplate;
  address: Address;
  registered: boolean;
  bond: bigint;
  targetBond: bigint;
  grid: bigint;
  offers: OfferState[];
  leases: LeaseState[];
  allowlist: Set<Address>;
  topUpScheduled: boolean;
}

interface OfferState {
  id: bigint;
  tpl: OfferTemplate;
  provider: ProviderState;
  token: TokenKey;
  gpuModel: GpuModelCode;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  unitsInUse: bigint;
  price: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  minBond: bigint;
  allowlist: boolean;
  paused: boolean;
  reserved: boolean;
  leases: LeaseState[];
  priceChanges: bigint[];
  /** The listed price in USD (GRID prices are quoted at GRID_USD). */
  usdPrice: number;
}

interface LeaseState {
  id: bigint;
  offer: OfferState;
  buyer: Buyer;
  units: bigint;
  gpus: bigint;
  price: bigint;
  feeBps: bigint;
  /** Billed duration, as the contract keeps it: grown by extensions, cut to the time used by an early end. */
  duration: bigint;
  openedAt: bigint;
  deadline: bigint;
  phase: "pending" | "active" | "ended";
  start: bigint;
  reason?: EndReasonName;
  settled: bigint;
  fate: Fate;
}

type Action = () => Promise<void>;

const ERC20 = { usd: testUSDAbi, grid: gridleaseTokenAbi } as const;

const roundUp = (value: bigint, step: bigint) => ((value + step - 1n) / step) * step;

/** Base units of `token` for a decimal amount. */
const units = (token: TokenKey, amount: number, decimals = 2) =>
  parseUnits(amount.toFixed(decimals), token === "usd" ? 6 : 18);

/*//////////////////////////////////////////////////////////////
                              SEEDER
//////////////////////////////////////////////////////////////*/

class Seeder {
  readonly rng: Random;
  readonly chain: Chain;
  readonly log: (line: string) => void;
  readonly seed: string;

  addresses!: SeedAddresses;
  deployed = false;
  chainId = 0;
  feeBps = 0n;
  penaltyBps = 0n;
  activationWindow = 0n;
  windowSlots = 0;
  t0 = 0n;
  endSlot = HISTORY_DAYS * SLOTS_PER_DAY;
  private jitterSalt = 0;

  deployer!: Address;
  treasury!: Address;
  deployerGrid = 0n;
  providers: ProviderState[] = [];
  buyers: Buyer[] = [];
  offers: OfferState[] = [];
  leases: LeaseState[] = [];
  protocolFees: Record<TokenKey, bigint> = { usd: 0n, grid: 0n };
  volume: Record<TokenKey, TokenVolume> = {
    usd: { escrowed: 0n, accrued: 0n, claimed: 0n, refunded: 0n, feesWithdrawn: 0n },
    grid: { escrowed: 0n, accrued: 0n, claimed: 0n, refunded: 0n, feesWithdrawn: 0n },
  };
  counts = {
    extensions: 0,
    rotations: 0,
    claimTxs: 0,
    partialClaims: 0,
    fullClaims: 0,
    feeWithdrawals: 0,
    priceChanges: 0,
    unitsChanges: 0,
    skippedOpens: 0,
  };

  private readonly queue = new Map<number, Action[]>();
  private slot = -1;

  readonly connection: NetworkConnection;
  readonly options: SeedOptions;

  constructor(connection: NetworkConnection, options: SeedOptions) {
    this.connection = connection;
    this.options = options;
    this.seed = String(options.seed ?? DEFAULT_SEED);
    this.rng = new Random(this.seed);
    this.chain = new Chain(connection.provider, options.trackGas);
    this.log = options.log ?? (() => {});
  }

  /*------------------------------ chain access ------------------------------*/

  private async read<T>(to: Address, abi: Abi, functionName: string, args: unknown[] = []) {
    const data = encodeFunctionData({ abi, functionName, args } as never);
    const result = await this.chain.request<Hex>("eth_call", [{ to, data }, "latest"]);
    return decodeFunctionResult({ abi, functionName, data: result } as never) as T;
  }

  private send(
    from: Address,
    to: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
    gas: bigint,
    label = functionName,
  ) {
    const data = encodeFunctionData({ abi, functionName, args } as never);
    return this.chain.send(from, to, data, gas, label);
  }

  private market(from: Address, fn: string, args: unknown[], gas: bigint, label = fn) {
    return this.send(from, this.addresses.market, gridleaseMarketAbi, fn, args, gas, label);
  }

  private tokenAddress(token: TokenKey) {
    return token === "usd" ? this.addresses.usd : this.addresses.grid;
  }

  get now() {
    return this.chain.now;
  }

  /*------------------------------ scheduling ------------------------------*/

  /** Runs `action` in `slot` (at the latest grid point after the current one); dropped past the end. */
  private at(slot: number, action: Action) {
    const s = Math.max(Math.round(slot), this.slot + 1);
    if (s > this.endSlot) return;
    const list = this.queue.get(s);
    if (list) list.push(action);
    else this.queue.set(s, [action]);
  }

  private slotTime(slot: number): bigint {
    // A few seconds of jitter so that blocks do not all fall on round minutes; none on the first and last.
    const jitter =
      slot === 0 || slot === this.endSlot
        ? 0
        : (((slot * 2654435761) ^ this.jitterSalt) >>> 0) % 47;
    return this.t0 + BigInt(slot) * SLOT + BigInt(jitter);
  }

  /** The first slot at or after `time`. */
  private slotOf(time: bigint): number {
    const offset = time - this.t0;
    return Number((offset + SLOT - 1n) / SLOT);
  }

  private day(d: number, hour = 0, minuteSlot = 0) {
    return Math.round(d * SLOTS_PER_DAY) + hour * SLOTS_PER_HOUR + minuteSlot;
  }

  /*------------------------------ setup ------------------------------*/

  async setUp() {
    const { provider } = this.connection;
    this.chainId = Number(await provider.request({ method: "eth_chainId" }));
    this.addresses = await this.resolveAddresses();
    const { market } = this.addresses;

    const [offerCount, leaseCount] = await Promise.all([
      this.read<bigint>(market, gridleaseMarketAbi, "offerCount"),
      this.read<bigint>(market, gridleaseMarketAbi, "leaseCount"),
    ]);
    if (offerCount !== 0n || leaseCount !== 0n)
      throw new Error(
        `seed: the market at ${market} already has ${offerCount} offers and ${leaseCount} leases; seed a fresh chain`,
      );
    [this.feeBps, this.penaltyBps, this.activationWindow, this.treasury] = await Promise.all([
      this.read<bigint>(market, gridleaseMarketAbi, "feeBps"),
      this.read<bigint>(market, gridleaseMarketAbi, "PENALTY_BPS"),
      this.read<bigint>(market, gridleaseMarketAbi, "activationWindow"),
      this.read<Address>(market, gridleaseMarketAbi, "treasury"),
    ]);
    this.windowSlots = Number(this.activationWindow / SLOT);
    if (this.windowSlots < 4)
      throw new Error(
        `seed: needs an activation window of at least 20 minutes, got ${this.activationWindow}s`,
      );
    const paymentOk = await Promise.all(
      (["usd", "grid"] as const).map((t) =>
        this.read<boolean>(market, gridleaseMarketAbi, "isPaymentToken", [this.tokenAddress(t)]),
      ),
    );
    if (!paymentOk.every(Boolean))
      throw new Error("seed: TestUSD and GRID must both be payment tokens");

    // Actors: the node's own accounts first (deployer, providers, buyers), then accounts of the Hardhat
    // mnemonic the node does not hold, impersonated.
    const nodeAccounts = (await provider.request({ method: "eth_accounts" })) as Address[];
    const total = 1 + PROVIDER_ACCOUNTS + BUYER_COUNT;
    const hd = HDKey.fromMasterSeed(
      pbkdf2Sync(HARDHAT_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512"),
    );
    const actors: { address: Address; impersonate: boolean }[] = [];
    for (let i = 0; i < total; i++) {
      if (i < nodeAccounts.length)
        actors.push({ address: getAddress(nodeAccounts[i]), impersonate: false });
      else
        actors.push({
          address: hdKeyToAccount(hd, { addressIndex: i }).address,
          impersonate: true,
        });
    }
    this.deployer = actors[0].address;
    this.deployerGrid = await this.read<bigint>(
      this.addresses.grid,
      gridleaseTokenAbi,
      "balanceOf",
      [this.deployer],
    );
    if (this.deployerGrid < units("grid", 100_000_000, 0))
      throw new Error(
        `seed: the deployer ${this.deployer} holds too little GRID to fund the market`,
      );

    const latest = await this.chain.latestBlock();
    this.t0 = this.options.startTime ?? (latest.timestamp / DAY + 1n) * DAY;
    if (this.t0 <= latest.timestamp)
      throw new Error(
        `seed: startTime ${this.t0} is not after the latest block (${latest.timestamp})`,
      );
    this.jitterSalt = this.rng.int(0, 2 ** 30);

    await this.chain.start();
    for (const a of actors) await this.chain.addSender(a.address, a.impersonate);

    this.providers = PROVIDERS.map((tpl, i) => ({
      index: i,
      tpl,
      address: actors[1 + i].address,
      registered: false,
      bond: 0n,
      targetBond: units("grid", tpl.bondGrid, 0),
      grid: 0n,
      offers: [],
      leases: [],
      allowlist: new Set<Address>(),
      topUpScheduled: false,
    }));

    // Buyers: a few heavy users and a long tail; about a third also hold GRID.
    const order = this.rng.shuffle(Array.from({ length: BUYER_COUNT }, (_, i) => i));
    this.buyers = Array.from({ length: BUYER_COUNT }, (_, i) => {
      const address = actors[1 + PROVIDER_ACCOUNTS + i].address;
      return {
        index: i,
        address,
        key: keccak256(toHex(`gridlease seed x25519 public key ${address}`)),
        weight: 1 / Math.pow(order[i] + 1, 0.75),
        usesGrid: this.rng.chance(0.35),
        balance: { usd: 0n, grid: 0n },
        approved: { usd: false, grid: false },
      };
    });
  }

  private async resolveAddresses(): Promise<SeedAddresses> {
    if (this.options.addresses) {
      const a = this.options.addresses;
      return {
        market: getAddress(a.market),
        grid: getAddress(a.grid),
        usd: getAddress(a.usd),
        policy: getAddress(a.policy),
      };
    }
    const record = (deployments as Record<string, (typeof deployments)["31337"]>)[
      String(this.chainId)
    ];
    if (!record)
      throw new Error(`seed: no generated deployment for chain ${this.chainId}; pass addresses`);
    const generated: SeedAddresses = {
      market: getAddress(record.contracts.GridleaseMarket.address),
      grid: getAddress(record.contracts.GridleaseToken.address),
      usd: getAddress(record.contracts.TestUSD.address),
      policy: getAddress(record.contracts.AllowlistPolicy.address),
    };
    const code = await this.chain.request<Hex>("eth_getCode", [generated.market, "latest"]);
    if (code !== "0x") return generated;

    this.log("GridleaseLocal is not deployed here: deploying it with Ignition");
    const result = (await this.connection.ignition.deploy(GridleaseLocal, {
      displayUi: false,
    })) as unknown as Record<keyof SeedAddresses, { address: Address }>;
    this.deployed = true;
    const deployed: SeedAddresses = {
      market: getAddress(result.market.address),
      grid: getAddress(result.grid.address),
      usd: getAddress(result.usd.address),
      policy: getAddress(result.policy.address),
    };
    const deployedCode = await this.chain.request<Hex>("eth_getCode", [deployed.market, "latest"]);
    if (deployedCode === "0x")
      throw new Error(
        `seed: Ignition reports GridleaseLocal at ${deployed.market}, but there is no code there: its journal ` +
          `(ignition/deployments/chain-${this.chainId}) is from an earlier chain. Delete that folder, or deploy ` +
          "with `npx hardhat ignition deploy ignition/modules/GridleaseLocal.ts --network localhost --reset`, " +
          "then seed again.",
      );
    if (deployed.market !== generated.market)
      this.log(
        `warning: the market landed at ${deployed.market}, not at the generated ${generated.market}`,
      );
    return deployed;
  }

  /*------------------------------ the story ------------------------------*/

  /** Schedules everything that is planned up front; leases then schedule their own follow-ups. */
  plan() {
    const rng = this.rng;
    const byName = (name: string) => {
      const p = this.providers.find((x) => x.tpl.name === name);
      if (!p) throw new Error(`no provider ${name}`);
      return p;
    };
    const offerOf =
      (name: string, gpu: GpuModelCode, kind: "on-demand" | "reserved" = "on-demand") =>
      () => {
        const o = byName(name).offers.find((x) => x.gpuModel === gpu && x.tpl.kind === kind);
        if (!o) throw new Error(`no ${kind} ${gpu} offer of ${name}`);
        return o;
      };

    // Providers join: most on day 0, a few later.
    for (const p of this.providers) {
      const slot = p.tpl.joinDay === 0 ? 0 : this.day(p.tpl.joinDay) + rng.int(0, 36);
      this.at(slot, () => this.join(p));
      // Each provider claims its earnings every day or few.
      this.at(slot + rng.int(20, 60) * SLOTS_PER_HOUR, () => this.claimRun(p));
    }

    // Buyers' leases over the whole history, busier in APAC business hours (UTC 00-10).
    const leaseCount = rng.int(158, 172);
    const hourWeights = Array.from(
      { length: 24 },
      (_, h) => [h, h < 10 ? 1.6 : h >= 14 ? 1 : 0.6] as const,
    );
    for (let i = 0; i < leaseCount; i++) {
      let slot = -1;
      while (slot < SLOTS_PER_HOUR || slot > this.endSlot - 3 * SLOTS_PER_HOUR)
        slot = this.day(rng.int(0, HISTORY_DAYS - 1), rng.weighted(hourWeights), rng.int(0, 11));
      this.at(slot, () => this.openRandom());
    }

    // Leases that make sure every part of the lifecycle shows up, whatever the seed.
    const odUsd = (o: OfferState) => !o.reserved && !o.allowlist && o.token === "usd";
    const script: [number, Fate, (o: OfferState) => boolean, bigint][] = [
      [this.day(1, 2), "run", odUsd, 8n * HOUR],
      [this.day(2, 1), "runExtend", odUsd, 24n * HOUR],
      [
        this.day(2, 5),
        "noShow",
        (o) => o.provider.tpl.name === "Mission District GPU Rigs",
        12n * HOUR,
      ],
      [
        this.day(3, 20),
        "refuse",
        (o) => o.provider.tpl.name === "Kanto Research Cloud",
        48n * HOUR,
      ],
      [
        this.day(4, 3),
        "providerTerminate",
        (o) => o.provider.tpl.name === "Petaling Render Farm",
        24n * HOUR,
      ],
      [
        this.day(5, 2),
        "buyerTerminate",
        (o) => odUsd(o) && o.gpuModel === "B200-192GB",
        24n * HOUR,
      ],
      [this.day(6, 4), "extendPending", odUsd, 12n * HOUR],
      [this.day(12, 9), "run", odUsd, 7n * 24n * HOUR], // still active at the end
      [this.day(13, 0), "expireOpen", odUsd, 12n * HOUR],
      [this.day(13, 2), "expireOpen", odUsd, 18n * HOUR],
      [this.day(13, 4), "expireOpen", odUsd, 24n * HOUR],
      [this.endSlot - 250, "pendingStale", odUsd, 24n * HOUR],
      [this.endSlot - 150, "pendingStale", odUsd, 6n * HOUR],
      [this.endSlot - 60, "pendingStale", odUsd, 48n * HOUR],
      [this.endSlot - 8, "pendingOpen", odUsd, 4n * HOUR],
      [this.endSlot - 4, "pendingOpen", odUsd, 12n * HOUR],
      [this.endSlot, "pendingOpen", odUsd, 72n * HOUR],
    ];
    for (const [slot, fate, filter, duration] of script) {
      this.at(slot, () => this.openScripted(fate, filter, duration));
    }

    // Price moves: a bulk H100 price cut, a B300 rise on demand, an H200 cut. A lease before and after each.
    const moves: [() => OfferState, number, number][] = [
      [offerOf("Southern Cross Compute", "H100-SXM-80GB"), this.day(5, 10), 0.93],
      [offerOf("Johor Hyperscale AI", "B300-288GB"), this.day(8, 3), 1.06],
      [offerOf("Lion City Compute", "H200-141GB"), this.day(10, 6), 0.95],
    ];
    for (const [offer, slot, factor] of moves) {
      this.at(this.day(1, 4) + rng.int(0, 2 * SLOTS_PER_DAY), () =>
        this.openScripted("run", (o) => o === offer(), 12n * HOUR),
      );
      this.at(slot, () => this.changePrice(offer(), factor));
      this.at(slot + rng.int(6, 36), () =>
        this.openScripted("run", (o) => o === offer(), 24n * HOUR),
      );
    }

    // An offer paused for maintenance and resumed; another paused for good.
    const hbH100 = offerOf("Harbour Bridge GPU Cloud", "H100-SXM-80GB");
    this.at(this.day(3, 6), () => this.setPaused(hbH100(), true));
    this.at(this.day(4, 18), () => this.setPaused(hbH100(), false));
    const gsB300 = offerOf("Golden State GPU", "B300-288GB");
    this.at(this.day(11, 2), () => this.setPaused(gsB300(), true));

    // Capacity changes: more B200 servers in Johor, a hobbyist adds a box, fewer H200 in Brisbane.
    this.at(this.day(7, 1), () =>
      this.changeUnits(offerOf("Johor Hyperscale AI", "B200-192GB")(), 32n),
    );
    this.at(this.day(6, 15), () =>
      this.changeUnits(offerOf("Mission District GPU Rigs", "RTX4090-24GB")(), 2n),
    );
    this.at(this.day(12, 3), () =>
      this.changeUnits(offerOf("Southern Cross Compute", "H200-141GB")(), -8n),
    );

    // The vetted provider grows its allowlist, and later drops a buyer.
    const marina = byName("Marina Bay Vetted Compute");
    this.at(this.day(7, 5), () => this.allow(marina, 2, true));
    this.at(this.day(10, 8), () => this.allow(marina, 1, false));

    // Metadata updates.
    this.at(this.day(8, 2), () =>
      this.updateMetadata(byName("Southern Cross Compute"), {
        noc: "+61 7 3000 0000",
        since: 2019,
      }),
    );
    this.at(this.day(11, 7), () =>
      this.updateMetadata(byName("Desert Sands Neocloud"), { sla: "99.9% monthly uptime" }),
    );

    // The treasury sweeps protocol fees weekly.
    this.at(this.day(7, 9), () => this.withdrawFees());
    this.at(this.day(14, 9), () => this.withdrawFees());
  }

  async run() {
    let loggedDay = -1;
    for (let s = 0; s <= this.endSlot; s++) {
      const actions = this.queue.get(s);
      if (!actions) continue;
      this.slot = s;
      this.chain.at(this.slotTime(s));
      for (let i = 0; i < actions.length; i++) await actions[i]();
      await this.chain.mine();
      this.queue.delete(s);
      const day = Math.floor(s / SLOTS_PER_DAY);
      if (day > loggedDay) {
        loggedDay = day;
        this.log(`day ${day}: ${this.leases.length} leases so far`);
      }
    }
    // End on a block at exactly the end of the history.
    const end = this.slotTime(this.endSlot);
    const latest = await this.chain.latestBlock();
    if (latest.timestamp < end) await this.chain.request("evm_mine", [Number(end)]);
  }

  /*------------------------------ providers ------------------------------*/

  private async join(p: ProviderState) {
    const { tpl } = p;
    const fund = p.targetBond + p.targetBond / 2n;
    await this.send(
      this.deployer,
      this.addresses.grid,
      gridleaseTokenAbi,
      "transfer",
      [p.address, fund],
      80_000n,
      "transfer GRID to provider",
    );
    this.deployerGrid -= fund;
    p.grid += fund;
    await this.market(p.address, "registerProvider", [providerMetadata(tpl)], 150_000n);
    p.registered = true;
    await this.send(
      p.address,
      this.addresses.grid,
      gridleaseTokenAbi,
      "approve",
      [this.addresses.market, maxUint256],
      80_000n,
      "approve bond",
    );
    await this.depositBond(p, p.targetBond);

    if (tpl.offers.some((o) => o.allowlist)) {
      // The vetted provider allows a handful of buyers, among them some of the busiest.
      const chosen = this.rng
        .shuffle(
          this.buyers
            .slice()
            .sort((a, b) => b.weight - a.weight)
            .slice(0, 16),
        )
        .slice(0, 8);
      await this.setAllowlist(
        p,
        chosen.map((b) => b.address),
        true,
      );
    }
    for (const offerTpl of tpl.offers) await this.createOffer(p, offerTpl);
  }

  private async depositBond(p: ProviderState, amount: bigint) {
    if (p.grid < amount) {
      const top = roundUp(amount - p.grid, units("grid", 1000, 0));
      await this.send(
        this.deployer,
        this.addresses.grid,
        gridleaseTokenAbi,
        "transfer",
        [p.address, top],
        80_000n,
        "transfer GRID to provider",
      );
      this.deployerGrid -= top;
      p.grid += top;
    }
    await this.market(p.address, "depositBond", [amount], 120_000n);
    p.grid -= amount;
    p.bond += amount;
  }

  private async setAllowlist(p: ProviderState, buyers: Address[], allowed: boolean) {
    await this.send(
      p.address,
      this.addresses.policy,
      allowlistPolicyAbi,
      "setAllowed",
      [buyers, allowed],
      60_000n + 35_000n * BigInt(buyers.length),
    );
    for (const b of buyers) {
      if (allowed) p.allowlist.add(b);
      else p.allowlist.delete(b);
    }
  }

  private async allow(p: ProviderState, count: number, allowed: boolean) {
    const pool = this.buyers.filter((b) => p.allowlist.has(b.address) !== allowed);
    await this.setAllowlist(
      p,
      this.rng
        .shuffle(pool)
        .slice(0, count)
        .map((b) => b.address),
      allowed,
    );
  }

  private async updateMetadata(p: ProviderState, extra: Record<string, unknown>) {
    await this.market(p.address, "updateProvider", [providerMetadata(p.tpl, extra)], 150_000n);
  }

  private async createOffer(p: ProviderState, tpl: OfferTemplate) {
    const rng = this.rng;
    const gpu = GPUS[tpl.gpu];
    const hgx = gpu.gpusPerUnit[0] === 8;
    const gpusPerUnit = hgx ? 8 : rng.pick(gpu.gpusPerUnit);
    const reserved = tpl.kind === "reserved";

    let usd = tpl.bulk
      ? rng.float(gpu.usd[0] - 0.04, Math.min(gpu.usd[1], 1.99))
      : rng.float(gpu.usd[0], gpu.usd[1]);
    if (reserved) {
      // A discount on the provider's own on-demand price for the same GPU, deeper for longer commitments.
      const onDemand = p.offers.find((o) => o.gpuModel === tpl.gpu && !o.reserved);
      if (onDemand) usd = onDemand.usdPrice;
      const minDays = tpl.minDays ?? 30;
      usd *=
        minDays >= 365
          ? rng.float(0.62, 0.7)
          : minDays >= 180
            ? rng.float(0.68, 0.76)
            : minDays >= 90
              ? rng.float(0.74, 0.82)
              : rng.float(0.84, 0.9);
    }
    const price = tpl.token === "usd" ? units("usd", usd) : units("grid", usd / GRID_USD);

    const minDuration = reserved
      ? BigInt(tpl.minDays ?? 30) * DAY
      : BigInt(hgx ? rng.pick([1, 1, 2, 4]) : 1) * HOUR;
    const maxDuration = reserved
      ? BigInt(tpl.maxDays ?? 1096) * DAY
      : BigInt(tpl.maxDays ?? rng.pick([7, 14, 14, 30])) * DAY;
    const bondBase = hgx ? p.tpl.minBondGrid : Math.min(p.tpl.minBondGrid, 2_000);
    const minBond = units("grid", reserved ? bondBase * 1.5 : bondBase, 0);

    const spec = offerSpec(rng, p.tpl, tpl, gpusPerUnit);
    const params = {
      gpuModel: encodeGpuModel(tpl.gpu),
      gpusPerUnit: BigInt(gpusPerUnit),
      totalUnits: BigInt(tpl.units),
      region: encodeRegion(p.tpl.region),
      paymentToken: this.tokenAddress(tpl.token),
      pricePerGpuHour: price,
      minDuration,
      maxDuration,
      minProviderBond: minBond,
      buyerPolicy: tpl.allowlist ? this.addresses.policy : zeroAddress,
      specHash: keccak256(toBytes(spec)),
      specURI: dataUri(spec),
    };
    await this.market(
      p.address,
      "createOffer",
      [params],
      350_000n + 60n * BigInt(params.specURI.length),
    );
    const offer: OfferState = {
      id: BigInt(this.offers.length + 1),
      tpl,
      provider: p,
      token: tpl.token,
      gpuModel: tpl.gpu,
      gpusPerUnit: BigInt(gpusPerUnit),
      totalUnits: BigInt(tpl.units),
      unitsInUse: 0n,
      price,
      minDuration,
      maxDuration,
      minBond,
      allowlist: !!tpl.allowlist,
      paused: false,
      reserved,
      leases: [],
      priceChanges: [],
      usdPrice: usd,
    };
    this.offers.push(offer);
    p.offers.push(offer);
  }

  private async changePrice(offer: OfferState, factor: number) {
    const step = offer.token === "usd" ? 10_000n : 10n ** 16n; // a cent, or 0.01 GRID
    const next = (BigInt(Math.round(Number(offer.price / step) * factor)) || 1n) * step;
    if (next === offer.price) return;
    await this.market(offer.provider.address, "setOfferPrice", [offer.id, next], 60_000n);
    offer.price = next;
    offer.priceChanges.push(this.now);
    this.counts.priceChanges++;
  }

  private async setPaused(offer: OfferState, paused: boolean) {
    if (offer.paused === paused) return;
    await this.market(offer.provider.address, "setOfferPaused", [offer.id, paused], 60_000n);
    offer.paused = paused;
  }

  private async changeUnits(offer: OfferState, delta: bigint) {
    let next = offer.totalUnits + delta;
    if (next < offer.unitsInUse) next = offer.unitsInUse;
    if (next < 1n) next = 1n;
    if (next === offer.totalUnits) return;
    await this.market(offer.provider.address, "setOfferUnits", [offer.id, next], 60_000n);
    offer.totalUnits = next;
    this.counts.unitsChanges++;
  }

  /** Tops the provider's bond back up a few hours after a penalty. */
  private scheduleBondTopUp(p: ProviderState) {
    if (p.topUpScheduled || p.bond >= p.targetBond) return;
    p.topUpScheduled = true;
    this.at(this.slot + this.rng.int(2, 24) * SLOTS_PER_HOUR, async () => {
      p.topUpScheduled = false;
      if (p.bond < p.targetBond) await this.depositBond(p, p.targetBond - p.bond);
    });
  }

  /** Claims everything accrued on the provider's leases, then schedules the next run. */
  private async claimRun(p: ProviderState) {
    const due = p.leases.filter(
      (l) => l.phase !== "pending" && this.accrued(l, this.now) > l.settled,
    );
    for (let i = 0; i < due.length; i += 100) {
      const batch = due.slice(i, i + 100);
      await this.market(
        p.address,
        "claim",
        [batch.map((l) => l.id)],
        80_000n + 30_000n * BigInt(batch.length),
        `claim ${batch.length}`,
      );
      this.counts.claimTxs++;
      const now = this.now; // the claim's block time
      for (const l of batch) {
        const acc = this.accrued(l, now);
        const gross = acc - l.settled;
        const fee = feeOn(acc, l.feeBps) - feeOn(l.settled, l.feeBps);
        this.protocolFees[l.offer.token] += fee;
        this.volume[l.offer.token].claimed += gross;
        if (l.offer.token === "grid") p.grid += gross - fee;
        l.settled = acc;
        if (l.phase === "active" && now < this.endOf(l)) this.counts.partialClaims++;
        else this.counts.fullClaims++;
      }
    }
    // A small provider with nothing running takes part of its bond back.
    if (
      p.tpl.name === "Mission District GPU Rigs" &&
      this.slot > this.day(11) &&
      p.bond >= p.targetBond &&
      p.offers.every((o) => o.unitsInUse === 0n)
    ) {
      const amount = p.bond / 4n;
      await this.market(p.address, "withdrawBond", [amount], 120_000n);
      p.bond -= amount;
      p.grid += amount;
      p.targetBond = p.bond;
    }
    this.at(this.slot + this.rng.int(30, 80) * SLOTS_PER_HOUR, () => this.claimRun(p));
  }

  private async withdrawFees() {
    for (const token of ["usd", "grid"] as const) {
      const amount = this.protocolFees[token];
      if (amount === 0n) continue;
      await this.market(
        this.deployer,
        "withdrawFees",
        [this.tokenAddress(token)],
        100_000n,
        `withdrawFees ${token}`,
      );
      this.volume[token].feesWithdrawn += amount;
      this.protocolFees[token] = 0n;
      this.counts.feeWithdrawals++;
    }
  }

  /*------------------------------ leases ------------------------------*/

  private gpusOf(offer: OfferState, unitCount: bigint) {
    return offer.gpusPerUnit * unitCount;
  }

  private endOf(l: LeaseState) {
    return l.start + l.duration;
  }

  private accrued(l: LeaseState, now: bigint) {
    if (l.phase === "pending") return 0n;
    return cost(l.price, l.gpus, elapsed(l.start, l.duration, now));
  }

  /** Can `buyer` open a lease on `offer` now (ignoring units and duration)? */
  private eligible(offer: OfferState, buyer: Buyer) {
    const p = offer.provider;
    return (
      p.registered &&
      !offer.paused &&
      offer.unitsInUse < offer.totalUnits &&
      p.bond >= offer.minBond &&
      (!offer.allowlist || p.allowlist.has(buyer.address)) &&
      (offer.token === "usd" || buyer.usesGrid)
    );
  }

  private pickUnits(offer: OfferState): bigint | undefined {
    const free = offer.totalUnits - offer.unitsInUse;
    const menu: (readonly [number, number])[] =
      offer.gpusPerUnit < 8n
        ? [
            [1, 50],
            [2, 25],
            [4, 15],
            [8, 6],
          ]
        : offer.reserved
          ? [
              [4, 10],
              [8, 20],
              [16, 20],
              [32, 12],
              [64, 5],
              [128, 2],
            ]
          : [
              [1, 40],
              [2, 25],
              [4, 18],
              [8, 10],
              [16, 5],
              [32, 2],
            ];
    const fits = menu.filter(([u]) => BigInt(u) <= free);
    return fits.length ? BigInt(this.rng.weighted(fits)) : undefined;
  }

  private pickDuration(offer: OfferState): bigint | undefined {
    const menu: (readonly [bigint, number])[] = offer.reserved
      ? [
          [30, 5],
          [60, 2],
          [90, 4],
          [180, 3],
          [365, 3],
          [730, 1],
          [1095, 1],
        ].map(([d, w]) => [BigInt(d) * DAY, w] as const)
      : [
          [2, 10],
          [4, 12],
          [6, 8],
          [8, 10],
          [12, 10],
          [24, 14],
          [48, 9],
          [72, 7],
          [120, 4],
          [168, 4],
          [336, 1],
        ].map(([h, w]) => [BigInt(h) * HOUR, w] as const);
    const fits = menu.filter(([d]) => d >= offer.minDuration && d <= offer.maxDuration);
    return fits.length ? this.rng.weighted(fits) : undefined;
  }

  private pickBuyer(filter: (b: Buyer) => boolean = () => true) {
    const pool = this.buyers.filter(filter);
    return pool.length ? this.rng.weighted(pool.map((b) => [b, b.weight] as const)) : undefined;
  }

  /** A buyer picks an offer it likes among those open to it, and leases it. */
  private async openRandom() {
    const buyer = this.pickBuyer()!;
    const candidates = this.offers.filter((o) => this.eligible(o, buyer));
    if (!candidates.length) {
      this.counts.skippedOpens++;
      return;
    }
    const offer = this.rng.weighted(
      candidates.map((o) => {
        let w = GPUS[o.gpuModel].demand * Math.sqrt(Number(o.totalUnits));
        if (o.reserved) w *= 0.18;
        if (o.token === "grid") w *= 1.5;
        return [o, w] as const;
      }),
    );
    const unitCount = this.pickUnits(offer);
    const duration = this.pickDuration(offer);
    if (unitCount === undefined || duration === undefined) {
      this.counts.skippedOpens++;
      return;
    }
    await this.openLease(buyer, offer, unitCount, duration, this.decideFate(offer));
  }

  /** A lease with a given fate on the first offer that `filter` accepts; retried later if none is open. */
  private async openScripted(
    fate: Fate,
    filter: (o: OfferState) => boolean,
    duration: bigint,
    attempt = 0,
  ) {
    for (const offer of this.rng.shuffle(this.offers.filter(filter))) {
      if (duration < offer.minDuration || duration > offer.maxDuration) continue;
      const buyer = this.pickBuyer((b) => this.eligible(offer, b));
      if (!buyer) continue;
      const unitCount = offer.gpusPerUnit < 8n ? 2n : 1n;
      if (offer.totalUnits - offer.unitsInUse < unitCount) continue;
      await this.openLease(buyer, offer, unitCount, duration, fate);
      return;
    }
    if (attempt < 12)
      this.at(this.slot + 1, () => this.openScripted(fate, filter, duration, attempt + 1));
    else throw new Error(`seed: no offer for a scripted ${fate} lease`);
  }

  private decideFate(offer: OfferState): Fate {
    const rng = this.rng;
    if (offer.reserved) return rng.chance(0.12) ? "buyerTerminate" : "run";
    const flaky = 1 - offer.provider.tpl.reliability;
    const u = rng.next();
    if (u < flaky * 0.8) return "noShow";
    if (u < flaky * 1.2) return "refuse";
    if (u < flaky * 2) return "providerTerminate";
    if (u < flaky * 2 + 0.2) return "buyerTerminate";
    return rng.chance(0.22) ? "runExtend" : "run";
  }

  /** Gives `buyer` enough of `token` (TestUSD is minted, GRID comes from the deployer) and the approval. */
  private async fund(buyer: Buyer, token: TokenKey, needed: bigint) {
    if (buyer.balance[token] < needed) {
      const floor =
        token === "usd"
          ? units("usd", this.rng.pick([25_000, 50_000, 100_000, 250_000]), 0)
          : units("grid", 250_000, 0);
      const want = needed * 2n > floor ? needed * 2n : floor;
      const amount = roundUp(want - buyer.balance[token], units(token, 1000, 0));
      if (token === "usd")
        await this.send(
          buyer.address,
          this.addresses.usd,
          testUSDAbi,
          "mint",
          [buyer.address, amount],
          90_000n,
          "mint tUSD",
        );
      else {
        await this.send(
          this.deployer,
          this.addresses.grid,
          gridleaseTokenAbi,
          "transfer",
          [buyer.address, amount],
          80_000n,
          "transfer GRID to buyer",
        );
        this.deployerGrid -= amount;
      }
      buyer.balance[token] += amount;
    }
    if (!buyer.approved[token]) {
      await this.send(
        buyer.address,
        this.tokenAddress(token),
        ERC20[token],
        "approve",
        [this.addresses.market, maxUint256],
        80_000n,
        `approve ${token}`,
      );
      buyer.approved[token] = true;
    }
  }

  private async openLease(
    buyer: Buyer,
    offer: OfferState,
    unitCount: bigint,
    duration: bigint,
    fate: Fate,
  ) {
    const gpus = this.gpusOf(offer, unitCount);
    const deposit = cost(offer.price, gpus, duration);
    await this.fund(buyer, offer.token, deposit);
    await this.market(
      buyer.address,
      "openLease",
      [offer.id, unitCount, duration, offer.price, buyer.key],
      260_000n,
    );
    const lease: LeaseState = {
      id: BigInt(this.leases.length + 1),
      offer,
      buyer,
      units: unitCount,
      gpus,
      price: offer.price,
      feeBps: this.feeBps,
      duration,
      openedAt: this.now,
      deadline: this.now + this.activationWindow,
      phase: "pending",
      start: 0n,
      settled: 0n,
      fate,
    };
    this.leases.push(lease);
    offer.leases.push(lease);
    offer.provider.leases.push(lease);
    offer.unitsInUse += unitCount;
    buyer.balance[offer.token] -= deposit;
    this.volume[offer.token].escrowed += deposit;

    const rng = this.rng;
    const activateIn = () => rng.int(1, Math.min(10, this.windowSlots - 2));
    switch (fate) {
      case "noShow":
        this.at(this.slot + this.windowSlots + rng.int(2, 48), () => this.cancel(lease));
        break;
      case "refuse":
        this.at(this.slot + rng.int(1, Math.min(6, this.windowSlots - 2)), () =>
          this.terminate(lease, "provider"),
        );
        break;
      case "pendingOpen":
      case "pendingStale":
        break;
      case "extendPending":
        this.at(this.slot + 1, () => this.extend(lease));
        this.at(this.slot + 1 + activateIn(), () => this.activate(lease));
        break;
      default:
        this.at(this.slot + activateIn(), () => this.activate(lease));
    }
  }

  /** Bytes standing for connection details sealed to the buyer's key (nonce, ephemeral key, ciphertext, tag). */
  private sealedAccess(): Hex {
    return toHex(this.rng.bytes(24 + 32 + this.rng.int(96, 160) + 16));
  }

  private async activate(l: LeaseState) {
    if (l.phase !== "pending" || this.now > l.deadline) return;
    await this.market(
      l.offer.provider.address,
      "activateLease",
      [l.id, this.sealedAccess()],
      120_000n,
      "activateLease",
    );
    l.phase = "active";
    l.start = this.now;

    const rng = this.rng;
    const durSlots = Number(l.duration / SLOT);
    const within = (lo: number, hi: number) =>
      this.slot + Math.max(1, Math.floor(durSlots * rng.float(lo, hi)));
    const afterEnd = (maxHours: number) =>
      this.slotOf(this.endOf(l)) + rng.int(2, maxHours * SLOTS_PER_HOUR);
    switch (l.fate) {
      case "buyerTerminate":
        this.at(
          l.offer.reserved ? this.slot + rng.int(2, 10) * SLOTS_PER_DAY : within(0.1, 0.9),
          () => this.terminate(l, "buyer"),
        );
        break;
      case "providerTerminate":
        this.at(within(0.05, 0.8), () => this.terminate(l, "provider"));
        break;
      case "expireOpen":
        break;
      case "runExtend":
        this.at(within(0.3, 0.8), () => this.extend(l));
        this.at(afterEnd(36), () => this.close(l));
        break;
      default:
        this.at(afterEnd(48), () => this.close(l));
    }
    // Some providers rotate credentials during a lease.
    if (l.fate === "runExtend" || rng.chance(l.offer.reserved ? 0.5 : 0.18)) {
      this.at(
        l.offer.reserved ? this.slot + rng.int(1, 10) * SLOTS_PER_DAY : within(0.05, 0.7),
        () => this.rotate(l),
      );
    }
  }

  private isRunning(l: LeaseState) {
    return l.phase === "active" && this.now < this.endOf(l);
  }

  private async rotate(l: LeaseState) {
    if (!this.isRunning(l)) return;
    await this.market(
      l.offer.provider.address,
      "rotateAccess",
      [l.id, this.sealedAccess()],
      80_000n,
      "rotateAccess",
    );
    this.counts.rotations++;
  }

  private async extend(l: LeaseState) {
    if (!(l.phase === "pending" || this.isRunning(l))) return;
    const rng = this.rng;
    let added =
      BigInt(Math.max(1, Math.round(Number(l.duration / HOUR) * rng.float(0.25, 1)))) * HOUR;
    if (l.duration + added > l.offer.maxDuration) added = l.offer.maxDuration - l.duration;
    if (added <= 0n) return;
    const topUp = cost(l.price, l.gpus, l.duration + added) - cost(l.price, l.gpus, l.duration);
    // Usually the buyer pays; sometimes a teammate's wallet does.
    const teammate = rng.chance(0.2)
      ? this.pickBuyer(
          (b) =>
            b !== l.buyer && (l.offer.token === "usd" || b.usesGrid) && b.approved[l.offer.token],
        )
      : undefined;
    const payer = teammate ?? l.buyer;
    await this.fund(payer, l.offer.token, topUp);
    await this.market(payer.address, "extendLease", [l.id, added], 120_000n);
    payer.balance[l.offer.token] -= topUp;
    l.duration += added;
    this.volume[l.offer.token].escrowed += topUp;
    this.counts.extensions++;
  }

  private async terminate(l: LeaseState, by: "buyer" | "provider") {
    if (by === "buyer" ? !this.isRunning(l) : !(l.phase === "pending" || this.isRunning(l))) return;
    const caller = by === "buyer" ? l.buyer.address : l.offer.provider.address;
    await this.market(caller, "terminateLease", [l.id], 150_000n, `terminateLease by ${by}`);
    this.endEarly(l, by === "buyer" ? "BuyerTerminated" : "ProviderTerminated");
  }

  private async cancel(l: LeaseState) {
    if (l.phase !== "pending" || this.now <= l.deadline) return;
    await this.market(l.buyer.address, "cancelLease", [l.id], 150_000n);
    this.endEarly(l, "NoShowCancelled");
  }

  /** Mirrors the contract's `_endEarly`. */
  private endEarly(l: LeaseState, reason: EndReasonName) {
    const used = l.phase === "active" ? this.now - l.start : 0n;
    const deposit = cost(l.price, l.gpus, l.duration);
    const accrued = cost(l.price, l.gpus, used);
    const refund = deposit - accrued;
    const p = l.offer.provider;
    if (reason !== "BuyerTerminated") {
      // Reserved out of the bond when the lease opened, so always there to pay.
      const penalty = penaltyFor(l.offer.minBond, this.penaltyBps);
      p.bond -= penalty;
      l.buyer.balance.grid += penalty;
      this.scheduleBondTopUp(p);
    }
    if (l.phase === "pending") l.start = this.now;
    l.phase = "ended";
    l.reason = reason;
    l.duration = used;
    l.offer.unitsInUse -= l.units;
    l.buyer.balance[l.offer.token] += refund;
    this.volume[l.offer.token].refunded += refund;
  }

  private async close(l: LeaseState) {
    if (l.phase !== "active") return;
    if (this.now < this.endOf(l)) {
      // Extended since: close after the new end.
      this.at(this.slotOf(this.endOf(l)) + this.rng.int(2, 24 * SLOTS_PER_HOUR), () =>
        this.close(l),
      );
      return;
    }
    const caller = this.rng.chance(0.6) ? l.offer.provider.address : l.buyer.address;
    await this.market(caller, "closeLease", [l.id], 90_000n);
    l.phase = "ended";
    l.reason = "Expired";
    l.offer.unitsInUse -= l.units;
  }

  /*------------------------------ results ------------------------------*/

  statusOf(l: LeaseState, now: bigint): LeaseStatusName {
    if (l.phase === "ended") return "ended";
    if (l.phase === "pending") return now <= l.deadline ? "pending" : "pendingPastWindow";
    return now < this.endOf(l) ? "active" : "expired";
  }

  /** Reads every lease back from the chain and checks it against the model. */
  async verify(now: bigint) {
    const { market } = this.addresses;
    const [offerCount, leaseCount] = await Promise.all([
      this.read<bigint>(market, gridleaseMarketAbi, "offerCount"),
      this.read<bigint>(market, gridleaseMarketAbi, "leaseCount"),
    ]);
    if (offerCount !== BigInt(this.offers.length) || leaseCount !== BigInt(this.leases.length))
      throw new Error(
        `seed: chain has ${offerCount} offers and ${leaseCount} leases, the model ${this.offers.length} and ${this.leases.length}`,
      );
    const views = await Promise.all(
      this.leases.map((l) =>
        this.read<{
          status: number;
          endReason: number;
          settled: bigint;
          units: bigint;
          duration: bigint;
        }>(market, gridleaseMarketAbi, "getLease", [l.id]),
      ),
    );
    const code = { pending: 1, pendingPastWindow: 1, active: 2, expired: 3, ended: 4 } as const;
    views.forEach((v, i) => {
      const l = this.leases[i];
      const status = this.statusOf(l, now);
      const endNear =
        l.phase === "active" && this.endOf(l) - now < 600n && now - this.endOf(l) < 600n;
      const okStatus = v.status === code[status] || (endNear && (v.status === 2 || v.status === 3));
      const okReason = v.endReason === (l.reason ? END_REASON_CODE[l.reason] : 0);
      if (!okStatus || !okReason || v.settled !== l.settled || v.duration !== l.duration)
        throw new Error(
          `seed: lease ${l.id} differs from the model (${JSON.stringify({ status: v.status, endReason: v.endReason, settled: String(v.settled), duration: String(v.duration) })} vs ${status} ${l.reason ?? ""} ${l.settled} ${l.duration})`,
        );
    });
  }

  summary(now: bigint, elapsedMs: number): SeedSummary {
    const byStatus: Record<LeaseStatusName, number> = {
      pending: 0,
      pendingPastWindow: 0,
      active: 0,
      expired: 0,
      ended: 0,
    };
    const byEndReason: Record<EndReasonName, number> = {
      Expired: 0,
      BuyerTerminated: 0,
      ProviderTerminated: 0,
      NoShowCancelled: 0,
    };
    let gpuSeconds = 0n;
    for (const l of this.leases) {
      byStatus[this.statusOf(l, now)]++;
      if (l.reason) byEndReason[l.reason]++;
      if (l.phase !== "pending") {
        gpuSeconds += l.gpus * elapsed(l.start, l.duration, now);
        this.volume[l.offer.token].accrued += this.accrued(l, now);
      }
    }
    const byGpu: Record<string, number> = {};
    const byToken: Record<TokenKey, number> = { usd: 0, grid: 0 };
    for (const o of this.offers) {
      byGpu[o.gpuModel] = (byGpu[o.gpuModel] ?? 0) + 1;
      byToken[o.token]++;
    }
    return {
      seed: this.seed,
      chainId: this.chainId,
      addresses: this.addresses,
      deployed: this.deployed,
      startTime: this.t0,
      endTime: now,
      firstBlock: this.chain.firstBlock,
      lastBlock: this.chain.lastBlock,
      blocks: this.chain.blocks,
      transactions: this.chain.transactions,
      elapsedMs,
      providers: {
        count: this.providers.filter((p) => p.registered).length,
        regions: [...new Set(this.providers.map((p) => p.tpl.region))].sort(),
      },
      offers: {
        count: this.offers.length,
        byGpu,
        byToken,
        onDemand: this.offers.filter((o) => !o.reserved).length,
        reserved: this.offers.filter((o) => o.reserved).length,
        pausedNow: this.offers.filter((o) => o.paused).length,
        allowlisted: this.offers.filter((o) => o.allowlist).length,
        priceChanges: this.counts.priceChanges,
        unitsChanges: this.counts.unitsChanges,
      },
      leases: {
        count: this.leases.length,
        buyers: new Set(this.leases.map((l) => l.buyer.address)).size,
        byStatus,
        byEndReason,
        extensions: this.counts.extensions,
        accessRotations: this.counts.rotations,
        claims: {
          transactions: this.counts.claimTxs,
          partial: this.counts.partialClaims,
          full: this.counts.fullClaims,
        },
        feeWithdrawals: this.counts.feeWithdrawals,
      },
      volume: { ...this.volume, gpuHours: Number(gpuSeconds / 3600n) },
      actors: {
        deployer: this.deployer,
        treasury: this.treasury,
        providers: this.providers.map((p) => ({
          name: p.tpl.name,
          region: p.tpl.region,
          address: p.address,
        })),
        buyers: this.buyers.map((b) => b.address),
      },
      ...(this.options.trackGas ? { gas: this.chain.gasReport() } : {}),
    };
  }
}

/**
 * Seeds a realistic market on `connection` (in-process or a running `hardhat node`) and returns its summary.
 * Deploys GridleaseLocal with Ignition first if the generated addresses have no code. Refuses a market that
 * already has offers or leases. Leaves automine on and the chain at the end of the seeded history.
 */
export async function seedMarket(
  connection: NetworkConnection,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const started = performance.now();
  const seeder = new Seeder(connection, options);
  await seeder.setUp();
  try {
    seeder.plan();
    await seeder.run();
  } finally {
    await seeder.chain.finish();
  }
  const latest = await seeder.chain.latestBlock();
  await seeder.verify(latest.timestamp);
  return seeder.summary(latest.timestamp, Math.round(performance.now() - started));
}

const fmtToken = (v: bigint, token: TokenKey) =>
  `${Number(formatUnits(v, token === "usd" ? 6 : 18)).toLocaleString("en-US", { maximumFractionDigits: 0 })} ${token === "usd" ? "tUSD" : "GRID"}`;
const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

/** A short, human summary of what `seedMarket` built. */
export function formatSummary(s: SeedSummary): string {
  const l = s.leases;
  const lines = [
    `Seeded Gridlease market (seed "${s.seed}", chain ${s.chainId}) in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `  market ${s.addresses.market}${s.deployed ? " (deployed by the seed)" : ""}`,
    `  history ${iso(s.startTime)} .. ${iso(s.endTime)}: blocks ${s.firstBlock}..${s.lastBlock} (${s.blocks} blocks, ${s.transactions} transactions)`,
    `  providers ${s.providers.count} in ${s.providers.regions.length} regions (${s.providers.regions.join(", ")})`,
    `  offers ${s.offers.count}: ${Object.entries(s.offers.byGpu)
      .map(([g, n]) => `${g} ${n}`)
      .join(", ")}`,
    `    ${s.offers.byToken.usd} in tUSD, ${s.offers.byToken.grid} in GRID; ${s.offers.onDemand} on demand, ${s.offers.reserved} reserved; ${s.offers.allowlisted} allowlist-only, ${s.offers.pausedNow} paused; ${s.offers.priceChanges} price and ${s.offers.unitsChanges} units changes`,
    `  leases ${l.count} from ${l.buyers} buyers: pending ${l.byStatus.pending}, pending past window ${l.byStatus.pendingPastWindow}, active ${l.byStatus.active}, expired (not closed) ${l.byStatus.expired}, ended ${l.byStatus.ended}`,
    `    ended: Expired ${l.byEndReason.Expired}, BuyerTerminated ${l.byEndReason.BuyerTerminated}, ProviderTerminated ${l.byEndReason.ProviderTerminated}, NoShowCancelled ${l.byEndReason.NoShowCancelled}`,
    `    ${l.extensions} extensions, ${l.accessRotations} access rotations, ${l.claims.transactions} claims (${l.claims.partial} partial, ${l.claims.full} full lease payouts), ${l.feeWithdrawals} fee withdrawals`,
    `  volume: escrowed ${fmtToken(s.volume.usd.escrowed, "usd")} + ${fmtToken(s.volume.grid.escrowed, "grid")}; earned so far ${fmtToken(s.volume.usd.accrued, "usd")} + ${fmtToken(s.volume.grid.accrued, "grid")}; ${s.volume.gpuHours.toLocaleString("en-US")} GPU-hours delivered`,
    `  accounts: providers are Hardhat accounts #1-#${s.actors.providers.length}, buyers #${s.actors.providers.length + 1}-#${s.actors.providers.length + s.actors.buyers.length} of the default mnemonic`,
  ];
  return lines.join("\n");
}
