import { createConfig, http, type CreateConnectorFn } from "wagmi";
import { baseSepolia, hardhat } from "wagmi/chains";
import { walletConnect } from "wagmi/connectors";
import { defineChain } from "viem";
import { DEV_ACCOUNTS } from "./devAccounts.ts";
import { devAccount } from "./devConnector.ts";
import { env } from "./env.ts";

/** The chain `npm run dev` runs: Hardhat's chain id 31337 at VITE_RPC_URL. */
export const localChain = defineChain({
  ...hardhat,
  name: "Local (Hardhat)",
  rpcUrls: { default: { http: [env.localRpcUrl] } },
});

export const chains = [localChain, baseSepolia] as const;
export type SupportedChainId = (typeof chains)[number]["id"];

const connectors: CreateConnectorFn[] = DEV_ACCOUNTS.map((a) => devAccount(a, env.localRpcUrl));
// Vite inlines the variable at build time, so without a project id WalletConnect's SDK is not even bundled.
if (import.meta.env.VITE_WALLETCONNECT_PROJECT_ID)
  connectors.push(
    walletConnect({
      projectId: import.meta.env.VITE_WALLETCONNECT_PROJECT_ID,
      metadata: {
        name: "Gridlease",
        description: "GPU compute marketplace",
        url: window.location.origin,
        icons: [],
      },
      showQrModal: true,
    }),
  );

/** One config for the whole app. Injected wallets (MetaMask, Rabby, …) are discovered through EIP-6963. */
export const config = createConfig({
  chains,
  connectors,
  multiInjectedProviderDiscovery: true,
  transports: {
    [localChain.id]: http(env.localRpcUrl, { batch: true, retryCount: 1 }),
    [baseSepolia.id]: http(env.baseSepoliaRpcUrl),
  },
  pollingInterval: 1_000,
});

declare module "wagmi" {
  interface Register {
    config: typeof config;
  }
}
