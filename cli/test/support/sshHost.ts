/**
 * A provider's GPU host as the sshd tests need it: a test chain, a real sshd (./sshd.ts) on a spare port, an 8-GPU
 * device directory with the shipped ssh-account hook's configuration, a buyer access key, the provider registered
 * and bonded with an offer listed by `offer create --detect` (the fake nvidia-smi's 8 × H100), and the agent
 * provisioning leases through the hook. `stop()` removes every Unix account the hook made, even after a failure.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import {
  BUYER_KEY,
  cli,
  okJson,
  onChain,
  PROVIDER_KEY,
  sparePort,
  startAgent,
  startChain,
  tempDir,
  type AgentProcess,
  type Chain,
  OFFER_TERMS,
} from "../support.ts";
import { removeAccount, startSshd, type Sshd } from "./sshd.ts";

/** The shipped provisioning hook: one Unix account per lease, named `<accountPrefix><leaseId>`. */
export const SSH_ACCOUNT_HOOK = fileURLToPath(new URL("../../hooks/ssh-account", import.meta.url));

/** Command-line flags, or a function of the host's temporary directory that makes them. */
type Flags = string[] | ((dir: string) => string[]);
const flagsIn = (flags: Flags, dir: string) => (typeof flags === "function" ? flags(dir) : flags);

export interface SshHostOptions {
  /** The hook's account prefix: each test file its own, so their accounts never meet. */
  accountPrefix: string;
  /** Servers the offer lists (default 1). */
  units?: number;
  /** More `offer create` flags (`--repair-window 15m`), or made from the host's directory (`--spec-out DIR/…`). */
  offerFlags?: Flags;
  /** More `provider serve` flags (`--health-hook …`), the same way. */
  agentFlags?: Flags;
}

export interface SshHost {
  chain: Chain;
  sshd: Sshd;
  agent: AgentProcess;
  /** A temporary directory, removed by stop(). */
  dir: string;
  /** The buyer's access key file. */
  keyFile: string;
  offerId: string;
  /** `gridlease … --json` on the host's chain as the wallet `key` (support.ts's onChain). */
  run: ReturnType<typeof onChain>;
  /** The buyer opens a lease of one server for 2 hours; returns its id (not waiting for the agent). */
  openLease(): Promise<string>;
  /** Waits until the agent has activated `leaseId`. */
  activated(leaseId: string): Promise<void>;
  /** The Unix account of a lease. */
  account(leaseId: string): string;
  /** Stops the agent, sshd and the chain; removes the hook's accounts and the directory. */
  stop(): Promise<void>;
}

/** Every Unix account the hook may have made with `prefix` (its name is the prefix and a lease id). */
function accountsWithPrefix(prefix: string): string[] {
  const passwd = spawnSync("getent", ["passwd"], { encoding: "utf8" }).stdout ?? "";
  return passwd
    .split("\n")
    .map((line) => line.split(":")[0] ?? "")
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)));
}

/** Starts the chain, sshd and the agent, and lists the offer; on any failure, stops what it started. */
export async function startSshHost(options: SshHostOptions): Promise<SshHost> {
  const { accountPrefix, units = 1, offerFlags = [], agentFlags = [] } = options;
  const started: { chain?: Chain; sshd?: Sshd; agent?: AgentProcess } = {};
  const dir = tempDir();
  const stop = async () => {
    await started.agent?.kill();
    for (const user of accountsWithPrefix(accountPrefix)) removeAccount(user);
    await started.sshd?.stop();
    await started.chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const chain = (started.chain = await startChain());
    const sshd = (started.sshd = await startSshd(await sparePort()));
    const run = onChain(() => chain);
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
        accountPrefix,
      }),
      { mode: 0o600 },
    );
    const keyFile = join(dir, "buyer.key");
    await okJson(cli(["keys", "generate", "--out", keyFile]));
    await okJson(run(PROVIDER_KEY, ["provider", "register", "--metadata-uri", "ipfs://p"]));
    await okJson(
      run(PROVIDER_KEY, ["provider", "bond", "deposit", "--token", "tUSD", "--amount", "5000"]),
    );
    const offer = await okJson(
      run(
        PROVIDER_KEY,
        [
          "offer",
          "create",
          "--detect",
          "--units",
          String(units),
          ...OFFER_TERMS,
          ...flagsIn(offerFlags, dir),
        ],
        { env: sshd.env },
      ),
    );
    expect(offer).toMatchObject({ gpuModel: "H100-SXM-80GB", gpusPerUnit: "8" });
    const agent = (started.agent = startAgent(
      [
        "--rpc-url",
        chain.url,
        "--market",
        chain.market,
        "--provision-hook",
        SSH_ACCOUNT_HOOK,
        "--deprovision-hook",
        SSH_ACCOUNT_HOOK,
        "--state",
        join(dir, "agent.json"),
        "--poll-interval",
        "0.3",
        ...flagsIn(agentFlags, dir),
      ],
      { ...sshd.env, GRIDLEASE_PRIVATE_KEY: PROVIDER_KEY, GRIDLEASE_SSH_ACCOUNT_CONFIG: config },
    ));
    return {
      chain,
      sshd,
      agent,
      dir,
      keyFile,
      offerId: offer.offerId,
      run,
      async openLease() {
        const opened = await okJson(
          run(BUYER_KEY, [
            "lease",
            "open",
            "--offer",
            offer.offerId,
            "--units",
            "1",
            "--duration",
            "2h",
            "--key",
            keyFile,
          ]),
        );
        return opened.leaseId as string;
      },
      async activated(leaseId) {
        await agent.waitFor((e) => e.event === "lease-activated" && e.leaseId === leaseId);
      },
      account: (leaseId) => `${accountPrefix}${leaseId}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
