/**
 * The steps of renting, as the progress shows them: derive the access key (a signature), pay with a permit (a
 * signature) or an approval (a transaction, only when the allowance falls short), then open the lease.
 */
import type { Address, Hex } from "viem";
import {
  openLease,
  signPermit,
  type PermitSignature,
  type ReadClient,
  type SignerClient,
} from "@gridlease/sdk";
import type { TxStepDef } from "../../hooks/useTxFlow.ts";
import { approvalSteps } from "../../lib/allowance.ts";
import { signerAccessKey } from "../../lib/accessKey.ts";
import { openLeaseWithSignedPermit } from "./permit.ts";
import type { RentValues } from "./logic.ts";

/** What renting needs: the checked form values and how the buyer pays. */
export interface RentPlan {
  market: Address;
  offerId: bigint;
  paymentToken: Address;
  tokenSymbol: string;
  values: RentValues;
  usePermit: boolean;
}

/** The steps in order; `onOpened` receives the new lease's id once the last one is mined. */
export async function rentSteps(
  client: ReadClient,
  signer: SignerClient,
  plan: RentPlan,
  onOpened: (leaseId: bigint) => void,
): Promise<TxStepDef[]> {
  const { market, offerId, paymentToken, values } = plan;
  let publicKey: Hex | undefined;
  let permit: PermitSignature | undefined;
  const steps: TxStepDef[] = [
    {
      label: "Derive your access key",
      run: async () => {
        publicKey = (await signerAccessKey(signer)).publicKeyHex;
      },
    },
  ];
  if (plan.usePermit)
    steps.push({
      label: "Sign permit",
      run: async () => {
        permit = await signPermit(signer, {
          token: paymentToken,
          spender: market,
          value: values.maxDeposit,
        });
      },
    });
  else
    steps.push(
      ...(await approvalSteps(client, signer, {
        token: paymentToken,
        spender: market,
        amount: values.maxDeposit,
        label: `Approve ${plan.tokenSymbol}`,
      })),
    );
  steps.push({
    label: "Open lease",
    run: async () => {
      const request = {
        market,
        offerId,
        units: values.units,
        duration: values.duration,
        maxPricePerGpuHour: values.maxPricePerGpuHour,
        buyerPublicKey: publicKey!,
      };
      const sent = permit
        ? await openLeaseWithSignedPermit(signer, { ...request, permit })
        : await openLease(signer, request);
      return {
        hash: sent.hash,
        wait: async (options) => {
          const mined = await sent.wait(options);
          onOpened(mined.leaseId);
          return mined;
        },
      };
    },
  });
  return steps;
}
