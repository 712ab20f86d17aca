/**
 * NVIDIA attestation commands. `attest verify` checks a report and its certificate chain from files, offline (what
 * an auditor runs on a published claim or NVIDIA's sample). `provider attest <offerId>` asks the offer's host for a
 * report on a nonce the chain fixes (bound to the market, the offer, the provider and a recent block hash), verifies
 * it here, and only then publishes it as the offer's claim. The buyer's side is `lease verify --attest` (verify.ts).
 */
import { readFileSync } from "node:fs";
import { isAddressEqual } from "viem";
import {
  decodeGpuModel,
  formatTime,
  nonceForClaim,
  publishOfferAttestation,
  readOfferClaim,
} from "@gridlease/sdk";
import {
  AttestationInputError,
  generationLabel,
  generationOfModel,
  parseCertChainPem,
  parseReportHex,
  type AttestationBundle,
  type Generation,
  verifyOfferClaim,
} from "@gridlease/sdk/attestation";
import { defineCommand, type Command } from "../command.ts";
import { parseCount, parseDuration } from "../args.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";
import { parseNonceFlag } from "../attestation/nonce.ts";
import { hookRunner, parseHookBundles } from "../attestation/hook.ts";
import {
  readTrustInputs,
  reportVerdicts,
  trustHelp,
  TRUST_OPTIONS,
  trustOptions,
  verifyBundles,
  type TrustInputs,
} from "../attestation/verdicts.ts";
import type { Output } from "../output.ts";
import { confirm, type Context } from "../context.ts";
import { loadOffer } from "../offers.ts";

function readFile(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw usage(`${flag} ${file}: ${errorMessage(err)}`);
  }
}

/** A file's contents that cannot be read as a report, chain or bundle: the evidence fails (exit 9), by its code. */
function unreadable(err: unknown, flag: string): unknown {
  if (err instanceof AttestationInputError)
    return new CliError(EXIT.ATTESTATION_FAILED, `${flag}: ${err.message}`, err.code);
  return err;
}

/** `--generation hopper|blackwell`. */
function parseGeneration(raw: string | undefined): Generation | undefined {
  if (raw === undefined) return undefined;
  if (raw === "hopper" || raw === "blackwell") return raw;
  throw usage(`--generation must be hopper or blackwell, got ${JSON.stringify(raw)}`);
}

const attestVerify = defineCommand({
  name: "attest verify",
  summary: "Verify an NVIDIA GPU attestation report and its certificate chain from files, offline",
  help: `(--report HEXFILE --chain PEMFILE | --bundle JSONFILE) [--nonce 0x…] [--generation hopper|blackwell]
       [--rim FILE]... [--device-root PEM]
   or: --offer ID [--rim FILE]... [--device-root PEM]

  --report HEXFILE          the report: SPDM GET_MEASUREMENTS request + signed response, as hex text
  --chain PEMFILE           the GPU's certificate chain, PEM, leaf first
  --bundle JSONFILE         instead: what a host's gridlease-attest printed (one bundle or an array, per GPU)
  --nonce 0x…               the nonce the report must carry (32 bytes); without it the report cannot pass
  --generation G            the GPU generation it must be (hopper or blackwell)
  --offer ID                instead: the offer's published claim, read from the chain (not the indexer): the
                            nonce is the claim's (the market bound it to a block), the generation the offer's
${trustHelp(26)}

From files nothing is sent anywhere; --offer only reads the chain. The chain of certificates is checked against
the pinned NVIDIA root, revocation is not checked. Exit 0 when every report is genuine, 9 otherwise (the verdict
is printed first), 7 for an offer without a claim, 2 for unreadable files.`,
  options: {
    report: { type: "string" },
    chain: { type: "string" },
    bundle: { type: "string" },
    nonce: { type: "string" },
    generation: { type: "string" },
    offer: { type: "string" },
    ...TRUST_OPTIONS,
  },
  async run({ values, out, connect }) {
    if (values.offer !== undefined) {
      if (
        [values.report, values.chain, values.bundle, values.nonce, values.generation].some(Boolean)
      )
        throw usage(
          "--offer takes the report, chain, nonce and generation from the offer's claim: give none of --report, --chain, --bundle, --nonce, --generation",
        );
      const offerId = parseCount(values.offer, "--offer");
      return verifyOfferClaimOnChain(await connect(), out, offerId, readTrustInputs(values));
    }
    const fromFiles = values.report !== undefined || values.chain !== undefined;
    if (fromFiles === (values.bundle !== undefined))
      throw usage("give either --report and --chain, or --bundle");
    if (fromFiles && (values.report === undefined || values.chain === undefined))
      throw usage("--report and --chain go together");
    const nonce = values.nonce === undefined ? undefined : parseNonceFlag(values.nonce);
    const generation = parseGeneration(values.generation);
    const trust = readTrustInputs(values);
    let bundles: AttestationBundle[];
    if (values.report !== undefined && values.chain !== undefined) {
      const reportText = readFile(values.report, "--report");
      const chainText = readFile(values.chain, "--chain");
      let report: Uint8Array;
      let certChain: Uint8Array[];
      try {
        report = parseReportHex(reportText);
      } catch (err) {
        throw unreadable(err, `--report ${values.report}`);
      }
      try {
        certChain = parseCertChainPem(chainText);
      } catch (err) {
        throw unreadable(err, `--chain ${values.chain}`);
      }
      bundles = [{ kind: "report", report, certChain }];
    } else bundles = parseHookBundles(readFile(values.bundle ?? "", "--bundle"));
    const gpus = await verifyBundles(bundles, { nonce, generation }, trust);
    reportVerdicts(out, {
      subject: values.bundle ?? values.report ?? "report",
      gpus,
      nonce,
      trust,
      extra: { expectedGeneration: generation ?? null },
    });
  },
});

const providerAttest = defineCommand({
  name: "provider attest",
  summary: "Publish an NVIDIA attestation of an offer's GPUs on chain (verified here first)",
  help: `<offerId> [--command CMD | --host USER@HOST[:PORT] --ssh-key FILE [--host-key FILE]] [--gpu N]
       [--rim FILE]... [--device-root PEM] [--timeout D]

  --command CMD             the attestation hook (default gridlease-attest); run here, or on --host over SSH
  --host USER@HOST[:PORT]   run the hook on that machine over SSH (port 22 by default)
  --ssh-key FILE            the OpenSSH private key for --host
  --host-key FILE           the host's public key (e.g. /etc/ssh/ssh_host_ed25519_key.pub): pinned when given
  --gpu N                   which GPU's report goes on chain (default 0); every GPU the hook lists must verify
  --timeout D               limit for the SSH login and the hook (default 60s)
${trustHelp(26)}

The nonce is the market's attestationNonce(offer, you, latest block): the report is bound to this market, offer,
provider and a block at most 256 blocks old, so nobody can replay it. Nothing is published unless every GPU's
report verifies (exit 9 with the reason); the chain then stores the report's keccak256 and emits the bytes.`,
  positionals: true,
  options: {
    command: { type: "string" },
    host: { type: "string" },
    "ssh-key": { type: "string" },
    "host-key": { type: "string" },
    gpu: { type: "string" },
    timeout: { type: "string" },
    ...TRUST_OPTIONS,
  },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("provider attest takes one offer id");
    const offerId = parseCount(positionals[0], "the offer id");
    const gpu = values.gpu === undefined ? 0 : Number(parseCount(values.gpu, "--gpu", { min: 0n }));
    const timeoutMs =
      Number(values.timeout ? parseDuration(values.timeout, "--timeout") : 60n) * 1000;
    const trust = readTrustInputs(values);
    const runner = hookRunner(values, timeoutMs);
    const c = await connect();
    const provider = (await c.wallet()).account.address;
    const offer = await loadOffer(c, offerId);
    if (!isAddressEqual(offer.provider, provider))
      throw new CliError(
        EXIT.REJECTED,
        `Offer #${offerId} belongs to ${offer.provider}, not to your account ${provider}: only its provider can publish its attestation.`,
        "not-offer-provider",
      );
    const gpuModel = decodeGpuModel(offer.gpuModel);
    const generation = generationOfModel(gpuModel);
    if (!generation)
      throw new CliError(
        EXIT.ATTESTATION_FAILED,
        `Offer #${offerId} lists ${gpuModel}, which has no NVIDIA attestation (Hopper and Blackwell GPUs only).`,
        "no-attestable-generation",
      );
    // The latest block's hash goes into the nonce; the claim must be mined within 256 blocks of it.
    const { nonceBlock, nonce } = await nonceForClaim(c.client, {
      market: c.market,
      offerId,
      provider,
    });
    out.progress(`Asking ${runner.describe} for a report on nonce ${nonce} (block ${nonceBlock})…`);
    const bundles = await runner.run(nonce);
    const gpus = await verifyBundles(bundles, { nonce, generation }, trust);
    const chosen = bundles[gpu];
    const subject = `Offer #${offerId}`;
    if (!gpus.every((g) => g.verdict.genuine) || chosen?.kind !== "report") {
      if (chosen === undefined)
        throw usage(`--gpu ${gpu}: the host listed ${bundles.length} GPU(s), numbered from 0`);
      // Prints every verdict and refuses (exit 9): nothing was sent.
      return reportVerdicts(out, {
        subject: `${subject} (nothing published)`,
        gpus,
        nonce,
        trust,
        extra: { offerId, published: false },
      });
    }
    const mined = await publish(c, {
      offerId,
      generation,
      nonceBlock,
      report: chosen.report,
      certChain: chosen.certChain,
    });
    reportVerdicts(out, {
      subject,
      gpus,
      nonce,
      trust,
      notes: [
        `published GPU ${gpu}'s report in ${mined.hash}: report hash ${gpus[gpu]?.verdict.reportHash}, generation ${generation}, nonce block ${nonceBlock}`,
      ],
      extra: {
        offerId,
        published: true,
        provider,
        generation,
        nonceBlock,
        gpu,
        reportHash: gpus[gpu]?.verdict.reportHash,
        tx: mined.hash,
      },
    });
  },
});

/**
 * `attest verify --offer`: the offer's latest claim from the chain (the stored hash and the event's bytes, so no
 * indexer is trusted), verified with the claim's nonce and the generation of the offer's GPU model.
 */
async function verifyOfferClaimOnChain(
  c: Context,
  out: Output,
  offerId: bigint,
  trust: TrustInputs,
) {
  const offer = await loadOffer(c, offerId);
  const gpuModel = decodeGpuModel(offer.gpuModel);
  const claim = await readOfferClaim(c.client, { market: c.market, offerId });
  if (!claim)
    throw new CliError(
      EXIT.NOT_FOUND,
      `Offer #${offerId} has no NVIDIA attestation claim: its provider has not published one (gridlease provider attest).`,
      "no-claim",
    );
  const verdict = await verifyOfferClaim(claim, { gpuModel }, trustOptions(trust));
  const expected = generationOfModel(gpuModel);
  reportVerdicts(out, {
    subject: `Offer #${offerId}'s attestation claim`,
    gpus: [{ gpu: 0, verdict }],
    nonce: claim.nonce,
    trust,
    notes: [
      `published ${formatTime(claim.publishedAt)} by ${claim.provider} in ${claim.txHash} (block ${claim.blockNumber})`,
      `nonce bound by the market to block ${claim.nonceBlock}, this offer and its provider`,
      `claims ${generationLabel(claim.generation)}; the offer lists ${gpuModel}${expected ? ` (${generationLabel(expected)})` : ", which names no generation"}`,
      `report hash ${claim.reportHash} (read from the chain, not the indexer)`,
    ],
    extra: {
      offerId,
      gpuModel,
      expectedGeneration: expected,
      claim: {
        provider: claim.provider,
        generation: claim.generation,
        nonceBlock: claim.nonceBlock,
        reportHash: claim.reportHash,
        publishedAt: claim.publishedAt,
        blockNumber: claim.blockNumber,
        txHash: claim.txHash,
      },
    },
  });
}

/** Sends the claim (the SDK's publishOfferAttestation action) and waits for it. */
function publish(
  c: Context,
  claim: {
    offerId: bigint;
    generation: Generation;
    nonceBlock: bigint;
    report: Uint8Array;
    certChain: Uint8Array[];
  },
) {
  return confirm(c, `Publishing the attestation of offer #${claim.offerId}`, async () =>
    publishOfferAttestation(await c.wallet(), { market: c.market, ...claim }),
  );
}

/** Every NVIDIA attestation command (`attest verify`, `provider attest`), registered in main.ts. */
export const attestCommands: Command[] = [attestVerify, providerAttest];
