/**
 * The buyer's access key file (`gridlease keys generate`): an X25519 secret, stored with mode 0600.
 *   { "version": 1, "type": "gridlease-access-key", "secretKey": "0x…", "publicKey": "0x…" }
 */
import { readFileSync, writeFileSync } from "node:fs";
import { accessKeyFromSecret, randomAccessSecret, type AccessKeyPair } from "@gridlease/sdk";
import { bytesToHex, type Hex } from "viem";
import { CliError, errorCode, errorMessage, EXIT } from "./exit.ts";

export function writeAccessKeyFile(path: string): AccessKeyPair {
  const pair = accessKeyFromSecret(randomAccessSecret());
  const file = {
    version: 1,
    type: "gridlease-access-key",
    secretKey: bytesToHex(pair.secretKey),
    publicKey: pair.publicKeyHex,
  };
  try {
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    throw new CliError(
      EXIT.CONFIG,
      errorCode(err) === "EEXIST"
        ? `${path} already exists: refusing to overwrite a key (the leases sealed to it would become unreadable).`
        : `Cannot write ${path}: ${errorMessage(err)}`,
    );
  }
  return pair;
}

export function readAccessKeyFile(path: string | undefined): AccessKeyPair {
  if (!path)
    throw new CliError(
      EXIT.CONFIG,
      "No access key file: pass --key FILE (make one with `gridlease keys generate`) or set GRIDLEASE_ACCESS_KEY.",
    );
  let data: { type?: string; secretKey?: Hex };
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(
      EXIT.CONFIG,
      `Cannot read the access key file ${path}: ${errorCode(err) === "ENOENT" ? "no such file" : errorMessage(err)}`,
    );
  }
  if (data.type !== "gridlease-access-key" || typeof data.secretKey !== "string")
    throw new CliError(EXIT.CONFIG, `${path} is not a Gridlease access key file.`);
  try {
    return accessKeyFromSecret(data.secretKey);
  } catch (err) {
    throw new CliError(EXIT.CONFIG, `${path}: ${errorMessage(err)}`);
  }
}
