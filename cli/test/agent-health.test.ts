/**
 * The agent's health hook (`provider serve --health-hook`) on a real local chain: a healthy hook gets the outage
 * resolved (with re-provisioned access details sealed to the buyer when it prints them); a failing hook and a
 * hook that times out never get it resolved, are retried with backoff, and the agent stops at the repair deadline;
 * a hook that fails twice and then recovers gets it resolved only then.
 * One agent at a time serves the provider, each with its own hook and state file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getContractEvents } from "viem/actions";
import { createPublicClient, http } from "viem";
import { gridleaseMarketAbi, openAccess } from "@gridlease/sdk";
import { readAccessKeyFile } from "../src/accessKeyFile.ts";
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

let chain: Chain;
let dir: string;
let keyFile: string;
let agent: AgentProcess | undefined;

const run = onChain(() => chain);
const ok = okJson;
const status = (id: string) => ok(run(BUYER_KEY, ["lease", "outage", "status", id]));
const hookLines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Starts an agent whose health hook is the test hook in `mode`; returns its hook log. */
function serve(name: string, mode: string, extra: string[] = []) {
  const hookLog = join(dir, `${name}-hooks.log`);
  const hook = (m: string) => `node ${join(FIXTURES, "hook.mjs")} ${m} ${hookLog}`;
  agent = startAgent(
    [
      "--rpc-url",
      chain.url,
      "--market",
      chain.market,
      "--provision-hook",
      hook("provision"),
      "--health-hook",
      hook(mode),
      "--state",
      join(dir, `${name}-state.json`),
      "--poll-interval",
      "0.3",
      "--health-interval",
      "0.2",
      "--backoff-max",
      "1",
      ...extra,
    ],
    { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
  );
  return hookLog;
}

/** Opens a 2-hour lease of one server, waits for its activation and reports it down. */
async function leaseWithOutage(a: AgentProcess): Promise<string> {
  const opened = await ok(
    run(BUYER_KEY, [
      "lease",
      "open",
      "--offer",
      "1",
      "--units",
      "1",
      "--duration",
      "2h",
      "--key",
      keyFile,
    ]),
  );
  const id = opened.leaseId as string;
  await a.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
  await ok(run(BUYER_KEY, ["lease", "outage", "report", id, "--units", "1", "--evidence", "down"]));
  return id;
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
      "3",
      "--min-duration",
      "1h",
      "--max-duration",
      "7d",
      "--min-bond",
      "1000",
      "--repair-window",
      "15m",
    ]),
  );
});
afterEach(async () => {
  await agent?.kill();
  agent = undefined;
});
afterAll(async () => {
  await chain?.stop();
});

describe("provider serve --health-hook", () => {
  it("resolves an outage once the health hook says healthy", async () => {
    const hookLog = serve("healthy", "healthy");
    const id = await leaseWithOutage(agent!);
    await agent!.waitFor((e) => e.event === "outage-resolved" && e.leaseId === id);
    expect(await status(id)).toMatchObject({ open: false, reports: "1" });
    const health = hookLines(hookLog).filter((l) => l.mode === "healthy");
    expect(health.length).toBeGreaterThanOrEqual(1);
    expect(health[0].env).toBe("health");
    expect(health[0].input).toMatchObject({
      leaseId: id,
      outage: { downUnits: "1", reports: "1" },
    });
    // Printed nothing but chatter: the current access details stay.
    expect(agent!.logs.find((e) => e.event === "resolving-outage")?.newAccess).toBe(false);
  });

  it("seals the access details a re-provisioning health hook prints into the resolve", async () => {
    serve("reprovision", "reprovision");
    const id = await leaseWithOutage(agent!);
    const resolved = await agent!.waitFor((e) => e.event === "outage-resolved" && e.leaseId === id);
    const client = createPublicClient({ transport: http(chain.url) });
    const [event] = await getContractEvents(client, {
      address: chain.market,
      abi: gridleaseMarketAbi,
      eventName: "OutageResolved",
      args: { leaseId: BigInt(id) },
      fromBlock: 0n,
      strict: true,
    });
    expect(event.transactionHash).toBe(resolved.tx);
    const details = openAccess(readAccessKeyFile(keyFile).secretKey, event.args.encryptedAccess);
    expect(details).toMatchObject({ host: `spare-${id}.example.net`, port: 2222 });
  });

  it("never resolves while the health hook fails, retries with backoff, and stops at the repair deadline", async () => {
    const hookLog = serve("unhealthy", "unhealthy");
    const id = await leaseWithOutage(agent!);
    const since = agent!.logs.length;
    for (let n = 1; n <= 3; n++)
      await agent!.waitFor(
        (e) => e.event === "health-failed" && e.leaseId === id && e.failures === n,
        { since },
      );
    const failures = agent!.logs.filter((e) => e.event === "health-failed" && e.leaseId === id);
    expect(failures[0].message).toMatch(/exited with code 1/);
    expect(failures[0].stderr).toMatch(/fell off the bus/);
    // Backoff: each wait is at least the one before (0.2 s doubling, capped at --backoff-max 1 s).
    expect(failures[1].retryInMs).toBeGreaterThan(failures[0].retryInMs);
    expect((await status(id)).open).toBe(true);

    await chain.advance(16 * 60);
    await agent!.waitFor((e) => e.event === "repair-deadline-passed" && e.leaseId === id);
    const runs = hookLines(hookLog).filter((l) => l.mode === "unhealthy").length;
    // A few more passes: no further health runs, and no resolve was ever attempted.
    const mark = agent!.logs.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(agent!.logs.slice(mark).some((e) => e.event === "health-check")).toBe(false);
    expect(hookLines(hookLog).filter((l) => l.mode === "unhealthy").length).toBe(runs);
    expect(agent!.logs.some((e) => /resolv/.test(e.event) && e.leaseId === id)).toBe(false);
    expect(await status(id)).toMatchObject({ open: true, unresolvedExitOpen: true });
  });

  it("resolves once a failing health hook recovers, after retrying with backoff", async () => {
    const hookLog = serve("flaky", "flaky");
    const id = await leaseWithOutage(agent!);
    await agent!.waitFor((e) => e.event === "outage-resolved" && e.leaseId === id);
    const events = agent!.logs.filter((e) => e.leaseId === id).map((e) => e.event);
    // Two failures first, and no resolve was attempted before the hook said healthy.
    expect(events.filter((e) => e === "health-failed")).toHaveLength(2);
    expect(events.indexOf("resolving-outage")).toBeGreaterThan(events.lastIndexOf("health-failed"));
    expect(hookLines(hookLog).filter((l) => l.mode === "flaky")).toHaveLength(3);
    expect((await status(id)).open).toBe(false);
  });

  it("counts a health hook that times out as failing", async () => {
    const hookLog = serve("slow", "slow", ["--hook-timeout", "1"]);
    const id = await leaseWithOutage(agent!);
    const failed = await agent!.waitFor((e) => e.event === "health-failed" && e.leaseId === id);
    expect(failed.message).toMatch(/timed out after 1 s/);
    expect((await status(id)).open).toBe(true);
    expect(agent!.logs.some((e) => e.event === "outage-resolved")).toBe(false);
    // The agent retries meanwhile: the check it started last may still be running when the agent is stopped, and a
    // stopped agent leaves its hook behind. Kill every slow hook it started so none outlives the test.
    await agent!.kill();
    for (const { pid } of hookLines(hookLog).filter((l) => l.mode === "slow")) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already killed by the agent's own timeout.
      }
    }
  });
});
