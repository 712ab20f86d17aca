import { describe, expect, it, vi } from "vitest";
import { devAccount, DEV_CHAIN_ID } from "./devConnector.ts";
import { DEV_ACCOUNTS } from "./devAccounts.ts";

const fakeConfig = () =>
  ({ chains: [{ id: DEV_CHAIN_ID }, { id: 84532 }], emitter: { emit: vi.fn() } }) as never;

describe("dev-account connector", () => {
  const buyer = DEV_ACCOUNTS.find((a) => a.index === 15)!;

  it("connects the account on the local chain only", async () => {
    const connector = devAccount(buyer, "http://127.0.0.1:1")(fakeConfig());
    await expect(connector.connect({ chainId: 84532 })).rejects.toThrow(/only on the local chain/);
    expect(await connector.getAccounts()).toEqual([]);
    const { accounts, chainId } = await connector.connect({ chainId: DEV_CHAIN_ID });
    expect(accounts).toEqual([buyer.address]);
    expect(chainId).toBe(DEV_CHAIN_ID);
    await expect(connector.switchChain!({ chainId: 84532 })).rejects.toThrow(
      /only on the local chain/,
    );
    const provider = (await connector.getProvider()) as {
      request: (a: { method: string; params?: unknown[] }) => Promise<unknown>;
    };
    expect(await provider.request({ method: "eth_chainId" })).toBe("0x7a69");
    await expect(
      provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: "0x14a34" }] }),
    ).rejects.toThrow();
    await connector.disconnect();
    expect(await connector.getAccounts()).toEqual([]);
  });

  it("says plainly when the local chain does not answer", async () => {
    const connector = devAccount(buyer, "http://127.0.0.1:1")(fakeConfig());
    const provider = (await connector.getProvider()) as {
      request: (a: { method: string }) => Promise<unknown>;
    };
    await expect(provider.request({ method: "eth_blockNumber" })).rejects.toThrow(
      /does not answer. Is `npm run dev` running\?/,
    );
  });
});
