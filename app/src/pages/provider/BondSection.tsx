import { useState } from "react";
import {
  BOND_TOKEN_DISPLAY as GRID,
  depositBond,
  withdrawBond,
  type ProviderRecord,
} from "@gridlease/sdk";
import { useGridlease, useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenBalance } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { approvalSteps } from "../../lib/allowance.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { Stat } from "../../components/Stat.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { parseAmount } from "./logic.ts";

/** The provider's bond: what is locked by live leases, what is free, and depositing or withdrawing it. */
export function BondSection({
  record,
  onChanged,
}: {
  record: ProviderRecord;
  onChanged: () => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const client = useReadClient();
  const flow = useTxFlow();
  const balance = useTokenBalance(addresses!.grid).data;
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  const free = record.bond - record.lockedBond;
  const market = addresses!.market;

  const act = async (kind: "deposit" | "withdraw") => {
    const max = kind === "deposit" ? balance : free;
    const r = parseAmount(amount, 18, {
      max,
      maxMessage:
        kind === "deposit"
          ? `Your wallet holds ${amountText(balance ?? 0n, GRID)}: you cannot deposit more.`
          : `Only ${amountText(free, GRID)} of your bond is free (the rest is reserved for live leases).`,
    });
    if ("error" in r) {
      setError(r.error);
      return;
    }
    setError(undefined);
    if (!signer || !client) return;
    const value = r.value;
    const steps: TxStepDef[] =
      kind === "deposit"
        ? [
            ...(await approvalSteps(client, signer, {
              token: addresses!.grid,
              spender: market,
              amount: value,
              label: `Approve ${amountText(value, GRID)} for the bond`,
            })),
            {
              label: `Deposit ${amountText(value, GRID)} bond`,
              run: () => depositBond(signer, { market, amount: value }),
            },
          ]
        : [
            {
              label: `Withdraw ${amountText(value, GRID)} bond`,
              run: () => withdrawBond(signer, { market, amount: value }),
            },
          ];
    const ok = await flow.run(steps, { token: GRID, bondToken: GRID });
    if (ok) setAmount("");
    onChanged();
  };

  return (
    <section className="card provider-section" aria-labelledby="bond-heading">
      <h2 id="bond-heading">Bond</h2>
      <p className="muted small">
        Offers can require a minimum bond. Each pending or active lease reserves its no-show penalty
        from the bond until it ends.
      </p>
      <div className="cards">
        <Stat label="Bond">{amountText(record.bond, GRID)}</Stat>
        <Stat label="Locked bond">{amountText(record.lockedBond, GRID)}</Stat>
        <Stat label="Free bond">{amountText(free, GRID)}</Stat>
        <Stat label="GRID in wallet">
          {balance === undefined ? "…" : amountText(balance, GRID)}
        </Stat>
      </div>
      <form className="toolbar" noValidate onSubmit={(e) => e.preventDefault()}>
        <Field label="Bond amount (GRID)" error={error}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          )}
        </Field>
        <button
          type="button"
          className="button"
          disabled={flow.busy}
          onClick={() => void act("deposit")}
        >
          Deposit bond
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={flow.busy}
          onClick={() => void act("withdraw")}
        >
          Withdraw bond
        </button>
      </form>
      <TxProgress flow={flow} title="Bond transaction" />
    </section>
  );
}
