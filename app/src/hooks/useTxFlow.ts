/** A user action as visible steps: the wallet, the transaction, its receipt or its error in plain words. */
import { useCallback, useRef, useState } from "react";
import type { Hex, TransactionReceipt } from "viem";
import { call, getTransaction } from "viem/actions";
import {
  explainError,
  TransactionRevertedError,
  type ErrorContext,
  type ExplainedError,
  type ReadClient,
  type Sent,
} from "@gridlease/sdk";
import { useReadClient } from "./useGridlease.ts";

/** One step of a user action: a signature (returns nothing to wait for) or a transaction (returns `Sent`). */
export interface TxStepDef {
  label: string;
  run: () => Promise<Sent | void>;
}

export type TxStepStatus =
  "idle" | "wallet" | "pending" | "confirmed" | "signed" | "failed" | "skipped";

export interface TxStep {
  label: string;
  status: TxStepStatus;
  hash?: Hex;
  receipt?: TransactionReceipt;
  error?: ExplainedError;
}

export interface TxFlow {
  steps: TxStep[];
  busy: boolean;
  /** Set once every step succeeded. */
  done: boolean;
  error?: ExplainedError;
  /** Runs the steps in order; resolves true when all succeeded. A failed step stops the flow. */
  run: (steps: TxStepDef[], context?: ErrorContext) => Promise<boolean>;
  reset: () => void;
}

/**
 * Drives a multi-step action with visible progress: waiting for the wallet, sent (with the hash), confirmed (with
 * the receipt) or failed (with the error in plain words, via the SDK's explainError, or `explain` for contracts it
 * does not know: the attestation flows pass `explainEasError`).
 */
export function useTxFlow(
  explain: (error: unknown, context?: ErrorContext) => ExplainedError = explainError,
): TxFlow {
  const client = useReadClient();
  const [steps, setSteps] = useState<TxStep[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ExplainedError>();
  const running = useRef(false);

  const run = useCallback(
    async (defs: TxStepDef[], context?: ErrorContext) => {
      if (running.current) return false;
      running.current = true;
      setBusy(true);
      setDone(false);
      setError(undefined);
      const state: TxStep[] = defs.map((d) => ({ label: d.label, status: "idle" }));
      const update = (i: number, patch: Partial<TxStep>) => {
        state[i] = { ...state[i], ...patch };
        setSteps([...state]);
      };
      setSteps([...state]);
      try {
        for (let i = 0; i < defs.length; i++) {
          update(i, { status: "wallet" });
          try {
            const sent = await defs[i].run();
            if (!sent) {
              update(i, { status: "signed" });
              continue;
            }
            update(i, { status: "pending", hash: sent.hash });
            const mined = await sent.wait();
            update(i, { status: "confirmed", receipt: mined.receipt });
          } catch (err) {
            const explained = explain(
              client ? await withReason(replayer(client), err) : err,
              context,
            );
            update(i, { status: "failed", error: explained });
            for (let j = i + 1; j < defs.length; j++) update(j, { status: "skipped" });
            setError(explained);
            return false;
          }
        }
        setDone(true);
        return true;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [client, explain],
  );

  const reset = useCallback(() => {
    setSteps([]);
    setDone(false);
    setError(undefined);
  }, []);

  return { steps, busy, done, error, run, reset };
}

/** The two reads a replay needs (an interface, so tests can stand in for the chain). */
export interface ReplayClient {
  getTransaction(p: {
    hash: Hex;
  }): Promise<{ from: Hex; to: Hex | null; input: Hex; value: bigint }>;
  call(p: {
    account: Hex;
    to: Hex;
    data: Hex;
    value: bigint;
    blockNumber: bigint;
  }): Promise<unknown>;
}

/** The replay reads of a client. */
const replayer = (client: ReadClient): ReplayClient => ({
  getTransaction: (p) => getTransaction(client, p),
  call: (p) => call(client, p),
});

/**
 * A receipt says only that a transaction reverted. Replaying it against the state of its block recovers the custom
 * error (e.g. the price rose above the buyer's maximum in the same block), which explainError turns into words.
 * Returns the replay's error, or the original one when the replay cannot tell more.
 */
export async function withReason(client: ReplayClient, err: unknown): Promise<unknown> {
  if (!(err instanceof TransactionRevertedError)) return err;
  try {
    const tx = await client.getTransaction({ hash: err.receipt.transactionHash });
    if (!tx.to) return err;
    await client.call({
      account: tx.from,
      to: tx.to,
      data: tx.input,
      value: tx.value,
      blockNumber: err.receipt.blockNumber,
    });
  } catch (replayed) {
    return replayed;
  }
  return err;
}
