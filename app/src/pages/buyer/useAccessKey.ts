/** The buyer's access key, derived from one wallet signature per visit and kept in memory only. */
import { useCallback, useRef } from "react";
import type { Address } from "viem";
import type { AccessKeyPair } from "@gridlease/sdk";
import { useSigner } from "../../hooks/useGridlease.ts";
import { signerAccessKey } from "../../lib/accessKey.ts";

/**
 * A function that resolves to the connected account's access key. One signature unlocks every lease's access
 * details for this visit; a declined signature is forgotten, so the next try asks again.
 */
export function useAccessKey(): () => Promise<AccessKeyPair> {
  const signer = useSigner();
  const keyRef = useRef<{ account: Address; key: Promise<AccessKeyPair> } | undefined>(undefined);
  return useCallback(() => {
    if (!signer) return Promise.reject(new Error("Connect a wallet to sign."));
    const cached = keyRef.current;
    if (cached?.account === signer.account.address) return cached.key;
    const key = signerAccessKey(signer);
    keyRef.current = { account: signer.account.address, key };
    key.catch(() => {
      if (keyRef.current?.key === key) keyRef.current = undefined;
    });
    return key;
  }, [signer]);
}
