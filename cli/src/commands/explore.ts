/**
 * Commands that read the Gridlease indexer (Ponder GraphQL): `market search`, `explore lease`, `explore address`
 * and `explore prices`. The indexer has every number; the token symbols and decimals come from the chain (one
 * ERC-20 read per token), so these commands also use the RPC.
 */
import { formatUnits, getAddress, isAddress, parseUnits, type Address } from "viem";
import { averagePricePerGpuHour } from "@gridlease/sdk/pricing";
import { endReasonLabel, formatDuration, formatTime, formatTokenAmount } from "@gridlease/sdk";
import type { Command } from "../main.ts";
import { parseCount } from "../args.ts";
import type { Context } from "../context.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { indexerFor, type Indexer } from "../indexer.ts";

type Token = { address: Address; symbol: string; decimals: number };

/** Token metadata by address, read from the chain once per token. */
function tokenBook(connect: () => Promise<Context>) {
  const cache = new Map<string, Promise<Token>>();
  return (address: string): Promise<Token> => {
    const key = address.toLowerCase();
    if (!cache.has(key))
      cache.set(
        key,
        connect().then(async (c) => {
          const t = await c.token(getAddress(address));
          return { address: getAddress(address), symbol: t.symbol, decimals: t.decimals };
        }),
      );
    return cache.get(key)!;
  };
}

const big = (v: string | number | null | undefined) =>
  v === null || v === undefined ? undefined : BigInt(v);
const amount = (v: bigint, t: Token) => formatTokenAmount(v, t);
const decimal = (v: bigint, t: Token) => formatUnits(v, t.decimals);
const gpuHours = (gpuSeconds: bigint) => (Number(gpuSeconds) / 3600).toFixed(2);

/** Renders rows as an aligned text table. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Every item of a plural query, following the cursor (at most `max` items). */
async function fetchAll<T>(
  indexer: Indexer,
  field: string,
  args: string,
  selection: string,
  max = 10_000,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  while (items.length < max) {
    const data: any = await indexer.query(
      `query ($after: String) { ${field}(${args}${args ? ", " : ""}limit: 1000, after: $after) { items { ${selection} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    items.push(...(data[field].items as T[]));
    if (!data[field].pageInfo.hasNextPage) break;
    after = data[field].pageInfo.endCursor;
  }
  return items;
}

/** "h100" -> "H100"; matches a model code or its family ("H100" matches "H100-SXM-80GB"). */
const gpuMatches = (model: string, wanted: string) =>
  model === wanted || model.startsWith(`${wanted}-`);

/* ------------------------------------------------------------------------------------------------------------ */

const SORTS = ["price", "gpus", "region"] as const;

interface SearchRow {
  offerId: bigint;
  gpuModel: string;
  gpusPerUnit: bigint;
  serversAvailable: bigint;
  totalServers: bigint;
  region: string;
  paymentToken: Token;
  pricePerGpuHour: bigint;
  price: string;
  minDuration: bigint;
  maxDuration: bigint;
  provider: {
    address: Address;
    leasesServed: number;
    noShows: number;
    providerTerminations: number;
  };
}

const marketSearch: Command = {
  name: "market search",
  summary: "Open offers from the indexer, filtered and sorted, with each provider's track record",
  help: `[--gpu MODEL] [--region CODE] [--min-gpus N] [--max-price P] [--token SYMBOL] [--sort price|gpus|region]

  --gpu MODEL      GPU model code or family: H100 matches H100-SXM-80GB, H100-PCIe-80GB, …
  --region CODE    region code, e.g. AU-QLD
  --min-gpus N     at least N GPUs per server
  --max-price P    at most P per GPU-hour, in the payment token's units (e.g. 2.5)
  --token SYMBOL   payment token symbol (tUSD, GRID) or address
  --sort KEY       price (cheapest first; default), gpus (most GPUs available first) or region
  --limit N        show at most N offers (default 50)

Open means: not paused, at least one server free, the payment token still allowed and the provider's bond at
least the offer's minimum. Needs the indexer (--indexer-url) and the RPC (for token symbols).`,
  options: {
    gpu: { type: "string" },
    region: { type: "string" },
    "min-gpus": { type: "string" },
    "max-price": { type: "string" },
    token: { type: "string" },
    sort: { type: "string", default: "price" },
    limit: { type: "string", default: "50" },
  },
  async run({ values, out, connect, settings }) {
    const sort = values.sort as (typeof SORTS)[number];
    if (!SORTS.includes(sort))
      throw usage(`--sort must be one of ${SORTS.join(", ")}, got ${JSON.stringify(values.sort)}`);
    const minGpus =
      values["min-gpus"] === undefined
        ? 0n
        : parseCount(values["min-gpus"] as string, "--min-gpus");
    const limit = Number(parseCount(values.limit as string, "--limit"));
    const maxPriceRaw = values["max-price"] as string | undefined;
    if (maxPriceRaw !== undefined && !/^\d+(\.\d+)?$/.test(maxPriceRaw.trim()))
      throw usage(
        `--max-price must be a decimal amount like 2.5, got ${JSON.stringify(maxPriceRaw)}`,
      );
    const gpu = (values.gpu as string | undefined)?.trim().toUpperCase();
    const region = (values.region as string | undefined)?.trim().toUpperCase();
    const tokenArg = (values.token as string | undefined)?.trim();
    if (tokenArg?.startsWith("0x") && !isAddress(tokenArg))
      throw usage(`--token must be a symbol or a 0x address, got ${JSON.stringify(tokenArg)}`);
    const indexer = indexerFor(settings);
    const token = tokenBook(connect);

    const offers = await fetchAll<any>(
      indexer,
      "offers",
      `where: { paused: false${region ? `, region: ${JSON.stringify(region)}` : ""} }`,
      `offerId gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour minDuration maxDuration minProviderBond
       paymentToken { id allowed } provider { id bond leasesServed noShows providerTerminations }`,
    );
    const rows: SearchRow[] = [];
    for (const o of offers) {
      const free = BigInt(o.totalUnits) - BigInt(o.unitsInUse);
      if (free <= 0n || !o.paymentToken.allowed) continue;
      if (BigInt(o.provider.bond) < BigInt(o.minProviderBond)) continue;
      if (gpu && !gpuMatches(o.gpuModel.toUpperCase(), gpu)) continue;
      if (BigInt(o.gpusPerUnit) < minGpus) continue;
      const t = await token(o.paymentToken.id);
      if (tokenArg) {
        const wanted = tokenArg.startsWith("0x")
          ? t.address.toLowerCase() === tokenArg.toLowerCase()
          : t.symbol.toLowerCase() === tokenArg.toLowerCase();
        if (!wanted) continue;
      }
      const price = BigInt(o.pricePerGpuHour);
      if (maxPriceRaw !== undefined) {
        // Compared at 36 decimals, so a limit finer than the token's decimals still compares exactly.
        const max = parseUnits(maxPriceRaw.trim(), 36);
        if (price * 10n ** BigInt(36 - t.decimals) > max) continue;
      }
      rows.push({
        offerId: BigInt(o.offerId),
        gpuModel: o.gpuModel as string,
        gpusPerUnit: BigInt(o.gpusPerUnit),
        serversAvailable: free,
        totalServers: BigInt(o.totalUnits),
        region: o.region as string,
        paymentToken: t,
        pricePerGpuHour: price,
        price: decimal(price, t),
        minDuration: BigInt(o.minDuration),
        maxDuration: BigInt(o.maxDuration),
        provider: {
          address: getAddress(o.provider.id),
          leasesServed: o.provider.leasesServed as number,
          noShows: o.provider.noShows as number,
          providerTerminations: o.provider.providerTerminations as number,
        },
      });
    }
    const priceOf = (r: SearchRow) => Number(r.price);
    rows.sort((a, b) => {
      const byPrice = priceOf(a) - priceOf(b) || Number(a.offerId - b.offerId);
      if (sort === "gpus") {
        const ga = a.serversAvailable * a.gpusPerUnit;
        const gb = b.serversAvailable * b.gpusPerUnit;
        return ga === gb ? byPrice : gb > ga ? 1 : -1;
      }
      if (sort === "region") return a.region.localeCompare(b.region) || byPrice;
      return byPrice;
    });
    const shown = rows.slice(0, limit);
    out.result({ count: rows.length, offers: shown }, () =>
      shown.length === 0
        ? "No open offer matches."
        : `${table(
            [
              "OFFER",
              "GPU",
              "GPUS/SERVER",
              "FREE",
              "REGION",
              "PRICE/GPU-HOUR",
              "MIN",
              "MAX",
              "PROVIDER",
              "SERVED",
              "NO-SHOWS",
            ],
            shown.map((r) => [
              `#${r.offerId}`,
              r.gpuModel,
              String(r.gpusPerUnit),
              `${r.serversAvailable}/${r.totalServers}`,
              r.region,
              amount(r.pricePerGpuHour, r.paymentToken),
              formatDuration(r.minDuration),
              formatDuration(r.maxDuration),
              `${r.provider.address.slice(0, 10)}…`,
              String(r.provider.leasesServed),
              String(r.provider.noShows),
            ]),
          )}\n${rows.length} open offer${rows.length === 1 ? "" : "s"}${rows.length > shown.length ? ` (first ${shown.length} shown)` : ""}.`,
    );
  },
};

/* ------------------------------------------------------------------------------------------------------------ */

const LEASE_FIELDS = `leaseId gpuModel region units gpusPerUnit gpus pricePerGpuHour feeBps duration initialDuration status
  endReason activationDeadline openedAt startTime endTime closedAt deposit topUps extensionCount accrued
  claimedGross paidToProvider fee refunded penalty accessPostedAt accessRotations
  offer { id } provider { id } buyer { id } paymentToken { id }`;

const exploreLease: Command = {
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
    const indexer = indexerFor(settings);
    const data = await indexer.query(
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
    let status = l.status as string;
    if (now !== undefined && status === "Active" && l.endTime !== null && BigInt(l.endTime) <= now)
      status = "Expired";
    if (now !== undefined && status === "Pending" && BigInt(l.activationDeadline) < now)
      status = "ActivationOverdue";
    const events = (l.events.items as any[])
      .map((e) => ({
        type: e.type as string,
        time: BigInt(e.timestamp),
        txHash: e.txHash as string,
        blockNumber: BigInt(e.blockNumber),
        logIndex: e.logIndex as number,
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
      gpuModel: l.gpuModel as string,
      region: l.region as string,
      units: BigInt(l.units),
      gpusPerUnit: BigInt(l.gpusPerUnit),
      gpus: BigInt(l.gpus),
      pricePerGpuHour: BigInt(l.pricePerGpuHour),
      feeBps: BigInt(l.feeBps),
      duration: BigInt(l.duration),
      initialDuration: BigInt(l.initialDuration),
      extensions: l.extensionCount as number,
      status,
      endReason: l.endReason as string,
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
          ? `penalty ${formatTokenAmount(e.penalty, { symbol: "GRID", decimals: 18 })}`
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
        `  status    ${status}${result.endReason !== "None" ? ` — ${result.endReason}: ${endReasonLabel(result.endReason as never)}` : ""}`,
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
        `  provider penalty   ${formatTokenAmount(s.penalty, { symbol: "GRID", decimals: 18 })}`,
        "",
        "Timeline:",
        table(
          ["TIME", "EVENT", "TX", "AMOUNTS"],
          events.map((e) => [formatTime(e.time), e.type, e.txHash, eventAmounts(e)]),
        ),
      ].join("\n"),
    );
  },
};

/* ------------------------------------------------------------------------------------------------------------ */

const exploreAddress: Command = {
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
    const indexer = indexerFor(settings);
    const leaseSel = `leaseId gpuModel region gpus status endReason openedAt deposit paidToProvider refunded paymentToken { id }`;
    const data = await indexer.query(
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
    const leases = async (items: any[]) =>
      Promise.all(
        items.map(async (l) => {
          const t = await token(l.paymentToken.id);
          return {
            leaseId: BigInt(l.leaseId),
            gpuModel: l.gpuModel as string,
            region: l.region as string,
            gpus: BigInt(l.gpus),
            status: l.status as string,
            endReason: l.endReason as string,
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
          metadataURI: p.metadataURI as string,
          bond: BigInt(p.bond),
          offers: await Promise.all(
            (p.offers.items as any[]).map(async (o) => ({
              offerId: BigInt(o.offerId),
              gpuModel: o.gpuModel as string,
              region: o.region as string,
              gpusPerUnit: BigInt(o.gpusPerUnit),
              totalUnits: BigInt(o.totalUnits),
              unitsInUse: BigInt(o.unitsInUse),
              paymentToken: await token(o.paymentToken.id),
              pricePerGpuHour: BigInt(o.pricePerGpuHour),
              paused: o.paused as boolean,
              leaseCount: o.leaseCount as number,
            })),
          ),
          leaseCount: p.leaseCount as number,
          leasesServed: p.leasesServed as number,
          gpuHoursServed: gpuHours(BigInt(p.gpuSecondsServed)),
          noShows: p.noShows as number,
          providerTerminations: p.providerTerminations as number,
          penaltiesPaid: BigInt(p.penaltiesPaid),
          earnings: await Promise.all(
            (p.earnings.items as any[]).map(async (e) => ({
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
          leaseCount: a.leaseCount as number,
          gpuHoursBought: gpuHours(BigInt(a.gpuSecondsBought)),
          penaltiesReceived: BigInt(a.penaltiesReceived),
          spending: await Promise.all(
            (a.spending.items as any[]).map(async (s) => ({
              paymentToken: await token(s.paymentToken.id),
              spent: BigInt(s.spent),
              refunded: BigInt(s.refunded),
            })),
          ),
          recentLeases: await leases(a.leases.items),
        }
      : null;
    const GRID = { symbol: "GRID", decimals: 18 };
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
};

/* ------------------------------------------------------------------------------------------------------------ */

const explorePrices: Command = {
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
    const gpu = (values.gpu as string | undefined)?.trim().toUpperCase();
    if (!gpu) throw usage("--gpu is required, e.g. --gpu H100");
    const days = parseCount(values.days as string, "--days");
    if (days > 366n) throw usage(`--days must be at most 366, got ${days}`);
    const tokenArg = (values.token as string | undefined)?.trim().toLowerCase();
    const indexer = indexerFor(settings);
    const now = (await indexer.indexedTime()) ?? BigInt(Math.floor(Date.now() / 1000));
    const lastDay = Number(now / 86_400n);
    const firstDay = lastDay - Number(days) + 1;
    const stats = await fetchAll<any>(
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
        day: s.day as number,
        date: BigInt(s.date),
        token: t,
        volume: 0n,
        gpuSeconds: 0n,
        leases: 0,
        models: new Set<string>(),
      };
      row.volume += BigInt(s.volume);
      row.gpuSeconds += BigInt(s.gpuSecondsLeased);
      row.leases += s.leasesOpened as number;
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
          price: price === null ? null : decimal(price, r.token),
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
};

export const exploreCommands: Command[] = [
  marketSearch,
  exploreLease,
  exploreAddress,
  explorePrices,
];
