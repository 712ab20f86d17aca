/**
 * The indexer client's outage and credit queries with an injected fetch: the filters they send, how rows map, a
 * lease's outage record for the billing math, and availability.
 */
import { describe, expect, it } from "vitest";
import {
  createIndexerClient,
  leaseOutageRecord,
  listCredits,
  listOpenOutages,
  listOutageEvents,
  repairTimeLeft,
  toLease,
  type RawLease,
} from "@gridlease/sdk/indexer";
import { accruedAt, availabilityBps, downUnitSecondsAt, leaseEnd } from "@gridlease/sdk/pricing";

function fakeFetch(data: (field: string) => unknown) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    const body = JSON.parse(String(init?.body));
    calls.push(body);
    const field = /\{\s*(\w+)\(/.exec(body.query)![1]!;
    return new Response(
      JSON.stringify({
        data: {
          [field]: { items: data(field), pageInfo: { hasNextPage: false, endCursor: null } },
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  };
  return { client: createIndexerClient({ url: "http://indexer.test", fetch }), calls };
}

const PROVIDER = "0xAbCd000000000000000000000000000000000001";

/** A two-server lease that started at 1,000 for an hour; one server has been down since 1,600. */
const openLease: RawLease = {
  leaseId: "9",
  offer: { id: "1" },
  provider: { id: PROVIDER.toLowerCase() },
  buyer: { id: "0x02" },
  paymentToken: { id: "0x03" },
  gpuModel: "H100-SXM-80GB",
  region: "AU-QLD",
  units: "2",
  gpusPerUnit: "8",
  gpus: "16",
  pricePerGpuHour: "3600000",
  feeBps: "250",
  duration: "3600",
  initialDuration: "3600",
  status: "Active",
  endReason: "None",
  buyerPublicKey: "0x11",
  activationDeadline: "900",
  openedAt: "800",
  openedAtBlock: "3",
  startTime: "1000",
  endTime: "4900",
  closedAt: null,
  deposit: "57600000",
  topUps: "0",
  extensionCount: 0,
  accrued: "0",
  claimedGross: "0",
  paidToProvider: "0",
  fee: "0",
  refunded: "0",
  penalty: "0",
  encryptedAccess: "0xaa",
  accessPostedAt: "1000",
  accessRotatedAt: null,
  accessRotations: 0,
  outageOpen: true,
  downUnits: "1",
  outageSince: "1600",
  repairDeadline: "5200",
  lastResolvedAt: "1500",
  outageReports: 2,
  outageDowntime: "300",
  downUnitSeconds: "600",
  updatedAt: "1600",
  // A plain (not rolling) lease: its reserved-capacity fields at their defaults.
  rolling: false,
  term: "3600",
  fundedUntil: "4900",
  exitEscrow: "0",
  reservedPenalty: "0",
  exitCharge: "0",
  unitsReleased: "0",
  unitsFailed: "0",
  topUpPerTopUp: "0",
  topUpRemaining: "0",
  topUpThreshold: "0",
  topUpRevoked: false,
  topUpCount: 0,
};

describe("outage queries", () => {
  it("lists open outages of active leases, nearest repair deadline first, filtered by provider", async () => {
    const { client, calls } = fakeFetch(() => [openLease]);
    const rows = await listOpenOutages(client, { provider: PROVIDER });
    expect(calls[0]!.query).toContain('orderBy: "repairDeadline"');
    expect(calls[0]!.variables).toMatchObject({
      where: { provider: PROVIDER.toLowerCase(), outageOpen: true, status: "Active" },
      orderDirection: "asc",
    });
    expect(rows[0]).toMatchObject({
      leaseId: 9n,
      outageOpen: true,
      downUnits: 1n,
      outageSince: 1600n,
      repairDeadline: 5200n,
      lastResolvedAt: 1500n,
      outageReports: 2,
      outageDowntime: 300n,
      downUnitSeconds: 600n,
    });
  });

  it("lists one lease's outage events in chain order", async () => {
    const event = (block: string, type: string) => ({
      id: `${block}-0`,
      lease: { id: "9" },
      type,
      account: "0x02",
      txHash: "0x01",
      blockNumber: block,
      logIndex: 0,
      timestamp: "1600",
      amount: null,
      fee: null,
      refund: null,
      penalty: null,
      duration: type === "OutageResolved" ? "300" : null,
      startTime: null,
      endTime: null,
      endReason: null,
      downUnits: type === "OutageReported" ? "1" : null,
      evidenceHash: type === "OutageReported" ? "0x0101" : null,
      repairDeadline: type === "OutageReported" ? "5200" : null,
      reports: type === "OutageReported" ? 1 : null,
      downUnitSeconds: type === "OutageResolved" ? "600" : null,
      accessChanged: type === "OutageResolved" ? false : null,
    });
    const { client, calls } = fakeFetch(() => [
      event("12", "OutageResolved"),
      event("10", "OutageReported"),
    ]);
    const rows = await listOutageEvents(client, { leaseId: 9n });
    expect(calls[0]!.variables).toMatchObject({
      where: { lease: "9", type_starts_with: "Outage" },
    });
    expect(rows.map((r) => [r.type, r.blockNumber])).toEqual([
      ["OutageReported", 10n],
      ["OutageResolved", 12n],
    ]);
    expect(rows[0]).toMatchObject({ downUnits: 1n, repairDeadline: 5200n, reports: 1 });
    expect(rows[1]).toMatchObject({ duration: 300n, downUnitSeconds: 600n, accessChanged: false });
  });

  it("lists an account's outstanding credits", async () => {
    const { client, calls } = fakeFetch(() => [
      {
        id: "0x02:0x03",
        account: { id: "0x02" },
        token: "0x03",
        credited: "10",
        withdrawn: "4",
        balance: "6",
        updatedAt: "7",
      },
    ]);
    const rows = await listCredits(client, { account: "0x02", outstanding: true });
    expect(calls[0]!.variables).toMatchObject({ where: { account: "0x02", balance_gt: "0" } });
    expect(rows).toEqual([
      { account: "0x02", token: "0x03", credited: 10n, withdrawn: 4n, balance: 6n, updatedAt: 7n },
    ]);
  });
});

describe("a lease's outage record", () => {
  it("feeds the SDK's billing math: the moved end, the down unit-seconds and the accrual", () => {
    const lease = toLease(openLease);
    const record = leaseOutageRecord(lease);
    expect(record).toEqual({
      since: 1600n,
      deadline: 5200n,
      lastResolved: 1500n,
      downUnits: 1n,
      reports: 2n,
      extension: 300n,
      downUnitSeconds: 600n,
    });
    expect(leaseEnd(lease.startTime!, lease.duration, record)).toBe(lease.endTime);
    // At 2,000: 600 resolved + 400 open down unit-seconds; 2 × 1,000 served − 1,000 down = 1,000 billed.
    expect(downUnitSecondsAt(record, 2000n)).toBe(1000n);
    const terms = {
      pricePerGpuHour: lease.pricePerGpuHour,
      gpusPerUnit: lease.gpusPerUnit,
      units: lease.units,
      duration: lease.duration,
      feeBps: lease.feeBps,
      start: lease.startTime!,
    };
    expect(accruedAt(terms, 2000n, record)).toBe((1000n * 8n * 3_600_000n) / 3600n);
  });

  it("gives the time left to the repair deadline, none once past, and nothing without an open outage", () => {
    const lease = toLease(openLease);
    expect(repairTimeLeft(lease, 5000n)).toBe(200n);
    expect(repairTimeLeft(lease, 6000n)).toBe(0n);
    expect(repairTimeLeft({ ...lease, outageOpen: false }, 5000n)).toBeUndefined();
  });
});

describe("availabilityBps", () => {
  it("is delivered over delivered plus down, rounded down, and whole before anything", () => {
    expect(availabilityBps(0n, 0n)).toBe(10_000);
    expect(availabilityBps(9n, 1n)).toBe(9_000);
    expect(availabilityBps(2n, 1n)).toBe(6_666);
    expect(availabilityBps(0n, 5n)).toBe(0);
    expect(() => availabilityBps(-1n, 0n)).toThrow(RangeError);
  });
});
