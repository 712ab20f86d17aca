/**
 * The indexer client's attestation reads with an injected fetch: the filters they send (ids as strings, addresses
 * lowercased) and how rows map, and auditStatus over what `listAudits` returns.
 */
import { createRequire } from "node:module";
import type * as GraphQL from "graphql";
import { describe, expect, it } from "vitest";
import {
  auditsByOffer,
  createIndexerClient,
  getLeaseReview,
  getOfferRequirement,
  listAudits,
  listBuyerVettings,
  type RawAudit,
  type RawReview,
} from "@gridlease/sdk/indexer";
import { auditStatus } from "../src/eas/auditStatus.ts";
import { page } from "../src/indexer/filters.ts";
import {
  AUDIT_FIELDS,
  BUYER_VETTING_FIELDS,
  OFFER_REQUIREMENT_FIELDS,
  REVIEW_FIELDS,
} from "../src/indexer/eas.ts";
import { PROVIDER_EVIDENCE_FIELDS } from "../src/indexer/reputation.ts";
import * as ponderSchema from "../../indexer/ponder.schema.ts";

function fakeFetch(data: (field: string) => unknown, single = false) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    const body = JSON.parse(String(init?.body));
    calls.push(body);
    const field = /\{\s*(\w+)\(/.exec(body.query)![1]!;
    const value = single
      ? data(field)
      : { items: data(field), pageInfo: { hasNextPage: false, endCursor: null } };
    return new Response(JSON.stringify({ data: { [field]: value } }), {
      headers: { "content-type": "application/json" },
    });
  };
  return { client: createIndexerClient({ url: "http://indexer.test", fetch }), calls };
}

const AUDITOR = "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E";
const PROVIDER = "0xabcd000000000000000000000000000000000001";
const uid = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

const auditRow = (n: number, over: Partial<RawAudit> = {}): RawAudit => ({
  id: uid(n),
  offer: { id: "3" },
  provider: { id: PROVIDER },
  auditor: AUDITOR.toLowerCase(),
  hardwareReportHash: uid(99),
  verdict: 1,
  validUntil: "2000",
  attestedAt: "1000",
  revokedAt: null,
  ...over,
});

describe("listAudits", () => {
  it("filters by offer, provider and auditor and maps rows", async () => {
    const { client, calls } = fakeFetch(() => [
      auditRow(1),
      auditRow(2, { offer: { id: "4" }, revokedAt: "1500" }),
    ]);
    const audits = await listAudits(client, { offerId: 3n, auditor: AUDITOR as `0x${string}` });
    expect(calls[0]!.query).toMatch(/audits\(where: \$where, orderBy: "attestedAt"/);
    expect(calls[0]!.variables.where).toEqual({ offer: "3", auditor: AUDITOR.toLowerCase() });
    expect(audits[0]).toEqual({
      uid: uid(1),
      offerId: 3n,
      provider: PROVIDER,
      auditor: AUDITOR.toLowerCase(),
      hardwareReportHash: uid(99),
      verdict: 1,
      validUntil: 2000n,
      attestedAt: 1000n,
      revokedAt: null,
    });
    const byOffer = auditsByOffer(audits);
    expect([...byOffer.keys()]).toEqual([3n, 4n]);
    expect(auditStatus(byOffer.get(3n)!, [AUDITOR as `0x${string}`], 1500n).status).toBe("audited");
    expect(auditStatus(byOffer.get(4n)!, [AUDITOR as `0x${string}`], 1500n).status).toBe("revoked");
  });

  it("refuses a verdict the resolver never accepts", async () => {
    const { client } = fakeFetch(() => [auditRow(1, { verdict: 7 })]);
    await expect(listAudits(client)).rejects.toThrow(/unknown verdict 7/);
  });
});

describe("reviews, vettings and requirements", () => {
  it("a lease's review", async () => {
    const row: RawReview = {
      id: uid(5),
      lease: { id: "12" },
      provider: { id: PROVIDER },
      buyer: { id: "0x02" },
      score: 4,
      verified: true,
      reportHash: uid(7),
      createdAt: "100",
      feeWeight: "2500",
    };
    const { client, calls } = fakeFetch(() => [row]);
    expect(await getLeaseReview(client, 12n)).toMatchObject({
      leaseId: 12n,
      score: 4,
      verified: true,
      feeWeight: 2500n,
    });
    expect(calls[0]!.variables).toMatchObject({ where: { lease: "12" }, limit: 1 });
  });

  it("vettings by buyer", async () => {
    const { client, calls } = fakeFetch(() => [
      {
        id: uid(8),
        buyer: "0x03",
        attester: AUDITOR.toLowerCase(),
        evidenceHash: uid(9),
        expirationTime: "0",
        createdAt: "5",
        revokedAt: null,
      },
    ]);
    const [v] = await listBuyerVettings(client, {
      buyer: "0x0000000000000000000000000000000000000003",
    });
    expect(calls[0]!.query).toMatch(/buyerVettings\(/);
    expect(v).toMatchObject({ uid: uid(8), expirationTime: 0n, revokedAt: null });
  });

  it("an offer's requirement, or undefined", async () => {
    const row = {
      id: "6",
      provider: { id: PROVIDER },
      schema: uid(3),
      attesters: [AUDITOR.toLowerCase()],
      updatedAt: "9",
    };
    const found = fakeFetch(() => row, true);
    expect(await getOfferRequirement(found.client, 6n)).toEqual({
      offerId: 6n,
      provider: PROVIDER,
      schema: uid(3),
      attesters: [AUDITOR.toLowerCase()],
      updatedAt: 9n,
    });
    expect(found.calls[0]!.variables).toEqual({ id: "6" });
    expect(await getOfferRequirement(fakeFetch(() => null, true).client, 7n)).toBeUndefined();
  });
});

describe("the documents against the indexer's own GraphQL schema", () => {
  // Ponder builds its GraphQL schema from indexer/ponder.schema.ts with this function (not a public export: loaded
  // by path), on the CommonJS graphql it resolves to; validating with the same instance needs require.
  const graphql = createRequire(import.meta.url)("graphql") as typeof GraphQL;
  const build = async () => {
    const url = new URL("../../node_modules/ponder/dist/esm/graphql/index.js", import.meta.url)
      .href;
    const ponder: { buildGraphQLSchema(a: { schema: unknown }): GraphQL.GraphQLSchema } =
      await import(url);
    return ponder.buildGraphQLSchema({ schema: ponderSchema });
  };

  it("every query is valid and every filter field exists", async () => {
    const schema = await build();
    const documents = [
      page("audits", "auditFilter", AUDIT_FIELDS, "attestedAt"),
      page("reviews", "reviewFilter", REVIEW_FIELDS, "createdAt"),
      page("buyerVettings", "buyerVettingFilter", BUYER_VETTING_FIELDS, "createdAt"),
      `query ($id: String!) { offerRequirement(id: $id) { ${OFFER_REQUIREMENT_FIELDS} } }`,
      `query ($id: String!) { provider(id: $id) { ${PROVIDER_EVIDENCE_FIELDS} } }`,
    ];
    for (const d of documents) expect(graphql.validate(schema, graphql.parse(d))).toEqual([]);
    const filterFields = (name: string) => {
      const type = schema.getType(name);
      if (!graphql.isInputObjectType(type)) throw new Error(`${name} is not an input type`);
      return Object.keys(type.getFields());
    };
    expect(filterFields("auditFilter")).toEqual(
      expect.arrayContaining(["offer", "provider", "auditor"]),
    );
    expect(filterFields("reviewFilter")).toEqual(
      expect.arrayContaining(["lease", "provider", "buyer"]),
    );
    expect(filterFields("buyerVettingFilter")).toEqual(
      expect.arrayContaining(["buyer", "attester"]),
    );
  });
});
