import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { readContract } from "viem/actions";
import type { Address } from "viem";
import {
  cancelLease,
  closeLease,
  extendLease,
  formatDuration,
  formatTokenAmount,
  gpuModelLabel,
  gridleaseTokenAbi,
  leaseStateAt,
  penalty,
  readAccessDetails,
  regionLabel,
  decodeGpuModel,
  decodeRegion,
  terminateLease,
  type AccessDetails,
  type AccessKeyPair,
  type DerivedStatus,
  type LeaseView,
  type OfferRecord,
  type ReadClient,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useGridlease, useSigner, useTokenInfo } from "../../lib/gridlease.ts";
import { useTxFlow, type TxStepDef } from "../../lib/tx.ts";
import { Link } from "../../lib/router.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { approvalSteps } from "./allowance.ts";
import { checkExtension, formatCountdown } from "./logic.ts";
import type { BuyerLeaseRow } from "./BuyerPage.tsx";

export const STATUS_SHORT: Record<DerivedStatus, string> = {
  Pending: "Pending",
  ActivationOverdue: "Activation overdue",
  Active: "Active",
  Expired: "Expired",
  Ended: "Ended",
};

const GRID: TokenDisplay = { symbol: "GRID", decimals: 18 };

export const tokenAmount = (v: bigint, token: TokenDisplay | undefined) =>
  token ? formatTokenAmount(v, token) : "…";

/** The connected account's balance of a token (refreshed after transactions). */
export function useTokenBalance(token: Address | undefined) {
  const client = usePublicClient();
  const { account } = useGridlease();
  return useQuery({
    queryKey: ["token-balance", client?.chain.id, token?.toLowerCase(), account?.toLowerCase()],
    enabled: !!client && !!token && !!account,
    queryFn: () =>
      readContract(client as unknown as ReadClient, {
        address: token!,
        abi: gridleaseTokenAbi,
        functionName: "balanceOf",
        args: [account!],
      }),
  });
}

type Panel = "none" | "extend" | "terminate";

export function LeaseCard({
  lease,
  offer,
  row,
  now,
  penaltyBps,
  accessKey,
  onChanged,
}: {
  lease: LeaseView;
  offer: OfferRecord;
  row?: BuyerLeaseRow;
  now: bigint;
  penaltyBps?: bigint;
  accessKey: () => Promise<AccessKeyPair>;
  onChanged: () => void;
}) {
  const headingId = useId();
  const { addresses } = useGridlease();
  const signer = useSigner();
  const market = addresses!.market;
  const token = useTokenInfo(lease.paymentToken).data;
  const flow = useTxFlow();
  const [panel, setPanel] = useState<Panel>("none");
  const state = leaseStateAt(lease, now);
  const id = lease.leaseId;
  const gpus = lease.units * lease.gpusPerUnit;
  const model = row?.gpuModel ?? decodeGpuModel(offer.gpuModel);
  const region = row?.region ?? decodeRegion(offer.region);
  const fmt = (v: bigint) => tokenAmount(v, token);
  const noShowPenalty =
    penaltyBps !== undefined ? penalty(offer.minProviderBond, penaltyBps) : undefined;
  const errorContext = { token };

  const runTx = async (steps: TxStepDef[]) => {
    const ok = await flow.run(steps, errorContext);
    onChanged();
    if (ok) setPanel("none");
    return ok;
  };

  const end = lease.start + lease.duration;
  return (
    <article className="card lease-card" aria-labelledby={headingId}>
      <header className="lease-card-head">
        <h3 id={headingId}>Lease #{String(id)}</h3>
        <span className={`badge badge-${state.status}`}>{STATUS_SHORT[state.status]}</span>
        <Link
          className="small"
          to={`/explorer/leases/${id}`}
          aria-label={`Lease #${id} in the explorer`}
        >
          Lease #{String(id)} in the explorer
        </Link>
      </header>
      <p className="muted small">{state.label}</p>
      <dl className="terms">
        <dt>Hardware</dt>
        <dd>
          {String(gpus)}× {gpuModelLabel(model)} ({String(lease.units)} ×{" "}
          {String(lease.gpusPerUnit)} GPUs) · {regionLabel(region)}
        </dd>
        <dt>Price</dt>
        <dd>{fmt(lease.pricePerGpuHour)} per GPU-hour (locked)</dd>
        {state.status === "Pending" && (
          <>
            <dt>Provider must activate within</dt>
            <dd className="countdown" aria-live="off">
              {formatCountdown(state.activationSecondsLeft)}
            </dd>
          </>
        )}
        {(state.status === "Active" || state.status === "Expired") && (
          <>
            <dt>Time left</dt>
            <dd className="countdown" aria-live="off">
              {state.status === "Active" ? formatCountdown(state.remainingSeconds) : "Term over"}
            </dd>
            <dt>Ends</dt>
            <dd>{new Date(Number(end) * 1000).toLocaleString()}</dd>
          </>
        )}
        {(state.status === "Pending" || state.status === "ActivationOverdue") && (
          <>
            <dt>Booked</dt>
            <dd>{formatDuration(lease.duration)}</dd>
          </>
        )}
        <dt>Deposit</dt>
        <dd>{fmt(state.deposit)}</dd>
        <dt>Accrued</dt>
        <dd className="num-left">{fmt(state.accrued)}</dd>
        <dt>Refundable now</dt>
        <dd className="num-left">{fmt(state.refundableNow)}</dd>
      </dl>

      {state.status === "ActivationOverdue" && (
        <div className="callout callout-warn">
          <strong>The provider missed the activation deadline.</strong>
          <p>
            Cancel to get your full deposit of {fmt(state.deposit)} back, plus a penalty of{" "}
            {noShowPenalty !== undefined ? tokenAmount(noShowPenalty, GRID) : "…"} from the
            provider’s bond.
          </p>
        </div>
      )}

      <div className="toolbar lease-actions">
        {(state.status === "Active" || state.status === "Pending") && (
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === "extend"}
            onClick={() => setPanel(panel === "extend" ? "none" : "extend")}
          >
            Extend
          </button>
        )}
        {state.status === "Active" && (
          <button
            type="button"
            className="button secondary"
            aria-expanded={panel === "terminate"}
            onClick={() => setPanel(panel === "terminate" ? "none" : "terminate")}
          >
            Terminate
          </button>
        )}
        {state.status === "ActivationOverdue" && (
          <button
            type="button"
            className="button"
            disabled={flow.busy || !signer}
            onClick={() =>
              void runTx([
                {
                  label: `Cancel lease #${id}`,
                  run: () => cancelLease(signer!, { market, leaseId: id }),
                },
              ])
            }
          >
            Cancel lease
          </button>
        )}
        {state.status === "Expired" && (
          <button
            type="button"
            className="button secondary"
            disabled={flow.busy || !signer}
            onClick={() =>
              void runTx([
                {
                  label: `Close lease #${id}`,
                  run: () => closeLease(signer!, { market, leaseId: id }),
                },
              ])
            }
          >
            Close lease
          </button>
        )}
      </div>

      {panel === "extend" && (
        <ExtendForm lease={lease} offer={offer} token={token} busy={flow.busy} onRun={runTx} />
      )}
      {panel === "terminate" && state.status === "Active" && (
        <div className="callout terminate-confirm">
          <p>
            Terminating now ends the lease and the server access. You get back{" "}
            <strong>{fmt(state.refundableNow)}</strong> (the unused part of your deposit); the
            provider keeps {fmt(state.accrued)} for the time used.
          </p>
          <div className="row">
            <button
              type="button"
              className="button danger"
              disabled={flow.busy || !signer}
              onClick={() =>
                void runTx([
                  {
                    label: `Terminate lease #${id}`,
                    run: () => terminateLease(signer!, { market, leaseId: id }),
                  },
                ])
              }
            >
              Confirm terminate
            </button>
            <button type="button" className="button secondary" onClick={() => setPanel("none")}>
              Keep the lease
            </button>
          </div>
        </div>
      )}

      <TxProgress flow={flow} title={`Progress for lease #${id}`} />

      {(state.status === "Active" || state.status === "Expired") && (
        <AccessPanel leaseId={id} market={market} accessKey={accessKey} />
      )}
    </article>
  );
}

function ExtendForm({
  lease,
  offer,
  token,
  busy,
  onRun,
}: {
  lease: LeaseView;
  offer: OfferRecord;
  token?: TokenDisplay;
  busy: boolean;
  onRun: (steps: TxStepDef[]) => Promise<boolean>;
}) {
  const { addresses } = useGridlease();
  const client = usePublicClient();
  const signer = useSigner();
  const [hours, setHours] = useState("1");
  const [touched, setTouched] = useState(false);
  const balance = useTokenBalance(lease.paymentToken).data;
  const fmt = (v: bigint) => tokenAmount(v, token);
  const terms = {
    pricePerGpuHour: lease.pricePerGpuHour,
    gpusPerUnit: lease.gpusPerUnit,
    units: lease.units,
    duration: lease.duration,
    feeBps: lease.feeBps,
  };
  const check = checkExtension(
    hours,
    terms,
    BigInt(offer.maxDuration),
    balance,
    fmt,
    formatDuration,
  );
  const market = addresses!.market;

  const submit = async () => {
    setTouched(true);
    if (
      check.error ||
      check.seconds === undefined ||
      check.cost === undefined ||
      !signer ||
      !client
    )
      return;
    const cost = check.cost;
    const seconds = check.seconds;
    const steps = await approvalSteps(client as never, signer, {
      token: lease.paymentToken,
      spender: market,
      amount: cost,
      label: `Approve ${fmt(cost)} for the top-up`,
    });
    steps.push({
      label: `Extend lease #${lease.leaseId} by ${formatDuration(seconds)}`,
      run: () => extendLease(signer, { market, leaseId: lease.leaseId, addedDuration: seconds }),
    });
    await onRun(steps);
  };

  return (
    <form
      className="extend-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field
        label="Add hours"
        error={touched || hours !== "1" ? check.error : undefined}
        hint={
          check.cost !== undefined
            ? `Top-up: ${fmt(check.cost)} at the locked price${balance !== undefined ? ` · your balance ${fmt(balance)}` : ""}`
            : `The offer allows up to ${formatDuration(BigInt(offer.maxDuration))} in total.`
        }
      >
        {(p) => (
          <input
            {...p}
            inputMode="decimal"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={busy}>
        Confirm extend
      </button>
    </form>
  );
}

function AccessPanel({
  leaseId,
  market,
  accessKey,
}: {
  leaseId: bigint;
  market: Address;
  accessKey: () => Promise<AccessKeyPair>;
}) {
  const client = usePublicClient();
  const [details, setDetails] = useState<AccessDetails>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const reveal = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const key = await accessKey();
      setDetails(await readAccessDetails(client!, { market, leaseId, secretKey: key.secretKey }));
    } catch (err) {
      const e = err as { shortMessage?: string; message?: string; name?: string };
      setError(
        e.name === "UserRejectedRequestError" || /reject|denied/i.test(e.message ?? "")
          ? "You declined the signature, so the access details stay locked."
          : (e.shortMessage ?? e.message ?? String(err)),
      );
    } finally {
      setBusy(false);
    }
  };

  if (!details)
    return (
      <div className="access-panel">
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => void reveal()}
        >
          {busy ? "Decrypting…" : "Reveal access details"}
        </button>
        <p className="muted small">
          Your wallet signs a fixed message to derive your access key; the details are decrypted in
          this browser and sent nowhere.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  const secret = details.key ?? details.token;
  return (
    <section className="access-panel" aria-label={`Access details of lease #${leaseId}`}>
      <h4>Access details</h4>
      <dl className="terms">
        <dt>Host</dt>
        <dd className="mono">{details.host}</dd>
        <dt>Port</dt>
        <dd className="mono">{details.port}</dd>
        <dt>User</dt>
        <dd className="mono">{details.user}</dd>
        <dt>{details.key ? "SSH key" : "Token"}</dt>
        <dd>
          <pre className="mono secret">{secret}</pre>
        </dd>
        <dt>Connect</dt>
        <dd className="mono">
          ssh -p {details.port} {details.user}@{details.host}
        </dd>
      </dl>
      <button
        type="button"
        className="button secondary small"
        onClick={() => setDetails(undefined)}
      >
        Hide access details
      </button>
    </section>
  );
}
