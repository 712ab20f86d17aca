/**
 * The schemas' payloads and UIDs against EAS's own SDK (the CommonJS build: its ESM build does not load in Node):
 * viem's encoding must be byte for byte SchemaEncoder's, and `schemaUid` SchemaRegistry.getSchemaUID's. Decoding
 * refuses every payload the resolvers refuse (length, field ranges) with a named EasPayloadError.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { concat, keccak256, numberToHex, pad, toHex, zeroAddress, type Hex } from "viem";
import {
  AuditVerdict,
  decodeAudit,
  decodeReview,
  decodeVetting,
  EasPayloadError,
  encodeAudit,
  encodeReview,
  encodeVetting,
} from "../../src/eas/payloads.ts";
import {
  easDeployment,
  easDeploymentAt,
  EasNotDeployedError,
  SCHEMAS,
  SCHEMA_REVOCABLE,
  schemaUid,
  schemaUids,
} from "../../src/eas/schemas.ts";
import { deployments } from "../../src/generated/deployments.ts";

interface SchemaItem {
  name: string;
  type: string;
  value: unknown;
}
interface EasSdk {
  SchemaEncoder: new (schema: string) => { encodeData(items: SchemaItem[]): string };
  SchemaRegistry: { getSchemaUID(schema: string, resolver: string, revocable: boolean): string };
}
const easSdk = createRequire(new URL("../../package.json", import.meta.url))(
  "@ethereum-attestation-service/eas-sdk",
) as EasSdk;

const hash = (s: string) => keccak256(toHex(s));
const RESOLVER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("payload encoding equals eas-sdk's SchemaEncoder", () => {
  it("audit", () => {
    const p = {
      offerId: 7n,
      hardwareReportHash: hash("report"),
      verdict: AuditVerdict.Pass,
      validUntil: 1_900_000_000n,
    };
    const theirs = new easSdk.SchemaEncoder(SCHEMAS.audit).encodeData([
      { name: "offerId", type: "uint256", value: p.offerId },
      { name: "hardwareReportHash", type: "bytes32", value: p.hardwareReportHash },
      { name: "verdict", type: "uint8", value: p.verdict },
      { name: "validUntil", type: "uint64", value: p.validUntil },
    ]);
    expect(encodeAudit(p)).toBe(theirs);
    expect(decodeAudit(encodeAudit(p))).toEqual(p);
  });

  it("review", () => {
    const p = { leaseId: 12n, score: 4, verified: true, reportHash: hash("verify") };
    const theirs = new easSdk.SchemaEncoder(SCHEMAS.review).encodeData([
      { name: "leaseId", type: "uint256", value: p.leaseId },
      { name: "score", type: "uint8", value: p.score },
      { name: "verified", type: "bool", value: p.verified },
      { name: "reportHash", type: "bytes32", value: p.reportHash },
    ]);
    expect(encodeReview(p)).toBe(theirs);
    expect(decodeReview(encodeReview(p))).toEqual(p);
  });

  it("vetting", () => {
    const p = { evidenceHash: hash("passport checked") };
    const theirs = new easSdk.SchemaEncoder(SCHEMAS.vetting).encodeData([
      { name: "evidenceHash", type: "bytes32", value: p.evidenceHash },
    ]);
    expect(encodeVetting(p)).toBe(theirs);
    expect(decodeVetting(encodeVetting(p))).toEqual(p);
  });
});

describe("schema UIDs equal SchemaRegistry.getSchemaUID", () => {
  for (const key of ["audit", "review", "vetting"] as const)
    it(key, () => {
      const theirs = easSdk.SchemaRegistry.getSchemaUID(
        SCHEMAS[key],
        RESOLVER,
        SCHEMA_REVOCABLE[key],
      );
      expect(schemaUid(SCHEMAS[key], RESOLVER, SCHEMA_REVOCABLE[key])).toBe(theirs);
    });

  it("a deployment at explicit addresses carries each schema's UID from its own resolver", () => {
    const d = easDeploymentAt({
      eas: RESOLVER,
      schemaRegistry: RESOLVER,
      auditResolver: "0x0000000000000000000000000000000000000001",
      reviewResolver: "0x0000000000000000000000000000000000000002",
      vettingResolver: "0x0000000000000000000000000000000000000003",
      policy: RESOLVER,
    });
    expect(d.schemas.review.uid).toBe(
      easSdk.SchemaRegistry.getSchemaUID(
        SCHEMAS.review,
        "0x0000000000000000000000000000000000000002",
        false,
      ),
    );
    expect(new Set([d.schemas.audit.uid, d.schemas.review.uid, d.schemas.vetting.uid]).size).toBe(
      3,
    );
  });
});

const word = (v: bigint) => pad(numberToHex(v), { size: 32 });
const refused = (f: () => unknown, code: string) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(EasPayloadError);
    expect((err as EasPayloadError).code).toBe(code);
    return (err as EasPayloadError).message;
  }
  throw new Error("not refused");
};

describe("malformed payloads are named errors", () => {
  const audit = (verdict: bigint, validUntil = 1n): Hex =>
    concat([word(1n), hash("r"), word(verdict), word(validUntil)]);

  it("wrong lengths", () => {
    expect(refused(() => decodeAudit("0x"), "malformed-length")).toMatch(
      /expected 128 bytes.*got 0/,
    );
    expect(refused(() => decodeReview(concat([audit(1n), "0x00"])), "malformed-length")).toMatch(
      /got 129/,
    );
    expect(
      refused(() => decodeVetting(concat([hash("a"), hash("b")])), "malformed-length"),
    ).toMatch(/expected 32 bytes/);
    refused(() => decodeVetting("0xzz" as Hex), "malformed-length");
  });

  it("fields out of range", () => {
    expect(refused(() => decodeAudit(audit(3n)), "field-out-of-range")).toMatch(/verdict/);
    expect(refused(() => decodeAudit(audit(256n + 1n)), "field-out-of-range")).toMatch(/verdict/);
    expect(refused(() => decodeAudit(audit(1n, 1n << 64n)), "field-out-of-range")).toMatch(
      /validUntil/,
    );
    const review = (score: bigint, verified: bigint) =>
      concat([word(1n), word(score), word(verified), hash("r")]);
    expect(refused(() => decodeReview(review(0n, 0n)), "field-out-of-range")).toMatch(/score/);
    expect(refused(() => decodeReview(review(6n, 0n)), "field-out-of-range")).toMatch(/score/);
    expect(refused(() => decodeReview(review(5n, 2n)), "field-out-of-range")).toMatch(/verified/);
    expect(decodeReview(review(5n, 0n)).verified).toBe(false);
  });

  it("encoding refuses what the resolvers would", () => {
    const base = {
      offerId: 1n,
      hardwareReportHash: hash("r"),
      verdict: AuditVerdict.Fail,
      validUntil: 1n,
    };
    refused(() => encodeAudit({ ...base, validUntil: 1n << 64n }), "field-out-of-range");
    refused(() => encodeAudit({ ...base, hardwareReportHash: "0x1234" }), "field-out-of-range");
    refused(() => encodeAudit({ ...base, offerId: -1n }), "field-out-of-range");
    const review = { leaseId: 1n, score: 3, verified: false, reportHash: hash("r") };
    for (const score of [0, 6, 2.5])
      refused(() => encodeReview({ ...review, score }), "field-out-of-range");
    refused(() => encodeVetting({ evidenceHash: zeroAddress }), "field-out-of-range");
  });
});

describe("the generated deployments", () => {
  it("the local chain's generated schema UIDs are the ones the schema strings and resolvers give", () => {
    const d = easDeployment(31337);
    expect(schemaUids(31337)).toEqual({
      audit: deployments["31337"].schemas.audit.uid,
      review: deployments["31337"].schemas.review.uid,
      vetting: deployments["31337"].schemas.vetting.uid,
    });
    expect(d.schemas.review).toEqual({
      ...deployments["31337"].schemas.review,
      uid: d.schemas.review.uid,
    });
  });

  it("a chain without the attestation contracts is a named error", () => {
    expect(() => easDeployment(8453)).toThrow(EasNotDeployedError);
    expect(() => easDeployment(8453)).toThrow(/not deployed on chain 8453/);
  });
});
