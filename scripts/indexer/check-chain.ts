/**
 * Checks indexed entities against the contract's own view of the same chain (getLease, getOutage, getOffer,
 * bondOf, getOfferTerms, getLeaseTerms, getOfferAttestation, credits, protocolFees, config reads, through the merged core + extension ABI),
 * and the statistics (per GPU model and region, all-time and per UTC day), the per-token, per-provider and
 * per-buyer totals and the lease counts against figures recomputed here from those reads and the market's raw
 * logs. The indexers never call the contract; this check does, so that the expected entities committed as fixtures
 * are not merely what one indexer happened to compute. The attestation entities and the providers' reputation
 * inputs are checked against EAS and AttestationPolicy in ./check-chain-eas.ts.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { getContract, keccak256, type Address, type Hex } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { decodeGpuModel, decodeRegion } from "@gridlease/sdk/labels";
import { cost, feeOn } from "@gridlease/sdk/pricing";
import { checkAttestationsAgainstChain } from "./check-chain-eas.ts";
import type { EntityDump } from "../../test/indexer/support/subgraph-runtime.ts";

const STATUS = ["None", "Pending", "Active", "Active", "Ended"]; // LeaseStatus; Expired is still Active until closed
const END_REASON = [
  "None",
  "Expired",
  "BuyerTerminated",
  "ProviderTerminated",
  "NoShowCancelled",
  "OutageUnresolved",
  "Unfunded",
];

/** Returns every mismatch as text; empty when the entities agree with the chain. */
export async function checkAgainstChain(
  connection: NetworkConnection,
  market: Address,
  dump: EntityDump,
): Promise<string[]> {
  const client = await connection.viem.getPublicClient();
  const c = getContract({ address: market, abi: gridleaseMarketAbi, client });
  const problems: string[] = [];
  const expect = (what: string, indexed: unknown, onChain: unknown) => {
    if (String(indexed) !== String(onChain))
      problems.push(`${what}: indexed ${indexed}, on chain ${onChain}`);
  };
  for (const [id, lease] of Object.entries(dump.Lease ?? {})) {
    const v = await c.read.getLease([BigInt(id)]);
    expect(`lease ${id} status`, lease.status, STATUS[v.status]);
    expect(`lease ${id} endReason`, lease.endReason, END_REASON[v.endReason]);
    expect(`lease ${id} buyer`, lease.buyer, v.buyer.toLowerCase());
    expect(`lease ${id} provider`, lease.provider, v.provider.toLowerCase());
    expect(`lease ${id} paymentToken`, lease.paymentToken, v.paymentToken.toLowerCase());
    expect(`lease ${id} units`, lease.units, v.units);
    expect(`lease ${id} price`, lease.pricePerGpuHour, v.pricePerGpuHour);
    expect(`lease ${id} feeBps`, lease.feeBps, v.feeBps);
    expect(`lease ${id} duration`, lease.duration, v.duration);
    expect(`lease ${id} claimedGross`, lease.claimedGross, v.settled);
    // A lease ended before activation never started: the index keeps startTime null, the contract the end time.
    if (lease.startTime !== null) expect(`lease ${id} startTime`, lease.startTime, v.start);
    if (lease.status === "Ended") {
      expect(`lease ${id} accrued`, lease.accrued, v.accrued);
      expect(
        `lease ${id} deposit`,
        lease.deposit,
        BigInt(lease.accrued!) + BigInt(lease.refunded!),
      );
    } else {
      expect(`lease ${id} deposit`, lease.deposit, v.deposit);
    }
    if (lease.status !== "Pending") expect(`lease ${id} endTime`, lease.endTime, v.end);
    const o = await c.read.getOutage([BigInt(id)]);
    expect(`lease ${id} outageReports`, lease.outageReports, v.outageReports);
    expect(`lease ${id} downUnits`, lease.downUnits, v.downUnits);
    expect(`lease ${id} outageDowntime`, lease.outageDowntime, o.extension);
    if (lease.outageOpen) {
      expect(`lease ${id} repairDeadline`, lease.repairDeadline, v.repairDeadline);
      expect(`lease ${id} outageSince`, lease.outageSince, o.since);
    } else {
      // The view counts an open outage up to now (or the end); the index, of a closed one, all of it.
      expect(`lease ${id} downUnitSeconds`, lease.downUnitSeconds, v.downUnitSeconds);
    }
    if (lease.repairDeadline !== null)
      expect(`lease ${id} repairDeadline`, lease.repairDeadline, o.deadline);
    const t = await c.read.getLeaseTerms([BigInt(id)]);
    expect(`lease ${id} rolling`, lease.rolling, t.rolling);
    // An ended lease that was not rolling reads its used duration as its term; the index keeps what it paid for.
    if (t.rolling || lease.status !== "Ended") expect(`lease ${id} term`, lease.term, t.term);
    expect(`lease ${id} exitEscrow`, lease.exitEscrow, t.exitEscrow);
    if (lease.status !== "Ended") {
      expect(`lease ${id} reservedPenalty`, lease.reservedPenalty, t.penalty);
      if (lease.status === "Active")
        expect(`lease ${id} fundedUntil`, lease.fundedUntil, t.fundedUntil);
    }
    const allowance = await c.read.getTopUpAllowance([BigInt(id)]);
    if (lease.status !== "Ended") {
      expect(`lease ${id} topUpPerTopUp`, lease.topUpPerTopUp, allowance.perTopUp);
      expect(`lease ${id} topUpRemaining`, lease.topUpRemaining, allowance.remaining);
      expect(`lease ${id} topUpThreshold`, lease.topUpThreshold, allowance.runwayThreshold);
    }
  }
  for (const [id, credit] of Object.entries(dump.Credit ?? {})) {
    const onChain = await c.read.credits([credit.token as Address, credit.account as Address]);
    expect(`credit ${id} balance`, credit.balance, onChain);
  }
  for (const [id, offer] of Object.entries(dump.Offer ?? {})) {
    const o = await c.read.getOffer([BigInt(id)]);
    expect(`offer ${id} totalUnits`, offer.totalUnits, o.totalUnits);
    expect(`offer ${id} unitsInUse`, offer.unitsInUse, o.unitsInUse);
    expect(`offer ${id} price`, offer.pricePerGpuHour, o.pricePerGpuHour);
    expect(`offer ${id} paused`, offer.paused, o.paused);
    expect(`offer ${id} provider`, offer.provider, o.provider.toLowerCase());
    expect(`offer ${id} repairWindow`, offer.repairWindow, o.repairWindow);
    const terms = await c.read.getOfferTerms([BigInt(id)]);
    expect(`offer ${id} prepaidWindow`, offer.prepaidWindow, terms.prepaidWindow);
    expect(`offer ${id} commitment`, offer.commitment, terms.commitment);
    expect(`offer ${id} noticePeriod`, offer.noticePeriod, terms.noticePeriod);
    expect(`offer ${id} exitFeeBps`, offer.exitFeeBps, terms.exitFeeBps);
  }
  for (const [id, claim] of Object.entries(dump.OfferAttestation ?? {})) {
    const a = await c.read.getOfferAttestation([BigInt(id)]);
    expect(`claim ${id} reportHash`, claim.reportHash, a.reportHash);
    expect(`claim ${id} report's hash`, keccak256(claim.report as Hex), a.reportHash);
    expect(`claim ${id} publishedAt`, claim.publishedAt, a.publishedAt);
    expect(`claim ${id} nonceBlock`, claim.nonceBlock, a.nonceBlock);
    expect(`claim ${id} generation`, claim.generation, a.generation);
  }
  for (const [id, provider] of Object.entries(dump.Provider ?? {})) {
    // The provider's own bond fields are its bond in the market's bond token (GRID).
    const p = await c.read.bondOf([id as Address, await c.read.BOND_TOKEN()]);
    expect(`provider ${id} bond`, provider.bond, p.amount);
    expect(`provider ${id} locked bond`, provider.lockedBond, p.locked);
    let offers = 0;
    for (let offerId = 1n; offerId <= (await c.read.offerCount()); offerId++) {
      if ((await c.read.getOffer([offerId])).provider.toLowerCase() === id.toLowerCase()) offers++;
    }
    expect(`provider ${id} offerCount`, provider.offerCount, offers);
  }
  for (const [id, bond] of Object.entries(dump.ProviderBond ?? {})) {
    const b = await c.read.bondOf([bond.provider as Address, bond.token as Address]);
    expect(`bond ${id} amount`, bond.amount, b.amount);
    expect(`bond ${id} locked`, bond.locked, b.locked);
  }
  for (const [id, token] of Object.entries(dump.PaymentToken ?? {})) {
    const fees = await c.read.protocolFees([id as Address]);
    expect(
      `token ${id} unwithdrawn fees`,
      BigInt(token.feesAccrued!) - BigInt(token.feesWithdrawn!),
      fees,
    );
    expect(`token ${id} allowed`, token.allowed, await c.read.isPaymentToken([id as Address]));
  }
  const m = dump.Market?.[market.toLowerCase()];
  if (!m) problems.push(`no Market ${market.toLowerCase()}`);
  else {
    expect("market feeBps", m.feeBps, await c.read.feeBps());
    expect("market penaltyBps", m.penaltyBps, await c.read.PENALTY_BPS());
    expect("market bondToken", m.bondToken, (await c.read.BOND_TOKEN()).toLowerCase());
    expect("market activationWindow", m.activationWindow, await c.read.activationWindow());
    expect("market treasury", m.treasury, (await c.read.treasury()).toLowerCase());
    expect("market paused", m.paused, await c.read.paused());
    expect("market offerCount", m.offerCount, await c.read.offerCount());
    expect("market leaseCount", m.leaseCount, await c.read.leaseCount());
  }
  problems.push(...(await checkTotalsAgainstChain(connection, market, dump)));
  return problems;
}

const DAY = 86_400n;

/** The statistic fields of GpuModelStat/RegionStat and their day rows. */
interface Stat {
  leasesOpened: number;
  leasesEnded: number;
  gpuSecondsLeased: bigint;
  gpuSecondsReleased: bigint;
  volume: bigint;
  refunded: bigint;
  activeLeases: number;
  outageReports: number;
  gpuSecondsDelivered: bigint;
  gpuSecondsDown: bigint;
  feesPaid: bigint;
  feeWeightedPriceSum: bigint;
  updatedAt: bigint;
}
type StatDelta = Partial<Omit<Stat, "updatedAt">>;

const emptyStat = (): Stat => ({
  leasesOpened: 0,
  leasesEnded: 0,
  gpuSecondsLeased: 0n,
  gpuSecondsReleased: 0n,
  volume: 0n,
  refunded: 0n,
  activeLeases: 0,
  outageReports: 0,
  gpuSecondsDelivered: 0n,
  gpuSecondsDown: 0n,
  feesPaid: 0n,
  feeWeightedPriceSum: 0n,
  updatedAt: 0n,
});

/** A lease as the contract reads it, and what its own logs add up to. */
interface LeaseFacts {
  model: string;
  region: string;
  token: string;
  buyer: string;
  provider: string;
  units: bigint;
  gpusPerUnit: bigint;
  status: string;
  endReason: string;
  start: bigint;
  end: bigint;
  deposit: bigint;
  accrued: bigint;
  duration: bigint;
  downUnitSeconds: bigint;
  feeBps: bigint;
  pricePerGpuHour: bigint;
  /** A rolling lease is billed up to its funded end (getLeaseTerms), not its end. */
  rolling: boolean;
  fundedUntil: bigint;
  /** From the logs: servers now (the lease's units at open less those released or failed since). */
  unitsNow: bigint;
  /** From the logs: activated, contracted seconds (opening + extensions), paid in (deposit + top-ups), refunded. */
  activated: boolean;
  contracted: bigint;
  paidIn: bigint;
  refund: bigint;
  endTime: bigint | null;
}

/**
 * Recomputes the statistics and totals from getLease/getOffer reads and the market's logs (walked in chain order,
 * one day row per label, token and UTC day with an event that moves a statistic), and compares them with `dump`.
 */
async function checkTotalsAgainstChain(
  connection: NetworkConnection,
  market: Address,
  dump: EntityDump,
): Promise<string[]> {
  const client = await connection.viem.getPublicClient();
  const c = getContract({ address: market, abi: gridleaseMarketAbi, client });
  const problems: string[] = [];
  const logs = await client.getContractEvents({
    address: market,
    abi: gridleaseMarketAbi,
    fromBlock: 0n,
    strict: true,
  });
  const times = new Map<bigint, bigint>();
  for (const log of logs)
    if (!times.has(log.blockNumber))
      times.set(
        log.blockNumber,
        (await client.getBlock({ blockNumber: log.blockNumber })).timestamp,
      );

  const leases = new Map<bigint, LeaseFacts>();
  const labels = new Map<bigint, { model: string; region: string }>();
  for (let id = 1n; id <= (await c.read.leaseCount()); id++) {
    const v = await c.read.getLease([id]);
    if (!labels.has(v.offerId)) {
      const o = await c.read.getOffer([v.offerId]);
      labels.set(v.offerId, { model: decodeGpuModel(o.gpuModel), region: decodeRegion(o.region) });
    }
    const terms = await c.read.getLeaseTerms([id]);
    leases.set(id, {
      ...labels.get(v.offerId)!,
      rolling: terms.rolling,
      fundedUntil: terms.fundedUntil,
      unitsNow: 0n,
      token: v.paymentToken.toLowerCase(),
      buyer: v.buyer.toLowerCase(),
      provider: v.provider.toLowerCase(),
      units: v.units,
      gpusPerUnit: v.gpusPerUnit,
      status: STATUS[v.status]!,
      endReason: END_REASON[v.endReason]!,
      start: v.start,
      end: v.end,
      deposit: v.deposit,
      accrued: v.accrued,
      duration: v.duration,
      downUnitSeconds: v.downUnitSeconds,
      feeBps: v.feeBps,
      pricePerGpuHour: v.pricePerGpuHour,
      activated: false,
      contracted: 0n,
      paidIn: 0n,
      refund: 0n,
      endTime: null,
    });
  }

  const expected = {
    GpuModelStat: new Map<string, Stat>(),
    GpuModelDayStat: new Map<string, Stat>(),
    RegionStat: new Map<string, Stat>(),
    RegionDayStat: new Map<string, Stat>(),
  };
  const add = (table: Map<string, Stat>, id: string, d: StatDelta, at: bigint) => {
    const s = table.get(id) ?? emptyStat();
    s.leasesOpened += d.leasesOpened ?? 0;
    s.leasesEnded += d.leasesEnded ?? 0;
    s.gpuSecondsLeased += d.gpuSecondsLeased ?? 0n;
    s.gpuSecondsReleased += d.gpuSecondsReleased ?? 0n;
    s.volume += d.volume ?? 0n;
    s.refunded += d.refunded ?? 0n;
    s.activeLeases += d.activeLeases ?? 0;
    s.outageReports += d.outageReports ?? 0;
    s.gpuSecondsDelivered += d.gpuSecondsDelivered ?? 0n;
    s.gpuSecondsDown += d.gpuSecondsDown ?? 0n;
    s.feesPaid += d.feesPaid ?? 0n;
    s.feeWeightedPriceSum += d.feeWeightedPriceSum ?? 0n;
    s.updatedAt = at;
    table.set(id, s);
    return s;
  };
  /** Books `d` for a lease's model and region, all-time and on the event's day (whose active count is the running one). */
  const record = (l: LeaseFacts, d: StatDelta, at: bigint) => {
    const day = at / DAY;
    for (const [total, daily, label] of [
      [expected.GpuModelStat, expected.GpuModelDayStat, l.model],
      [expected.RegionStat, expected.RegionDayStat, l.region],
    ] as const) {
      const all = add(total, `${label}:${l.token}`, d, at);
      const today = add(daily, `${label}:${l.token}:${day}`, d, at);
      today.activeLeases = all.activeLeases;
    }
  };

  for (const log of logs) {
    if (!("leaseId" in log.args)) continue;
    const l = leases.get(log.args.leaseId);
    if (!l) {
      problems.push(
        `a ${log.eventName} log for lease ${log.args.leaseId}, which getLease does not know`,
      );
      continue;
    }
    if (log.eventName === "LeaseOpened") l.unitsNow = log.args.units;
    const gpus = l.unitsNow * l.gpusPerUnit;
    const at = times.get(log.blockNumber)!;
    switch (log.eventName) {
      case "LeaseOpened": {
        // The event no longer carries the deposit: the rent at the lease's locked price (+ LeaseTermsRecorded's escrow).
        const rent = cost(l.pricePerGpuHour, gpus, log.args.duration);
        l.contracted += log.args.duration;
        l.paidIn += rent;
        record(
          l,
          { leasesOpened: 1, gpuSecondsLeased: gpus * log.args.duration, volume: rent },
          at,
        );
        break;
      }
      case "LeaseTermsRecorded":
        l.paidIn += log.args.exitEscrow;
        if (log.args.exitEscrow > 0n) record(l, { volume: log.args.exitEscrow }, at);
        break;
      case "TopUpExecuted":
        l.contracted += log.args.addedDuration;
        l.paidIn += log.args.amount;
        record(l, { gpuSecondsLeased: gpus * log.args.addedDuration, volume: log.args.amount }, at);
        break;
      case "ServersReleased":
      case "ServersFailed": {
        // The removed servers' contracted time counts as released (see indexer/src/reserved.ts).
        const removed = l.gpusPerUnit * log.args.count * l.contracted;
        l.unitsNow -= log.args.count;
        l.refund += log.args.refund;
        record(l, { refunded: log.args.refund, gpuSecondsReleased: removed }, at);
        break;
      }
      case "LeaseExtended":
        l.contracted += log.args.addedDuration;
        l.paidIn += log.args.topUp;
        record(l, { gpuSecondsLeased: gpus * log.args.addedDuration, volume: log.args.topUp }, at);
        break;
      case "LeaseActivated":
        l.activated = true;
        record(l, { activeLeases: 1 }, at);
        break;
      case "OutageReported":
        record(l, { outageReports: 1 }, at);
        break;
      case "LeaseEnded": {
        l.refund += log.args.refund;
        l.endTime = log.args.endTime;
        const { delivered, down } = gpuSecondsAtEnd(l);
        const fee = feeOn(log.args.accrued, l.feeBps);
        record(
          l,
          {
            feesPaid: fee,
            feeWeightedPriceSum: l.pricePerGpuHour * fee,
            leasesEnded: 1,
            refunded: log.args.refund,
            activeLeases: l.activated ? -1 : 0,
            gpuSecondsDelivered: delivered,
            gpuSecondsDown: down,
            gpuSecondsReleased: gpus * l.contracted - delivered,
          },
          at,
        );
        break;
      }
    }
  }

  // The logs must add up to what the contract holds before they can stand for it.
  for (const [id, l] of leases) {
    if (l.status === "Ended") {
      if (l.paidIn !== l.accrued + l.refund)
        problems.push(
          `lease ${id}: deposits and top-ups ${l.paidIn} are not accrued ${l.accrued} + refund ${l.refund}`,
        );
      if (l.endTime !== l.end)
        problems.push(`lease ${id}: LeaseEnded at ${l.endTime}, getLease ends at ${l.end}`);
    } else {
      if (l.paidIn !== l.deposit)
        problems.push(
          `lease ${id}: deposits and top-ups ${l.paidIn}, getLease deposit ${l.deposit}`,
        );
      if (l.contracted !== l.duration)
        problems.push(
          `lease ${id}: opened and extended for ${l.contracted} s, getLease duration ${l.duration}`,
        );
    }
    if (l.activated !== (l.status === "Active" || (l.status === "Ended" && l.start !== l.end)))
      problems.push(`lease ${id}: activated per its logs ${l.activated}, status ${l.status}`);
  }

  for (const [entity, table] of Object.entries(expected)) {
    const label = entity.startsWith("GpuModel") ? "gpuModel" : "region";
    const indexed = dump[entity] ?? {};
    for (const [id, s] of table) {
      const row = indexed[id];
      if (!row) {
        problems.push(
          `${entity} ${id}: missing (the chain has ${s.leasesOpened} opened, ${s.volume} volume)`,
        );
        continue;
      }
      const [name, token, day] = id.split(":");
      const want: Record<string, unknown> = {
        ...s,
        [label]: name,
        paymentToken: token,
        avgPricePerGpuHour:
          s.gpuSecondsLeased === 0n ? 0n : (s.volume * 3600n) / s.gpuSecondsLeased,
        ...(day === undefined ? {} : { day: Number(day), date: BigInt(day) * DAY }),
      };
      for (const [field, value] of Object.entries(want))
        if (String(row[field]) !== String(value))
          problems.push(`${entity} ${id} ${field}: indexed ${row[field]}, from the chain ${value}`);
    }
    for (const id of Object.keys(indexed))
      if (!table.has(id))
        problems.push(`${entity} ${id}: indexed, but no event on the chain moves it`);
  }
  problems.push(...checkOwnerTotals(dump, leases));
  const evidence = new Map(
    [...leases].map(([id, l]) => [
      id,
      { ...l, delivered: l.status === "Ended" ? gpuSecondsAtEnd(l).delivered : 0n },
    ]),
  );
  problems.push(...(await checkAttestationsAgainstChain(connection, market, dump, evidence)));
  return problems;
}

/** Delivered (billed) and down GPU-seconds of an ended lease: every server's seconds of service less its down ones. */
function gpuSecondsAtEnd(l: LeaseFacts): { delivered: bigint; down: bigint } {
  // A lease ended before activation never served (the contract sets its start to the end).
  const billedEnd = l.rolling && l.fundedUntil < l.end ? l.fundedUntil : l.end;
  const served = l.activated && billedEnd > l.start ? billedEnd - l.start : 0n;
  return {
    delivered: l.gpusPerUnit * (l.units * served - l.downUnitSeconds),
    down: l.gpusPerUnit * l.downUnitSeconds,
  };
}

/**
 * Per-token, per-provider and per-buyer totals and the lease counts by model, region, status and end reason
 * (checked when the dump has them), recomputed from the leases' reads and logs.
 */
function checkOwnerTotals(dump: EntityDump, leases: Map<bigint, LeaseFacts>): string[] {
  const problems: string[] = [];
  type Totals = Record<string, bigint>;
  const sums = new Map<string, Totals>();
  const bump = (key: string, field: string, by: bigint | number) => {
    const t = sums.get(key) ?? {};
    t[field] = (t[field] ?? 0n) + BigInt(by);
    sums.set(key, t);
  };
  for (const l of leases.values()) {
    const gpus = l.units * l.gpusPerUnit;
    const ended = l.status === "Ended";
    const { delivered, down } = ended ? gpuSecondsAtEnd(l) : { delivered: 0n, down: 0n };
    const pending = l.status === "Pending" ? 1 : 0;
    const active = l.status === "Active" ? 1 : 0;
    bump(`PaymentToken ${l.token}`, "leaseCount", 1);
    bump(`PaymentToken ${l.token}`, "volume", l.paidIn);
    bump(`PaymentToken ${l.token}`, "refunded", l.refund);
    for (const [who, id] of [
      ["Provider", l.provider],
      ["Account", l.buyer],
    ] as const) {
      bump(`${who} ${id}`, "leaseCount", 1);
      bump(`${who} ${id}`, "pendingLeases", pending);
      bump(`${who} ${id}`, "activeLeases", active);
    }
    bump(`Provider ${l.provider}`, "leasesServed", l.activated ? 1 : 0);
    bump(`Provider ${l.provider}`, "gpuSecondsServed", delivered);
    bump(`Provider ${l.provider}`, "gpuSecondsDown", down);
    // Net GPU-seconds: what was contracted, or once ended, what was delivered.
    bump(`Account ${l.buyer}`, "gpuSecondsBought", ended ? delivered : gpus * l.contracted);
    bump(`LeaseCount ${l.model}:${l.region}:${l.status}:${l.endReason}`, "leaseCount", 1);
  }
  for (const [key, fields] of sums) {
    const [entity, id] = key.split(" ") as [string, string];
    // The counts entity and the pending/active columns are checked once the indexers have them.
    if (entity === "LeaseCount" && !dump.LeaseCount) continue;
    const row = dump[entity]?.[id];
    if (!row) {
      problems.push(`${entity} ${id}: missing`);
      continue;
    }
    for (const [field, value] of Object.entries(fields)) {
      if (!(field in row)) continue;
      if (String(row[field]) !== String(value))
        problems.push(`${entity} ${id} ${field}: indexed ${row[field]}, from the chain ${value}`);
    }
  }
  for (const [id, row] of Object.entries(dump.LeaseCount ?? {}))
    if (!sums.has(`LeaseCount ${id}`) && Number(row.leaseCount) !== 0)
      problems.push(`LeaseCount ${id} leaseCount: indexed ${row.leaseCount}, from the chain 0`);
  return problems;
}
