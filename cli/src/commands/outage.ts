/**
 * Outage commands (issue #11): the buyer reports servers down (billing pauses for them), reads where the outage
 * stands, and ends the lease once the repair deadline passed unresolved; the provider resolves it, with new
 * access details if the servers were re-provisioned. The chain enforces who may do what and when; its named
 * errors (Market_NotLeaseBuyer, Market_OutageUnitsNotRaised, Market_NoOpenOutage, …) come back as exit 3.
 */
import { readFileSync } from "node:fs";
import { isHex, keccak256, toHex, type Hex } from "viem";
import {
  endUnresolvedOutage,
  formatDuration,
  formatTime,
  formatTokenAmount,
  reportOutage,
  resolveOutage,
  sealAccess,
  type AccessDetails,
  type LeaseState,
} from "@gridlease/sdk";
import { defineCommand, type Command } from "../command.ts";
import { parseCount } from "../args.ts";
import { confirm, type Context } from "../context.ts";
import { CliError, errorMessage, EXIT, usage } from "../exit.ts";
import { leasesOpened } from "../chainData.ts";
import { leaseOrFail } from "./buyer.ts";

const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/** The lease id: the one positional argument, or --lease. */
function leaseIdArg(positionals: string[], flag: string | undefined, command: string): bigint {
  if (positionals.length > 1) throw usage(`${command} takes one lease id`);
  return parseCount(positionals[0] ?? flag, "the lease id");
}

/** The evidence hash: keccak256 of --evidence's text, --evidence-hash as given, or zero. */
function evidenceHashOf(text: string | undefined, hash: string | undefined): Hex {
  if (text !== undefined && hash !== undefined)
    throw usage("give --evidence or --evidence-hash, not both");
  if (hash !== undefined) {
    if (!isHex(hash) || hash.length !== 66)
      throw usage(`--evidence-hash must be 32 bytes of hex (0x + 64 digits), got ${hash}`);
    return hash;
  }
  return text === undefined ? ZERO_HASH : keccak256(toHex(text));
}

/** Where a lease's outage stands, as `lease outage status` prints it. */
function outageSummary(leaseId: bigint, state: LeaseState, now: bigint) {
  return {
    leaseId,
    status: state.status,
    label: state.label,
    open: state.downUnits > 0n,
    downUnits: state.downUnits,
    repairDeadline: state.repairDeadline,
    repairSecondsLeft: state.repairSecondsLeft,
    downUnitSeconds: state.downUnitSeconds,
    reports: state.outageReports,
    unresolvedExitOpen: state.unresolvedExitOpen,
    end: state.end,
    now,
  };
}

function humanStatus(s: ReturnType<typeof outageSummary>): string {
  const lines = [`Lease #${s.leaseId}: ${s.label}`];
  if (s.open) {
    lines.push(
      `  outage open: ${s.downUnits} server(s) down, billing paused for them`,
      s.repairSecondsLeft > 0n
        ? `  repair deadline ${formatTime(s.repairDeadline)} (${formatDuration(s.repairSecondsLeft)} left)`
        : `  repair deadline ${formatTime(s.repairDeadline)} has passed`,
    );
  } else lines.push("  no outage open");
  lines.push(
    `  downtime so far: ${formatDuration(s.downUnitSeconds)} of server time, not billed`,
    `  outage reports: ${s.reports}`,
  );
  if (s.end > 0n) lines.push(`  ends ${formatTime(s.end)}`);
  if (s.unresolvedExitOpen)
    lines.push(
      `  the unresolved-outage exit is open: \`gridlease lease outage end ${s.leaseId}\` ends it with a refund and the bond penalty`,
    );
  return lines.join("\n");
}

const report = defineCommand({
  name: "lease outage report",
  summary:
    "Report servers of your lease down: billing pauses for them until resolved or the repair deadline",
  help: `<id> | --lease ID --units N [--evidence TEXT | --evidence-hash 0x…]

  --units N              how many of the lease's servers are down; while an outage is open, only a higher number
  --evidence TEXT        what you saw (its keccak256 goes on chain, the text does not)
  --evidence-hash 0x…    or the 32-byte hash of your evidence (e.g. a \`lease verify\` verdict's evidenceHash)`,
  positionals: true,
  options: {
    lease: { type: "string" },
    units: { type: "string" },
    evidence: { type: "string" },
    "evidence-hash": { type: "string" },
  },
  async run({ values, positionals, out, connect }) {
    const leaseId = leaseIdArg(positionals, values.lease, "lease outage report");
    const units = parseCount(values.units, "--units");
    const evidenceHash = evidenceHashOf(values.evidence, values["evidence-hash"]);
    const c = await connect();
    await leaseOrFail(c, leaseId);
    const w = await c.wallet();
    const mined = await confirm(c, `Reporting ${units} server(s) of lease #${leaseId} down`, () =>
      reportOutage(w, { market: c.market, leaseId, units, evidenceHash }),
    );
    out.result(
      {
        leaseId,
        downUnits: units,
        evidenceHash,
        repairDeadline: mined.repairDeadline,
        reports: mined.reports,
        tx: mined.hash,
      },
      () =>
        [
          `Outage reported on lease #${leaseId}: billing is paused for ${units} server(s) until the provider resolves it or the repair deadline, ${formatTime(mined.repairDeadline)}.`,
          `If it is not resolved by then, end the lease with \`gridlease lease outage end ${leaseId}\` for a refund and the provider's bond penalty.`,
        ].join("\n"),
    );
  },
});

const status = defineCommand({
  name: "lease outage status",
  summary: "Show a lease's outage: servers down, repair deadline and time left, downtime, reports",
  help: "<id> | --lease ID",
  positionals: true,
  options: { lease: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    const leaseId = leaseIdArg(positionals, values.lease, "lease outage status");
    const c = await connect();
    const { state, now } = await leaseOrFail(c, leaseId);
    const summary = outageSummary(leaseId, state, now);
    out.result(summary, () => humanStatus(summary));
  },
});

const end = defineCommand({
  name: "lease outage end",
  summary:
    "End a lease whose outage passed its repair deadline unresolved: unused deposit back plus the bond penalty",
  help: "<id> | --lease ID\n\nAnyone may send it once the exit is open (see `lease outage status`).",
  positionals: true,
  options: { lease: { type: "string" } },
  async run({ values, positionals, out, connect }) {
    const leaseId = leaseIdArg(positionals, values.lease, "lease outage end");
    const c = await connect();
    const { token } = await leaseOrFail(c, leaseId);
    const w = await c.wallet();
    const mined = await confirm(c, `Ending lease #${leaseId} as an unresolved outage`, () =>
      endUnresolvedOutage(w, { market: c.market, leaseId }),
    );
    const ended = mined.events.find((e) => e.eventName === "LeaseEnded");
    const args = ended?.eventName === "LeaseEnded" ? ended.args : undefined;
    out.result(
      { leaseId, refund: args?.refund, penalty: args?.penalty, tx: mined.hash },
      () =>
        `Lease #${leaseId} ended (outage not repaired in time)${args ? `: ${formatTokenAmount(args.refund, token)} refunded to the buyer, plus a bond penalty of ${formatTokenAmount(args.penalty, token)}` : ""}.`,
    );
  },
});

/** New access details from a JSON file, sealed to the lease's buyer key (from its LeaseOpened event). */
async function sealedFromFile(c: Context, leaseId: bigint, file: string): Promise<Hex> {
  let details: AccessDetails;
  try {
    details = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw usage(`--access-file: ${errorMessage(err)}`);
  }
  const [opened] = await leasesOpened(c, { leaseId });
  if (!opened)
    throw new CliError(EXIT.NOT_FOUND, `No LeaseOpened event found for lease #${leaseId}.`);
  try {
    return sealAccess(opened.args.buyerPublicKey, details);
  } catch (err) {
    throw usage(`--access-file: ${errorMessage(err)}`);
  }
}

const resolve = defineCommand({
  name: "provider outage resolve",
  summary:
    "Resolve a lease's open outage before its repair deadline: billing resumes and the end moves later",
  help: `<id> | --lease ID [--access-file FILE]

  --access-file FILE  new connection details as JSON ({"host","port","user","key"|"token",…}), sealed to the
                      buyer's key; without it the current details stay`,
  positionals: true,
  options: { lease: { type: "string" }, "access-file": { type: "string" } },
  async run({ values, positionals, out, connect }) {
    const leaseId = leaseIdArg(positionals, values.lease, "provider outage resolve");
    const c = await connect();
    await leaseOrFail(c, leaseId);
    const file = values["access-file"];
    const encryptedAccess = file ? await sealedFromFile(c, leaseId, file) : "0x";
    const w = await c.wallet();
    const mined = await confirm(c, `Resolving the outage of lease #${leaseId}`, () =>
      resolveOutage(w, { market: c.market, leaseId, encryptedAccess }),
    );
    out.result(
      {
        leaseId,
        downtime: mined.downtime,
        end: mined.end,
        newAccess: encryptedAccess !== "0x",
        tx: mined.hash,
      },
      () =>
        `Outage of lease #${leaseId} resolved: billing resumes, and the lease now ends ${formatTime(mined.end)} (${formatDuration(mined.downtime)} later).`,
    );
  },
});

export const outageCommands: Command[] = [report, status, end, resolve];
