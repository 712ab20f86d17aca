/**
 * `npm run dev` as a newcomer runs it: the stack comes up on spare ports, serves a seeded market, its provider
 * agents activate a lease opened on a seeded offer (and leave the seeded history alone), resolve an outage its
 * buyer reports (the demo hook answers healthy as the health hook), top up the seeded datacenter lease under its
 * allowance (issue #12), indexes the seed's test-PKI attestation claim, and Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  maxUint256,
  type PublicClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allowlistPolicyAbi,
  gridleaseMarketAbi,
  gridleaseTokenAbi,
  testUSDAbi,
} from "@gridlease/sdk/abis";
import { canLease, type LeaseTermsRequest } from "@gridlease/sdk";
import {
  createIndexerClient,
  getLeaseContext,
  getOfferClaim,
  leaseConditions,
  listOffers,
} from "@gridlease/sdk/indexer";
import { verifyOfferClaim } from "@gridlease/sdk/attestation";
import { accessKeyFromSecret, openAccess, randomAccessSecret } from "@gridlease/sdk/accessKeys";
import {
  ensureAllowance,
  getAccessPayload,
  getLease,
  getLeaseState,
  getOffer,
  getLeaseTerms,
  getOfferAttestation,
  openLease,
  reportOutage,
} from "@gridlease/sdk/actions";
import { deployments } from "@gridlease/sdk/deployments";
import { LeaseStatus } from "./support/market.ts";
import { DEAL_ACCOUNTS } from "../../scripts/lib/seed/deals.ts";

const market = deployments["31337"].contracts.GridleaseMarket.address;
const grid = deployments["31337"].contracts.GridleaseToken.address;
const usd = deployments["31337"].contracts.TestUSD.address;
/** The app's dev accounts: #1 seeded provider, #15 seeded buyer, #19 not yet a provider. */
const devAccounts = [
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
  "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199",
] as const;

/** A port nothing listens on right now. */
function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startDev(args: string[]) {
  const child = spawn("node", ["scripts/dev.ts", ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const waitFor = async (text: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (child.exitCode !== null)
        throw new Error(`npm run dev exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`"${text}" not printed in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, output: () => output, exited, waitFor };
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.pid && groupAlive(c.pid)) process.kill(-c.pid, "SIGKILL");
});

/** Hardhat's default account #`index` (public test keys). */
const hardhatAccount = (index: number) =>
  mnemonicToAccount("test test test test test test test test test test test junk", {
    addressIndex: index,
  });

describe("npm run dev", () => {
  let dev: ReturnType<typeof startDev>;
  let chainPort = 0;
  let indexerPort = 0;
  let appPort = 0;
  let client: PublicClient;

  beforeAll(async () => {
    // Other test files start nodes on spare ports too: if one takes a port between the check and the start,
    // the stack says so (exit 3) and the test tries fresh ports.
    for (let attempt = 0; attempt < 3 && !dev; attempt++) {
      const ports = [await sparePort(), await sparePort(), await sparePort()];
      [chainPort, indexerPort, appPort] = ports;
      const run = startDev([
        "--port",
        `${ports[0]}`,
        "--indexer-port",
        `${ports[1]}`,
        "--app-port",
        `${ports[2]}`,
      ]);
      started.push(run.child);
      const ready = await run.waitFor("Press Ctrl-C to stop.", 180_000).then(
        () => true,
        () => false,
      );
      if (ready) dev = run;
      else if ((await run.exited) !== 3) throw new Error(`npm run dev failed:\n${run.output()}`);
    }
    if (!dev) throw new Error("npm run dev found no free ports in three attempts");
    client = createPublicClient({ transport: http(`http://127.0.0.1:${chainPort}`) });
  }, 600_000);

  it("serves a seeded market on the given ports", async () => {
    expect(dev.output()).toContain(`http://127.0.0.1:${chainPort}`);
    expect(dev.output()).toContain(`http://127.0.0.1:${appPort}/`);
    // The app's dev server answers, wired to this stack's chain and indexer.
    const page = await fetch(`http://127.0.0.1:${appPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"');
    const env = await (await fetch(`http://127.0.0.1:${appPort}/src/config/env.ts`)).text();
    expect(env).toContain(`http://127.0.0.1:${chainPort}`);
    expect(env).toContain(`http://127.0.0.1:${indexerPort}`);

    expect(await client.getChainId()).toBe(31337);
    const leases = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "leaseCount",
    });
    const offers = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "offerCount",
    });
    expect(leases).toBeGreaterThanOrEqual(150n);
    // The indexer serves the same history over GraphQL.
    const res = await fetch(`http://127.0.0.1:${indexerPort}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ leases(limit: 1) { totalCount } }" }),
    });
    const body = (await res.json()) as { data: { leases: { totalCount: number } } };
    expect(BigInt(body.data.leases.totalCount)).toBe(leases);
    expect(offers).toBeGreaterThanOrEqual(40n);
    // The dev accounts the app offers are funded to bond, rent and extend by hand.
    for (const who of devAccounts) {
      const gridBalance = await client.readContract({
        address: grid,
        abi: gridleaseTokenAbi,
        functionName: "balanceOf",
        args: [who],
      });
      expect(gridBalance).toBeGreaterThanOrEqual(100_000n * 10n ** 18n);
    }
    for (const who of devAccounts.slice(1)) {
      const usdBalance = await client.readContract({
        address: usd,
        abi: testUSDAbi,
        functionName: "balanceOf",
        args: [who],
      });
      expect(usdBalance).toBeGreaterThanOrEqual(1_000_000n * 10n ** 6n);
    }
    // The seeded history ends at the present, so the chain's clock is close to the wall clock.
    const block = await client.getBlock();
    expect(Math.abs(Number(block.timestamp) - Date.now() / 1000)).toBeLessThan(3600);
  });

  it("indexes the seed's attestation claim, which the SDK does not verify on NVIDIA's root", async () => {
    expect(dev.output()).toContain(
      "1 offer claims an NVIDIA attestation made with a test PKI (the app must show it unverified)",
    );
    const indexer = createIndexerClient({ url: `http://127.0.0.1:${indexerPort}` });
    const claimed = (await listOffers(indexer)).filter((o) => o.attestation !== null);
    expect(
      claimed.map((o) => [o.region, o.gpuModel.slice(0, 4), o.attestation!.generation]),
    ).toEqual([["SG", "H100", "hopper"]]);
    const offer = claimed[0]!;
    const claim = (await getOfferClaim(indexer, offer.offerId))!;
    expect(claim.reportHash).toBe(offer.attestation!.reportHash);
    const onChain = await getOfferAttestation(client, { market, offerId: offer.offerId });
    expect(onChain.reportHash).toBe(claim.reportHash);
    const verdict = await verifyOfferClaim(claim, offer);
    expect(verdict.genuine).toBe(false);
    expect(verdict.failures.map((f) => f.code)).toEqual(["UntrustedRoot"]);
  });

  it("activates a lease opened on a seeded provider's offer within seconds, with access the buyer can decrypt, and resolves an outage its buyer reports", async () => {
    // The printout names the served providers, dev account #1 among them.
    expect(dev.output()).toContain("Provider agents: every seeded provider is served");
    const provider = hardhatAccount(1).address;
    expect(dev.output()).toMatch(new RegExp(`#1 .*${provider}`));

    // The seeded history's pending leases, which the agents must leave alone.
    const count = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "leaseCount",
    });
    const seededPending: bigint[] = [];
    for (let id = 1n; id <= count; id++)
      if ((await getLease(client, { market, leaseId: id })).status === LeaseStatus.Pending)
        seededPending.push(id);
    expect(seededPending.length).toBeGreaterThan(0);

    // Dev account #15 rents one server on provider #1's first open offer in TestUSD.
    const offerCount = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "offerCount",
    });
    let offerId: bigint | undefined;
    for (let id = 1n; id <= offerCount && offerId === undefined; id++) {
      const o = await getOffer(client, { market, offerId: id });
      if (
        getAddress(o.provider) === provider &&
        getAddress(o.paymentToken) === getAddress(usd) &&
        !o.paused &&
        o.unitsInUse < o.totalUnits
      )
        offerId = id;
    }
    if (offerId === undefined) throw new Error("provider #1 has no open TestUSD offer");
    const offer = await getOffer(client, { market, offerId });
    const buyer = createWalletClient({
      account: hardhatAccount(15),
      transport: http(`http://127.0.0.1:${chainPort}`),
    });
    const keys = accessKeyFromSecret(randomAccessSecret());
    const deposit =
      offer.pricePerGpuHour * BigInt(offer.gpusPerUnit) * (BigInt(offer.minDuration) / 3600n + 1n);
    const { approval } = await ensureAllowance(buyer, {
      token: usd,
      spender: market,
      amount: deposit,
    });
    await approval?.wait({ client });
    const { leaseId } = await (
      await openLease(buyer, {
        market,
        offerId,
        units: 1n,
        duration: BigInt(offer.minDuration),
        maxPricePerGpuHour: offer.pricePerGpuHour,
        buyerPublicKey: keys.publicKeyHex,
      })
    ).wait({ client });

    // The agent of provider #1 provisions (demo hook) and activates it: poll, with a bounded wait.
    const deadline = Date.now() + 30_000;
    let status = (await getLease(client, { market, leaseId })).status;
    while (status !== LeaseStatus.Active && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await getLease(client, { market, leaseId })).status;
    }
    expect(status, `lease ${leaseId} activated by the agent\n${dev.output()}`).toBe(
      LeaseStatus.Active,
    );
    const payload = await getAccessPayload(client, { market, leaseId, fromBlock: 0n });
    if (!payload) throw new Error(`lease ${leaseId} has no access payload`);
    const access = openAccess(keys.secretKey, payload.encryptedAccess, {
      expectedPublicKey: keys.publicKeyHex,
    });
    expect(access).toMatchObject({
      host: `lease-${leaseId}.demo.gridlease.invalid`,
      port: 22,
      user: `lease${leaseId}`,
      token: expect.stringMatching(/^[0-9a-f]{64}$/),
      demo: true,
    });
    expect(dev.output()).toContain(`lease ${leaseId} activated`);

    // The buyer reports the server down; the agent's health hook (the demo hook: healthy) gets it resolved.
    await (
      await reportOutage(buyer, {
        market,
        leaseId,
        units: 1n,
        evidenceHash: `0x${"ab".repeat(32)}`,
      })
    ).wait({ client });
    const outageDeadline = Date.now() + 30_000;
    let outage = (await getLeaseState(client, { market, leaseId })).state;
    while (outage.downUnits > 0n && Date.now() < outageDeadline) {
      await new Promise((r) => setTimeout(r, 500));
      outage = (await getLeaseState(client, { market, leaseId })).state;
    }
    expect(outage.downUnits, `outage of lease ${leaseId} resolved\n${dev.output()}`).toBe(0n);
    expect(outage.outageReports).toBe(1n);

    // The agents have made many passes since: the seeded pending leases are still pending.
    for (const id of seededPending)
      expect((await getLease(client, { market, leaseId: id })).status, `seeded lease ${id}`).toBe(
        LeaseStatus.Pending,
      );
  });

  it("keeps the seeded datacenter lease funded: its provider's agent executes the top-up the allowance permits", async () => {
    const provider = getAddress(hardhatAccount(DEAL_ACCOUNTS.datacenter).address);
    expect(dev.output()).toMatch(new RegExp(`#${DEAL_ACCOUNTS.datacenter} .*${provider}`));
    // The seed's last top-ups were hours of chain time before it ended at the present: the runway is below the
    // allowance's threshold, so the agent's first passes top up. Poll, with a bounded wait.
    // The seeded history's last block, from the printed summary ("blocks 18..823").
    const seededEnd = BigInt(/blocks \d+\.\.(\d+)/.exec(dev.output())![1]);
    const deadline = Date.now() + 60_000;
    const byAgent = async () => {
      const events = await client.getContractEvents({
        address: market,
        abi: gridleaseMarketAbi,
        eventName: "TopUpExecuted",
        fromBlock: 0n,
        strict: true,
      });
      return events.filter(
        (e) => e.blockNumber > seededEnd && getAddress(e.args.executor) === provider,
      );
    };
    let executed = await byAgent();
    while (executed.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      executed = await byAgent();
    }
    expect(executed.length, `a top-up by the agent\n${dev.output()}`).toBeGreaterThan(0);
    const [top] = executed;
    const terms = await getLeaseTerms(client, { market, leaseId: top.args.leaseId });
    expect(terms.rolling).toBe(true);
    expect(terms.fundedUntil).toBeGreaterThanOrEqual(top.args.fundedUntil);
  });

  it("agrees with the contract on which seeded offers can be leased: canLease on the indexer's rows vs eth_call of openLease", async () => {
    // A buyer with every token it could need, so that only the market's own checks can refuse it: the deployer
    // (#0) holds GRID's supply; TestUSD mints to anyone. canLease leaves balance and allowance to the buyer.
    const buyer = hardhatAccount(0);
    const wallet = createWalletClient({
      account: buyer,
      transport: http(`http://127.0.0.1:${chainPort}`),
    });
    const mint = await wallet.writeContract({
      chain: null,
      address: usd,
      abi: testUSDAbi,
      functionName: "mint",
      args: [buyer.address, 10n ** 15n * 10n ** 6n],
    });
    await client.waitForTransactionReceipt({ hash: mint });
    for (const token of [usd, grid]) {
      const hash = await wallet.writeContract({
        chain: null,
        address: token,
        abi: testUSDAbi,
        functionName: "approve",
        args: [market, maxUint256],
      });
      await client.waitForTransactionReceipt({ hash });
    }
    const approvedAt = await client.getBlockNumber();

    // Everything is read at one block: the one the indexer has indexed, once it covers the approvals.
    const indexer = createIndexerClient({ url: `http://127.0.0.1:${indexerPort}` });
    let blockNumber = 0n;
    for (let i = 0; i < 100 && blockNumber < approvedAt; i++) {
      blockNumber = BigInt((await indexer.indexedBlock())?.number ?? 0);
      if (blockNumber < approvedAt) await new Promise((r) => setTimeout(r, 300));
    }
    expect(blockNumber).toBeGreaterThanOrEqual(approvedAt);
    const penaltyBps = await client.readContract({
      address: market,
      abi: gridleaseMarketAbi,
      functionName: "PENALTY_BPS",
    });

    const offers = await listOffers(indexer);
    expect(offers.length).toBeGreaterThanOrEqual(40);
    const outcomes = new Map<string, number>();
    for (const offer of offers) {
      const conditions = leaseConditions(await getLeaseContext(indexer, offer.offerId), penaltyBps);
      const restricted =
        offer.buyerPolicy.toLowerCase() !== "0x0000000000000000000000000000000000000000";
      const buyerAllowed = restricted
        ? await client.readContract({
            address: offer.buyerPolicy,
            abi: allowlistPolicyAbi,
            functionName: "isAllowed",
            args: [offer.provider, offer.offerId, buyer.address],
            blockNumber,
          })
        : undefined;
      const free = offer.totalUnits - offer.unitsInUse;
      const variants: Pick<LeaseTermsRequest, "units" | "duration" | "maxPricePerGpuHour">[] = [
        { units: 1n, duration: offer.minDuration },
        { units: free + 1n, duration: offer.minDuration },
        { units: 1n, duration: offer.maxDuration + 1n },
        { units: 1n, duration: offer.minDuration, maxPricePerGpuHour: offer.pricePerGpuHour - 1n },
      ];
      for (const terms of variants) {
        const predicted = canLease(offer, { ...terms, buyerAllowed, ...conditions });
        const maxPrice = terms.maxPricePerGpuHour ?? maxUint256;
        const actual = await client
          .simulateContract({
            account: buyer,
            address: market,
            abi: gridleaseMarketAbi,
            functionName: "openLease",
            args: [offer.offerId, terms.units, terms.duration, maxPrice, `0x${"11".repeat(32)}`],
            blockNumber,
          })
          .then(
            () => "ok",
            (err: unknown) => {
              const reverted =
                err instanceof BaseError &&
                err.walk((e) => e instanceof ContractFunctionRevertedError);
              return reverted instanceof ContractFunctionRevertedError
                ? (reverted.data?.errorName ?? "unknown revert")
                : `not a revert: ${String(err)}`;
            },
          );
        const expected = predicted.ok ? "ok" : predicted.error;
        expect({ offerId: offer.offerId, ...terms, result: actual }).toEqual({
          offerId: offer.offerId,
          ...terms,
          result: expected,
        });
        outcomes.set(actual, (outcomes.get(actual) ?? 0) + 1);
      }
    }
    // The seeded market exercises both answers and several refusals, so the agreement is not vacuous.
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((k) => k !== "ok").length).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it("stops every process on Ctrl-C", async () => {
    process.kill(dev.child.pid!, "SIGINT");
    expect(await dev.exited).toBe(0);
    expect(groupAlive(dev.child.pid!)).toBe(false);
    expect(await portIsFree(chainPort)).toBe(true);
    expect(await portIsFree(indexerPort)).toBe(true);
    expect(await portIsFree(appPort)).toBe(true);
    await expect(client.getChainId()).rejects.toThrow();
  });
});

describe("npm run dev, bad input", () => {
  it("refuses a taken port with a plain message and exit code 3, starting nothing", async () => {
    const port = await sparePort();
    const blocker = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const dev = startDev(["--port", `${port}`, "--no-seed"]);
      started.push(dev.child);
      expect(await dev.exited).toBe(3);
      expect(dev.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("rejects bad arguments with exit code 2", async () => {
    const dev = startDev(["--port", "eighty"]);
    started.push(dev.child);
    expect(await dev.exited).toBe(2);
    expect(dev.output()).toContain(
      '--port must be a whole number from 1024 to 65535, got "eighty"',
    );
  });
});
