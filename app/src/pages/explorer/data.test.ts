import { describe, expect, it } from "vitest";
import { flatten } from "./data.ts";

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
});
