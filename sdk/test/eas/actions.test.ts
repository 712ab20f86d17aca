/**
 * The attestation actions against a real in-process chain: EAS and the Gridlease resolvers and policy deployed
 * beside the market. Audits, reviews and vettings are made, read back and decoded; every refusal the issue names
 * (a review from a non-buyer, a second review, a review before activation, an expired or revoked credential, a
 * requirement naming an unknown schema, a malformed payload) is explained in plain words by explainEasError, and
 * nothing was sent (the sender's nonce did not move).
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  getAddress,
  keccak256,
  parseEventLogs,
  toHex,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { writeContract } from "viem/actions";
import * as sdk from "@gridlease/sdk";
import { easAbi, gridleaseAuditResolverAbi } from "@gridlease/sdk/abis";
import {
  attestAudit,
  AuditVerdict,
  decodeAudit,
  decodeReview,
  explainEasError,
  getEasAttestation,
  getRequirement,
  policyCheck,
  postReview,
  registerCredential,
  reviewOf,
  revokeAudit,
  revokeVetting,
  setOfferRequirement,
  vetBuyer,
  type EasDeployment,
} from "@gridlease/sdk/eas";
import { deployMarket, h100Offer, USD } from "../../../scripts/lib/fixture.ts";
import { deployAttestations } from "../support/easFixture.ts";

type Deployed = Awaited<ReturnType<typeof deployMarket>> & {
  deployment: EasDeployment;
  offerId: bigint;
  leaseId: bigint;
};

let connection: NetworkConnection;
let m: Deployed;
let market: Address;

/** The market with an 8×H100 offer (id 1) and a pending lease of it (id 1), and the attestation contracts. */
async function deployed(): Promise<Deployed> {
  const d = await deployMarket(connection);
  const mk = getAddress(d.market.address);
  const p = d.provider;
  await (await sdk.registerProvider(p, { market: mk, metadataURI: "ipfs://p" })).wait();
  await (
    await sdk.ensureAllowance(p, { token: d.usd.address, spender: mk, amount: USD("5000") })
  ).approval?.wait();
  await (
    await sdk.depositBond(p, { market: mk, token: d.usd.address, amount: USD("5000") })
  ).wait();
  const { offerId } = await (
    await sdk.createOffer(p, { market: mk, offer: h100Offer(d.usd.address) })
  ).wait();
  const quote = await sdk.quoteLease(d.buyer, { market: mk, offerId, units: 1n, duration: 7200n });
  await (
    await sdk.ensureAllowance(d.buyer, {
      token: quote.paymentToken,
      spender: mk,
      amount: quote.deposit,
    })
  ).approval?.wait();
  const key = await sdk.deriveAccessKey(d.buyer);
  const { leaseId } = await (
    await sdk.openLease(d.buyer, {
      market: mk,
      offerId,
      units: 1n,
      duration: 7200n,
      maxPricePerGpuHour: quote.maxPricePerGpuHour,
      buyerPublicKey: key.publicKeyHex,
    })
  ).wait();
  return { ...d, deployment: await deployAttestations(connection, mk), offerId, leaseId };
}

beforeAll(async () => {
  connection = await network.create();
});
beforeEach(async () => {
  m = await connection.networkHelpers.loadFixture(deployed);
  market = getAddress(m.market.address);
});

const now = async () => BigInt(await connection.networkHelpers.time.latest());
const hash = (s: string) => keccak256(toHex(s));
type Wallet = typeof m.buyer;

/** Expects `send` to be refused with `errorName` (in plain words matching `words`) and the sender's nonce unchanged. */
async function refused(
  who: Wallet,
  send: () => Promise<unknown>,
  errorName: string,
  words: RegExp,
) {
  const nonce = await m.publicClient.getTransactionCount({ address: who.account.address });
  const err = await send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${errorName}`).toBeDefined();
  const explained = explainEasError(err);
  expect(explained).toMatchObject({ kind: "revert", errorName });
  expect(explained.message).toMatch(words);
  expect(await m.publicClient.getTransactionCount({ address: who.account.address })).toBe(nonce);
}

async function activate() {
  const key = await sdk.deriveAccessKey(m.buyer);
  const encryptedAccess = sdk.sealAccess(key.publicKeyHex, {
    host: "h",
    port: 22,
    user: "u",
    key: "k",
  });
  await (
    await sdk.activateLease(m.provider, { market, leaseId: m.leaseId, encryptedAccess })
  ).wait();
}

describe("audits", () => {
  it("attests, reads back, decodes, revokes once", async () => {
    const validUntil = (await now()) + 30n * 86400n;
    const payload = {
      offerId: m.offerId,
      hardwareReportHash: hash("report"),
      verdict: AuditVerdict.Pass,
      validUntil,
    };
    const mined = await (
      await attestAudit(m.other, {
        deployment: m.deployment,
        provider: m.provider.account.address,
        ...payload,
      })
    ).wait();
    const a = await getEasAttestation(m.publicClient, { deployment: m.deployment, uid: mined.uid });
    expect(a).toMatchObject({
      schema: m.deployment.schemas.audit.uid,
      attester: getAddress(m.other.account.address),
      recipient: getAddress(m.provider.account.address),
      expirationTime: validUntil,
      revocationTime: 0n,
      revocable: true,
    });
    expect(decodeAudit(a!.data)).toEqual(payload);
    const [event] = parseEventLogs({
      abi: gridleaseAuditResolverAbi,
      logs: mined.receipt.logs,
      eventName: "AuditAttested",
    });
    expect(event?.args).toMatchObject({
      uid: mined.uid,
      offerId: m.offerId,
      verdict: 1,
      validUntil,
    });

    await (await revokeAudit(m.other, { deployment: m.deployment, uid: mined.uid })).wait();
    expect(
      (await getEasAttestation(m.publicClient, { deployment: m.deployment, uid: mined.uid }))!
        .revocationTime,
    ).toBeGreaterThan(0n);
    await refused(
      m.other,
      () => revokeAudit(m.other, { deployment: m.deployment, uid: mined.uid }),
      "AlreadyRevoked",
      /already revoked/,
    );
    await refused(
      m.buyer,
      () => revokeAudit(m.buyer, { deployment: m.deployment, uid: mined.uid }),
      "AccessDenied",
      /Only the account that made this attestation/,
    );
  });

  it("refuses a recipient other than the provider, an unknown offer and a past validUntil", async () => {
    const base = {
      deployment: m.deployment,
      hardwareReportHash: hash("r"),
      verdict: AuditVerdict.Pass,
      validUntil: (await now()) + 3600n,
    };
    const provider = m.provider.account.address;
    await refused(
      m.other,
      () =>
        attestAudit(m.other, { ...base, offerId: m.offerId, provider: m.buyer.account.address }),
      "AuditRecipientNotProvider",
      /recipient must be the offer's provider/,
    );
    await refused(
      m.other,
      () => attestAudit(m.other, { ...base, offerId: 99n, provider }),
      "UnknownOffer",
      /no offer #99/,
    );
    await refused(
      m.other,
      () => attestAudit(m.other, { ...base, offerId: m.offerId, provider, validUntil: 1n }),
      "InvalidExpirationTime",
      /in the past/,
    );
  });

  it("a malformed payload is refused with the resolver's named error, not an empty revert", async () => {
    const expirationTime = (await now()) + 3600n;
    await refused(
      m.other,
      () =>
        writeContract(m.other, {
          address: m.deployment.eas,
          abi: easAbi,
          functionName: "attest",
          args: [
            {
              schema: m.deployment.schemas.audit.uid,
              data: {
                recipient: m.provider.account.address,
                expirationTime,
                revocable: true,
                refUID: zeroHash,
                data: "0x1234",
                value: 0n,
              },
            },
          ],
          account: m.other.account,
          chain: m.other.chain,
        }),
      "MalformedPayload",
      /2 bytes where the schema takes exactly 128/,
    );
  });
});

describe("reviews", () => {
  const review = (who: Wallet, score = 4) =>
    postReview(who, {
      deployment: m.deployment,
      leaseId: m.leaseId,
      provider: m.provider.account.address,
      score,
      verified: true,
      reportHash: hash("verify"),
    });

  it("only the buyer, only after activation, only once; never revocable", async () => {
    await refused(m.buyer, () => review(m.buyer), "LeaseNotActivated", /never activated/);
    await activate();
    await refused(m.other, () => review(m.other), "NotLeaseBuyer", /Only lease #1's buyer/);
    const mined = await (await review(m.buyer, 5)).wait();
    expect(await reviewOf(m.publicClient, { deployment: m.deployment, leaseId: m.leaseId })).toBe(
      mined.uid,
    );
    const a = await getEasAttestation(m.publicClient, { deployment: m.deployment, uid: mined.uid });
    expect(decodeReview(a!.data)).toEqual({
      leaseId: m.leaseId,
      score: 5,
      verified: true,
      reportHash: hash("verify"),
    });
    await refused(m.buyer, () => review(m.buyer), "AlreadyReviewed", /already has its review/);
    await refused(
      m.buyer,
      () =>
        writeContract(m.buyer, {
          address: m.deployment.eas,
          abi: easAbi,
          functionName: "revoke",
          args: [{ schema: m.deployment.schemas.review.uid, data: { uid: mined.uid, value: 0n } }],
          account: m.buyer.account,
          chain: m.buyer.chain,
        }),
      "Irrevocable",
      /cannot be revoked/,
    );
  });
});

describe("buyer vetting through AttestationPolicy", () => {
  it("requirement, registration, and the policy's answer as the vetting is revoked", async () => {
    const d = m.deployment;
    const authority = m.deployer;
    const buyer = m.buyer.account.address;
    await (
      await setOfferRequirement(m.provider, {
        deployment: d,
        offerId: m.offerId,
        schema: d.schemas.vetting.uid,
        attesters: [authority.account.address],
      })
    ).wait();
    expect(await getRequirement(m.publicClient, { deployment: d, offerId: m.offerId })).toEqual({
      provider: getAddress(m.provider.account.address),
      schema: d.schemas.vetting.uid,
      attesters: [getAddress(authority.account.address)],
    });
    expect(
      await policyCheck(m.publicClient, { deployment: d, offerId: m.offerId, buyer }),
    ).toMatchObject({ code: 2, allowed: false });

    const { uid } = await (
      await vetBuyer(authority, { deployment: d, buyer, evidenceHash: hash("kyc file") })
    ).wait();
    await refused(
      m.other,
      () => registerCredential(m.other, { deployment: d, uid }),
      "NotAttestationRecipient",
      /only its recipient/,
    );
    await (await registerCredential(m.buyer, { deployment: d, uid })).wait();
    expect(await policyCheck(m.publicClient, { deployment: d, offerId: m.offerId, buyer })).toEqual(
      {
        code: 0,
        allowed: true,
        reason: expect.stringMatching(/^The buyer holds a valid attestation/),
      },
    );
    await (await revokeVetting(authority, { deployment: d, uid })).wait();
    expect(
      await policyCheck(m.publicClient, { deployment: d, offerId: m.offerId, buyer }),
    ).toMatchObject({
      code: 4,
      reason: expect.stringMatching(/revoked/),
    });
    await refused(
      m.buyer,
      () => registerCredential(m.buyer, { deployment: d, uid }),
      "AttestationRevoked",
      /was revoked/,
    );
  });

  it("an expired vetting stops admitting, and cannot be registered", async () => {
    const d = m.deployment;
    const buyer = m.buyer.account.address;
    await (
      await setOfferRequirement(m.provider, {
        deployment: d,
        offerId: m.offerId,
        schema: d.schemas.vetting.uid,
        attesters: [m.deployer.account.address],
      })
    ).wait();
    const { uid } = await (
      await vetBuyer(m.deployer, {
        deployment: d,
        buyer,
        evidenceHash: hash("e"),
        expirationTime: (await now()) + 600n,
      })
    ).wait();
    await (await registerCredential(m.buyer, { deployment: d, uid })).wait();
    await connection.networkHelpers.time.increase(601);
    expect(
      (await policyCheck(m.publicClient, { deployment: d, offerId: m.offerId, buyer })).code,
    ).toBe(5);
    await refused(
      m.buyer,
      () => registerCredential(m.buyer, { deployment: d, uid }),
      "AttestationExpired",
      /expired at/,
    );
  });

  it("refuses a requirement naming a schema that does not exist, and one from someone not the provider", async () => {
    const d = m.deployment;
    const attesters = [m.deployer.account.address];
    await refused(
      m.provider,
      () =>
        setOfferRequirement(m.provider, {
          deployment: d,
          offerId: m.offerId,
          schema: hash("no such schema") as Hex,
          attesters,
        }),
      "UnknownSchema",
      /not registered on this chain's EAS/,
    );
    await refused(
      m.other,
      () =>
        setOfferRequirement(m.other, {
          deployment: d,
          offerId: m.offerId,
          schema: d.schemas.vetting.uid,
          attesters,
        }),
      "NotOfferProvider",
      /Only the provider of offer #1/,
    );
    expect(
      await getRequirement(m.publicClient, { deployment: d, offerId: m.offerId }),
    ).toBeUndefined();
  });
});
