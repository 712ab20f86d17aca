/**
 * Private access delivery on a public chain (DESIGN.md, "Access delivery").
 *
 * The buyer holds an X25519 key pair and puts the public key into `openLease`. The provider seals the
 * connection details to it and posts the payload in `activateLease` (or `rotateAccess`); only the buyer opens it.
 *
 * Payload (version 1), 73 bytes plus the JSON:
 *
 *   0x01 (1 byte) || ephemeral X25519 public key (32) || XChaCha20 nonce (24) || ciphertext (JSON + 16-byte tag)
 *
 *   shared = X25519(ephemeral secret, buyer public key)
 *   key    = HKDF-SHA256(ikm = shared, salt = ephemeral public key || buyer public key, info = "gridlease/access/v1")
 *   ciphertext = XChaCha20-Poly1305(key, nonce, JSON as UTF-8, aad = version || ephemeral public key || nonce)
 *
 * Every primitive comes from the audited @noble libraries; nothing here is home-made crypto.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, randomBytes } from "@noble/hashes/utils.js";
import { bytesToHex, hexToBytes, isHex, type Hex } from "viem";

/**
 * The message a wallet signs (EIP-191 `personal_sign`) to derive its access key. Changing a single character
 * changes every derived key, so it is versioned and must never be edited: a new scheme gets a new constant.
 */
export const ACCESS_KEY_MESSAGE_V1 =
  "Gridlease access key v1\n\n" +
  "Sign to unlock the server access details of your Gridlease leases.\n\n" +
  "This is free and sends no transaction. Sign it only in an app you trust: " +
  "this signature lets its holder read your access details.";

/** Current version byte of sealed access payloads. */
export const ACCESS_PAYLOAD_VERSION = 1;
/** The market's limit on an access payload (`MAX_ACCESS_BYTES` in GridleaseMarket). */
export const MAX_ACCESS_PAYLOAD_BYTES = 4096;

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_BYTES + NONCE_BYTES;
const ENCODER = new TextEncoder();
const SIGNATURE_SALT = ENCODER.encode("gridlease/access-key/v1");
const SIGNATURE_INFO = ENCODER.encode("x25519 secret key");
const PAYLOAD_INFO = ENCODER.encode("gridlease/access/v1");

/** An X25519 key pair for access delivery. */
export interface AccessKeyPair {
  /** 32-byte X25519 secret key: keep it private. */
  secretKey: Uint8Array;
  /** 32-byte X25519 public key. */
  publicKey: Uint8Array;
  /** The public key as bytes32 hex: the `buyerPublicKey` argument of `openLease`. */
  publicKeyHex: Hex;
}

/** Connection details a provider seals for a buyer; extra fields (notes, URLs) travel along as given. */
export interface AccessDetails {
  host: string;
  port: number;
  user: string;
  /** An SSH private key (OpenSSH or PEM), when access is by key. */
  key?: string;
  /** A bearer token or password, when access is by token. */
  token?: string;
  [field: string]: unknown;
}

/** Why an access payload could not be sealed or opened. */
export type AccessErrorCode =
  | "malformed"
  | "unsupported-version"
  | "wrong-key"
  | "decryption-failed"
  | "invalid-details"
  | "too-large"
  | "invalid-key";

/** A failure to seal or open access details, with a message fit to show a person. */
export class AccessPayloadError extends Error {
  override name = "AccessPayloadError";
  readonly code: AccessErrorCode;

  constructor(code: AccessErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const isEvenHex = (value: string) => isHex(value, { strict: true }) && value.length % 2 === 0;

function toBytes(value: Hex | Uint8Array, what: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === "string") {
    if (!isEvenHex(value)) throw new AccessPayloadError("invalid-key", `${what} is not hex`);
    bytes = hexToBytes(value);
  } else bytes = value;
  if (length !== undefined && bytes.length !== length)
    throw new AccessPayloadError(
      "invalid-key",
      `${what} must be ${length} bytes, got ${bytes.length}`,
    );
  return bytes;
}

/** The key pair of a 32-byte X25519 secret (for example the content of a CLI key file). */
export function accessKeyFromSecret(secret: Hex | Uint8Array): AccessKeyPair {
  const secretKey = toBytes(secret, "Access secret key", KEY_BYTES).slice();
  const publicKey = x25519.getPublicKey(secretKey);
  return { secretKey, publicKey, publicKeyHex: bytesToHex(publicKey) };
}

/** A fresh random 32-byte secret, for a CLI key file. */
export function randomAccessSecret(): Uint8Array {
  return x25519.utils.randomSecretKey();
}

/**
 * The key pair derived from a wallet's signature of `ACCESS_KEY_MESSAGE_V1`: the same wallet gives the same key
 * on every device, so nothing is stored. Wallets sign deterministically (RFC 6979); a wallet that does not
 * (some smart-contract wallets) should use a key file instead.
 */
export function accessKeyFromSignature(signature: Hex): AccessKeyPair {
  const sig = toBytes(signature, "Signature");
  if (sig.length < 64)
    throw new AccessPayloadError("invalid-key", `Signature is too short (${sig.length} bytes)`);
  return accessKeyFromSecret(hkdf(sha256, sig, SIGNATURE_SALT, SIGNATURE_INFO, KEY_BYTES));
}

/** Asks a wallet (a viem wallet client with an account) to sign `ACCESS_KEY_MESSAGE_V1` and derives its key pair. */
export async function deriveAccessKey(wallet: {
  signMessage(args: { message: string }): Promise<Hex>;
}): Promise<AccessKeyPair> {
  return accessKeyFromSignature(await wallet.signMessage({ message: ACCESS_KEY_MESSAGE_V1 }));
}

function payloadKey(shared: Uint8Array, ephemeralPublic: Uint8Array, recipient: Uint8Array) {
  return hkdf(sha256, shared, concatBytes(ephemeralPublic, recipient), PAYLOAD_INFO, KEY_BYTES);
}

function checkDetails(value: unknown): asserts value is AccessDetails {
  const problem = (() => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return "they are not an object";
    const d = value as Record<string, unknown>;
    if (typeof d.host !== "string" || d.host.trim() === "") return "the host is missing";
    if (typeof d.port !== "number" || !Number.isInteger(d.port) || d.port < 1 || d.port > 65535)
      return "the port is not a number from 1 to 65535";
    if (typeof d.user !== "string") return "the user is missing";
    const hasKey = typeof d.key === "string" && d.key !== "";
    const hasToken = typeof d.token === "string" && d.token !== "";
    if (!hasKey && !hasToken) return "they carry neither a key nor a token";
    return undefined;
  })();
  if (problem)
    throw new AccessPayloadError("invalid-details", `Invalid access details: ${problem}`);
}

/** Encrypts connection details to the buyer's X25519 public key; returns the payload for `activateLease`. */
export function sealAccess(buyerPublicKey: Hex | Uint8Array, details: AccessDetails): Hex {
  const recipient = toBytes(buyerPublicKey, "Buyer public key", KEY_BYTES);
  checkDetails(details);
  const ephemeralSecret = x25519.utils.randomSecretKey();
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeralSecret, recipient);
  } catch {
    throw new AccessPayloadError("invalid-key", "Buyer public key is not a usable X25519 key");
  }
  const nonce = randomBytes(NONCE_BYTES);
  const header = concatBytes(Uint8Array.of(ACCESS_PAYLOAD_VERSION), ephemeralPublic, nonce);
  const key = payloadKey(shared, ephemeralPublic, recipient);
  const ciphertext = xchacha20poly1305(key, nonce, header).encrypt(
    ENCODER.encode(JSON.stringify(details)),
  );
  const payload = concatBytes(header, ciphertext);
  if (payload.length > MAX_ACCESS_PAYLOAD_BYTES)
    throw new AccessPayloadError(
      "too-large",
      `Sealed access details take ${payload.length} bytes; the market accepts at most ${MAX_ACCESS_PAYLOAD_BYTES}`,
    );
  return bytesToHex(payload);
}

/**
 * Decrypts and validates a payload with the buyer's secret key. `expectedPublicKey` (the lease's
 * `buyerPublicKey`) lets a wrong key be reported as such rather than as a failed decryption.
 */
export function openAccess(
  secretKey: Hex | Uint8Array,
  payload: Hex | Uint8Array,
  options: { expectedPublicKey?: Hex | Uint8Array } = {},
): AccessDetails {
  const secret = toBytes(secretKey, "Access secret key", KEY_BYTES);
  const ownPublic = x25519.getPublicKey(secret);
  if (options.expectedPublicKey !== undefined) {
    const expected = toBytes(options.expectedPublicKey, "Expected public key", KEY_BYTES);
    if (bytesToHex(expected) !== bytesToHex(ownPublic))
      throw new AccessPayloadError(
        "wrong-key",
        `These access details are sealed to key ${bytesToHex(expected)}, but your key is ${bytesToHex(ownPublic)}: ` +
          "sign in with the wallet (or key file) that opened the lease",
      );
  }
  if (typeof payload === "string" && !isEvenHex(payload))
    throw new AccessPayloadError("malformed", "Access payload is not valid hex");
  const bytes = typeof payload === "string" ? hexToBytes(payload) : payload;
  if (bytes.length === 0) throw new AccessPayloadError("malformed", "Access payload is empty");
  if (bytes[0] !== ACCESS_PAYLOAD_VERSION)
    throw new AccessPayloadError(
      "unsupported-version",
      `Access payload has version ${bytes[0]}; this SDK reads version ${ACCESS_PAYLOAD_VERSION}`,
    );
  if (bytes.length < HEADER_BYTES + TAG_BYTES + 1)
    throw new AccessPayloadError(
      "malformed",
      `Access payload is truncated: ${bytes.length} bytes, at least ${HEADER_BYTES + TAG_BYTES + 1} expected`,
    );
  const header = bytes.subarray(0, HEADER_BYTES);
  const ephemeralPublic = bytes.subarray(1, 1 + KEY_BYTES);
  const nonce = bytes.subarray(1 + KEY_BYTES, HEADER_BYTES);
  let plaintext: Uint8Array;
  try {
    const shared = x25519.getSharedSecret(secret, ephemeralPublic);
    const key = payloadKey(shared, ephemeralPublic, ownPublic);
    plaintext = xchacha20poly1305(key, nonce, header).decrypt(bytes.subarray(HEADER_BYTES));
  } catch {
    throw new AccessPayloadError(
      "decryption-failed",
      "Access details could not be decrypted: they were sealed to another key, or altered after sealing",
    );
  }
  let details: unknown;
  try {
    details = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new AccessPayloadError("invalid-details", "Decrypted access details are not valid JSON");
  }
  checkDetails(details);
  return details;
}
