/** `leaseNotifications` (sdk/src/notifications.ts): which notifications hold for a lease at a time, and their keys. */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUNWAY_LOW,
  leaseNotifications,
  type NotifiableLease,
  type NotifiableTerms,
} from "@gridlease/sdk/notifications";
import { GRACE_PERIOD } from "@gridlease/sdk/pricing";

const DAY = 86_400n;
const T0 = 1_800_000_000n;
const USDC = { symbol: "USDC", decimals: 6 };

const active: NotifiableLease = {
  leaseId: 7n,
  status: 2,
  start: T0,
  end: T0 + 90n * DAY,
  activationDeadline: 0n,
  downUnits: 0n,
  repairDeadline: 0n,
};
const rolling = (fundedUntil: bigint): NotifiableTerms => ({
  rolling: true,
  fundedUntil,
  graceEnds: fundedUntil + GRACE_PERIOD,
});
const kinds = (n: { kind: string }[]) => n.map((x) => x.kind);

describe("leaseNotifications", () => {
  it("says nothing about a healthy running lease", () => {
    expect(leaseNotifications(active, rolling(T0 + 30n * DAY), undefined, T0 + DAY)).toEqual([]);
    expect(leaseNotifications(active, undefined, undefined, T0 + DAY)).toEqual([]);
  });

  it("warns of a low runway below the allowance's threshold (else three days), then of the grace period", () => {
    const funded = T0 + 30n * DAY;
    const allowance = { perTopUp: 10n ** 9n, remaining: 5n * 10n ** 9n, runwayThreshold: 2n * DAY };
    expect(leaseNotifications(active, rolling(funded), allowance, funded - 2n * DAY)).toEqual([]);
    const low = leaseNotifications(active, rolling(funded), allowance, funded - DAY, {
      token: USDC,
    });
    expect(low).toEqual([
      expect.objectContaining({
        kind: "runway-low",
        key: `runway-low:7:${funded}`,
        severity: "warning",
        at: funded,
      }),
    ]);
    expect(low[0]!.message).toMatch(/\$5,000.00 left/);
    // Without an allowance, the default threshold.
    expect(
      kinds(leaseNotifications(active, rolling(funded), undefined, funded - DEFAULT_RUNWAY_LOW)),
    ).toEqual([]);
    expect(
      kinds(
        leaseNotifications(active, rolling(funded), undefined, funded - DEFAULT_RUNWAY_LOW + 1n),
      ),
    ).toEqual(["runway-low"]);

    const grace = leaseNotifications(active, rolling(funded), allowance, funded + 1n);
    expect(grace).toEqual([
      expect.objectContaining({ kind: "grace-started", at: funded + GRACE_PERIOD }),
    ]);
    expect(grace[0]!.message).toMatch(/top it up before/);
    const over = leaseNotifications(active, rolling(funded), allowance, funded + GRACE_PERIOD + 1n);
    expect(over[0]!.message).toMatch(/may end it as unfunded now/);
    // A rolling lease funded to its end has no runway to run out of.
    expect(
      leaseNotifications(active, rolling(active.end), undefined, active.end - DAY + 1n).map(
        (n) => n.kind,
      ),
    ).toEqual(["ending-soon"]);
  });

  it("reports a due or missed activation, an open outage and a near end", () => {
    const pending = { ...active, status: 1, start: 0n, end: 0n, activationDeadline: T0 + 3600n };
    expect(leaseNotifications(pending, undefined, undefined, T0)[0]).toMatchObject({
      kind: "activation-due",
      key: `activation-due:7:${T0 + 3600n}`,
    });
    expect(leaseNotifications(pending, undefined, undefined, T0 + 3601n)[0]!.message).toMatch(
      /may cancel/,
    );

    const down = { ...active, downUnits: 2n, repairDeadline: T0 + DAY + 4n * 3600n };
    expect(leaseNotifications(down, undefined, undefined, T0 + DAY)).toEqual([
      expect.objectContaining({ kind: "outage-open", at: down.repairDeadline }),
    ]);
    expect(kinds(leaseNotifications(down, undefined, undefined, down.end - 10n))).toEqual([
      "outage-open",
      "ending-soon",
    ]);
    // Nothing once the lease has ended or run its term.
    expect(leaseNotifications({ ...down, status: 4 }, undefined, undefined, T0 + DAY)).toEqual([]);
    expect(leaseNotifications(down, undefined, undefined, down.end)).toEqual([]);
  });

  it("reports the given lease's executed top-ups, one key per top-up", () => {
    const topUp = {
      leaseId: 7n,
      executor: "0x00000000000000000000000000000000000000aa" as const,
      addedDuration: DAY,
      amount: 374_400_000n,
      fundedUntil: T0 + 31n * DAY,
      remaining: 1_000_000_000n,
    };
    const out = leaseNotifications(active, rolling(T0 + 31n * DAY), undefined, T0 + DAY, {
      token: USDC,
      topUps: [topUp, { ...topUp, leaseId: 8n }],
    });
    expect(out).toEqual([
      expect.objectContaining({
        kind: "top-up-executed",
        key: `top-up-executed:7:${T0 + 31n * DAY}`,
      }),
    ]);
    expect(out[0]!.message).toMatch(/for \$374.40 /);
  });
});
