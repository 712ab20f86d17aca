/** The viewer's saved list of trusted auditors on the app's chain (undefined: none saved), live. */
import { useMemo, useSyncExternalStore } from "react";
import type { Address } from "viem";
import { savedAuditors, savedSnapshot, subscribeAuditors } from "../lib/trustedAuditors.ts";
import { useGridlease } from "./useGridlease.ts";

/** The saved list, re-rendering when the settings change (in this tab or another). */
export function useSavedAuditors(): Address[] | undefined {
  const { chainId } = useGridlease();
  const snapshot = useSyncExternalStore(subscribeAuditors, () => savedSnapshot(chainId));
  // Re-read only when the snapshot changes: the array stays the same object between renders.
  return useMemo(
    () => (snapshot === null ? undefined : savedAuditors(chainId)),
    [snapshot, chainId],
  );
}
