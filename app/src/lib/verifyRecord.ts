/**
 * The last verify run of a lease in this browser (the verify page opened with `?lease=ID`): whether every GPU was
 * genuine, and the report hash, so the lease's review can pre-fill `verified` and its report hash. Kept in
 * localStorage; the review form shows where the values came from and lets the buyer change them.
 */
import { keccak256, type Hex } from "viem";

/** One verify run of a lease. */
export interface VerifyRecord {
  verified: boolean;
  reportHash: Hex;
  /** Milliseconds since 1970, when the run finished. */
  checkedAt: number;
}

const key = (leaseId: bigint) => `gridlease.verify.${leaseId}`;

/**
 * The report hash of a run: the report's keccak256 for one GPU; for several, keccak256 of their hashes in the order
 * the hook printed them, so one 32-byte value stands for the whole machine.
 */
export function runReportHash(reportHashes: readonly Hex[]): Hex {
  if (reportHashes.length === 0) throw new RangeError("A verify run has at least one report.");
  // The hashes' bytes one after the other (what viem's `concat` does, for hex strings of 32 bytes each).
  return reportHashes.length === 1
    ? reportHashes[0]
    : keccak256(`0x${reportHashes.map((h) => h.slice(2)).join("")}`);
}

/** Remembers a lease's verify run (a browser without storage simply does not remember). */
export function saveVerifyRecord(leaseId: bigint, record: VerifyRecord): void {
  try {
    window.localStorage.setItem(key(leaseId), JSON.stringify(record));
  } catch {
    // Private mode or a full storage: the review form then starts unticked, which is safe.
  }
}

/** The lease's last verify run in this browser, or undefined (none, or unreadable). */
export function lastVerifyRecord(leaseId: bigint): VerifyRecord | undefined {
  try {
    const raw = window.localStorage.getItem(key(leaseId));
    if (!raw) return undefined;
    const r: unknown = JSON.parse(raw);
    if (
      typeof r === "object" &&
      r !== null &&
      "verified" in r &&
      typeof r.verified === "boolean" &&
      "reportHash" in r &&
      typeof r.reportHash === "string" &&
      /^0x[0-9a-f]{64}$/i.test(r.reportHash) &&
      "checkedAt" in r &&
      typeof r.checkedAt === "number"
    )
      return { verified: r.verified, reportHash: r.reportHash as Hex, checkedAt: r.checkedAt };
    return undefined;
  } catch {
    return undefined;
  }
}
