import { withdrawCredit } from "@gridlease/sdk";
import { useGridlease, useSigner } from "../../hooks/useGridlease.ts";
import { useTokenInfo } from "../../hooks/useToken.ts";
import { useTxFlow } from "../../hooks/useTxFlow.ts";
import { amountText } from "../../components/Amount.tsx";
import { TxProgress } from "../../components/TxProgress.tsx";
import type { Credit } from "./data.ts";

/**
 * Refunds the market could not deliver (the token refused the transfer: a blocklist, a paused token) and credited
 * to the buyer instead. Only the credited address can withdraw them, to itself. Hidden when there is none.
 */
export function CreditsPanel({ credits, onChanged }: { credits: Credit[]; onChanged: () => void }) {
  const flow = useTxFlow();
  if (credits.length === 0 && flow.steps.length === 0) return null;
  return (
    <section className="card credits" aria-labelledby="credits-heading">
      <h2 id="credits-heading">Credited to you</h2>
      <p className="muted small">
        A refund the token refused to deliver when a lease ended was kept for you by the market.
        Withdraw it when the token accepts the transfer again; it can only go to this address.
      </p>
      <ul className="credit-list">
        {credits.map((c) => (
          <CreditRow key={c.token} credit={c} flow={flow} onChanged={onChanged} />
        ))}
      </ul>
      <TxProgress flow={flow} title="Credit withdrawal" />
    </section>
  );
}

function CreditRow({
  credit,
  flow,
  onChanged,
}: {
  credit: Credit;
  flow: ReturnType<typeof useTxFlow>;
  onChanged: () => void;
}) {
  const { addresses } = useGridlease();
  const signer = useSigner();
  const token = useTokenInfo(credit.token).data;
  const amount = amountText(credit.amount, token);
  return (
    <li className="row">
      <strong>{amount}</strong>
      <button
        type="button"
        className="button secondary"
        disabled={flow.busy || !signer}
        onClick={async () => {
          await flow.run(
            [
              {
                label: `Withdraw ${amount}`,
                run: () =>
                  withdrawCredit(signer!, { market: addresses!.market, token: credit.token }),
              },
            ],
            { token },
          );
          onChanged();
        }}
      >
        Withdraw {amount}
      </button>
    </li>
  );
}
