import type { Address } from "viem";
import { readContract } from "viem/actions";
import {
  ensureAllowance,
  gridleaseTokenAbi,
  type ReadClient,
  type SignerClient,
} from "@gridlease/sdk";
import type { TxStepDef } from "../hooks/useTxFlow.ts";

/** An "Approve" step when the market may not yet take `amount` of `token` from the signer; none otherwise. */
export async function approvalSteps(
  client: ReadClient,
  signer: SignerClient,
  p: { token: Address; spender: Address; amount: bigint; label: string },
): Promise<TxStepDef[]> {
  const allowance = await readContract(client, {
    address: p.token,
    abi: gridleaseTokenAbi,
    functionName: "allowance",
    args: [signer.account.address, p.spender],
  });
  if (allowance >= p.amount) return [];
  return [
    {
      label: p.label,
      run: async () =>
        (await ensureAllowance(signer, { token: p.token, spender: p.spender, amount: p.amount }))
          .approval,
    },
  ];
}
