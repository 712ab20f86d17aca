/**
 * Provider and buyer commands against a real local chain (`hardhat node` with a fresh market): registration,
 * bond, offers (including --detect on each recorded server), a buyer opening leases by permit and by approval,
 * the agent activating one, `lease access` decrypting it, extension, termination, claims, and decoded reverts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import {
  BUYER_KEY,
  cli,
  FIXTURES,
  OTHER_KEY,
  PROVIDER_KEY,
  SMI_FIXTURES,
  startAgent,
  startChain,
  tempDir,
  type Chain,
} from "./support.ts";

let chain: Chain;
let dir: string;
const provider = privateKeyToAccount(PROVIDER_KEY).address;

beforeAll(async () => {
  chain = await startChain();
  dir = tempDir();
});
afterAll(async () => {
  await chain?.stop();
});

const as =
  (key: string) =>
  (args: string[], env: NodeJS.ProcessEnv = {}) =>
    cli([...args, "--rpc-url", chain.url, "--market", chain.market, "--json"], {
      env: { GRIDLEASE_PRIVATE_KEY: key, ...env },
    });
const providerCli = (args: string[], env?: NodeJS.ProcessEnv) => as(PROVIDER_KEY)(args, env);
const buyerCli = (args: string[], env?: NodeJS.ProcessEnv) => as(BUYER_KEY)(args, env);

const ok = <T extends { code: number | null; stderr: string; stdout: string }>(r: T): T => {
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r;
};

const OFFER = [
  "--units",
  "4",
  "--region",
  "AU-QLD",
  "--token",
  "tUSD",
  "--price",
  "1.95",
  "--min-duration",
  "1h",
  "--max-duration",
  "30d",
  "--min-bond",
  "1000",
];

describe("provider and buyer commands", () => {
  it("registers, bonds and lists offers, --detect included", async () => {
    const reg = ok(
      await providerCli(["provider", "register", "--metadata-uri", "ipfs://provider/brisbane"]),
    );
    expect(reg.json.provider).toBe(provider);
    const again = await providerCli(["provider", "register", "--metadata-uri", "ipfs://x"]);
    expect(again.code).toBe(3);
    expect(again.json.error.kind).toBe("Market_ProviderAlreadyRegistered");

    const bond = ok(
      await providerCli(["provider", "bond", "deposit", "--token", "tUSD", "--amount", "5000"]),
    );
    expect(bond.json.bond).toBe(bond.json.amount);
    expect(bond.json.token.toLowerCase()).toBe(chain.usd.toLowerCase());
    // Bonds are per payment token: a GRID bond is its own, and a withdrawal beyond the tUSD bond is refused.
    const grid = ok(
      await providerCli(["provider", "bond", "deposit", "--token", "GRID", "--amount", "250"]),
    );
    expect(grid.json.bond).toBe(String(250n * 10n ** 18n));
    const over = await providerCli([
      "provider",
      "bond",
      "withdraw",
      "--token",
      "tUSD",
      "--amount",
      "9000",
    ]);
    expect(over.code).toBe(3);
    expect(over.stderr).toMatch(/5,000/);
    const noToken = await providerCli(["provider", "bond", "deposit", "--amount", "1"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/--token is required/);
    const bonds = ok(await providerCli(["provider", "info"]));
    expect(
      Object.fromEntries(
        bonds.json.bonds.map((b: { symbol: string; amount: string }) => [b.symbol, b.amount]),
      ),
    ).toEqual({ tUSD: bond.json.amount, GRID: grid.json.bond });

    const manual = ok(
      await providerCli([
        "offer",
        "create",
        "--gpu-model",
        "H100-SXM-80GB",
        "--gpus-per-unit",
        "8",
        ...OFFER,
      ]),
    );
    expect(manual.json.offerId).toBe("1");

    for (const [file, model] of [
      ["hgx-h100-8x.csv", "H100-SXM-80GB"],
      ["hgx-h200-8x.csv", "H200-141GB"],
      ["hgx-b200-8x.csv", "B200-192GB"],
      ["hgx-b300-8x.csv", "B300-288GB"],
    ]) {
      const r = ok(
        await providerCli(["offer", "create", "--detect", ...OFFER], {
          GRIDLEASE_NVIDIA_SMI: join(FIXTURES, "fake-nvidia-smi.sh"),
          FAKE_NVIDIA_SMI_OUTPUT: join(SMI_FIXTURES, file),
        }),
      );
      expect({ model: r.json.gpuModel, gpus: r.json.gpusPerUnit }).toEqual({ model, gpus: "8" });
      const shown = ok(await providerCli(["offer", "show", "--offer", r.json.offerId]));
      expect(shown.json).toMatchObject({
        gpuModel: model,
        gpusPerUnit: "8",
        totalUnits: "4",
        region: "AU-QLD",
        price: "$1.95",
      });
    }
    const noSmi = await providerCli(["offer", "create", "--detect", ...OFFER], {
      GRIDLEASE_NVIDIA_SMI: "/nonexistent/nvidia-smi",
    });
    expect(noSmi.code).toBe(5);
    expect(noSmi.stderr).toMatch(/was not found/);

    const info = ok(await providerCli(["provider", "info"]));
    expect(info.json.offers).toHaveLength(5);
  });

  it("signs with an encrypted keystore named in a config file", async () => {
    const keystore = join(dir, "provider-keystore.json");
    ok(
      await cli(["account", "import", "--out", keystore], {
        env: {
          GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY,
          GRIDLEASE_KEYSTORE_PASSWORD: "s3cret passphrase",
        },
      }),
    );
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ rpcUrl: chain.url, market: chain.market, keystore }));
    const info = ok(
      await cli(["provider", "info", "--config", config, "--json"], {
        env: { GRIDLEASE_KEYSTORE_PASSWORD: "s3cret passphrase" },
      }),
    );
    expect(info.json).toMatchObject({ provider, registered: true });
    const wrong = await cli(["offer", "pause", "--offer", "1", "--config", config], {
      env: { GRIDLEASE_KEYSTORE_PASSWORD: "not it" },
    });
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toMatch(/Wrong keystore passphrase/);
    const noTty = await cli(["offer", "pause", "--offer", "1", "--config", config]);
    expect(noTty.code).toBe(5);
    expect(noTty.stderr).toMatch(/GRIDLEASE_KEYSTORE_PASSWORD/);
  });

  it("changes price and units, pauses and resumes an offer", async () => {
    expect(
      ok(await providerCli(["offer", "set-price", "--offer", "2", "--price", "2.10"])).json.price,
    ).toBe("$2.10");
    // Human mode: progress on stderr while the transaction confirms, the result on stdout.
    const human = await cli(
      [
        "offer",
        "set-units",
        "--offer",
        "2",
        "--units",
        "6",
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ],
      {
        env: { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
      },
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(
      /Setting offer #2 to 6 units…\n {2}sent 0x[0-9a-f]{64}, waiting for confirmation…\n {2}confirmed in block \d+/,
    );
    expect(human.stdout).toBe("Offer #2 updated.\n");
    expect(ok(await providerCli(["offer", "show", "--offer", "2"])).json.totalUnits).toBe("6");
    expect(ok(await providerCli(["offer", "pause", "--offer", "2"])).json.paused).toBe(true);
    const twice = await providerCli(["offer", "pause", "--offer", "2"]);
    expect(twice.code).toBe(3);
    expect(ok(await providerCli(["offer", "resume", "--offer", "2"])).json.paused).toBe(false);
    const notMine = await as(OTHER_KEY)(["offer", "pause", "--offer", "2"]);
    expect(notMine.code).toBe(3);
    expect(notMine.json.error.kind).toBe("Market_NotOfferProvider");
    const unknown = await providerCli(["offer", "show", "--offer", "99"]);
    expect(unknown.code).toBe(7);
  });

  it("takes a buyer from lease open to decrypted lease access, served by the agent", async () => {
    const keyFile = join(dir, "buyer.key");
    ok(await cli(["keys", "generate", "--out", keyFile]));
    // Refusals before anything is sent: a paused offer, too little money.
    ok(await providerCli(["offer", "pause", "--offer", "3"]));
    const paused = await buyerCli([
      "lease",
      "open",
      "--offer",
      "3",
      "--units",
      "1",
      "--duration",
      "2h",
      "--key",
      keyFile,
    ]);
    expect(paused.code).toBe(3);
    expect(paused.stderr).toMatch(/paused/);
    // An account with no tokens (and no ETH): refused before signing anything.
    const poor = await as("0x" + "42".repeat(32))([
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
    ]);
    expect(poor.code).toBe(6);
    expect(poor.stderr).toMatch(/does not cover the deposit/);

    const opened = ok(
      await buyerCli([
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
    expect(opened.json).toMatchObject({ leaseId: "1", status: "Pending", units: "1" });
    const notYet = await buyerCli(["lease", "access", "--lease", "1", "--key", keyFile]);
    expect(notYet.code).toBe(7);
    expect(notYet.stderr).toMatch(/no access details yet/);

    const hookLog = join(dir, "hooks.log");
    const agent = startAgent(
      [
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
        "--provision-hook",
        `node ${join(FIXTURES, "hook.mjs")} provision ${hookLog}`,
        "--deprovision-hook",
        `node ${join(FIXTURES, "hook.mjs")} deprovision ${hookLog}`,
        "--state",
        join(dir, "agent.json"),
        "--poll-interval",
        "0.3",
      ],
      { GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY },
    );
    try {
      await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === "1");
      const access = ok(await buyerCli(["lease", "access", "--lease", "1", "--key", keyFile]));
      expect(access.json.access).toMatchObject({
        host: "gpu-1.example.net",
        port: 22,
        user: "lease1",
      });
      expect(access.json.access.key).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
      const human = await cli([
        "lease",
        "access",
        "--lease",
        "1",
        "--key",
        keyFile,
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
      ]);
      expect(human.stdout).toMatch(/host gpu-1\.example\.net {2}port 22 {2}user lease1/);
      // Someone else's key cannot read it.
      const otherKey = join(dir, "other.key");
      ok(await cli(["keys", "generate", "--out", otherKey]));
      const wrong = await buyerCli(["lease", "access", "--lease", "1", "--key", otherKey]);
      expect(wrong.code).toBe(5);
      expect(wrong.stderr).toMatch(/sealed to key/);

      // Approval path, extension, listing, termination.
      const second = ok(
        await buyerCli([
          "lease",
          "open",
          "--offer",
          "1",
          "--units",
          "2",
          "--duration",
          "1h",
          "--key",
          keyFile,
          "--approve",
        ]),
      );
      expect(second.json.leaseId).toBe("2");
      await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === "2");
      const extended = ok(await buyerCli(["lease", "extend", "--lease", "2", "--by", "30m"]));
      expect(extended.json.duration).toBe(String(5400));
      const list = ok(await buyerCli(["lease", "list"]));
      expect(
        list.json.leases.map((l: { leaseId: string; status: string }) => [l.leaseId, l.status]),
      ).toEqual([
        ["1", "Active"],
        ["2", "Active"],
      ]);
      await chain.advance(600);
      const terminated = ok(await buyerCli(["lease", "terminate", "--lease", "2"]));
      expect(BigInt(terminated.json.refund)).toBeGreaterThan(0n);
      await agent.waitFor((e) => e.event === "lease-ended" && e.leaseId === "2");
      const cancelTooEarly = await buyerCli(["lease", "cancel", "--lease", "1"]);
      expect(cancelTooEarly.code).toBe(3);

      const providerList = ok(await providerCli(["lease", "list", "--provider"]));
      expect(providerList.json.leases).toHaveLength(2);
      const claimed = ok(await providerCli(["provider", "claim"]));
      expect(claimed.json.claimed.map((c: { leaseId: string }) => c.leaseId).sort()).toEqual([
        "1",
        "2",
      ]);
      const hooks = (await import("node:fs"))
        .readFileSync(hookLog, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(hooks.map((h) => [h.mode, h.input.leaseId, h.input.reason])).toEqual([
        ["provision", "1", undefined],
        ["provision", "2", undefined],
        ["deprovision", "2", "BuyerTerminated"],
      ]);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});
