/** The viewer's trusted auditors on the app's chain, re-rendering when the settings change. */
import { useCallback, useMemo, useSyncExternalStore } from "react";
import type { Address } from "viem";
import { publishedAuditors } from "../lib/eas.ts";
import { saveAuditors, savedAuditors, subscribeAuditors } from "../lib/trustedAuditors.ts";
import { useGridlease } from "./useGridlease.ts";

/** The trusted list in force, whether it is the published default, and how to change it. */
export function useTrustedAuditors() {
  const { chainId } = useGridlease();
  // A string snapshot, compared by value (a fresh array each read would re-render forever); null: the default.
  const saved = useSyncExternalStore(
    subscribeAuditors,
    () => savedAuditors(chainId)?.join(",") ?? null,
  );
  const auditors = useMemo<Address[]>(
    () => (saved === null ? publishedAuditors(chainId) : (savedAuditors(chainId) ?? [])),
    [saved, chainId],
  );
  const save = useCallback(
    (list: readonly Address[] | undefined) => saveAuditors(chainId, list),
    [chainId],
  );
  return { auditors, isDefault: saved === null, published: publishedAuditors(chainId), save };
}
