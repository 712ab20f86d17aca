/**
 * The SDK's deployment lookup (sdk/src/contracts.ts) against the real local deployment: the Ignition module
 * GridleaseLocal lands where sdk/src/generated/deployments.ts says, so an app finds every contract from the
 * chain id alone. Then a buyer and a provider run a lease through those instances, and the access details
 * posted in `activateLease` are read back from the `LeaseActivated` event and decrypted by the buyer.
 */
import { network } from "hardhat";
import { describe, expect, it } from "vitest";
import { getAddress, parseUnits } from "viem";
import * as sdk from "@gridlease/sdk";
import { localDeployment } from "../../scripts/lib/codegen.ts";
import { h100Offer } from "../../scripts/lib/fixture.ts";

describe("deployment lookup", () => {
  it("names the known chains when asked for an unknown one", () => {
    expect(sdk.gridleaseChainIds()).toContain(31337);
    expect(sdk.gridleaseDeployment(31337).network).toBe("localhost");
    expect(() => sdk.gridleaseDeployment(8453)).toThrow(
      "Gridlease is not deployed on chain 8453. Known chains: 31337 (localhost). Pass the contract addresses explicitly to use another deployment.",
    );
    // Overrides complete the picture on any chain; a partial override needs a known chain.
    const market = "0x00000000000000000000000000000000000000aa";
    const all = { market, grid: market, policy: market } as const;
    expect(sdk.gridleaseAddresses(8453, all).market).toBe(getAddress(market));
    expect(sdk.gridleaseAddresses(undefined, all).usd).toBeUndefined();
    // A complete override is another deployment: nothing is taken from the generated one.
    expect(sdk.gridleaseAddresses(31337, all).usd).toBeUndefined();
    expect(() => sdk.gridleaseAddresses(8453, { market })).toThrow(sdk.UnknownChainError);
    expect(sdk.gridleaseAddresses(31337, { market })).toMatchObject({
      market: getAddress(market),
      grid: sdk.deployments[31337].contracts.GridleaseToken.address,
    });
    expect(() => sdk.gridleaseAddresses(undefined)).toThrow(/Cannot tell which chain/);
  });

  it("finds the Ignition deployment from the chain id alone, and runs a lease through it", async () => {
    const connection = await network.create();
    const record = await localDeployment(connection);
    const known = sdk.gridleaseDeployment(record.chainId);
    expect(record.contracts).toEqual(known.contracts);

    const publicClient = await connection.viem.getPublicClient();
    const [, provider, buyer] = await connection.viem.getWalletClients();
    const { addresses, market, grid, usd } = sdk.getGridleaseContracts(publicClient);
    expect(addresses).toEqual({
      market: known.contracts.GridleaseMarket!.address,
      grid: known.contracts.GridleaseToken!.address,
      policy: known.contracts.AllowlistPolicy!.address,
      usd: known.contracts.TestUSD!.address,
    });
    expect([grid.address, usd?.address]).toEqual([addresses.grid, addresses.usd]);
    expect(await market.read.BOND_TOKEN()).toBe(addresses.grid);
    expect(await market.read.isPaymentToken([addresses.usd!])).toBe(true);

    // Wallet-bound instances for each party.
    const as = (wallet: typeof buyer) =>
      sdk.getGridleaseContracts({ public: publicClient, wallet });
    const wait = (hash: `0x${string}`) => publicClient.waitForTransactionReceipt({ hash });
    // Bonds are held in the offer's payment token: tUSD here.
    const bond = parseUnits("1000", 6);
    await wait(await as(provider).usd!.write.mint([provider.account.address, bond]));
    await wait(await as(buyer).usd!.write.mint([buyer.account.address, parseUnits("100", 6)]));

    const m = addresses.market;
    await (await sdk.registerProvider(provider, { market: m, metadataURI: "ipfs://p" })).wait();
    await (
      await sdk.ensureAllowance(provider, { token: addresses.usd!, spender: m, amount: bond })
    ).approval?.wait();
    await (
      await sdk.depositBond(provider, { market: m, token: addresses.usd!, amount: bond })
    ).wait();
    const { offerId } = await (
      await sdk.createOffer(provider, { market: m, offer: h100Offer(addresses.usd!) })
    ).wait();

    const key = await sdk.deriveAccessKey(buyer);
    const { leaseId } = await (
      await sdk.openLeaseWithPermit(buyer, {
        market: m,
        offerId,
        units: 1n,
        duration: 3600n,
        maxPricePerGpuHour: parseUnits("1.95", 6),
        buyerPublicKey: key.publicKeyHex,
      })
    ).wait();

    // The provider seals the details to the key from LeaseOpened and posts them.
    const [opened] = await market.getEvents.LeaseOpened({ leaseId }, { fromBlock: 0n });
    const details = { host: "10.20.0.7", port: 2222, user: "lease-1", token: "glt_9f8e7d" };
    await (
      await sdk.activateLease(provider, {
        market: m,
        leaseId,
        encryptedAccess: sdk.sealAccess(opened.args.buyerPublicKey!, details),
      })
    ).wait();

    // The buyer reads the LeaseActivated event and decrypts with the key its wallet derives again.
    const [activated] = await market.getEvents.LeaseActivated({ leaseId }, { fromBlock: 0n });
    const again = await sdk.deriveAccessKey(buyer);
    expect(sdk.openAccess(again.secretKey, activated.args.encryptedAccess!)).toEqual(details);
    // The provider (or anyone else reading the chain) cannot.
    const providerKey = await sdk.deriveAccessKey(provider);
    expect(() => sdk.openAccess(providerKey.secretKey, activated.args.encryptedAccess!)).toThrow(
      sdk.AccessPayloadError,
    );
    expect(
      await sdk.readAccessDetails(publicClient, { market: m, leaseId, secretKey: key.secretKey }),
    ).toEqual(details);
  });
});
