import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import {
  formatDuration,
  openRollingLease,
  penalty,
  rollingDeposit,
  STAKE_PENALTY_BPS,
  type OfferRecord,
} from "@gridlease/sdk";
import { useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import { CONTRACT_READ_KEY } from "../../hooks/useContractRead.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import type { TokenInfo } from "../../hooks/useToken.ts";
import { approvalSteps } from "../../lib/allowance.ts";
import { signerAccessKey } from "../../lib/accessKey.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { priceInput } from "./logic.ts";
import {
  checkRollingInput,
  exampleExitAfter,
  exampleExitCharge,
  exitRuleText,
  pricingTerms,
  type OfferTermsView,
  type RollingInput,
} from "./reserved.ts";
import { unitsFree } from "./useRentQuote.ts";

/** The offer's reserved terms, before anyone signs: prepaid window, commitment, the exit rule with an example. */
export function ReservedTermsCard({
  offer,
  terms,
  token,
}: {
  offer: OfferRecord;
  terms: OfferTermsView;
  token: TokenInfo | undefined;
}) {
  const config = useMarketConfig();
  const gpus = BigInt(offer.gpusPerUnit);
  const floor =
    config.data !== undefined ? penalty(offer.minProviderBond, config.data.penaltyBps) : undefined;
  return (
    <div className="card reserved-terms" aria-labelledby="reserved-terms-heading">
      <h2 id="reserved-terms-heading">Reserved terms</h2>
      <dl className="terms">
        {terms.prepaidWindow > 0 && (
          <>
            <dt>Prepaid window</dt>
            <dd>
              {formatDuration(BigInt(terms.prepaidWindow))}: a lease may run longer than it is
              funded, and is topped up as it goes (by you, or automatically within caps you set).
            </dd>
          </>
        )}
        <dt>Commitment</dt>
        <dd data-testid="exit-rule">{exitRuleText(terms)}</dd>
        {terms.commitment > 0 && (
          <>
            <dt>Example</dt>
            <dd data-testid="exit-example">
              Ending one server {formatDuration(exampleExitAfter(terms))} after activation costs{" "}
              <strong>
                {amountText(
                  exampleExitCharge(terms, { pricePerGpuHour: offer.pricePerGpuHour, gpus }),
                  token,
                )}
              </strong>
              .
            </dd>
          </>
        )}
        <dt>If the provider fails you</dt>
        <dd>
          No exit charge ever applies when the provider is at fault (no-show, unrepaired outage,
          failed servers, provider termination); you get the unused deposit back and a penalty of at
          least {floor !== undefined ? amountText(floor, token) : "…"} (
          {Number(STAKE_PENALTY_BPS) / 100}% of what you escrow, if more) from the provider&rsquo;s
          bond in {token?.symbol ?? "the lease's token"}.
        </dd>
      </dl>
    </div>
  );
}

/**
 * "Your lease" for a rolling offer: servers, term and the days to prepay, the deposit split into the funded window
 * and the exit escrow, the penalty the lease reserves, then approve and `openRollingLease`.
 */
export function RollingRentForm({
  offerId,
  offer,
  terms,
  market,
  token,
  unavailable,
  onRented,
}: {
  offerId: bigint;
  offer: OfferRecord;
  terms: OfferTermsView;
  market: Address;
  token: TokenInfo;
  unavailable: string | undefined;
  onRented: () => void;
}) {
  const client = useReadClient();
  const signer = useSigner();
  const config = useMarketConfig();
  const queryClient = useQueryClient();
  const flow = useTxFlow();
  const prepaidWindow = BigInt(terms.prepaidWindow);
  const [input, setInput] = useState<RollingInput>(() => ({
    servers: "1",
    termDays: String(BigInt(offer.minDuration) / 86_400n || 1n),
    fundedDays: String(prepaidWindow / 86_400n || 1n),
    maxPrice: priceInput(offer.pricePerGpuHour, token.decimals),
  }));
  const [submitted, setSubmitted] = useState(false);
  const [opened, setOpened] = useState<bigint>();
  const check = checkRollingInput(input, {
    unitsFree: unitsFree(offer),
    minDuration: BigInt(offer.minDuration),
    maxDuration: BigInt(offer.maxDuration),
    prepaidWindow,
    pricePerGpuHour: offer.pricePerGpuHour,
    decimals: token.decimals,
  });
  const gpus = "values" in check ? check.values.units * BigInt(offer.gpusPerUnit) : undefined;
  const floor =
    config.data !== undefined ? penalty(offer.minProviderBond, config.data.penaltyBps) : undefined;
  const split =
    "values" in check && gpus !== undefined && floor !== undefined
      ? rollingDeposit(pricingTerms(terms), {
          price: offer.pricePerGpuHour,
          gpus,
          funded: check.values.funded,
          penaltyFloor: floor,
        })
      : undefined;
  const errors = "errors" in check && submitted ? check.errors : {};
  const fmt = (v: bigint) => amountText(v, token);

  const rent = async () => {
    setSubmitted(true);
    if (!("values" in check) || !signer || !client || gpus === undefined) return;
    const v = check.values;
    // Approve the deposit at the buyer's maximum price, so a price rise before inclusion fails on the price check.
    const atMax = rollingDeposit(pricingTerms(terms), {
      price: v.maxPricePerGpuHour,
      gpus,
      funded: v.funded,
    });
    let publicKey: Hex | undefined;
    let leaseId: bigint | undefined;
    const steps: TxStepDef[] = [
      {
        label: "Derive your access key",
        run: async () => {
          publicKey = (await signerAccessKey(signer)).publicKeyHex;
        },
      },
      ...(await approvalSteps(client, signer, {
        token: offer.paymentToken,
        spender: market,
        amount: atMax.deposit,
        label: `Approve ${token.symbol}`,
      })),
      {
        label: "Open rolling lease",
        run: async () => {
          const sent = await openRollingLease(signer, {
            market,
            offerId,
            units: v.units,
            term: v.term,
            funded: v.funded,
            maxPricePerGpuHour: v.maxPricePerGpuHour,
            buyerPublicKey: publicKey!,
          });
          return {
            hash: sent.hash,
            wait: async (o) => {
              const mined = await sent.wait(o);
              leaseId = mined.leaseId;
              return mined;
            },
          };
        },
      },
    ];
    setOpened(undefined);
    const ok = await flow.run(steps, { token });
    if (ok) setOpened(leaseId);
    onRented();
    void queryClient.invalidateQueries({ queryKey: [CONTRACT_READ_KEY] });
  };

  const field = (key: keyof RollingInput, label: string, hint?: string) => (
    <Field label={label} error={errors[key]} hint={hint}>
      {(p) => (
        <input
          {...p}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={input[key]}
          onChange={(e) => setInput({ ...input, [key]: e.target.value })}
        />
      )}
    </Field>
  );

  return (
    <form
      className="card"
      aria-labelledby="rolling-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void rent();
      }}
    >
      <h2 id="rolling-heading">Your rolling lease</h2>
      {unavailable && (
        <div className="callout callout-warn" role="status">
          {unavailable}
        </div>
      )}
      <div className="rent-fields">
        {field("servers", "Servers", `${offer.gpusPerUnit} GPUs each · ${unitsFree(offer)} free`)}
        {field(
          "termDays",
          "Term (days)",
          `${formatDuration(BigInt(offer.minDuration))} to ${formatDuration(BigInt(offer.maxDuration))}`,
        )}
        {field(
          "fundedDays",
          "Prepay now (days)",
          `At least the prepaid window (${formatDuration(prepaidWindow)}), at most the term`,
        )}
        {field("maxPrice", "Max price per GPU-hour", `In ${token.symbol}`)}
      </div>
      {split && (
        <dl className="terms" data-testid="rolling-deposit">
          <dt>Funded window</dt>
          <dd>{fmt(split.deposit - split.exitEscrow)}</dd>
          <dt>Exit escrow</dt>
          <dd>
            {fmt(split.exitEscrow)}
            {split.exitEscrow > 0n && (
              <span className="muted small">
                {" "}
                (held for the exit terms; paid to the provider only if you leave early or let the
                funding lapse before the commitment ends)
              </span>
            )}
          </dd>
          <dt>Deposit</dt>
          <dd>
            <strong>{fmt(split.deposit)}</strong>
          </dd>
          <dt>Penalty reserved from the provider&rsquo;s bond</dt>
          <dd>{fmt(split.penalty)}</dd>
        </dl>
      )}
      <WalletGate purpose="rent this offer">
        <div className="rent-submit">
          {submitted && "errors" in check && (
            <p className="field-error" role="alert">
              Fix the highlighted fields first.
            </p>
          )}
          <button
            type="submit"
            className="button rent-button"
            disabled={flow.busy || !!unavailable}
          >
            {flow.busy ? "Renting…" : "Rent now"}
          </button>
          <TxProgress flow={flow} title="Renting progress" />
          {opened !== undefined && flow.done && (
            <div className="callout success" role="status">
              <strong>Lease #{opened.toString()} opened</strong>
              <p>Set up auto top-up on it in My leases once the provider activates it.</p>
              <Link to="/leases" className="button">
                Go to my leases
              </Link>
            </div>
          )}
        </div>
      </WalletGate>
    </form>
  );
}
