/**
 * Builds a realistic, living Gridlease market on a local chain, deterministically for a given seed value.
 *
 * Fourteen providers in the nine sites of DESIGN.md list GPU servers (A100 to B300, L40S and RTX 4090 boxes),
 * on demand and reserved, mostly in TestUSD and some in GRID. Dozens of buyers lease them over fifteen days of
 * chain time, and every lease goes through a realistic life: activation, access rotation, extension, claims,
 * an early end by either side, a provider that never shows up, or a run to the end and a close. Providers
 * change prices and units, pause an offer, restore their bond after a penalty; the treasury collects fees.
 *
 * The history is a discrete-event simulation on a 5-minute grid (./scheduler.ts). A model of the market
 * (./model.ts) mirrors the contract, so every transaction is known to succeed before it is sent; the
 * transactions of one point in time go into one block with that timestamp (../block-batcher.ts). The story is in
 * ./scenario.ts, the providers' and the leases' steps in ./providers.ts and ./leases.ts; ./verify.ts checks the
 * chain against the model at the end and ./summary.ts reports what was built. Last, one Singapore H100 offer
 * publishes an attestation claim made with a test PKI (./attestation.ts), which no client may show as verified.
 *
 * Trust on EAS (./trust.ts): hardware audits by the published auditor (Hardhat account #17) and by one on no list
 * (#18), one revoked and one expired; a vetted-buyer offer under the AttestationPolicy with a vetted buyer (#15)
 * who leases and a refused one (#19); a provider that pads its record through self-dealing (./selfDealing.ts);
 * and buyers' reviews at the end. The auditors #17 and #18 are seeded buyers too, as they were before they audited
 * (the end-to-end tests rent with their seeded balances).
 *
 * Reserved capacity (./deals.ts, issue #12): a Datasection-like rolling lease of 1,875 B200 servers kept funded by
 * top-ups (one server failed and replaced), an Edge Matrix-like pool of small GRID providers selling H100 below $2,
 * and a Singapore H200 lease that leaves its 90-day commitment for the exit fee. Every provider bonds in each token
 * it sells in, and a provider bonds more before a lease whose scaled penalty its free bond cannot reserve.
 *
 *   const summary = await seedMarket(connection, { seed: 7 });
 */
import { pbkdf2Sync } from "node:crypto";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { HDKey, hdKeyToAccount } from "viem/accounts";
import { gridleaseMarketAbi, gridleaseTokenAbi } from "@gridlease/sdk/abis";
import { deployments } from "@gridlease/sdk/deployments";
import GridleaseLocal from "../../../ignition/modules/GridleaseLocal.ts";
import { DAY, PROVIDERS } from "./catalog.ts";
import { BlockBatcher } from "../block-batcher.ts";
import {
  DEFAULT_SEED,
  HISTORY_DAYS,
  SeedState,
  newProvider,
  units,
  type Buyer,
  type SeedAddresses,
  type SeedOptions,
} from "./model.ts";
import { Random } from "./random.ts";
import { plan } from "./scenario.ts";
import { SLOT, SLOTS_PER_DAY, Scheduler } from "./scheduler.ts";
import { summary, type SeedSummary } from "./summary.ts";
import { verify } from "./verify.ts";
import { publishTestClaim, type SeededClaim } from "./attestation.ts";
import { easDeployment, easDeploymentAt, type EasDeployment } from "@gridlease/sdk/eas";
import { SeedEas } from "./eas.ts";
import { trustSummary } from "./trustSummary.ts";
import { SeedDeals, dealAccountIndexes } from "./deals.ts";
import { SECOND_ADDRESS_ACCOUNT, SelfDealer } from "./selfDealing.ts";
import {
  AUDITOR_ACCOUNT,
  REFUSED_BUYER_ACCOUNT,
  SeedTrust,
  UNLISTED_AUDITOR_ACCOUNT,
  VETTED_BUYER_ACCOUNT,
} from "./trust.ts";

export { DEFAULT_SEED, type SeedAddresses, type SeedOptions } from "./model.ts";
export type { EndReasonName, LeaseStatusName } from "./model.ts";
export { formatSummary, type SeedSummary } from "./summary.ts";
export { DATACENTER_DEAL, DEAL_ACCOUNTS, SINGAPORE_DEAL, type DealsSummary } from "./deals.ts";

/** The well-known Hardhat mnemonic: the seed's extra buyers are its accounts #20 and up. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const PROVIDER_ACCOUNTS = PROVIDERS.length; // accounts #1..#14
const BUYER_COUNT = 36; // accounts #15..#50

/** The Hardhat account of buyer slot `i`. */
const buyerAccount = (i: number) => 1 + PROVIDER_ACCOUNTS + i;

/**
 * Reads the market's settings, picks the actors and the start time, and readies the block batcher. Returns the
 * actors outside the market's providers and buyers: the two auditors and the self-dealer's second address.
 */
async function setUp(s: SeedState, connection: NetworkConnection) {
  const { provider } = connection;
  s.chainId = Number(await provider.request({ method: "eth_chainId" }));
  s.addresses = await resolveAddresses(s, connection);
  const { market } = s.addresses;

  const [offerCount, leaseCount] = await Promise.all([
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "offerCount" }),
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "leaseCount" }),
  ]);
  if (offerCount !== 0n || leaseCount !== 0n)
    throw new Error(
      `seed: the market at ${market} already has ${offerCount} offers and ${leaseCount} leases; seed a fresh chain`,
    );
  [s.feeBps, s.penaltyBps, s.activationWindow, s.treasury] = await Promise.all([
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "feeBps" }),
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "PENALTY_BPS" }),
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "activationWindow" }),
    s.chain.read({ to: market, abi: gridleaseMarketAbi, functionName: "treasury" }),
  ]);
  s.windowSlots = Number(s.activationWindow / SLOT);
  if (s.windowSlots < 4)
    throw new Error(
      `seed: needs an activation window of at least 20 minutes, got ${s.activationWindow}s`,
    );
  const paymentOk = await Promise.all(
    (["usd", "grid"] as const).map((t) =>
      s.chain.read({
        to: market,
        abi: gridleaseMarketAbi,
        functionName: "isPaymentToken",
        args: [s.tokenAddress(t)],
      }),
    ),
  );
  if (!paymentOk.every(Boolean))
    throw new Error("seed: TestUSD and GRID must both be payment tokens");

  // Actors: the node's own accounts first (deployer, providers, buyers), then accounts of the Hardhat
  // mnemonic the node does not hold, impersonated.
  const nodeAccounts = (await provider.request({ method: "eth_accounts" })) as Address[];
  const hd = HDKey.fromMasterSeed(
    pbkdf2Sync(HARDHAT_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512"),
  );
  const actor = (index: number) =>
    index < nodeAccounts.length
      ? { address: getAddress(nodeAccounts[index]), impersonate: false }
      : { address: hdKeyToAccount(hd, { addressIndex: index }).address, impersonate: true };
  const actors = [
    ...Array.from({ length: 1 + PROVIDER_ACCOUNTS }, (_, i) => actor(i)),
    ...Array.from({ length: BUYER_COUNT }, (_, i) => actor(buyerAccount(i))),
  ];
  // The auditors are among the buyers' accounts already; the self-dealer's second address is not.
  const extras = [AUDITOR_ACCOUNT, UNLISTED_AUDITOR_ACCOUNT, SECOND_ADDRESS_ACCOUNT].map(actor);
  const deals = new Map(dealAccountIndexes().map((i) => [i, actor(i).address] as const));
  const senders = [
    ...actors,
    ...extras.filter((e) => !actors.some((a) => a.address === e.address)),
    ...dealAccountIndexes().map(actor),
  ];
  s.deployer = actors[0].address;
  s.deployerGrid = await s.chain.read({
    to: s.addresses.grid,
    abi: gridleaseTokenAbi,
    functionName: "balanceOf",
    args: [s.deployer],
  });
  if (s.deployerGrid < units("grid", 100_000_000, 0))
    throw new Error(`seed: the deployer ${s.deployer} holds too little GRID to fund the market`);

  const latest = await s.chain.latestBlock();
  const t0 = s.options.startTime ?? (latest.timestamp / DAY + 1n) * DAY;
  if (t0 <= latest.timestamp)
    throw new Error(`seed: startTime ${t0} is not after the latest block (${latest.timestamp})`);
  s.clock = new Scheduler(t0, HISTORY_DAYS * SLOTS_PER_DAY, s.rng.int(0, 2 ** 30));

  await s.chain.start();
  for (const a of senders) await s.chain.addSender(a.address, a.impersonate);

  s.providers = PROVIDERS.map((tpl, i) => newProvider(i, tpl, actors[1 + i].address));

  // Buyers: a few heavy users and a long tail; about a third also hold GRID.
  const order = s.rng.shuffle(Array.from({ length: BUYER_COUNT }, (_, i) => i));
  s.buyers = Array.from({ length: BUYER_COUNT }, (_, i) => {
    const address = actors[1 + PROVIDER_ACCOUNTS + i].address;
    return {
      index: i,
      address,
      key: keccak256(toHex(`gridlease seed x25519 public key ${address}`)),
      weight: 1 / Math.pow(order[i] + 1, 0.75),
      usesGrid: s.rng.chance(0.35),
      balance: { usd: 0n, grid: 0n },
      approved: { usd: false, grid: false },
    };
  });
  const [auditor, unlisted, second] = extras.map((a) => a.address);
  return { auditor, unlisted, second, deals };
}

/** The market's addresses: given, generated, or deployed here with Ignition. */
async function resolveAddresses(
  s: SeedState,
  connection: NetworkConnection,
): Promise<SeedAddresses> {
  if (s.options.addresses) {
    const a = s.options.addresses;
    return {
      market: getAddress(a.market),
      grid: getAddress(a.grid),
      usd: getAddress(a.usd),
      policy: getAddress(a.policy),
      ...(a.eas ? { eas: a.eas } : {}),
    };
  }
  const record = (deployments as Record<string, (typeof deployments)["31337"]>)[String(s.chainId)];
  if (!record)
    throw new Error(`seed: no generated deployment for chain ${s.chainId}; pass addresses`);
  const generated: SeedAddresses = {
    market: getAddress(record.contracts.GridleaseMarket.address),
    grid: getAddress(record.contracts.GridleaseToken.address),
    usd: getAddress(record.contracts.TestUSD.address),
    policy: getAddress(record.contracts.AllowlistPolicy.address),
  };
  const code = await s.chain.request<Hex>("eth_getCode", [generated.market, "latest"]);
  if (code !== "0x") return generated;

  s.log("GridleaseLocal is not deployed here: deploying it with Ignition");
  const result = (await connection.ignition.deploy(GridleaseLocal, {
    displayUi: false,
  })) as unknown as Record<keyof SeedAddresses, { address: Address }>;
  s.deployed = true;
  const deployed: SeedAddresses = {
    market: getAddress(result.market.address),
    grid: getAddress(result.grid.address),
    usd: getAddress(result.usd.address),
    policy: getAddress(result.policy.address),
  };
  const deployedCode = await s.chain.request<Hex>("eth_getCode", [deployed.market, "latest"]);
  if (deployedCode === "0x")
    throw new Error(
      `seed: Ignition reports GridleaseLocal at ${deployed.market}, but there is no code there: its journal ` +
        `(ignition/deployments/chain-${s.chainId}) is from an earlier chain. Delete that folder, or deploy ` +
        "with `npx hardhat ignition deploy ignition/modules/GridleaseLocal.ts --network localhost --reset`, " +
        "then seed again.",
    );
  if (deployed.market !== generated.market)
    s.log(
      `warning: the market landed at ${deployed.market}, not at the generated ${generated.market}`,
    );
  return deployed;
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
  const seed = String(options.seed ?? DEFAULT_SEED);
  const s = new SeedState(
    options,
    new Random(seed),
    new BlockBatcher(connection.provider, { trackGas: options.trackGas }),
  );
  const { auditor, unlisted, second, deals: dealAccounts } = await setUp(s, connection);
  const deals = new SeedDeals(s, dealAccounts);
  const trust = new SeedTrust(
    s,
    new SeedEas(s, await resolveEas(s)),
    {
      auditor,
      unlisted,
      vettedBuyer: buyerOfAccount(s, VETTED_BUYER_ACCOUNT),
      refusedBuyer: buyerOfAccount(s, REFUSED_BUYER_ACCOUNT),
    },
    new SelfDealer(s, secondAddress(second)),
  );
  let claim: SeededClaim | undefined;
  try {
    plan(s);
    trust.plan();
    deals.plan();
    await s.clock.run(s.chain, (day) => s.log(`day ${day}: ${s.leases.length} leases so far`));
    claim = await publishTestClaim(s);
    await trust.finish((await s.chain.latestBlock()).timestamp + 12n);
  } finally {
    await s.chain.finish();
  }
  const latest = await s.chain.latestBlock();
  await verify(s, latest.timestamp);
  const trusted = await trustSummary(s, trust, latest.timestamp);
  return summary(
    s,
    latest.timestamp,
    Math.round(performance.now() - started),
    claim,
    trusted,
    deals.summary(),
  );
}

/** The attestation contracts: given with the addresses, or the generated ones; they must have code here. */
async function resolveEas(s: SeedState): Promise<EasDeployment> {
  const deployment = s.addresses.eas ? easDeploymentAt(s.addresses.eas) : easDeployment(s.chainId);
  const code = await s.chain.request<Hex>("eth_getCode", [deployment.eas, "latest"]);
  if (code === "0x")
    throw new Error(
      `seed: no EAS at ${deployment.eas} on chain ${s.chainId}: deploy GridleaseLocal (it includes ` +
        "GridleaseAttestations) or pass addresses.eas",
    );
  s.addresses.eas = {
    eas: deployment.eas,
    schemaRegistry: deployment.schemaRegistry,
    auditResolver: deployment.auditResolver,
    reviewResolver: deployment.reviewResolver,
    vettingResolver: deployment.vettingResolver,
    policy: deployment.policy,
  };
  return deployment;
}

/** The seeded buyer that is Hardhat account `index`. */
function buyerOfAccount(s: SeedState, index: number) {
  const slot = Array.from({ length: BUYER_COUNT }, (_, i) => buyerAccount(i)).indexOf(index);
  if (slot < 0) throw new Error(`seed: account #${index} is not a seeded buyer`);
  return s.buyers[slot];
}

/** The self-dealer's second address, as a buyer that no random lease picks (it is not among `s.buyers`). */
const secondAddress = (address: Address): Buyer => ({
  index: -1,
  address,
  key: keccak256(toHex(`gridlease seed x25519 public key ${address}`)),
  weight: 0,
  usesGrid: false,
  balance: { usd: 0n, grid: 0n },
  approved: { usd: false, grid: false },
});
