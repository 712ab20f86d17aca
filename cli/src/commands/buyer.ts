/** Buyer commands: open, list, show, extend, terminate and cancel leases, and read their access details. */
import { isAddressEqual, isHex, zeroAddress, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";
import {
  cancelLease,
  decodeGpuModel,
  ensureAllowance,
  explainError,
  extendLease,
  extensionCost,
  formatDuration,
  formatTime,
  fundingRange,
  getLeaseTerms,
  getOfferTerms,
  getTopUpAllowance,
  formatTokenAmount,
  getLeaseState,
  gridleaseTokenAbi,
  openLease,
  openLeaseWithPermit,
  openRollingLease,
  quoteLease,
  readAccessDetails,
  terminateLease,
  type LeaseView,
} from "@gridlease/sdk";
import { policyCheck } from "@gridlease/sdk/eas";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, parseCount, parseDuration } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";
import { readAccessKeyFile } from "../accessKeyFile.ts";
import { leasesOpened, providerOfferIds, scanStart } from "../chainData.ts";
import { loadOffer } from "../offers.ts";
import { easIfDeployed } from "../eas.ts";
import { fetchInventory } from "../bastion.ts";
import { quoteJson, quoteLines } from "../reservedTerms.ts";

async function balanceOf(c: Context, token: Address, owner: Address): Promise<bigint> {
  return readContract(c.client, {
    address: token,
    abi: gridleaseTokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
}

/** The lease and its state now (with its payment token in the error context), or exit 7 when it does not exist. */
export async function leaseOrFail(c: Context, leaseId: bigint) {
  const s = await getLeaseState(c.client, { market: c.market, leaseId }).catch((err: unknown) => {
    if (explainError(err).errorName === "Market_UnknownLease")
      throw new CliError(EXIT.NOT_FOUND, `Lease #${leaseId} does not exist.`, "not-found");
    throw err;
  });
  if (Number(s.lease.status) === 0)
    throw new CliError(EXIT.NOT_FOUND, `Lease #${leaseId} does not exist.`, "not-found");
  const token = await c.token(s.lease.paymentToken);
  c.errorContext = { ...c.errorContext, token };
  return { ...s, token };
}

function leaseSummary(lease: LeaseView, state: Awaited<ReturnType<typeof getLeaseState>>["state"]) {
  return {
    leaseId: lease.leaseId,
    offerId: lease.offerId,
    buyer: lease.buyer,
    provider: lease.provider,
    status: state.status,
    label: state.label,
    units: lease.units,
    gpusPerUnit: lease.gpusPerUnit,
    pricePerGpuHour: lease.pricePerGpuHour,
    paymentToken: lease.paymentToken,
    duration: lease.duration,
    start: lease.start,
    end: lease.end,
    activationDeadline: lease.activationDeadline,
    remainingSeconds: state.remainingSeconds,
    deposit: state.deposit,
    accrued: state.accrued,
    refundableNow: state.refundableNow,
    claimable: state.claimable,
    endReason: state.endReason,
  };
}

/**
 * On an offer under the AttestationPolicy, asks the policy first: a buyer it would refuse learns why (no
 * registered attestation, an attester the provider does not name, revoked, expired) before anything is sent.
 */
async function refuseIfAttestationMissing(
  c: Context,
  offerId: bigint,
  policy: Address,
  buyer: Address,
) {
  const deployment = isAddressEqual(policy, zeroAddress) ? undefined : easIfDeployed(c);
  if (!deployment || !isAddressEqual(policy, deployment.policy)) return;
  const check = await policyCheck(c.client, { deployment, offerId, buyer });
  if (!check.allowed)
    throw new CliError(
      EXIT.REJECTED,
      `Offer #${offerId} admits only buyers holding an attestation its provider names, and the policy refuses ${buyer}: ${check.reason} Nothing was sent.`,
      "Market_BuyerNotAllowed",
    );
}

const leaseOpenCommand = defineCommand({
  name: "lease open",
  summary: "Rent capacity: escrow the deposit and open a lease (permit by default, or --approve)",
  help: `--offer ID --units N (--duration D | --rolling --term D [--funded D]) (--key FILE | --public-key HEX)
       [--slippage-bps N] [--approve]

  --offer ID          offer to rent from
  --units N           servers to rent
  --duration D        e.g. 2h, 1d (durations: 3600, 90m, 1h, 7d), prepaid in full
  --rolling           on an offer with a prepaid window: a lease of --term that prepays only --funded now and
                      is kept funded by top-ups (\`lease topup allow\`); the offer's commitment and exit terms
                      are shown before anything is sent
  --term D            how long a rolling lease may run
  --funded D          seconds prepaid at open (default: the offer's prepaid window, or the term if shorter)
  --key FILE          your access key file (gridlease keys generate); its public key goes on chain
  --public-key HEX    or the X25519 public key itself
  --slippage-bps N    accept a price up to N basis points above the current one (default 0)
  --approve           use an ERC-20 approval transaction instead of a permit signature`,
  options: {
    offer: { type: "string" },
    units: { type: "string" },
    duration: { type: "string" },
    rolling: { type: "boolean", default: false },
    term: { type: "string" },
    funded: { type: "string" },
    key: { type: "string" },
    "public-key": { type: "string" },
    "slippage-bps": { type: "string" },
    approve: { type: "boolean", default: false },
  },
  async run({ values, out, connect, settings }) {
    const offerId = parseCount(values.offer, "--offer");
    const units = parseCount(values.units, "--units");
    if (values.rolling && values.duration !== undefined)
      throw usage(
        "--duration is for a lease prepaid in full; a --rolling lease takes --term (and --funded)",
      );
    if (!values.rolling && (values.term !== undefined || values.funded !== undefined))
      throw usage("--term and --funded open a rolling lease: add --rolling");
    const duration = values.rolling
      ? parseDuration(values.term, "--term")
      : parseDuration(values.duration, "--duration");
    let funded = values.funded === undefined ? undefined : parseDuration(values.funded, "--funded");
    const slippageBps = values["slippage-bps"]
      ? parseCount(values["slippage-bps"], "--slippage-bps", { min: 0n })
      : 0n;
    let publicKey: Hex;
    const rawPublicKey = values["public-key"];
    if (rawPublicKey) {
      if (!isHex(rawPublicKey) || rawPublicKey.length !== 66)
        throw usage("--public-key must be 32 bytes of hex (0x + 64 digits)");
      publicKey = rawPublicKey;
    } else publicKey = readAccessKeyFile(values.key ?? settings.accessKey).publicKeyHex;
    const c = await connect();
    const offer = await loadOffer(c, offerId);
    if (values.rolling && funded === undefined) {
      const terms = await getOfferTerms(c.client, { market: c.market, offerId });
      if (terms.prepaidWindow === 0n)
        throw new CliError(
          EXIT.REJECTED,
          `Offer #${offerId} has no prepaid window: its leases are prepaid in full (use --duration). Nothing was sent.`,
          "Market_NotRollingOffer",
        );
      funded = fundingRange(terms, duration).min;
    }
    const quote = await quoteLease(c.client, {
      market: c.market,
      offerId,
      units,
      duration,
      funded,
      slippageBps,
    });
    const token = await c.token(quote.paymentToken);
    c.errorContext = { ...c.errorContext, token };
    if (quote.problems.length > 0)
      throw new CliError(
        EXIT.REJECTED,
        `The market would refuse this lease: ${quote.problems.join(" ")}`,
        "quote",
      );
    const w = await c.wallet();
    await refuseIfAttestationMissing(c, offerId, offer.buyerPolicy, w.account.address);
    const balance = await balanceOf(c, quote.paymentToken, w.account.address);
    if (balance < quote.maxDeposit)
      throw new CliError(
        EXIT.FUNDS,
        `Your balance of ${formatTokenAmount(balance, token)} does not cover the deposit of ${formatTokenAmount(quote.maxDeposit, token)}.`,
        "balance",
      );
    // The exit terms and the penalty are shown before anything is signed (issue #12, "Commitments").
    for (const line of quoteLines(quote, token)) out.progress(line);
    const request = {
      market: c.market,
      offerId,
      units,
      duration,
      maxPricePerGpuHour: quote.maxPricePerGpuHour,
      buyerPublicKey: publicKey,
    };
    let mined;
    if (funded !== undefined) {
      // openRollingLease has no permit form: approve the deposit, then open.
      const { approval } = await ensureAllowance(w, {
        token: quote.paymentToken,
        spender: c.market,
        amount: quote.maxDeposit,
      });
      if (approval)
        await confirm(
          c,
          `Approving ${formatTokenAmount(quote.maxDeposit, token)} for the market`,
          async () => approval,
        );
      const rolling = { ...request, term: duration, funded };
      mined = await confirm(c, "Opening the rolling lease", () => openRollingLease(w, rolling));
    } else if (values.approve) {
      const { approval } = await ensureAllowance(w, {
        token: quote.paymentToken,
        spender: c.market,
        amount: quote.maxDeposit,
      });
      if (approval)
        await confirm(
          c,
          `Approving ${formatTokenAmount(quote.maxDeposit, token)} for the market`,
          async () => approval,
        );
      mined = await confirm(c, "Opening the lease", () => openLease(w, request));
    } else {
      mined = await confirm(c, "Signing a permit and opening the lease", () =>
        openLeaseWithPermit(w, { ...request, permitValue: quote.maxDeposit }),
      );
    }
    const { lease, state } = await leaseOrFail(c, mined.leaseId);
    out.result(
      { ...leaseSummary(lease, state), quote: quoteJson(quote), tx: mined.hash },
      () =>
        `Opened lease #${mined.leaseId}. The provider must activate it by ${formatTime(lease.activationDeadline)}; then run \`gridlease lease access --lease ${mined.leaseId}\`.`,
    );
  },
});

const leaseList = defineCommand({
  name: "lease list",
  summary:
    "List your leases (as buyer, or --provider for leases of your offers), read from chain events",
  help: "[--provider] [--address ADDRESS] [--active]",
  options: {
    provider: { type: "boolean", default: false },
    address: { type: "string" },
    active: { type: "boolean", default: false },
  },
  async run({ values, out, connect }) {
    const address = values.address ? parseAddressArg(values.address, "--address") : undefined;
    const c = await connect();
    const who = address ?? (await c.wallet()).account.address;
    const opened = values.provider
      ? await leasesOpened(c, { offerIds: await providerOfferIds(c, who) })
      : await leasesOpened(c, { buyer: who });
    const leases: ReturnType<typeof leaseSummary>[] = [];
    for (const log of opened) {
      const { lease, state } = await getLeaseState(c.client, {
        market: c.market,
        leaseId: log.args.leaseId,
      });
      if (values.active && state.status === "Ended") continue;
      leases.push(leaseSummary(lease, state));
    }
    out.result({ account: who, role: values.provider ? "provider" : "buyer", leases }, () =>
      leases.length === 0
        ? "No leases."
        : leases
            .map(
              (l) =>
                `#${l.leaseId}  offer #${l.offerId}  ${l.units}× ${l.gpusPerUnit} GPUs  ${l.status}: ${l.label}${l.status === "Active" ? ` (${formatDuration(l.remainingSeconds)} left)` : ""}`,
            )
            .join("\n"),
    );
  },
});

const leaseShow = defineCommand({
  name: "lease show",
  summary: "Show one lease: status, times, amounts, and its term, funding, commitment and top-ups",
  help: "--lease ID",
  options: { lease: { type: "string" } },
  async run({ values, out, connect }) {
    const leaseId = parseCount(values.lease, "--lease");
    const c = await connect();
    const { lease, state, token } = await leaseOrFail(c, leaseId);
    const offer = await loadOffer(c, lease.offerId);
    const [terms, allowance] = await Promise.all([
      getLeaseTerms(c.client, { market: c.market, leaseId }),
      getTopUpAllowance(c.client, { market: c.market, leaseId }),
    ]);
    const amount = (v: bigint) => formatTokenAmount(v, token);
    const reserved = [
      terms.rolling
        ? `  rolling: a ${formatDuration(terms.term)} term, funded until ${terms.fundedUntil > 0n ? formatTime(terms.fundedUntil) : "activation + the funded time"}${terms.graceEnds > 0n ? `; if not topped up, the provider may end it after ${formatTime(terms.graceEnds)}` : ""}`
        : "",
      terms.committed
        ? `  committed until ${terms.commitmentEnds > 0n ? formatTime(terms.commitmentEnds) : "activation + the commitment"}: leaving now costs ${amount(terms.exitChargeNow)}${terms.exitEscrow > 0n ? ` (${amount(terms.exitEscrow)} escrowed for it)` : ""}`
        : "",
      `  penalty reserved from the provider's bond: ${amount(terms.penalty)}`,
      allowance.perTopUp > 0n
        ? `  top-ups allowed: up to ${amount(allowance.perTopUp)} each, ${amount(allowance.remaining)} left, once under ${formatDuration(BigInt(allowance.runwayThreshold))} of runway`
        : terms.rolling
          ? "  top-ups: none allowed (`lease topup allow`)"
          : "",
    ];
    out.result(
      {
        ...leaseSummary(lease, state),
        gpuModel: decodeGpuModel(offer.gpuModel),
        terms,
        topUpAllowance: allowance,
      },
      () =>
        [
          `Lease #${leaseId}: ${state.label}`,
          `  ${lease.units}× ${lease.gpusPerUnit} ${decodeGpuModel(offer.gpuModel)} at ${amount(lease.pricePerGpuHour)}/GPU-hour`,
          `  deposit ${amount(state.deposit)}, accrued ${amount(state.accrued)}, refundable now ${amount(state.refundableNow)}`,
          state.status === "Active"
            ? `  ends ${formatTime(lease.end)} (${formatDuration(state.remainingSeconds)} left)`
            : "",
          ...reserved,
        ]
          .filter(Boolean)
          .join("\n"),
    );
  },
});

const leaseExtend = defineCommand({
  name: "lease extend",
  summary:
    "Add time to a pending or active lease at its locked price (approves the top-up if needed)",
  help: "--lease ID --by D",
  options: { lease: { type: "string" }, by: { type: "string" } },
  async run({ values, out, connect }) {
    const leaseId = parseCount(values.lease, "--lease");
    const addedDuration = parseDuration(values.by, "--by");
    const c = await connect();
    const { lease, token } = await leaseOrFail(c, leaseId);
    const topUp = extensionCost(
      {
        pricePerGpuHour: lease.pricePerGpuHour,
        gpusPerUnit: lease.gpusPerUnit,
        units: lease.units,
        duration: lease.duration,
        feeBps: lease.feeBps,
      },
      addedDuration,
    );
    const w = await c.wallet();
    const { approval } = await ensureAllowance(w, {
      token: lease.paymentToken,
      spender: c.market,
      amount: topUp,
    });
    if (approval)
      await confirm(
        c,
        `Approving ${formatTokenAmount(topUp, token)} for the market`,
        async () => approval,
      );
    const mined = await confirm(
      c,
      `Extending lease #${leaseId} by ${formatDuration(addedDuration)} for ${formatTokenAmount(topUp, token)}`,
      () => extendLease(w, { market: c.market, leaseId, addedDuration }),
    );
    const after = await leaseOrFail(c, leaseId);
    out.result(
      { ...leaseSummary(after.lease, after.state), topUp, tx: mined.hash },
      () => `Lease #${leaseId} extended by ${formatDuration(addedDuration)}.`,
    );
  },
});

function endCommand(kind: "terminate" | "cancel"): Command {
  return defineCommand({
    name: `lease ${kind}`,
    summary:
      kind === "terminate"
        ? "End an active lease early; the unused deposit comes back"
        : "Cancel a lease the provider did not activate in time: full refund plus a penalty from its bond",
    help: "--lease ID",
    options: { lease: { type: "string" } },
    async run({ values, out, connect }) {
      const leaseId = parseCount(values.lease, "--lease");
      const c = await connect();
      const { token } = await leaseOrFail(c, leaseId);
      const w = await c.wallet();
      const mined = await confirm(
        c,
        `${kind === "terminate" ? "Terminating" : "Cancelling"} lease #${leaseId}`,
        () =>
          (kind === "terminate" ? terminateLease : cancelLease)(w, { market: c.market, leaseId }),
      );
      const ended = mined.events.find((e) => e.eventName === "LeaseEnded");
      const args = ended?.eventName === "LeaseEnded" ? ended.args : undefined;
      out.result(
        { leaseId, refund: args?.refund, penalty: args?.penalty, tx: mined.hash },
        () =>
          `Lease #${leaseId} ${kind === "terminate" ? "terminated" : "cancelled"}${args ? `: ${formatTokenAmount(args.refund, token)} refunded${args.penalty > 0n ? `, plus a bond penalty of ${formatTokenAmount(args.penalty, token)}` : ""}` : ""}.`,
      );
    },
  });
}

const leaseAccess = defineCommand({
  name: "lease access",
  summary: "Decrypt and print a lease's connection details with your access key file",
  help: "--lease ID [--key FILE]\n\n  --key FILE  access key file the lease was opened with (env GRIDLEASE_ACCESS_KEY)",
  options: { lease: { type: "string" }, key: { type: "string" } },
  async run({ values, out, connect, settings }) {
    const leaseId = parseCount(values.lease, "--lease");
    const pair = readAccessKeyFile(values.key ?? settings.accessKey);
    const c = await connect();
    const { state } = await leaseOrFail(c, leaseId);
    let details;
    try {
      details = await readAccessDetails(c.client, {
        market: c.market,
        leaseId,
        secretKey: pair.secretKey,
        fromBlock: scanStart(c),
      });
    } catch (err) {
      if (/has no access details yet/.test(errorMessage(err)))
        throw new CliError(
          EXIT.NOT_FOUND,
          `Lease #${leaseId} has no access details yet (${state.label}).`,
          "not-activated",
        );
      throw err;
    }
    // A big lease seals a bastion login and its inventory's hash: fetch the inventory over it and check it.
    if (details.inventory !== undefined)
      out.progress("Fetching the server inventory from the bastion…");
    const inventory = await fetchInventory(leaseId, details);
    out.result(
      { leaseId, status: state.status, access: details, inventory: inventory ?? null },
      () =>
        [
          `Lease #${leaseId} (${state.label})`,
          `  ${inventory ? "bastion " : ""}host ${details.host}  port ${details.port}  user ${details.user}`,
          ...(inventory
            ? [
                `  inventory (${inventory.servers.length} servers, hash checked):`,
                ...inventory.servers.map((s) => `    ${s.hostname}:${s.port}  ${s.gpus} GPUs`),
              ]
            : []),
          ...Object.entries(details)
            .filter(([k]) => !["host", "port", "user", "inventory"].includes(k))
            .map(
              ([k, v]) =>
                `  ${k}: ${typeof v === "string" && v.includes("\n") ? `\n${v}` : JSON.stringify(v)}`,
            ),
        ].join("\n"),
    );
  },
});

export const buyerCommands: Command[] = [
  leaseOpenCommand,
  leaseList,
  leaseShow,
  leaseExtend,
  endCommand("terminate"),
  endCommand("cancel"),
  leaseAccess,
];
