/** What the seed built, from the model: counts, volumes and actors (`summary`), and a short text (`formatSummary`). */
import { formatUnits, type Address } from "viem";
import { elapsed } from "@gridlease/sdk/pricing";
import type { TokenKey } from "./catalog.ts";
import type { GasReport } from "../block-batcher.ts";
import type { SeededClaim } from "./attestation.ts";
import { formatTrust, type TrustSummary } from "./trustSummary.ts";
import { DEAL_ACCOUNTS, formatDeals, type DealsSummary } from "./deals.ts";
import { PROVIDERS } from "./catalog.ts";

/** The market's own providers (accounts #1 on); the deals' providers come after the buyers. */
const MARKET_PROVIDERS = PROVIDERS.length;
import {
  accrued,
  statusOf,
  type EndReasonName,
  type LeaseStatusName,
  type SeedAddresses,
  type SeedState,
  type TokenVolume,
} from "./model.ts";

export interface SeedSummary {
  seed: string;
  chainId: number;
  addresses: SeedAddresses;
  deployed: boolean;
  startTime: bigint;
  endTime: bigint;
  firstBlock: bigint;
  lastBlock: bigint;
  blocks: number;
  transactions: number;
  elapsedMs: number;
  providers: { count: number; regions: string[] };
  offers: {
    count: number;
    byGpu: Record<string, number>;
    byToken: Record<TokenKey, number>;
    onDemand: number;
    reserved: number;
    pausedNow: number;
    allowlisted: number;
    priceChanges: number;
    unitsChanges: number;
  };
  leases: {
    count: number;
    buyers: number;
    byStatus: Record<LeaseStatusName, number>;
    byEndReason: Record<EndReasonName, number>;
    extensions: number;
    accessRotations: number;
    /** Outage reports filed (raises included) and outages resolved in time. */
    outages: { reports: number; resolved: number };
    claims: { transactions: number; partial: number; full: number };
    feeWithdrawals: number;
  };
  volume: Record<TokenKey, TokenVolume> & { gpuHours: number };
  /** Attestation claims published with the SDK's test PKI: on chain, but never verifiable on NVIDIA's root. */
  testPkiClaims: SeededClaim[];
  /** Audits, reviews, the vetted-buyer offer, scores and the self-dealer, on EAS (./trustSummary.ts). */
  trust?: TrustSummary;
  /** The three deals of issue #12: the datacenter, the pooled network, Singapore (./deals.ts). */
  deals?: DealsSummary;
  actors: {
    deployer: Address;
    treasury: Address;
    providers: { name: string; region: string; address: Address }[];
    buyers: Address[];
  };
  gas?: GasReport[];
}

/** The summary of the market `s` built, as of `now`. */
export function summary(
  s: SeedState,
  now: bigint,
  elapsedMs: number,
  claim?: SeededClaim,
  trust?: TrustSummary,
  deals?: DealsSummary,
): SeedSummary {
  const byStatus: Record<LeaseStatusName, number> = {
    pending: 0,
    pendingPastWindow: 0,
    active: 0,
    expired: 0,
    ended: 0,
  };
  const byEndReason: Record<EndReasonName, number> = {
    Expired: 0,
    BuyerTerminated: 0,
    ProviderTerminated: 0,
    NoShowCancelled: 0,
    OutageUnresolved: 0,
  };
  let gpuSeconds = 0n;
  for (const l of s.leases) {
    byStatus[statusOf(l, now)]++;
    if (l.reason) byEndReason[l.reason]++;
    if (l.phase !== "pending") {
      gpuSeconds += l.gpus * elapsed(l.start, l.duration, now);
      s.volume[l.offer.token].accrued += accrued(l, now);
    }
  }
  const byGpu: Record<string, number> = {};
  const byToken: Record<TokenKey, number> = { usd: 0, grid: 0 };
  for (const o of s.offers) {
    byGpu[o.gpuModel] = (byGpu[o.gpuModel] ?? 0) + 1;
    byToken[o.token]++;
  }
  return {
    seed: s.seed,
    chainId: s.chainId,
    addresses: s.addresses,
    deployed: s.deployed,
    startTime: s.clock.t0,
    endTime: now,
    firstBlock: s.chain.firstBlock,
    lastBlock: s.chain.lastBlock,
    blocks: s.chain.blocks,
    transactions: s.chain.transactions,
    elapsedMs,
    providers: {
      count: s.providers.filter((p) => p.registered).length,
      regions: [...new Set(s.providers.map((p) => p.tpl.region))].sort(),
    },
    offers: {
      count: s.offers.length,
      byGpu,
      byToken,
      onDemand: s.offers.filter((o) => !o.reserved).length,
      reserved: s.offers.filter((o) => o.reserved).length,
      pausedNow: s.offers.filter((o) => o.paused).length,
      allowlisted: s.offers.filter((o) => o.allowlist).length,
      priceChanges: s.counts.priceChanges,
      unitsChanges: s.counts.unitsChanges,
    },
    leases: {
      count: s.leases.length,
      buyers: new Set(s.leases.map((l) => l.buyer.address)).size,
      byStatus,
      byEndReason,
      extensions: s.counts.extensions,
      accessRotations: s.counts.rotations,
      outages: { reports: s.counts.outageReports, resolved: s.counts.outagesResolved },
      claims: {
        transactions: s.counts.claimTxs,
        partial: s.counts.partialClaims,
        full: s.counts.fullClaims,
      },
      feeWithdrawals: s.counts.feeWithdrawals,
    },
    volume: { ...s.volume, gpuHours: Number(gpuSeconds / 3600n) },
    testPkiClaims: claim ? [claim] : [],
    ...(trust ? { trust } : {}),
    ...(deals ? { deals } : {}),
    actors: {
      deployer: s.deployer,
      treasury: s.treasury,
      providers: s.providers.map((p) => ({
        name: p.tpl.name,
        region: p.tpl.region,
        address: p.address,
      })),
      buyers: s.buyers.map((b) => b.address),
    },
    ...(s.options.trackGas ? { gas: s.chain.gasReport() } : {}),
  };
}
const fmtToken = (v: bigint, token: TokenKey) =>
  `${Number(formatUnits(v, token === "usd" ? 6 : 18)).toLocaleString("en-US", { maximumFractionDigits: 0 })} ${token === "usd" ? "tUSD" : "GRID"}`;
const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

/** How many offers claim an attestation made with the test PKI, and what that means for the app. */
const claimLine = (n: number) =>
  n === 0
    ? "no offer claims an NVIDIA attestation"
    : `${n} offer${n === 1 ? " claims" : "s claim"} an NVIDIA attestation made with a test PKI (the app must show it unverified)`;

/** A short, human summary of what `seedMarket` built. */
export function formatSummary(s: SeedSummary): string {
  const l = s.leases;
  const lines = [
    `Seeded Gridlease market (seed "${s.seed}", chain ${s.chainId}) in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `  market ${s.addresses.market}${s.deployed ? " (deployed by the seed)" : ""}`,
    `  history ${iso(s.startTime)} .. ${iso(s.endTime)}: blocks ${s.firstBlock}..${s.lastBlock} (${s.blocks} blocks, ${s.transactions} transactions)`,
    `  providers ${s.providers.count} in ${s.providers.regions.length} regions (${s.providers.regions.join(", ")})`,
    `  offers ${s.offers.count}: ${Object.entries(s.offers.byGpu)
      .map(([g, n]) => `${g} ${n}`)
      .join(", ")}`,
    `    ${s.offers.byToken.usd} in tUSD, ${s.offers.byToken.grid} in GRID; ${s.offers.onDemand} on demand, ${s.offers.reserved} reserved; ${s.offers.allowlisted} allowlist-only, ${s.offers.pausedNow} paused; ${s.offers.priceChanges} price and ${s.offers.unitsChanges} units changes`,
    `  leases ${l.count} from ${l.buyers} buyers: pending ${l.byStatus.pending}, pending past window ${l.byStatus.pendingPastWindow}, active ${l.byStatus.active}, expired (not closed) ${l.byStatus.expired}, ended ${l.byStatus.ended}`,
    `    ended: Expired ${l.byEndReason.Expired}, BuyerTerminated ${l.byEndReason.BuyerTerminated}, ProviderTerminated ${l.byEndReason.ProviderTerminated}, NoShowCancelled ${l.byEndReason.NoShowCancelled}, OutageUnresolved ${l.byEndReason.OutageUnresolved}`,
    `    ${l.extensions} extensions, ${l.accessRotations} access rotations, ${l.outages.reports} outage reports (${l.outages.resolved} outages resolved in time), ${l.claims.transactions} claims (${l.claims.partial} partial, ${l.claims.full} full lease payouts), ${l.feeWithdrawals} fee withdrawals`,
    `  volume: escrowed ${fmtToken(s.volume.usd.escrowed, "usd")} + ${fmtToken(s.volume.grid.escrowed, "grid")}; earned so far ${fmtToken(s.volume.usd.accrued, "usd")} + ${fmtToken(s.volume.grid.accrued, "grid")}; ${s.volume.gpuHours.toLocaleString("en-US")} GPU-hours delivered`,
    `  attestation: ${claimLine(s.testPkiClaims.length)}`,
    ...s.testPkiClaims.map(
      (c) => `    offer #${c.offerId} (${c.gpuModel}, ${c.provider}, ${c.region}) published it`,
    ),
    ...(s.trust ? formatTrust(s.trust) : []),
    ...(s.deals ? formatDeals(s.deals) : []),
    `  accounts: providers are Hardhat accounts #1-#${MARKET_PROVIDERS}, buyers #${MARKET_PROVIDERS + 1}-#${MARKET_PROVIDERS + s.actors.buyers.length} of the default mnemonic; #17 is also the published auditor, #18 an unlisted one; the deals' providers, buyers and keeper are #${DEAL_ACCOUNTS.datacenter}-#${DEAL_ACCOUNTS.pool.at(-1)}`,
  ];
  return lines.join("\n");
}
