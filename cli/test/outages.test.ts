/**
 * The outage and credit commands on a real local chain: `lease outage report|status|end`, `provider outage
 * resolve` and `credits [withdraw]`. Leases are activated by the agent (the test provisioning hook, no health
 * hook, so it never resolves an outage itself). Each command's help, its bad input (exit 2, nothing sent), an
 * unknown lease (7), a wrong caller, a wrong state, an outage already open (raise-only) or not open (named
 * contract errors, exit 3), and an RPC that is down (4).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256, toHex } from "viem";
import {
  BUYER_KEY,
  cli,
  okJson,
  onChain,
  FIXTURES,
  OTHER_KEY,
  PROVIDER_KEY,
  sparePort,
  startAgent,
  startChain,
  tempDir,
  type AgentProcess,
  type Chain,
  OFFER_TERMS,
} from "./support.ts";

let chain: Chain;
let dir: string;
let keyFile: string;
let agent: AgentProcess;

const run = onChain(() => chain);
const ok = okJson;
/** Expects a refusal by the chain (exit 3) with the contract error's name as the kind. */
async function refused(p: ReturnType<typeof run>, kind: string) {
  const r = await p;
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(3);
  expect(r.json.error.kind).toBe(kind);
  return r;
}
const status = async (id: string) => ok(run(BUYER_KEY, ["lease", "outage", "status", id]));

/** Opens a lease of `units` servers for 2 h and waits until the agent has activated it. */
async function activeLease(units = 2): Promise<string> {
  const opened = await ok(
    run(BUYER_KEY, [
      "lease",
      "open",
      "--offer",
      "1",
      "--units",
      String(units),
      "--duration",
      "2h",
      "--key",
      keyFile,
    ]),
  );
  const id = opened.leaseId as string;
  await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
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
      "H100-SXM-80GB",
      "--gpus-per-unit",
      "8",
      "--units",
      "8",
      ...OFFER_TERMS,
      "--repair-window",
      "15m",
    ]),
  );
  const hookLog = join(dir, "hooks.log");
  agent = startAgent(
    [
      "--rpc-url",
      chain.url,
      "--market",
      chain.market,
      "--provision-hook",
      `node ${join(FIXTURES, "hook.mjs")} provision ${hookLog}`,
      "--state",
      join(dir, "state.json"),
      "--poll-interval",
      "0.3",
    ],
    { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
  );
});

afterAll(async () => {
  await agent?.kill();
  await chain?.stop();
});

describe("help and bad input", () => {
  it.each([
    "lease outage report",
    "lease outage status",
    "lease outage end",
    "provider outage resolve",
    "credits",
    "credits withdraw",
  ])("%s --help", async (name) => {
    const r = await cli([...name.split(" "), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: gridlease ${name}`);
  });

  it("refuses bad arguments before connecting (exit 2)", async () => {
    const cases = [
      ["lease", "outage", "report", "1"], // no --units
      ["lease", "outage", "report", "1", "--units", "0"],
      ["lease", "outage", "report", "1", "--units", "1", "--evidence-hash", "0x12"],
      [
        "lease",
        "outage",
        "report",
        "1",
        "--units",
        "1",
        "--evidence",
        "x",
        "--evidence-hash",
        `0x${"1".repeat(64)}`,
      ],
      ["lease", "outage", "status"],
      ["lease", "outage", "status", "1", "2"],
      ["lease", "outage", "end", "abc"],
      ["credits", "withdraw"],
    ];
    for (const args of cases) {
      const r = await run(BUYER_KEY, args, { rpcUrl: "http://127.0.0.1:1" });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.json.error.kind).toBe("usage");
    }
  });

  it("names an unknown lease (7) and an RPC that is down (4)", async () => {
    const unknown = await run(BUYER_KEY, ["lease", "outage", "status", "999"]);
    expect(unknown.code).toBe(7);
    expect(unknown.json.error.kind).toBe("not-found");
    const report = await run(BUYER_KEY, ["lease", "outage", "report", "999", "--units", "1"]);
    expect(report.code).toBe(7);
    const down = `http://127.0.0.1:${await sparePort()}`;
    for (const args of [
      ["lease", "outage", "status", "1"],
      ["lease", "outage", "report", "1", "--units", "1"],
      ["lease", "outage", "end", "1"],
      ["provider", "outage", "resolve", "1"],
      ["credits"],
    ]) {
      const r = await run(BUYER_KEY, args, { rpcUrl: down });
      expect(r.code, args.join(" ")).toBe(4);
      expect(r.json.error.kind).toBe("network");
    }
  });
});

describe("an outage resolved in time", () => {
  let id: string;
  beforeAll(async () => {
    id = await activeLease(2);
  });

  it("shows no outage on a healthy lease, and refuses to resolve or end one", async () => {
    expect(await status(id)).toMatchObject({
      open: false,
      downUnits: "0",
      reports: "0",
      unresolvedExitOpen: false,
    });
    await refused(run(PROVIDER_KEY, ["provider", "outage", "resolve", id]), "Market_NoOpenOutage");
    await refused(run(BUYER_KEY, ["lease", "outage", "end", id]), "Market_OutageExitClosed");
  });

  it("lets only the buyer report, with 1 to the lease's units", async () => {
    await refused(
      run(OTHER_KEY, ["lease", "outage", "report", id, "--units", "1"]),
      "Market_NotLeaseBuyer",
    );
    await refused(
      run(PROVIDER_KEY, ["lease", "outage", "report", id, "--units", "1"]),
      "Market_NotLeaseBuyer",
    );
    await refused(
      run(BUYER_KEY, ["lease", "outage", "report", id, "--units", "3"]),
      "Market_InvalidOutageUnits",
    );
    expect((await status(id)).reports).toBe("0");
  });

  it("reports, says billing is paused, and only raises an open outage", async () => {
    const text = await cli(
      [
        "lease",
        "outage",
        "report",
        id,
        "--units",
        "1",
        "--evidence",
        "nvidia-smi shows 7 of 8 GPUs",
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ],
      { env: { GRIDLEASE_PRIVATE_KEY: BUYER_KEY } },
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /billing is paused for 1 server\(s\) until the provider resolves it/,
    );
    expect(text.stderr).toMatch(/waiting for confirmation/);
    const s = await status(id);
    expect(s).toMatchObject({
      open: true,
      downUnits: "1",
      reports: "1",
      unresolvedExitOpen: false,
    });
    expect(BigInt(s.repairSecondsLeft)).toBeGreaterThan(0n);
    expect(BigInt(s.repairSecondsLeft)).toBeLessThanOrEqual(900n);

    await refused(
      run(BUYER_KEY, ["lease", "outage", "report", id, "--units", "1"]),
      "Market_OutageUnitsNotRaised",
    );
    const raised = await ok(
      run(BUYER_KEY, [
        "lease",
        "outage",
        "report",
        id,
        "--units",
        "2",
        "--evidence-hash",
        keccak256(toHex("both down")),
      ]),
    );
    expect(raised).toMatchObject({
      downUnits: "2",
      reports: "2",
      evidenceHash: keccak256(toHex("both down")),
    });
    // The raise keeps the deadline of the outage it raises.
    expect(raised.repairDeadline).toBe(s.repairDeadline);
    const human = await cli(
      ["lease", "outage", "status", id, "--rpc-url", chain.url, "--market", chain.market],
      { env: { GRIDLEASE_PRIVATE_KEY: BUYER_KEY } },
    );
    expect(human.stdout).toMatch(/outage open: 2 server\(s\) down, billing paused/);
    expect(human.stdout).toMatch(/left\)/);
  });

  it("lets only the provider resolve, with new access details sealed to the buyer", async () => {
    await refused(run(BUYER_KEY, ["provider", "outage", "resolve", id]), "Market_NotLeaseProvider");
    const before = await status(id);
    await ok(run(OTHER_KEY, ["lease", "outage", "status", id])); // anyone may read
    const bad = join(dir, "bad-access.json");
    writeFileSync(bad, JSON.stringify({ host: "spare.example.net" }));
    const badRun = await run(PROVIDER_KEY, [
      "provider",
      "outage",
      "resolve",
      id,
      "--access-file",
      bad,
    ]);
    expect(badRun.code).toBe(2);
    expect((await status(id)).open).toBe(true);

    const file = join(dir, "access.json");
    writeFileSync(
      file,
      JSON.stringify({ host: "spare.example.net", port: 22, user: "u", token: "t" }),
    );
    await chain.advance(60);
    const resolved = await ok(
      run(PROVIDER_KEY, ["provider", "outage", "resolve", id, "--access-file", file]),
    );
    expect(resolved.newAccess).toBe(true);
    expect(BigInt(resolved.downtime)).toBeGreaterThan(0n);
    const after = await status(id);
    expect(after).toMatchObject({ open: false, downUnits: "0", reports: "2" });
    expect(BigInt(after.end)).toBe(BigInt(before.end) + BigInt(resolved.downtime));
    expect(BigInt(after.downUnitSeconds)).toBeGreaterThan(0n);
    await refused(run(PROVIDER_KEY, ["provider", "outage", "resolve", id]), "Market_NoOpenOutage");
  });
});

describe("an outage left unresolved past its repair window", () => {
  it("cannot be resolved after the deadline, and the buyer ends the lease with a refund and the penalty", async () => {
    const id = await activeLease(1);
    await ok(
      run(BUYER_KEY, ["lease", "outage", "report", id, "--units", "1", "--evidence", "dead"]),
    );
    await refused(run(BUYER_KEY, ["lease", "outage", "end", id]), "Market_OutageExitClosed");
    await chain.advance(16 * 60);
    const s = await status(id);
    expect(s).toMatchObject({ open: true, repairSecondsLeft: "0", unresolvedExitOpen: true });
    await refused(
      run(PROVIDER_KEY, ["provider", "outage", "resolve", id]),
      "Market_RepairDeadlinePassed",
    );
    const ended = await ok(run(BUYER_KEY, ["lease", "outage", "end", id]));
    expect(BigInt(ended.refund)).toBeGreaterThan(0n);
    expect(BigInt(ended.penalty)).toBeGreaterThan(0n);
    const shown = await ok(run(BUYER_KEY, ["lease", "show", "--lease", id]));
    expect(shown).toMatchObject({ status: "Ended", endReason: "OutageUnresolved" });
    // Ended: nothing more to report, resolve or end.
    await refused(
      run(BUYER_KEY, ["lease", "outage", "report", id, "--units", "1"]),
      "Market_UnexpectedStatus",
    );
    await refused(run(BUYER_KEY, ["lease", "outage", "end", id]), "Market_UnexpectedStatus");
  });
});

describe("credits", () => {
  it("lists none, refuses a withdrawal of nothing, and names a token the market does not know", async () => {
    const listed = await ok(run(BUYER_KEY, ["credits"]));
    expect(listed.credits.map((c: { symbol: string }) => c.symbol)).toEqual(
      expect.arrayContaining(["tUSD", "GRID"]),
    );
    expect(listed.credits.every((c: { amount: string }) => c.amount === "0")).toBe(true);
    const one = await ok(run(BUYER_KEY, ["credits", "--token", "GRID"]));
    expect(one.credits).toHaveLength(1);
    const none = await run(BUYER_KEY, ["credits", "withdraw", "--token", "tUSD"]);
    expect(none.code).toBe(7);
    expect(none.json.error.kind).toBe("Market_NoCredit");
    const unknown = await run(BUYER_KEY, ["credits", "withdraw", "--token", "XYZ"]);
    expect(unknown.code).toBe(2);
  });
});
