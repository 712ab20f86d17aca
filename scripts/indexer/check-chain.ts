/**
 * Checks indexed entities against the contract's own view of the same chain (getLease, getOutage, getOffer,
 * getProvider, getOfferAttestation, credits, protocolFees, config reads, through the merged core + extension ABI). The indexers never call the contract; this check does, so that the expected
 * entities committed as fixtures are not merely what one indexer happened to compute.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { getContract, keccak256, type Address, type Hex } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import type { EntityDump } from "../../test/indexer/support/subgraph-runtime.ts";

const STATUS = ["None", "Pending", "Active", "Active", "Ended"]; // LeaseStatus; Expired is still Active until closed
const END_REASON = [
  "None",
  "Expired",
  "BuyerTerminated",
  "ProviderTerminated",
  "NoShowCancelled",
  "OutageUnresolved",
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
    const p = await c.read.getProvider([id as Address]);
    expect(`provider ${id} bond`, provider.bond, p.bond);
    expect(`provider ${id} locked bond`, provider.lockedBond, p.lockedBond);
    let offers = 0;
    for (let offerId = 1n; offerId <= (await c.read.offerCount()); offerId++) {
      if ((await c.read.getOffer([offerId])).provider.toLowerCase() === id.toLowerCase()) offers++;
    }
    expect(`provider ${id} offerCount`, provider.offerCount, offers);
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
  return problems;
}
