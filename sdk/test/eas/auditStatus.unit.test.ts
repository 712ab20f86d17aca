/** Which audits count for a viewer: only trusted auditors' decide; others' are "unverified", never "audited". */
import { describe, expect, it } from "vitest";
import type { Address, Hex } from "viem";
import { auditStatus, type AuditFacts } from "../../src/eas/auditStatus.ts";
import { publishedAuditors, parseAuditorList, AuditorListError } from "../../src/eas/auditors.ts";

const TRUSTED = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E" as Address;
const OTHER = "0xdD2FD4581271e230360230F9337D5c0430Bf44C0" as Address;
const NOW = 1_000_000n;
let n = 0;
const audit = (a: Partial<AuditFacts>): AuditFacts => ({
  uid: `0x${(++n).toString(16).padStart(64, "0")}` as Hex,
  auditor: TRUSTED,
  verdict: 1,
  validUntil: NOW + 100n,
  attestedAt: NOW - 100n,
  revokedAt: null,
  ...a,
});

describe("auditStatus", () => {
  it("a trusted Pass in force is audited, by whom and until when (address case does not matter)", () => {
    const a = audit({ auditor: TRUSTED.toLowerCase() as Address });
    expect(auditStatus([a], [TRUSTED], NOW)).toEqual({
      status: "audited",
      auditor: a.auditor,
      validUntil: a.validUntil,
      uid: a.uid,
    });
  });

  it("an audit by an auditor outside the trusted list is unverified, never audited", () => {
    expect(auditStatus([audit({ auditor: OTHER })], [TRUSTED], NOW)).toEqual({
      status: "unverified",
      auditors: [OTHER],
    });
    // The same audit counts for a viewer who trusts that auditor.
    expect(auditStatus([audit({ auditor: OTHER })], [OTHER], NOW).status).toBe("audited");
  });

  it("expired and revoked trusted audits say so", () => {
    expect(auditStatus([audit({ validUntil: NOW })], [TRUSTED], NOW).status).toBe("expired");
    const revoked = audit({ revokedAt: NOW - 1n });
    expect(auditStatus([revoked], [TRUSTED], NOW)).toMatchObject({
      status: "revoked",
      revokedAt: NOW - 1n,
    });
    // An unverified audit in force does not hide the trusted audit's expiry.
    expect(
      auditStatus([audit({ validUntil: 1n }), audit({ auditor: OTHER })], [TRUSTED], NOW).status,
    ).toBe("expired");
  });

  it("the latest trusted audit in force decides: a later Fail overrides an earlier Pass", () => {
    const pass = audit({ attestedAt: NOW - 50n });
    const fail = audit({ verdict: 2, attestedAt: NOW - 10n });
    expect(auditStatus([pass, fail], [TRUSTED], NOW).status).toBe("failed");
    expect(
      auditStatus([pass, audit({ verdict: 2, attestedAt: NOW - 90n })], [TRUSTED], NOW).status,
    ).toBe("audited");
    // A revoked later audit does not hide the one still in force.
    expect(
      auditStatus([pass, audit({ attestedAt: NOW, revokedAt: NOW })], [TRUSTED], NOW).status,
    ).toBe("audited");
  });

  it("no audits, or an empty trusted list", () => {
    expect(auditStatus([], [TRUSTED], NOW)).toEqual({ status: "none" });
    expect(auditStatus([audit({})], [], NOW).status).toBe("unverified");
  });
});

describe("published auditors", () => {
  it("the local chain publishes the seeded auditor (account #17); other chains none", () => {
    expect(publishedAuditors(31337)).toEqual([TRUSTED]);
    expect(publishedAuditors(1)).toEqual([]);
  });

  it("parses a viewer's list and names a bad entry", () => {
    expect(parseAuditorList(` ${TRUSTED.toLowerCase()}, ${OTHER}`)).toEqual([TRUSTED, OTHER]);
    expect(() => parseAuditorList("0x12,")).toThrow(AuditorListError);
    expect(() => parseAuditorList("0x12,")).toThrow(/"0x12" is not a 0x address/);
    expect(() => parseAuditorList(" , ")).toThrow(/empty/);
  });
});
