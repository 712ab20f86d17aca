/** Offers as the provider and buyer commands read them from the chain: load one, describe it, name its token. */
import { isAddressEqual, zeroAddress, type Address } from "viem";
import {
  decodeGpuModel,
  decodeRegion,
  formatTokenAmount,
  getOffer,
  paymentTokens,
  type OfferRecord,
  type TokenDisplay,
} from "@gridlease/sdk";
import { parseAddressArg } from "./args.ts";
import type { Context } from "./context.ts";
import { CliError, EXIT, usage } from "./exit.ts";

/** A payment token by address or by symbol among the market's payment tokens. */
export async function resolveToken(ctx: Context, raw: string): Promise<Address> {
  if (raw.startsWith("0x")) return parseAddressArg(raw, "--token");
  const all = await paymentTokens(ctx.client, { market: ctx.market });
  for (const address of all) {
    const t = await ctx.token(address);
    if (t.symbol.toLowerCase() === raw.toLowerCase()) return address;
  }
  const symbols = await Promise.all(all.map(async (a) => (await ctx.token(a)).symbol));
  throw usage(
    `--token ${raw} is not one of the market's payment tokens (${symbols.join(", ")}); give its symbol or address`,
  );
}

/** The offer, or exit 7 when it does not exist. */
export async function loadOffer(ctx: Context, offerId: bigint): Promise<OfferRecord> {
  const offer = await getOffer(ctx.client, { market: ctx.market, offerId });
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new CliError(EXIT.NOT_FOUND, `Offer #${offerId} does not exist.`, "not-found");
  return offer;
}

/** An offer as the commands print it (labels decoded, price formatted). */
export function describeOffer(offerId: bigint, o: OfferRecord, token: TokenDisplay) {
  return {
    offerId,
    provider: o.provider,
    gpuModel: decodeGpuModel(o.gpuModel),
    gpusPerUnit: BigInt(o.gpusPerUnit),
    totalUnits: BigInt(o.totalUnits),
    unitsInUse: BigInt(o.unitsInUse),
    region: decodeRegion(o.region),
    paymentToken: o.paymentToken,
    pricePerGpuHour: o.pricePerGpuHour,
    price: formatTokenAmount(o.pricePerGpuHour, token),
    minDuration: BigInt(o.minDuration),
    maxDuration: BigInt(o.maxDuration),
    minProviderBond: o.minProviderBond,
    paused: o.paused,
  };
}
