/**
 * The attestation part of the indexer parity scenario (./scenario.ts): EAS's SchemaRegistry and EAS, the three
 * Gridlease resolvers and AttestationPolicy deployed at the addresses @gridlease/sdk records for chain 31337 (the
 * Ponder config and the subgraph's constants read those), the three schemas registered, and a history that emits
 * every attestation event:
 *
 * - audits: a Pass by the published auditor (account #17), a later one revoked (auditedUntil falls back), a Fail,
 *   a Pass by an auditor not on the list (#18, "unverified": it never sets auditedUntil) and a short-lived Pass
 *   that has expired by the end;
 * - reviews: two posted after their lease ended (weighed at once), one while its lease runs and ends later
 *   (weighed at the end), one on a lease left active (weighs nothing);
 * - vetting: an offer behind AttestationPolicy, its requirement (vetting schema, attester #17), a vetted buyer who
 *   registers its attestation, a second buyer registered and then revoked;
 * - self-dealing: a provider's second address leases its own 1-base-unit offer twice, with a short (under 15
 *   minutes) outage, and reviews both 5 stars: the counts grow, the fee-weighted inputs do not.
 */
import {
  encodeFunctionData,
  getAddress,
  getContractAddress,
  keccak256,
  maxUint256,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
} from "viem";
import {
  attestationPolicyAbi,
  easAbi,
  gridleaseAuditResolverAbi,
  gridleaseMarketAbi,
  gridleaseReviewResolverAbi,
  gridleaseVettingResolverAbi,
  schemaRegistryAbi,
  testUSDAbi,
} from "@gridlease/sdk/abis";
import {
  AuditVerdict,
  easDeployment,
  encodeAudit,
  encodeReview,
  encodeVetting,
  type EasDeployment,
  type SchemaKey,
} from "@gridlease/sdk/eas";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import type { ScenarioContext } from "./scenario-context.ts";

const HOUR = 3600n;
const DAY = 86_400n;
const ZERO_UID = `0x${"00".repeat(32)}` as Hex;
/** EAS attestations and their resolvers cost more than a market call; one transaction per block still fits. */
const EAS_GAS = 1_500_000n;

/** The attestation contracts as the SDK records them for the local chain. */
export const localEas = (): EasDeployment => easDeployment(31337);

/** The ABIs of every contract the indexers read events from besides the market. */
export const ATTESTATION_ABIS = [
  easAbi,
  gridleaseAuditResolverAbi,
  gridleaseReviewResolverAbi,
  gridleaseVettingResolverAbi,
  attestationPolicyAbi,
] as const;

/** The addresses of the attestation contracts the indexers follow (SchemaRegistry emits nothing they need). */
export const attestationAddresses = (eas = localEas()): Address[] => [
  eas.eas,
  eas.auditResolver,
  eas.reviewResolver,
  eas.vettingResolver,
  eas.policy,
];

/**
 * Deploys SchemaRegistry, EAS, the resolvers and the policy from the first account at the SDK's addresses and
 * registers the three schemas. An address is a function of the deployer's nonce, so each contract is deployed at
 * the nonce that gives its recorded address, with empty transactions to the deployer filling any gap (the Ignition
 * module sends other transactions in between). Fails if a recorded address is behind the deployer's nonce.
 */
export async function deployAttestations(ctx: ScenarioContext, market: Address) {
  const eas = localEas();
  const deployer = ctx.wallets[0]!;
  const from = deployer.account.address;
  const { viem } = ctx;
  const plan: { name: string; address: Address; deploy: () => Promise<{ address: Address }> }[] = [
    {
      name: "SchemaRegistry",
      address: eas.schemaRegistry,
      deploy: () =>
        viem.deployContract(
          "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol:SchemaRegistry",
        ),
    },
    {
      name: "EAS",
      address: eas.eas,
      deploy: () =>
        viem.deployContract("@ethereum-attestation-service/eas-contracts/contracts/EAS.sol:EAS", [
          eas.schemaRegistry,
        ]),
    },
    {
      name: "GridleaseAuditResolver",
      address: eas.auditResolver,
      deploy: () => viem.deployContract("GridleaseAuditResolver", [eas.eas, market]),
    },
    {
      name: "GridleaseReviewResolver",
      address: eas.reviewResolver,
      deploy: () => viem.deployContract("GridleaseReviewResolver", [eas.eas, market]),
    },
    {
      name: "GridleaseVettingResolver",
      address: eas.vettingResolver,
      deploy: () => viem.deployContract("GridleaseVettingResolver", [eas.eas]),
    },
    {
      name: "AttestationPolicy",
      address: eas.policy,
      deploy: () => viem.deployContract("AttestationPolicy", [eas.eas, market]),
    },
  ];
  let nonce = BigInt(await ctx.publicClient.getTransactionCount({ address: from }));
  const nonceOf = (address: Address) => {
    for (let n = nonce; n < nonce + 256n; n++)
      if (getContractAddress({ from, nonce: n }) === getAddress(address)) return n;
    throw new Error(
      `sdk/ records ${address} for a contract the first account cannot deploy from nonce ${nonce}: deploy on a fresh chain, or run \`npm run codegen\``,
    );
  };
  for (const step of plan.sort((a, b) => Number(nonceOf(a.address) - nonceOf(b.address)))) {
    const target = nonceOf(step.address);
    for (; nonce < target; nonce++) {
      await ctx.send(() => deployer.sendTransaction({ to: from, value: 0n }));
    }
    await ctx.nextBlockAt();
    const contract = await step.deploy();
    if (getAddress(contract.address) !== getAddress(step.address))
      throw new Error(
        `${step.name} deployed at ${contract.address}, but sdk/ expects ${step.address}`,
      );
    nonce++;
  }
  const registry = ctx.caller(schemaRegistryAbi, eas.schemaRegistry);
  await ctx.batched(async () => {
    for (const key of ["audit", "review", "vetting"] as const) {
      const s = eas.schemas[key];
      await registry(from, "register", [s.schema, s.resolver, s.revocable]);
    }
  });
  return eas;
}

/** The wallets the attestation steps act from, by Hardhat account index. */
export interface AttestationActors {
  provider: Address;
  provider2: Address;
  buyer: Address;
  buyer2: Address;
  other: Address;
  /** The published auditor (#17) and an auditor not on the list (#18). */
  auditor: Address;
  unlisted: Address;
  /** provider2's second address. */
  sybil: Address;
}

/** Leases of the base scenario the attestation steps review. */
export interface ReviewedLeases {
  /** Ended (Expired), buyer. */
  expired: bigint;
  /** Ended (BuyerTerminated), buyer2. */
  buyerTerminated: bigint;
  /** Left active, buyer2. */
  active: bigint;
}

/** What the attestation steps made, for tests to look up. */
export interface AttestationResult {
  audits: Record<"trusted" | "revoked" | "failed" | "unlisted" | "expired", Hex>;
  vetting: { vetted: Hex; revoked: Hex };
  /** The offer behind AttestationPolicy and the self-dealer's 1-base-unit offer. */
  offers: { vetted: bigint; selfDealt: bigint };
  /** The self-dealer's leases. */
  selfDealt: bigint[];
}

/**
 * Runs the attestation steps inside the scenario's `batched` section, on the scenario's clock. `nextLeaseId` is
 * the id the next opened lease gets; `nextOfferId` the next offer's.
 */
export function attestationSteps(
  ctx: ScenarioContext,
  addresses: { market: Address; usd: Address },
  who: AttestationActors,
  ids: { nextOfferId: bigint; nextLeaseId: bigint },
) {
  const eas = localEas();
  const market = ctx.caller(gridleaseMarketAbi, addresses.market);
  const usd = ctx.caller(testUSDAbi, addresses.usd);
  const policy = ctx.caller(attestationPolicyAbi, eas.policy);
  const hash = (label: string) => keccak256(toHex(label));

  /** Sends an EAS call (payable, so not through `caller`) alone in a block; returns that block's EAS logs. */
  async function onEas(from: Address, data: Hex, label: string) {
    ctx.advance(12n);
    ctx.blocks.at(ctx.now());
    await ctx.blocks.send(from, eas.eas, data, EAS_GAS, label);
    await ctx.blocks.mine();
    const logs = await ctx.publicClient.getLogs({
      address: eas.eas,
      fromBlock: ctx.blocks.lastBlock,
      toBlock: ctx.blocks.lastBlock,
    });
    return parseEventLogs({ abi: easAbi, logs });
  }
  async function attest(
    from: Address,
    schema: SchemaKey,
    recipient: Address,
    expirationTime: bigint,
    payload: Hex,
  ): Promise<Hex> {
    const s = eas.schemas[schema];
    const data = encodeFunctionData({
      abi: easAbi,
      functionName: "attest",
      args: [
        {
          schema: s.uid,
          data: {
            recipient,
            expirationTime,
            revocable: s.revocable,
            refUID: ZERO_UID,
            data: payload,
            value: 0n,
          },
        },
      ],
    });
    const attested = (await onEas(from, data, `attest ${schema}`)).find(
      (l) => l.eventName === "Attested",
    );
    if (!attested || attested.eventName !== "Attested")
      throw new Error(`no Attested log for ${schema}`);
    return attested.args.uid;
  }
  async function revoke(from: Address, schema: SchemaKey, uid: Hex) {
    const data = encodeFunctionData({
      abi: easAbi,
      functionName: "revoke",
      args: [{ schema: eas.schemas[schema].uid, data: { uid, value: 0n } }],
    });
    await onEas(from, data, `revoke ${schema}`);
  }
  const audit = (
    from: Address,
    offerId: bigint,
    provider: Address,
    verdict: 1 | 2,
    validUntil: bigint,
  ) =>
    attest(
      from,
      "audit",
      provider,
      validUntil,
      encodeAudit({
        offerId,
        hardwareReportHash: hash(`hardware report of offer ${offerId} by ${from}`),
        verdict,
        validUntil,
      }),
    );
  const review = (
    from: Address,
    leaseId: bigint,
    provider: Address,
    score: number,
    verified: boolean,
  ) =>
    attest(
      from,
      "review",
      provider,
      0n,
      encodeReview({
        leaseId,
        score,
        verified,
        reportHash: hash(`verify report of lease ${leaseId}`),
      }),
    );

  return {
    /** Audits of the base scenario's offers (1, 2: provider; 3: provider2). */
    async audits(): Promise<AttestationResult["audits"]> {
      const now = ctx.now();
      const trusted = await audit(
        who.auditor,
        1n,
        who.provider,
        AuditVerdict.Pass,
        now + 30n * DAY,
      );
      const revoked = await audit(
        who.auditor,
        2n,
        who.provider,
        AuditVerdict.Pass,
        now + 60n * DAY,
      );
      const failed = await audit(who.auditor, 2n, who.provider, AuditVerdict.Fail, now + 90n * DAY);
      const unlisted = await audit(
        who.unlisted,
        3n,
        who.provider2,
        AuditVerdict.Pass,
        now + 90n * DAY,
      );
      // Valid for one hour: expired by the scenario's end (the indexers keep it; readers apply expiry).
      const expired = await audit(who.auditor, 3n, who.provider2, AuditVerdict.Pass, now + HOUR);
      await revoke(who.auditor, "audit", revoked);
      return { trusted, revoked, failed, unlisted, expired };
    },

    /** Reviews posted after their lease ended, and one on a lease that stays active. */
    async reviewsOfEnded(leases: ReviewedLeases) {
      await review(who.buyer, leases.expired, who.provider, 5, true);
      await review(who.buyer2, leases.buyerTerminated, who.provider2, 4, false);
      await review(who.buyer2, leases.active, who.provider, 3, true);
    },

    /** A review posted while its lease runs (weighed when it ends). */
    async reviewWhileActive(leaseId: bigint) {
      await review(who.buyer, leaseId, who.provider, 2, false);
    },

    /** An offer behind AttestationPolicy, its requirement, one vetted buyer and one whose vetting is revoked. */
    async vetting(): Promise<{ offer: bigint; vetted: Hex; revoked: Hex }> {
      const offer = ids.nextOfferId++;
      await market(who.provider, "createOffer", [
        {
          gpuModel: encodeGpuModel("H100-SXM-80GB"),
          gpusPerUnit: 8n,
          totalUnits: 4n,
          region: encodeRegion("AU-QLD"),
          paymentToken: addresses.usd,
          pricePerGpuHour: 2_400_000n,
          minDuration: HOUR,
          maxDuration: 7n * DAY,
          repairWindow: 2n * HOUR,
          // In the offer's payment token (tUSD, 6 decimals).
          minProviderBond: 1_000n * 10n ** 6n,
          buyerPolicy: eas.policy,
          specHash: `0x${"44".repeat(32)}`,
          specURI: "ipfs://spec/h100-vetted",
        },
      ]);
      await policy(who.provider, "setRequirement", [offer, eas.schemas.vetting.uid, [who.auditor]]);
      const vetted = await attest(
        who.auditor,
        "vetting",
        who.buyer2,
        ctx.now() + 180n * DAY,
        encodeVetting({ evidenceHash: hash("KYC file of buyer2") }),
      );
      await policy(who.buyer2, "registerAttestation", [vetted]);
      const revoked = await attest(
        who.auditor,
        "vetting",
        who.other,
        0n,
        encodeVetting({ evidenceHash: hash("KYC file of other") }),
      );
      await policy(who.other, "registerAttestation", [revoked]);
      await revoke(who.auditor, "vetting", revoked);
      return { offer, vetted, revoked };
    },

    /**
     * provider2's second address leases provider2's own offer at 1 base unit per GPU-hour (a lease that pays no
     * fee) twice, each run to term with a 5-star review after its end; the first has a 10-minute outage.
     */
    async selfDealing(): Promise<{ offer: bigint; leases: bigint[] }> {
      const offer = ids.nextOfferId++;
      await usd(who.sybil, "approve", [addresses.market, maxUint256]);
      await market(who.provider2, "createOffer", [
        {
          gpuModel: encodeGpuModel("B200-192GB"),
          gpusPerUnit: 8n,
          totalUnits: 8n,
          region: encodeRegion("US-CA"),
          paymentToken: addresses.usd,
          pricePerGpuHour: 1n,
          minDuration: HOUR,
          maxDuration: 30n * DAY,
          repairWindow: HOUR,
          // In the offer's payment token (tUSD, 6 decimals).
          minProviderBond: 1_000n * 10n ** 6n,
          buyerPolicy: "0x0000000000000000000000000000000000000000",
          specHash: `0x${"55".repeat(32)}`,
          specURI: "ipfs://spec/b200-self",
        },
      ]);
      const leases: bigint[] = [];
      for (let i = 0; i < 2; i++) {
        const id = ids.nextLeaseId++;
        await market(who.sybil, "openLease", [
          offer,
          1n,
          2n * HOUR,
          maxUint256,
          `0x${"5a".repeat(32)}`,
        ]);
        await market(who.provider2, "activateLease", [id, `0x${"5b".repeat(48)}`]);
        const start = ctx.now();
        if (i === 0) {
          ctx.advance(HOUR);
          await market(who.sybil, "reportOutage", [id, 1n, `0x${"5c".repeat(32)}`]);
          ctx.advance(10n * 60n);
          await market(who.provider2, "resolveOutage", [id, "0x"]);
        }
        ctx.advanceTo(start + 3n * HOUR);
        await market(who.sybil, "closeLease", [id]);
        await review(who.sybil, id, who.provider2, 5, true);
        leases.push(id);
      }
      return { offer, leases };
    },
  };
}
