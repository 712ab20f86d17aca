/**
 * The story of the seeded market: when providers join, when buyers open leases (at random, busier in APAC
 * business hours, plus scripted leases so every part of the lifecycle shows up whatever the seed), which offers
 * buyers pick, and the providers' price moves, pauses, capacity changes, allowlist and metadata updates.
 */
import type { GpuModelCode } from "@gridlease/sdk/labels";
import { DAY, HOUR } from "./catalog.ts";
import { GPUS } from "./gpus.ts";
import { openLease } from "./leases.ts";
import { HISTORY_DAYS, eligible, type Fate, type OfferState, type SeedState } from "./model.ts";
import {
  allow,
  changePrice,
  changeUnits,
  claimRun,
  join,
  setPaused,
  updateMetadata,
  withdrawFees,
} from "./providers.ts";
import { SLOTS_PER_DAY, SLOTS_PER_HOUR } from "./scheduler.ts";

/** Schedules everything that is planned up front; leases then schedule their own follow-ups. */
export function plan(s: SeedState) {
  const rng = s.rng;
  const byName = (name: string) => {
    const p = s.providers.find((x) => x.tpl.name === name);
    if (!p) throw new Error(`no provider ${name}`);
    return p;
  };
  const offerOf =
    (name: string, gpu: GpuModelCode, kind: "on-demand" | "reserved" = "on-demand") =>
    () => {
      const o = byName(name).offers.find((x) => x.gpuModel === gpu && x.tpl.kind === kind);
      if (!o) throw new Error(`no ${kind} ${gpu} offer of ${name}`);
      return o;
    };

  // Providers join: most on day 0, a few later.
  for (const p of s.providers) {
    const slot = p.tpl.joinDay === 0 ? 0 : s.clock.day(p.tpl.joinDay) + rng.int(0, 36);
    s.clock.at(slot, () => join(s, p));
    // Each provider claims its earnings every day or few.
    s.clock.at(slot + rng.int(20, 60) * SLOTS_PER_HOUR, () => claimRun(s, p));
  }

  // Buyers' leases over the whole history, busier in APAC business hours (UTC 00-10).
  const leaseCount = rng.int(158, 172);
  const hourWeights = Array.from(
    { length: 24 },
    (_, h) => [h, h < 10 ? 1.6 : h >= 14 ? 1 : 0.6] as const,
  );
  for (let i = 0; i < leaseCount; i++) {
    let slot = -1;
    while (slot < SLOTS_PER_HOUR || slot > s.clock.endSlot - 3 * SLOTS_PER_HOUR)
      slot = s.clock.day(rng.int(0, HISTORY_DAYS - 1), rng.weighted(hourWeights), rng.int(0, 11));
    s.clock.at(slot, () => openRandom(s));
  }

  // Leases that make sure every part of the lifecycle shows up, whatever the seed.
  const odUsd = (o: OfferState) => !o.reserved && !o.allowlist && o.token === "usd";
  const script: [number, Fate, (o: OfferState) => boolean, bigint][] = [
    [s.clock.day(1, 2), "run", odUsd, 8n * HOUR],
    [s.clock.day(2, 1), "runExtend", odUsd, 24n * HOUR],
    [
      s.clock.day(2, 5),
      "noShow",
      (o) => o.provider.tpl.name === "Mission District GPU Rigs",
      12n * HOUR,
    ],
    [
      s.clock.day(3, 20),
      "refuse",
      (o) => o.provider.tpl.name === "Kanto Research Cloud",
      48n * HOUR,
    ],
    [
      s.clock.day(4, 3),
      "providerTerminate",
      (o) => o.provider.tpl.name === "Petaling Render Farm",
      24n * HOUR,
    ],
    [
      s.clock.day(5, 2),
      "buyerTerminate",
      (o) => odUsd(o) && o.gpuModel === "B200-192GB",
      24n * HOUR,
    ],
    [s.clock.day(6, 4), "extendPending", odUsd, 12n * HOUR],
    // Outages: repaired in time (one on a two-server lease, raised to both), and one never repaired.
    [s.clock.day(3, 8), "outageResolved", (o) => odUsd(o) && o.gpusPerUnit < 8n, 24n * HOUR],
    [s.clock.day(7, 5), "outageResolved", (o) => odUsd(o) && o.gpusPerUnit === 8n, 24n * HOUR],
    [s.clock.day(9, 14), "outageResolved", odUsd, 12n * HOUR],
    [
      s.clock.day(10, 3),
      "outageUnresolved",
      (o) => odUsd(o) && o.repairWindow <= 8n * HOUR,
      48n * HOUR,
    ],
    [s.clock.day(12, 9), "run", odUsd, 7n * 24n * HOUR], // still active at the end
    [s.clock.day(13, 0), "expireOpen", odUsd, 12n * HOUR],
    [s.clock.day(13, 2), "expireOpen", odUsd, 18n * HOUR],
    [s.clock.day(13, 4), "expireOpen", odUsd, 24n * HOUR],
    [s.clock.endSlot - 250, "pendingStale", odUsd, 24n * HOUR],
    [s.clock.endSlot - 150, "pendingStale", odUsd, 6n * HOUR],
    [s.clock.endSlot - 60, "pendingStale", odUsd, 48n * HOUR],
    [s.clock.endSlot - 8, "pendingOpen", odUsd, 4n * HOUR],
    [s.clock.endSlot - 4, "pendingOpen", odUsd, 12n * HOUR],
    [s.clock.endSlot, "pendingOpen", odUsd, 72n * HOUR],
  ];
  for (const [slot, fate, filter, duration] of script) {
    s.clock.at(slot, () => openScripted(s, fate, filter, duration));
  }

  // Price moves: a bulk H100 price cut, a B300 rise on demand, an H200 cut. A lease before and after each.
  const moves: [() => OfferState, number, number][] = [
    [offerOf("Southern Cross Compute", "H100-SXM-80GB"), s.clock.day(5, 10), 0.93],
    [offerOf("Johor Hyperscale AI", "B300-288GB"), s.clock.day(8, 3), 1.06],
    [offerOf("Lion City Compute", "H200-141GB"), s.clock.day(10, 6), 0.95],
  ];
  for (const [offer, slot, factor] of moves) {
    s.clock.at(s.clock.day(1, 4) + rng.int(0, 2 * SLOTS_PER_DAY), () =>
      openScripted(s, "run", (o) => o === offer(), 12n * HOUR),
    );
    s.clock.at(slot, () => changePrice(s, offer(), factor));
    s.clock.at(slot + rng.int(6, 36), () =>
      openScripted(s, "run", (o) => o === offer(), 24n * HOUR),
    );
  }

  // An offer paused for maintenance and resumed; another paused for good.
  const hbH100 = offerOf("Harbour Bridge GPU Cloud", "H100-SXM-80GB");
  s.clock.at(s.clock.day(3, 6), () => setPaused(s, hbH100(), true));
  s.clock.at(s.clock.day(4, 18), () => setPaused(s, hbH100(), false));
  const gsB300 = offerOf("Golden State GPU", "B300-288GB");
  s.clock.at(s.clock.day(11, 2), () => setPaused(s, gsB300(), true));

  // Capacity changes: more B200 servers in Johor, a hobbyist adds a box, fewer H200 in Brisbane.
  s.clock.at(s.clock.day(7, 1), () =>
    changeUnits(s, offerOf("Johor Hyperscale AI", "B200-192GB")(), 32n),
  );
  s.clock.at(s.clock.day(6, 15), () =>
    changeUnits(s, offerOf("Mission District GPU Rigs", "RTX4090-24GB")(), 2n),
  );
  s.clock.at(s.clock.day(12, 3), () =>
    changeUnits(s, offerOf("Southern Cross Compute", "H200-141GB")(), -8n),
  );

  // The vetted provider grows its allowlist, and later drops a buyer.
  const marina = byName("Marina Bay Vetted Compute");
  s.clock.at(s.clock.day(7, 5), () => allow(s, marina, 2, true));
  s.clock.at(s.clock.day(10, 8), () => allow(s, marina, 1, false));

  // Metadata updates.
  s.clock.at(s.clock.day(8, 2), () =>
    updateMetadata(s, byName("Southern Cross Compute"), {
      noc: "+61 7 3000 0000",
      since: 2019,
    }),
  );
  s.clock.at(s.clock.day(11, 7), () =>
    updateMetadata(s, byName("Desert Sands Neocloud"), { sla: "99.9% monthly uptime" }),
  );

  // The treasury sweeps protocol fees weekly.
  s.clock.at(s.clock.day(7, 9), () => withdrawFees(s));
  s.clock.at(s.clock.day(14, 9), () => withdrawFees(s));
}

function pickUnits(s: SeedState, offer: OfferState): bigint | undefined {
  const free = offer.totalUnits - offer.unitsInUse;
  const menu: (readonly [number, number])[] =
    offer.gpusPerUnit < 8n
      ? [
          [1, 50],
          [2, 25],
          [4, 15],
          [8, 6],
        ]
      : offer.reserved
        ? [
            [4, 10],
            [8, 20],
            [16, 20],
            [32, 12],
            [64, 5],
            [128, 2],
          ]
        : [
            [1, 40],
            [2, 25],
            [4, 18],
            [8, 10],
            [16, 5],
            [32, 2],
          ];
  const fits = menu.filter(([u]) => BigInt(u) <= free);
  return fits.length ? BigInt(s.rng.weighted(fits)) : undefined;
}

function pickDuration(s: SeedState, offer: OfferState): bigint | undefined {
  const menu: (readonly [bigint, number])[] = offer.reserved
    ? [
        [30, 5],
        [60, 2],
        [90, 4],
        [180, 3],
        [365, 3],
        [730, 1],
        [1095, 1],
      ].map(([d, w]) => [BigInt(d) * DAY, w] as const)
    : [
        [2, 10],
        [4, 12],
        [6, 8],
        [8, 10],
        [12, 10],
        [24, 14],
        [48, 9],
        [72, 7],
        [120, 4],
        [168, 4],
        [336, 1],
      ].map(([h, w]) => [BigInt(h) * HOUR, w] as const);
  const fits = menu.filter(([d]) => d >= offer.minDuration && d <= offer.maxDuration);
  return fits.length ? s.rng.weighted(fits) : undefined;
}

/** A buyer picks an offer it likes among those open to it, and leases it. */
async function openRandom(s: SeedState) {
  const buyer = s.pickBuyer()!;
  const candidates = s.offers.filter((o) => eligible(o, buyer));
  if (!candidates.length) {
    s.counts.skippedOpens++;
    return;
  }
  const offer = s.rng.weighted(
    candidates.map((o) => {
      let w = GPUS[o.gpuModel].demand * Math.sqrt(Number(o.totalUnits));
      if (o.reserved) w *= 0.18;
      if (o.token === "grid") w *= 1.5;
      return [o, w] as const;
    }),
  );
  const unitCount = pickUnits(s, offer);
  const duration = pickDuration(s, offer);
  if (unitCount === undefined || duration === undefined) {
    s.counts.skippedOpens++;
    return;
  }
  await openLease(s, buyer, offer, unitCount, duration, decideFate(s, offer));
}

/** A lease with a given fate on the first offer that `filter` accepts; retried later if none is open. */
async function openScripted(
  s: SeedState,
  fate: Fate,
  filter: (o: OfferState) => boolean,
  duration: bigint,
  attempt = 0,
) {
  for (const offer of s.rng.shuffle(s.offers.filter(filter))) {
    if (duration < offer.minDuration || duration > offer.maxDuration) continue;
    const buyer = s.pickBuyer((b) => eligible(offer, b));
    if (!buyer) continue;
    const unitCount = offer.gpusPerUnit < 8n ? 2n : 1n;
    if (offer.totalUnits - offer.unitsInUse < unitCount) continue;
    await openLease(s, buyer, offer, unitCount, duration, fate);
    return;
  }
  if (attempt < 12)
    s.clock.at(s.clock.slot + 1, () => openScripted(s, fate, filter, duration, attempt + 1));
  else throw new Error(`seed: no offer for a scripted ${fate} lease`);
}

function decideFate(s: SeedState, offer: OfferState): Fate {
  const rng = s.rng;
  if (offer.reserved) return rng.chance(0.12) ? "buyerTerminate" : "run";
  const flaky = 1 - offer.provider.tpl.reliability;
  const u = rng.next();
  if (u < flaky * 0.8) return "noShow";
  if (u < flaky * 1.2) return "refuse";
  if (u < flaky * 2) return "providerTerminate";
  if (u < flaky * 2 + 0.2) return "buyerTerminate";
  return rng.chance(0.22) ? "runExtend" : "run";
}
