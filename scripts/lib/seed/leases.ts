/**
 * The life of a seeded lease: the buyer is funded and opens it; the provider activates it (or never shows up, or
 * refuses it); later it is extended, its access rotated, reported down and repaired (./outages.ts), ended early by
 * either side or as an unrepaired outage, cancelled after a no-show, or run to its end and closed. Each step sends its transaction into the block being filled, updates the model
 * (./model.ts) to match, and queues the lease's next steps according to its fate.
 */
import { maxUint256, toHex, type Hex } from "viem";
import { gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { cost, elapsed, penalty as penaltyFor, stakePenalty } from "@gridlease/sdk/pricing";
import { HOUR, type TokenKey } from "./catalog.ts";
import {
  accrued as accruedAt,
  endOf,
  gpusOf,
  roundUp,
  units,
  type Buyer,
  type EndReasonName,
  type Fate,
  type LeaseState,
  type OfferState,
  type SeedState,
} from "./model.ts";
import { ensureFreeBond, scheduleBondTopUp } from "./providers.ts";
import { exitOpen, reportOutage, resolveOutage, slotsPastDeadline } from "./outages.ts";
import { SLOT, SLOTS_PER_DAY, SLOTS_PER_HOUR } from "./scheduler.ts";

const ERC20 = { usd: testUSDAbi, grid: gridleaseTokenAbi } as const;

/** Gives `buyer` enough of `token` (TestUSD is minted, GRID comes from the deployer) and the approval. */
export async function fund(s: SeedState, buyer: Buyer, token: TokenKey, needed: bigint) {
  if (buyer.balance[token] < needed) {
    const floor =
      token === "usd"
        ? units("usd", s.rng.pick([25_000, 50_000, 100_000, 250_000]), 0)
        : units("grid", 250_000, 0);
    const want = needed * 2n > floor ? needed * 2n : floor;
    const amount = roundUp(want - buyer.balance[token], units(token, 1000, 0));
    if (token === "usd")
      await s.chain.write({
        from: buyer.address,
        to: s.addresses.usd,
        abi: testUSDAbi,
        functionName: "mint",
        args: [buyer.address, amount],
        gas: 90_000n,
        label: "mint tUSD",
      });
    else {
      await s.chain.write({
        from: s.deployer,
        to: s.addresses.grid,
        abi: gridleaseTokenAbi,
        functionName: "transfer",
        args: [buyer.address, amount],
        gas: 80_000n,
        label: "transfer GRID to buyer",
      });
      s.deployerGrid -= amount;
    }
    buyer.balance[token] += amount;
  }
  if (!buyer.approved[token]) {
    await s.chain.write({
      from: buyer.address,
      to: s.tokenAddress(token),
      abi: ERC20[token],
      functionName: "approve",
      args: [s.addresses.market, maxUint256],
      gas: 80_000n,
      label: `approve ${token}`,
    });
    buyer.approved[token] = true;
  }
}

export async function openLease(
  s: SeedState,
  buyer: Buyer,
  offer: OfferState,
  unitCount: bigint,
  duration: bigint,
  fate: Fate,
) {
  const gpus = gpusOf(offer, unitCount);
  const deposit = cost(offer.price, gpus, duration);
  const penalty = stakePenalty(penaltyFor(offer.minBond, s.penaltyBps), deposit);
  await ensureFreeBond(s, offer.provider, offer.token, penalty, offer.minBond);
  await fund(s, buyer, offer.token, deposit);
  await s.market(
    buyer.address,
    "openLease",
    [offer.id, unitCount, duration, offer.price, buyer.key],
    260_000n,
  );
  const lease: LeaseState = {
    id: BigInt(s.leases.length + 1),
    offer,
    buyer,
    units: unitCount,
    gpus,
    price: offer.price,
    feeBps: s.feeBps,
    penalty,
    duration,
    openedAt: s.now,
    deadline: s.now + s.activationWindow,
    phase: "pending",
    activated: false,
    start: 0n,
    settled: 0n,
    fate,
  };
  s.leases.push(lease);
  offer.leases.push(lease);
  offer.provider.leases.push(lease);
  offer.unitsInUse += unitCount;
  offer.provider.locked[offer.token] += penalty;
  buyer.balance[offer.token] -= deposit;
  s.volume[offer.token].escrowed += deposit;

  const rng = s.rng;
  const activateIn = () => rng.int(1, Math.min(10, s.windowSlots - 2));
  switch (fate) {
    case "noShow":
      s.clock.at(s.clock.slot + s.windowSlots + rng.int(2, 48), () => cancel(s, lease));
      break;
    case "refuse":
      s.clock.at(s.clock.slot + rng.int(1, Math.min(6, s.windowSlots - 2)), () =>
        terminate(s, lease, "provider"),
      );
      break;
    case "pendingOpen":
    case "pendingStale":
      break;
    case "extendPending":
      s.clock.at(s.clock.slot + 1, () => extend(s, lease));
      s.clock.at(s.clock.slot + 1 + activateIn(), () => activate(s, lease));
      break;
    default:
      s.clock.at(s.clock.slot + activateIn(), () => activate(s, lease));
  }
}

/** Bytes standing for connection details sealed to the buyer's key (nonce, ephemeral key, ciphertext, tag). */
export function sealedAccess(s: SeedState): Hex {
  return toHex(s.rng.bytes(24 + 32 + s.rng.int(96, 160) + 16));
}

async function activate(s: SeedState, l: LeaseState) {
  if (l.phase !== "pending" || s.now > l.deadline) return;
  await s.market(
    l.offer.provider.address,
    "activateLease",
    [l.id, sealedAccess(s)],
    120_000n,
    "activateLease",
  );
  l.phase = "active";
  l.activated = true;
  l.start = s.now;

  const rng = s.rng;
  const durSlots = Number(l.duration / SLOT);
  const within = (lo: number, hi: number) =>
    s.clock.slot + Math.max(1, Math.floor(durSlots * rng.float(lo, hi)));
  const afterEnd = (maxHours: number) =>
    s.clock.slotOf(endOf(l)) + rng.int(2, maxHours * SLOTS_PER_HOUR);
  switch (l.fate) {
    case "buyerTerminate":
      s.clock.at(
        l.offer.reserved ? s.clock.slot + rng.int(2, 10) * SLOTS_PER_DAY : within(0.1, 0.9),
        () => terminate(s, l, "buyer"),
      );
      break;
    case "providerTerminate":
      s.clock.at(within(0.05, 0.8), () => terminate(s, l, "provider"));
      break;
    case "expireOpen":
      break;
    case "outageResolved": {
      // Servers go down; the buyer reports (and for a multi-server lease, raises the count a slot later); the
      // provider repairs within its window, then the lease runs to its later end and is closed.
      const at = within(0.2, 0.6);
      const repairSlots = Math.max(2, Number(l.offer.repairWindow / SLOT) - 1);
      const fixIn = rng.int(2, Math.min(repairSlots, 3 * SLOTS_PER_HOUR));
      s.clock.at(at, async () => {
        await reportOutage(s, l, 1n, `lease ${l.id}: server unreachable`);
      });
      if (l.units > 1n)
        s.clock.at(at + 1, async () => {
          await reportOutage(s, l, l.units, `lease ${l.id}: all servers down`);
        });
      s.clock.at(at + fixIn, () => resolveOutage(s, l));
      s.clock.at(afterEnd(48) + fixIn, () => close(s, l));
      break;
    }
    case "outageUnresolved":
      // A server dies for good: the buyer reports it, the provider never repairs, and the buyer ends the lease
      // soon after the repair deadline.
      s.clock.at(within(0.1, 0.3), async () => {
        if (await reportOutage(s, l, 1n, `lease ${l.id}: GPU fell off the bus`))
          s.clock.at(s.clock.slot + slotsPastDeadline(s, l) + rng.int(1, 12), () =>
            endUnresolved(s, l),
          );
      });
      break;
    case "runExtend":
      s.clock.at(within(0.3, 0.8), () => extend(s, l));
      s.clock.at(afterEnd(36), () => close(s, l));
      break;
    default:
      s.clock.at(afterEnd(48), () => close(s, l));
  }
  // Some providers rotate credentials during a lease.
  if (l.fate === "runExtend" || rng.chance(l.offer.reserved ? 0.5 : 0.18)) {
    s.clock.at(
      l.offer.reserved ? s.clock.slot + rng.int(1, 10) * SLOTS_PER_DAY : within(0.05, 0.7),
      () => rotate(s, l),
    );
  }
}

function isRunning(s: SeedState, l: LeaseState) {
  return l.phase === "active" && s.now < endOf(l);
}

async function rotate(s: SeedState, l: LeaseState) {
  if (!isRunning(s, l)) return;
  await s.market(
    l.offer.provider.address,
    "rotateAccess",
    [l.id, sealedAccess(s)],
    80_000n,
    "rotateAccess",
  );
  s.counts.rotations++;
}

async function extend(s: SeedState, l: LeaseState) {
  if (!(l.phase === "pending" || isRunning(s, l))) return;
  const rng = s.rng;
  let added =
    BigInt(Math.max(1, Math.round(Number(l.duration / HOUR) * rng.float(0.25, 1)))) * HOUR;
  if (l.duration + added > l.offer.maxDuration) added = l.offer.maxDuration - l.duration;
  if (added <= 0n) return;
  const topUp = cost(l.price, l.gpus, l.duration + added) - cost(l.price, l.gpus, l.duration);
  // Usually the buyer pays; sometimes a teammate's wallet does.
  const teammate = rng.chance(0.2)
    ? s.pickBuyer(
        (b) =>
          b !== l.buyer && (l.offer.token === "usd" || b.usesGrid) && b.approved[l.offer.token],
      )
    : undefined;
  const payer = teammate ?? l.buyer;
  await fund(s, payer, l.offer.token, topUp);
  await s.market(payer.address, "extendLease", [l.id, added], 120_000n);
  payer.balance[l.offer.token] -= topUp;
  l.duration += added;
  s.volume[l.offer.token].escrowed += topUp;
  s.counts.extensions++;
}

async function terminate(s: SeedState, l: LeaseState, by: "buyer" | "provider") {
  if (by === "buyer" ? !isRunning(s, l) : !(l.phase === "pending" || isRunning(s, l))) return;
  const caller = by === "buyer" ? l.buyer.address : l.offer.provider.address;
  await s.market(caller, "terminateLease", [l.id], 150_000n, `terminateLease by ${by}`);
  endEarly(s, l, by === "buyer" ? "BuyerTerminated" : "ProviderTerminated");
}

async function cancel(s: SeedState, l: LeaseState) {
  if (l.phase !== "pending" || s.now <= l.deadline) return;
  await s.market(l.buyer.address, "cancelLease", [l.id], 150_000n);
  endEarly(s, l, "NoShowCancelled");
}

/** The buyer ends a lease whose outage passed its repair deadline unrepaired: refund plus the bond penalty. */
async function endUnresolved(s: SeedState, l: LeaseState) {
  if (!exitOpen(s, l)) return;
  await s.market(l.buyer.address, "endUnresolvedOutage", [l.id], 150_000n);
  endEarly(s, l, "OutageUnresolved");
}

/** Mirrors the contract's `_endLease` for an early end: bills what was served (outage time excluded). */
function endEarly(s: SeedState, l: LeaseState, reason: EndReasonName) {
  const extension = l.outage?.extension ?? 0n;
  const served = l.phase === "active" ? elapsed(l.start, l.duration + extension, s.now) : 0n;
  const used = l.phase === "active" ? served - extension : 0n;
  const deposit = cost(l.price, l.gpus, l.duration);
  const accrued = accruedAt(l, s.now);
  const refund = deposit - accrued;
  const p = l.offer.provider;
  const token = l.offer.token;
  p.locked[token] -= l.penalty;
  if (reason !== "BuyerTerminated") {
    // Reserved out of the bond in the lease's token when the lease opened, so always there to pay.
    p.bond[token] -= l.penalty;
    l.buyer.balance[token] += l.penalty;
    scheduleBondTopUp(s, p, token);
  }
  if (l.phase === "pending") l.start = s.now;
  l.phase = "ended";
  l.reason = reason;
  l.duration = used;
  l.offer.unitsInUse -= l.units;
  l.buyer.balance[l.offer.token] += refund;
  s.volume[l.offer.token].refunded += refund;
}

async function close(s: SeedState, l: LeaseState) {
  if (l.phase !== "active") return;
  if (s.now < endOf(l)) {
    // Extended since: close after the new end.
    s.clock.at(s.clock.slotOf(endOf(l)) + s.rng.int(2, 24 * SLOTS_PER_HOUR), () => close(s, l));
    return;
  }
  const caller = s.rng.chance(0.6) ? l.offer.provider.address : l.buyer.address;
  await s.market(caller, "closeLease", [l.id], 90_000n);
  l.phase = "ended";
  l.reason = "Expired";
  l.offer.unitsInUse -= l.units;
  l.offer.provider.locked[l.offer.token] -= l.penalty;
}
