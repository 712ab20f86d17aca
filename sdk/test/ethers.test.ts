/**
 * The SDK's generated ABIs and its pure helpers are not tied to viem: an ethers v6 client drives a whole lease
 * (open, activate, extend, terminate, claim) with the same ABIs and addresses, against Hardhat's in-process
 * chain through its EIP-1193 provider, and the SDK's pricing, access and error helpers work on what ethers
 * returns.
 */
import { network } from "hardhat";
import { describe, expect, it } from "vitest";
import { BrowserProvider, Contract, type Eip1193Provider, type Log } from "ethers";
import * as sdk from "@gridlease/sdk";
import { deployMarket, h100Offer, USD } from "../../scripts/lib/fixture.ts";

describe("ethers v6 with the SDK's ABIs", () => {
  it("runs a whole lease through ethers' Contract", async () => {
    const connection = await network.create();
    const m = await deployMarket(connection);
    const provider = new BrowserProvider(connection.provider as Eip1193Provider);
    const [providerSigner, buyerSigner] = await Promise.all([
      provider.getSigner(m.provider.account.address),
      provider.getSigner(m.buyer.account.address),
    ]);
    const marketAddress = m.market.address;
    const asProvider = new Contract(marketAddress, sdk.gridleaseMarketAbi, providerSigner);
    const asBuyer = new Contract(marketAddress, sdk.gridleaseMarketAbi, buyerSigner);
    const usdAsProvider = new Contract(m.usd.address, sdk.testUSDAbi, providerSigner);
    const usdAsBuyer = new Contract(m.usd.address, sdk.testUSDAbi, buyerSigner);
    const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait() as never;
    const eventsOf = (receipt: { logs: readonly Log[] }) =>
      receipt.logs
        .filter((log) => log.address.toLowerCase() === marketAddress.toLowerCase())
        .map((log) => asBuyer.interface.parseLog(log)!);

    // Provider: register, bond, list (the struct goes in as an object, as with viem).
    // The bond is in the offer's payment token (tUSD): a lease's penalty is paid in it.
    const bond = USD("2000");
    await send(asProvider.registerProvider("ipfs://provider/ethers"));
    await send(usdAsProvider.approve(marketAddress, bond));
    await send(asProvider.depositBond(m.usd.address, bond));
    await send(asProvider.createOffer(h100Offer(m.usd.address)));
    const offerId = 1n;

    // Buyer: quote with the SDK's math from what ethers reads, approve, open.
    const offer = await asBuyer.getOffer(offerId);
    const terms = {
      pricePerGpuHour: offer.pricePerGpuHour as bigint,
      gpusPerUnit: BigInt(offer.gpusPerUnit),
      units: 2n,
      duration: 7200n,
      feeBps: (await asBuyer.feeBps()) as bigint,
    };
    const deposit = sdk.deposit(terms);
    expect(deposit).toBe(USD("62.4"));
    const key = sdk.accessKeyFromSecret(sdk.randomAccessSecret());

    // A stale maximum price: ethers' error carries the revert data, and the SDK explains it.
    const tooLow = await asBuyer
      .openLease(offerId, 2n, 7200n, USD("1.5"), key.publicKeyHex)
      .catch((e: unknown) => e);
    expect(sdk.explainError(tooLow, { token: { symbol: "tUSD", decimals: 6 } })).toMatchObject({
      kind: "revert",
      errorName: "Market_PriceAboveMax",
      message: "The price rose to $1.95 per GPU-hour, above your maximum of $1.50.",
    });

    await send(usdAsBuyer.approve(marketAddress, deposit));
    const opened = eventsOf(
      await send(asBuyer.openLease(offerId, 2n, 7200n, terms.pricePerGpuHour, key.publicKeyHex)),
    );
    expect(opened.map((e) => e.name)).toEqual(["LeaseOpened"]);
    const leaseId = opened[0].args.leaseId as bigint;
    // LeaseOpened carries the units and duration; the escrowed deposit is the lease view's (and the SDK's math).
    expect(opened[0].args.duration).toBe(7200n);
    expect((await asBuyer.getLease(leaseId)).deposit).toBe(deposit);

    // Provider: activate with details sealed to the key from the event; the buyer opens them.
    const details = {
      host: "h200.sg1.example.net",
      port: 22,
      user: "root",
      key: "ssh-ed25519 AAAA",
    };
    const activated = eventsOf(
      await send(
        asProvider.activateLease(leaseId, sdk.sealAccess(opened[0].args.buyerPublicKey, details)),
      ),
    );
    expect(sdk.openAccess(key.secretKey, activated[0].args.encryptedAccess)).toEqual(details);
    const start = activated[0].args.start as bigint;

    // Buyer: extend by an hour, paying exactly the SDK's extension cost.
    const topUp = sdk.extensionCost(terms, 3600n);
    await send(usdAsBuyer.approve(marketAddress, topUp));
    const extended = eventsOf(await send(asBuyer.extendLease(leaseId, 3600n)));
    expect(extended[0].args.topUp).toBe(topUp);
    const extendedTerms = { ...terms, duration: terms.duration + 3600n };

    // Buyer: stop after 45 minutes; the refund is the SDK's settlement to the base unit.
    await connection.networkHelpers.time.setNextBlockTimestamp(start + 2700n);
    const before = (await usdAsBuyer.balanceOf(m.buyer.account.address)) as bigint;
    const ended = eventsOf(await send(asBuyer.terminateLease(leaseId)));
    const expected = sdk.settle(extendedTerms, 2700n);
    expect(ended[0].name).toBe("LeaseEnded");
    expect(sdk.endReasonName(Number(ended[0].args.reason))).toBe("BuyerTerminated");
    expect([ended[0].args.accrued, ended[0].args.refund]).toEqual([
      expected.accrued,
      expected.refund,
    ]);
    expect(await usdAsBuyer.balanceOf(m.buyer.account.address)).toBe(before + expected.refund);

    // Provider: claim the accrual less the fee.
    const view = await asBuyer.getLease(leaseId);
    expect(sdk.leaseStateAt(view, start + 2700n)).toMatchObject({
      status: "Ended",
      claimable: expected.accrued,
    });
    const claimed = eventsOf(await send(asProvider.claim([leaseId])));
    expect(claimed[0].name).toBe("EarningsClaimed");
    expect([claimed[0].args.gross, claimed[0].args.fee]).toEqual([expected.accrued, expected.fee]);
    expect(await m.usd.read.balanceOf([m.provider.account.address])).toBe(
      USD("1000000") - bond + expected.toProvider, // its tUSD bond stays posted
    );
    expect((await asBuyer.getLease(leaseId)).claimable).toBe(0n);
  });
});
