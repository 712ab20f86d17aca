/**
 * Deploys a complete Gridlease market on a Hardhat network connection and funds the usual actors.
 * Shared by the integration tests, the gas benchmark and the demo so they all exercise the same setup.
 */
import type { NetworkConnection } from "hardhat/types/network";
import {
  getAddress,
  getContract,
  parseSignature,
  parseUnits,
  type Address,
  type Hex,
  type SignTypedDataParameters,
  type TransactionReceipt,
} from "viem";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";

export const USD = (amount: string) => parseUnits(amount, 6);
export const GRID = (amount: string) => parseUnits(amount, 18);

export const FEE_BPS = 250n; // 2.5% protocol fee
export const ACTIVATION_WINDOW = 3600n; // one hour
export const PENALTY_BPS = 5_000n; // half the offer's minimum bond goes to the buyer on a provider failure

export async function deployMarket(connection: NetworkConnection) {
  const { viem } = connection;
  const [deployer, treasury, provider, buyer, other] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();

  const grid = await viem.deployContract("GridleaseToken", [
    deployer.account.address,
    GRID("100000000"),
  ]);
  const usd = await viem.deployContract("TestUSD");
  const policy = await viem.deployContract("AllowlistPolicy");
  const periphery = await viem.deployContract("GridleaseMarketPeriphery", [
    grid.address,
    PENALTY_BPS,
  ]);
  const extension = await viem.deployContract("GridleaseMarketExtension", [
    grid.address,
    PENALTY_BPS,
    periphery.address,
  ]);
  const core = await viem.deployContract("GridleaseMarket", [
    deployer.account.address,
    treasury.account.address,
    grid.address,
    FEE_BPS,
    ACTIVATION_WINDOW,
    PENALTY_BPS,
    extension.address,
  ]);
  // The market's address serves its core's and its extension's functions: use the SDK's ABI, which has both.
  const marketAs = (wallet: typeof deployer) =>
    getContract({
      address: core.address,
      abi: gridleaseMarketAbi,
      client: { public: publicClient, wallet },
    });
  const market = marketAs(deployer);
  await wait(publicClient, await market.write.setPaymentToken([usd.address, true]));
  await wait(publicClient, await market.write.setPaymentToken([grid.address, true]));

  for (const who of [provider, buyer, other]) {
    await wait(publicClient, await usd.write.mint([who.account.address, USD("1000000")]));
    await wait(publicClient, await grid.write.transfer([who.account.address, GRID("1000000")]));
  }

  const as = <C extends { address: Address }>(name: string, contract: C, wallet: typeof deployer) =>
    viem.getContractAt(name as never, contract.address, {
      client: { wallet },
    }) as unknown as Promise<C>;

  return {
    viem,
    publicClient,
    deployer,
    treasury,
    provider,
    buyer,
    other,
    grid,
    usd,
    policy,
    market,
    /** The market contract with another wallet as sender. */
    marketAs: async (wallet: typeof deployer) => marketAs(wallet),
    usdAs: (wallet: typeof deployer) => as("TestUSD", usd, wallet),
    gridAs: (wallet: typeof deployer) => as("GridleaseToken", grid, wallet),
  };
}

export type Market = Awaited<ReturnType<typeof deployMarket>>;

/** Waits for the transaction's receipt and throws if it reverted. */
export async function wait(
  publicClient: { waitForTransactionReceipt: (args: { hash: Hex }) => Promise<TransactionReceipt> },
  hash: Hex,
) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

/** The EIP-712 types of an EIP-2612 permit. */
const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** Terms of an 8×H100 server offer in Brisbane at $1.95 per GPU-hour, as in the demo. */
export function h100Offer(token: Address, overrides: Partial<OfferParams> = {}): OfferParams {
  return {
    gpuModel: encodeGpuModel("H100-SXM-80GB"),
    gpusPerUnit: 8n,
    totalUnits: 16n,
    region: encodeRegion("AU-QLD"),
    paymentToken: getAddress(token),
    pricePerGpuHour: USD("1.95"),
    minDuration: 3600n,
    maxDuration: 30n * 86400n,
    repairWindow: 4n * 3600n,
    minProviderBond: USD("1000"), // in the payment token: pass GRID(...) for a GRID offer
    buyerPolicy: "0x0000000000000000000000000000000000000000",
    specHash: "0x1111111111111111111111111111111111111111111111111111111111111111",
    specURI: "ipfs://spec/hgx-h100-8x",
    ...overrides,
  };
}

export interface OfferParams {
  gpuModel: Hex;
  gpusPerUnit: bigint;
  totalUnits: bigint;
  region: Hex;
  paymentToken: Address;
  pricePerGpuHour: bigint;
  minDuration: bigint;
  maxDuration: bigint;
  repairWindow: bigint;
  minProviderBond: bigint;
  buyerPolicy: Address;
  specHash: Hex;
  specURI: string;
}

/** Signs an EIP-2612 permit for `spender` with the owner's wallet. */
export async function signPermit(
  token: {
    address: Address;
    read: { name: () => Promise<string>; nonces: (a: [Address]) => Promise<bigint> };
  },
  owner: {
    account: { address: Address };
    signTypedData: (
      args: Omit<SignTypedDataParameters<typeof PERMIT_TYPES, "Permit">, "account">,
    ) => Promise<Hex>;
    chain?: { id: number };
  },
  spender: Address,
  value: bigint,
  deadline: bigint,
  chainId: number,
) {
  const [name, nonce] = await Promise.all([
    token.read.name(),
    token.read.nonces([owner.account.address]),
  ]);
  const signature: Hex = await owner.signTypedData({
    domain: { name, version: "1", chainId, verifyingContract: token.address },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner: owner.account.address, spender, value, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { r, s, v: Number(v ?? BigInt(yParity + 27)) };
}
