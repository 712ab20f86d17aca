/**
 * The mismatch loop of issue #11 on a real chain against a real sshd: the provider lists a server with `offer
 * create --detect` (the fake nvidia-smi prints the 8-GPU H100 fixture); the agent provisions the lease with the
 * shipped ssh-account hook and activates it with the sealed report; the machine then reports other GPUs (the
 * MISMATCH fixture), so `lease verify --report-outage-on-mismatch` fails and reports an outage with the verdict's
 * hash; the agent's health hook fails, so it never resolves; after the repair window (chain time advanced) the
 * buyer ends the lease with `lease outage end`, and its tUSD balance grows by exactly the refund (the deposit less
 * what was billed until the report) plus the bond penalty, paid in the lease's token from the provider's tUSD bond
 * (its GRID balance does not move). Accounts are removed even when it fails.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  cost,
  getLease,
  gridleaseMarketAbi,
  gridleaseTokenAbi,
  penalty,
  stakePenalty,
} from "@gridlease/sdk";
import { BUYER_KEY, FIXTURES, okJson, type AgentProcess, type Chain } from "./support.ts";
import { accountExists, sshdUnavailable, type Sshd } from "./support/sshd.ts";
import { startSshHost, type SshHost } from "./support/sshHost.ts";

const skip = sshdUnavailable();

let host: SshHost;
let chain: Chain;
let sshd: Sshd;
let agent: AgentProcess;
let keyFile: string;

const ok = okJson;

describe.skipIf(skip)("the mismatch loop: verify fails, outage, no repair, the buyer ends", () => {
  beforeAll(async () => {
    host = await startSshHost({
      accountPrefix: "glloop",
      offerFlags: ["--repair-window", "15m"],
      agentFlags: (dir) => [
        // The machine is not what was listed: the operator's health check fails (the test hook says so).
        "--health-hook",
        `node ${join(FIXTURES, "hook.mjs")} unhealthy ${join(dir, "health.log")}`,
        "--health-interval",
        "0.5",
        "--backoff-max",
        "2",
      ],
    });
    ({ chain, sshd, agent, keyFile } = host);
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("refunds the unbilled deposit and pays the penalty to a buyer whose machine was never repaired", async () => {
    const client = createPublicClient({ transport: http(chain.url) });
    const buyer = privateKeyToAccount(BUYER_KEY).address;
    const balance = (token: Address) =>
      client.readContract({
        address: token,
        abi: gridleaseTokenAbi,
        functionName: "balanceOf",
        args: [buyer],
      });

    // 1-2. A lease is opened; the agent provisions an SSH account and activates it with the sealed report.
    const leaseId = await host.openLease();
    await host.activated(leaseId);
    const user = host.account(leaseId);
    expect(accountExists(user)).toBe(true);
    const verify = () =>
      host.run(BUYER_KEY, [
        "lease",
        "verify",
        leaseId,
        "--key",
        keyFile,
        "--report-outage-on-mismatch",
      ]);
    const passed = await verify();
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.json).toMatchObject({ match: true, outage: null });

    // 3. The machine now shows other GPUs: verify fails and reports the outage with the verdict's hash.
    sshd.useFixture("h100-sxm-other-uuids", user);
    const failed = await verify();
    expect(failed.code, failed.stderr).toBe(8);
    expect(failed.json.match).toBe(false);
    expect(failed.json.outage).toMatchObject({ units: "1" });
    const reportTx = failed.json.outage.tx as Hex;
    const status = await ok(host.run(BUYER_KEY, ["lease", "outage", "status", leaseId]));
    expect(status).toMatchObject({ open: true, downUnits: "1", reports: "1" });

    // 4. The health hook fails: the agent retries and never resolves.
    await agent.waitFor((e) => e.event === "health-failed" && e.leaseId === leaseId);
    await agent.waitFor(
      (e) => e.event === "health-failed" && e.leaseId === leaseId && e.failures === 2,
    );
    expect((await ok(host.run(BUYER_KEY, ["lease", "outage", "status", leaseId]))).open).toBe(true);

    // 5. After the repair window the buyer ends the lease.
    await chain.advance(16 * 60);
    await agent.waitFor((e) => e.event === "repair-deadline-passed" && e.leaseId === leaseId);
    expect(agent.logs.some((e) => /resolv/.test(e.event) && e.leaseId === leaseId)).toBe(false);
    const usdBefore = await balance(chain.usd);
    const gridBefore = await balance(chain.grid);
    const ended = await ok(host.run(BUYER_KEY, ["lease", "outage", "end", leaseId]));
    const refund = BigInt(ended.refund);
    const paidPenalty = BigInt(ended.penalty);
    expect(await balance(chain.usd)).toBe(usdBefore + refund + paidPenalty);
    expect(await balance(chain.grid)).toBe(gridBefore);

    // The refund is the deposit less what was billed until the report (the one server was down from then on);
    // the penalty is the offer's minimum bond (in tUSD) at the market's penalty rate, or 10% of the deposit if more.
    const lease = await getLease(client, { market: chain.market, leaseId: BigInt(leaseId) });
    const reportBlock = await client.getBlock({
      blockNumber: (await client.getTransactionReceipt({ hash: reportTx })).blockNumber,
    });
    const billed = cost(lease.pricePerGpuHour, 8n, reportBlock.timestamp - lease.start);
    expect(refund).toBe(cost(lease.pricePerGpuHour, 8n, 2n * 3600n) - billed);
    const penaltyBps = await client.readContract({
      address: chain.market,
      abi: gridleaseMarketAbi,
      functionName: "PENALTY_BPS",
    });
    const floor = penalty(1000n * 10n ** 6n, penaltyBps); // --min-bond 1000 (tUSD, the offer's token)
    expect(paidPenalty).toBe(stakePenalty(floor, cost(lease.pricePerGpuHour, 8n, 2n * 3600n)));
    expect(paidPenalty).toBe(floor); // $32 deposited: the floor wins
    const shown = await ok(host.run(BUYER_KEY, ["lease", "show", "--lease", leaseId]));
    expect(shown).toMatchObject({ status: "Ended", endReason: "OutageUnresolved" });

    // The agent deprovisions the ended lease: the account is gone.
    await agent.waitFor((e) => e.event === "deprovisioned" && e.leaseId === leaseId);
    expect(accountExists(user)).toBe(false);
  });
});
