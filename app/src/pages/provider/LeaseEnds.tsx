import { useState } from "react";
import { endUnfunded, failServers } from "@gridlease/sdk";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";

/**
 * The provider's per-lease ends on a running lease: "Fail servers" (some servers of a multi-server lease, the rest
 * keep running; the buyer gets their unused time back and their share of the penalty, rounded up) and, once a
 * rolling lease's funding ran out and its grace period is over, "End unfunded" (no penalty).
 */
export function LeaseEnds({
  leaseId,
  units,
  now,
  busy,
  onRun,
}: {
  leaseId: bigint;
  units: bigint;
  now: bigint;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const market = addresses!.market;
  const terms = useMarketRead({
    functionName: "getLeaseTerms",
    args: [leaseId],
    refetchInterval: 15_000,
  }).data;
  const [countText, setCountText] = useState("1");
  const count = /^\d+$/.test(countText.trim()) ? BigInt(countText.trim()) : 0n;
  const countOk = count > 0n && count < units;
  const graceOver =
    terms !== undefined && terms.rolling && terms.graceEnds > 0n && terms.graceEnds <= now;
  return (
    <div className="toolbar lease-ends">
      {units > 1n && (
        <>
          <label className="small">
            Servers to fail{" "}
            <input
              className="narrow"
              inputMode="numeric"
              value={countText}
              aria-invalid={!countOk}
              aria-describedby={countOk ? undefined : `fail-count-${leaseId}`}
              onChange={(e) => setCountText(e.target.value)}
            />
          </label>
          {!countOk && (
            <span id={`fail-count-${leaseId}`} className="field-error small">
              Between 1 and {String(units - 1n)}.
            </span>
          )}
          <button
            type="button"
            className="button secondary small"
            disabled={busy || !signer || !countOk}
            onClick={() =>
              onRun([
                {
                  label: `Fail ${count} of ${units} servers of lease #${leaseId}`,
                  run: () => failServers(signer!, { market, leaseId, count }),
                },
              ])
            }
          >
            Fail servers
          </button>
        </>
      )}
      {graceOver && (
        <button
          type="button"
          className="button danger small"
          disabled={busy || !signer}
          onClick={() =>
            onRun([
              {
                label: `End unfunded lease #${leaseId}`,
                run: () => endUnfunded(signer!, { market, leaseId }),
              },
            ])
          }
        >
          End unfunded
        </button>
      )}
    </div>
  );
}
