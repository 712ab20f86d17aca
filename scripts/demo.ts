/**
 * `npm run demo`: one lease lifecycle on a fresh in-process chain, narrated with realistic numbers.
 *
 * A provider in Brisbane lists 8xH100 servers at $1.95 per GPU-hour; a buyer rents 2 servers for 24 hours;
 * the provider activates; 6 hours later the buyer terminates. The refund, the provider's earnings and the fee
 * are read from the chain and checked to add up to the deposit.
 */
import { network } from "hardhat";
import { formatUnits, keccak256, parseEventLogs, toHex } from "viem";
import { deposit as depositFor, settle } from "@gridlease/sdk/pricing";
import { deployMarket, h100Offer, USD, wait } from "./lib/fixture.ts";

const usd = (v: bigint) =>
  `$${Number(formatUnits(v, 6)).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
const step = (n: number, text: string) => console.log(`\n${n}. ${text}`);

const connection = await network.create();
const m = await deployMarket(connection);
const { publicClient, provider, buyer, treasury } = m;
const asProvider = await m.marketAs(provider);
const asBuyer = await m.marketAs(buyer);

console.log("Gridlease demo: one lease on a fresh in-process chain");
console.log(`  market   ${m.market.address}`);
console.log(`  provider ${provider.account.address}`);
console.log(`  buyer    ${buyer.account.address}`);

step(
  1,
  "The provider registers, posts a $5,000 bond in the offer's token and lists 8xH100 servers in Brisbane (AU-QLD)",
);
await wait(publicClient, await asProvider.write.registerProvider(["ipfs://provider/brisbane-dc1"]));
// The bond is in the payment token of the offers it backs: a lease's penalty is paid in the lease's token.
await wait(
  publicClient,
  await (await m.usdAs(provider)).write.approve([m.market.address, USD("5000")]),
);
await wait(publicClient, await asProvider.write.depositBond([m.usd.address, USD("5000")]));
const offer = h100Offer(m.usd.address);
const created = await wait(publicClient, await asProvider.write.createOffer([offer]));
const [{ args: offerEvent }] = parseEventLogs({
  abi: m.market.abi,
  logs: created.logs,
  eventName: "OfferCreated",
});
const offerId = offerEvent.offerId;
console.log(
  `   offer #${offerId}: ${offer.totalUnits} servers x 8 H100 at ${usd(offer.pricePerGpuHour)} per GPU-hour, 1 h to 30 days`,
);

step(2, "The buyer rents 2 servers (16 GPUs) for 24 hours");
const terms = {
  pricePerGpuHour: offer.pricePerGpuHour,
  gpusPerUnit: 8n,
  units: 2n,
  duration: 24n * 3600n,
  feeBps: await m.market.read.feeBps(),
};
const deposit = depositFor(terms);
console.log(`   deposit: 16 GPUs x 24 h x ${usd(offer.pricePerGpuHour)} = ${usd(deposit)}`);
const buyerStart = await m.usd.read.balanceOf([buyer.account.address]);
await wait(publicClient, await (await m.usdAs(buyer)).write.approve([m.market.address, deposit]));
const opened = await wait(
  publicClient,
  await asBuyer.write.openLease([
    offerId,
    2n,
    terms.duration,
    offer.pricePerGpuHour,
    keccak256(toHex("demo buyer key")),
  ]),
);
const [{ args: openEvent }] = parseEventLogs({
  abi: m.market.abi,
  logs: opened.logs,
  eventName: "LeaseOpened",
});
const leaseId = openEvent.leaseId;
// LeaseOpened carries only what nothing else gives; the lease's view has the deposit and the deadline.
const openedLease = await m.market.read.getLease([leaseId]);
console.log(
  `   lease #${leaseId} opened, ${usd(openedLease.deposit)} escrowed; the provider has until ${new Date(Number(openedLease.activationDeadline) * 1000).toISOString()} to activate`,
);

step(3, "The provider activates the lease and posts the (encrypted) connection details");
await wait(
  publicClient,
  await asProvider.write.activateLease([leaseId, toHex("sealed connection details for the buyer")]),
);
const active = await m.market.read.getLease([leaseId]);
console.log(
  `   active from ${new Date(Number(active.start) * 1000).toISOString()} to ${new Date(Number(active.end) * 1000).toISOString()}`,
);

step(4, "Six hours later the buyer stops and terminates the lease");
await connection.networkHelpers.time.increaseTo(active.start + 6n * 3600n - 1n); // the next block is mined at +6 h
const providerStart = await m.usd.read.balanceOf([provider.account.address]);
const buyerBefore = await m.usd.read.balanceOf([buyer.account.address]);
await wait(publicClient, await asBuyer.write.terminateLease([leaseId]));
const refund = (await m.usd.read.balanceOf([buyer.account.address])) - buyerBefore;
const ended = await m.market.read.getLease([leaseId]);
console.log(`   used ${Number(ended.duration) / 3600} h; refunded to the buyer: ${usd(refund)}`);

step(5, "The provider claims its earnings; the protocol fee goes to the treasury");
await wait(publicClient, await asProvider.write.claim([[leaseId]]));
await wait(publicClient, await m.market.write.withdrawFees([m.usd.address]));
const earned = (await m.usd.read.balanceOf([provider.account.address])) - providerStart;
const fee = await m.usd.read.balanceOf([treasury.account.address]);

const expected = settle(terms, ended.duration);
console.log("\nSettlement");
console.log(`   deposit              ${usd(deposit)}`);
console.log(`   refunded to buyer    ${usd(refund)}   (18 h unused)`);
console.log(
  `   paid to provider     ${usd(earned)}   (6 h x 16 GPUs, less ${Number(terms.feeBps) / 100}% fee)`,
);
console.log(`   protocol fee         ${usd(fee)}`);
console.log(`   sum                  ${usd(refund + earned + fee)}`);
const buyerSpent = buyerStart - (await m.usd.read.balanceOf([buyer.account.address]));
const ok =
  refund + earned + fee === deposit &&
  refund === expected.refund &&
  earned === expected.toProvider &&
  fee === expected.fee &&
  buyerSpent === earned + fee;
if (!ok) {
  console.error("\nThe settlement does not add up: this is a bug.");
  process.exit(1);
}
console.log(
  `\nRefund + provider + fee = deposit, to the last base unit. The buyer paid ${usd(buyerSpent)} for 6 hours.`,
);
