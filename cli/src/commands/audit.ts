/**
 * Hardware audits on EAS. `audit attest <offerId>` logs in to the offer's machine over SSH, runs the same
 * hardware probe as `lease verify` (cli/src/hardware/probe.ts), compares the report with the offer's listing and
 * attests the verdict (Pass when it matches) with the report's hash, valid for a set time; `audit revoke <uid>`
 * withdraws one; `audit list` reads audits from the indexer and says, for the viewer's trusted auditors, which
 * count: an audit by anyone else is "unverified", never "audited".
 */
import { readFileSync } from "node:fs";
import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import {
  chainTime,
  compareHardware,
  decodeGpuModel,
  formatTime,
  hardwareReportHash,
  HardwareReportError,
  INVENTORY_LABEL,
  parseOfferSpec,
  type HardwareReport,
  type HardwareVerdict,
} from "@gridlease/sdk";
import {
  attestAudit,
  auditInForce,
  auditStatus,
  AuditVerdict,
  isTrustedAuditor,
  revokeAudit,
  type AuditStatus,
} from "@gridlease/sdk/eas";
import { auditsByOffer, listAudits, type IndexedAudit } from "@gridlease/sdk/indexer";
import { defineCommand, type Command } from "../command.ts";
import { parseAddressArg, parseCount, parseDuration } from "../args.ts";
import { confirm } from "../context.ts";
import { easFor, loadAttestation, parseUid, trustedAuditors } from "../eas.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";
import { probeOverSsh } from "../hardware/probe.ts";
import { NEEDS_INDEXER, openIndexer } from "../indexer.ts";
import { loadOffer } from "../offers.ts";
import { table } from "../output.ts";
import { sshFlagsHelp, sshTargetFromFlags } from "../ssh/flags.ts";
import { sshCliError, SshError, SshSession, type SshTarget } from "../ssh/session.ts";

/** How long an audit holds when --valid-for is not given. */
const DEFAULT_VALIDITY = "30d";

/** Logs in, probes and logs out: SSH failures (a host that is down included) become plain CLI errors. */
async function probeHost(target: SshTarget, timeoutMs: number): Promise<HardwareReport> {
  try {
    const session = await SshSession.connect(target, timeoutMs);
    try {
      return await probeOverSsh(session, timeoutMs);
    } finally {
      session.close();
    }
  } catch (err) {
    if (err instanceof SshError) {
      const e = sshCliError(err);
      throw new CliError(e.exitCode, `${e.message}: nothing was attested.`, e.kind);
    }
    if (err instanceof HardwareReportError)
      throw new CliError(
        EXIT.MISMATCH,
        `The machine's hardware report is unusable (${err.message}): nothing was attested.`,
        err.code,
      );
    throw err;
  }
}

function readSpecReport(file: string | undefined, specHash: Hex): HardwareReport | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw usage(`--spec-file: ${errorMessage(err)}`);
  }
  try {
    return parseOfferSpec(text, specHash).hardwareReport;
  } catch (err) {
    throw new CliError(EXIT.CONFIG, `--spec-file: ${errorMessage(err)}`, "spec-mismatch");
  }
}

const verdictName = (code: number) => (code === AuditVerdict.Pass ? "Pass" : "Fail");

const auditAttest = defineCommand({
  name: "audit attest",
  summary:
    "Audit an offer's machine over SSH (the lease verify probe) and attest the verdict on EAS",
  help: `<offerId> --host USER@HOST[:PORT] --ssh-key FILE [--host-key FILE] [--valid-for D] [--spec-file FILE]
       [--timeout D] [--dry-run]

${sshFlagsHelp(27)}
  --valid-for D            how long the audit holds (default ${DEFAULT_VALIDITY}); it is also the attestation's expiry
  --spec-file FILE         the offer's spec JSON: checked against its on-chain spec hash, its report compared too
  --timeout D              limit for the SSH login and the probe (default 60s)
  --dry-run                probe and print the verdict, attest nothing

The probe is lease verify's (what the machine reports of itself: ${INVENTORY_LABEL}). The verdict is Pass when
the machine is what the offer lists (GPU model and count per unit, and the spec's report with --spec-file), Fail
otherwise; both are attested, with the report's keccak256. A host that cannot be reached is refused (exit 4)
and nothing is sent.`,
  positionals: true,
  options: {
    host: { type: "string" },
    "ssh-key": { type: "string" },
    "host-key": { type: "string" },
    "valid-for": { type: "string" },
    "spec-file": { type: "string" },
    timeout: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
  async run({ values, positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("audit attest takes one offer id");
    const offerId = parseCount(positionals[0], "the offer id");
    const validFor = parseDuration(values["valid-for"] ?? DEFAULT_VALIDITY, "--valid-for");
    if (validFor === 0n) throw usage("--valid-for must be more than zero");
    const timeoutMs =
      Number(values.timeout ? parseDuration(values.timeout, "--timeout") : 60n) * 1000;
    const target = sshTargetFromFlags(values);
    if (!target) throw usage("audit attest needs --host USER@HOST[:PORT] and --ssh-key FILE");
    const c = await connect();
    const deployment = easFor(c);
    const offer = await loadOffer(c, offerId);
    const specReport = readSpecReport(values["spec-file"], offer.specHash);
    const listed = {
      gpuModel: decodeGpuModel(offer.gpuModel),
      gpuCount: Number(offer.gpusPerUnit),
    };
    out.progress(`Probing ${target.user}@${target.host}:${target.port}…`);
    const probed = await probeHost(target, timeoutMs);
    // An audit has no sealed hash to hold the machine to: the report it attests is the one probed here.
    const verdict: HardwareVerdict = compareHardware({
      probed,
      sealedHash: hardwareReportHash(probed),
      listed,
      specReport,
    });
    const code = verdict.match ? AuditVerdict.Pass : AuditVerdict.Fail;
    const validUntil = (await chainTime(c.client)) + validFor;
    const result = {
      offerId,
      provider: offer.provider,
      verdict: verdictName(code),
      hardwareReportHash: verdict.reportHash,
      validUntil,
      label: INVENTORY_LABEL,
      listed,
      differences: verdict.differences,
    };
    const describe = () =>
      [
        `Offer #${offerId}: ${result.verdict} (${INVENTORY_LABEL}), listed ${listed.gpuCount}× ${listed.gpuModel}`,
        `  report hash ${verdict.reportHash}; valid until ${formatTime(validUntil)}`,
        ...verdict.differences.map(
          (d) => `  differs: ${d.field}: expected ${d.expected}, got ${d.actual}`,
        ),
      ].join("\n");
    if (values["dry-run"])
      return out.result(
        { ...result, attested: false },
        () => `${describe()}\n  (dry run: nothing attested)`,
      );
    const w = await c.wallet();
    const mined = await confirm(c, `Attesting ${result.verdict} for offer #${offerId}`, () =>
      attestAudit(w, {
        deployment,
        offerId,
        provider: offer.provider,
        hardwareReportHash: verdict.reportHash,
        verdict: code,
        validUntil,
      }),
    );
    out.result(
      { ...result, attested: true, uid: mined.uid, auditor: w.account.address, tx: mined.hash },
      () => `${describe()}\n  attested ${mined.uid} in ${mined.hash}`,
    );
  },
});

const auditRevoke = defineCommand({
  name: "audit revoke",
  summary: "Revoke one of your hardware audits",
  help: `<uid>

Only the auditor who made an audit can revoke it; an audit already revoked is refused before anything is sent.`,
  positionals: true,
  options: {},
  async run({ positionals, out, connect }) {
    if (positionals.length !== 1) throw usage("audit revoke takes one attestation uid");
    const uid = parseUid(positionals[0]);
    const c = await connect();
    const deployment = easFor(c);
    const a = await loadAttestation(c, deployment, uid, "audit");
    const w = await c.wallet();
    if (!isAddressEqual(a.attester, w.account.address))
      throw new CliError(
        EXIT.REJECTED,
        `Audit ${uid} was made by ${a.attester}, not by your account ${w.account.address}: only its auditor can revoke it.`,
        "not-attester",
      );
    if (a.revocationTime !== 0n)
      throw new CliError(
        EXIT.REJECTED,
        `Audit ${uid} was already revoked at ${formatTime(a.revocationTime)}.`,
        "already-revoked",
      );
    const mined = await confirm(c, `Revoking audit ${uid}`, () =>
      revokeAudit(w, { deployment, uid }),
    );
    out.result(
      { uid, revoked: true, tx: mined.hash },
      () => `Revoked audit ${uid} in ${mined.hash}`,
    );
  },
});

/** One audit as `audit list` shows it: whether its auditor is trusted, and whether it is in force. */
function auditRow(a: IndexedAudit, trusted: readonly Address[], now: bigint) {
  const state = a.revokedAt !== null ? "revoked" : auditInForce(a, now) ? "in force" : "expired";
  return {
    ...a,
    verdict: verdictName(a.verdict),
    trusted: isTrustedAuditor(a.auditor, trusted),
    state,
  };
}

/** An offer's status in words: "audited by 0x… until …", "unverified (by 0x…)", … */
function describeAuditStatus(s: AuditStatus): string {
  switch (s.status) {
    case "audited":
      return `audited by ${getAddress(s.auditor)} until ${formatTime(s.validUntil)}`;
    case "failed":
      return `FAILED audit by ${getAddress(s.auditor)} (valid until ${formatTime(s.validUntil)})`;
    case "expired":
      return `audit by ${getAddress(s.auditor)} expired at ${formatTime(s.validUntil)}`;
    case "revoked":
      return `audit by ${getAddress(s.auditor)} revoked at ${formatTime(s.revokedAt)}`;
    case "unverified":
      return `unverified: audited only by ${s.auditors.map((a) => getAddress(a)).join(", ")}, not a trusted auditor`;
    case "none":
      return "not audited";
  }
}

const auditList = defineCommand({
  name: "audit list",
  summary: "List hardware audits and what they mean for the auditors you trust",
  help: `[--offer ID] [--provider ADDRESS] [--auditor ADDRESS] [--auditors A,B]

  --offer ID           one offer's audits
  --provider ADDRESS   the audits of one provider's offers
  --auditor ADDRESS    the audits one auditor made
  --auditors A,B       the auditors you trust (default: config "trustedAuditors" / env GRIDLEASE_TRUSTED_AUDITORS,
                       else the market's published list)

Each offer gets a status from the trusted auditors' audits only: audited (by whom, until when), failed, expired,
revoked; an audit by an auditor you do not trust is shown as "unverified", never as audited.
${NEEDS_INDEXER}`,
  options: {
    offer: { type: "string" },
    provider: { type: "string" },
    auditor: { type: "string" },
    auditors: { type: "string" },
  },
  async run({ values, out, connect, settings }) {
    const offerId = values.offer === undefined ? undefined : parseCount(values.offer, "--offer");
    const provider =
      values.provider === undefined ? undefined : parseAddressArg(values.provider, "--provider");
    const auditor =
      values.auditor === undefined ? undefined : parseAddressArg(values.auditor, "--auditor");
    const indexer = await openIndexer(settings, connect);
    const c = await connect();
    const trust = trustedAuditors(c, values.auditors);
    const [audits, now] = await Promise.all([
      listAudits(indexer, { offerId, provider, auditor }),
      chainTime(c.client),
    ]);
    const offers = [...auditsByOffer(audits)]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, list]) => {
        const status = auditStatus(list, trust.auditors, now);
        return { offerId: id, status, summary: describeAuditStatus(status) };
      });
    const rows = audits.map((a) => auditRow(a, trust.auditors, now));
    out.result({ trustedAuditors: trust, offers, audits: rows }, () =>
      [
        `Trusted auditors (${trust.source}): ${trust.auditors.join(", ") || "(none)"}`,
        ...(offers.length === 0
          ? ["No audits."]
          : [
              ...offers.map((o) => `Offer #${o.offerId}: ${o.summary}`),
              "",
              table(
                ["UID", "OFFER", "AUDITOR", "VERDICT", "VALID UNTIL", "STATE"],
                rows.map((r) => [
                  `${r.uid.slice(0, 10)}…`,
                  `#${r.offerId}`,
                  r.trusted ? getAddress(r.auditor) : `${getAddress(r.auditor)} (unverified)`,
                  r.verdict,
                  formatTime(r.validUntil),
                  r.state,
                ]),
              ),
            ]),
      ].join("\n"),
    );
  },
});

/** The `audit` commands, registered in main.ts. */
export const auditCommands: Command[] = [auditAttest, auditRevoke, auditList];
