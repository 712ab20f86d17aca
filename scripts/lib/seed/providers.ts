/**
 * What the seeded providers and the treasury do: join (fund, register, bond, allowlist, list offers), change
 * prices, units and pauses, top their bond up after a penalty, claim their earnings, and sweep protocol fees.
 * Each step sends its transaction into the block being filled and updates the model (./model.ts) to match.
 */
import { keccak256, maxUint256, toBytes, zeroAddress, type Address } from "viem";
import { allowlistPolicyAbi, gridleaseTokenAbi, testUSDAbi } from "@gridlease/sdk/abis";
import { encodeGpuModel, encodeRegion } from "@gridlease/sdk/labels";
import { feeOn, type ReservedTerms } from "@gridlease/sdk/pricing";
import {
  DAY,
  GRID_USD,
  HOUR,
  dataUri,
  offerSpec,
  providerMetadata,
  type OfferTemplate,
  type TokenKey,
} from "./catalog.ts";
import { GPUS } from "./gpus.ts";
import {
  accrued,
  endOf,
  roundUp,
  units,
  type OfferState,
  type ProviderState,
  type SeedState,
} from "./model.ts";
import { SLOTS_PER_HOUR } from "./scheduler.ts";

/** The seed's bond amounts are set in GRID; a bond or minimum in TestUSD is the same value at GRID_USD. */
export const bondIn = (token: TokenKey, grid: number) =>
  token === "grid" ? units("grid", grid, 0) : units("usd", grid * GRID_USD, 0);

/** The payment tokens a provider's listings sell in: it bonds in each of them. */
const tokensOf = (p: ProviderState) => [...new Set(p.tpl.offers.map((o) => o.token))];

/** The provider joins: funds, registers, bonds in each token it sells in, and lists its offers (unless `list` is false). */
export async function join(s: SeedState, p: ProviderState, list = true) {
  const { tpl } = p;
  for (const token of tokensOf(p)) p.targetBond[token] = bondIn(token, tpl.bondGrid);
  // GRID for gas-free bookkeeping of the GRID bond, with some to spare for top-ups after penalties.
  const fund = p.targetBond.grid + p.targetBond.grid / 2n;
  if (fund > 0n) {
    await s.chain.write({
      from: s.deployer,
      to: s.addresses.grid,
      abi: gridleaseTokenAbi,
      functionName: "transfer",
      args: [p.address, fund],
      gas: 80_000n,
      label: "transfer GRID to provider",
    });
    s.deployerGrid -= fund;
    p.grid += fund;
  }
  await s.market(p.address, "registerProvider", [providerMetadata(tpl)], 150_000n);
  p.registered = true;
  for (const token of tokensOf(p)) await depositBond(s, p, token, p.targetBond[token]);

  if (tpl.offers.some((o) => o.allowlist)) {
    // The vetted provider allows a handful of buyers, among them some of the busiest.
    const chosen = s.rng
      .shuffle(
        s.buyers
          .slice()
          .sort((a, b) => b.weight - a.weight)
          .slice(0, 16),
      )
      .slice(0, 8);
    await setAllowlist(
      s,
      p,
      chosen.map((b) => b.address),
      true,
    );
  }
  if (list) for (const offerTpl of tpl.offers) await createOffer(s, p, offerTpl);
}

/**
 * Bonds `amount` of `token`: GRID comes from the deployer, TestUSD is minted; the market is approved once per
 * token.
 */
export async function depositBond(s: SeedState, p: ProviderState, token: TokenKey, amount: bigint) {
  if (token === "grid" && p.grid < amount) {
    const top = roundUp(amount - p.grid, units("grid", 1000, 0));
    await s.chain.write({
      from: s.deployer,
      to: s.addresses.grid,
      abi: gridleaseTokenAbi,
      functionName: "transfer",
      args: [p.address, top],
      gas: 80_000n,
      label: "transfer GRID to provider",
    });
    s.deployerGrid -= top;
    p.grid += top;
  }
  if (token === "usd")
    await s.chain.write({
      from: p.address,
      to: s.addresses.usd,
      abi: testUSDAbi,
      functionName: "mint",
      args: [p.address, amount],
      gas: 90_000n,
      label: "mint tUSD for bond",
    });
  if (!p.approved[token]) {
    await s.chain.write({
      from: p.address,
      to: s.tokenAddress(token),
      abi: token === "usd" ? testUSDAbi : gridleaseTokenAbi,
      functionName: "approve",
      args: [s.addresses.market, maxUint256],
      gas: 80_000n,
      label: "approve bond",
    });
    p.approved[token] = true;
  }
  await s.market(p.address, "depositBond", [s.tokenAddress(token), amount], 120_000n);
  if (token === "grid") p.grid -= amount;
  p.bond[token] += amount;
}

/**
 * Makes room in the provider's bond for a lease that reserves `penalty` in `token` (a big lease reserves a share
 * of its deposit): a provider taking a large deal bonds more first, as the market requires.
 */
export async function ensureFreeBond(
  s: SeedState,
  p: ProviderState,
  token: TokenKey,
  penalty: bigint,
  minBond: bigint,
) {
  const free = p.bond[token] - p.locked[token];
  let need = free < penalty ? penalty - free : 0n;
  if (p.bond[token] + need < minBond) need = minBond - p.bond[token];
  if (need === 0n) return;
  // With its usual headroom on top, so that the next buyer (one renting in the app, say) is not refused with
  // Market_BondCommitted because a big lease took every free unit of the bond.
  const amount = roundUp(need + p.targetBond[token], units(token, 1000, 0));
  await depositBond(s, p, token, amount);
  if (p.targetBond[token] < p.bond[token]) p.targetBond[token] = p.bond[token];
}

/** Allows (or disallows) `buyers` on the provider's AllowlistPolicy list. */
export async function setAllowlist(
  s: SeedState,
  p: ProviderState,
  buyers: Address[],
  allowed: boolean,
) {
  await s.chain.write({
    from: p.address,
    to: s.addresses.policy,
    abi: allowlistPolicyAbi,
    functionName: "setAllowed",
    args: [buyers, allowed],
    gas: 60_000n + 35_000n * BigInt(buyers.length),
  });
  for (const b of buyers) {
    if (allowed) p.allowlist.add(b);
    else p.allowlist.delete(b);
  }
}

export async function allow(s: SeedState, p: ProviderState, count: number, allowed: boolean) {
  const pool = s.buyers.filter((b) => p.allowlist.has(b.address) !== allowed);
  await setAllowlist(
    s,
    p,
    s.rng
      .shuffle(pool)
      .slice(0, count)
      .map((b) => b.address),
    allowed,
  );
}

export async function updateMetadata(
  s: SeedState,
  p: ProviderState,
  extra: Record<string, unknown>,
) {
  await s.market(p.address, "updateProvider", [providerMetadata(p.tpl, extra)], 150_000n);
}

/** What a scripted offer sets itself instead of the template's random draw (./trust.ts). */
export interface OfferOverrides {
  /** Exact price per GPU-hour in base units. */
  price?: bigint;
  minBond?: bigint;
  /** A buyer policy other than the AllowlistPolicy, with the buyers the model lets lease (./model.ts `eligible`). */
  policy?: { address: Address; admits: Set<Address> };
  /** Reserved terms: the offer is listed with `createReservedOffer` (./deals.ts). */
  terms?: ReservedTerms;
  /** Leased only by a scripted deal (./deals.ts), never by the random buyers. */
  scripted?: boolean;
  /** GPUs per server of a PCIe box (HGX servers always have 8), instead of a random build. */
  gpusPerUnit?: number;
}

/** Lists an offer from a template (with any overrides) and adds it to the model. */
export async function createOffer(
  s: SeedState,
  p: ProviderState,
  tpl: OfferTemplate,
  overrides: OfferOverrides = {},
): Promise<OfferState> {
  const rng = s.rng;
  const gpu = GPUS[tpl.gpu];
  const hgx = gpu.gpusPerUnit[0] === 8;
  const gpusPerUnit = hgx ? 8 : (overrides.gpusPerUnit ?? rng.pick(gpu.gpusPerUnit));
  const reserved = tpl.kind === "reserved";

  let usd = tpl.bulk
    ? rng.float(gpu.usd[0] - 0.04, Math.min(gpu.usd[1], 1.99))
    : rng.float(gpu.usd[0], gpu.usd[1]);
  if (reserved) {
    // A discount on the provider's own on-demand price for the same GPU, deeper for longer commitments.
    const onDemand = p.offers.find((o) => o.gpuModel === tpl.gpu && !o.reserved);
    if (onDemand) usd = onDemand.usdPrice;
    const minDays = tpl.minDays ?? 30;
    usd *=
      minDays >= 365
        ? rng.float(0.62, 0.7)
        : minDays >= 180
          ? rng.float(0.68, 0.76)
          : minDays >= 90
            ? rng.float(0.74, 0.82)
            : rng.float(0.84, 0.9);
  }
  if (overrides.price !== undefined)
    usd = Number(overrides.price) / (tpl.token === "usd" ? 1e6 : 1e18 / GRID_USD);
  const price =
    overrides.price ?? (tpl.token === "usd" ? units("usd", usd) : units("grid", usd / GRID_USD));

  const minDuration = reserved
    ? BigInt(tpl.minDays ?? 30) * DAY
    : BigInt(hgx ? rng.pick([1, 1, 2, 4]) : 1) * HOUR;
  const maxDuration = reserved
    ? BigInt(tpl.maxDays ?? 1096) * DAY
    : BigInt(tpl.maxDays ?? rng.pick([7, 14, 14, 30])) * DAY;
  const bondBase = hgx ? p.tpl.minBondGrid : Math.min(p.tpl.minBondGrid, 2_000);
  // The minimum bond is in the offer's own token (a USD offer needs a USD bond).
  const minBond = overrides.minBond ?? bondIn(tpl.token, reserved ? bondBase * 1.5 : bondBase);

  const spec = offerSpec(rng, p.tpl, tpl, gpusPerUnit);
  const repairWindow = repairWindowFor(gpusPerUnit * tpl.units);
  const params = {
    gpuModel: encodeGpuModel(tpl.gpu),
    gpusPerUnit: BigInt(gpusPerUnit),
    totalUnits: BigInt(tpl.units),
    region: encodeRegion(p.tpl.region),
    paymentToken: s.tokenAddress(tpl.token),
    pricePerGpuHour: price,
    minDuration,
    maxDuration,
    // Big clusters get days to repair a server, a single card an hour (the market allows 15 minutes to 7 days).
    repairWindow,
    minProviderBond: minBond,
    buyerPolicy: overrides.policy?.address ?? (tpl.allowlist ? s.addresses.policy : zeroAddress),
    specHash: keccak256(toBytes(spec)),
    specURI: dataUri(spec),
  };
  const gas = 350_000n + 60n * BigInt(params.specURI.length);
  if (overrides.terms)
    await s.market(p.address, "createReservedOffer", [params, overrides.terms], gas + 60_000n);
  else await s.market(p.address, "createOffer", [params], gas);
  const offer: OfferState = {
    id: BigInt(s.offers.length + 1),
    tpl,
    provider: p,
    token: tpl.token,
    gpuModel: tpl.gpu,
    gpusPerUnit: BigInt(gpusPerUnit),
    totalUnits: BigInt(tpl.units),
    unitsInUse: 0n,
    price,
    minDuration,
    maxDuration,
    minBond,
    repairWindow,
    ...(overrides.terms ? { terms: overrides.terms } : {}),
    ...(overrides.scripted ? { scripted: true } : {}),
    allowlist: !!tpl.allowlist,
    paused: false,
    reserved,
    leases: [],
    priceChanges: [],
    usdPrice: usd,
    admits: overrides.policy?.admits,
  };
  s.offers.push(offer);
  p.offers.push(offer);
  return offer;
}

export async function changePrice(s: SeedState, offer: OfferState, factor: number) {
  const step = offer.token === "usd" ? 10_000n : 10n ** 16n; // a cent, or 0.01 GRID
  const next = (BigInt(Math.round(Number(offer.price / step) * factor)) || 1n) * step;
  if (next === offer.price) return;
  await s.market(offer.provider.address, "setOfferPrice", [offer.id, next], 60_000n);
  offer.price = next;
  offer.priceChanges.push(s.now);
  s.counts.priceChanges++;
}

export async function setPaused(s: SeedState, offer: OfferState, paused: boolean) {
  if (offer.paused === paused) return;
  await s.market(offer.provider.address, "setOfferPaused", [offer.id, paused], 60_000n);
  offer.paused = paused;
}

export async function changeUnits(s: SeedState, offer: OfferState, delta: bigint) {
  let next = offer.totalUnits + delta;
  if (next < offer.unitsInUse) next = offer.unitsInUse;
  if (next < 1n) next = 1n;
  if (next === offer.totalUnits) return;
  await s.market(offer.provider.address, "setOfferUnits", [offer.id, next], 60_000n);
  offer.totalUnits = next;
  s.counts.unitsChanges++;
}

/** Tops the provider's bond in `token` back up a few hours after a penalty paid from it. */
export function scheduleBondTopUp(s: SeedState, p: ProviderState, token: TokenKey) {
  if (p.topUpScheduled[token] || p.bond[token] >= p.targetBond[token]) return;
  p.topUpScheduled[token] = true;
  s.clock.at(s.clock.slot + s.rng.int(2, 24) * SLOTS_PER_HOUR, async () => {
    p.topUpScheduled[token] = false;
    if (p.bond[token] < p.targetBond[token])
      await depositBond(s, p, token, p.targetBond[token] - p.bond[token]);
  });
}

/** Claims everything accrued on the provider's leases, then schedules the next run. */
export async function claimRun(s: SeedState, p: ProviderState) {
  const due = p.leases.filter((l) => l.phase !== "pending" && accrued(l, s.now) > l.settled);
  for (let i = 0; i < due.length; i += 100) {
    const batch = due.slice(i, i + 100);
    await s.market(
      p.address,
      "claim",
      [batch.map((l) => l.id)],
      80_000n + 30_000n * BigInt(batch.length),
      `claim ${batch.length}`,
    );
    s.counts.claimTxs++;
    const now = s.now; // the claim's block time
    for (const l of batch) {
      const acc = accrued(l, now);
      const gross = acc - l.settled;
      const fee = feeOn(acc, l.feeBps) - feeOn(l.settled, l.feeBps);
      s.protocolFees[l.offer.token] += fee;
      s.volume[l.offer.token].claimed += gross;
      if (l.offer.token === "grid") p.grid += gross - fee;
      l.settled = acc;
      if (l.phase === "active" && now < endOf(l)) s.counts.partialClaims++;
      else s.counts.fullClaims++;
    }
  }
  // A small provider with nothing running takes part of its bond back.
  if (
    p.tpl.name === "Mission District GPU Rigs" &&
    s.clock.slot > s.clock.day(11) &&
    p.bond.grid >= p.targetBond.grid &&
    p.offers.every((o) => o.unitsInUse === 0n)
  ) {
    const amount = p.bond.grid / 4n;
    await s.market(p.address, "withdrawBond", [s.addresses.grid, amount], 120_000n);
    p.bond.grid -= amount;
    p.grid += amount;
    p.targetBond.grid = p.bond.grid;
  }
  s.clock.at(s.clock.slot + s.rng.int(30, 80) * SLOTS_PER_HOUR, () => claimRun(s, p));
}

export async function withdrawFees(s: SeedState) {
  for (const token of ["usd", "grid"] as const) {
    const amount = s.protocolFees[token];
    if (amount === 0n) continue;
    await s.market(
      s.deployer,
      "withdrawFees",
      [s.tokenAddress(token)],
      100_000n,
      `withdrawFees ${token}`,
    );
    s.volume[token].feesWithdrawn += amount;
    s.protocolFees[token] = 0n;
    s.counts.feeWithdrawals++;
  }
}

/** The repair window a seeded offer sets: longer for bigger clusters. */
function repairWindowFor(gpus: number): bigint {
  const hour = 3600n;
  if (gpus >= 512) return 48n * hour;
  if (gpus >= 64) return 8n * hour;
  if (gpus >= 8) return 4n * hour;
  return hour;
}
