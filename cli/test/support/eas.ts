/**
 * The attestation contracts on a CLI test chain (sdk/test/support/easFixture.ts, beside the market startChain
 * deployed), the GRIDLEASE_ATTESTATIONS setting that points the commands at them, and a wallet client per test key
 * for what a test does through the SDK directly.
 */
import { network } from "hardhat";
import { createWalletClient, defineChain, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { EasDeployment } from "@gridlease/sdk/eas";
import { attestationsSetting, deployAttestations } from "../../../sdk/test/support/easFixture.ts";
import type { Chain } from "../support.ts";

export interface Attestations {
  deployment: EasDeployment;
  /** Environment for `gridlease` runs: GRIDLEASE_ATTESTATIONS. */
  env: NodeJS.ProcessEnv;
}

/** Deploys EAS, the resolvers and the policy on the test chain, for its market. */
export async function startAttestations(chain: Chain): Promise<Attestations> {
  const connection = await network.create({ network: "localhost", override: { url: chain.url } });
  const deployment = await deployAttestations(connection, chain.market);
  return { deployment, env: { GRIDLEASE_ATTESTATIONS: attestationsSetting(deployment) } };
}

/** A viem wallet client on the test chain for one of the test keys. */
export function walletFor(chain: Chain, key: Hex) {
  return createWalletClient({
    account: privateKeyToAccount(key),
    chain: defineChain({
      id: 31337,
      name: "test",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.url] } },
    }),
    transport: http(chain.url),
  });
}

/** The number of transactions `address` has sent: unchanged means a refused command sent nothing. */
export const nonceOf = async (chain: Chain, address: Address) =>
  BigInt(String(await chain.rpc("eth_getTransactionCount", [address, "latest"])));
