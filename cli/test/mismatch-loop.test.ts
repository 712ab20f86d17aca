/**
 * The mismatch loop of issue #11 on a real chain against a real sshd: the provider lists a server with `offer
 * create --detect` (the fake nvidia-smi prints the 8-GPU H100 fixture); the agent provisions the lease with the
 * shipped ssh-account hook and activates it with the sealed report; the machine then reports other GPUs (the
 * MISMATCH fixture), so `lease verify --report-outage-on-mismatch` fails and reports an outage with the verdict's
 * hash; the agent's health hook fails, so it never resolves; after the repair window (chain time advanced) the
 * buyer ends the lease with `lease outage end`, and its token and GRID balances grow by exactly the refund (the
 * deposit less what was billed until the report) and the bond penalty. Accounts are removed even when it fails.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { cost, getLease, gridleaseMarketAbi, gridleaseTokenAbi, penalty } from "@gridlease/sdk";
import {
  BUYER_KEY,
  cli,
  okJson,
  onChain,
  FIXTURES,
  PROVIDER_KEY,
  startAgent,
  startChain,
  tempDir,
  type AgentProcess,
  type Chain,
} from "./support.ts";
import {
  accountExists,
  removeAccount,
  sshdUnavailable,
  startSshd,
  type Sshd,
} from "./support/sshd.ts";

const HOOK = fileURLToPath(new URL("../hooks/ssh-account", import.meta.url));
const SSHD_PORT = 49222;
const PREFIX = "glloop";
const skip = sshdUnavailable();

let chain: Chain;
let sshd: Sshd;
let agent: AgentProcess;
let dir: string;
let keyFile: string;
let hookLog: string;
let offerId: string;

const run = onChain(() => chain);
const ok = okJson;

describe.skipIf(skip)("the mismatch loop: verify fails, outage, no repair, the buyer ends", () => {
  beforeAll(async () => {
    chain = await startChain();
    sshd = await startSshd(SSHD_PORT);
    dir = tempDir();
    mkdirSync(join(dir, "dev"));
    for (let i = 0; i < 8; i++) writeFileSync(join(dir, "dev", `nvidia${i}`), "");
    const config = join(dir, "ssh-account.json");
    writeFileSync(
      config,
      JSON.stringify({
        host: sshd.host,
        port: sshd.port,
        hostKeyFile: sshd.hostKeyFile,
        gpus: [0, 1, 2, 3, 4, 5, 6, 7],
        deviceDir: join(dir, "dev"),
        stateDir: join(dir, "state"),
        accountPrefix: PREFIX,
      }),
      { mode: 0o600 },
    );
    keyFile = join(dir, "buyer.key");
    hookLog = join(dir, "health.log");
    await ok(cli(["keys", "generate", "--out", keyFile]));
    await ok(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
    await ok(run(PROVIDER_KEY, ["bond", "deposit", "--amount", "5000"]));
    const offer = await ok(
      run(
        PROVIDER_KEY,
        [
          "offer",
          "create",
          "--detect",
          "--units",
          "1",
          "--region",
          "AU-QLD",
          "--token",
          "tUSD",
          "--price",
          "2",
          "--min-duration",
          "1h",
          "--max-duration",
          "7d",
          "--min-bond",
          "1000",
          "--repair-window",
          "15m",
        ],
        { env: sshd.env },
      ),
    );
    expect(offer).toMatchObject({ gpuModel: "H100-SXM-80GB", gpusPerUnit: "8" });
    offerId = offer.offerId;
    agent = startAgent(
      [
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
        "--provision-hook",
        HOOK,
        "--deprovision-hook",
        HOOK,
        // The machine is not what was listed: the operator's health check fails (the test hook says so).
        "--health-hook",
        `node ${join(FIXTURES, "hook.mjs")} unhealthy ${hookLog}`,
        "--health-interval",
        "0.5",
        "--backoff-max",
        "2",
        "--state",
        join(dir, "agent.json"),
        "--poll-interval",
        "0.3",
      ],
      { ...sshd.env, GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY, GRIDLEASE_SSH_ACCOUNT_CONFIG: config },
    );
  });

  afterAll(async () => {
    await agent?.kill();
    for (const id of ["1", "2", "3"])
      if (accountExists(`${PREFIX}${id}`)) removeAccount(`${PREFIX}${id}`);
    await sshd?.stop();
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
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
    const opened = await ok(
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
    const leaseId = opened.leaseId as string;
    await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === leaseId);
    const user = `${PREFIX}${leaseId}`;
    expect(accountExists(user)).toBe(true);
    const verify = () =>
      run(BUYER_KEY, ["lease", "verify", leaseId, "--key", keyFile, "--report-outage-on-mismatch"]);
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
    const status = await ok(run(BUYER_KEY, ["lease", "outage", "status", leaseId]));
    expect(status).toMatchObject({ open: true, downUnits: "1", reports: "1" });

    // 4. The health hook fails: the agent retries and never resolves.
    await agent.waitFor((e) => e.event === "health-failed" && e.leaseId === leaseId);
    await agent.waitFor(
      (e) => e.event === "health-failed" && e.leaseId === leaseId && e.failures === 2,
    );
    expect((await ok(run(BUYER_KEY, ["lease", "outage", "status", leaseId]))).open).toBe(true);

    // 5. After the repair window the buyer ends the lease.
    await chain.advance(16 * 60);
    await agent.waitFor((e) => e.event === "repair-deadline-passed" && e.leaseId === leaseId);
    expect(agent.logs.some((e) => /resolv/.test(e.event) && e.leaseId === leaseId)).toBe(false);
    const usdBefore = await balance(chain.usd);
    const gridBefore = await balance(chain.grid);
    const ended = await ok(run(BUYER_KEY, ["lease", "outage", "end", leaseId]));
    const refund = BigInt(ended.refund);
    const paidPenalty = BigInt(ended.penalty);
    expect(await balance(chain.usd)).toBe(usdBefore + refund);
    expect(await balance(chain.grid)).toBe(gridBefore + paidPenalty);

    // The refund is the deposit less what was billed until the report (the one server was down from then on);
    // the penalty is the offer's minimum bond at the market's penalty rate.
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
    expect(paidPenalty).toBe(penalty(10n ** 21n, penaltyBps)); // --min-bond 1000 GRID
    const shown = await ok(run(BUYER_KEY, ["lease", "show", "--lease", leaseId]));
    expect(shown).toMatchObject({ status: "Ended", endReason: "OutageUnresolved" });

    // The agent deprovisions the ended lease: the account is gone.
    await agent.waitFor((e) => e.event === "deprovisioned" && e.leaseId === leaseId);
    expect(accountExists(user)).toBe(false);
  });
});
