/** Provider commands: registration, bond, offers, claims. */
import { keccak256, toHex, zeroAddress, type Address } from "viem";
import {
  claim,
  createOffer,
  createReservedOffer,
  encodeGpuModel,
  encodeRegion,
  formatTokenAmount,
  getLease,
  getOfferTerms,
  getProvider,
  registerProvider,
  setOfferPaused,
  setOfferPrice,
  setOfferUnits,
  type OfferRecord,
} from "@gridlease/sdk";
import { readFileSync } from "node:fs";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, parseAmount, parseCount, parseDuration, required } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { errorMessage, usage } from "../exit.ts";
import { easFor } from "../eas.ts";
import { detectGpus } from "../gpu.ts";
import { detectedOfferSpec } from "../hardware/offerSpec.ts";
import type { Output } from "../output.ts";
import { leasesOpened, providerOfferIds } from "../chainData.ts";
import { describeOffer, loadOffer, resolveToken } from "../offers.ts";
import { describeTerms, reservedTermsFromFlags } from "../reservedTerms.ts";
import { bondCommands, bondsOf } from "./bonds.ts";

const register = defineCommand({
  name: "provider register",
  summary: "Register your account as a provider",
  help: "--metadata-uri URI\n\n  --metadata-uri URI  public description of you (https:// or ipfs://)",
  options: { "metadata-uri": { type: "string" } },
  async run({ values, out, connect }) {
    const metadataURI = required(values["metadata-uri"], "--metadata-uri");
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
});

const info = defineCommand({
  name: "provider info",
  summary: "Show a provider's registration, bond and offers",
  help: "[--address ADDRESS]\n\n  --address ADDRESS  provider to show (default: your account)",
  options: { address: { type: "string" } },
  async run({ values, out, connect }) {
    const address = values.address ? parseAddressArg(values.address, "--address") : undefined;
    const c = await connect();
    const provider = address ?? (await c.wallet()).account.address;
    const record = await getProvider(c.client, { market: c.market, provider });
    const bonds = await bondsOf(c, provider);
    const offers: ReturnType<typeof describeOffer>[] = [];
    for (const id of await providerOfferIds(c, provider)) {
      const o = await loadOffer(c, id);
      offers.push(describeOffer(id, o, await c.token(o.paymentToken)));
    }
    out.result({ provider, registered: record.registered, bonds, offers }, () =>
      [
        `Provider ${provider}: ${record.registered ? "registered" : "not registered"}`,
        ...bonds.filter((b) => b.amount > 0n).map((b) => `  bond in ${b.symbol}: ${b.text}`),
        ...offers.map(
          (o) =>
            `  offer #${o.offerId}: ${o.totalUnits}× ${o.gpusPerUnit} ${o.gpuModel} in ${o.region} at ${o.price}/GPU-hour, ${o.unitsInUse} in use${o.paused ? ", paused" : ""}`,
        ),
      ].join("\n"),
    );
  },
});

const offerCreate = defineCommand({
  name: "offer create",
  summary: "List GPU capacity (use --detect to read this server's GPUs with nvidia-smi)",
  help: `(--detect | --gpu-model CODE --gpus-per-unit N) --units N --region CODE --token SYMBOL|ADDRESS
       --price AMOUNT --min-duration D --max-duration D --min-bond AMOUNT [--repair-window D] [--policy ADDRESS|attestation]
       [--spec-uri URI] [--spec-file FILE] [--prepaid-window D] [--commitment D (--notice D | --exit-fee-bps N)]

  --detect             read model and GPU count from nvidia-smi (GRIDLEASE_NVIDIA_SMI names another binary)
  --gpu-model CODE     market model code, e.g. H100-SXM-80GB
  --gpus-per-unit N    GPUs in one unit (a server)
  --units N            servers offered
  --region CODE        e.g. AU-QLD
  --token T            payment token symbol (e.g. tUSD, GRID) or address
  --price AMOUNT       price per GPU-hour in the payment token, e.g. 1.95
  --min-duration D     shortest lease, e.g. 1h (durations: 3600, 90m, 1h, 7d)
  --max-duration D     longest lease, e.g. 30d
  --min-bond AMOUNT    bond you must hold in the payment token for leases to open (default 0); each lease reserves
                       the larger of half of it and 10% of what its buyer escrows, paid to the buyer if you fail
  --repair-window D    time you have to resolve an outage a buyer reports, 15m to 7d (default 4h); after it the
                       buyer may end the lease with a refund and your bond penalty
  --policy ADDRESS     buyer policy contract (default: anyone may lease); \`attestation\`: the AttestationPolicy,
                       whose buyers need an attestation you name with \`offer require\`
  --spec-uri URI       spec document (CPU, RAM, NVMe, interconnect)
  --spec-file FILE     spec JSON; its keccak256 becomes the spec hash
  --spec-out FILE      with --detect: write the spec JSON (with the hardware report) to publish at --spec-uri

Reserved capacity (fixed for the offer's life):
  --prepaid-window D   leases may run longer than they prepay: at least this much (1d to --max-duration) is
                       prepaid at open and kept funded by top-ups
  --commitment D       a minimum term (at most --min-duration) during which the buyer's early exit costs either
  --notice D             a billed notice period (up to the commitment), or
  --exit-fee-bps N       a fee in bps of the remaining committed value (1 to 3000)`,
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
    "repair-window": { type: "string", default: "4h" },
    policy: { type: "string" },
    "spec-uri": { type: "string" },
    "spec-file": { type: "string" },
    "spec-out": { type: "string" },
    "prepaid-window": { type: "string" },
    commitment: { type: "string" },
    notice: { type: "string" },
    "exit-fee-bps": { type: "string" },
  },
  async run({ values, out, connect }) {
    let gpuModel = values["gpu-model"];
    let gpusPerUnit =
      values["gpus-per-unit"] !== undefined
        ? parseCount(values["gpus-per-unit"], "--gpus-per-unit")
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
    const units = parseCount(values.units, "--units");
    const region = required(values.region, "--region");
    const minDuration = parseDuration(values["min-duration"], "--min-duration");
    const maxDuration = parseDuration(values["max-duration"], "--max-duration");
    const repairWindow = parseDuration(values["repair-window"], "--repair-window");
    let gpuModelHex, regionHex;
    try {
      gpuModelHex = encodeGpuModel(gpuModel);
      regionHex = encodeRegion(region);
    } catch (err) {
      throw usage(errorMessage(err));
    }
    const priceRaw = required(values.price, "--price");
    const terms = reservedTermsFromFlags(values);
    const c = await connect();
    const tokenAddress = await resolveToken(c, required(values.token, "--token"));
    const token = await c.token(tokenAddress);
    c.errorContext = { token, bondToken: token };
    const pricePerGpuHour = parseAmount(priceRaw, "--price", token.decimals);
    const minProviderBond = values["min-bond"]
      ? parseAmount(values["min-bond"], "--min-bond", token.decimals)
      : 0n;
    const policy =
      values.policy === "attestation"
        ? easFor(c).policy
        : values.policy
          ? parseAddressArg(values.policy, "--policy")
          : zeroAddress;
    let specHash: `0x${string}` = `0x${"00".repeat(32)}`;
    let spec: Awaited<ReturnType<typeof detectedOfferSpec>> | undefined;
    if (values["spec-file"]) {
      try {
        specHash = keccak256(toHex(readFileSync(values["spec-file"])));
      } catch (err) {
        throw usage(`--spec-file: ${errorMessage(err)}`);
      }
    } else if (detected) {
      spec = await detectedOfferSpec({
        detected,
        gpuModel,
        gpusPerUnit,
        specOut: values["spec-out"],
        out,
      });
      specHash = spec.specHash;
    }
    const w = await c.wallet();
    const offer = {
      gpuModel: gpuModelHex,
      gpusPerUnit,
      totalUnits: units,
      region: regionHex,
      paymentToken: tokenAddress,
      pricePerGpuHour,
      minDuration,
      maxDuration,
      repairWindow,
      minProviderBond,
      buyerPolicy: policy,
      specHash,
      specURI: values["spec-uri"] ?? "",
    };
    const what = `Creating an offer: ${units}× ${gpusPerUnit} ${gpuModel} in ${region} at ${formatTokenAmount(pricePerGpuHour, token)}/GPU-hour`;
    const mined = terms
      ? await confirm(c, `${what}, ${describeTerms(terms)}`, () =>
          createReservedOffer(w, { market: c.market, params: offer, terms }),
        )
      : await confirm(c, what, () => createOffer(w, { market: c.market, offer }));
    out.result(
      {
        offerId: mined.offerId,
        gpuModel,
        gpusPerUnit,
        units,
        region,
        paymentToken: tokenAddress,
        pricePerGpuHour,
        minProviderBond,
        terms: terms ?? null,
        detected: detected ?? null,
        specHash,
        spec: spec?.spec ?? null,
        tx: mined.hash,
      },
      () => `Created offer #${mined.offerId}.`,
    );
  },
});

/** The common part of the `offer set-*`, `pause` and `resume` commands: load, send the change, show the result. */
async function updateOffer(
  {
    values,
    out,
    connect,
  }: { values: { offer?: string }; out: Output; connect: () => Promise<Context> },
  act: (
    c: Context,
    offerId: bigint,
    offer: OfferRecord,
  ) => Promise<{ what: string; send: Parameters<typeof confirm>[2] }>,
): Promise<void> {
  const offerId = parseCount(values.offer, "--offer");
  const c = await connect();
  const offer = await loadOffer(c, offerId);
  const { what, send } = await act(c, offerId, offer);
  const mined = await confirm(c, what, send);
  const after = await loadOffer(c, offerId);
  const token = await c.token(after.paymentToken);
  out.result(
    { ...describeOffer(offerId, after, token), tx: mined.hash },
    () => `Offer #${offerId} updated.`,
  );
}

const setPrice = defineCommand({
  name: "offer set-price",
  summary: "Change an offer's price per GPU-hour (for new leases)",
  help: "--offer ID --price AMOUNT",
  options: { offer: { type: "string" }, price: { type: "string" } },
  run: (args) =>
    updateOffer(args, async (c, offerId, offer) => {
      const token = await c.token(offer.paymentToken);
      c.errorContext = { ...c.errorContext, token };
      const pricePerGpuHour = parseAmount(args.values.price, "--price", token.decimals);
      const w = await c.wallet();
      return {
        what: `Setting offer #${offerId} to ${formatTokenAmount(pricePerGpuHour, token)}/GPU-hour`,
        send: () => setOfferPrice(w, { market: c.market, offerId, pricePerGpuHour }),
      };
    }),
});

const setUnits = defineCommand({
  name: "offer set-units",
  summary: "Change how many units (servers) an offer lists",
  help: "--offer ID --units N",
  options: { offer: { type: "string" }, units: { type: "string" } },
  run: (args) =>
    updateOffer(args, async (c, offerId) => {
      const totalUnits = parseCount(args.values.units, "--units", { min: 0n });
      const w = await c.wallet();
      return {
        what: `Setting offer #${offerId} to ${totalUnits} units`,
        send: () => setOfferUnits(w, { market: c.market, offerId, totalUnits }),
      };
    }),
});

function pauseCommand(paused: boolean): Command {
  return defineCommand({
    name: paused ? "offer pause" : "offer resume",
    summary: paused ? "Stop new leases on an offer" : "Accept new leases on a paused offer again",
    help: "--offer ID",
    options: { offer: { type: "string" } },
    run: (args) =>
      updateOffer(args, async (c, offerId) => {
        const w = await c.wallet();
        return {
          what: `${paused ? "Pausing" : "Resuming"} offer #${offerId}`,
          send: () => setOfferPaused(w, { market: c.market, offerId, paused }),
        };
      }),
  });
}

const offerShow = defineCommand({
  name: "offer show",
  summary: "Show an offer's terms",
  help: "--offer ID",
  options: { offer: { type: "string" } },
  async run({ values, out, connect }) {
    const offerId = parseCount(values.offer, "--offer");
    const c = await connect();
    const o = await loadOffer(c, offerId);
    const d = describeOffer(offerId, o, await c.token(o.paymentToken));
    const terms = await getOfferTerms(c.client, { market: c.market, offerId });
    out.result(
      { ...d, terms },
      () =>
        `Offer #${offerId}: ${d.totalUnits}× ${d.gpusPerUnit} ${d.gpuModel} in ${d.region} at ${d.price}/GPU-hour, ${d.unitsInUse} in use${d.paused ? ", paused" : ""}\n  ${describeTerms(terms)}`,
    );
  },
});

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

const claimCommand = defineCommand({
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
    // Each lease's payment token, to show the amounts in it.
    const tokens = await Promise.all(
      claimed.map(async (e) =>
        c.token((await getLease(c.client, { market: c.market, leaseId: e.leaseId })).paymentToken),
      ),
    );
    out.result(
      { claimed },
      () =>
        claimed
          .map(
            (e, i) =>
              `  lease #${e.leaseId}: ${formatTokenAmount(e.gross - e.fee, tokens[i])} after a fee of ${formatTokenAmount(e.fee, tokens[i])}`,
          )
          .join("\n") || "Nothing was claimable.",
    );
  },
});

export const providerCommands: Command[] = [
  register,
  info,
  ...bondCommands,
  offerCreate,
  offerShow,
  setPrice,
  setUnits,
  pauseCommand(true),
  pauseCommand(false),
  claimCommand,
];
