/** The viewer's trusted auditors on the app's chain: the saved list, else the market's published one. */
import { useCallback, useMemo } from "react";
import type { Address } from "viem";
import { publishedAuditors } from "../lib/eas.ts";
import { saveAuditors } from "../lib/trustedAuditors.ts";
import { useGridlease } from "./useGridlease.ts";
import { useSavedAuditors } from "./useSavedAuditors.ts";

/** The trusted list in force, whether it is the published default, and how to change it. */
export function useTrustedAuditors() {
  const { chainId } = useGridlease();
  const saved = useSavedAuditors();
  const published = useMemo(() => publishedAuditors(chainId), [chainId]);
  const save = useCallback(
    (list: readonly Address[] | undefined) => saveAuditors(chainId, list),
    [chainId],
  );
  return { auditors: saved ?? published, isDefault: saved === undefined, published, save };
}
