/**
 * The dev accounts the app offers on the local chain (app/src/config/devAccounts.ts): Hardhat's default accounts
 * #1 (a seeded provider), #15 (a seeded buyer, vetted for the seeded vetted-buyer offer), #19 (a buyer that is not
 * yet a provider, refused by that offer), #17 (the seeded auditor: the market's published auditor on the local
 * chain, sdk/src/eas/auditors.ts, and the vetting authority of the vetted-buyer offer) and #18 (an auditor on no
 * published list, whose audits show "unverified"). `hardhat node` holds their keys, so the app's dev connector lets
 * the node sign for them.
 *
 * `fundDevAccounts` tops them up after the seed, so that someone clicking through the app (or an end-to-end
 * test) can post a bond, rent, extend and register without running out: it mints TestUSD (open minting) and
 * transfers GRID from the deployer (#0). It tops up to a target balance, so calling it twice sends nothing new.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { parseUnits, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";

/** Hardhat's default accounts: public test keys. */
export const TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's default account #`index` (viem local account, with its public test key). */
export const hardhatAccount = (index: number) =>
  mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });

export interface DevAccountSpec {
  index: number;
  role: string;
  /** TestUSD balance to top up to (6 decimals). */
  usd: bigint;
  /** GRID balance to top up to (18 decimals). */
  grid: bigint;
}

/** The accounts app/src/config/devAccounts.ts lists, with the balances `fundDevAccounts` gives them. */
export const DEV_ACCOUNTS: readonly DevAccountSpec[] = [
  {
    index: 1,
    role: "Seeded provider",
    usd: parseUnits("100000", 6),
    grid: parseUnits("250000", 18),
  },
  {
    index: 15,
    role: "Seeded buyer",
    usd: parseUnits("1000000", 6),
    grid: parseUnits("250000", 18),
  },
  {
    index: 19,
    role: "Buyer, not yet a provider",
    usd: parseUnits("1000000", 6),
    grid: parseUnits("250000", 18),
  },
  // The auditors are seeded buyers too and keep the seed's balances; attesting needs only ETH for gas.
  { index: 17, role: "Seeded auditor", usd: 0n, grid: 0n },
  { index: 18, role: "Auditor, not on the published list", usd: 0n, grid: 0n },
];

export interface FundedAccount {
  index: number;
  role: string;
  address: Address;
  usd: bigint;
  grid: bigint;
}

/**
 * Tops the dev accounts up to their TestUSD and GRID targets: TestUSD is minted, GRID comes from the deployer
 * (account #0). Needs automine on (as it is after `seedMarket`). Returns the balances afterwards.
 */
export async function fundDevAccounts(
  connection: NetworkConnection,
  tokens: { grid: Address; usd: Address },
  accounts: readonly DevAccountSpec[] = DEV_ACCOUNTS,
): Promise<FundedAccount[]> {
  const publicClient = await connection.viem.getPublicClient();
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error("the node holds no key for the deployer (account #0)");
  const balance = (
    token: Address,
    abi: typeof testUSDAbi | typeof gridleaseTokenAbi,
    who: Address,
  ) => publicClient.readContract({ address: token, abi, functionName: "balanceOf", args: [who] });

  const hashes: Hex[] = [];
  for (const spec of accounts) {
    const address = hardhatAccount(spec.index).address;
    const usd = await balance(tokens.usd, testUSDAbi, address);
    if (usd < spec.usd)
      hashes.push(
        await deployer.writeContract({
          address: tokens.usd,
          abi: testUSDAbi,
          functionName: "mint",
          args: [address, spec.usd - usd],
        }),
      );
    const grid = await balance(tokens.grid, gridleaseTokenAbi, address);
    if (grid < spec.grid)
      hashes.push(
        await deployer.writeContract({
          address: tokens.grid,
          abi: gridleaseTokenAbi,
          functionName: "transfer",
          args: [address, spec.grid - grid],
        }),
      );
  }
  for (const hash of hashes) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`funding transaction ${hash} reverted`);
  }
  const out: FundedAccount[] = [];
  for (const spec of accounts) {
    const address = hardhatAccount(spec.index).address;
    out.push({
      index: spec.index,
      role: spec.role,
      address,
      usd: await balance(tokens.usd, testUSDAbi, address),
      grid: await balance(tokens.grid, gridleaseTokenAbi, address),
    });
  }
  return out;
}
