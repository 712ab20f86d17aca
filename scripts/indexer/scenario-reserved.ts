/**
 * The parity scenario's reserved-capacity steps (issue #12), run inside its `batched` section after the rest: a
 * reserved offer with an exit fee and one with billed notice; a rolling lease kept funded by an allowance that a
 * keeper and the provider execute, that releases one server and loses another, is topped up by hand, has its
 * allowance revoked and is ended Unfunded (its escrowed exit fee charged); a rolling lease left early with a fee;
 * and a rolling lease under notice left running.
 */
import { maxUint256, type Address, type Hex } from "viem";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { DAY, HOUR, type ScenarioContext } from "./scenario-context.ts";
import { USD } from "../lib/fixture.ts";

/** Who acts in the reserved steps. */
export interface ReservedActors {
  provider: Address;
  provider2: Address;
  buyer: Address;
  buyer2: Address;
  other: Address;
}

/** The reserved steps' offers and leases by role. */
export interface ReservedResult {
  offers: { exitFee: bigint; notice: bigint };
  leases: { rolling: bigint; earlyExit: bigint; notice: bigint };
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;
const GRACE_PERIOD = 3n * DAY;

/**
 * Runs the reserved steps. `ids` holds the next offer and lease ids (advanced here); the clock goes on from where
 * the scenario left it.
 */
export async function reservedSteps(
  ctx: ScenarioContext,
  addresses: { market: Address; usd: Address; grid: Address },
  who: ReservedActors,
  ids: { nextOfferId: bigint; nextLeaseId: bigint },
): Promise<ReservedResult> {
  const { market } = ctx.contracts(addresses);
  const key = `0x${"cd".repeat(32)}` as Hex;
  const access = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(48)}` as Hex;
  const params = (model: string, region: string, price: bigint, units: bigint, min: bigint) => ({
    gpuModel: encodeGpuModel(model),
    gpusPerUnit: 8n,
    totalUnits: units,
    region: encodeRegion(region),
    paymentToken: addresses.usd,
    pricePerGpuHour: price,
    minDuration: min,
    maxDuration: 30n * DAY,
    repairWindow: 2n * HOUR,
    minProviderBond: USD("1000"),
    buyerPolicy: ZERO_ADDRESS,
    specHash: `0x${"77".repeat(32)}` as Hex,
    specURI: `ipfs://spec/${model.toLowerCase()}-reserved`,
  });

  // A one-day prepaid window and a three-day commitment with a 20% exit fee; and a one-day window with a two-day
  // commitment under twelve hours of billed notice.
  const exitFee = ids.nextOfferId++;
  await market(who.provider, "createReservedOffer", [
    params("B200-192GB", "JP-27", USD("4.8"), 8n, 3n * DAY),
    { prepaidWindow: DAY, commitment: 3n * DAY, noticePeriod: 0n, exitFeeBps: 2_000n },
  ]);
  const notice = ids.nextOfferId++;
  await market(who.provider2, "createReservedOffer", [
    params("H200-141GB", "SG", USD("3.1"), 4n, 2n * DAY),
    { prepaidWindow: DAY, commitment: 2n * DAY, noticePeriod: 12n * HOUR, exitFeeBps: 0n },
  ]);

  // The rolling lease: four servers for ten days, one day funded; an allowance of 5,000 tUSD a top-up, 20,000 in
  // all, whenever less than twelve hours are funded.
  const rolling = ids.nextLeaseId++;
  await market(who.buyer, "openRollingLease", [exitFee, 4n, 10n * DAY, DAY, maxUint256, key]);
  await market(who.provider, "activateLease", [rolling, access(21)]);
  const start = ctx.now();
  await market(who.buyer, "setTopUpAllowance", [rolling, USD("5000"), USD("20000"), 12n * HOUR]);
  // Early exit: two servers for the same term, left after two hours (the fee on what is left of the commitment).
  const earlyExit = ids.nextLeaseId++;
  await market(who.buyer2, "openRollingLease", [exitFee, 2n, 10n * DAY, DAY, maxUint256, key]);
  await market(who.provider, "activateLease", [earlyExit, access(22)]);
  // Under notice: fully funded for its two-day term, left running.
  const underNotice = ids.nextLeaseId++;
  await market(who.buyer2, "openRollingLease", [notice, 2n, 2n * DAY, 2n * DAY, maxUint256, key]);
  await market(who.provider2, "activateLease", [underNotice, access(23)]);
  ctx.advanceTo(start + 2n * HOUR);
  await market(who.buyer2, "terminateLease", [earlyExit]);

  // Eleven hours of runway left: a keeper adds twelve; a day later the provider's agent adds twelve more.
  ctx.advanceTo(start + 13n * HOUR);
  await market(who.other, "executeTopUp", [rolling, 12n * HOUR]);
  ctx.advanceTo(start + 25n * HOUR);
  await market(who.provider, "executeTopUp", [rolling, 12n * HOUR]);
  // Inside the commitment: the buyer releases a server (charged), the provider fails one (penalty share paid).
  await market(who.buyer, "releaseServers", [rolling, 1n]);
  await market(who.provider, "failServers", [rolling, 1n]);
  // A manual top-up of six hours, then the allowance is revoked: funded to start + 54 hours.
  await market(who.buyer, "extendLease", [rolling, 6n * HOUR]);
  await market(who.buyer, "revokeTopUpAllowance", [rolling]);
  // The funding lapses before the commitment's end: after the grace period the provider ends it Unfunded and the
  // escrowed exit fee is charged.
  ctx.advanceTo(start + 54n * HOUR + GRACE_PERIOD + 60n);
  await market(who.provider, "endUnfunded", [rolling]);

  return {
    offers: { exitFee, notice },
    leases: { rolling, earlyExit, notice: underNotice },
  };
}
