/**
 * Providers' reputation inputs folded from chain events with the SDK's weights (@gridlease/sdk/reputation:
 * `leaseEvidence`, `reviewEvidence`, `auditedUntilOf`), the way the indexers fold them (docs/reputation.md). The
 * seed's summary uses it to show what the self-dealer's padding bought, and test/integration/reputation.test.ts to
 * put the sybil cost to the proof on a seeded chain.
 */
import {
  encodeEventTopics,
  getAddress,
  parseEventLogs,
  type Address,
  type Hex,
  type Log,
} from "viem";
import {
  gridleaseAuditResolverAbi,
  gridleaseMarketAbi,
  gridleaseReviewResolverAbi,
} from "@gridlease/sdk/abis";
import { cost } from "@gridlease/sdk/pricing";
import { endReasonName } from "@gridlease/sdk/status";
import {
  NO_EVIDENCE,
  OUTAGE_MIN_SECONDS,
  addEvidence,
  auditedUntilOf,
  leaseEvidence,
  paidFeeUsdMicros,
  reviewEvidence,
  type AuditRecord,
  type EndedLease,
  type ReputationInputs,
} from "@gridlease/sdk/reputation";

/** A decoded event with the time of its block. */
export interface TimedEvent {
  eventName: string;
  args: Record<string, unknown>;
  timestamp: bigint;
}

/** Where the events come from. */
export interface ReputationSources {
  market: Address;
  auditResolver: Address;
  reviewResolver: Address;
  /** Payment tokens by address, with the symbol and decimals the reference rates need. */
  tokens: ReadonlyMap<Address, { symbol: string; decimals: number }>;
}

type Request = (method: string, params: unknown[]) => Promise<unknown>;

const ABI = [...gridleaseMarketAbi, ...gridleaseAuditResolverAbi, ...gridleaseReviewResolverAbi];

/** The market's and the resolvers' events from `fromBlock` on, in chain order, each with its block time. */
export async function reputationEvents(
  request: Request,
  src: ReputationSources,
  fromBlock = 0n,
): Promise<TimedEvent[]> {
  const range = { fromBlock: `0x${fromBlock.toString(16)}`, toBlock: "latest" };
  // The fee a lease pays is the market's fee when it opened: its ProtocolFeeSet history comes from the start.
  const feeHistory = (await request("eth_getLogs", [
    {
      address: src.market,
      topics: encodeEventTopics({ abi: gridleaseMarketAbi, eventName: "ProtocolFeeSet" }),
      fromBlock: "0x0",
      toBlock: `0x${fromBlock.toString(16)}`,
    },
  ])) as Log[];
  const logs = (await request("eth_getLogs", [
    { address: [src.market, src.auditResolver, src.reviewResolver], ...range },
  ])) as Log[];
  const earlier = feeHistory.filter((l) => l.blockNumber !== null && l.blockNumber < fromBlock);
  const decoded = parseEventLogs({ abi: ABI, logs: [...earlier, ...logs], strict: true });
  const times = new Map<bigint, bigint>();
  for (const n of new Set(decoded.map((e) => e.blockNumber))) {
    const block = (await request("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as {
      timestamp: Hex;
    };
    times.set(n, BigInt(block.timestamp));
  }
  return decoded.map((e) => ({
    eventName: e.eventName,
    args: e.args as Record<string, unknown>,
    timestamp: times.get(e.blockNumber)!,
  }));
}

interface LeaseFold {
  provider: Address;
  buyer: Address;
  token: Address;
  gpusPerUnit: bigint;
  /** Servers still leased (released or failed ones leave). */
  units: bigint;
  /** Unit-seconds served by servers that left before the end (released or failed). */
  leftUnitSeconds: bigint;
  feeBps: bigint;
  deposit: bigint;
  /** When it was activated; undefined while pending. */
  start?: bigint;
  /** The open outage: when it opened, when its down count last changed, servers down, down unit-seconds so far. */
  outage?: { since: bigint; last: bigint; units: bigint; downUnitSeconds: bigint };
  /** Down unit-seconds of its closed outages, all of them and those open OUTAGE_MIN_SECONDS or more. */
  down: bigint;
  longDown: bigint;
  paidFee?: bigint;
}

/** Closes a lease's open outage at `t`, keeping its downtime if it lasted long enough to count. */
function closeOutage(l: LeaseFold, t: bigint) {
  const o = l.outage;
  if (!o) return;
  const down = o.downUnitSeconds + o.units * (t - o.last);
  l.down += down;
  if (t - o.since >= OUTAGE_MIN_SECONDS) l.longDown += down;
  l.outage = undefined;
}

const big = (v: unknown) => v as bigint;
const addr = (v: unknown) => getAddress(v as string);

/**
 * Every registered provider's inputs from `events`, auditedUntil by the `trusted` auditors. `skip` leaves out the
 * leases it picks (and their reviews), to compare a record with and without them.
 */
export function foldReputation(
  events: readonly TimedEvent[],
  src: ReputationSources,
  trusted: readonly Address[],
  skip: (lease: { provider: Address; buyer: Address }) => boolean = () => false,
): Map<Address, ReputationInputs> {
  const inputs = new Map<Address, ReputationInputs>();
  const offers = new Map<
    bigint,
    { provider: Address; token: Address; gpusPerUnit: bigint; price: bigint }
  >();
  // LeaseOpened carries neither the fee nor the deposit: the market's fee and the offer's price at the time do.
  let feeBps = 0n;
  const leases = new Map<bigint, LeaseFold>();
  const reviews: { leaseId: bigint; score: number }[] = [];
  const audits = new Map<Hex, AuditRecord & { provider: Address }>();
  const add = (provider: Address, e: ReputationInputs) =>
    inputs.set(provider, addEvidence(inputs.get(provider) ?? NO_EVIDENCE, e));

  for (const { eventName, args: a, timestamp: t } of events) {
    const lease = typeof a.leaseId === "bigint" ? leases.get(a.leaseId) : undefined;
    switch (eventName) {
      case "ProviderRegistered":
        add(addr(a.provider), NO_EVIDENCE);
        break;
      case "ProtocolFeeSet":
        feeBps = big(a.newFeeBps);
        break;
      case "OfferCreated": {
        const terms = a.terms as { gpusPerUnit: bigint | number; pricePerGpuHour: bigint };
        offers.set(big(a.offerId), {
          provider: addr(a.provider),
          token: addr(a.paymentToken),
          gpusPerUnit: BigInt(terms.gpusPerUnit),
          price: terms.pricePerGpuHour,
        });
        break;
      }
      case "OfferPriceChanged": {
        const offer = offers.get(big(a.offerId));
        if (offer) offer.price = big(a.newPrice);
        break;
      }
      case "LeaseOpened": {
        const offer = offers.get(big(a.offerId))!;
        const fold: LeaseFold = {
          provider: offer.provider,
          buyer: addr(a.buyer),
          token: offer.token,
          gpusPerUnit: offer.gpusPerUnit,
          units: big(a.units),
          leftUnitSeconds: 0n,
          feeBps,
          deposit: cost(offer.price, offer.gpusPerUnit * big(a.units), big(a.duration)),
          down: 0n,
          longDown: 0n,
        };
        if (!skip(fold)) leases.set(big(a.leaseId), fold);
        break;
      }
      case "LeaseTermsRecorded":
        // A committed rolling lease escrows its exit terms with the first window, in the same transaction.
        if (lease) lease.deposit += big(a.exitEscrow);
        break;
      case "LeaseExtended":
        if (lease) lease.deposit += big(a.topUp);
        break;
      case "TopUpExecuted":
        if (lease) lease.deposit += big(a.amount);
        break;
      case "ServersReleased":
      case "ServersFailed":
        if (lease?.start !== undefined) {
          lease.leftUnitSeconds += big(a.count) * (t - lease.start);
          lease.units -= big(a.count);
        }
        break;
      case "LeaseActivated":
        if (lease) lease.start = big(a.start);
        break;
      case "OutageReported":
        if (!lease) break;
        if (lease.outage) {
          lease.outage.downUnitSeconds += lease.outage.units * (t - lease.outage.last);
          lease.outage.units = big(a.downUnits);
          lease.outage.last = t;
        } else lease.outage = { since: t, last: t, units: big(a.downUnits), downUnitSeconds: 0n };
        break;
      case "OutageResolved":
        if (lease) closeOutage(lease, t);
        break;
      case "LeaseEnded": {
        if (!lease) break;
        const end = big(a.endTime);
        closeOutage(lease, end);
        const token = src.tokens.get(lease.token) ?? { symbol: "", decimals: 0 };
        // Billed GPU-seconds, as the contract bills them: each server's seconds of service less its down time.
        const served = lease.start !== undefined && end > lease.start ? end - lease.start : 0n;
        const billed = lease.units * served + lease.leftUnitSeconds - lease.down;
        const ended: EndedLease = {
          endReason: endReasonName(Number(a.reason)),
          activated: lease.start !== undefined,
          feeBps: lease.feeBps,
          accrued: big(a.accrued),
          deposit: lease.deposit,
          gpuSecondsServed: billed > 0n ? lease.gpusPerUnit * billed : 0n,
          gpuSecondsDown: lease.gpusPerUnit * lease.longDown,
          ...token,
        };
        lease.paidFee = paidFeeUsdMicros(ended);
        add(lease.provider, leaseEvidence(ended));
        break;
      }
      case "ReviewPosted":
        reviews.push({ leaseId: big(a.leaseId), score: Number(a.score) });
        break;
      case "AuditAttested":
        audits.set(a.uid as Hex, {
          provider: addr(a.provider),
          auditor: addr(a.auditor),
          verdict: Number(a.verdict),
          validUntil: big(a.validUntil),
          revokedAt: null,
        });
        break;
      case "AuditRevoked": {
        const audit = audits.get(a.uid as Hex);
        if (audit) audit.revokedAt = t;
        break;
      }
    }
  }
  // A review counts once its lease has ended, weighted by the fee that lease paid.
  for (const r of reviews) {
    const lease = leases.get(r.leaseId);
    if (lease?.paidFee !== undefined) add(lease.provider, reviewEvidence(lease.paidFee, r.score));
  }
  for (const [provider, record] of inputs) {
    const own = [...audits.values()].filter((x) => x.provider === provider);
    inputs.set(provider, { ...record, auditedUntil: auditedUntilOf(own, trusted) });
  }
  return inputs;
}
