/**
 * Settings come from, in order of precedence: command-line flags, environment variables, a JSON config file
 * (--config, GRIDLEASE_CONFIG, or ~/.config/gridlease/config.json when it exists), built-in defaults.
 *
 * The private key is never a flag (flags end up in shell history and `ps`): it comes from GRIDLEASE_PRIVATE_KEY
 * or from an encrypted keystore file (--keystore / GRIDLEASE_KEYSTORE / "keystore" in the config file) unlocked
 * with GRIDLEASE_KEYSTORE_PASSWORD or a passphrase typed at the terminal.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { getAddress, isAddress, type Address } from "viem";
import { AuditorListError, parseAuditorList, type EasContracts } from "@gridlease/sdk/eas";
import { CliError, errorMessage, EXIT, usage } from "./exit.ts";

export interface Settings {
  rpcUrl: string;
  /** The chain the RPC must serve, when given; checked against eth_chainId. */
  chainId?: number;
  /** Market address; default: the SDK's deployment for the chain. */
  market?: Address;
  indexerUrl?: string;
  keystore?: string;
  /** Buyer's access key file (from `gridlease keys generate`). */
  accessKey?: string;
  /** The attestation contracts (EAS, resolvers, AttestationPolicy) when not the SDK's deployment for the chain. */
  attestations?: EasContracts;
  /** The auditors whose audits count for this viewer; default the market's published list. */
  trustedAuditors?: Address[];
  /** Where the settings came from, for `gridlease config show`. */
  sources: Record<string, "flag" | "env" | "file" | "default">;
  configFile?: string;
}

export const GLOBAL_OPTIONS = {
  "rpc-url": { type: "string" },
  "chain-id": { type: "string" },
  market: { type: "string" },
  "indexer-url": { type: "string" },
  keystore: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const GLOBAL_HELP = `Global options:
  --rpc-url URL       JSON-RPC endpoint (env GRIDLEASE_RPC_URL; default http://127.0.0.1:8545)
  --chain-id N        refuse to run unless the RPC serves this chain (env GRIDLEASE_CHAIN_ID)
  --market ADDRESS    market contract (env GRIDLEASE_MARKET; default: the SDK's deployment for the chain)
  --indexer-url URL   Gridlease indexer (env GRIDLEASE_INDEXER_URL; default on the local chain 31337:
                      http://127.0.0.1:42069, the one \`npm run dev\` starts)
  --keystore FILE     encrypted account keystore (env GRIDLEASE_KEYSTORE); or set GRIDLEASE_PRIVATE_KEY
  --config FILE       JSON config file (env GRIDLEASE_CONFIG; default ~/.config/gridlease/config.json)
  --json              machine-readable output: one JSON document on stdout
  -h, --help          this help`;

/** The global flags as parseArgs gives them to every command. */
export interface Flags {
  "rpc-url"?: string;
  "chain-id"?: string;
  market?: string;
  "indexer-url"?: string;
  keystore?: string;
  config?: string;
}

/** The local chain `npm run dev` runs (Hardhat's chain id). */
export const LOCAL_CHAIN_ID = 31337;
/** The indexer `npm run dev` starts beside the local chain: the default there, as the SDK's market is. */
export const LOCAL_INDEXER_URL = "http://127.0.0.1:42069";

/** The indexer URL for a chain and where it came from: the configured one, else the local indexer on 31337. */
export function indexerUrlFor(
  settings: Pick<Settings, "indexerUrl" | "sources">,
  chainId: number,
): { url?: string; source?: Settings["sources"][string] } {
  if (settings.indexerUrl) return { url: settings.indexerUrl, source: settings.sources.indexerUrl };
  if (chainId === LOCAL_CHAIN_ID) return { url: LOCAL_INDEXER_URL, source: "default" };
  return {};
}

export function defaultConfigPath(env = process.env): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "gridlease", "config.json");
}

const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function readConfigFile(path: string, explicit: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (explicit) throw new CliError(EXIT.CONFIG, `Config file ${path} does not exist.`);
    return {};
  }
  try {
    const data: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (!isJsonObject(data)) throw new Error("it is not a JSON object");
    if ("privateKey" in data)
      throw new Error(
        'it holds a "privateKey": keep keys out of config files (use a keystore or GRIDLEASE_PRIVATE_KEY)',
      );
    return data;
  } catch (err) {
    throw new CliError(EXIT.CONFIG, `Cannot use config file ${path}: ${errorMessage(err)}`);
  }
}

export function resolveSettings(flags: Flags, env = process.env): Settings {
  const explicit = flags.config ?? (env.GRIDLEASE_CONFIG || undefined);
  const configFile = explicit ?? defaultConfigPath(env);
  const file = readConfigFile(configFile, explicit !== undefined);
  const sources: Settings["sources"] = {};
  const pick = (flag: keyof Flags, envName: string, key: string): string | undefined => {
    const fromFlag = flags[flag];
    if (fromFlag !== undefined) return ((sources[key] = "flag"), fromFlag);
    if (env[envName]) return ((sources[key] = "env"), env[envName]);
    if (file[key] !== undefined && file[key] !== null)
      return ((sources[key] = "file"), String(file[key]));
    return undefined;
  };
  let rpcUrl = pick("rpc-url", "GRIDLEASE_RPC_URL", "rpcUrl");
  if (!rpcUrl) {
    rpcUrl = "http://127.0.0.1:8545";
    sources.rpcUrl = "default";
  }
  if (!/^(https?|wss?):\/\//.test(rpcUrl))
    throw usage(
      `The RPC URL must start with http://, https://, ws:// or wss://, got ${JSON.stringify(rpcUrl)}`,
    );
  const chainIdRaw = pick("chain-id", "GRIDLEASE_CHAIN_ID", "chainId");
  let chainId: number | undefined;
  if (chainIdRaw !== undefined) {
    chainId = Number(chainIdRaw);
    if (!Number.isSafeInteger(chainId) || chainId <= 0)
      throw usage(
        `The chain id must be a positive whole number, got ${JSON.stringify(chainIdRaw)}`,
      );
  }
  const marketRaw = pick("market", "GRIDLEASE_MARKET", "market");
  if (marketRaw !== undefined && !isAddress(marketRaw))
    throw usage(`The market must be a 0x address, got ${JSON.stringify(marketRaw)}`);
  return {
    rpcUrl,
    chainId,
    attestations: readAttestations(env, file, sources),
    trustedAuditors: readTrustedAuditors(env, file, sources),
    market: marketRaw ? getAddress(marketRaw) : undefined,
    indexerUrl: pick("indexer-url", "GRIDLEASE_INDEXER_URL", "indexerUrl"),
    keystore: pick("keystore", "GRIDLEASE_KEYSTORE", "keystore"),
    accessKey:
      env.GRIDLEASE_ACCESS_KEY ?? (typeof file.accessKey === "string" ? file.accessKey : undefined),
    sources,
    configFile: existsSync(configFile) ? configFile : undefined,
  };
}

const ATTESTATION_FIELDS = [
  "eas",
  "schemaRegistry",
  "auditResolver",
  "reviewResolver",
  "vettingResolver",
  "policy",
] as const;

/**
 * `GRIDLEASE_ATTESTATIONS` (JSON) or the config file's `attestations`: every attestation contract's address, for a
 * chain the SDK's generated deployments do not cover (a test chain, a fork).
 */
function readAttestations(
  env: NodeJS.ProcessEnv,
  file: Record<string, unknown>,
  sources: Settings["sources"],
): EasContracts | undefined {
  let value: unknown = file.attestations;
  let where = 'the config file\'s "attestations"';
  if (env.GRIDLEASE_ATTESTATIONS) {
    where = "GRIDLEASE_ATTESTATIONS";
    try {
      value = JSON.parse(env.GRIDLEASE_ATTESTATIONS);
    } catch (err) {
      throw new CliError(EXIT.CONFIG, `${where} is not JSON: ${errorMessage(err)}`);
    }
    sources.attestations = "env";
  } else if (value !== undefined && value !== null) sources.attestations = "file";
  else return undefined;
  if (!isJsonObject(value))
    throw new CliError(EXIT.CONFIG, `${where} must be an object of contract addresses.`);
  const fields = value;
  const address = (field: (typeof ATTESTATION_FIELDS)[number]): Address => {
    const raw = fields[field];
    if (typeof raw !== "string" || !isAddress(raw))
      throw new CliError(
        EXIT.CONFIG,
        `${where} needs "${field}" as a 0x address (it needs ${ATTESTATION_FIELDS.join(", ")}).`,
      );
    return getAddress(raw);
  };
  return {
    eas: address("eas"),
    schemaRegistry: address("schemaRegistry"),
    auditResolver: address("auditResolver"),
    reviewResolver: address("reviewResolver"),
    vettingResolver: address("vettingResolver"),
    policy: address("policy"),
  };
}

/** `GRIDLEASE_TRUSTED_AUDITORS` ("0xa…,0xb…") or the config file's `trustedAuditors` (a list or that string). */
function readTrustedAuditors(
  env: NodeJS.ProcessEnv,
  file: Record<string, unknown>,
  sources: Settings["sources"],
): Address[] | undefined {
  const fromEnv = env.GRIDLEASE_TRUSTED_AUDITORS;
  const raw = fromEnv || file.trustedAuditors;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const where = fromEnv ? "GRIDLEASE_TRUSTED_AUDITORS" : 'the config file\'s "trustedAuditors"';
  sources.trustedAuditors = fromEnv ? "env" : "file";
  try {
    if (Array.isArray(raw)) return parseAuditorList(raw.map(String).join(","));
    if (typeof raw === "string") return parseAuditorList(raw);
    throw new AuditorListError("it must be a list of 0x addresses");
  } catch (err) {
    throw new CliError(EXIT.CONFIG, `${where}: ${errorMessage(err)}`);
  }
}
