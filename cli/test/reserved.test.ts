/**
 * Reserved capacity from the command line (issue #12), on a real local chain with the provider agent: a reserved
 * offer (1-day prepaid window, 2-day commitment with a 20% exit fee); rolling leases opened with the exit terms
 * and penalty shown before signing; a release that asks before its exit charge and then charges exactly the quote;
 * a failed server; a top-up allowance granted with a permit that the agent executes; `gridlease watch` as JSON
 * lines and POSTs to a webhook on 127.0.0.1; the Unfunded end refused before the grace is over and paid the
 * escrowed exit terms after it. Bad input gets a plain error and changes nothing.
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUYER_KEY,
  cli,
  FIXTURES,
  okJson,
  onChain,
  PROVIDER_KEY,
  startAgent,
  startChain,
  tempDir,
  type AgentProcess,
  type Chain,
} from "./support.ts";

const WEBHOOK_PORT = 43117;
const DAY = 86_400;
const HOUR = 3_600;

let chain: Chain;
let dir: string;
let keyFile: string;
let agent: AgentProcess;
let offerId: string;
const run = onChain(() => chain);
const show = (id: string) => okJson(run(BUYER_KEY, ["lease", "show", "--lease", id]));
const openRolling = (units: string, extra: string[] = []) =>
  run(BUYER_KEY, [
    "lease",
    "open",
    "--offer",
    offerId,
    "--units",
    units,
    "--rolling",
    "--term",
    "10d",
    "--key",
    keyFile,
    ...extra,
  ]);

const OFFER = [
  "offer",
  "create",
  "--gpu-model",
  "H100-SXM-80GB",
  "--gpus-per-unit",
  "8",
  "--units",
  "6",
  "--region",
  "JP-27",
  "--token",
  "tUSD",
  "--price",
  "2",
  "--min-duration",
  "2d",
  "--max-duration",
  "30d",
  "--min-bond",
  "1000",
];

/** A webhook on 127.0.0.1 that records every JSON body POSTed to it. */
function startWebhook(): Promise<{ server: Server; bodies: Record<string, string>[] }> {
  const bodies: Record<string, string>[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      bodies.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(WEBHOOK_PORT, "127.0.0.1", () => resolve({ server, bodies })),
  );
}

beforeAll(async () => {
  chain = await startChain();
  dir = tempDir();
  keyFile = join(dir, "buyer.key");
  await okJson(cli(["keys", "generate", "--out", keyFile]));
  await okJson(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
  await okJson(
    run(PROVIDER_KEY, ["provider", "bond", "deposit", "--token", "tUSD", "--amount", "100000"]),
  );
  agent = startAgent(
    [
      "--rpc-url",
      chain.url,
      "--market",
      chain.market,
      "--provision-hook",
      `node ${join(FIXTURES, "hook.mjs")} provision ${join(dir, "hooks.log")}`,
      "--state",
      join(dir, "agent.json"),
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

describe("reserved capacity on the command line", () => {
  it("refuses nonsense commitment terms with a plain error, creating nothing", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--commitment", "2d"], 2, /exactly one of --notice D or --exit-fee-bps N/],
      [["--notice", "1h"], 2, /exit terms of a --commitment/],
      [["--commitment", "2d", "--exit-fee-bps", "5000"], 2, /at most 3000/],
      [["--commitment", "9d", "--exit-fee-bps", "2000", "--prepaid-window", "1d"], 3, /./],
    ];
    for (const [flags, code, message] of cases) {
      const r = await run(PROVIDER_KEY, [...OFFER, ...flags]);
      expect(r.code, `${flags.join(" ")}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
    }
    // The commitment longer than the shortest lease is the contract's named error, in words.
    const longer = await run(PROVIDER_KEY, [...OFFER, ...cases[3][0]]);
    expect(longer.json.error.kind).toBe("Market_InvalidCommitment");
    const none = await run(PROVIDER_KEY, ["offer", "show", "--offer", "1"]);
    expect(none.code).toBe(7);
  });

  it("creates a reserved offer and opens rolling leases showing the exit terms and penalty first", async () => {
    const created = await okJson(
      run(PROVIDER_KEY, [
        ...OFFER,
        "--prepaid-window",
        "1d",
        "--commitment",
        "2d",
        "--exit-fee-bps",
        "2000",
      ]),
    );
    offerId = created.offerId;
    const shown = await okJson(run(PROVIDER_KEY, ["offer", "show", "--offer", offerId]));
    expect(shown.terms).toEqual({
      prepaidWindow: String(DAY),
      commitment: String(2 * DAY),
      noticePeriod: "0",
      exitFeeBps: "2000",
    });

    // Human mode: the quote's lines come on stderr before anything is sent.
    const human = await cli(
      [
        "lease",
        "open",
        "--offer",
        offerId,
        "--units",
        "2",
        "--rolling",
        "--term",
        "10d",
        "--key",
        keyFile,
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ],
      { env: { GRIDLEASE_PRIVATE_KEY: BUYER_KEY } },
    );
    expect(human.code, human.stderr).toBe(0);
    const quoteAt = human.stderr.indexOf("Terms: rolling: 1 day prepaid at a time");
    expect(quoteAt).toBeGreaterThanOrEqual(0);
    expect(human.stderr).toMatch(/a 2 days commitment: leaving before it ends costs 20%/);
    expect(human.stderr).toMatch(/escrowed for the exit terms/);
    expect(human.stderr).toMatch(/penalty of .* from its bond/);
    expect(quoteAt).toBeLessThan(human.stderr.indexOf("sent 0x"));

    const b = await okJson(openRolling("3"));
    expect(b.quote).toMatchObject({ funded: String(DAY), term: String(10 * DAY) });
    expect(BigInt(b.quote.exitEscrow)).toBeGreaterThan(0n);
    for (const id of ["1", b.leaseId])
      await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === id);
    const a = await show("1");
    expect(a.terms).toMatchObject({ rolling: true, committed: true, term: String(10 * DAY) });
    expect(a.units).toBe("2");
  });

  it("asks before a release's exit charge, charges exactly the quote, and fails one server", async () => {
    const tooMany = await run(BUYER_KEY, ["lease", "release", "2", "--servers", "3"]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/has 3 server\(s\): release fewer/);
    const unconfirmed = await run(BUYER_KEY, ["lease", "release", "2", "--servers", "1"]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.json.error.kind).toBe("confirmation-needed");
    expect((await show("2")).units).toBe("3");

    const released = await okJson(
      run(BUYER_KEY, ["lease", "release", "2", "--servers", "1", "--yes"]),
    );
    expect(BigInt(released.exitCharge)).toBeGreaterThan(0n);
    expect(released.exitCharge).toBe(released.quotedExitCharge);
    const failed = await okJson(
      run(PROVIDER_KEY, ["provider", "fail-servers", "2", "--servers", "1"]),
    );
    expect(BigInt(failed.penalty)).toBeGreaterThan(0n);
    expect(BigInt(failed.refund)).toBeGreaterThan(0n);
    const after = await show("2");
    expect(after.units).toBe("1");
    expect(after.status).toBe("Active");
  });

  it("lets the agent execute an allowed top-up once the runway is below the threshold", async () => {
    const allowed = await okJson(
      run(BUYER_KEY, [
        "lease",
        "topup",
        "allow",
        "--lease",
        "1",
        "--per-top-up",
        "1000",
        "--total",
        "5000",
        "--runway-below",
        "12h",
      ]),
    );
    expect(allowed.runwayThreshold).toBe(String(12 * HOUR));
    const before = await show("1");
    expect(before.topUpAllowance.perTopUp).not.toBe("0");
    const since = agent.logs.length;
    await chain.advance(13 * HOUR);
    const done = await agent.waitFor((e) => e.event === "top-up-executed" && e.leaseId === "1", {
      since,
    });
    const after = await show("1");
    expect(after.terms.fundedUntil).toBe(done.fundedUntil);
    expect(BigInt(after.terms.fundedUntil)).toBeGreaterThan(BigInt(before.terms.fundedUntil));
    expect(BigInt(after.topUpAllowance.remaining)).toBe(
      BigInt(before.topUpAllowance.remaining) - BigInt(done.amount),
    );
    // Nothing more is due: the agent funded it to now + the window.
    const again = await run(BUYER_KEY, ["lease", "topup", "run", "--lease", "1"]);
    expect(again.code).toBe(7);
    expect(again.stderr).toMatch(/cannot be topped up now/);
  });

  it("watch prints the notifications as JSON lines and POSTs the same to the webhook", async () => {
    await agent.stop();
    // A lease nobody activates (the agent is stopped): activation-due. Lease 2's runway is under 3 days: runway-low.
    const pending = await okJson(openRolling("1"));
    const { server, bodies } = await startWebhook();
    try {
      const watched = await cli([
        "watch",
        "--buyer",
        privateKeyToAccount(BUYER_KEY).address,
        "--webhook",
        `http://127.0.0.1:${WEBHOOK_PORT}/hook`,
        "--once",
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ]);
      expect(watched.code, watched.stderr).toBe(0);
      const lines = watched.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(bodies).toEqual(lines);
      const kinds = lines.map((l) => `${l.kind} #${l.leaseId}`);
      expect(kinds).toEqual(
        expect.arrayContaining([
          "top-up-executed #1",
          "runway-low #2",
          `activation-due #${pending.leaseId}`,
        ]),
      );
      for (const l of lines)
        expect(l).toMatchObject({
          role: "buyer",
          severity: expect.any(String),
          message: expect.any(String),
        });
      const provider = await cli([
        "watch",
        "--provider",
        privateKeyToAccount(PROVIDER_KEY).address,
        "--once",
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ]);
      expect(provider.code, provider.stderr).toBe(0);
      const providerKinds = provider.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).kind);
      expect(providerKinds).toContain("activation-due");
    } finally {
      server.close();
    }
    const bad = await cli(["watch", "--buyer", "0x1", "--once"]);
    expect(bad.code).toBe(2);
  });

  it("ends an unfunded lease only after its grace, paying the escrowed exit terms", async () => {
    await okJson(run(BUYER_KEY, ["lease", "topup", "revoke", "--lease", "1"]));
    await chain.advance(2 * DAY);
    const early = await run(PROVIDER_KEY, ["provider", "end-unfunded", "1"]);
    expect(early.code).toBe(3);
    expect(early.json.error.kind).toBe("Market_GraceNotOver");
    const lease = await show("1");
    expect(lease.endReason).toBe("None");
    expect(BigInt(lease.terms.graceEnds)).toBeGreaterThan(0n);
    await chain.advance(3 * DAY);
    const ended = await okJson(run(PROVIDER_KEY, ["provider", "end-unfunded", "1"]));
    expect(ended.exitCharge).toBe(lease.terms.exitEscrow);
    expect((await show("1")).endReason).toBe("Unfunded");
  });
});
