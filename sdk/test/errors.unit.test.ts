/**
 * SDK error explanations (sdk/src/errors.ts) without a chain: every custom error in the generated ABIs has a
 * plain message, arguments are worked in, and wallet and network failures read as people expect.
 */
import { describe, expect, it } from "vitest";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  encodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  TimeoutError,
  UserRejectedRequestError,
  type AbiParameter,
  type Hex,
} from "viem";
import { gridleaseMarketAbi, gridleaseTokenAbi } from "@gridlease/sdk/abis";
import {
  describeRevert,
  errorMessage,
  explainError,
  formatDuration,
  formatTime,
  formatTokenAmount,
  gridleaseErrorsAbi,
} from "@gridlease/sdk/errors";

const tUSD = { symbol: "tUSD", decimals: 6 };
const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** A plausible value for an ABI parameter, so any error can be encoded. */
function sample(param: AbiParameter): unknown {
  if (param.type === "address") return ADDRESS;
  if (param.type === "bool") return true;
  if (param.type === "string") return "sample";
  if (param.type.startsWith("bytes")) return "0x" + "11".repeat(Number(param.type.slice(5)) || 4);
  if (param.type === "uint8") return 2;
  return 7n;
}

/** The revert data of `name(args)`, encoded against the ABIs the chain would use. */
const encode = (name: string, args: readonly unknown[] = []): Hex =>
  encodeErrorResult({ abi: gridleaseErrorsAbi, errorName: name as never, args: args as never });

/** A viem error as `market.write.openLease` throws it when the chain reverts with `data`. */
function viemRevert(data: Hex): BaseError {
  const reverted = new ContractFunctionRevertedError({
    abi: gridleaseMarketAbi,
    data,
    functionName: "openLease",
  });
  return new ContractFunctionExecutionError(reverted, {
    abi: gridleaseMarketAbi,
    functionName: "openLease",
    args: [],
  });
}

const errorsOf = (abi: readonly { type: string }[]) =>
  abi.filter(
    (x): x is { type: "error"; name: string; inputs: readonly AbiParameter[] } =>
      x.type === "error",
  );

describe("every custom error has a plain message", () => {
  const all = [
    ["market", errorsOf(gridleaseMarketAbi)],
    ["token", errorsOf(gridleaseTokenAbi)],
  ] as const;

  for (const [contract, errors] of all) {
    it(`covers all ${contract} errors, decoded from raw data and from viem errors`, () => {
      expect(errors.length).toBeGreaterThan(0);
      const missing: string[] = [];
      for (const error of errors) {
        const args = error.inputs.map(sample);
        if (describeRevert(error.name, args) === undefined) {
          missing.push(error.name);
          continue;
        }
        const data = encode(error.name, args);
        for (const thrown of [data, viemRevert(data)]) {
          const explained = explainError(thrown, { token: tUSD });
          expect(explained.kind).toBe("revert");
          expect(explained.errorName).toBe(error.name);
          expect(explained.args).toEqual(args);
          // Plain English: no raw error name, no unformatted object, no undefined hole.
          expect(explained.message).not.toMatch(/Market_|\[object|undefined|NaN/);
          expect(explained.message).toMatch(/^[A-Z$0-9].*[.]$/s);
        }
      }
      expect(missing, "errors without a message").toEqual([]);
    });
  }

  it("lists each error of the market and the tokens once", () => {
    const names = gridleaseErrorsAbi.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of [...errorsOf(gridleaseMarketAbi), ...errorsOf(gridleaseTokenAbi)])
      expect(names).toContain(e.name);
  });
});

describe("messages work the arguments in", () => {
  it("shows prices and amounts in the token when the context gives it, base units otherwise", () => {
    const data = encode("Market_PriceAboveMax", [1n, 2_100_000n, 1_950_000n]);
    expect(errorMessage(data, { token: tUSD })).toBe(
      "The price rose to $2.10 per GPU-hour, above your maximum of $1.95.",
    );
    expect(errorMessage(data)).toBe(
      "The price rose to 2,100,000 base units per GPU-hour, above your maximum of 1,950,000 base units.",
    );
    const grid = { symbol: "GRID", decimals: 18 };
    expect(
      errorMessage(
        encode("Market_PriceAboveMax", [2n, 3_300_000_000_000_000_000n, 3n * 10n ** 18n]),
        {
          token: grid,
        },
      ),
    ).toBe("The price rose to 3.3 GRID per GPU-hour, above your maximum of 3 GRID.");
  });

  it("shows bonds and token errors in the call's token (bonds are held per payment token)", () => {
    expect(
      errorMessage(
        encode("Market_InsufficientBond", [ADDRESS, 3000n * 10n ** 6n, 5000n * 10n ** 6n]),
        {
          token: tUSD,
        },
      ),
    ).toBe(
      `The provider ${ADDRESS} has a bond of $3,000.00 in this offer's payment token, less than the $5,000.00 this offer requires, so it takes no new leases.`,
    );
    expect(
      errorMessage(encode("Market_TopUpAboveCap", [7n, 400n * 10n ** 6n, 375n * 10n ** 6n]), {
        token: tUSD,
      }),
    ).toBe(
      "This top-up of lease #7 costs $400.00, more than the $375.00 the buyer allows per top-up: top up less.",
    );
    expect(errorMessage(encode("Market_InvalidServerCount", [3n, 4n, 4n]))).toBe(
      "Lease #3 has 4 servers: you can release or fail 1 to 3 of them, not 4 (to end them all, terminate the lease).",
    );
    expect(errorMessage(encode("Market_GraceNotOver", [3n, 1_800_000_000n]))).toMatch(
      /grace period lasts until 2027-01-15 08:00:00 UTC/,
    );
    expect(
      errorMessage(viemRevert(encode("ERC20InsufficientAllowance", [ADDRESS, 0n, 15_600_000n])), {
        token: tUSD,
      }),
    ).toBe(
      `Not enough allowance: ${ADDRESS} may spend $0.00 of your tokens, and this needs $15.60. Approve it first, or sign a permit.`,
    );
  });

  it("names lease states, deadlines and durations", () => {
    expect(errorMessage(encode("Market_UnexpectedStatus", [4n, 4]))).toBe(
      "Lease #4 has already ended, so this is not possible now.",
    );
    expect(errorMessage(encode("Market_UnexpectedStatus", [4n, 1]))).toMatch(
      /^Lease #4 is still waiting for the provider to activate it/,
    );
    expect(errorMessage(encode("Market_ActivationWindowOpen", [9n, 1_800_003_600n]))).toBe(
      "Lease #9 can be cancelled only after its activation deadline, 2027-01-15 09:00:00 UTC: until then the provider may still activate it.",
    );
    expect(errorMessage(encode("Market_DurationOutOfRange", [1800n, 3600n, 2_592_000n]))).toBe(
      "A duration of 30 minutes is outside this offer's range of 1 hour to 30 days.",
    );
    expect(errorMessage(encode("Market_UnitsUnavailable", [1n, 3n, 1n]))).toBe(
      "Offer #1 has only 1 unit available; you asked for 3.",
    );
  });

  it("explains Solidity panics and string reverts, and admits an unknown selector", () => {
    const panic = explainError(
      "0x4e487b710000000000000000000000000000000000000000000000000000000000000011",
    );
    expect(panic).toMatchObject({ kind: "revert", errorName: "Panic" });
    expect(panic.message).toMatch(/panic 0x11: an amount overflowed/);
    const reason = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ type: "string", name: "m" }] }],
      errorName: "Error",
      args: ["not today"],
    });
    expect(errorMessage(reason)).toBe("The contract refused: not today.");
    expect(explainError(viemRevert("0xdeadbeef"))).toEqual({
      kind: "revert",
      message: "The contract refused with an error this app does not know (selector 0xdeadbeef).",
    });
  });
});

describe("wallet and network failures", () => {
  it("recognises a rejected signature from viem, EIP-1193 and ethers", () => {
    const viemRejection = new UserRejectedRequestError(new Error("User denied"));
    for (const e of [viemRejection, { code: 4001, message: "denied" }, { code: "ACTION_REJECTED" }])
      expect(explainError(e)).toEqual({
        kind: "rejected",
        message: "You rejected the request in your wallet: nothing was sent.",
      });
  });

  it("recognises an unreachable RPC and names its URL", () => {
    const http = new HttpRequestError({
      url: "https://rpc.example.org",
      details: "fetch failed",
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    expect(explainError(http)).toEqual({
      kind: "network",
      message:
        "The network could not be reached (no answer from https://rpc.example.org): check your connection and the RPC URL, then try again.",
    });
    expect(explainError(new TimeoutError({ body: {}, url: "http://127.0.0.1:8545" })).kind).toBe(
      "network",
    );
    expect(
      explainError({ code: "NETWORK_ERROR", message: "network does not support ENS" }).kind,
    ).toBe("network");
  });

  it("recognises a lack of gas money, a missing contract, and passes anything else through", () => {
    const funds = new InsufficientFundsError({
      cause: new BaseError("insufficient funds for gas"),
    });
    expect(explainError(funds)).toMatchObject({ kind: "funds" });
    expect(errorMessage({ message: "insufficient funds for intrinsic transaction cost" })).toMatch(
      /native currency \(ETH\) to pay the gas/,
    );
    expect(explainError(new ContractFunctionZeroDataError({ functionName: "getLease" })).kind).toBe(
      "no-contract",
    );
    expect(explainError(new Error("something odd"))).toEqual({
      kind: "unknown",
      message: "something odd",
    });
  });
});

describe("formatting helpers", () => {
  it("formats amounts, durations and times for people", () => {
    expect(formatTokenAmount(1_950_000n, tUSD)).toBe("$1.95");
    expect(formatTokenAmount(1_234_567_891n, tUSD)).toBe("$1,234.567891");
    expect(formatTokenAmount(5000n * 10n ** 18n, { symbol: "GRID", decimals: 18 })).toBe(
      "5,000 GRID",
    );
    expect(formatTokenAmount(12345n)).toBe("12,345 base units");
    expect(formatDuration(5400n)).toBe("1 hour 30 minutes");
    expect(formatDuration(30n * 86400n)).toBe("30 days");
    expect(formatDuration(1n)).toBe("1 second");
    expect(formatDuration(0n)).toBe("0 seconds");
    expect(formatTime(0n)).toBe("1970-01-01 00:00:00 UTC");
  });
});
