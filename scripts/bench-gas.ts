/**
 * Gas benchmark: runs the lease lifecycle on a fresh in-process chain and records the gasUsed of whole
 * transactions (21,000 base cost included). Prints a table and writes bench/gas.json.
 *
 * Conditions match the targets: the buyer's first lease, exact approvals, a 96-byte access payload. The EAS
 * operations (an audit, a review, a vetting, registering it with the AttestationPolicy, setting an offer's
 * requirement) run last, on EAS deployed beside the market, and openLease is measured with and without the
 * AttestationPolicy on two offers in the same state.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import {
  getContract,
  hexToBytes,
  keccak256,
  parseEventLogs,
  toHex,
  zeroHash,
  type Hex,
} from "viem";
import { deposit } from "@gridlease/sdk/pricing";
import { nonceForClaim } from "@gridlease/sdk/actions";
import { attestationPolicyAbi, easAbi, schemaRegistryAbi } from "@gridlease/sdk/abis";
import {
  AuditVerdict,
  SCHEMA_KEYS,
  SCHEMA_REVOCABLE,
  SCHEMAS,
  easDeploymentAt,
  encodeAudit,
  encodeReview,
  encodeVetting,
  type SchemaKey,
} from "@gridlease/sdk/eas";
import { deployMarket, h100Offer, signPermit, USD, wait } from "./lib/fixture.ts";

const TARGETS: Record<string, number> = {
  openLease: 110_000,
  openRollingLease: 140_000,
  executeTopUp: 90_000,
  releaseServers1: 80_000,
  activateLease: 60_000,
  extendLease: 55_000,
  terminateLease: 75_000,
  closeLease: 60_000,
  claim10: 200_000,
  reportOutage: 60_000,
  resolveOutage: 60_000,
};

const connection = await network.create();
const m = await deployMarket(connection);
const { publicClient, provider, buyer, other, networkHelpers } = {
  ...m,
  networkHelpers: connection.networkHelpers,
};
const chainId = await publicClient.getChainId();
const asProvider = await m.marketAs(provider);
const asBuyer = await m.marketAs(buyer);
const asOther = await m.marketAs(other);
const usdBuyer = await m.usdAs(buyer);

const gas: Record<string, number> = {};
const record = async (key: string, hash: Hex) => {
  gas[key] = Number((await wait(publicClient, hash)).gasUsed);
};

// Provider setup.
await wait(publicClient, await asProvider.write.registerProvider(["ipfs://provider/brisbane-dc1"]));
// A bond in the offers' payment token covers the penalties its leases reserve.
const usdProvider = await m.usdAs(provider);
await wait(publicClient, await usdProvider.write.approve([m.market.address, USD("200000")]));
await wait(publicClient, await asProvider.write.depositBond([m.usd.address, USD("200000")]));
const offer = h100Offer(m.usd.address, { totalUnits: 64n });
await record("createOffer", await asProvider.write.createOffer([offer]));
const offerId = 1n;

const pubKey = keccak256(toHex("buyer x25519 public key")); // any non-zero 32 bytes
const access = toHex(new Uint8Array(96).fill(7)); // 96-byte sealed payload
const terms = (units: bigint, duration: bigint) => ({
  pricePerGpuHour: offer.pricePerGpuHour,
  gpusPerUnit: offer.gpusPerUnit,
  units,
  duration,
  feeBps: 250n,
});
const DAY = 86_400n;

// A live market already escrows other leases' deposits, so the market's token balance is not zero when a buyer
// arrives: a warm-up lease by another account (lease 1) sets that up.
const asDeployer = await m.marketAs(m.deployer);
await wait(
  publicClient,
  await m.usd.write.mint([m.deployer.account.address, deposit(terms(1n, DAY))]),
);
await wait(publicClient, await m.usd.write.approve([m.market.address, deposit(terms(1n, DAY))]));
await wait(
  publicClient,
  await asDeployer.write.openLease([offerId, 1n, DAY, offer.pricePerGpuHour, pubKey]),
);

// openLease: the buyer's first lease, approving exactly the deposit.
const leaseId = 2n;
const d1 = deposit(terms(2n, DAY));
await wait(publicClient, await usdBuyer.write.approve([m.market.address, d1]));
await record(
  "openLease",
  await asBuyer.write.openLease([offerId, 2n, DAY, offer.pricePerGpuHour, pubKey]),
);

// openLeaseWithPermit: another buyer's first lease, in one transaction.
const d2 = deposit(terms(1n, DAY));
const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600 * 24 * 365);
const sig = await signPermit(m.usd, other, m.market.address, d2, deadline, chainId);
await record(
  "openLeaseWithPermit",
  await asOther.write.openLeaseWithPermit([
    offerId,
    1n,
    DAY,
    offer.pricePerGpuHour,
    pubKey,
    d2,
    deadline,
    sig.v,
    sig.r,
    sig.s,
  ]),
);

await record("activateLease", await asProvider.write.activateLease([leaseId, access]));
await wait(publicClient, await asProvider.write.activateLease([3n, access]));

// extendLease: the buyer adds 12 hours, approving exactly the top-up.
const topUp = deposit(terms(2n, DAY + DAY / 2n)) - d1;
await wait(publicClient, await usdBuyer.write.approve([m.market.address, topUp]));
await record("extendLease", await asBuyer.write.extendLease([leaseId, DAY / 2n]));

await networkHelpers.time.increase(6 * 3600);
await record("terminateLease", await asBuyer.write.terminateLease([leaseId]));

// cancelLease: a lease the provider never activates.
await wait(publicClient, await usdBuyer.write.approve([m.market.address, d1]));
await wait(
  publicClient,
  await asBuyer.write.openLease([offerId, 2n, DAY, offer.pricePerGpuHour, pubKey]),
);
await networkHelpers.time.increase(3601);
await record("cancelLease", await asBuyer.write.cancelLease([4n]));

// closeLease after expiry of lease 3.
await networkHelpers.time.increase(Number(DAY));
await record("closeLease", await asOther.write.closeLease([3n]));

// claim1 and claim10 on leases with accrued earnings.
await record("claim1", await asProvider.write.claim([[3n]]));
const ids: bigint[] = [];
await wait(publicClient, await usdBuyer.write.approve([m.market.address, d1 * 10n]));
for (let i = 0; i < 10; i++) {
  await wait(
    publicClient,
    await asBuyer.write.openLease([offerId, 1n, DAY, offer.pricePerGpuHour, pubKey]),
  );
  const id = (await m.market.read.leaseCount()) as bigint;
  await wait(publicClient, await asProvider.write.activateLease([id, access]));
  ids.push(id);
}
await networkHelpers.time.increase(3600);
await record("claim10", await asProvider.write.claim([ids]));

// reportOutage and resolveOutage: the lease's first outage (its record is written fresh), one server of two
// down for 20 minutes, then resolved with a new 96-byte access payload.
await wait(publicClient, await usdBuyer.write.approve([m.market.address, d1]));
await wait(
  publicClient,
  await asBuyer.write.openLease([offerId, 2n, DAY, offer.pricePerGpuHour, pubKey]),
);
const outageLease = (await m.market.read.leaseCount()) as bigint;
await wait(publicClient, await asProvider.write.activateLease([outageLease, access]));
await networkHelpers.time.increase(3600);
await record(
  "reportOutage",
  await asBuyer.write.reportOutage([
    outageLease,
    1n,
    keccak256(toHex("lease verify: 7 of 8 GPUs")),
  ]),
);
await networkHelpers.time.increase(1200);
await record("resolveOutage", await asProvider.write.resolveOutage([outageLease, access]));

// Reserved capacity: a rolling offer (7-day prepaid window, 30-day commitment with a 20% exit fee), a 4-server
// lease on it for 90 days funded 7 days, its buyer's top-up allowance executed by a third party, one server
// released by the buyer and one failed by the provider.
const WEEK = 7n * DAY;
await record(
  "createReservedOffer",
  await asProvider.write.createReservedOffer([
    h100Offer(m.usd.address, { totalUnits: 64n, minDuration: 30n * DAY, maxDuration: 365n * DAY }),
    { prepaidWindow: WEEK, commitment: 30n * DAY, noticePeriod: 0n, exitFeeBps: 2_000n },
  ]),
);
const reservedOffer = (await m.market.read.offerCount()) as bigint;
const cost = (units: bigint, seconds: bigint) =>
  (offer.pricePerGpuHour * offer.gpusPerUnit * units * seconds) / 3600n;
const rollingDeposit = cost(4n, WEEK) + (cost(4n, 30n * DAY) * 2_000n) / 10_000n;
await wait(publicClient, await usdBuyer.write.approve([m.market.address, rollingDeposit]));
await record(
  "openRollingLease",
  await asBuyer.write.openRollingLease([
    reservedOffer,
    4n,
    90n * DAY,
    WEEK,
    offer.pricePerGpuHour,
    pubKey,
  ]),
);
const rollingLease = (await m.market.read.leaseCount()) as bigint;
await wait(publicClient, await asProvider.write.activateLease([rollingLease, access]));
await record(
  "setTopUpAllowance",
  await asBuyer.write.setTopUpAllowance([
    rollingLease,
    cost(4n, WEEK),
    cost(4n, 90n * DAY),
    2n * DAY,
  ]),
);
await wait(publicClient, await usdBuyer.write.approve([m.market.address, cost(4n, 90n * DAY)]));
await networkHelpers.time.increase(Number(6n * DAY));
await record("executeTopUp", await asOther.write.executeTopUp([rollingLease, 5n * DAY]));
await record("releaseServers1", await asBuyer.write.releaseServers([rollingLease, 1n]));
await record("failServers1", await asProvider.write.failServers([rollingLease, 1n]));

// publishOfferAttestation: a report of NVIDIA's Hopper size (4,117 bytes) bound to the latest block, with a
// 3.4 KB PEM chain (NVIDIA's five-certificate chain is about that); the offer's first claim.
const { nonceBlock, nonce } = await nonceForClaim(publicClient, {
  market: m.market.address,
  offerId,
  provider: provider.account.address,
});
const report = new Uint8Array(4_117).fill(0x5a);
report.set([0x11, 0xe0, 0x00, 0x00], 0);
report.set(hexToBytes(nonce), 4);
const certChain = toHex("-".repeat(3_400));
await record(
  "publishOfferAttestation",
  await asProvider.write.publishOfferAttestation([
    offerId,
    1,
    nonceBlock,
    toHex(report),
    certChain,
  ]),
);

// EAS: SchemaRegistry, EAS, the resolvers and the AttestationPolicy, and the three schemas registered.
const [, , , , , auditor] = await connection.viem.getWalletClients();
const registry = await connection.viem.deployContract("SchemaRegistry");
const easContract = await connection.viem.deployContract("EAS", [registry.address]);
const auditResolver = await connection.viem.deployContract("GridleaseAuditResolver", [
  easContract.address,
  m.market.address,
]);
const reviewResolver = await connection.viem.deployContract("GridleaseReviewResolver", [
  easContract.address,
  m.market.address,
]);
const vettingResolver = await connection.viem.deployContract("GridleaseVettingResolver", [
  easContract.address,
]);
const attestationPolicy = await connection.viem.deployContract("AttestationPolicy", [
  easContract.address,
  m.market.address,
]);
const eas = easDeploymentAt({
  eas: easContract.address,
  schemaRegistry: registry.address,
  auditResolver: auditResolver.address,
  reviewResolver: reviewResolver.address,
  vettingResolver: vettingResolver.address,
  policy: attestationPolicy.address,
});
const resolverOf: Record<SchemaKey, Hex> = {
  audit: auditResolver.address,
  review: reviewResolver.address,
  vetting: vettingResolver.address,
};
const registryAs = getContract({
  address: registry.address,
  abi: schemaRegistryAbi,
  client: { public: publicClient, wallet: m.deployer },
});
for (const key of SCHEMA_KEYS) {
  await wait(
    publicClient,
    await registryAs.write.register([SCHEMAS[key], resolverOf[key], SCHEMA_REVOCABLE[key]]),
  );
}
const easAs = (wallet: typeof auditor) =>
  getContract({ address: eas.eas, abi: easAbi, client: { public: publicClient, wallet } });
const policyAs = (wallet: typeof auditor) =>
  getContract({
    address: eas.policy,
    abi: attestationPolicyAbi,
    client: { public: publicClient, wallet },
  });
/** `wallet` attests `data` of schema `key` to `recipient`; records the gas under `gasKey`, returns the uid. */
const attestAs = async (
  gasKey: string,
  wallet: typeof auditor,
  key: SchemaKey,
  recipient: Hex,
  expirationTime: bigint,
  data: Hex,
) => {
  const hash = await easAs(wallet).write.attest([
    {
      schema: eas.schemas[key].uid,
      data: {
        recipient,
        expirationTime,
        revocable: SCHEMA_REVOCABLE[key],
        refUID: zeroHash,
        data,
        value: 0n,
      },
    },
  ]);
  await record(gasKey, hash);
  const receipt = await publicClient.getTransactionReceipt({ hash });
  const [attested] = parseEventLogs({ abi: easAbi, eventName: "Attested", logs: receipt.logs });
  return attested.args.uid;
};
const now = (await publicClient.getBlock()).timestamp;

// attestAudit: the first audit of offer 1, valid for 90 days.
const validUntil = now + 90n * DAY;
await attestAs(
  "attestAudit",
  auditor,
  "audit",
  provider.account.address,
  validUntil,
  encodeAudit({
    offerId,
    hardwareReportHash: keccak256(toHex("hardware report")),
    verdict: AuditVerdict.Pass,
    validUntil,
  }),
);
// postReview: the buyer's review of an active lease (the first of claim10's).
await attestAs(
  "postReview",
  buyer,
  "review",
  provider.account.address,
  0n,
  encodeReview({
    leaseId: ids[0],
    score: 5,
    verified: true,
    reportHash: keccak256(toHex("verify")),
  }),
);
// vetBuyer and registerCredential: the auditor vets the buyer for a year; the buyer registers it.
const vetting = await attestAs(
  "vetBuyer",
  auditor,
  "vetting",
  buyer.account.address,
  now + 365n * DAY,
  encodeVetting({ evidenceHash: keccak256(toHex("kyc file")) }),
);
await record("registerCredential", await policyAs(buyer).write.registerAttestation([vetting]));

// openLease with and without the AttestationPolicy: two fresh offers alike but for the policy, each with a lease
// already open, then the buyer's next lease on each.
await wait(publicClient, await asProvider.write.createOffer([offer]));
const plainOffer = (await m.market.read.offerCount()) as bigint;
await wait(
  publicClient,
  await asProvider.write.createOffer([
    h100Offer(m.usd.address, { totalUnits: 64n, buyerPolicy: eas.policy }),
  ]),
);
const vettedOffer = plainOffer + 1n;
await record(
  "setRequirement",
  await policyAs(provider).write.setRequirement([
    vettedOffer,
    eas.schemas.vetting.uid,
    [auditor.account.address],
  ]),
);
for (const [key, id] of [
  ["", plainOffer],
  ["", vettedOffer],
  ["openLeaseNoPolicy", plainOffer],
  ["openLeaseAttestationPolicy", vettedOffer],
] as const) {
  await wait(publicClient, await usdBuyer.write.approve([m.market.address, d1]));
  const hash = await asBuyer.write.openLease([id, 2n, DAY, offer.pricePerGpuHour, pubKey]);
  if (key) await record(key, hash);
  else await wait(publicClient, hash);
}

const order = [
  "createOffer",
  "openLease",
  "openLeaseWithPermit",
  "activateLease",
  "extendLease",
  "terminateLease",
  "cancelLease",
  "closeLease",
  "claim1",
  "claim10",
  "reportOutage",
  "resolveOutage",
  "createReservedOffer",
  "openRollingLease",
  "setTopUpAllowance",
  "executeTopUp",
  "releaseServers1",
  "failServers1",
  "publishOfferAttestation",
  "attestAudit",
  "postReview",
  "vetBuyer",
  "registerCredential",
  "setRequirement",
  "openLeaseNoPolicy",
  "openLeaseAttestationPolicy",
];
const result = Object.fromEntries(order.map((k) => [k, gas[k]]));
console.log("\nGas per whole transaction (21,000 base included)\n");
console.log("operation                   gasUsed   target    ");
console.log("--------------------------  --------  ----------");
let misses = 0;
for (const k of order) {
  const target = TARGETS[k];
  const verdict =
    target === undefined ? "" : gas[k] <= target ? `<= ${target} ok` : `> ${target} MISS`;
  if (target !== undefined && gas[k] > target) misses++;
  console.log(`${k.padEnd(26)}  ${String(gas[k]).padStart(8)}  ${verdict}`);
}
mkdirSync("bench", { recursive: true });
writeFileSync("bench/gas.json", JSON.stringify(result, null, 2) + "\n");
console.log(`\nwrote bench/gas.json${misses ? ` (${misses} target(s) missed)` : ""}`);
