/**
 * SDK access delivery (sdk/src/accessKeys.ts): key derivation and sealed connection details, without a chain.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, size, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  ACCESS_KEY_MESSAGE_V1,
  accessKeyFromSecret,
  accessKeyFromSignature,
  AccessPayloadError,
  deriveAccessKey,
  MAX_ACCESS_PAYLOAD_BYTES,
  openAccess,
  randomAccessSecret,
  sealAccess,
  type AccessDetails,
} from "@gridlease/sdk/accessKeys";

const details: AccessDetails = {
  host: "h100-07.bne1.example.net",
  port: 22,
  user: "ubuntu",
  key: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
  jupyter: "https://h100-07.bne1.example.net:8888",
};

// Two fixed wallets: their keys are well-known test keys, never used for money.
const alice = privateKeyToAccount(
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
);
const bob = privateKeyToAccount(
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
);

/** Asserts `fn` throws an AccessPayloadError with this code and a message matching `message`. */
function expectAccessError(fn: () => unknown, code: string, message: RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AccessPayloadError);
  expect((caught as AccessPayloadError).code).toBe(code);
  expect((caught as AccessPayloadError).message).toMatch(message);
}

/** Imports a module as the SDK resolves it (the SDK's @noble versions may differ from the root's). */
const sdkRequire = createRequire(new URL("../../sdk/package.json", import.meta.url));
const fromSdk = (specifier: string) => import(pathToFileURL(sdkRequire.resolve(specifier)).href);

/** Flips one bit of byte `index` of a hex payload. */
function flip(payload: Hex, index: number): Hex {
  const bytes = hexToBytes(payload);
  bytes[index] ^= 0x01;
  return bytesToHex(bytes);
}

describe("access keys", () => {
  it("derives the same key pair from the same wallet every time, and different ones for different wallets", async () => {
    const first = await deriveAccessKey(alice);
    const second = await deriveAccessKey(alice);
    expect(first.publicKeyHex).toBe(second.publicKeyHex);
    expect(first.secretKey).toEqual(second.secretKey);
    expect(size(first.publicKeyHex)).toBe(32);

    const other = await deriveAccessKey(bob);
    expect(other.publicKeyHex).not.toBe(first.publicKeyHex);

    // The derivation is the signature of the documented message, nothing else.
    const signature = await alice.signMessage({ message: ACCESS_KEY_MESSAGE_V1 });
    expect(accessKeyFromSignature(signature).publicKeyHex).toBe(first.publicKeyHex);
    const otherMessage = await alice.signMessage({ message: ACCESS_KEY_MESSAGE_V1 + " " });
    expect(accessKeyFromSignature(otherMessage).publicKeyHex).not.toBe(first.publicKeyHex);
  });

  it("pins the versioned message, since editing it would change every buyer's key", () => {
    expect(ACCESS_KEY_MESSAGE_V1).toMatch(/^Gridlease access key v1\n/);
    expect(ACCESS_KEY_MESSAGE_V1).toMatchInlineSnapshot(`
      "Gridlease access key v1

      Sign to unlock the server access details of your Gridlease leases.

      This is free and sends no transaction. Sign it only in an app you trust: this signature lets its holder read your access details."
    `);
  });

  it("builds a key pair from a raw 32-byte secret (hex or bytes) and rejects other lengths", () => {
    const secret = randomAccessSecret();
    const fromBytes = accessKeyFromSecret(secret);
    const fromHex = accessKeyFromSecret(bytesToHex(secret));
    expect(fromHex.publicKeyHex).toBe(fromBytes.publicKeyHex);
    expect(fromBytes.publicKey).toEqual(hexToBytes(fromBytes.publicKeyHex));
    expectAccessError(() => accessKeyFromSecret(secret.subarray(0, 31)), "invalid-key", /32 bytes/);
    expectAccessError(() => accessKeyFromSecret("0xzz" as Hex), "invalid-key", /not hex/);
    expectAccessError(() => accessKeyFromSignature("0x1234"), "invalid-key", /too short/);
  });
});

describe("sealed access details", () => {
  const buyer = accessKeyFromSecret(randomAccessSecret());

  it("round-trips the details, extra fields included, in a compact payload", () => {
    const payload = sealAccess(buyer.publicKeyHex, details);
    expect(openAccess(buyer.secretKey, payload)).toEqual(details);
    // version (1) + ephemeral key (32) + nonce (24) + JSON + tag (16)
    expect(size(payload)).toBe(1 + 32 + 24 + JSON.stringify(details).length + 16);
    expect(hexToBytes(payload)[0]).toBe(1);
    // A token instead of a key, and a public key given as bytes.
    const endpoint = { host: "10.0.0.7", port: 8443, user: "", token: "glk_live_abc" };
    expect(openAccess(buyer.secretKey, sealAccess(buyer.publicKey, endpoint))).toEqual(endpoint);
  });

  it("uses a fresh ephemeral key and nonce for every payload", () => {
    const a = sealAccess(buyer.publicKeyHex, details);
    const b = sealAccess(buyer.publicKeyHex, details);
    expect(a).not.toBe(b);
    expect(hexToBytes(a).subarray(1, 57)).not.toEqual(hexToBytes(b).subarray(1, 57));
  });

  it("cannot be opened by another key", () => {
    const payload = sealAccess(buyer.publicKeyHex, details);
    const stranger = accessKeyFromSecret(randomAccessSecret());
    expectAccessError(
      () => openAccess(stranger.secretKey, payload),
      "decryption-failed",
      /sealed to another key, or altered/,
    );
    // Given the lease's public key, the wrong key is named as such.
    expectAccessError(
      () => openAccess(stranger.secretKey, payload, { expectedPublicKey: buyer.publicKeyHex }),
      "wrong-key",
      new RegExp(`sealed to key ${buyer.publicKeyHex}, but your key is ${stranger.publicKeyHex}`),
    );
    // The right key passes the same check.
    expect(openAccess(buyer.secretKey, payload, { expectedPublicKey: buyer.publicKeyHex })).toEqual(
      details,
    );
  });

  it("rejects a payload with any single bit flipped after the version byte", () => {
    const payload = sealAccess(buyer.publicKeyHex, { ...details, key: "k" });
    const length = size(payload);
    for (let i = 1; i < length; i++) {
      expectAccessError(
        () => openAccess(buyer.secretKey, flip(payload, i)),
        "decryption-failed",
        /altered/,
      );
    }
    expectAccessError(
      () => openAccess(buyer.secretKey, flip(payload, 0)),
      "unsupported-version",
      /version 0; this SDK reads version 1/,
    );
  });

  it("rejects truncated, empty and non-hex payloads with a clear error", () => {
    const payload = sealAccess(buyer.publicKeyHex, details);
    const bytes = hexToBytes(payload);
    expectAccessError(
      () => openAccess(buyer.secretKey, bytes.subarray(0, 40)),
      "malformed",
      /truncated: 40 bytes/,
    );
    // Cut inside the ciphertext: the header parses, the tag does not match.
    expectAccessError(
      () => openAccess(buyer.secretKey, bytes.subarray(0, bytes.length - 1)),
      "decryption-failed",
      /altered/,
    );
    expectAccessError(() => openAccess(buyer.secretKey, "0x"), "malformed", /empty/);
    expectAccessError(() => openAccess(buyer.secretKey, "0x123"), "malformed", /not valid hex/);
  });

  it("refuses to seal incomplete details or details larger than the market accepts", () => {
    const bad = (d: unknown) => () => sealAccess(buyer.publicKeyHex, d as AccessDetails);
    expectAccessError(bad({ ...details, host: "" }), "invalid-details", /host is missing/);
    expectAccessError(bad({ ...details, port: 70000 }), "invalid-details", /port/);
    expectAccessError(bad({ ...details, port: "22" }), "invalid-details", /port/);
    expectAccessError(bad({ host: "h", port: 22, key: "k" }), "invalid-details", /user/);
    expectAccessError(
      bad({ host: "h", port: 22, user: "u" }),
      "invalid-details",
      /neither a key nor a token/,
    );
    expectAccessError(
      bad({ ...details, key: "x".repeat(MAX_ACCESS_PAYLOAD_BYTES) }),
      "too-large",
      /at most 4096/,
    );
    expectAccessError(() => sealAccess("0x1234", details), "invalid-key", /32 bytes/);
  });

  it("validates the decrypted details, so a provider's malformed JSON is reported, not returned", async () => {
    // sealAccess refuses such details, so build the payloads by hand, following the documented format.
    const { x25519 } = await fromSdk("@noble/curves/ed25519.js");
    const { xchacha20poly1305 } = await fromSdk("@noble/ciphers/chacha.js");
    const { hkdf } = await fromSdk("@noble/hashes/hkdf.js");
    const { sha256 } = await fromSdk("@noble/hashes/sha2.js");
    const { concatBytes, randomBytes } = await fromSdk("@noble/hashes/utils.js");
    const seal = (plaintext: string) => {
      const eph = x25519.utils.randomSecretKey();
      const ephPub = x25519.getPublicKey(eph);
      const nonce = randomBytes(24);
      const header = concatBytes(Uint8Array.of(1), ephPub, nonce);
      const key = hkdf(
        sha256,
        x25519.getSharedSecret(eph, buyer.publicKey),
        concatBytes(ephPub, buyer.publicKey),
        new TextEncoder().encode("gridlease/access/v1"),
        32,
      );
      const ct = xchacha20poly1305(key, nonce, header).encrypt(new TextEncoder().encode(plaintext));
      return bytesToHex(concatBytes(header, ct));
    };
    // The construction above is the documented format: a valid object opens.
    expect(openAccess(buyer.secretKey, seal(JSON.stringify(details)))).toEqual(details);
    expectAccessError(
      () => openAccess(buyer.secretKey, seal("{not json")),
      "invalid-details",
      /JSON/,
    );
    expectAccessError(
      () => openAccess(buyer.secretKey, seal('["h", 22]')),
      "invalid-details",
      /not an object/,
    );
  });
});
