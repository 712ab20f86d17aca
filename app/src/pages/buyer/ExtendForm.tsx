import { useState } from "react";
import {
  extendLease,
  formatDuration,
  type LeaseView,
  type OfferRecord,
  type TokenDisplay,
} from "@gridlease/sdk";
import { useGridlease, useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenBalance } from "../../hooks/useToken.ts";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";
import { approvalSteps } from "../../lib/allowance.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { checkExtension } from "./logic.ts";

/** "Add hours" to a lease: priced at the locked rate, checked against the offer's maximum and the balance. */
export function ExtendForm({
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
  const client = useReadClient();
  const signer = useSigner();
  const [hours, setHours] = useState("1");
  const [touched, setTouched] = useState(false);
  const balance = useTokenBalance(lease.paymentToken).data;
  const fmt = (v: bigint) => amountText(v, token);
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
    const steps = await approvalSteps(client, signer, {
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
