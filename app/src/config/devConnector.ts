import { createConnector } from "wagmi";
import {
  getAddress,
  numberToHex,
  SwitchChainError,
  UserRejectedRequestError,
  type Address,
} from "viem";
import type { DevAccount } from "./devAccounts.ts";

export const DEV_CHAIN_ID = 31337;

/**
 * A wallet for the local chain only: the account is one of `hardhat node`'s unlocked accounts, so the node itself
 * signs transactions, messages and typed data. It refuses every other chain.
 */
export function devAccount(account: DevAccount, rpcUrl: string) {
  let connected = false;
  const address = getAddress(account.address) as Address;
  let rpcId = 0;
  const rpc = async (method: string, params: unknown[] = []) => {
    let response: Response;
    try {
      response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
      });
    } catch {
      throw new Error(`The local chain at ${rpcUrl} does not answer. Is \`npm run dev\` running?`);
    }
    const body = (await response.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result;
  };

  return createConnector((config) => ({
    id: `dev-${account.index}`,
    name: `${account.role} (dev account #${account.index})`,
    type: "dev",
    async connect({ chainId, withCapabilities } = {}) {
      if (chainId !== undefined && chainId !== DEV_CHAIN_ID)
        throw new SwitchChainError(new Error("Dev accounts exist only on the local chain."));
      connected = true;
      config.emitter.emit("connect", { accounts: [address], chainId: DEV_CHAIN_ID });
      return {
        // wagmi types `accounts` as a conditional on connect()'s generic, which no value can satisfy without a
        // cast (wagmi's own connectors cast here the same way).
        // eslint-disable-next-line no-restricted-syntax -- wagmi's conditional return type forces it
        accounts: (withCapabilities ? [{ address, capabilities: {} }] : [address]) as never,
        chainId: DEV_CHAIN_ID,
      };
    },
    async disconnect() {
      connected = false;
    },
    async getAccounts() {
      return connected ? [address] : [];
    },
    async getChainId() {
      return DEV_CHAIN_ID;
    },
    async isAuthorized() {
      return connected;
    },
    async switchChain({ chainId }) {
      if (chainId !== DEV_CHAIN_ID)
        throw new SwitchChainError(new Error("Dev accounts exist only on the local chain."));
      return config.chains.find((c) => c.id === chainId)!;
    },
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {
      connected = false;
      config.emitter.emit("disconnect");
    },
    async getProvider() {
      return {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          switch (method) {
            case "eth_accounts":
            case "eth_requestAccounts":
              return connected || method === "eth_requestAccounts" ? [address] : [];
            case "eth_chainId":
              return numberToHex(DEV_CHAIN_ID);
            case "wallet_switchEthereumChain": {
              const wanted = Number((params?.[0] as { chainId: string }).chainId);
              if (wanted !== DEV_CHAIN_ID)
                throw new UserRejectedRequestError(
                  new Error("Dev accounts exist only on the local chain."),
                );
              return null;
            }
            default:
              return rpc(method, params ?? []);
          }
        },
      };
    },
  }));
}
