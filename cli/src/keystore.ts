/**
 * Encrypted keystore for the account's private key: scrypt (N = 2^17, r = 8, p = 1) derives a key from the
 * passphrase, XChaCha20-Poly1305 seals the 32-byte secret; the address is stored in clear for display. All
 * primitives come from the audited @noble libraries.
 *
 *   { "version": 1, "address": "0x…", "kdf": { "name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": "0x…" },
 *     "cipher": { "name": "xchacha20-poly1305", "nonce": "0x…" }, "ciphertext": "0x…" }
 */
import { readFileSync, writeFileSync } from "node:fs";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { bytesToHex, hexToBytes, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CliError, errorCode, errorMessage, EXIT } from "./exit.ts";

export interface KeystoreFile {
  version: 1;
  address: Address;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: Hex };
  cipher: { name: "xchacha20-poly1305"; nonce: Hex };
  ciphertext: Hex;
}

const AAD = new TextEncoder().encode("gridlease/keystore/v1");

export async function encryptKeystore(
  privateKey: Hex,
  passphrase: string,
  options: { N?: number } = {},
): Promise<KeystoreFile> {
  const address = privateKeyToAccount(privateKey).address;
  const N = options.N ?? 2 ** 17;
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await scryptAsync(passphrase, salt, { N, r: 8, p: 1, dkLen: 32, maxmem: 2 ** 30 });
  const ciphertext = xchacha20poly1305(key, nonce, AAD).encrypt(hexToBytes(privateKey));
  return {
    version: 1,
    address,
    kdf: { name: "scrypt", N, r: 8, p: 1, salt: bytesToHex(salt) },
    cipher: { name: "xchacha20-poly1305", nonce: bytesToHex(nonce) },
    ciphertext: bytesToHex(ciphertext),
  };
}

export async function decryptKeystore(file: KeystoreFile, passphrase: string): Promise<Hex> {
  if (
    file?.version !== 1 ||
    file.kdf?.name !== "scrypt" ||
    file.cipher?.name !== "xchacha20-poly1305"
  )
    throw new CliError(EXIT.CONFIG, "The keystore file is not a Gridlease keystore (version 1).");
  const { N, r, p, salt } = file.kdf;
  const key = await scryptAsync(passphrase, hexToBytes(salt), {
    N,
    r,
    p,
    dkLen: 32,
    maxmem: 2 ** 30,
  });
  let secret: Uint8Array;
  try {
    secret = xchacha20poly1305(key, hexToBytes(file.cipher.nonce), AAD).decrypt(
      hexToBytes(file.ciphertext),
    );
  } catch {
    throw new CliError(
      EXIT.CONFIG,
      "Wrong keystore passphrase (or the keystore file was altered).",
    );
  }
  return bytesToHex(secret);
}

export function writeKeystore(path: string, file: KeystoreFile) {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
}

/** Reads a keystore file (decryptKeystore checks its fields). */
export function readKeystore(path: string): KeystoreFile {
  try {
    const file: KeystoreFile = JSON.parse(readFileSync(path, "utf8"));
    return file;
  } catch (err) {
    throw new CliError(
      EXIT.CONFIG,
      `Cannot read the keystore ${path}: ${errorCode(err) === "ENOENT" ? "no such file" : errorMessage(err)}`,
    );
  }
}

/** Checks and normalises a private key given as hex (with or without 0x); never echoes it. */
export function parsePrivateKey(raw: string, where: string): Hex {
  const text = raw.trim();
  const value = text.startsWith("0x") ? text : `0x${text}`;
  if (!isHex(value) || value.length !== 66)
    throw new CliError(EXIT.CONFIG, `${where} is not a 32-byte hex private key.`);
  return value;
}
