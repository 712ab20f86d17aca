import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { UserRejectedRequestError, type Hex, type TransactionReceipt } from "viem";
import { TransactionRevertedError, type Sent } from "@gridlease/sdk";

vi.mock("wagmi", () => ({ usePublicClient: () => undefined }));
const { useTxFlow, withReason } = await import("./useTxFlow.ts");

const HASH = `0x${"ab".repeat(32)}` as Hex;
const receipt = {
  transactionHash: HASH,
  blockNumber: 7n,
  gasUsed: 21_000n,
  status: "success",
} as TransactionReceipt;
const sent = (result: Promise<unknown>): Sent => ({ hash: HASH, wait: () => result as never });

describe("useTxFlow", () => {
  it("walks every step to confirmed and records the receipt", async () => {
    const { result } = renderHook(() => useTxFlow());
    let ok = false;
    await act(async () => {
      ok = await result.current.run([
        { label: "Sign", run: async () => undefined },
        { label: "Send", run: async () => sent(Promise.resolve({ receipt, events: [] })) },
      ]);
    });
    expect(ok).toBe(true);
    expect(result.current.done).toBe(true);
    expect(result.current.steps.map((s) => s.status)).toEqual(["signed", "confirmed"]);
    expect(result.current.steps[1].hash).toBe(HASH);
    expect(result.current.steps[1].receipt?.blockNumber).toBe(7n);
  });

  it("stops at a rejected step, explains it, and never runs the rest", async () => {
    const third = vi.fn();
    const { result } = renderHook(() => useTxFlow());
    let ok = true;
    await act(async () => {
      ok = await result.current.run([
        { label: "Approve", run: async () => sent(Promise.resolve({ receipt, events: [] })) },
        {
          label: "Open",
          run: async () => Promise.reject(new UserRejectedRequestError(new Error("no"))),
        },
        { label: "Never", run: third },
      ]);
    });
    expect(ok).toBe(false);
    expect(third).not.toHaveBeenCalled();
    expect(result.current.steps.map((s) => s.status)).toEqual(["confirmed", "failed", "skipped"]);
    expect(result.current.error?.kind).toBe("rejected");
    expect(result.current.error?.message).toMatch(/rejected the request in your wallet/);
  });
});

describe("withReason", () => {
  const reverted = new TransactionRevertedError({ ...receipt, status: "reverted" });
  const tx = {
    from: `0x${"11".repeat(20)}` as Hex,
    to: `0x${"22".repeat(20)}` as Hex,
    input: "0x1234" as Hex,
    value: 0n,
  };

  it("replays a reverted transaction at its block and returns the replay's error", async () => {
    const why = new Error("Market_PriceAboveMax");
    const call = vi.fn().mockRejectedValue(why);
    const out = await withReason({ getTransaction: async () => tx, call }, reverted);
    expect(out).toBe(why);
    expect(call).toHaveBeenCalledWith({
      account: tx.from,
      to: tx.to,
      data: tx.input,
      value: 0n,
      blockNumber: 7n,
    });
  });

  it("keeps the original error when the replay succeeds or the error is not a revert", async () => {
    const client = { getTransaction: async () => tx, call: async () => "0x" };
    expect(await withReason(client, reverted)).toBe(reverted);
    const other = new Error("network down");
    expect(await withReason(client, other)).toBe(other);
  });
});
