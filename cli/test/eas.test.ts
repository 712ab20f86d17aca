/**
 * The attestation commands on a real chain with EAS, the Gridlease resolvers and AttestationPolicy deployed beside
 * the market: `review` (refused in plain words before sending when the lease is not the caller's, not activated
 * or already reviewed), `vet`, `vet register`, `vet check`, `vet revoke`, `offer require`, `audit revoke`, and
 * `audit list` against a stand-in indexer (an HTTP server answering its GraphQL query): audits by an auditor
 * outside the trusted list are "unverified". Every refusal leaves the sender's nonce where it was.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { activateLease } from "@gridlease/sdk";
import { attestAudit, AuditVerdict } from "@gridlease/sdk/eas";
import {
  BUYER_KEY,
  cli,
  key,
  OFFER_TERMS,
  okJson,
  onChain,
  OTHER_KEY,
  PROVIDER_KEY,
  startChain,
  tempDir,
  type Chain,
} from "./support.ts";
import { nonceOf, startAttestations, walletFor, type Attestations } from "./support/eas.ts";

const AUTHORITY_KEY = key(5);
/** Hardhat account #17: the local chain's published auditor. */
const AUDITOR_KEY = key(17);
const address = (k: Hex) => privateKeyToAccount(k).address;
const BUYER = address(BUYER_KEY);
const PUBLISHED = address(AUDITOR_KEY);
const OUTSIDER = address(OTHER_KEY);

let chain: Chain;
let eas: Attestations;
let dir: string;
let keyFile: string;
let offerId: string;
let leaseId: string;
const onTest = onChain(() => chain);
const run = (k: Hex, args: string[], env: NodeJS.ProcessEnv = {}) =>
  onTest(k, args, { env: { ...eas.env, ...env } });

/** Runs a command expected to be refused with `code`/`kind`, and checks the sender sent nothing. */
async function refused(k: Hex, args: string[], code: number, kind: string, words?: RegExp) {
  const before = await nonceOf(chain, address(k));
  const r = await run(k, args);
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(code);
  expect(r.json.error.kind).toBe(kind);
  if (words) expect(r.json.error.message).toMatch(words);
  expect(await nonceOf(chain, address(k))).toBe(before);
  return r;
}

beforeAll(async () => {
  chain = await startChain();
  eas = await startAttestations(chain);
  dir = tempDir();
  keyFile = join(dir, "buyer.key");
  await okJson(cli(["keys", "generate", "--out", keyFile]));
  await okJson(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
  await okJson(
    run(PROVIDER_KEY, ["provider", "bond", "deposit", "--token", "tUSD", "--amount", "5000"]),
  );
  const offer = await okJson(
    run(PROVIDER_KEY, [
      "offer",
      "create",
      "--gpu-model",
      "H100-SXM-80GB",
      "--gpus-per-unit",
      "8",
      "--units",
      "2",
      ...OFFER_TERMS,
    ]),
  );
  offerId = offer.offerId;
  const opened = await okJson(
    run(BUYER_KEY, [
      "lease",
      "open",
      "--offer",
      offerId,
      "--units",
      "1",
      "--duration",
      "2h",
      "--key",
      keyFile,
    ]),
  );
  leaseId = opened.leaseId;
});

afterAll(async () => {
  await chain?.stop();
});

describe("gridlease review", () => {
  it("refuses bad input, a lease not yet activated and a caller who is not the buyer, sending nothing", async () => {
    expect((await run(BUYER_KEY, ["review", leaseId, "--score", "6"])).code).toBe(2);
    expect((await run(BUYER_KEY, ["review", leaseId, "--score", "0"])).code).toBe(2);
    expect((await run(BUYER_KEY, ["review", leaseId])).code).toBe(2);
    expect(
      (
        await run(BUYER_KEY, [
          "review",
          leaseId,
          "--score",
          "3",
          "--verified",
          join(dir, "missing.json"),
        ])
      ).code,
    ).toBe(2);
    await refused(BUYER_KEY, ["review", "99", "--score", "3"], 7, "not-found");
    await refused(
      BUYER_KEY,
      ["review", leaseId, "--score", "3"],
      3,
      "not-activated",
      /never activated/,
    );
    await refused(
      OTHER_KEY,
      ["review", leaseId, "--score", "3"],
      3,
      "not-lease-buyer",
      /only its buyer can review it/,
    );
  });

  it("posts the buyer's review with a verify run's result once, then refuses a second", async () => {
    const provider = walletFor(chain, PROVIDER_KEY);
    await (
      await activateLease(provider, {
        market: chain.market,
        leaseId: BigInt(leaseId),
        encryptedAccess: "0x01",
      })
    ).wait();
    const reportHash = keccak256(toHex("the machine's report"));
    const verifyRun = join(dir, "verify.json");
    writeFileSync(
      verifyRun,
      JSON.stringify({ leaseId: "42", match: true, verdict: { reportHash } }),
    );
    const wrongLease = await run(BUYER_KEY, [
      "review",
      leaseId,
      "--score",
      "4",
      "--verified",
      verifyRun,
    ]);
    expect(wrongLease.code).toBe(2);
    expect(wrongLease.json.error.message).toMatch(/verify run of lease #42/);
    writeFileSync(verifyRun, JSON.stringify({ leaseId, match: true, verdict: { reportHash } }));
    const posted = await okJson(
      run(BUYER_KEY, ["review", leaseId, "--score", "4", "--verified", verifyRun]),
    );
    expect(posted).toMatchObject({ leaseId, score: 4, verified: true, reportHash });
    expect(posted.uid).toMatch(/^0x[0-9a-f]{64}$/);
    await refused(
      BUYER_KEY,
      ["review", leaseId, "--score", "5"],
      3,
      "already-reviewed",
      new RegExp(posted.uid),
    );
  });
});

describe("buyer vetting and offer require", () => {
  it("vets a buyer, sets the requirement, registers, checks and revokes, refusing each bad step", async () => {
    const vetted = await okJson(
      run(AUTHORITY_KEY, ["vet", BUYER, "--evidence", "passport and company register checked"]),
    );
    expect(vetted.evidenceHash).toBe(keccak256(toHex("passport and company register checked")));
    const uid: string = vetted.uid;
    expect((await run(AUTHORITY_KEY, ["vet", "0x12"])).code).toBe(2);
    expect((await run(AUTHORITY_KEY, ["vet", BUYER, "--expires", "0"])).code).toBe(2);

    const requireArgs = (extra: string[]) => ["offer", "require", offerId, ...extra];
    expect(
      (
        await run(
          PROVIDER_KEY,
          requireArgs(["--schema", "vetting", "--attesters", `${BUYER},${BUYER}`]),
        )
      ).code,
    ).toBe(2);
    expect(
      (await run(PROVIDER_KEY, requireArgs(["--schema", "kyc", "--attesters", BUYER]))).code,
    ).toBe(2);
    const authority = address(AUTHORITY_KEY);
    await refused(
      OTHER_KEY,
      requireArgs(["--schema", "vetting", "--attesters", authority]),
      3,
      "not-offer-provider",
    );
    await refused(
      PROVIDER_KEY,
      requireArgs(["--schema", keccak256(toHex("no such schema")), "--attesters", authority]),
      3,
      "UnknownSchema",
      /not registered/,
    );
    const set = await okJson(
      run(PROVIDER_KEY, requireArgs(["--schema", "vetting", "--attesters", authority])),
    );
    expect(set).toMatchObject({
      kind: "vetting",
      schema: eas.deployment.schemas.vetting.uid,
      usesPolicy: false,
    });

    const check = async () => okJson(run(BUYER_KEY, ["vet", "check", offerId]));
    expect(await check()).toMatchObject({
      code: 2,
      allowed: false,
      reason: expect.stringMatching(/registered no attestation/),
    });
    await refused(OTHER_KEY, ["vet", "register", uid], 3, "not-recipient");
    await refused(BUYER_KEY, ["vet", "register", `0x${"ab".repeat(32)}`], 7, "not-found");
    await okJson(run(BUYER_KEY, ["vet", "register", uid]));
    expect(await check()).toMatchObject({ code: 0, allowed: true });

    await refused(OTHER_KEY, ["vet", "revoke", uid], 3, "not-attester");
    await okJson(run(AUTHORITY_KEY, ["vet", "revoke", uid]));
    await refused(AUTHORITY_KEY, ["vet", "revoke", uid], 3, "already-revoked");
    expect(await check()).toMatchObject({ code: 4, reason: expect.stringMatching(/revoked/) });
    await refused(BUYER_KEY, ["vet", "register", uid], 3, "revoked");
  });

  it("an offer under the AttestationPolicy leases to the vetted buyer and refuses another before sending", async () => {
    const vettedOffer = await okJson(
      run(PROVIDER_KEY, [
        "offer",
        "create",
        "--gpu-model",
        "H100-SXM-80GB",
        "--gpus-per-unit",
        "8",
        "--units",
        "2",
        "--policy",
        "attestation",
        ...OFFER_TERMS,
      ]),
    );
    const id: string = vettedOffer.offerId;
    const authority = address(AUTHORITY_KEY);
    expect(
      await okJson(
        run(PROVIDER_KEY, [
          "offer",
          "require",
          id,
          "--schema",
          "vetting",
          "--attesters",
          authority,
        ]),
      ),
    ).toMatchObject({ usesPolicy: true });
    const open = () => [
      "lease",
      "open",
      "--offer",
      id,
      "--units",
      "1",
      "--duration",
      "2h",
      "--key",
      keyFile,
    ];
    await refused(OTHER_KEY, open(), 3, "Market_BuyerNotAllowed", /registered no attestation/);
    const vetted = await okJson(run(AUTHORITY_KEY, ["vet", BUYER]));
    await okJson(run(BUYER_KEY, ["vet", "register", vetted.uid]));
    expect(await okJson(run(BUYER_KEY, ["vet", "check", id]))).toMatchObject({
      allowed: true,
      usesPolicy: true,
    });
    expect(await okJson(run(BUYER_KEY, open()))).toMatchObject({ offerId: id, status: "Pending" });
  });

  it("refuses to register a vetting that has expired", async () => {
    const vetted = await okJson(run(AUTHORITY_KEY, ["vet", BUYER, "--expires", "1h"]));
    await chain.advance(3601);
    await refused(BUYER_KEY, ["vet", "register", vetted.uid], 3, "expired", /expired at/);
  });
});

describe("gridlease audit revoke", () => {
  it("only the auditor revokes, once; a uid of another schema or none is named", async () => {
    const auditor = walletFor(chain, AUDITOR_KEY);
    const validUntil = BigInt(Math.floor(Date.now() / 1000)) + 30n * 86400n;
    const { uid } = await (
      await attestAudit(auditor, {
        deployment: eas.deployment,
        offerId: BigInt(offerId),
        provider: address(PROVIDER_KEY),
        hardwareReportHash: keccak256(toHex("r")),
        verdict: AuditVerdict.Pass,
        validUntil,
      })
    ).wait();
    expect((await run(AUDITOR_KEY, ["audit", "revoke", "0x1234"])).code).toBe(2);
    await refused(AUDITOR_KEY, ["audit", "revoke", `0x${"cd".repeat(32)}`], 7, "not-found");
    const vetting = await okJson(run(AUTHORITY_KEY, ["vet", BUYER]));
    await refused(
      AUTHORITY_KEY,
      ["audit", "revoke", vetting.uid],
      3,
      "wrong-schema",
      /is a vetting, not a audit/,
    );
    await refused(
      OTHER_KEY,
      ["audit", "revoke", uid],
      3,
      "not-attester",
      /only its auditor can revoke it/,
    );
    expect(await okJson(run(AUDITOR_KEY, ["audit", "revoke", uid]))).toMatchObject({
      uid,
      revoked: true,
    });
    await refused(AUDITOR_KEY, ["audit", "revoke", uid], 3, "already-revoked");
  });

  it("a malformed GRIDLEASE_ATTESTATIONS is a configuration error (exit 5)", async () => {
    const r = await onTest(AUDITOR_KEY, ["audit", "revoke", `0x${"cd".repeat(32)}`], {
      env: { GRIDLEASE_ATTESTATIONS: "{not json" },
    });
    expect(r.code).toBe(5);
    expect(r.json.error.message).toMatch(/GRIDLEASE_ATTESTATIONS is not JSON/);
  });
});

/**
 * A stand-in indexer: answers each query with what is given for its field (a list as a page of rows, anything else
 * as it is), recording the filters (or ids) asked for.
 */
async function fakeIndexer(rows: Record<string, unknown>) {
  const asked: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { query, variables } = JSON.parse(body);
      const field = /\{\s*(\w+)\(/.exec(query)?.[1] ?? "";
      asked.push(variables.where ?? variables.id);
      const value = rows[field];
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          data: {
            [field]: Array.isArray(value)
              ? { items: value, pageInfo: { hasNextPage: false, endCursor: null } }
              : (value ?? null),
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, asked, close: () => new Promise((r) => server.close(r)) };
}

describe("gridlease audit list", () => {
  const far = String(Math.floor(Date.now() / 1000) + 10 * 86400);
  const row = (n: number, offer: string, auditor: Address) => ({
    id: `0x${n.toString(16).padStart(64, "0")}`,
    offer: { id: offer },
    provider: { id: address(PROVIDER_KEY).toLowerCase() },
    auditor: auditor.toLowerCase(),
    hardwareReportHash: keccak256(toHex("r")),
    verdict: 1,
    validUntil: far,
    attestedAt: "1",
    revokedAt: null,
  });

  it("marks audits by auditors outside the trusted list unverified; --auditors changes whom to trust", async () => {
    const indexer = await fakeIndexer({ audits: [row(1, "1", PUBLISHED), row(2, "2", OUTSIDER)] });
    try {
      const list = (extra: string[] = []) =>
        okJson(run(BUYER_KEY, ["audit", "list", "--indexer-url", indexer.url, ...extra]));
      const published = await list(["--provider", address(PROVIDER_KEY)]);
      expect(indexer.asked[0]).toEqual({ provider: address(PROVIDER_KEY).toLowerCase() });
      expect(published.trustedAuditors).toEqual({ auditors: [PUBLISHED], source: "published" });
      expect(published.offers.map((o: { status: { status: string } }) => o.status.status)).toEqual([
        "audited",
        "unverified",
      ]);
      expect(published.audits.map((a: { trusted: boolean }) => a.trusted)).toEqual([true, false]);
      const mine = await list(["--auditors", OUTSIDER]);
      expect(mine.offers.map((o: { status: { status: string } }) => o.status.status)).toEqual([
        "unverified",
        "audited",
      ]);
      const fromEnv = await okJson(
        run(BUYER_KEY, ["audit", "list", "--indexer-url", indexer.url], {
          GRIDLEASE_TRUSTED_AUDITORS: OUTSIDER,
        }),
      );
      expect(fromEnv.trustedAuditors.source).toBe("env");
      const text = await cli([
        "audit",
        "list",
        "--indexer-url",
        indexer.url,
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ]);
      expect(text.stdout).toMatch(/Offer #1: audited by 0x/);
      expect(text.stdout).toMatch(/Offer #2: unverified: audited only by/);
      expect(text.stdout).toMatch(/\(unverified\)/);
      expect(
        (
          await run(BUYER_KEY, [
            "audit",
            "list",
            "--indexer-url",
            indexer.url,
            "--auditors",
            "0xnope",
          ])
        ).code,
      ).toBe(2);
      expect(
        (await run(BUYER_KEY, ["audit", "list", "--indexer-url", indexer.url, "--offer", "x"]))
          .code,
      ).toBe(2);
    } finally {
      await indexer.close();
    }
  });
});

describe("gridlease review list", () => {
  it("lists reviews with the fee that weighs each, filtered by lease", async () => {
    const indexer = await fakeIndexer({
      reviews: [
        {
          id: `0x${"0a".repeat(32)}`,
          lease: { id: "7" },
          provider: { id: address(PROVIDER_KEY).toLowerCase() },
          buyer: { id: BUYER.toLowerCase() },
          score: 5,
          verified: true,
          reportHash: keccak256(toHex("r")),
          createdAt: "1700000000",
          feeWeight: "2500",
        },
      ],
    });
    try {
      const r = await okJson(
        run(BUYER_KEY, ["review", "list", "--lease", "7", "--indexer-url", indexer.url]),
      );
      expect(indexer.asked[0]).toEqual({ lease: "7" });
      expect(r.reviews).toEqual([
        expect.objectContaining({ leaseId: "7", score: 5, verified: true, feeWeight: "2500" }),
      ]);
      const text = await cli([
        "review",
        "list",
        "--indexer-url",
        indexer.url,
        "--rpc-url",
        chain.url,
      ]);
      expect(text.stdout).toMatch(/#7 .* 5\/5 +yes +\$0\.0025/);
      expect(
        (await run(BUYER_KEY, ["review", "list", "--buyer", "me", "--indexer-url", indexer.url]))
          .code,
      ).toBe(2);
    } finally {
      await indexer.close();
    }
  });
});

describe("gridlease provider score", () => {
  const evidence = (id: string, fee: bigint, reviews: number) => ({
    id: id.toLowerCase(),
    completedWeight: String(fee),
    faultWeight: "0",
    noShowWeight: "0",
    deliveredWeight: String(fee),
    uptimeWeight: String(fee),
    reviewWeight: String(fee),
    reviewScoreWeight: String(5n * fee),
    feesPaidUsdMicros: String(fee),
    auditedUntil: "0",
    reviewCount: reviews,
    auditCount: 0,
  });
  // A record built over $2,000 of fees, and a perfect one padded for $0.01 (one base unit per GPU-hour).
  const honest = evidence(address(PROVIDER_KEY), 2_000_000_000n, 12);
  const padded = evidence(OUTSIDER, 10_000n, 40);

  it("ranks providers by their fee-weighted score: a record padded for cents stays at the prior", async () => {
    const indexer = await fakeIndexer({ providers: [padded, honest], provider: padded });
    try {
      const all = await okJson(run(BUYER_KEY, ["provider", "score", "--indexer-url", indexer.url]));
      expect(all.providers.map((p: { provider: string }) => p.provider)).toEqual([
        honest.id,
        padded.id,
      ]);
      const [top, low] = all.providers.map(
        (p: { reputation: { scoreBps: number } }) => p.reputation.scoreBps,
      );
      expect(top).toBeGreaterThan(8000);
      expect(low).toBeLessThan(5100);
      expect(all.sybilCost).toMatchObject({
        median: expect.any(String),
        costUsdMicros: expect.any(String),
      });
      const one = await cli([
        "provider",
        "score",
        OUTSIDER,
        "--indexer-url",
        indexer.url,
        "--rpc-url",
        chain.url,
      ]);
      expect(one.code, one.stderr).toBe(0);
      expect(indexer.asked.at(-1)).toBe(OUTSIDER.toLowerCase());
      expect(one.stdout).toMatch(/\$0\.01 of protocol fees behind the record; 40 review\(s\)/);
      expect(one.stdout).toMatch(/reviews .*reviewWeight \$0\.01/);
    } finally {
      await indexer.close();
    }
    const none = await fakeIndexer({ provider: null });
    try {
      const r = await run(BUYER_KEY, ["provider", "score", OUTSIDER, "--indexer-url", none.url]);
      expect(r.code).toBe(7);
    } finally {
      await none.close();
    }
  });
});

describe("the attestation settings", () => {
  it("trusted auditors and EAS addresses from the environment or the config file, a bad one named (exit 5)", async () => {
    const show = (env: NodeJS.ProcessEnv, extra: string[] = []) =>
      cli(["config", "show", "--rpc-url", chain.url, "--json", ...extra], { env });
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ trustedAuditors: [OUTSIDER.toLowerCase()] }));
    const fromFile = await okJson(show({}, ["--config", config]));
    expect(fromFile.trustedAuditors).toEqual({ value: [OUTSIDER], source: "file" });
    expect((await okJson(show({}))).trustedAuditors).toEqual({
      value: [PUBLISHED],
      source: "published",
    });
    const badList = await show({ GRIDLEASE_TRUSTED_AUDITORS: `${PUBLISHED},0x12` });
    expect(badList.code).toBe(5);
    expect(badList.json.error.message).toMatch(
      /GRIDLEASE_TRUSTED_AUDITORS: "0x12" is not a 0x address/,
    );
    const badContracts = await show({ GRIDLEASE_ATTESTATIONS: JSON.stringify({ eas: PUBLISHED }) });
    expect(badContracts.code).toBe(5);
    expect(badContracts.json.error.message).toMatch(/needs "schemaRegistry" as a 0x address/);
    expect((await okJson(show(eas.env))).attestations).toMatchObject({
      value: { eas: eas.deployment.eas },
      source: "env",
    });
  });
});
