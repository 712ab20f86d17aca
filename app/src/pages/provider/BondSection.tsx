import { useState } from "react";
import type { Address } from "viem";
import { depositBond, withdrawBond } from "@gridlease/sdk";
import { useGridlease, useReadClient, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenBalance, useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow, type TxStepDef } from "../../hooks/useTxFlow.ts";
import { approvalSteps } from "../../lib/allowance.ts";
import { amountText } from "../../components/Amount.tsx";
import { Field } from "../../components/Field.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import { ErrorState, Loading } from "../../components/States.tsx";
import { useProviderBonds, type TokenBond } from "./data.ts";
import { parseAmount } from "./logic.ts";

/**
 * The provider's bonds, one per payment token: a lease's penalty is paid in the lease's token from the bond in that
 * token, so each token shows what is deposited, what live leases lock, and what is free, with deposit and withdraw.
 */
export function BondSection({ onChanged }: { onChanged: () => void }) {
  const { account } = useGridlease();
  const bonds = useProviderBonds(account);
  return (
    <section className="card provider-section" aria-labelledby="bond-heading">
      <h2 id="bond-heading">Bonds</h2>
      <p className="muted small">
        Offers can require a minimum bond in their payment token. Each pending or active lease
        reserves its penalty (the offer&rsquo;s floor, or 10% of what the buyer escrowed if more)
        from the bond in its token until it ends.
      </p>
      {bonds.isPending ? (
        <Loading what="your bonds" />
      ) : bonds.isError ? (
        <ErrorState error={bonds.error} retry={() => void bonds.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col" className="num">
                Bond
              </th>
              <th scope="col" className="num">
                Locked
              </th>
              <th scope="col" className="num">
                Free
              </th>
              <th scope="col" className="num">
                In wallet
              </th>
              <th scope="col">Deposit or withdraw</th>
            </tr>
          </thead>
          <tbody>
            {Object.values(bonds.data).map((b) => (
              <BondRow key={b.token} bond={b} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One token's bond, with its deposit and withdraw form. */
function BondRow({ bond, onChanged }: { bond: TokenBond; onChanged: () => void }) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const client = useReadClient();
  const flow = useTxFlow();
  const token = useTokenInfo(bond.token).data;
  const balance = useTokenBalance(bond.token).data;
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  const free = bond.amount - bond.locked;
  const market: Address = addresses!.market;
  const symbol = token?.symbol ?? "…";

  const act = async (kind: "deposit" | "withdraw") => {
    if (!token) return;
    const max = kind === "deposit" ? balance : free;
    const r = parseAmount(amount, token.decimals, {
      max,
      maxMessage:
        kind === "deposit"
          ? `Your wallet holds ${amountText(balance ?? 0n, token)}: you cannot deposit more.`
          : `Only ${amountText(free, token)} of your ${symbol} bond is free (the rest is reserved for live leases).`,
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
              token: bond.token,
              spender: market,
              amount: value,
              label: `Approve ${amountText(value, token)} for the bond`,
            })),
            {
              label: `Deposit ${amountText(value, token)} bond`,
              run: () => depositBond(signer, { market, token: bond.token, amount: value }),
            },
          ]
        : [
            {
              label: `Withdraw ${amountText(value, token)} bond`,
              run: () => withdrawBond(signer, { market, token: bond.token, amount: value }),
            },
          ];
    const ok = await flow.run(steps, { token, bondToken: token });
    if (ok) setAmount("");
    onChanged();
  };

  return (
    <tr>
      <th scope="row">{symbol}</th>
      <td className="num">{amountText(bond.amount, token)}</td>
      <td className="num">{amountText(bond.locked, token)}</td>
      <td className="num">{amountText(free, token)}</td>
      <td className="num">{balance === undefined ? "…" : amountText(balance, token)}</td>
      <td>
        <form className="toolbar" noValidate onSubmit={(e) => e.preventDefault()}>
          <Field label={`Bond amount (${symbol})`} error={error}>
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
            Deposit {symbol} bond
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={flow.busy}
            onClick={() => void act("withdraw")}
          >
            Withdraw {symbol} bond
          </button>
        </form>
        <TxProgress flow={flow} title={`${symbol} bond transaction`} />
      </td>
    </tr>
  );
}
