/** `gridlease config show`: the settings a command would use, and where each came from. */
import { publishedAuditors } from "@gridlease/sdk/eas";
import { indexerUrlFor, type Settings } from "../config.ts";
import { defineCommand, type Command } from "../command.ts";
import { toCliError } from "../context.ts";

const configShow = defineCommand({
  name: "config show",
  summary:
    "Show the settings in effect (RPC, chain, market, indexer, keystore, trusted auditors) and where each came from",
  help: `

Asks the RPC for its chain to show the defaults that depend on it (the SDK's market, the local indexer on
chain 31337); when the RPC cannot be reached it says so and shows the rest. Never prints a key.`,
  options: {},
  async run({ out, connect, settings }) {
    const source = (key: string) => settings.sources[key] ?? null;
    let chainId: number | null = null;
    let market: { value: string | null; source: Settings["sources"][string] | null } = {
      value: settings.market ?? null,
      source: source("market"),
    };
    let rpcProblem: string | null = null;
    try {
      const ctx = await connect();
      chainId = ctx.chain.id;
      market = { value: ctx.market, source: settings.market ? source("market") : "default" };
    } catch (err) {
      rpcProblem = toCliError(err).message;
    }
    const indexer =
      chainId === null
        ? {
            url: settings.indexerUrl,
            source: settings.indexerUrl ? source("indexerUrl") : undefined,
          }
        : indexerUrlFor(settings, chainId);
    const result = {
      configFile: settings.configFile ?? null,
      rpcUrl: { value: settings.rpcUrl, source: source("rpcUrl") },
      chainId: {
        value: chainId,
        source:
          settings.chainId !== undefined ? source("chainId") : chainId !== null ? "rpc" : null,
      },
      market,
      indexerUrl: { value: indexer.url ?? null, source: indexer.source ?? null },
      keystore: { value: settings.keystore ?? null, source: source("keystore") },
      accessKey: settings.accessKey ?? null,
      // Whose audits count (audit list): the setting, else the chain's published auditors.
      trustedAuditors: settings.trustedAuditors
        ? { value: settings.trustedAuditors, source: source("trustedAuditors") }
        : { value: chainId === null ? null : publishedAuditors(chainId), source: "published" },
      attestations: { value: settings.attestations ?? null, source: source("attestations") },
      privateKeyFromEnv: Boolean(process.env.GRIDLEASE_PRIVATE_KEY),
      rpcProblem,
    };
    const line = (name: string, s: { value: string | number | null; source: string | null }) =>
      `  ${name.padEnd(12)} ${s.value ?? "(not set)"}${s.source ? ` (${s.source})` : ""}`;
    out.result(result, () =>
      [
        `Config file: ${result.configFile ?? "(none)"}`,
        line("RPC URL", result.rpcUrl),
        line("chain", result.chainId),
        line("market", result.market),
        line("indexer", result.indexerUrl),
        line("keystore", result.keystore),
        `  ${"access key".padEnd(12)} ${result.accessKey ?? "(not set)"}`,
        `  ${"auditors".padEnd(12)} ${result.trustedAuditors.value?.join(", ") || "(none)"} (${result.trustedAuditors.source})`,
        `  ${"EAS".padEnd(12)} ${result.attestations.value ? `${result.attestations.value.eas} (${result.attestations.source})` : "the SDK's deployment for the chain"}`,
        `  ${"private key".padEnd(12)} ${result.privateKeyFromEnv ? "from GRIDLEASE_PRIVATE_KEY" : "(not in the environment)"}`,
        ...(rpcProblem ? ["", `The RPC could not be asked for its chain: ${rpcProblem}`] : []),
      ].join("\n"),
    );
  },
});

/** The `config` commands. */
export const configCommands: Command[] = [configShow];
