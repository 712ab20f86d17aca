import { afterEach, describe, expect, it } from "vitest";
import { keccak256, concat } from "viem";
import { auditStatus, publishedAuditors, type IndexedAudit } from "./eas.ts";
import { parseAuditors, saveAuditors, savedAuditors } from "./trustedAuditors.ts";
import { lastVerifyRecord, runReportHash, saveVerifyRecord } from "./verifyRecord.ts";

const TRUSTED = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const OTHER = "0xdD2FD4581271e230360230F9337D5c0430Bf44C0";
const NOW = 1_800_000_000n;
let n = 0;
const audit = (p: Partial<IndexedAudit>): IndexedAudit => ({
  uid: `0x${(++n).toString(16).padStart(64, "0")}`,
  offerId: 3n,
  provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  auditor: TRUSTED,
  hardwareReportHash: `0x${"ab".repeat(32)}`,
  verdict: 1,
  validUntil: NOW + 100n,
  attestedAt: NOW - 100n,
  revokedAt: null,
  ...p,
});

afterEach(() => window.localStorage.clear());

describe("auditStatus", () => {
  it("is 'audited' only for a current Pass by a trusted auditor", () => {
    expect(auditStatus([audit({})], [TRUSTED], NOW)).toMatchObject({ status: "audited" });
    expect(auditStatus([audit({ auditor: OTHER })], [TRUSTED], NOW)).toEqual({
      status: "unverified",
      auditors: [OTHER],
    });
    expect(auditStatus([audit({ verdict: 2 })], [TRUSTED], NOW)).toMatchObject({
      status: "failed",
    });
    expect(auditStatus([], [TRUSTED], NOW)).toEqual({ status: "none" });
  });

  it("says expired or revoked for a trusted audit no longer in force, even beside an untrusted one", () => {
    const expired = audit({ validUntil: NOW });
    expect(auditStatus([expired, audit({ auditor: OTHER })], [TRUSTED], NOW)).toMatchObject({
      status: "expired",
      validUntil: NOW,
    });
    expect(auditStatus([audit({ revokedAt: NOW - 1n })], [TRUSTED], NOW)).toMatchObject({
      status: "revoked",
      revokedAt: NOW - 1n,
    });
  });

  it("follows the viewer's list: the same audit is unverified for someone who does not trust its auditor", () => {
    const a = audit({ auditor: OTHER });
    expect(auditStatus([a], [OTHER.toLowerCase() as `0x${string}`], NOW).status).toBe("audited");
    expect(auditStatus([a], [], NOW).status).toBe("unverified");
  });
});

describe("saved trusted auditors", () => {
  it("keeps a saved list per chain, and none until one is saved", () => {
    expect(savedAuditors(31337)).toBeUndefined();
    saveAuditors(31337, [OTHER]);
    expect(savedAuditors(31337)).toEqual([OTHER]);
    expect(savedAuditors(84532)).toBeUndefined();
    saveAuditors(31337, undefined);
    expect(savedAuditors(31337)).toBeUndefined();
    expect(publishedAuditors(31337)).toEqual([TRUSTED]);
  });

  it("parses a typed list, drops repeats and names a bad entry or an empty list", () => {
    expect(parseAuditors(`${TRUSTED.toLowerCase()}, ${OTHER}\n${TRUSTED}`)).toEqual({
      ok: true,
      auditors: [TRUSTED, OTHER],
    });
    expect(parseAuditors(`${TRUSTED} 0x1234 bob`)).toEqual({
      ok: false,
      error: '"0x1234" is not a 0x address.',
    });
    expect(parseAuditors(" ")).toEqual({ ok: false, error: "The auditor list is empty." });
  });
});

describe("verify records", () => {
  it("remembers a lease's last run, and reads nothing malformed", () => {
    const hash = `0x${"cd".repeat(32)}` as const;
    expect(lastVerifyRecord(7n)).toBeUndefined();
    saveVerifyRecord(7n, { verified: true, reportHash: hash, checkedAt: 5 });
    expect(lastVerifyRecord(7n)).toEqual({ verified: true, reportHash: hash, checkedAt: 5 });
    expect(lastVerifyRecord(8n)).toBeUndefined();
    window.localStorage.setItem("gridlease.verify.9", '{"verified":"yes"}');
    expect(lastVerifyRecord(9n)).toBeUndefined();
  });

  it("hashes one GPU's report as it is and several together", () => {
    const a = `0x${"01".repeat(32)}` as const;
    const b = `0x${"02".repeat(32)}` as const;
    expect(runReportHash([a])).toBe(a);
    expect(runReportHash([a, b])).toBe(keccak256(concat([a, b])));
    expect(() => runReportHash([])).toThrow(RangeError);
  });
});
