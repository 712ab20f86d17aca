/**
 * The indexer client's reserved-capacity reads: a lease's top-ups and server ends, a provider's bonds per token,
 * and the mappers' refusal of a server-end kind they do not know.
 */
import { describe, expect, it } from "vitest";
import {
  createIndexerClient,
  listLeaseReservedHistory,
  listProviderBonds,
  toServerEnd,
  type RawServerEnd,
} from "../src/indexer/index.ts";

const json = (value: unknown) =>
  new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });

const serverEnd: RawServerEnd = {
  id: "0xaa-3",
  lease: { id: "11" },
  kind: "Failed",
  count: "1",
  refund: "1435776000",
  exitCharge: "0",
  penalty: "147456000",
  timestamp: "1893836532",
  blockNumber: "140",
  txHash: "0xaa",
};

describe("reserved-capacity reads", () => {
  it("reads a lease's top-ups and server ends for that lease, mapped to bigints", async () => {
    const seen: { query: string; variables: Record<string, unknown> }[] = [];
    const client = createIndexerClient({
      url: "http://indexer.test",
      fetch: async (_url, init) => {
        seen.push(JSON.parse(String(init?.body)));
        return json({
          data: {
            topUps: {
              items: [
                {
                  id: "0xbb-1",
                  lease: { id: "11" },
                  executor: "0x15D34AAF54267DB7D7C367839AAF71A00A2C6A65",
                  addedDuration: "43200",
                  amount: "1843200000",
                  fundedUntil: "1893873732",
                  remaining: "18156800000",
                  timestamp: "1893790932",
                  blockNumber: "138",
                  txHash: "0xbb",
                },
              ],
            },
            serverEnds: { items: [serverEnd] },
          },
        });
      },
    });
    const { topUps, serverEnds } = await listLeaseReservedHistory(client, 11n);
    expect(seen[0]!.variables).toEqual({ id: "11" });
    expect(topUps).toEqual([
      expect.objectContaining({
        leaseId: 11n,
        executor: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
        addedDuration: 43_200n,
        amount: 1_843_200_000n,
        remaining: 18_156_800_000n,
      }),
    ]);
    expect(serverEnds).toEqual([
      expect.objectContaining({ kind: "Failed", count: 1n, penalty: 147_456_000n }),
    ]);
  });

  it("reads a provider's bonds by its lowercase address", async () => {
    let variables: Record<string, unknown> = {};
    const client = createIndexerClient({
      url: "http://indexer.test",
      fetch: async (_url, init) => {
        variables = JSON.parse(String(init?.body)).variables;
        return json({
          data: {
            providerBonds: {
              items: [
                {
                  id: "0xab:0x9f",
                  provider: { id: "0xab" },
                  token: "0x9F",
                  amount: "50000000000",
                  locked: "589824000",
                  penaltiesPaid: "0",
                  updatedAt: "5",
                },
              ],
            },
          },
        });
      },
    });
    const bonds = await listProviderBonds(client, "0xABCD000000000000000000000000000000000001");
    expect(variables).toEqual({ id: "0xabcd000000000000000000000000000000000001" });
    expect(bonds).toEqual([
      {
        provider: "0xab",
        token: "0x9f",
        amount: 50_000_000_000n,
        locked: 589_824_000n,
        penaltiesPaid: 0n,
        updatedAt: 5n,
      },
    ]);
  });

  it("refuses a server end of a kind it does not know", () => {
    expect(() => toServerEnd({ ...serverEnd, kind: "Exploded" })).toThrow(RangeError);
  });
});
