/**
 * The nonce a GPU's attestation report must carry. The buyer's is 32 random bytes, so a report recorded earlier
 * (or made for someone else) cannot answer it; `--nonce` fixes it, which only makes sense for checking a published
 * report (NVIDIA's sample carries its own nonce) and proves nothing about freshness.
 */
import { bytesToHex, type Hex } from "viem";
import { usage } from "../exit.ts";

/** 32 fresh random bytes from the platform's CSPRNG. */
export function freshNonce(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** `--nonce 0x<64 hex>` -> lower-case hex; anything else is a usage error. */
export function parseNonceFlag(raw: string, flag = "--nonce"): Hex {
  const text = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text))
    throw usage(
      `${flag} must be 32 bytes of hex with 0x (66 characters), got ${JSON.stringify(raw)}`,
    );
  return `0x${text.slice(2).toLowerCase()}`;
}

/** The hook's argument: the nonce as 64 hex digits without 0x (what `gridlease-attest --nonce` accepts). */
export const hookNonceArgument = (nonce: Hex): string => nonce.slice(2);
