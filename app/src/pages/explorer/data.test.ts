import { describe, expect, it } from "vitest";
import { byChainOrder, flatten, type LeaseEventRow } from "./data.ts";

describe("indexer rows", () => {
  it("turns relation objects ({ id }) back into ids and leaves everything else", () => {
    expect(
      flatten({
        id: "5",
        provider: { id: "0xab" },
        paymentToken: { id: "0xcd" },
        startTime: null,
        gpus: "8",
        nested: { id: "1", x: 2 },
      }),
    ).toEqual({
      id: "5",
      provider: "0xab",
      paymentToken: "0xcd",
      startTime: null,
      gpus: "8",
      nested: { id: "1", x: 2 },
    });
  });
  it("orders events by block, then log index", () => {
    const e = (blockNumber: string, logIndex: number) =>
      ({ blockNumber, logIndex }) as LeaseEventRow;
    const sorted = [e("10", 2), e("9", 5), e("10", 1)].sort(byChainOrder);
    expect(sorted.map((x) => `${x.blockNumber}:${x.logIndex}`)).toEqual(["9:5", "10:1", "10:2"]);
  });
});
