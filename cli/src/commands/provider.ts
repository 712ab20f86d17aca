/** Provider commands: registration, bond, offers, claims. */
import { isAddressEqual, keccak256, toHex, zeroAddress, type Address } from "viem";
import {
  claim,
  createOffer,
  decodeGpuModel,
  decodeRegion,
  depositBond,
  encodeGpuModel,
  encodeRegion,
  ensureAllowance,
  formatTokenAmount,
  getLease,
  getMarketConfig,
  getOffer,
  getProvider,
  paymentTokens,
  registerProvider,
  setOfferPaused,
  setOfferPrice,
  setOfferUnits,
  withdrawBond,
  type OfferRecord,
} from "@gridlease/sdk";
import { readFileSync } from "node:fs";
import type { Command } from "../main.ts";
import { parseAddressArg, parseAmount, parseCount, parseDuration, required } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { detectGpus } from "../gpu.ts";
import { leasesOpened, providerOfferIds } from "../chainData.ts";

async function bondToken(ctx: Context) {
  const { bondToken } = await getMarketConfig(ctx.client, { market: ctx.market });
  const token = await ctx.token(bondToken);
  ctx.errorContext = { ...ctx.errorContext, bondToken: token, token };
  return token;
}

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

export async function loadOffer(ctx: Context, offerId: bigint): Promise<OfferRecord> {
  const offer = await getOffer(ctx.client, { market: ctx.market, offerId });
  if (isAddressEqual(offer.provider, zeroAddress))
    throw new CliError(EXIT.NOT_FOUND, `Offer #${offerId} does not exist.`, "not-found");
  return offer;
}

export function describeOffer(
  offerId: bigint,
  o: OfferRecord,
  token: { symbol: string; decimals: number },
) {
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

const register: Command = {
  name: "provider register",
  summary: "Register your account as a provider",
  help: "--metadata-uri URI\n\n  --metadata-uri URI  public description of you (https:// or ipfs://)",
  options: { "metadata-uri": { type: "string" } },
  async run({ values, out, connect }) {
    const metadataURI = required(values["metadata-uri"] as string, "--metadata-uri");
    const c = await connect();
    const w = await c.wallet();
    const mined = await confirm(c, "Registering as a provider", () =>
      registerProvider(w, { market: c.market, metadataURI }),
    );
    out.result(
      { provider: w.account.address, metadataURI, tx: mined.hash },
      () => `Registered ${w.account.address} as a provider.`,
    );
  },
};

const info: Command = {
  name: "provider info",
  summary: "Show a provider's registration, bond and offers",
  help: "[--address ADDRESS]\n\n  --address ADDRESS  provider to show (default: your account)",
  options: { address: { type: "string" } },
  async run({ values, out, connect }) {
    const address = values.address
      ? parseAddressArg(values.address as string, "--address")
      : undefined;
    const c = await connect();
    const provider = address ?? (await c.wallet()).account.address;
    const record = await getProvider(c.client, { market: c.market, provider });
    const grid = await bondToken(c);
    const offers: ReturnType<typeof describeOffer>[] = [];
    for (const id of await providerOfferIds(c, provider)) {
      const o = await loadOffer(c, id);
      offers.push(describeOffer(id, o, await c.token(o.paymentToken)));
    }
    out.result({ provider, registered: record.registered, bond: record.bond, offers }, () =>
      [
        `Provider ${provider}: ${record.registered ? "registered" : "not registered"}, bond ${formatTokenAmount(record.bond, grid)}`,
        ...offers.map(
          (o) =>
            `  offer #${o.offerId}: ${o.totalUnits}× ${o.gpusPerUnit} ${o.gpuModel} in ${o.region} at ${o.price}/GPU-hour, ${o.unitsInUse} in use${o.paused ? ", paused" : ""}`,
        ),
      ].join("\n"),
    );
  },
};

function bondCommand(kind: "deposit" | "withdraw"): Command {
  return {
    name: `bond ${kind}`,
    summary:
      kind === "deposit"
        ? "Add GRID to your provider bond (approves it first if needed)"
        : "Withdraw GRID from your provider bond",
    help: "--amount GRID\n\n  --amount GRID  amount in GRID, e.g. 5000",
    options: { amount: { type: "string" } },
    async run({ values, out, connect }) {
      const c = await connect();
      const grid = await bondToken(c);
      const amount = parseAmount(values.amount as string, "--amount", grid.decimals);
      if (amount === 0n) throw usage("--amount must be more than 0");
      const w = await c.wallet();
      if (kind === "deposit") {
        const { approval } = await ensureAllowance(w, {
          token: grid.address,
          spender: c.market,
          amount,
        });
        if (approval)
          await confirm(
            c,
            `Approving ${formatTokenAmount(amount, grid)} for the market`,
            async () => approval,
          );
      }
      const mined = await confirm(
        c,
        `${kind === "deposit" ? "Depositing" : "Withdrawing"} ${formatTokenAmount(amount, grid)}`,
        () => (kind === "deposit" ? depositBond : withdrawBond)(w, { market: c.market, amount }),
      );
      const record = await getProvider(c.client, { market: c.market, provider: w.account.address });
      out.result(
        { amount, bond: record.bond, tx: mined.hash },
        () => `Bond is now ${formatTokenAmount(record.bond, grid)}.`,
      );
    },
  };
}

const offerCreate: Command = {
  name: "offer create",
  summary: "List GPU capacity (use --detect to read this server's GPUs with nvidia-smi)",
  help: `(--detect | --gpu-model CODE --gpus-per-unit N) --units N --region CODE --token SYMBOL|ADDRESS
       --price AMOUNT --min-duration D --max-duration D --min-bond GRID [--policy ADDRESS] [--spec-uri URI] [--spec-file FILE]

  --detect             read model and GPU count from nvidia-smi (GRIDLEASE_NVIDIA_SMI names another binary)
  --gpu-model CODE     market model code, e.g. H100-SXM-80GB
  --gpus-per-unit N    GPUs in one unit (a server)
  --units N            servers offered
  --region CODE        e.g. AU-QLD
  --token T            payment token symbol (e.g. tUSD, GRID) or address
  --price AMOUNT       price per GPU-hour in the payment token, e.g. 1.95
  --min-duration D     shortest lease, e.g. 1h (durations: 3600, 90m, 1h, 7d)
  --max-duration D     longest lease, e.g. 30d
  --min-bond GRID      bond you must hold for leases to open (default 0)
  --policy ADDRESS     buyer allowlist policy (default: anyone may lease)
  --spec-uri URI       spec document (CPU, RAM, NVMe, interconnect)
  --spec-file FILE     spec JSON; its keccak256 becomes the spec hash`,
  options: {
    detect: { type: "boolean", default: false },
    "gpu-model": { type: "string" },
    "gpus-per-unit": { type: "string" },
    units: { type: "string" },
    region: { type: "string" },
    token: { type: "string" },
    price: { type: "string" },
    "min-duration": { type: "string" },
    "max-duration": { type: "string" },
    "min-bond": { type: "string" },
    policy: { type: "string" },
    "spec-uri": { type: "string" },
    "spec-file": { type: "string" },
  },
  async run({ values, out, connect }) {
    let gpuModel = values["gpu-model"] as string | undefined;
    let gpusPerUnit =
      values["gpus-per-unit"] !== undefined
        ? parseCount(values["gpus-per-unit"] as string, "--gpus-per-unit")
        : undefined;
    let detected;
    if (values.detect) {
      out.progress("Reading GPUs with nvidia-smi…");
      detected = await detectGpus();
      out.progress(
        `  found ${detected.gpusPerUnit}× ${detected.gpus[0].name} (${detected.gpuModel}), driver ${detected.driver}`,
      );
      gpuModel ??= detected.gpuModel;
      gpusPerUnit ??= BigInt(detected.gpusPerUnit);
    }
    if (!gpuModel) throw usage("--gpu-model is required (or pass --detect)");
    if (gpusPerUnit === undefined) throw usage("--gpus-per-unit is required (or pass --detect)");
    const units = parseCount(values.units as string, "--units");
    const region = required(values.region as string, "--region");
    const minDuration = parseDuration(values["min-duration"] as string, "--min-duration");
    const maxDuration = parseDuration(values["max-duration"] as string, "--max-duration");
    let gpuModelHex, regionHex;
    try {
      gpuModelHex = encodeGpuModel(gpuModel);
      regionHex = encodeRegion(region);
    } catch (err) {
      throw usage((err as Error).message);
    }
    const priceRaw = required(values.price as string, "--price");
    const c = await connect();
    const tokenAddress = await resolveToken(c, required(values.token as string, "--token"));
    const token = await c.token(tokenAddress);
    const grid = await bondToken(c);
    c.errorContext = { token, bondToken: grid };
    const pricePerGpuHour = parseAmount(priceRaw, "--price", token.decimals);
    const minProviderBond = values["min-bond"]
      ? parseAmount(values["min-bond"] as string, "--min-bond", grid.decimals)
      : 0n;
    const policy = values.policy
      ? parseAddressArg(values.policy as string, "--policy")
      : zeroAddress;
    let specHash: `0x${string}` = `0x${"00".repeat(32)}`;
    if (values["spec-file"]) {
      try {
        specHash = keccak256(toHex(readFileSync(values["spec-file"] as string)));
      } catch (err) {
        throw usage(`--spec-file: ${(err as Error).message}`);
      }
    } else if (detected) {
      specHash = keccak256(toHex(JSON.stringify(detected.gpus)));
    }
    const w = await c.wallet();
    const mined = await confirm(
      c,
      `Creating an offer: ${units}× ${gpusPerUnit} ${gpuModel} in ${region} at ${formatTokenAmount(pricePerGpuHour, token)}/GPU-hour`,
      () =>
        createOffer(w, {
          market: c.market,
          offer: {
            gpuModel: gpuModelHex,
            gpusPerUnit,
            totalUnits: units,
            region: regionHex,
            paymentToken: tokenAddress,
            pricePerGpuHour,
            minDuration,
            maxDuration,
            minProviderBond,
            buyerPolicy: policy,
            specHash,
            specURI: (values["spec-uri"] as string | undefined) ?? "",
          },
        }),
    );
    out.result(
      {
        offerId: mined.offerId,
        gpuModel,
        gpusPerUnit,
        units,
        region,
        paymentToken: tokenAddress,
        pricePerGpuHour,
        detected: detected ?? null,
        tx: mined.hash,
      },
      () => `Created offer #${mined.offerId}.`,
    );
  },
};

function offerUpdate(
  name: string,
  summary: string,
  extra: Command["options"],
  help: string,
  act: (
    c: Context,
    offerId: bigint,
    values: Record<string, unknown>,
    offer: OfferRecord,
  ) => Promise<{ what: string; send: Parameters<typeof confirm>[2] }>,
): Command {
  return {
    name: `offer ${name}`,
    summary,
    help: `--offer ID ${help}`,
    options: { offer: { type: "string" }, ...extra },
    async run({ values, out, connect }) {
      const offerId = parseCount(values.offer as string, "--offer");
      const c = await connect();
      const offer = await loadOffer(c, offerId);
      const { what, send } = await act(c, offerId, values, offer);
      const mined = await confirm(c, what, send);
      const after = await loadOffer(c, offerId);
      const token = await c.token(after.paymentToken);
      out.result(
        { ...describeOffer(offerId, after, token), tx: mined.hash },
        () => `Offer #${offerId} updated.`,
      );
    },
  };
}

const setPrice = offerUpdate(
  "set-price",
  "Change an offer's price per GPU-hour (for new leases)",
  { price: { type: "string" } },
  "--price AMOUNT",
  async (c, offerId, v, offer) => {
    const token = await c.token(offer.paymentToken);
    c.errorContext = { ...c.errorContext, token };
    const pricePerGpuHour = parseAmount(v.price as string, "--price", token.decimals);
    const w = await c.wallet();
    return {
      what: `Setting offer #${offerId} to ${formatTokenAmount(pricePerGpuHour, token)}/GPU-hour`,
      send: () => setOfferPrice(w, { market: c.market, offerId, pricePerGpuHour }),
    };
  },
);
const setUnits = offerUpdate(
  "set-units",
  "Change how many units (servers) an offer lists",
  { units: { type: "string" } },
  "--units N",
  async (c, offerId, v) => {
    const totalUnits = parseCount(v.units as string, "--units", { min: 0n });
    const w = await c.wallet();
    return {
      what: `Setting offer #${offerId} to ${totalUnits} units`,
      send: () => setOfferUnits(w, { market: c.market, offerId, totalUnits }),
    };
  },
);
const pause = offerUpdate("pause", "Stop new leases on an offer", {}, "", async (c, offerId) => {
  const w = await c.wallet();
  return {
    what: `Pausing offer #${offerId}`,
    send: () => setOfferPaused(w, { market: c.market, offerId, paused: true }),
  };
});
const resume = offerUpdate(
  "resume",
  "Accept new leases on a paused offer again",
  {},
  "",
  async (c, offerId) => {
    const w = await c.wallet();
    return {
      what: `Resuming offer #${offerId}`,
      send: () => setOfferPaused(w, { market: c.market, offerId, paused: false }),
    };
  },
);

const offerShow: Command = {
  name: "offer show",
  summary: "Show an offer's terms",
  help: "--offer ID",
  options: { offer: { type: "string" } },
  async run({ values, out, connect }) {
    const offerId = parseCount(values.offer as string, "--offer");
    const c = await connect();
    const o = await loadOffer(c, offerId);
    const d = describeOffer(offerId, o, await c.token(o.paymentToken));
    out.result(
      d,
      () =>
        `Offer #${offerId}: ${d.totalUnits}× ${d.gpusPerUnit} ${d.gpuModel} in ${d.region} at ${d.price}/GPU-hour, ${d.unitsInUse} in use${d.paused ? ", paused" : ""}`,
    );
  },
};

/** Leases of `provider` with something to claim now, and the total (per payment token). */
export async function claimableLeases(c: Context, provider: Address) {
  const offers = await providerOfferIds(c, provider);
  const opened = await leasesOpened(c, { offerIds: offers });
  const found: { leaseId: bigint; claimable: bigint; token: Address }[] = [];
  for (const log of opened) {
    const lease = await getLease(c.client, { market: c.market, leaseId: log.args.leaseId });
    if (lease.claimable > 0n)
      found.push({ leaseId: lease.leaseId, claimable: lease.claimable, token: lease.paymentToken });
  }
  return found;
}

const claimCommand: Command = {
  name: "provider claim",
  summary: "Claim your accrued earnings (all your leases, or the ones given)",
  help: "[--lease ID,ID,…]",
  options: { lease: { type: "string" } },
  async run({ values, out, connect }) {
    const c = await connect();
    const w = await c.wallet();
    let ids: bigint[];
    if (values.lease)
      ids = String(values.lease)
        .split(",")
        .map((s) => parseCount(s, "--lease"));
    else {
      out.progress("Finding leases with earnings to claim…");
      ids = (await claimableLeases(c, w.account.address)).map((l) => l.leaseId);
    }
    if (ids.length === 0) {
      out.result({ claimed: [] }, () => "Nothing to claim.");
      return;
    }
    const claimed: { leaseId: bigint; provider: Address; gross: bigint; fee: bigint }[] = [];
    for (let i = 0; i < ids.length; i += 200) {
      const batch = ids.slice(i, i + 200);
      const mined = await confirm(c, `Claiming ${batch.length} lease(s)`, () =>
        claim(w, { market: c.market, leaseIds: batch }),
      );
      claimed.push(...mined.claimed);
    }
    out.result(
      { claimed },
      () =>
        claimed
          .map(
            (e) => `  lease #${e.leaseId}: ${e.gross - e.fee} after a fee of ${e.fee} (base units)`,
          )
          .join("\n") || "Nothing was claimable.",
    );
  },
};

export const providerCommands: Command[] = [
  register,
  info,
  bondCommand("deposit"),
  bondCommand("withdraw"),
  offerCreate,
  offerShow,
  setPrice,
  setUnits,
  pause,
  resume,
  claimCommand,
];
