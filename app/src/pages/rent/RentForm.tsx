import { useRef, useState, type ChangeEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import type { OfferRecord } from "@gridlease/sdk";
import { useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useMarketConfig } from "../../hooks/useMarketConfig.ts";
import { useTokenInfo, type TokenInfo } from "../../hooks/useToken.ts";
import { CONTRACT_READ_KEY } from "../../hooks/useContractRead.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { Link } from "../../lib/router.tsx";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { ErrorState } from "../../components/States.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { WalletGate } from "../../components/WalletGate.tsx";
import { CostBreakdownView } from "./CostBreakdown.tsx";
import { usePermitSupport } from "./data.ts";
import { hourBounds, priceInput, type RentInput } from "./logic.ts";
import { supportsPermit } from "./permit.ts";
import { rentSteps } from "./rentSteps.ts";
import { unitsFree, useRentQuote } from "./useRentQuote.ts";

const FIELDS = ["servers", "hours", "maxPrice"] as const;

/**
 * "Your lease": servers, hours and the maximum price, checked as they are typed, the cost breakdown, what would
 * stop the lease opening, and the renting progress. `unavailable` says why the offer takes no lease now.
 */
export function RentForm({
  offerId,
  offer,
  market,
  account,
  token,
  unavailable,
  onRented,
}: {
  offerId: bigint;
  offer: OfferRecord;
  market: Address;
  account: Address | undefined;
  token: TokenInfo;
  unavailable: string | undefined;
  onRented: () => void;
}) {
  const client = useReadClient();
  const signer = useSigner();
  const queryClient = useQueryClient();
  const flow = useTxFlow();
  const config = useMarketConfig();
  const bondToken = useTokenInfo(config.data?.bondToken).data;
  const permit = usePermitSupport(offer.paymentToken, account);

  // The maximum price starts at the price seen when the page opened: if the provider raises it meanwhile, the
  // form says so instead of silently following.
  const [firstPrice] = useState(() => priceInput(offer.pricePerGpuHour, token.decimals));
  const [edits, setEdits] = useState<Partial<RentInput>>({});
  const [submitted, setSubmitted] = useState(false);
  const [openedLease, setOpenedLease] = useState<bigint>();
  const bounds = hourBounds(BigInt(offer.minDuration), BigInt(offer.maxDuration));
  const input: RentInput = {
    servers: edits.servers ?? "1",
    hours: edits.hours ?? bounds.min.toString(),
    maxPrice: edits.maxPrice ?? firstPrice,
  };
  const { check, blockers, breakdown, balance } = useRentQuote({
    offerId,
    offer,
    token,
    account,
    input,
  });

  const refs = {
    servers: useRef<HTMLInputElement>(null),
    hours: useRef<HTMLInputElement>(null),
    maxPrice: useRef<HTMLInputElement>(null),
  };
  const set = (k: keyof RentInput) => (e: ChangeEvent<HTMLInputElement>) => {
    setEdits((prev) => ({ ...prev, [k]: e.target.value }));
    if (flow.error && !flow.busy) flow.reset();
  };

  async function rent() {
    setSubmitted(true);
    if (!check || !client) return;
    if (!check.ok) {
      refs[FIELDS.find((k) => check.errors[k]) ?? "servers"].current?.focus();
      return;
    }
    if (!signer || !account || blockers.length > 0) return;
    const usePermit = permit.data ?? (await supportsPermit(client, offer.paymentToken, account));
    let leaseId: bigint | undefined;
    const steps = await rentSteps(
      client,
      signer,
      {
        market,
        offerId,
        paymentToken: offer.paymentToken,
        tokenSymbol: token.symbol,
        values: check.values,
        usePermit,
      },
      (id) => (leaseId = id),
    );
    setOpenedLease(undefined);
    const ok = await flow.run(steps, { token, bondToken });
    if (ok && leaseId !== undefined) setOpenedLease(leaseId);
    onRented();
    void queryClient.invalidateQueries({ queryKey: ["rent"] });
    void queryClient.invalidateQueries({ queryKey: ["market"] });
    void queryClient.invalidateQueries({ queryKey: [CONTRACT_READ_KEY] });
  }

  const errors = check?.errors ?? {};
  const gpusPerUnit = BigInt(offer.gpusPerUnit);
  return (
    <form
      className="card"
      aria-labelledby="rent-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void rent();
      }}
    >
      <h2 id="rent-heading">Your lease</h2>
      {unavailable && (
        <div className="callout callout-warn" role="status">
          {unavailable}
        </div>
      )}
      <div className="rent-fields">
        <Field
          label="Servers"
          error={errors.servers}
          hint={`${gpusPerUnit} GPUs each · ${unitsFree(offer)} free`}
        >
          {(p) => (
            <input
              {...p}
              ref={refs.servers}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={input.servers}
              onChange={set("servers")}
            />
          )}
        </Field>
        <Field
          label="Duration (hours)"
          error={errors.hours}
          hint={
            bounds.max >= bounds.min
              ? `${bounds.min.toLocaleString()} to ${bounds.max.toLocaleString()} hours`
              : undefined
          }
        >
          {(p) => (
            <input
              {...p}
              ref={refs.hours}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={input.hours}
              onChange={set("hours")}
            />
          )}
        </Field>
        <Field
          label="Max price per GPU-hour"
          error={errors.maxPrice}
          hint={`In ${token.symbol}. The lease opens only at this price or lower, even if the provider changes it before your transaction lands.`}
        >
          {(p) => (
            <input
              {...p}
              ref={refs.maxPrice}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={input.maxPrice}
              onChange={set("maxPrice")}
            />
          )}
        </Field>
      </div>

      {breakdown && check?.size && config.data ? (
        <CostBreakdownView
          breakdown={breakdown}
          token={token}
          feeBps={config.data.feeBps}
          duration={check.size.duration}
        />
      ) : config.isError ? (
        <ErrorState error={config.error} retry={() => void config.refetch()} />
      ) : (
        !check?.size && <p className="muted small">Enter servers and hours to see the cost.</p>
      )}

      <WalletGate purpose="rent this offer">
        <div className="rent-submit">
          {balance.data !== undefined && (
            <p className="small muted">
              Your balance: {amountText(balance.data, token)} · paying with{" "}
              {permit.data
                ? "a permit (one signature, no approval)"
                : "an approval, then the lease"}
            </p>
          )}
          {errors.balance && (
            <p className="field-error" role="alert">
              {errors.balance}
            </p>
          )}
          {blockers.length > 0 && (
            <div className="callout callout-warn" role="alert">
              <strong>This lease cannot open now</strong>
              <ul>
                {blockers.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            </div>
          )}
          {submitted && !check?.ok && !errors.balance && (
            <p className="field-error" role="alert">
              Fix the highlighted fields first.
            </p>
          )}
          <button
            type="submit"
            className="button rent-button"
            disabled={flow.busy || !!unavailable || blockers.length > 0}
          >
            {flow.busy ? "Renting…" : "Rent now"}
          </button>
          <TxProgress flow={flow} title="Renting progress" />
          {openedLease !== undefined && flow.done && (
            <div className="callout success" role="status">
              <strong>Lease #{openedLease.toString()} opened</strong>
              <p>
                The provider now activates it and sends your access details, encrypted to your key.
              </p>
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
