/**
 * Paying with an EIP-2612 permit as two visible steps ("Sign permit", then "Open lease"). The SDK's
 * `openLeaseWithPermit` signs and sends in one call, so the progress could not show the signature on its own; this
 * sends `openLeaseWithPermit` with a permit already signed by the SDK's `signPermit`.
 */
import { isAddressEqual, parseEventLogs, type Address, type Hex } from "viem";
import { readContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import {
  gridleaseMarketAbi,
  gridleaseTokenAbi,
  TransactionRevertedError,
  type PermitSignature,
  type ReadClient,
  type Sent,
  type SignerClient,
} from "@gridlease/sdk";

/** Whether a token implements EIP-2612 (answers `DOMAIN_SEPARATOR()` and `nonces(owner)`). */
export async function supportsPermit(
  client: ReadClient,
  token: Address,
  owner: Address,
): Promise<boolean> {
  try {
    await Promise.all([
      readContract(client, {
        address: token,
        abi: gridleaseTokenAbi,
        functionName: "DOMAIN_SEPARATOR",
      }),
      readContract(client, {
        address: token,
        abi: gridleaseTokenAbi,
        functionName: "nonces",
        args: [owner],
      }),
    ]);
    return true;
  } catch {
    return false;
  }
}

export interface SignedLeaseRequest {
  market: Address;
  offerId: bigint;
  units: bigint;
  duration: bigint;
  maxPricePerGpuHour: bigint;
  buyerPublicKey: Hex;
  permit: PermitSignature;
}

/** Sends `openLeaseWithPermit` with a signed permit; `wait()` gives the receipt and the new `leaseId`. */
export async function openLeaseWithSignedPermit(
  w: SignerClient,
  p: SignedLeaseRequest,
): Promise<Sent<{ leaseId: bigint }>> {
  const hash = await writeContract(w, {
    address: p.market,
    abi: gridleaseMarketAbi,
    functionName: "openLeaseWithPermit",
    args: [
      p.offerId,
      p.units,
      p.duration,
      p.maxPricePerGpuHour,
      p.buyerPublicKey,
      p.permit.value,
      p.permit.deadline,
      p.permit.v,
      p.permit.r,
      p.permit.s,
    ],
    account: w.account,
    chain: w.chain ?? null,
  });
  return {
    hash,
    async wait(options = {}) {
      const receipt = await waitForTransactionReceipt(options.client ?? w, {
        hash,
        confirmations: options.confirmations,
        timeout: options.timeout,
      });
      if (receipt.status !== "success") throw new TransactionRevertedError(receipt);
      const events = parseEventLogs({
        abi: gridleaseMarketAbi,
        logs: receipt.logs.filter((log) => isAddressEqual(log.address, p.market)),
      });
      const opened = events.find((e) => e.eventName === "LeaseOpened") as
        { args: { leaseId: bigint } } | undefined;
      if (!opened) throw new Error("The transaction emitted no LeaseOpened event");
      return { receipt, events, leaseId: opened.args.leaseId };
    },
  };
}
