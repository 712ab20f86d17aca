/**
 * The observer commands: `explore lease`, `explore leases` (exploreLeases.ts), `explore address` and
 * `explore prices` read the Gridlease indexer (Ponder's GraphQL, and its paged `/explorer` routes for lease
 * lists). The indexer has every number; the token symbols and decimals come from the chain (one ERC-20 read per
 * token), so these commands also use the RPC.
 */
import { formatUnits, getAddress, isAddress } from "viem";
import { averagePricePerGpuHour } from "@gridlease/sdk/pricing";
import {
  BOND_TOKEN_DISPLAY,
  EndReason,
  endReasonText,
  LeaseStatus,
  leaseStateAt,
  formatDuration,
  formatTime,
  formatTokenAmount,
} from "@gridlease/sdk";
import {
  getIndexedAddress,
  getIndexedLease,
  listGpuModelDayStats,
  type IndexedLease,
} from "@gridlease/sdk/indexer";
import { parseCount } from "../args.ts";
import { defineCommand, type Command } from "../command.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { gpuMatches } from "../gpu.ts";
import { claimFootnotes, UNVERIFIED_CLAIM } from "../attestation/claims.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { tokenBook, type Token } from "../tokens.ts";
import { exploreLeases, leasePage, leaseTable, leaseTotal, parseLimit } from "./exploreLeases.ts";

const amount = (v: bigint, t: Token) => formatTokenAmount(v, t);
const gpuHours = (gpuSeconds: bigint) => (Number(gpuSeconds) / 3600).toFixed(2);

/**
 * The status of an indexed lease at the indexer's latest block, by the SDK's `leaseStateAt` (so "Expired" and
 * "ActivationOverdue" follow the contract's rules); the stored status when the indexer does not say its time.
 */
function statusAt(l: IndexedLease, now: bigint | undefined): string {
  if (now === undefined) return l.status;
  return leaseStateAt(
    {
      status: LeaseStatus[l.status],
      endReason: EndReason[l.endReason],
      units: l.units,
      gpusPerUnit: l.gpusPerUnit,
      pricePerGpuHour: l.pricePerGpuHour,
      feeBps: l.feeBps,
      duration: l.duration,
      start: l.startTime ?? 0n,
      activationDeadline: l.activationDeadline,
      settled: l.claimedGross,
    },
    now,
  ).status;
}

const exploreLease = defineCommand({
  name: "explore lease",
  summary: "A lease from the indexer: terms, parties, status, event timeline and settlement",
  help: `ID

  ID   the lease id (e.g. 7)

${NEEDS_INDEXER}`,
  options: {},
  positionals: true,
  async run({ positionals, out, connect, settings }) {
    if (positionals.length !== 1)
      throw usage("explore lease takes one lease id, e.g. `gridlease explore lease 7`");
    const id = parseCount(positionals[0], "the lease id");
    const indexer = await openIndexer(settings, connect);
    const found = await getIndexedLease(indexer, id);
    if (!found)
      throw new CliError(
        EXIT.NOT_FOUND,
        `The indexer knows no lease #${id} (it may not exist, or not be indexed yet).`,
        "not-found",
      );
    const l = found.lease;
    const t = await tokenBook(connect)(l.paymentToken);
    const status = statusAt(l, await indexer.indexedTime());
    const events = found.events.map((e) => ({
      type: e.type,
      time: e.timestamp,
      txHash: e.txHash,
      blockNumber: e.blockNumber,
      logIndex: e.logIndex,
      account: e.account ? getAddress(e.account) : null,
      amount: e.amount ?? undefined,
      fee: e.fee ?? undefined,
      refund: e.refund ?? undefined,
      penalty: e.penalty ?? undefined,
      duration: e.duration ?? undefined,
      endReason: e.endReason ?? undefined,
    }));
    const result = {
      leaseId: l.leaseId,
      offerId: l.offerId,
      provider: getAddress(l.provider),
      buyer: getAddress(l.buyer),
      paymentToken: t,
      gpuModel: l.gpuModel,
      region: l.region,
      units: l.units,
      gpusPerUnit: l.gpusPerUnit,
      gpus: l.gpus,
      pricePerGpuHour: l.pricePerGpuHour,
      feeBps: l.feeBps,
      duration: l.duration,
      initialDuration: l.initialDuration,
      extensions: l.extensionCount,
      status,
      endReason: l.endReason,
      openedAt: l.openedAt,
      activationDeadline: l.activationDeadline,
      startTime: l.startTime,
      endTime: l.endTime,
      closedAt: l.closedAt,
      settlement: {
        deposit: l.deposit,
        topUps: l.topUps,
        accrued: l.accrued,
        claimedGross: l.claimedGross,
        paidToProvider: l.paidToProvider,
        fee: l.fee,
        refunded: l.refunded,
        penalty: l.penalty,
      },
      events,
    };
    const s = result.settlement;
    const eventAmounts = (e: (typeof events)[number]) =>
      [
        e.amount !== undefined ? `amount ${amount(e.amount, t)}` : "",
        e.fee !== undefined ? `fee ${amount(e.fee, t)}` : "",
        e.refund !== undefined ? `refund ${amount(e.refund, t)}` : "",
        e.penalty !== undefined
          ? `penalty ${formatTokenAmount(e.penalty, BOND_TOKEN_DISPLAY)}`
          : "",
        e.duration !== undefined ? `+${formatDuration(e.duration)}` : "",
        e.endReason && e.endReason !== "None" ? e.endReason : "",
      ]
        .filter(Boolean)
        .join(", ");
    out.result(result, () =>
      [
        `Lease #${result.leaseId} on offer #${result.offerId}: ${result.units} × ${result.gpusPerUnit} ${result.gpuModel} (${result.gpus} GPUs) in ${result.region}`,
        `  provider  ${result.provider}`,
        `  buyer     ${result.buyer}`,
        `  price     ${amount(result.pricePerGpuHour, t)} per GPU-hour, fee ${Number(result.feeBps) / 100}%`,
        `  duration  ${formatDuration(result.duration)}${result.extensions > 0 ? ` (${formatDuration(result.initialDuration)} + ${result.extensions} extension${result.extensions === 1 ? "" : "s"})` : result.duration !== result.initialDuration ? ` (booked ${formatDuration(result.initialDuration)})` : ""}`,
        `  status    ${status}${result.endReason !== "None" ? ` — ${result.endReason}: ${endReasonText(result.endReason)}` : ""}`,
        `  opened    ${formatTime(result.openedAt)}`,
        ...(result.startTime !== null ? [`  started   ${formatTime(result.startTime)}`] : []),
        ...(result.endTime !== null ? [`  ends      ${formatTime(result.endTime)}`] : []),
        ...(result.closedAt !== null ? [`  closed    ${formatTime(result.closedAt)}`] : []),
        "",
        "Settlement:",
        `  deposit            ${amount(s.deposit, t)}${s.topUps > 0n ? ` (top-ups ${amount(s.topUps, t)})` : ""}`,
        `  accrued            ${amount(s.accrued, t)}`,
        `  paid to provider   ${amount(s.paidToProvider, t)}`,
        `  protocol fee       ${amount(s.fee, t)}`,
        `  refunded to buyer  ${amount(s.refunded, t)}`,
        `  provider penalty   ${formatTokenAmount(s.penalty, BOND_TOKEN_DISPLAY)}`,
        "",
        "Timeline:",
        table(
          ["TIME", "EVENT", "TX", "AMOUNTS"],
          events.map((e) => [formatTime(e.time), e.type, e.txHash, eventAmounts(e)]),
        ),
      ].join("\n"),
    );
  },
});

const exploreAddress = defineCommand({
  name: "explore address",
  summary: "An address's activity from the indexer: as a provider and as a buyer",
  help: `ADDRESS [--limit N] [--list served|bought --after CURSOR]

  ADDRESS          a 0x address
  --limit N        leases per list page, 1 to 200 (default 10)
  --list LIST      only one page of one list: served (leases on its offers) or bought (its leases as a buyer)
  --after CURSOR   with --list: the page after the one that printed this cursor

${NEEDS_INDEXER}`,
  options: {
    limit: { type: "string", default: "10" },
    list: { type: "string" },
    after: { type: "string" },
  },
  positionals: true,
  async run({ positionals, values, out, connect, settings }) {
    if (positionals.length !== 1 || !isAddress(positionals[0]!, { strict: false }))
      throw usage(
        `explore address takes one 0x address, got ${positionals.length === 0 ? "none" : JSON.stringify(positionals.join(" "))}`,
      );
    const address = getAddress(positionals[0]!);
    const limit = parseLimit(values.limit);
    if (values.list !== undefined && values.list !== "served" && values.list !== "bought")
      throw usage(`--list must be served or bought; got ${JSON.stringify(values.list)}`);
    if (values.after !== undefined && values.list === undefined)
      throw usage("--after pages one list: give --list served or --list bought with it");
    const indexer = await openIndexer(settings, connect);
    const token = tokenBook(connect);
    // The leases on each side, a page at a time (newest first) with their totals, through the explorer's routes.
    const side = (list: "served" | "bought", after?: string) =>
      leasePage(indexer, token, list === "served" ? { provider: address } : { buyer: address }, {
        limit,
        after,
      });
    const more = (list: string, next: string | null) =>
      next ? [`  more: gridlease explore address ${address} --list ${list} --after ${next}`] : [];
    if (values.list !== undefined) {
      const list = values.list;
      const page = await side(list, values.after);
      out.result({ address, list, ...page }, () =>
        [
          `${address}: ${list === "served" ? "leases on its offers" : "leases it bought"}, ${leaseTotal(page)}`,
          ...(page.leases.length > 0 ? ["", leaseTable(page.leases, list === "served")] : []),
          ...more(list, page.next),
        ].join("\n"),
      );
      return;
    }
    // The record itself (rows, offers, earnings, spending); its lease lists are paged below instead.
    const {
      provider: p,
      account: a,
      ...record
    } = await getIndexedAddress(indexer, address, { recentLeases: 1 });
    if (!p && !a)
      throw new CliError(
        EXIT.NOT_FOUND,
        `The indexer has no activity for ${address}: it never registered as a provider nor opened a lease.`,
        "not-found",
      );
    const provider = p
      ? {
          metadataURI: p.metadataURI,
          bond: p.bond,
          offers: await Promise.all(
            record.offers.map(async (o) => ({
              offerId: o.offerId,
              gpuModel: o.gpuModel,
              region: o.region,
              gpusPerUnit: o.gpusPerUnit,
              totalUnits: o.totalUnits,
              unitsInUse: o.unitsInUse,
              paymentToken: await token(o.paymentToken),
              pricePerGpuHour: o.pricePerGpuHour,
              paused: o.paused,
              leaseCount: o.leaseCount,
              // As the provider published it: not verified here (`attest verify --offer`).
              attestation: o.attestation,
            })),
          ),
          leaseCount: p.leaseCount,
          leasesServed: p.leasesServed,
          gpuHoursServed: gpuHours(p.gpuSecondsServed),
          noShows: p.noShows,
          providerTerminations: p.providerTerminations,
          penaltiesPaid: p.penaltiesPaid,
          earnings: await Promise.all(
            record.earnings.map(async (e) => ({
              paymentToken: await token(e.paymentToken),
              accrued: e.earningsAccrued,
              claimed: e.earningsClaimed,
              feesPaid: e.feesPaid,
            })),
          ),
          leases: await side("served"),
        }
      : null;
    const buyer = a
      ? {
          leaseCount: a.leaseCount,
          gpuHoursBought: gpuHours(a.gpuSecondsBought),
          penaltiesReceived: a.penaltiesReceived,
          spending: await Promise.all(
            record.spending.map(async (s) => ({
              paymentToken: await token(s.paymentToken),
              spent: s.spent,
              refunded: s.refunded,
            })),
          ),
          leases: await side("bought"),
        }
      : null;
    const GRID = BOND_TOKEN_DISPLAY;
    out.result({ address, provider, buyer }, () => {
      const lines: string[] = [address];
      if (provider) {
        lines.push(
          "",
          "As a provider:",
          `  bond              ${formatTokenAmount(provider.bond, GRID)}`,
          `  offers            ${provider.offers.length}`,
          `  leases            ${provider.leaseCount} opened, ${provider.leasesServed} served (${provider.gpuHoursServed} GPU-hours)`,
          `  no-shows          ${provider.noShows}`,
          `  early ends        ${provider.providerTerminations}`,
          `  penalties paid    ${formatTokenAmount(provider.penaltiesPaid, GRID)}`,
          ...provider.earnings.map(
            (e) =>
              `  earnings          ${amount(e.accrued, e.paymentToken)} accrued, ${amount(e.claimed, e.paymentToken)} claimed, ${amount(e.feesPaid, e.paymentToken)} fees (${e.paymentToken.symbol})`,
          ),
        );
        if (provider.offers.length > 0)
          lines.push(
            "",
            table(
              ["OFFER", "GPU", "REGION", "SERVERS IN USE", "PRICE/GPU-HOUR", "LEASES", ""],
              provider.offers.map((o) => [
                `#${o.offerId}`,
                `${o.gpusPerUnit} × ${o.gpuModel}`,
                o.region,
                `${o.unitsInUse}/${o.totalUnits}`,
                amount(o.pricePerGpuHour, o.paymentToken),
                String(o.leaseCount),
                [o.paused ? "paused" : "", o.attestation ? UNVERIFIED_CLAIM : ""]
                  .filter(Boolean)
                  .join(", "),
              ]),
            ),
            ...claimFootnotes(provider.offers),
          );
        const served = provider.leases;
        if (served.leases.length > 0)
          lines.push(
            "",
            `Latest leases on its offers (${served.leases.length} of ${leaseTotal(served)}):`,
            leaseTable(served.leases, false),
            ...more("served", served.next),
          );
      } else lines.push("", "Not a provider.");
      if (buyer) {
        lines.push(
          "",
          "As a buyer:",
          `  leases            ${buyer.leaseCount} (${buyer.gpuHoursBought} GPU-hours)`,
          ...buyer.spending.map(
            (s) =>
              `  spent             ${amount(s.spent, s.paymentToken)} (after ${amount(s.refunded, s.paymentToken)} refunded)`,
          ),
          `  penalties received ${formatTokenAmount(buyer.penaltiesReceived, GRID)}`,
        );
        const bought = buyer.leases;
        if (bought.leases.length > 0)
          lines.push(
            "",
            `Latest leases (${bought.leases.length} of ${leaseTotal(bought)}):`,
            leaseTable(bought.leases, false),
            ...more("bought", bought.next),
          );
      } else lines.push("", "No leases as a buyer.");
      return lines.join("\n");
    });
  },
});

const explorePrices = defineCommand({
  name: "explore prices",
  summary:
    "Daily volume-weighted price per GPU-hour and GPU-hours leased of a GPU model, from the indexer",
  help: `--gpu MODEL [--days N] [--token SYMBOL]

  --gpu MODEL     GPU model code or family (H100 covers every H100 variant)
  --days N        the last N days, up to the latest indexed block (default 30, at most 366)
  --token SYMBOL  only this payment token (prices in different tokens are never mixed)

${NEEDS_INDEXER}`,
  options: {
    gpu: { type: "string" },
    days: { type: "string", default: "30" },
    token: { type: "string" },
  },
  async run({ values, out, connect, settings }) {
    const gpu = values.gpu?.trim().toUpperCase();
    if (!gpu) throw usage("--gpu is required, e.g. --gpu H100");
    const days = parseCount(values.days, "--days");
    if (days > 366n) throw usage(`--days must be at most 366, got ${days}`);
    const tokenArg = values.token?.trim().toLowerCase();
    const indexer = await openIndexer(settings, connect);
    const now = (await indexer.indexedTime()) ?? BigInt(Math.floor(Date.now() / 1000));
    const lastDay = Number(now / 86_400n);
    const firstDay = lastDay - Number(days) + 1;
    const stats = await listGpuModelDayStats(
      indexer,
      { gpuModelPrefix: gpu, fromDay: firstDay, toDay: lastDay },
      { max: 10_000 },
    );
    const token = tokenBook(connect);
    const byKey = new Map<
      string,
      {
        day: number;
        date: bigint;
        token: Token;
        volume: bigint;
        gpuSeconds: bigint;
        leases: number;
        models: Set<string>;
      }
    >();
    for (const s of stats) {
      if (!gpuMatches(s.gpuModel.toUpperCase(), gpu)) continue;
      const t = await token(s.paymentToken);
      if (tokenArg && t.symbol.toLowerCase() !== tokenArg && t.address.toLowerCase() !== tokenArg)
        continue;
      const key = `${s.day}:${t.address}`;
      const row = byKey.get(key) ?? {
        day: s.day,
        date: s.date,
        token: t,
        volume: 0n,
        gpuSeconds: 0n,
        leases: 0,
        models: new Set<string>(),
      };
      row.volume += s.volume;
      row.gpuSeconds += s.gpuSecondsLeased;
      row.leases += s.leasesOpened;
      row.models.add(s.gpuModel);
      byKey.set(key, row);
    }
    const rows = [...byKey.values()]
      .sort((a, b) => a.day - b.day || a.token.symbol.localeCompare(b.token.symbol))
      .map((r) => {
        const price = r.gpuSeconds === 0n ? null : averagePricePerGpuHour(r.volume, r.gpuSeconds);
        return {
          date: new Date(r.day * 86_400_000).toISOString().slice(0, 10),
          day: r.day,
          paymentToken: r.token,
          pricePerGpuHour: price,
          price: price === null ? null : formatUnits(price, r.token.decimals),
          gpuHours: gpuHours(r.gpuSeconds),
          gpuSecondsLeased: r.gpuSeconds,
          volume: r.volume,
          leasesOpened: r.leases,
          gpuModels: [...r.models].sort(),
        };
      });
    const from = new Date(firstDay * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(lastDay * 86_400_000).toISOString().slice(0, 10);
    out.result({ gpu, from, to, days: rows }, () =>
      rows.length === 0
        ? `No ${gpu} leases from ${from} to ${to}.`
        : `${gpu} from ${from} to ${to} (days with leases):\n${table(
            ["DATE", "PRICE/GPU-HOUR", "GPU-HOURS", "LEASES", "TOKEN"],
            rows.map((r) => [
              r.date,
              r.pricePerGpuHour === null ? "-" : amount(r.pricePerGpuHour, r.paymentToken),
              r.gpuHours,
              String(r.leasesOpened),
              r.paymentToken.symbol,
            ]),
          )}`,
    );
  },
});

/** The `explore` commands. */
export const exploreCommands: Command[] = [
  exploreLease,
  exploreLeases,
  exploreAddress,
  explorePrices,
];
