/**
 * The `gridlease` command without a market: help, usage errors and their exit codes, an unreachable RPC, GPU
 * detection from recorded nvidia-smi outputs, access key files and the encrypted keystore.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import { gpuModelCode, parseNvidiaSmi, summarise } from "../src/gpu.ts";
import { decryptKeystore, encryptKeystore } from "../src/keystore.ts";
import { parseDuration } from "../src/args.ts";
import { indexerUrlFor, LOCAL_INDEXER_URL, resolveSettings } from "../src/config.ts";
import type { Context } from "../src/context.ts";
import { openIndexer } from "../src/indexer.ts";
import { BUYER_KEY, cli, PROVIDER_KEY, SMI_FIXTURES, sparePort, tempDir } from "./support.ts";

const SERVERS = [
  ["hgx-h100-8x.csv", "H100-SXM-80GB", "NVIDIA H100 80GB HBM3", 81559],
  ["hgx-h200-8x.csv", "H200-141GB", "NVIDIA H200", 143771],
  ["hgx-b200-8x.csv", "B200-192GB", "NVIDIA B200", 183359],
  ["hgx-b300-8x.csv", "B300-288GB", "NVIDIA B300 SXM6 AC", 275040],
] as const;

describe("GPU detection from recorded nvidia-smi output", () => {
  for (const [file, code, name, mem] of SERVERS) {
    it(`reads an 8-GPU ${code} HGX server (${file})`, () => {
      const gpus = parseNvidiaSmi(readFileSync(join(SMI_FIXTURES, file), "utf8"));
      expect(gpus).toHaveLength(8);
      expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(gpus.map((g) => g.name))).toEqual(new Set([name]));
      expect(gpus[0].memoryMiB).toBe(mem);
      const d = summarise(gpus);
      expect({ model: d.gpuModel, gpus: d.gpusPerUnit }).toEqual({ model: code, gpus: 8 });
    });
  }

  it("refuses a server that mixes models, and unknown cards, with a plain message", () => {
    const h100 = readFileSync(join(SMI_FIXTURES, "hgx-h100-8x.csv"), "utf8").split("\n")[0];
    const b200 = readFileSync(join(SMI_FIXTURES, "hgx-b200-8x.csv"), "utf8").split("\n")[1];
    expect(() => summarise(parseNvidiaSmi(`${h100}\n${b200}\n`))).toThrow(/mixes GPU models/);
    expect(() =>
      summarise(parseNvidiaSmi("0, NVIDIA Tesla T4, 15360 MiB, 00000000:00:04.0, 535.1\n")),
    ).toThrow(/--gpu-model/);
    expect(() =>
      parseNvidiaSmi(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      ),
    ).toThrow(/Unexpected nvidia-smi output/);
    expect(gpuModelCode("NVIDIA H100 PCIe", 81559)).toBe("H100-PCIE-80GB");
  });
});

describe("command line", () => {
  it("prints help for the tool and every command, exit 0", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/provider serve/);
    expect(top.stdout).toMatch(/Exit codes: 0 ok/);
    for (const command of [
      "provider serve",
      "lease open",
      "offer create",
      "keys generate",
      "provider bond deposit",
    ]) {
      const r = await cli([...command.split(" "), "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: gridlease ${command}`));
    }
  });

  it("exits 2 with a clear message on bad usage", async () => {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /Unknown command: frobnicate/],
      [["lease", "open", "--offer"], /--offer/],
      [["lease", "open", "--bogus", "1"], /Unknown option '--bogus'/],
      [["market", "search", "--indexer-url", "ftp://x"], /indexer URL must start with http/],
      [["market", "search", "--sort", "cheap"], /--sort must be one of/],
      [
        [
          "lease",
          "open",
          "--offer",
          "x",
          "--units",
          "1",
          "--duration",
          "1h",
          "--public-key",
          "0x" + "11".repeat(32),
        ],
        /--offer must be a whole number/,
      ],
      [
        [
          "lease",
          "open",
          "--offer",
          "1",
          "--units",
          "1",
          "--duration",
          "soon",
          "--public-key",
          "0x" + "11".repeat(32),
        ],
        /--duration must be a duration/,
      ],
      [["offer", "show", "--offer", "1", "--rpc-url", "ftp://x"], /RPC URL must start with/],
      [["lease", "show", "--lease", "1", "--market", "0x123"], /market must be a 0x address/],
      [["provider", "serve"], /--provision-hook is required/],
      [["keys", "generate"], /--out is required/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
    const json = await cli(["lease", "open", "--json", "--offer", "zero"]);
    expect(json.code).toBe(2);
    expect(json.json.error).toMatchObject({ code: 2, kind: "usage" });
  });

  it("exits 4 when the RPC is unreachable, in plain words", async () => {
    const port = await sparePort();
    const r = await cli([
      "offer",
      "show",
      "--offer",
      "1",
      "--rpc-url",
      `http://127.0.0.1:${port}`,
      "--json",
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/could not be reached/);
    expect(r.json.error.code).toBe(4);
  });

  it("parses durations", () => {
    expect([
      parseDuration("3600", "d"),
      parseDuration("90m", "d"),
      parseDuration("1h30m", "d"),
      parseDuration("7d", "d"),
    ]).toEqual([3600n, 5400n, 5400n, 604800n]);
  });
});

describe("keys and accounts", () => {
  it("generates an access key file (0600, never overwritten) and shows its public key", async () => {
    const dir = tempDir();
    const file = join(dir, "buyer.key");
    const made = await cli(["keys", "generate", "--out", file, "--json"]);
    expect(made.code).toBe(0);
    expect(made.json.publicKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(made.stdout).not.toContain(JSON.parse(readFileSync(file, "utf8")).secretKey);
    const shown = await cli(["keys", "show", "--key", file, "--json"]);
    expect(shown.json.publicKey).toBe(made.json.publicKey);
    const again = await cli(["keys", "generate", "--out", file]);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it("encrypts a private key into a keystore and never prints it", async () => {
    const dir = tempDir();
    const file = join(dir, "provider.json");
    const imported = await cli(["account", "import", "--out", file, "--json"], {
      env: {
        GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY,
        GRIDLEASE_KEYSTORE_PASSWORD: "correct horse battery",
      },
    });
    expect(imported.code, imported.stderr).toBe(0);
    const address = privateKeyToAccount(PROVIDER_KEY).address;
    expect(imported.json.address).toBe(address);
    const content = readFileSync(file, "utf8");
    for (const text of [content, imported.stdout, imported.stderr])
      expect(text.toLowerCase()).not.toContain(PROVIDER_KEY.slice(2).toLowerCase());
    const shown = await cli(["account", "address", "--keystore", file]);
    expect(shown.stdout.trim()).toBe(address);
    const keystore = JSON.parse(content);
    expect(await decryptKeystore(keystore, "correct horse battery")).toBe(PROVIDER_KEY);
    await expect(decryptKeystore(keystore, "wrong")).rejects.toThrow(/Wrong keystore passphrase/);
  });

  it("refuses a config file that holds a private key", async () => {
    const dir = tempDir();
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ rpcUrl: "http://127.0.0.1:1", privateKey: BUYER_KEY }));
    const r = await cli(["lease", "show", "--lease", "1", "--config", config]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/keep keys out of config files/);
    expect(r.stderr).not.toContain(BUYER_KEY.slice(2));
  });

  it("round-trips the keystore format with a cheap scrypt for speed", async () => {
    const ks = await encryptKeystore(BUYER_KEY, "pw", { N: 2 ** 10 });
    expect(ks.address).toBe(privateKeyToAccount(BUYER_KEY).address);
    expect(await decryptKeystore(ks, "pw")).toBe(BUYER_KEY);
  });
});

describe("settings", () => {
  const env = { XDG_CONFIG_HOME: join(tempDir(), "none") };

  it("defaults the indexer to the one `npm run dev` starts on the local chain only", () => {
    const local = resolveSettings({}, env);
    expect(indexerUrlFor(local, 31337)).toEqual({ url: LOCAL_INDEXER_URL, source: "default" });
    expect(LOCAL_INDEXER_URL).toBe("http://127.0.0.1:42069");
    expect(indexerUrlFor(local, 84532)).toEqual({});
    const flagged = resolveSettings({ "indexer-url": "http://indexer.example:8080" }, env);
    expect(indexerUrlFor(flagged, 31337)).toEqual({
      url: "http://indexer.example:8080",
      source: "flag",
    });
    const fromEnv = resolveSettings({}, { ...env, GRIDLEASE_INDEXER_URL: "http://i.example" });
    expect(indexerUrlFor(fromEnv, 84532)).toEqual({ url: "http://i.example", source: "env" });
  });

  it("market search and explore read the local indexer on chain 31337, and want a URL elsewhere", async () => {
    const settings = resolveSettings({}, env);
    const on = (id: number) => async () => ({ chain: { id } }) as Context;
    expect((await openIndexer(settings, on(31337))).url).toBe("http://127.0.0.1:42069");
    await expect(openIndexer(settings, on(84532))).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(/none is set for this chain: pass --indexer-url/),
    });
    const flagged = resolveSettings({ "indexer-url": "http://indexer.example:8080/graphql" }, env);
    expect((await openIndexer(flagged, on(84532))).url).toBe("http://indexer.example:8080");
  });

  it("config show names each setting's source and says when the RPC cannot be asked", async () => {
    const r = await cli(
      ["config", "show", "--rpc-url", `http://127.0.0.1:${await sparePort()}`, "--json"],
      {
        env: { GRIDLEASE_INDEXER_URL: "http://i.example" },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.rpcUrl.source).toBe("flag");
    expect(r.json.indexerUrl).toEqual({ value: "http://i.example", source: "env" });
    expect(r.json.chainId.value).toBeNull();
    expect(r.json.rpcProblem).toMatch(/could not be reached/);
  });
});
