/**
 * The provider agents of the dev stack: one `gridlease provider serve` process per seeded provider, run through
 * the CLI's command line (cli/README.md) with the demo provisioning hook (./demo-hook.ts), so that a lease opened
 * in the app is activated within a few seconds and its buyer can reveal (demo) access details. The same hook is
 * the health hook: it answers healthy, so an outage reported in the app is resolved within a few seconds.
 *
 * Only leases opened after the agents start are served, and the seeded rolling leases under a top-up allowance
 * (the agent tops them up, issue #12): the seeded history keeps its pending, no-show and expired-but-not-closed
 * leases as the seed left them. The CLI has no flag for that, so each agent gets a state
 * file written here in the agent's documented format (cli/README.md, "State file"): the provider's offers are
 * already known and the chain's current head counts as handled, so the agent scans only newer blocks. (A
 * `--from-block` alone would not do: the agent learns a provider's offers from OfferCreated events, and the seeded
 * offers were created before it.)
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { getAddress, toHex, type Address, type PublicClient } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { LeaseStatus } from "@gridlease/sdk/status";
import { hardhatAccount } from "./dev-accounts.ts";
import { startService, waitUntilReady, type Service } from "./services.ts";

/** A provider whose leases an agent serves. */
export interface ServedProvider {
  /** Hardhat account index (the key the agent signs with; public test keys). */
  index: number;
  address: Address;
  name: string;
  region: string;
  /** The provider's offer ids when the agent started. */
  offers: bigint[];
}

export interface AgentsOptions {
  root: string;
  rpcUrl: string;
  market: Address;
  chainId: number;
  publicClient: PublicClient;
  /** The providers to serve (accounts of the default Hardhat mnemonic, by address). */
  providers: readonly { name: string; region: string; address: Address }[];
  /** Where the state files go (a directory the stack deletes when it stops). */
  stateDir: string;
  /** Seconds between the agents' passes (default 1: a new lease is activated within about two seconds). */
  pollSeconds?: number;
  /** Registers each process as it starts, so the stack stops it. */
  onStart: (service: Service) => void;
  /** Each JSON log entry an agent prints (see cli/README.md for the events). */
  onEvent?: (provider: ServedProvider, entry: AgentLogEntry) => void;
}

/** One line of an agent's log. */
export interface AgentLogEntry {
  event: string;
  level?: string;
  leaseId?: string;
  [field: string]: unknown;
}

function parseEntry(line: string): AgentLogEntry | undefined {
  try {
    const entry = JSON.parse(line) as unknown;
    if (entry && typeof entry === "object" && "event" in entry && typeof entry.event === "string")
      return entry as AgentLogEntry;
  } catch {
    /* not a log entry (e.g. a stack trace) */
  }
  return undefined;
}

/** The Hardhat account index of `address` among the first `max` accounts (the seed's deals use #54-#67). */
function accountIndex(address: Address, max = 100): number {
  for (let i = 0; i < max; i++) if (hardhatAccount(i).address === getAddress(address)) return i;
  throw new Error(`${address} is not one of the first ${max} Hardhat accounts: no key to serve it`);
}

/** Quotes `value` for `sh -c` (the agent runs its hooks through the shell). */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** The seeded leases with a top-up allowance that are active at `head`, with what the agent's state records. */
async function fundedLeases(client: PublicClient, market: Address, head: bigint) {
  const range = { address: market, abi: gridleaseMarketAbi, fromBlock: 0n, toBlock: head };
  const [opened, allowances] = await Promise.all([
    client.getContractEvents({ ...range, eventName: "LeaseOpened", strict: true }),
    client.getContractEvents({ ...range, eventName: "TopUpAllowanceSet", strict: true }),
  ]);
  const withAllowance = new Set(allowances.map((e) => e.args.leaseId));
  const candidates = opened.filter((e) => withAllowance.has(e.args.leaseId));
  const views = await Promise.all(
    candidates.map((e) =>
      client.readContract({
        address: market,
        abi: gridleaseMarketAbi,
        functionName: "getLease",
        args: [e.args.leaseId],
        blockNumber: head,
      }),
    ),
  );
  return candidates
    .filter((_, i) => views[i].status === LeaseStatus.Active)
    .map((e) => ({
      leaseId: e.args.leaseId,
      offerId: e.args.offerId,
      buyer: getAddress(e.args.buyer),
      buyerPublicKey: e.args.buyerPublicKey,
    }));
}

/** Starts one agent per provider and resolves once every one has logged "started". */
export async function startAgents(options: AgentsOptions): Promise<ServedProvider[]> {
  const { publicClient, market } = options;
  const head = await publicClient.getBlockNumber();
  const created = await publicClient.getContractEvents({
    address: market,
    abi: gridleaseMarketAbi,
    eventName: "OfferCreated",
    fromBlock: 0n,
    toBlock: head,
    strict: true,
  });
  const funded = await fundedLeases(publicClient, market, head);
  const hook = `${shellQuote(process.execPath)} ${shellQuote(join(options.root, "scripts", "lib", "demo-hook.ts"))}`;
  const secret = toHex(randomBytes(32));
  const served: ServedProvider[] = [];
  const waits: Promise<void>[] = [];
  for (const p of options.providers) {
    const address = getAddress(p.address);
    const index = accountIndex(address);
    const offers = created
      .filter((e) => getAddress(e.args.provider) === address)
      .map((e) => e.args.offerId);
    const provider: ServedProvider = { index, address, name: p.name, region: p.region, offers };
    let started = false;
    const statePath = join(options.stateDir, `provider-${index}.json`);
    const state = {
      version: 1,
      chainId: options.chainId,
      market,
      provider: address,
      lastBlock: head.toString(),
      offers: offers.map(String),
      // The seeded rolling leases under a top-up allowance are served from the start: the agent tops them up.
      leases: Object.fromEntries(
        funded
          .filter((l) => offers.includes(l.offerId))
          .map((l) => [
            String(l.leaseId),
            {
              offerId: String(l.offerId),
              buyer: l.buyer,
              buyerPublicKey: l.buyerPublicKey,
              phase: "active",
              provisioned: true,
              updatedAt: new Date().toISOString(),
            },
          ]),
      ),
    };
    writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    const agent = startService(
      `agent #${index}`,
      process.execPath,
      [
        join(options.root, "cli", "bin", "gridlease.ts"),
        "provider",
        "serve",
        "--provision-hook",
        hook,
        "--deprovision-hook",
        hook,
        "--health-hook",
        hook,
        "--state",
        statePath,
        "--poll-interval",
        String(options.pollSeconds ?? 1),
        // Given explicitly: the CLI's defaults for these two are read as milliseconds, not seconds (a 0.3 s hook
        // timeout would fail the hook under load).
        "--hook-timeout",
        "60",
        "--backoff-max",
        "10",
      ],
      {
        cwd: options.root,
        env: {
          GRIDLEASE_RPC_URL: options.rpcUrl,
          GRIDLEASE_CHAIN_ID: String(options.chainId),
          GRIDLEASE_MARKET: market,
          GRIDLEASE_PRIVATE_KEY: toHex(hardhatAccount(index).getHdKey().privateKey!),
          GRIDLEASE_DEMO_HOOK_SECRET: secret,
          // Keep a developer's own ~/.config/gridlease/config.json (keystore, other RPC) out of the demo.
          XDG_CONFIG_HOME: options.stateDir,
          GRIDLEASE_CONFIG: "",
        },
        onLine: (line) => {
          const entry = parseEntry(line);
          if (!entry) return;
          if (entry.event === "started") started = true;
          options.onEvent?.(provider, entry);
        },
      },
    );
    options.onStart(agent);
    waits.push(waitUntilReady(agent, async () => started, 60_000));
    served.push(provider);
  }
  await Promise.all(waits);
  return served;
}
