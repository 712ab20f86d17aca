/**
 * The auditor's form as pure functions: the hardware report hash from what the auditor pastes or uploads (a hash, a
 * hardware report, or the JSON of `gridlease lease verify --json`), and the validity date. Bad input is a sentence,
 * never an exception.
 */
import { hardwareReportHash, parseHardwareReport } from "@gridlease/sdk";
import type { Hex } from "viem";

/** Where a report hash came from, and the verdict it suggests (a verify run's match), if any. */
export type ReportInput =
  { ok: true; hash: Hex; source: string; suggested?: 1 | 2 } | { ok: false; error: string };

const HASH = /^0x[0-9a-fA-F]{64}$/;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The verdict of a verify run's JSON: the command's output, or its `verdict` alone. */
function verifyRun(doc: Record<string, unknown>): ReportInput | undefined {
  const verdict = isRecord(doc.verdict) ? doc.verdict : doc;
  if (typeof verdict.reportHash !== "string" || typeof doc.match !== "boolean") return undefined;
  if (!HASH.test(verdict.reportHash))
    return { ok: false, error: "The verify report's reportHash is not a 32-byte hex hash." };
  return {
    ok: true,
    hash: verdict.reportHash.toLowerCase() as Hex,
    source: `a verify run that ${doc.match ? "matched the listing" : "found differences"}`,
    suggested: doc.match ? 1 : 2,
  };
}

/** Reads the hardware report hash out of a hash, a hardware report JSON or a `lease verify --json` output. */
export function parseReportInput(text: string): ReportInput {
  const t = text.trim();
  if (t === "")
    return {
      ok: false,
      error:
        "Paste the hardware report hash, or load the hardware report or a verify report (JSON).",
    };
  if (HASH.test(t)) return { ok: true, hash: t.toLowerCase() as Hex, source: "the hash you gave" };
  if (/^0x/i.test(t))
    return {
      ok: false,
      error: "A report hash is 0x followed by 64 hexadecimal digits (32 bytes).",
    };
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return { ok: false, error: "This is neither a 32-byte hash nor JSON." };
  }
  if (!isRecord(doc))
    return { ok: false, error: "The JSON is not a hardware report nor a verify report." };
  const run = verifyRun(doc);
  if (run) return run;
  try {
    const report = parseHardwareReport(doc);
    return {
      ok: true,
      hash: hardwareReportHash(report),
      source: "the hardware report (hashed here)",
    };
  } catch (err) {
    return {
      ok: false,
      error: `The JSON is not a hardware report nor a verify report: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Seconds in a day. */
const DAY = 86_400n;

/** A date field's "YYYY-MM-DD" as the Unix second that day ends (UTC), or a sentence saying what is wrong. */
export function parseValidUntil(
  date: string,
  now: bigint,
): { ok: true; seconds: bigint } | { ok: false; error: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3]))
    return { ok: false, error: "Give the last day the audit holds, as a date." };
  const seconds = BigInt(ms / 1000) + DAY - 1n;
  if (seconds <= now) return { ok: false, error: "The audit must hold until a day in the future." };
  return { ok: true, seconds };
}

/** The date field's default: 90 days after `now`. */
export const defaultValidUntil = (now: bigint): string =>
  new Date(Number(now + 90n * DAY) * 1000).toISOString().slice(0, 10);
