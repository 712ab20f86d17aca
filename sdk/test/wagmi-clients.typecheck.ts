/**
 * Type-level test, checked by `tsc -p sdk/tsconfig.json` (nothing runs): the clients wagmi hands out, for a
 * config with several chains, go into the SDK's reads, writes and contract helpers without a cast.
 */
import { http } from "viem";
import { baseSepolia, hardhat } from "viem/chains";
import { createConfig } from "wagmi";
import { getPublicClient, getWalletClient } from "wagmi/actions";
import {
  getGridleaseContracts,
  getLease,
  getTokenInfo,
  openLease,
  quoteLease,
  type ReadClient,
  type SignerClient,
} from "@gridlease/sdk";

const config = createConfig({
  chains: [hardhat, baseSepolia],
  transports: { [hardhat.id]: http(), [baseSepolia.id]: http() },
});
const market = "0x0000000000000000000000000000000000000001";

export async function wagmiClientsNeedNoCasts() {
  const publicClient = getPublicClient(config);
  const walletClient = await getWalletClient(config);
  const read: ReadClient = publicClient;
  const signer: SignerClient = walletClient;
  await getLease(publicClient, { market, leaseId: 1n });
  await getTokenInfo(publicClient, market);
  await quoteLease(walletClient, { market, offerId: 1n, units: 1n, duration: 3600n });
  await openLease(walletClient, {
    market,
    offerId: 1n,
    units: 1n,
    duration: 3600n,
    maxPricePerGpuHour: 1n,
    buyerPublicKey: `0x${"11".repeat(32)}`,
  });
  getGridleaseContracts({ public: publicClient, wallet: walletClient }, { chainId: hardhat.id });
  return [read, signer];
}
