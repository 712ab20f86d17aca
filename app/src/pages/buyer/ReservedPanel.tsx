import { useState } from "react";
import type { Address } from "viem";
import {
  formatDuration,
  formatTime,
  releaseServers,
  revokeTopUpAllowance,
  runway,
  setTopUpAllowanceWithPermit,
  terminateLease,
  type Sent,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useMarketRead } from "../../hooks/useContractRead.ts";
import { useSigner } from "../../hooks/useGridlease.ts";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";
import { formatCountdown } from "../../lib/chainClock.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { useTopUps } from "./data.ts";
import {
  checkTopUpInput,
  exitChargedIn,
  exitQuoteTime,
  quoteHoldsFor,
  type TopUpInput,
} from "./reserved.ts";

type Props = {
  market: Address;
  leaseId: bigint;
  units: bigint;
  /** Chain time (unix seconds), ticking. */
  now: bigint;
  token?: TokenDisplay;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
  /** Told what a confirmed exit charged (the card may be gone by then: an ended lease leaves the live list). */
  onExitCharged: (leaseId: bigint, charged: bigint) => void;
};

/** `sent`, whose confirmation also reports the exit charge its receipt shows. */
function reportingCharge<R extends object>(
  sent: Sent<R>,
  report: (charged: bigint) => void,
): Sent<R> {
  return {
    hash: sent.hash,
    wait: async (options) => {
      const mined = await sent.wait(options);
      report(exitChargedIn(mined.receipt));
      return mined;
    },
  };
}

/**
 * A rolling or committed lease on the buyer's card: term, funding, runway, grace and commitment; the auto top-up
 * allowance (granted with a permit in one transaction) and its history; releasing servers and ending the lease with
 * the exit charge read from the chain (`exitChargeAt` for the next block) shown before the click, and what the
 * transaction charged once it is confirmed.
 */
export function ReservedPanel(props: Props) {
  const { market, leaseId, units, now, token, busy, onRun, onExitCharged } = props;
  const terms = useMarketRead({
    functionName: "getLeaseTerms",
    args: [leaseId],
    refetchInterval: 15_000,
  }).data;
  const fmt = (v: bigint) => amountText(v, token);
  if (!terms || (!terms.rolling && !terms.committed)) return null;
  const left = terms.fundedUntil > 0n ? runway(terms.fundedUntil, now) : undefined;
  return (
    <section className="reserved-panel" aria-label={`Reserved terms of lease #${leaseId}`}>
      <dl className="terms">
        <dt>Term</dt>
        <dd>{formatDuration(terms.term)}</dd>
        {terms.rolling && terms.fundedUntil > 0n && (
          <>
            <dt>Funded until</dt>
            <dd>{formatTime(terms.fundedUntil)}</dd>
            <dt>Runway</dt>
            <dd className="countdown" aria-live="off">
              {left && left > 0n ? formatCountdown(left) : "Unfunded: top up before the grace ends"}
            </dd>
            <dt>Grace ends</dt>
            <dd>{formatTime(terms.graceEnds)}</dd>
          </>
        )}
        {terms.committed && terms.commitmentEnds > 0n && (
          <>
            <dt>Commitment ends</dt>
            <dd>{formatTime(terms.commitmentEnds)}</dd>
          </>
        )}
        {terms.exitEscrow > 0n && (
          <>
            <dt>Exit escrow</dt>
            <dd>{fmt(terms.exitEscrow)}</dd>
          </>
        )}
        <dt>Provider penalty</dt>
        <dd>{fmt(terms.penalty)}</dd>
      </dl>
      {terms.rolling && left !== undefined && terms.term > 0n && (
        <FundedBar funded={terms.fundedUntil} graceEnds={terms.graceEnds} now={now} />
      )}
      {terms.rolling && (
        <AutoTopUp
          market={market}
          leaseId={leaseId}
          term={terms.term}
          token={token}
          busy={busy}
          onRun={onRun}
        />
      )}
      {terms.commitmentEnds > now && (
        <ExitControls
          market={market}
          leaseId={leaseId}
          units={units}
          now={now}
          commitmentEnds={terms.commitmentEnds}
          token={token}
          busy={busy}
          onRun={onRun}
          report={(charged) => onExitCharged(leaseId, charged)}
        />
      )}
    </section>
  );
}

/** The funded runway against the grace period, as a bar (no chart library: it is one rectangle). */
function FundedBar({ funded, graceEnds, now }: { funded: bigint; graceEnds: bigint; now: bigint }) {
  const span = graceEnds > now ? graceEnds - now : 1n;
  const fundedPart = funded > now ? Number(((funded - now) * 100n) / span) : 0;
  return (
    <div
      className="funded-bar"
      role="img"
      aria-label={`Funded runway: ${fundedPart}% of the time until the grace period ends`}
    >
      <span style={{ width: `${Math.min(100, fundedPart)}%` }} />
    </div>
  );
}

/** "Auto top-up": caps and the runway threshold, granted with an EIP-2612 permit; revoke; top-ups so far. */
function AutoTopUp({
  market,
  leaseId,
  term,
  token,
  busy,
  onRun,
}: {
  market: Address;
  leaseId: bigint;
  term: bigint;
  token?: TokenDisplay;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
}) {
  const signer = useSigner();
  const allowance = useMarketRead({
    functionName: "getTopUpAllowance",
    args: [leaseId],
    refetchInterval: 15_000,
  }).data;
  const topUps = useTopUps(leaseId).data ?? [];
  const [input, setInput] = useState<TopUpInput>({
    perTopUp: "",
    totalCap: "",
    thresholdHours: "72",
  });
  const [errors, setErrors] = useState<Partial<Record<keyof TopUpInput, string>>>({});
  const fmt = (v: bigint) => amountText(v, token);
  const active = allowance !== undefined && allowance.perTopUp > 0n;

  const submit = async () => {
    if (!signer) return;
    const check = checkTopUpInput(input, token?.decimals ?? 18, term);
    if ("errors" in check) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    const v = check.value;
    await onRun([
      {
        label: `Sign a permit for ${fmt(v.totalCap)} and set auto top-up on lease #${leaseId}`,
        run: () =>
          setTopUpAllowanceWithPermit(signer, {
            market,
            leaseId,
            perTopUp: v.perTopUp,
            totalCap: v.totalCap,
            runwayThreshold: v.runwayThreshold,
            permitValue: v.totalCap,
          }),
      },
    ]);
  };

  const field = (key: keyof TopUpInput, label: string, hint: string) => (
    <Field label={label} error={errors[key]} hint={hint}>
      {(p) => (
        <input
          {...p}
          inputMode="decimal"
          value={input[key]}
          onChange={(e) => setInput({ ...input, [key]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <div className="auto-top-up">
      <h4>Auto top-up</h4>
      {active ? (
        <p>
          On: up to {fmt(allowance.perTopUp)} per top-up, {fmt(allowance.remaining)} left in total,
          when less than {formatDuration(BigInt(allowance.runwayThreshold))} is funded. The
          provider&rsquo;s agent (or anyone) tops up within these caps at the locked price.{" "}
          <button
            type="button"
            className="button secondary"
            disabled={busy || !signer}
            onClick={() =>
              void onRun([
                {
                  label: `Revoke auto top-up on lease #${leaseId}`,
                  run: () => revokeTopUpAllowance(signer!, { market, leaseId }),
                },
              ])
            }
          >
            Revoke auto top-up
          </button>
        </p>
      ) : (
        <form
          className="toolbar"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {field("perTopUp", "Cap per top-up", "The most one top-up may take from your wallet.")}
          {field(
            "totalCap",
            "Total cap",
            "What all top-ups together may take (the permit's amount).",
          )}
          {field("thresholdHours", "Runway threshold (hours)", "Top up only when less is funded.")}
          <button type="submit" className="button" disabled={busy || !signer}>
            Set up auto top-up
          </button>
        </form>
      )}
      {topUps.length > 0 && (
        <table className="table small" aria-label="Top-ups">
          <thead>
            <tr>
              <th>When</th>
              <th>Added</th>
              <th>Amount</th>
              <th>Funded until</th>
            </tr>
          </thead>
          <tbody>
            {topUps.map((t) => (
              <tr key={t.transactionHash}>
                <td>{t.timestamp !== undefined ? formatTime(t.timestamp) : "…"}</td>
                <td>{formatDuration(t.addedDuration)}</td>
                <td>{fmt(t.amount)}</td>
                <td>{formatTime(t.fundedUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** "Release servers" and "End lease", each with its exit charge for the next block shown before the click. */
function ExitControls({
  market,
  leaseId,
  units,
  now,
  commitmentEnds,
  token,
  busy,
  onRun,
  report,
}: {
  market: Address;
  leaseId: bigint;
  units: bigint;
  now: bigint;
  commitmentEnds: bigint;
  token?: TokenDisplay;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
  report: (charged: bigint) => void;
}) {
  const signer = useSigner();
  const [countText, setCountText] = useState("1");
  const count = /^\d+$/.test(countText.trim()) ? BigInt(countText.trim()) : 0n;
  const countOk = count > 0n && count < units;
  // The charge counts whole hours of committed time left: quoted for the next block, read again when the hour turns.
  const at = exitQuoteTime(commitmentEnds, now);
  const endQuote = useMarketRead({ functionName: "exitChargeAt", args: [leaseId, units, at] }).data;
  const releaseQuote = useMarketRead({
    functionName: "exitChargeAt",
    args: [leaseId, count, at],
    enabled: countOk,
  }).data;
  const fmt = (v: bigint | undefined) => (v === undefined ? "…" : amountText(v, token));
  const holds = quoteHoldsFor(commitmentEnds, now);
  return (
    <div className="exit-controls">
      <h4>Leaving before the commitment ends</h4>
      <p className="muted small">
        Quotes hold for {formatDuration(holds)} (until the next whole hour of the commitment).
      </p>
      {units > 1n && (
        <div className="toolbar">
          <Field
            label="Servers to release"
            error={countOk || countText === "" ? undefined : `Between 1 and ${units - 1n}.`}
          >
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={countText}
                onChange={(e) => setCountText(e.target.value)}
              />
            )}
          </Field>
          <span data-testid="release-charge">Exit charge: {countOk ? fmt(releaseQuote) : "…"}</span>
          <button
            type="button"
            className="button secondary"
            disabled={busy || !signer || !countOk || releaseQuote === undefined}
            onClick={() =>
              void onRun([
                {
                  label: `Release ${count} server(s) of lease #${leaseId} (exit charge ${fmt(releaseQuote)})`,
                  run: async () =>
                    reportingCharge(
                      await releaseServers(signer!, { market, leaseId, count }),
                      report,
                    ),
                },
              ])
            }
          >
            Release servers
          </button>
        </div>
      )}
      <p>
        <span data-testid="end-charge">Exit charge to end now: {fmt(endQuote)}</span>{" "}
        <button
          type="button"
          className="button danger"
          disabled={busy || !signer || endQuote === undefined}
          onClick={() =>
            void onRun([
              {
                label: `End lease #${leaseId} (exit charge ${fmt(endQuote)})`,
                run: async () =>
                  reportingCharge(await terminateLease(signer!, { market, leaseId }), report),
              },
            ])
          }
        >
          End lease
        </button>
      </p>
    </div>
  );
}
