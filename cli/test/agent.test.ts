/**
 * The provider agent (`gridlease provider serve`) on a real local chain: a lease served end to end through
 * expiry, deprovisioning, closing and claiming; a kill -9 and restart mid-lease without double activation or a
 * missed lease; the RPC going away and coming back (through a TCP proxy the test controls); a failing hook
 * (the lease is never activated and the buyer cancels for a full refund); graceful SIGTERM.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUYER_KEY,
  cli,
  okJson,
  onChain,
  FIXTURES,
  PROVIDER_KEY,
  startAgent,
  startChain,
  startProxy,
  tempDir,
  type AgentProcess,
  type Chain,
} from "./support.ts";

let chain: Chain;
let dir: string;
let keyFile: string;
const agents: AgentProcess[] = [];

const run = onChain(() => chain);
const ok = okJson;
const openLease = async (duration = "1h") =>
  (
    await ok(
      run(BUYER_KEY, [
        "lease",
        "open",
        "--offer",
        "1",
        "--units",
        "1",
        "--duration",
        duration,
        "--key",
        keyFile,
      ]),
    )
  ).leaseId as string;
const leaseShow = (id: string) => ok(run(BUYER_KEY, ["lease", "show", "--lease", id]));
const hookLines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

function agent(name: string, extra: string[] = [], rpcUrl = chain.url, hook = "provision") {
  const hookLog = join(dir, `${name}-hooks.log`);
  const a = startAgent(
    [
      "--rpc-url",
      rpcUrl,
      "--market",
      chain.market,
      "--provision-hook",
      `node ${join(FIXTURES, "hook.mjs")} ${hook} ${hookLog}`,
      "--deprovision-hook",
      `node ${join(FIXTURES, "hook.mjs")} deprovision ${hookLog}`,
      "--state",
      join(dir, `${name}-state.json`),
      "--poll-interval",
      "0.3",
      "--backoff-max",
      "1",
      ...extra,
    ],
    { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
  );
  agents.push(a);
  return { a, hookLog, statePath: join(dir, `${name}-state.json`) };
}

beforeAll(async () => {
  chain = await startChain();
  dir = tempDir();
  keyFile = join(dir, "buyer.key");
  await ok(cli(["keys", "generate", "--out", keyFile]));
  await ok(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
  await ok(
    run(PROVIDER_KEY, ["provider", "bond", "deposit", "--token", "tUSD", "--amount", "5000"]),
  );
  await ok(
    run(PROVIDER_KEY, [
      "offer",
      "create",
      "--gpu-model",
      "H200-141GB",
      "--gpus-per-unit",
      "8",
      "--units",
      "8",
      "--region",
      "SG",
      "--token",
      "tUSD",
      "--price",
      "3.10",
      "--min-duration",
      "1h",
      "--max-duration",
      "7d",
      "--min-bond",
      "1000",
    ]),
  );
});
afterAll(async () => {
  for (const a of agents) await a.kill();
  await chain?.stop();
});

describe("gridlease provider serve", () => {
  it("serves a lease end to end: provision, activate, expiry, deprovision, close, claim; stops on SIGTERM", async () => {
    const { a, hookLog, statePath } = agent("e2e", ["--claim-threshold", "1"]);
    await a.waitFor((e) => e.event === "started");
    const id = await openLease("1h");
    await a.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
    expect((await leaseShow(id)).status).toBe("Active");
    await chain.advance(3600);
    const closed = await a.waitFor((e) => e.event === "lease-closed" && e.leaseId === id);
    expect(closed.tx).toMatch(/^0x/);
    const claimed = await a.waitFor((e) => e.event === "claimed");
    expect(claimed.leases).toEqual([id]);
    // 8 GPUs × 1 h × $3.10, less the 2.5% fee.
    expect(BigInt(claimed.gross)).toBe(24_800_000n);
    expect((await leaseShow(id)).endReason).toBe("Expired");
    expect(
      hookLines(hookLog).map((h) => [h.mode, h.env, h.input.leaseId, h.input.reason ?? null]),
    ).toEqual([
      ["provision", "provision", id, null],
      ["deprovision", "deprovision", id, "expired"],
    ]);
    const provisionInput = hookLines(hookLog)[0].input;
    expect(provisionInput).toMatchObject({
      leaseId: id,
      offerId: "1",
      units: "1",
      gpusPerUnit: "8",
      duration: "3600",
    });
    while (!JSON.parse(readFileSync(statePath, "utf8")).leases[id].settled)
      await new Promise((r) => setTimeout(r, 100)); // the next pass sees it fully paid out
    expect(await a.stop()).toBe(0);
    expect(a.logs.at(-1)).toMatchObject({ event: "stopped" });
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    expect(state).toMatchObject({
      version: 1,
      offers: ["1"],
      leases: { [id]: { phase: "done", provisioned: false, endReason: "Expired", settled: true } },
    });
    expect(Number(state.lastBlock)).toBeGreaterThan(0);
    // Nothing secret is logged: not the access details, not the key.
    expect(a.output()).not.toMatch(/OPENSSH|fake-key/);
    expect(a.output()).not.toContain(PROVIDER_KEY.slice(2));
  });

  it("resumes after kill -9 mid-lease: no double activation, no missed lease", async () => {
    const first = agent("restart");
    const a1 = first.a;
    const id1 = await openLease("2h");
    await a1.waitFor((e) => e.event === "lease-activated" && e.leaseId === id1);
    await a1.kill(); // no chance to clean up
    const id2 = await openLease("2h"); // opened while the agent is down
    const { a: a2 } = agent("restart");
    await a2.waitFor((e) => e.event === "lease-activated" && e.leaseId === id2);
    await a2.waitFor((e) => e.event === "lease-active" || e.event === "lease-activated");
    expect(a2.logs.filter((e) => e.leaseId === id1 && /activat|provision/.test(e.event))).toEqual(
      [],
    );
    expect(hookLines(first.hookLog).map((h) => [h.mode, h.input.leaseId])).toEqual([
      ["provision", id1],
      ["provision", id2],
    ]);
    // A second agent on the same state file is refused while the first runs.
    const twin = startAgent(
      [
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
        "--provision-hook",
        "true",
        "--state",
        first.statePath,
      ],
      { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
    );
    expect(await twin.exited).toBe(5);
    expect(twin.output()).toMatch(/Another agent/);
    expect(await a2.stop()).toBe(0);
    await ok(run(BUYER_KEY, ["lease", "terminate", "--lease", id1]));
    await ok(run(BUYER_KEY, ["lease", "terminate", "--lease", id2]));
  });

  it("re-runs the hook after a crash between provisioning and activation, and activates once", async () => {
    const { a: a1, hookLog, statePath } = agent("midhook", [], chain.url, "slow");
    const id = await openLease("1h");
    await a1.waitFor((e) => e.event === "provisioning" && e.leaseId === id);
    while (!existsSync(hookLog) || hookLines(hookLog).length === 0)
      await new Promise((r) => setTimeout(r, 100));
    await a1.kill(); // while the hook runs
    process.kill(hookLines(hookLog)[0].pid, "SIGKILL"); // the orphaned hook
    expect(JSON.parse(readFileSync(statePath, "utf8")).leases[id].phase).toBe("provisioning");
    expect((await leaseShow(id)).status).toBe("Pending");
    const { a: a2 } = agent("midhook");
    await a2.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
    expect([...a1.logs, ...a2.logs].filter((e) => e.event === "lease-activated")).toHaveLength(1);
    expect(hookLines(hookLog).map((h) => [h.mode, h.input.leaseId])).toEqual([
      ["slow", id],
      ["provision", id],
    ]);
    expect(await a2.stop()).toBe(0);
    await ok(run(BUYER_KEY, ["lease", "terminate", "--lease", id]));
  });

  it("rides out the RPC going away and coming back", async () => {
    const proxy = await startProxy(Number(new URL(chain.url).port));
    const { a } = agent("outage", [], proxy.url);
    await a.waitFor((e) => e.event === "started");
    await proxy.down();
    const since = a.logs.length;
    await a.waitFor((e) => e.event === "rpc-unreachable", { since });
    const id = await openLease("1h"); // straight to the chain, not through the proxy
    await a.waitFor((e) => e.event === "rpc-unreachable" && e.attempt >= 2, { since });
    expect(a.logs.some((e) => e.event === "lease-opened" && e.leaseId === id)).toBe(false);
    await proxy.up();
    await a.waitFor((e) => e.event === "rpc-recovered", { since });
    await a.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
    expect(await a.stop()).toBe(0);
    await proxy.down();
    await ok(run(BUYER_KEY, ["lease", "terminate", "--lease", id]));
  });

  it("never activates a lease whose hook failed; the buyer cancels for a full refund", async () => {
    const { a, hookLog } = agent("failing", [], chain.url, "fail");
    const id = await openLease("1h");
    const failed = await a.waitFor((e) => e.event === "provision-failed" && e.leaseId === id);
    expect(failed.message).toMatch(/exited with code 1/);
    expect(failed.stderr).toMatch(new RegExp(`no free server for lease ${id}`));
    expect((await leaseShow(id)).status).toBe("Pending");
    await chain.advance(3601); // past the activation window
    await new Promise((r) => setTimeout(r, 1500)); // a few more passes of the agent (0.3 s apart)
    expect((await leaseShow(id)).status).toBe("ActivationOverdue");
    const cancelled = await ok(run(BUYER_KEY, ["lease", "cancel", "--lease", id]));
    // 8 GPUs × 1 h × $3.10 back in full, plus half the offer's 1,000 tUSD minimum bond (the bond floor is in the
    // offer's token, and it beats the 10% stake penalty on a $24.80 deposit).
    expect(cancelled.refund).toBe("24800000");
    expect(cancelled.penalty).toBe(String(500n * 10n ** 6n));
    await a.waitFor((e) => e.event === "lease-ended" && e.leaseId === id);
    expect(a.logs.filter((e) => e.leaseId === id && /activat/.test(e.event))).toEqual([]);
    expect(
      hookLines(hookLog).map((h) => [h.mode, h.input.leaseId, h.input.reason ?? null]),
    ).toEqual([
      ["fail", id, null],
      ["deprovision", id, "NoShowCancelled"],
    ]);
    expect(await a.stop()).toBe(0);
  });
});
