/**
 * What every command works with: the settings, the RPC clients, the market address and, when a command signs,
 * the account. Also the mapping from any failure to a plain message and an exit code.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  webSocket,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  AccessPayloadError,
  getTokenInfo,
  gridleaseDeployment,
  TransactionRevertedError,
  type ErrorContext,
  type Mined,
  type Sent,
  type SignerClient,
  type TokenDisplay,
} from "@gridlease/sdk";
import { explainEasError } from "@gridlease/sdk/eas";
import { IndexerError } from "@gridlease/sdk/indexer";
import { CliError, errorMessage, EXIT } from "./exit.ts";
import type { Output } from "./output.ts";
import type { Settings } from "./config.ts";
import { decryptKeystore, parsePrivateKey, readKeystore } from "./keystore.ts";

export interface Context {
  settings: Settings;
  out: Output;
  client: PublicClient<Transport, Chain>;
  chain: Chain;
  market: Address;
  /** The signing account (asks for the keystore passphrase on first use). */
  wallet(): Promise<SignerClient>;
  token(address: Address): Promise<TokenDisplay & { address: Address; name: string }>;
  /** Error context for explainError (the bond token is always GRID). */
  errorContext: ErrorContext;
}

function transportFor(url: string, retryCount: number) {
  return url.startsWith("ws")
    ? webSocket(url, { retryCount, timeout: 15_000 })
    : http(url, { retryCount, timeout: 15_000 });
}

export async function createContext(
  settings: Settings,
  out: Output,
  options: { retryCount?: number } = {},
): Promise<Context> {
  const transport = transportFor(settings.rpcUrl, options.retryCount ?? 2);
  const probe = createPublicClient({ transport });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (err) {
    throw toCliError(err);
  }
  if (settings.chainId !== undefined && settings.chainId !== chainId)
    throw new CliError(
      EXIT.CONFIG,
      `The RPC at ${settings.rpcUrl} serves chain ${chainId}, but chain ${settings.chainId} was asked for.`,
    );
  let market = settings.market;
  if (!market) {
    try {
      market = gridleaseDeployment(chainId).contracts.GridleaseMarket?.address;
    } catch (err) {
      throw new CliError(EXIT.CONFIG, `${errorMessage(err)} (pass --market)`);
    }
    if (!market)
      throw new CliError(EXIT.CONFIG, `No market is deployed on chain ${chainId}: pass --market.`);
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [settings.rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport });
  const tokens = new Map<Address, Promise<TokenDisplay & { address: Address; name: string }>>();
  let wallet: Promise<SignerClient> | undefined;
  return {
    settings,
    out,
    client,
    chain,
    market,
    errorContext: {},
    wallet() {
      wallet ??= loadPrivateKey(settings).then((key) =>
        createWalletClient({
          account: privateKeyToAccount(key),
          chain,
          transport,
        }),
      );
      return wallet;
    },
    token(address) {
      if (!tokens.has(address))
        tokens.set(
          address,
          getTokenInfo(client, address).catch((e) => {
            tokens.delete(address);
            throw e;
          }),
        );
      return tokens.get(address)!;
    },
  };
}

/** The account's private key: GRIDLEASE_PRIVATE_KEY, else the keystore. Never printed or logged. */
export async function loadPrivateKey(
  settings: Settings,
  env = process.env,
): Promise<`0x${string}`> {
  if (env.GRIDLEASE_PRIVATE_KEY)
    return parsePrivateKey(env.GRIDLEASE_PRIVATE_KEY, "GRIDLEASE_PRIVATE_KEY");
  if (!settings.keystore)
    throw new CliError(
      EXIT.CONFIG,
      "This command signs transactions but no account is set: pass --keystore FILE (see `gridlease account import`) or set GRIDLEASE_PRIVATE_KEY.",
    );
  const file = readKeystore(settings.keystore);
  const passphrase =
    env.GRIDLEASE_KEYSTORE_PASSWORD ?? (await askPassphrase(`Passphrase for ${file.address}: `));
  return decryptKeystore(file, passphrase);
}

/** Reads a passphrase from the terminal without echoing it. */
export async function askPassphrase(prompt: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError(
      EXIT.CONFIG,
      "The keystore is locked and there is no terminal to ask for its passphrase: set GRIDLEASE_KEYSTORE_PASSWORD.",
    );
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

/**
 * Asks a yes/no question on the terminal before a costly step; without a terminal it refuses and names `--yes`,
 * so a script never pays a charge it was not told about.
 */
export async function askToProceed(question: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new CliError(
      EXIT.USAGE,
      `${question} There is no terminal to ask: pass --yes to proceed. Nothing was sent.`,
      "confirmation-needed",
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new CliError(EXIT.USAGE, "Not confirmed: nothing was sent.", "not-confirmed");
}

/** Any failure as a CliError: plain words from the SDK's explainError and a meaningful exit code. */
export function toCliError(err: unknown, context: ErrorContext = {}): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof AccessPayloadError)
    return new CliError(
      err.code === "wrong-key" ? EXIT.CONFIG : EXIT.INTERNAL,
      err.message,
      err.code,
    );
  if (err instanceof IndexerError) return indexerError(err);
  if (err instanceof TransactionRevertedError)
    return new CliError(EXIT.REJECTED, `${err.message}.`, "revert");
  // The attestation contracts' errors first (EAS, the resolvers, the policy); everything else is explainError's.
  const explained = explainEasError(err, context);
  const code = {
    revert: EXIT.REJECTED,
    rejected: EXIT.REJECTED,
    network: EXIT.UNREACHABLE,
    funds: EXIT.FUNDS,
    "wrong-chain": EXIT.CONFIG,
    "no-contract": EXIT.CONFIG,
    unknown: EXIT.INTERNAL,
  }[explained.kind];
  const message =
    explained.kind === "unknown" && err instanceof Error && !explained.message
      ? err.message
      : explained.message;
  const e = new CliError(code, message, explained.errorName ?? explained.kind);
  return e;
}

/**
 * An indexer failure: no answer, or an HTTP 5xx without GraphQL (a proxy in front of a stopped indexer), is
 * "unreachable" (4) like an RPC; a refused query or another HTTP status is unexpected (1).
 */
function indexerError(err: IndexerError): CliError {
  if (err.kind === "unreachable" || (err.kind === "http" && (err.status ?? 0) >= 500))
    return new CliError(
      EXIT.UNREACHABLE,
      `${err.message} Is it running, and is --indexer-url right?`,
      "network",
    );
  return new CliError(EXIT.INTERNAL, err.message, "indexer");
}

/** Sends a transaction with progress lines, waits for it and returns the mined result. */
export async function confirm<R extends object>(
  ctx: Context,
  what: string,
  send: () => Promise<Sent<R>>,
): Promise<Mined<R> & { hash: `0x${string}` }> {
  ctx.out.progress(`${what}…`);
  let sent: Sent<R>;
  try {
    sent = await send();
  } catch (err) {
    throw toCliError(err, ctx.errorContext);
  }
  ctx.out.progress(`  sent ${sent.hash}, waiting for confirmation…`);
  try {
    const mined = await sent.wait({ client: ctx.client });
    ctx.out.progress(`  confirmed in block ${mined.receipt.blockNumber}`);
    return { ...mined, hash: sent.hash };
  } catch (err) {
    throw toCliError(err, ctx.errorContext);
  }
}
