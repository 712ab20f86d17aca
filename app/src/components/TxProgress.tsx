import { useChainId } from "wagmi";
import type { TxFlow, TxStep } from "../hooks/useTxFlow.ts";
import { txUrl } from "../lib/gridlease.ts";

const STATUS_TEXT: Record<TxStep["status"], string> = {
  idle: "Waiting",
  wallet: "Confirm in your wallet…",
  pending: "Sent, waiting for confirmation…",
  confirmed: "Confirmed",
  signed: "Signed",
  failed: "Failed",
  skipped: "Not sent",
};

/** The steps of an action with their live state; errors in plain words. Announced to screen readers. */
export function TxProgress({ flow, title }: { flow: TxFlow; title?: string }) {
  const chainId = useChainId();
  if (flow.steps.length === 0) return null;
  return (
    <section className="tx-progress" aria-label={title ?? "Transaction progress"}>
      <ol>
        {flow.steps.map((s, i) => (
          <li key={i} className={`tx-step tx-${s.status}`} data-status={s.status}>
            <span className="tx-dot" aria-hidden="true" />
            <span className="tx-label">{s.label}</span>
            <span className="tx-status" role="status" aria-live="polite">
              {STATUS_TEXT[s.status]}
              {s.receipt &&
                ` in block ${s.receipt.blockNumber} · gas ${s.receipt.gasUsed.toLocaleString()}`}
            </span>
            {s.hash && (
              <a
                className="mono small"
                href={txUrl(chainId, s.hash)}
                target={chainId === 31337 ? undefined : "_blank"}
                rel="noreferrer"
              >
                {s.hash.slice(0, 10)}…{s.hash.slice(-6)}
              </a>
            )}
          </li>
        ))}
      </ol>
      {flow.error && (
        <p className="error" role="alert">
          {flow.error.message}
        </p>
      )}
    </section>
  );
}
