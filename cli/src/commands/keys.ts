/** Local key management: the buyer's access key file and the account keystore. Nothing here needs the chain. */
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { defineCommand, type Command } from "../command.ts";
import { required } from "../args.ts";
import { readAccessKeyFile, writeAccessKeyFile } from "../accessKeyFile.ts";
import { askPassphrase } from "../context.ts";
import { CliError, errorCode, errorMessage, EXIT } from "../exit.ts";
import type { Output } from "../output.ts";
import { encryptKeystore, parsePrivateKey, readKeystore, writeKeystore } from "../keystore.ts";

const keysGenerate = defineCommand({
  name: "keys generate",
  summary: "Make an access key file: providers seal your server's connection details to it",
  help: "--out FILE\n\n  --out FILE  where to write the key (mode 0600; never overwritten)",
  options: { out: { type: "string" } },
  async run({ values, out }) {
    const path = required(values.out, "--out");
    const pair = writeAccessKeyFile(path);
    out.result(
      { file: path, publicKey: pair.publicKeyHex },
      () =>
        `Wrote ${path}. Public key (goes into \`lease open\`): ${pair.publicKeyHex}\nKeep the file private: whoever has it can read your leases' access details.`,
    );
  },
});

const keysShow = defineCommand({
  name: "keys show",
  summary: "Print the public key of an access key file",
  help: "--key FILE",
  options: { key: { type: "string" } },
  async run({ values, out, settings }) {
    const pair = readAccessKeyFile(values.key ?? settings.accessKey);
    out.result({ publicKey: pair.publicKeyHex }, () => pair.publicKeyHex);
  },
});

async function passphraseTwice(): Promise<string> {
  const env = process.env.GRIDLEASE_KEYSTORE_PASSWORD;
  if (env !== undefined) return env;
  const first = await askPassphrase("New keystore passphrase: ");
  const second = await askPassphrase("Repeat it: ");
  if (first !== second) throw new CliError(EXIT.USAGE, "The passphrases differ.");
  if (first.length < 8)
    throw new CliError(EXIT.USAGE, "Use a passphrase of at least 8 characters.");
  return first;
}

/** Encrypts `key` with a new passphrase into a keystore file at `path` (never overwriting one). */
async function writeNewKeystore(path: string, key: Hex, out: Output): Promise<void> {
  const passphrase = await passphraseTwice();
  out.progress("Encrypting (scrypt takes a moment)…");
  const file = await encryptKeystore(key, passphrase);
  try {
    writeKeystore(path, file);
  } catch (err) {
    throw new CliError(
      EXIT.CONFIG,
      errorCode(err) === "EEXIST"
        ? `${path} already exists: refusing to overwrite it.`
        : `Cannot write ${path}: ${errorMessage(err)}`,
    );
  }
  out.result({ file: path, address: file.address }, () => `Wrote ${path} for ${file.address}.`);
}

const KEYSTORE_HELP =
  "  --out FILE  keystore to write (mode 0600; never overwritten)\n  Passphrase: GRIDLEASE_KEYSTORE_PASSWORD, or typed at the terminal.";

const accountNew = defineCommand({
  name: "account new",
  summary: "Create a new account in an encrypted keystore file",
  help: `--out FILE\n\n${KEYSTORE_HELP}`,
  options: { out: { type: "string" } },
  async run({ values, out }) {
    const path = required(values.out, "--out");
    await writeNewKeystore(path, generatePrivateKey(), out);
  },
});

const accountImport = defineCommand({
  name: "account import",
  summary:
    "Encrypt an existing private key (from GRIDLEASE_PRIVATE_KEY or stdin) into a keystore file",
  help: `--out FILE [--stdin]\n\n${KEYSTORE_HELP}\n  --stdin     read the private key from stdin instead of GRIDLEASE_PRIVATE_KEY`,
  options: { out: { type: "string" }, stdin: { type: "boolean", default: false } },
  async run({ values, out }) {
    const path = required(values.out, "--out");
    let key;
    if (values.stdin) key = parsePrivateKey(readFileSync(0, "utf8"), "The private key on stdin");
    else if (process.env.GRIDLEASE_PRIVATE_KEY)
      key = parsePrivateKey(process.env.GRIDLEASE_PRIVATE_KEY, "GRIDLEASE_PRIVATE_KEY");
    else
      throw new CliError(
        EXIT.USAGE,
        "Give the private key in GRIDLEASE_PRIVATE_KEY or on stdin with --stdin.",
      );
    await writeNewKeystore(path, key, out);
  },
});

const accountAddress = defineCommand({
  name: "account address",
  summary: "Print the address of the configured account (keystore or GRIDLEASE_PRIVATE_KEY)",
  help: "",
  options: {},
  async run({ out, settings }) {
    let address;
    if (process.env.GRIDLEASE_PRIVATE_KEY)
      address = privateKeyToAccount(
        parsePrivateKey(process.env.GRIDLEASE_PRIVATE_KEY, "GRIDLEASE_PRIVATE_KEY"),
      ).address;
    else if (settings.keystore) address = readKeystore(settings.keystore).address;
    else
      throw new CliError(
        EXIT.CONFIG,
        "No account is set: pass --keystore FILE or set GRIDLEASE_PRIVATE_KEY.",
      );
    out.result({ address }, () => address);
  },
});

export const keyCommands: Command[] = [
  keysGenerate,
  keysShow,
  accountNew,
  accountImport,
  accountAddress,
];
