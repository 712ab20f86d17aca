/**
 * The market commands: `market search` lists the open offers the indexer knows, filtered and sorted, with each
 * provider's track record. The numbers come from the indexer; token symbols and decimals from the chain.
 */
import { formatUnits, getAddress, isAddress, parseUnits, type Address } from "viem";
import { formatDuration, formatTokenAmount } from "@gridlease/sdk";
import { parseCount } from "../args.ts";
import { defineCommand, type Command } from "../command.ts";
import { usage } from "../exit.ts";
import { gpuMatches } from "../gpu.ts";
import { fetchAll, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { tokenBook, type Token } from "../tokens.ts";

const SORTS = ["price", "gpus", "region"] as const;
type Sort = (typeof SORTS)[number];
const isSort = (s: string): s is Sort => (SORTS as readonly string[]).includes(s);

/** An offer row as the indexer returns it (bigints as decimal strings). */
interface OfferRow {
  offerId: string;
  gpuModel: string;
  region: string;
  gpusPerUnit: string;
  totalUnits: string;
  unitsInUse: string;
  pricePerGpuHour: string;
  minDuration: string;
  maxDuration: string;
  minProviderBond: string;
  paymentToken: { id: string; allowed: boolean };
  provider: {
    id: string;
    bond: string;
    leasesServed: number;
    noShows: number;
    providerTerminations: number;
  };
}

/** One line of `market search`. */
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

/** Whether a new lease of one server could open on this offer (as far as the indexer knows). */
function isOpen(o: OfferRow): boolean {
  return (
    BigInt(o.totalUnits) > BigInt(o.unitsInUse) &&
    o.paymentToken.allowed &&
    BigInt(o.provider.bond) >= BigInt(o.minProviderBond)
  );
}

const marketSearch = defineCommand({
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
least the offer's minimum. Needs the indexer (--indexer-url; on the local chain 31337 the one \`npm run dev\`
starts) and the RPC (for token symbols).`,
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
    const sort = values.sort;
    if (!isSort(sort))
      throw usage(`--sort must be one of ${SORTS.join(", ")}, got ${JSON.stringify(sort)}`);
    const minGpus =
      values["min-gpus"] === undefined ? 0n : parseCount(values["min-gpus"], "--min-gpus");
    const limit = Number(parseCount(values.limit, "--limit"));
    const maxPriceRaw = values["max-price"]?.trim();
    if (maxPriceRaw !== undefined && !/^\d+(\.\d+)?$/.test(maxPriceRaw))
      throw usage(
        `--max-price must be a decimal amount like 2.5, got ${JSON.stringify(values["max-price"])}`,
      );
    const gpu = values.gpu?.trim().toUpperCase();
    const region = values.region?.trim().toUpperCase();
    const tokenArg = values.token?.trim();
    if (tokenArg?.startsWith("0x") && !isAddress(tokenArg))
      throw usage(`--token must be a symbol or a 0x address, got ${JSON.stringify(tokenArg)}`);
    const indexer = await openIndexer(settings, connect);
    const token = tokenBook(connect);

    const offers = await fetchAll<OfferRow>(
      indexer,
      "offers",
      `where: { paused: false${region ? `, region: ${JSON.stringify(region)}` : ""} }`,
      `offerId gpuModel region gpusPerUnit totalUnits unitsInUse pricePerGpuHour minDuration maxDuration minProviderBond
       paymentToken { id allowed } provider { id bond leasesServed noShows providerTerminations }`,
    );
    const rows: SearchRow[] = [];
    for (const o of offers) {
      if (!isOpen(o)) continue;
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
        const max = parseUnits(maxPriceRaw, 36);
        if (price * 10n ** BigInt(36 - t.decimals) > max) continue;
      }
      rows.push({
        offerId: BigInt(o.offerId),
        gpuModel: o.gpuModel,
        gpusPerUnit: BigInt(o.gpusPerUnit),
        serversAvailable: BigInt(o.totalUnits) - BigInt(o.unitsInUse),
        totalServers: BigInt(o.totalUnits),
        region: o.region,
        paymentToken: t,
        pricePerGpuHour: price,
        price: formatUnits(price, t.decimals),
        minDuration: BigInt(o.minDuration),
        maxDuration: BigInt(o.maxDuration),
        provider: {
          address: getAddress(o.provider.id),
          leasesServed: o.provider.leasesServed,
          noShows: o.provider.noShows,
          providerTerminations: o.provider.providerTerminations,
        },
      });
    }
    rows.sort(bySort(sort));
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
              formatTokenAmount(r.pricePerGpuHour, r.paymentToken),
              formatDuration(r.minDuration),
              formatDuration(r.maxDuration),
              `${r.provider.address.slice(0, 10)}…`,
              String(r.provider.leasesServed),
              String(r.provider.noShows),
            ]),
          )}\n${rows.length} open offer${rows.length === 1 ? "" : "s"}${rows.length > shown.length ? ` (first ${shown.length} shown)` : ""}.`,
    );
  },
});

/** The order of `--sort`: cheapest first, then by offer id; gpus and region sort first and fall back to price. */
function bySort(sort: Sort): (a: SearchRow, b: SearchRow) => number {
  const priceOf = (r: SearchRow) => Number(r.price);
  return (a, b) => {
    const byPrice = priceOf(a) - priceOf(b) || Number(a.offerId - b.offerId);
    if (sort === "gpus") {
      const ga = a.serversAvailable * a.gpusPerUnit;
      const gb = b.serversAvailable * b.gpusPerUnit;
      return ga === gb ? byPrice : gb > ga ? 1 : -1;
    }
    if (sort === "region") return a.region.localeCompare(b.region) || byPrice;
    return byPrice;
  };
}

/** The `market` commands. */
export const marketCommands: Command[] = [marketSearch];
