/**
 * `gridlease lease verify <id>` (buyer): decrypts the lease's access details, logs in to the machine over SSH,
 * runs the hardware probe there and compares what the machine reports of itself (provider-reported inventory)
 * with the report hash the provider sealed at activation, the offer's listing and, with --spec-file, the report
 * in the offer's spec. `--throughput` adds the seeded throughput check. A mismatch prints the verdict and exits
 * 8; `--report-outage-on-mismatch` then reports an outage with the verdict's keccak256 as evidence.
 * `--attest` instead asks the machine's GPUs for NVIDIA attestation reports on a fresh random nonce (the host's
 * `gridlease-attest` hook, over the same SSH login) and verifies them here with the SDK: exit 9 unless every GPU
 * is genuine.
 */
import { readFileSync } from "node:fs";
import { type Hex } from "viem";
import { generationOfModel } from "@gridlease/sdk/attestation";
import {
  AccessPayloadError,
  compareHardware,
  decodeGpuModel,
  explainError,
  getLeaseState,
  HardwareReportError,
  INVENTORY_LABEL,
  newThroughputRequest,
  parseOfferSpec,
  readAccessDetails,
  reportOutage,
  verdictHash,
  type HardwareReport,
  type HardwareVerdict,
  type ThroughputVerdict,
} from "@gridlease/sdk";
import { defineCommand } from "../command.ts";
import { parseCount, parseDuration } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { readAccessKeyFile } from "../accessKeyFile.ts";
import { scanStart } from "../chainData.ts";
import { CliError, errorMessage, EXIT, ReportedFailure, usage } from "../exit.ts";
import { loadOffer } from "../offers.ts";
import type { Output } from "../output.ts";
import { probeOverSsh, throughputOverSsh } from "../hardware/probe.ts";
import { sshCliError, SshError, SshSession, sshTargetOf, type SshTarget } from "../ssh/session.ts";
import { attestOverSsh, DEFAULT_ATTEST_COMMAND } from "../attestation/hook.ts";
import { freshNonce, parseNonceFlag } from "../attestation/nonce.ts";
import {
  readTrustInputs,
  reportVerdicts,
  summarize,
  trustHelp,
  TRUST_OPTIONS,
  verifyBundles,
  type TrustInputs,
} from "../attestation/verdicts.ts";

/** SSH and report failures as CLI errors: unreachable (4), a host or report that fails the check (8), keys (5). */
function verifyError(err: unknown): unknown {
  if (err instanceof SshError) return sshCliError(err);
  if (err instanceof HardwareReportError)
    return new CliError(
      EXIT.MISMATCH,
      `The machine's hardware report is unusable: ${err.message}`,
      err.code,
    );
  return err;
}

async function openedBy(c: Context, leaseId: bigint, secretKey: Uint8Array) {
  try {
    return await readAccessDetails(c.client, {
      market: c.market,
      leaseId,
      secretKey,
      fromBlock: scanStart(c),
    });
  } catch (err) {
    if (err instanceof AccessPayloadError && err.code === "wrong-key")
      throw new CliError(
        EXIT.CONFIG,
        `This access key did not open lease #${leaseId}: only the lease's buyer can verify it. ${err.message}`,
        "not-buyer",
      );
    throw err;
  }
}

function human(
  leaseId: bigint,
  v: HardwareVerdict,
  t: ThroughputVerdict | undefined,
  evidence: Hex,
): string {
  const lines = [
    `Lease #${leaseId}: ${v.match && (t?.match ?? true) ? "MATCH" : "MISMATCH"} (${INVENTORY_LABEL}: what the machine reports of itself, not proof)`,
    `  listed ${v.listed.gpuCount}× ${v.listed.gpuModel}; report hash ${v.reportHash}`,
    `  sealed ${v.sealedHash ?? "(none)"}`,
    ...v.differences.map((d) => `  differs: ${d.field}: expected ${d.expected}, got ${d.actual}`),
  ];
  if (t) {
    lines.push(
      `  throughput (${t.implementation}, ${t.device}): ${t.match ? "ok" : "FAILED"}; ${t.note}`,
    );
    for (const g of t.gpus)
      lines.push(
        `    GPU ${g.gpu}: ${g.tflops.toPrecision(3)} TFLOPS (expected >= ${g.expectedMinTflops.toPrecision(3)}), ${g.rowsChecked - g.rowsWrong.length}/${g.rowsChecked} sampled rows right`,
      );
    lines.push(
      ...t.differences.map((d) => `  differs: ${d.field}: expected ${d.expected}, got ${d.actual}`),
    );
  }
  lines.push(`  verdict hash ${evidence}`);
  return lines.join("\n");
}

/** `lease verify --attest`: the hook over the lease's SSH login, every GPU's report verified here. */
async function attestLease(a: {
  leaseId: bigint;
  target: SshTarget;
  timeoutMs: number;
  command: string;
  nonce: Hex;
  fixedNonce: boolean;
  trust: TrustInputs;
  listed: { gpuModel: string; gpuCount: number };
  out: Output;
}) {
  const generation = generationOfModel(a.listed.gpuModel) ?? undefined;
  a.out.progress(
    `Asking ${a.target.user}@${a.target.host}:${a.target.port} for NVIDIA attestation (\`${a.command}\`)…`,
  );
  const bundles = await attestOverSsh(a.target, a.command, a.nonce, a.timeoutMs).catch(
    (err: unknown) => {
      throw verifyError(err);
    },
  );
  const gpus = await verifyBundles(bundles, { nonce: a.nonce, generation }, a.trust);
  const { distinctDevices } = summarize(gpus);
  reportVerdicts(a.out, {
    subject: `Lease #${a.leaseId}`,
    gpus,
    nonce: a.nonce,
    trust: a.trust,
    notes: [
      a.fixedNonce
        ? "the nonce was fixed with --nonce: this proves nothing about freshness"
        : "a fresh random nonce: a report that carries it was made for this check",
      `listed ${a.listed.gpuCount}× ${a.listed.gpuModel} (${generation ?? "no attestable generation"})`,
      ...(distinctDevices < a.listed.gpuCount
        ? [
            `${distinctDevices} distinct GPU(s) attested of the lease's ${a.listed.gpuCount}: the others are not proven`,
          ]
        : []),
    ],
    extra: {
      leaseId: a.leaseId,
      fixedNonce: a.fixedNonce,
      listed: a.listed,
      expectedGeneration: generation ?? null,
    },
  });
}

/** The flags of the inventory check and of `--attest` do not mix: each run does one of them. */
function checkModeFlags(values: {
  attest: boolean;
  nonce?: string;
  rim?: string[];
  "device-root"?: string;
  "attest-command"?: string;
  "spec-file"?: string;
  throughput: boolean;
  cpu: boolean;
  "matrix-size"?: string;
  "report-outage-on-mismatch": boolean;
}) {
  const given = (names: (keyof typeof values)[]) =>
    names.filter((n) => values[n] !== undefined && values[n] !== false).map((n) => `--${n}`);
  const attestOnly = given(["nonce", "rim", "device-root", "attest-command"]);
  const inventoryOnly = given([
    "spec-file",
    "throughput",
    "cpu",
    "matrix-size",
    "report-outage-on-mismatch",
  ]);
  if (values.attest && inventoryOnly.length > 0)
    throw usage(
      `--attest checks NVIDIA attestation only; run the inventory check (${inventoryOnly.join(", ")}) separately`,
    );
  if (!values.attest && attestOnly.length > 0)
    throw usage(`${attestOnly.join(", ")} only go with --attest`);
}

/** `gridlease lease verify`: registered in main.ts after the buyer's lease commands. */
export const verifyCommand = defineCommand({
  name: "lease verify",
  summary:
    "Check a leased machine over SSH against the sealed hardware report and the offer's listing",
  help: `<id> | --lease ID [--key FILE] [--spec-file FILE] [--throughput [--cpu] [--matrix-size N]] [--timeout D]
       [--report-outage-on-mismatch]
       <id> --attest [--nonce 0x…] [--rim FILE]... [--device-root PEM] [--attest-command CMD]

  --key FILE                   access key file the lease was opened with (env GRIDLEASE_ACCESS_KEY)
  --spec-file FILE             the offer's spec JSON (from its spec URI): checked against the on-chain spec hash,
                               its hardware report compared with the machine's
  --throughput                 also run the seeded throughput check (python3 on the machine; PyTorch with CUDA
                               when present, untested until run on a GPU machine)
  --cpu                        run the throughput check on the CPU (protocol check; speed expectation scaled)
  --matrix-size N              n of the n×n matrices (default 8192, 64 with --cpu)
  --timeout D                  limit for the SSH login and each remote step (default 60s)
  --report-outage-on-mismatch  on a mismatch, report all the lease's servers down, the verdict hash as evidence

  --attest                     instead: NVIDIA attestation. Runs the host's \`gridlease-attest --nonce <random>\`
                               over the same SSH login and verifies every GPU's report here (chain to NVIDIA's
                               root, report signature, your nonce, the offer's GPU generation)
  --nonce 0x…                  use this nonce instead of a random one: only for checking a published report
                               (it proves nothing about freshness)
  --attest-command CMD         the hook's name on the host (default ${DEFAULT_ATTEST_COMMAND})
${trustHelp(29)}

Exit code 8 on a mismatch, 9 when attestation does not pass for every GPU (the verdict is printed first).`,
  positionals: true,
  options: {
    lease: { type: "string" },
    key: { type: "string" },
    "spec-file": { type: "string" },
    throughput: { type: "boolean", default: false },
    cpu: { type: "boolean", default: false },
    "matrix-size": { type: "string" },
    timeout: { type: "string" },
    "report-outage-on-mismatch": { type: "boolean", default: false },
    attest: { type: "boolean", default: false },
    nonce: { type: "string" },
    "attest-command": { type: "string" },
    ...TRUST_OPTIONS,
  },
  async run({ values, positionals, out, connect, settings }) {
    if (positionals.length > 1) throw usage("lease verify takes one lease id");
    const leaseId = parseCount(positionals[0] ?? values.lease, "the lease id");
    const timeoutMs =
      Number(values.timeout ? parseDuration(values.timeout, "--timeout") : 60n) * 1000;
    checkModeFlags(values);
    const nonce = values.nonce === undefined ? freshNonce() : parseNonceFlag(values.nonce);
    const trust = values.attest ? readTrustInputs(values) : undefined;
    const n = values["matrix-size"]
      ? Number(parseCount(values["matrix-size"], "--matrix-size"))
      : undefined;
    const pair = readAccessKeyFile(values.key ?? settings.accessKey);
    const c = await connect();
    const { lease, state } = await getLeaseState(c.client, { market: c.market, leaseId }).catch(
      (err: unknown) => {
        if (explainError(err).errorName === "Market_UnknownLease")
          throw new CliError(EXIT.NOT_FOUND, `Lease #${leaseId} does not exist.`, "not-found");
        throw err;
      },
    );
    if (Number(lease.status) === 0)
      throw new CliError(EXIT.NOT_FOUND, `Lease #${leaseId} does not exist.`, "not-found");
    if (state.status !== "Active")
      throw new CliError(
        EXIT.NOT_FOUND,
        `Lease #${leaseId} is not active (${state.label}): there is no leased machine to verify.`,
        "not-active",
      );
    const offer = await loadOffer(c, lease.offerId);
    let specReport: HardwareReport | undefined;
    if (values["spec-file"]) {
      let text: string;
      try {
        text = readFileSync(values["spec-file"], "utf8");
      } catch (err) {
        throw usage(`--spec-file: ${errorMessage(err)}`);
      }
      try {
        specReport = parseOfferSpec(text, offer.specHash).hardwareReport;
      } catch (err) {
        throw new CliError(EXIT.CONFIG, `--spec-file: ${errorMessage(err)}`, "spec-mismatch");
      }
    }
    const details = await openedBy(c, leaseId, pair.secretKey);
    const target = sshTargetOf(leaseId, details, "lease verify");
    const listed = {
      gpuModel: decodeGpuModel(offer.gpuModel),
      gpuCount: Number(lease.gpusPerUnit * lease.units),
    };
    if (trust)
      return attestLease({
        leaseId,
        target,
        timeoutMs,
        command: values["attest-command"] ?? DEFAULT_ATTEST_COMMAND,
        nonce,
        fixedNonce: values.nonce !== undefined,
        trust,
        listed,
        out,
      });
    const sealed = details.hardwareReportHash;
    let verdict: HardwareVerdict;
    let throughput: ThroughputVerdict | undefined;
    out.progress(`Connecting to ${target.user}@${target.host}:${target.port}…`);
    try {
      const session = await SshSession.connect(target, timeoutMs);
      try {
        const probed = await probeOverSsh(session, timeoutMs);
        verdict = compareHardware({
          probed,
          sealedHash: typeof sealed === "string" ? (sealed as Hex) : undefined,
          listed,
          specReport,
        });
        if (values.throughput) {
          out.progress("Running the seeded throughput check…");
          const request = newThroughputRequest({
            gpus: listed.gpuCount,
            n: n ?? (values.cpu ? 64 : undefined),
            iterations: values.cpu ? 1 : undefined,
            device: values.cpu ? "cpu" : "auto",
          });
          throughput = await throughputOverSsh(session, {
            request,
            listedModel: listed.gpuModel,
            expectedGpus: listed.gpuCount,
            timeoutMs: Math.max(timeoutMs, 600_000),
          });
        }
      } finally {
        session.close();
      }
    } catch (err) {
      throw verifyError(err);
    }
    const match = verdict.match && (throughput?.match ?? true);
    const evidenceHash = verdictHash({
      leaseId: leaseId.toString(),
      hardware: verdict,
      throughput: throughput ?? null,
    });
    let outage: { tx: Hex; units: bigint } | undefined;
    if (!match && values["report-outage-on-mismatch"]) {
      const w = await c.wallet();
      const mined = await confirm(
        c,
        `Reporting an outage of lease #${leaseId} (evidence ${evidenceHash})`,
        () => reportOutage(w, { market: c.market, leaseId, units: lease.units, evidenceHash }),
      );
      outage = { tx: mined.hash, units: lease.units };
    }
    out.result(
      {
        leaseId,
        match,
        label: INVENTORY_LABEL,
        verdict,
        throughput: throughput ?? null,
        evidenceHash,
        outage: outage ?? null,
      },
      () =>
        human(leaseId, verdict, throughput, evidenceHash) +
        (outage ? `\n  outage reported for ${outage.units} server(s): ${outage.tx}` : ""),
    );
    if (!match)
      throw new ReportedFailure(
        EXIT.MISMATCH,
        `Lease #${leaseId}: the machine is not what was listed or sealed (${verdict.differences.length + (throughput?.differences.length ?? 0)} differences).`,
        "hardware-mismatch",
      );
  },
});
