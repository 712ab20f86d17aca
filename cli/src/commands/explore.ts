/**
 * The observer commands: `explore lease`, `explore address` and `explore prices` read the Gridlease indexer
 * (Ponder GraphQL). The indexer has every number; the token symbols and decimals come from the chain (one
 * ERC-20 read per token), so these commands also use the RPC.
 */
import { formatUnits, getAddress, isAddress } from "viem";
import { averagePricePerGpuHour } from "@gridlease/sdk/pricing";
import {
  BOND_TOKEN_DISPLAY,
  endReasonText,
  formatDuration,
  formatTime,
  formatTokenAmount,
} from "@gridlease/sdk";
import { parseCount } from "../args.ts";
import { defineCommand, type Command } from "../command.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { gpuMatches } from "../gpu.ts";
import { fetchAll, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { tokenBook, type Token } from "../tokens.ts";

const big = (v: string | number | null | undefined) =>
  v === null || v === undefined ? undefined : BigInt(v);
const amount = (v: bigint, t: Token) => formatTokenAmount(v, t);
const gpuHours = (gpuSeconds: bigint) => (Number(gpuSeconds) / 3600).toFixed(2);

/** GraphQL rows as the indexer returns them: bigints as decimal strings, counts as numbers. */
interface LeaseEventRow {
  type: string;
  account: string | null;
  txHash: string;
  blockNumber: string;
  logIndex: number;
  timestamp: string;
  amount: string | null;
  fee: string | null;
  refund: string | null;
  penalty: string | null;
  duration: string | null;
  endReason: string | null;
}
interface LeaseRow {
  leaseId: string;
  gpuModel: string;
  region: string;
  units: string;
  gpusPerUnit: string;
  gpus: string;
  pricePerGpuHour: string;
  feeBps: string;
  duration: string;
  initialDuration: string;
  status: string;
  endReason: string;
  activationDeadline: string;
  openedAt: string;
  startTime: string | null;
  endTime: string | null;
  closedAt: string | null;
  deposit: string;
  topUps: string;
  extensionCount: number;
  accrued: string;
  claimedGross: string;
  paidToProvider: string;
  fee: string;
  refunded: string;
  penalty: string;
  offer: { id: string };
  provider: { id: string };
  buyer: { id: string };
  paymentToken: { id: string };
  events: { items: LeaseEventRow[] };
}
type LeaseListRow = Pick<
  LeaseRow,
  | "leaseId"
  | "gpuModel"
  | "region"
  | "gpus"
  | "status"
  | "endReason"
  | "openedAt"
  | "deposit"
  | "paidToProvider"
  | "refunded"
  | "paymentToken"
>;
interface ProviderRow {
  bond: string;
  leaseCount: number;
  leasesServed: number;
  gpuSecondsServed: string;
  noShows: number;
  providerTerminations: number;
  penaltiesPaid: string;
  metadataURI: string;
  earnings: {
    items: {
      paymentToken: { id: string };
      earningsAccrued: string;
      earningsClaimed: string;
      feesPaid: string;
    }[];
  };
  offers: {
    items: {
      offerId: string;
      gpuModel: string;
      region: string;
      gpusPerUnit: string;
      totalUnits: string;
      unitsInUse: string;
      pricePerGpuHour: string;
      paused: boolean;
      leaseCount: number;
      paymentToken: { id: string };
    }[];
  };
  leases: { items: LeaseListRow[] };
}
interface AccountRow {
  leaseCount: number;
  gpuSecondsBought: string;
  penaltiesReceived: string;
  spending: { items: { paymentToken: { id: string }; spent: string; refunded: string }[] };
  leases: { items: LeaseListRow[] };
}
interface DayStatRow {
  gpuModel: string;
  day: number;
  date: string;
  paymentToken: { id: string };
  gpuSecondsLeased: string;
  volume: string;
  leasesOpened: number;
}

const LEASE_FIELDS = `leaseId gpuModel region units gpusPerUnit gpus pricePerGpuHour feeBps duration initialDuration status
  endReason activationDeadline openedAt startTime endTime closedAt deposit topUps extensionCount accrued
  claimedGross paidToProvider fee refunded penalty accessPostedAt accessRotations
  offer { id } provider { id } buyer { id } paymentToken { id }`;

const exploreLease = defineCommand({
  name: "explore lease",
  summary: "A lease from the indexer: terms, parties, status, event timeline and settlement",
  help: `ID

  ID   the lease id (e.g. 7)

Needs the indexer (--indexer-url) and the RPC (for the token's symbol).`,
  options: {},
  positionals: true,
  async run({ positionals, out, connect, settings }) {
    if (positionals.length !== 1)
      throw usage("explore lease takes one lease id, e.g. `gridlease explore lease 7`");
    const id = parseCount(positionals[0], "the lease id");
    const indexer = await openIndexer(settings, connect);
    const data = await indexer.query<{ lease: LeaseRow | null }>(
      `query ($id: String!) { lease(id: $id) { ${LEASE_FIELDS}
        events(limit: 1000) { items { type account txHash blockNumber logIndex timestamp amount fee refund penalty duration endReason } } } }`,
      { id: id.toString() },
    );
    const l = data.lease;
    if (!l)
      throw new CliError(
        EXIT.NOT_FOUND,
        `The indexer knows no lease #${id} (it may not exist, or not be indexed yet).`,
        "not-found",
      );
    const t = await tokenBook(connect)(l.paymentToken.id);
    const now = await indexer.indexedTime();
    let status = l.status;
    if (now !== undefined && status === "Active" && l.endTime !== null && BigInt(l.endTime) <= now)
      status = "Expired";
    if (now !== undefined && status === "Pending" && BigInt(l.activationDeadline) < now)
      status = "ActivationOverdue";
    const events = l.events.items
      .map((e) => ({
        type: e.type,
        time: BigInt(e.timestamp),
        txHash: e.txHash,
        blockNumber: BigInt(e.blockNumber),
        logIndex: e.logIndex,
        account: e.account ? getAddress(e.account) : null,
        amount: big(e.amount),
        fee: big(e.fee),
        refund: big(e.refund),
        penalty: big(e.penalty),
        duration: big(e.duration),
        endReason: e.endReason ?? undefined,
      }))
      .sort((a, b) =>
        a.blockNumber === b.blockNumber
          ? a.logIndex - b.logIndex
          : a.blockNumber < b.blockNumber
            ? -1
            : 1,
      );
    const result = {
      leaseId: BigInt(l.leaseId),
      offerId: BigInt(l.offer.id),
      provider: getAddress(l.provider.id),
      buyer: getAddress(l.buyer.id),
      paymentToken: t,
      gpuModel: l.gpuModel,
      region: l.region,
      units: BigInt(l.units),
      gpusPerUnit: BigInt(l.gpusPerUnit),
      gpus: BigInt(l.gpus),
      pricePerGpuHour: BigInt(l.pricePerGpuHour),
      feeBps: BigInt(l.feeBps),
      duration: BigInt(l.duration),
      initialDuration: BigInt(l.initialDuration),
      extensions: l.extensionCount,
      status,
      endReason: l.endReason,
      openedAt: BigInt(l.openedAt),
      activationDeadline: BigInt(l.activationDeadline),
      startTime: big(l.startTime) ?? null,
      endTime: big(l.endTime) ?? null,
      closedAt: big(l.closedAt) ?? null,
      settlement: {
        deposit: BigInt(l.deposit),
        topUps: BigInt(l.topUps),
        accrued: BigInt(l.accrued),
        claimedGross: BigInt(l.claimedGross),
        paidToProvider: BigInt(l.paidToProvider),
        fee: BigInt(l.fee),
        refunded: BigInt(l.refunded),
        penalty: BigInt(l.penalty),
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
  help: `ADDRESS

  ADDRESS   a 0x address

Needs the indexer (--indexer-url) and the RPC (for token symbols).`,
  options: {},
  positionals: true,
  async run({ positionals, out, connect, settings }) {
    if (positionals.length !== 1 || !isAddress(positionals[0]!, { strict: false }))
      throw usage(
        `explore address takes one 0x address, got ${positionals.length === 0 ? "none" : JSON.stringify(positionals.join(" "))}`,
      );
    const address = getAddress(positionals[0]!);
    const id = address.toLowerCase();
    const indexer = await openIndexer(settings, connect);
    const leaseSel = `leaseId gpuModel region gpus status endReason openedAt deposit paidToProvider refunded paymentToken { id }`;
    const data = await indexer.query<{
      provider: ProviderRow | null;
      account: AccountRow | null;
    }>(
      `query ($id: String!) {
        provider(id: $id) { bond offerCount leaseCount leasesServed gpuSecondsServed noShows providerTerminations penaltiesPaid firstSeenAt lastSeenAt metadataURI
          earnings(limit: 100) { items { paymentToken { id } earningsAccrued earningsClaimed feesPaid } }
          offers(limit: 1000, orderBy: "offerId") { items { offerId gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour paused leaseCount paymentToken { id } } }
          leases(limit: 10, orderBy: "openedAt", orderDirection: "desc") { items { ${leaseSel} } } }
        account(id: $id) { leaseCount gpuSecondsBought penaltiesReceived firstSeenAt lastSeenAt
          spending(limit: 100) { items { paymentToken { id } spent refunded } }
          leases(limit: 10, orderBy: "openedAt", orderDirection: "desc") { items { ${leaseSel} } } }
      }`,
      { id },
    );
    const p = data.provider;
    const a = data.account;
    if (!p && !a)
      throw new CliError(
        EXIT.NOT_FOUND,
        `The indexer has no activity for ${address}: it never registered as a provider nor opened a lease.`,
        "not-found",
      );
    const token = tokenBook(connect);
    const leases = async (items: LeaseListRow[]) =>
      Promise.all(
        items.map(async (l) => {
          const t = await token(l.paymentToken.id);
          return {
            leaseId: BigInt(l.leaseId),
            gpuModel: l.gpuModel,
            region: l.region,
            gpus: BigInt(l.gpus),
            status: l.status,
            endReason: l.endReason,
            openedAt: BigInt(l.openedAt),
            paymentToken: t,
            deposit: BigInt(l.deposit),
            paidToProvider: BigInt(l.paidToProvider),
            refunded: BigInt(l.refunded),
          };
        }),
      );
    const provider = p
      ? {
          metadataURI: p.metadataURI,
          bond: BigInt(p.bond),
          offers: await Promise.all(
            p.offers.items.map(async (o) => ({
              offerId: BigInt(o.offerId),
              gpuModel: o.gpuModel,
              region: o.region,
              gpusPerUnit: BigInt(o.gpusPerUnit),
              totalUnits: BigInt(o.totalUnits),
              unitsInUse: BigInt(o.unitsInUse),
              paymentToken: await token(o.paymentToken.id),
              pricePerGpuHour: BigInt(o.pricePerGpuHour),
              paused: o.paused,
              leaseCount: o.leaseCount,
            })),
          ),
          leaseCount: p.leaseCount,
          leasesServed: p.leasesServed,
          gpuHoursServed: gpuHours(BigInt(p.gpuSecondsServed)),
          noShows: p.noShows,
          providerTerminations: p.providerTerminations,
          penaltiesPaid: BigInt(p.penaltiesPaid),
          earnings: await Promise.all(
            p.earnings.items.map(async (e) => ({
              paymentToken: await token(e.paymentToken.id),
              accrued: BigInt(e.earningsAccrued),
              claimed: BigInt(e.earningsClaimed),
              feesPaid: BigInt(e.feesPaid),
            })),
          ),
          recentLeases: await leases(p.leases.items),
        }
      : null;
    const buyer = a
      ? {
          leaseCount: a.leaseCount,
          gpuHoursBought: gpuHours(BigInt(a.gpuSecondsBought)),
          penaltiesReceived: BigInt(a.penaltiesReceived),
          spending: await Promise.all(
            a.spending.items.map(async (s) => ({
              paymentToken: await token(s.paymentToken.id),
              spent: BigInt(s.spent),
              refunded: BigInt(s.refunded),
            })),
          ),
          recentLeases: await leases(a.leases.items),
        }
      : null;
    const GRID = BOND_TOKEN_DISPLAY;
    const leaseTable = (ls: Awaited<ReturnType<typeof leases>>) =>
      table(
        ["LEASE", "GPUS", "REGION", "STATUS", "OPENED", "DEPOSIT"],
        ls.map((l) => [
          `#${l.leaseId}`,
          `${l.gpus} ${l.gpuModel}`,
          l.region,
          l.endReason !== "None" ? `${l.status} (${l.endReason})` : l.status,
          formatTime(l.openedAt),
          amount(l.deposit, l.paymentToken),
        ]),
      );
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
                o.paused ? "paused" : "",
              ]),
            ),
          );
        if (provider.recentLeases.length > 0)
          lines.push("", "Latest leases on its offers:", leaseTable(provider.recentLeases));
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
        if (buyer.recentLeases.length > 0)
          lines.push("", "Latest leases:", leaseTable(buyer.recentLeases));
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

Needs the indexer (--indexer-url) and the RPC (for token symbols).`,
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
    const stats = await fetchAll<DayStatRow>(
      indexer,
      "gpuModelDayStats",
      `where: { gpuModel_starts_with: ${JSON.stringify(gpu)}, day_gte: ${firstDay}, day_lte: ${lastDay} }, orderBy: "day"`,
      "gpuModel day date paymentToken { id } gpuSecondsLeased volume leasesOpened",
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
      if (!gpuMatches(String(s.gpuModel).toUpperCase(), gpu)) continue;
      const t = await token(s.paymentToken.id);
      if (tokenArg && t.symbol.toLowerCase() !== tokenArg && t.address.toLowerCase() !== tokenArg)
        continue;
      const key = `${s.day}:${t.address}`;
      const row = byKey.get(key) ?? {
        day: s.day,
        date: BigInt(s.date),
        token: t,
        volume: 0n,
        gpuSeconds: 0n,
        leases: 0,
        models: new Set<string>(),
      };
      row.volume += BigInt(s.volume);
      row.gpuSeconds += BigInt(s.gpuSecondsLeased);
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
export const exploreCommands: Command[] = [exploreLease, exploreAddress, explorePrices];
