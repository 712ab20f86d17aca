/**
 * The market commands: `market search` lists the open offers the indexer knows, filtered and sorted, with each
 * provider's track record. The numbers come from the indexer; token symbols and decimals from the chain.
 */
import { formatUnits, getAddress, isAddress, parseUnits, type Address } from "viem";
import { readContract } from "viem/actions";
import { canLease, formatDuration, formatTokenAmount, gridleaseMarketAbi } from "@gridlease/sdk";
import {
  getIndexedMarket,
  listOffers,
  listPaymentTokens,
  listProviderBonds,
  listProviders,
  type IndexedOffer,
  type IndexedProvider,
} from "@gridlease/sdk/indexer";
import { parseCount } from "../args.ts";
import { defineCommand, type Command } from "../command.ts";
import { usage } from "../exit.ts";
import { gpuMatches } from "../gpu.ts";
import { claimFootnotes, UNVERIFIED_CLAIM } from "../attestation/claims.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { table } from "../output.ts";
import { tokenBook, type Token } from "../tokens.ts";

const SORTS = ["price", "gpus", "region"] as const;
type Sort = (typeof SORTS)[number];
const isSort = (s: string): s is Sort => (SORTS as readonly string[]).includes(s);

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
  /** A buyer policy decides who may lease it. */
  restricted: boolean;
  /** The latest attestation claim its provider published, as indexed: NOT verified (`attest verify --offer`). */
  attestation: IndexedOffer["attestation"];
  provider: {
    address: Address;
    leasesServed: number;
    noShows: number;
    providerTerminations: number;
  };
}

/** The market-wide state `canLease` needs besides the offer, read once per search. */
interface SearchConditions {
  marketPaused: boolean;
  penaltyBps: bigint;
  providers: Map<string, IndexedProvider>;
  /** Each provider's bond per payment token, by `bondKey`: an offer is backed by the bond in its own token. */
  bonds: Map<string, { bond: bigint; lockedBond: bigint }>;
  allowedTokens: Set<string>;
}

const bondKey = (provider: Address, token: Address) =>
  `${provider.toLowerCase()}:${token.toLowerCase()}`;

/**
 * Whether a lease of one server for the offer's shortest term could open now, by the SDK's `canLease` (the
 * contract's own checks, on the indexer's data). A restricted offer counts as open: its buyer policy decides
 * who may lease it, and the row says so.
 */
function isOpen(o: IndexedOffer, c: SearchConditions): boolean {
  const answer = canLease(o, {
    units: 1n,
    duration: o.minDuration,
    marketPaused: c.marketPaused,
    penaltyBps: c.penaltyBps,
    provider: c.bonds.get(bondKey(o.provider, o.paymentToken)),
    tokenAllowed: c.allowedTokens.has(o.paymentToken),
  });
  return answer.ok || answer.error === "PolicyDecides";
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

Open means the market would let one server be leased for the offer's shortest term now (the SDK's canLease:
market and offer not paused, a server free, the payment token allowed, the provider's bond in the offer's token
at least the offer's minimum with one more penalty free of its live leases' reservations). Offers with a buyer
policy are listed ("restricted" in --json): the policy decides. An offer whose provider published an NVIDIA attestation
claim says so ("attestation" in --json), unverified: gridlease attest verify --offer N checks it. ${NEEDS_INDEXER}`,
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

    const [offers, providers, tokens, market, penaltyBps] = await Promise.all([
      listOffers(indexer, { paused: false, region }),
      listProviders(indexer),
      listPaymentTokens(indexer),
      getIndexedMarket(indexer),
      connect().then((c) =>
        readContract(c.client, {
          address: c.market,
          abi: gridleaseMarketAbi,
          functionName: "PENALTY_BPS",
        }),
      ),
    ]);
    // Bonds are per payment token (the provider row's bond is its GRID one): read those of the listed providers.
    const bonds = new Map<string, { bond: bigint; lockedBond: bigint }>();
    const listed = [...new Set(offers.map((o) => o.provider))];
    for (const rows of await Promise.all(listed.map((p) => listProviderBonds(indexer, p))))
      for (const b of rows)
        bonds.set(bondKey(b.provider, b.token), { bond: b.amount, lockedBond: b.locked });
    const conditions: SearchConditions = {
      marketPaused: market?.paused ?? false,
      penaltyBps,
      providers: new Map(providers.map((p) => [p.address, p])),
      bonds,
      allowedTokens: new Set(tokens.filter((t) => t.allowed).map((t) => t.address)),
    };
    const rows: SearchRow[] = [];
    for (const o of offers) {
      if (!isOpen(o, conditions)) continue;
      if (gpu && !gpuMatches(o.gpuModel.toUpperCase(), gpu)) continue;
      if (o.gpusPerUnit < minGpus) continue;
      const t = await token(o.paymentToken);
      if (tokenArg) {
        const wanted = tokenArg.startsWith("0x")
          ? t.address.toLowerCase() === tokenArg.toLowerCase()
          : t.symbol.toLowerCase() === tokenArg.toLowerCase();
        if (!wanted) continue;
      }
      const price = o.pricePerGpuHour;
      if (maxPriceRaw !== undefined) {
        // Compared at 36 decimals, so a limit finer than the token's decimals still compares exactly.
        const max = parseUnits(maxPriceRaw, 36);
        if (price * 10n ** BigInt(36 - t.decimals) > max) continue;
      }
      const p = conditions.providers.get(o.provider);
      rows.push({
        offerId: o.offerId,
        gpuModel: o.gpuModel,
        gpusPerUnit: o.gpusPerUnit,
        serversAvailable: o.totalUnits - o.unitsInUse,
        totalServers: o.totalUnits,
        region: o.region,
        paymentToken: t,
        pricePerGpuHour: price,
        price: formatUnits(price, t.decimals),
        minDuration: o.minDuration,
        maxDuration: o.maxDuration,
        restricted: o.restricted,
        attestation: o.attestation,
        provider: {
          address: getAddress(o.provider),
          leasesServed: p?.leasesServed ?? 0,
          noShows: p?.noShows ?? 0,
          providerTerminations: p?.providerTerminations ?? 0,
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
              "NVIDIA",
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
              r.attestation ? UNVERIFIED_CLAIM : "",
            ]),
          )}\n${[...claimFootnotes(shown), ""].join("\n")}${rows.length} open offer${rows.length === 1 ? "" : "s"}${rows.length > shown.length ? ` (first ${shown.length} shown)` : ""}.`,
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
