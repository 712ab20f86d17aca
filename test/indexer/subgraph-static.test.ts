/**
 * The subgraph checked statically, since no graph-node runs here: the schema stores no unbounded list (every list
 * is a `@derivedFrom` reverse lookup, which graph-node answers with a paged query, or a list a contract bounds),
 * each `@derivedFrom` names a reference back to its entity, and the rendered manifest has one data source per
 * indexed contract with one handler for every event it indexes.
 * The checker is itself tested on schemas that break each rule.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import {
  attestationPolicyAbi,
  easAbi,
  gridleaseAuditResolverAbi,
  gridleaseMarketAbi,
  gridleaseReviewResolverAbi,
  gridleaseVettingResolverAbi,
} from "@gridlease/sdk/abis";
import { manifestDataSources, SCHEMA_PATH, SUBGRAPH_DIR } from "./support/subgraph-runtime.ts";

/** The scalars a subgraph schema may use (The Graph's built-ins). */
const GRAPH_SCALARS = new Set([
  "ID",
  "String",
  "Bytes",
  "BigInt",
  "BigDecimal",
  "Int",
  "Int8",
  "Boolean",
  "Timestamp",
]);

/**
 * The one-to-many relations the explorer pages through (a provider's leases and offers, a buyer's leases, an
 * offer's leases and price history, a lease's timeline): each must be a derived field, so that graph-node answers
 * `first`/`where` on it with a query on the child table instead of loading a stored array.
 */
const PAGED_RELATIONS: [entity: string, field: string][] = [
  ["Provider", "leases"],
  ["Provider", "offers"],
  ["Account", "leases"],
  ["Offer", "leases"],
  ["Offer", "priceChanges"],
  ["Lease", "events"],
];

/**
 * Stored lists whose length a contract bounds, so graph-node stores a few values, never an unbounded array: an
 * offer requirement names 1 to 8 attesters (AttestationPolicy's InvalidAttesterCount).
 */
const BOUNDED_LISTS = ["OfferRequirement.attesters"];

/** `Lease!` → { name: "Lease", list: false }; `[Lease!]!` → { name: "Lease", list: true }. */
function shape(type: TypeNode): { name: string; list: boolean; listOfNonNull: boolean } {
  const nullable = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  if (nullable.kind === Kind.LIST_TYPE) {
    const inner = shape(nullable.type);
    return {
      name: inner.name,
      list: true,
      listOfNonNull: nullable.type.kind === Kind.NON_NULL_TYPE,
    };
  }
  return { name: nullable.name.value, list: false, listOfNonNull: false };
}

const directive = (node: { directives?: readonly ConstDirectiveNode[] }, name: string) =>
  node.directives?.find((d) => d.name.value === name);

/** The `field:` argument of a field's `@derivedFrom`, if it has one. */
function derivedFrom(field: FieldDefinitionNode): string | undefined {
  const d = directive(field, "derivedFrom");
  if (!d) return undefined;
  const arg = d.arguments?.find((a) => a.name.value === "field");
  return arg?.value.kind === Kind.STRING ? arg.value.value : "";
}

/** Every problem with a subgraph schema, as text; empty when it keeps The Graph's rules checked here. */
export function schemaProblems(
  sdl: string,
  pagedRelations: [entity: string, field: string][] = PAGED_RELATIONS,
  boundedLists: string[] = BOUNDED_LISTS,
): string[] {
  const problems: string[] = [];
  const doc = parse(sdl);
  const entities = new Map<string, ObjectTypeDefinitionNode>();
  const enums = new Set<string>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION) entities.set(def.name.value, def);
    else if (def.kind === Kind.ENUM_TYPE_DEFINITION) enums.add(def.name.value);
  }
  const fieldOf = (entity: string, name: string) =>
    entities.get(entity)?.fields?.find((f) => f.name.value === name);

  for (const [name, entity] of entities) {
    if (!directive(entity, "entity")) problems.push(`${name} has no @entity directive`);
    const id = fieldOf(name, "id");
    if (
      !id ||
      id.type.kind !== Kind.NON_NULL_TYPE ||
      !["ID", "Bytes", "String", "Int8"].includes(shape(id.type).name)
    )
      problems.push(`${name} has no non-null id (ID, Bytes, String or Int8)`);
    for (const field of entity.fields ?? []) {
      const at = `${name}.${field.name.value}`;
      const t = shape(field.type);
      if (!GRAPH_SCALARS.has(t.name) && !entities.has(t.name) && !enums.has(t.name))
        problems.push(
          `${at} has type ${t.name}, neither a Graph scalar nor an entity of the schema`,
        );
      const from = derivedFrom(field);
      if (from === undefined) {
        if (t.list && !(boundedLists.includes(at) && !entities.has(t.name)))
          problems.push(
            `${at} stores an unbounded list ([${t.name}]): every list must be a @derivedFrom field`,
          );
        continue;
      }
      if (!t.list || !t.listOfNonNull || field.type.kind !== Kind.NON_NULL_TYPE) {
        problems.push(`${at} is @derivedFrom but not a list [${t.name}!]!`);
        continue;
      }
      if (!entities.has(t.name)) {
        problems.push(`${at} is @derivedFrom a ${t.name}, which is not an entity`);
        continue;
      }
      const back = from ? fieldOf(t.name, from) : undefined;
      if (!back) {
        problems.push(`${at} is @derivedFrom(field: "${from}"), which ${t.name} does not have`);
        continue;
      }
      const b = shape(back.type);
      if (b.list || b.name !== name)
        problems.push(
          `${at} is @derivedFrom ${t.name}.${from}, which is ${b.list ? `a list of ${b.name}` : b.name}, not a reference to ${name}`,
        );
      if (derivedFrom(back) !== undefined)
        problems.push(`${at} is @derivedFrom ${t.name}.${from}, which is itself derived`);
    }
  }
  for (const [entity, field] of pagedRelations) {
    const f = fieldOf(entity, field);
    if (!f) problems.push(`${entity}.${field} (paged by the explorer) is missing`);
    else if (derivedFrom(f) === undefined)
      problems.push(`${entity}.${field} (paged by the explorer) is not a @derivedFrom field`);
  }
  return problems;
}

interface AbiInput {
  type: string;
  indexed?: boolean;
  components?: readonly AbiInput[];
}
interface AbiEvent {
  type: "event";
  name: string;
  inputs: readonly AbiInput[];
}
const isEvent = <T extends { type: string }>(e: T): e is T & AbiEvent => e.type === "event";

/** An ABI event's signature as graph-node matches it: `Name(indexed address,uint256,(bytes32,uint256))`. */
function eventSignature(e: AbiEvent) {
  const typeOf = (i: AbiInput): string =>
    i.type.startsWith("tuple")
      ? `(${(i.components ?? []).map(typeOf).join(",")})${i.type.slice("tuple".length)}`
      : i.type;
  return `${e.name}(${e.inputs.map((i) => `${i.indexed ? "indexed " : ""}${typeOf(i)}`).join(",")})`;
}

/** The manifest's `- event: …` / `handler: …` pairs (the rendered subgraph.yaml has them one per line, in pairs). */
function manifestHandlers(manifest: string): { event: string; handler: string }[] {
  return [...manifest.matchAll(/^\s*- event: (.+)\n\s*handler: (\w+)\s*$/gm)].map((m) => ({
    event: m[1]!.trim(),
    handler: m[2]!,
  }));
}

describe("the subgraph schema", () => {
  const sdl = readFileSync(SCHEMA_PATH, "utf8");

  it("stores no unbounded list, derives every one-to-many relation the explorer pages, and each @derivedFrom names a reference back", () => {
    expect(schemaProblems(sdl)).toEqual([]);
  });

  it("has the derived relations the explorer pages through, each backed by a reference on the child", () => {
    const entities = new Map(
      parse(sdl)
        .definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    for (const [entity, field] of PAGED_RELATIONS) {
      const f = entities.get(entity)!.fields!.find((x) => x.name.value === field)!;
      const child = shape(f.type).name;
      const back = entities.get(child)!.fields!.find((x) => x.name.value === derivedFrom(f))!;
      expect(shape(back.type), `${entity}.${field}`).toMatchObject({ name: entity, list: false });
    }
  });
});

describe("the schema checker", () => {
  const good = `
    type Provider @entity(immutable: false) { id: ID! leases: [Lease!]! @derivedFrom(field: "provider") }
    type Lease @entity(immutable: false) { id: ID! provider: Provider! }`;
  const paged: [string, string][] = [["Provider", "leases"]];

  it("passes a schema that derives its list", () => {
    expect(schemaProblems(good, paged)).toEqual([]);
  });

  it("accepts a stored list of scalars a contract bounds, but not one of references", () => {
    const bounded = `
      type Provider @entity(immutable: false) { id: ID! tags: [String!]! leases: [Lease!]! }
      type Lease @entity(immutable: false) { id: ID! provider: Provider! }`;
    expect(schemaProblems(bounded, [], ["Provider.tags", "Provider.leases"])).toEqual([
      "Provider.leases stores an unbounded list ([Lease]): every list must be a @derivedFrom field",
    ]);
  });

  it("reports a stored list of references and one of scalars", () => {
    const bad = `
      type Provider @entity(immutable: false) { id: ID! leases: [Lease!]! tags: [String!] }
      type Lease @entity(immutable: false) { id: ID! provider: Provider! }`;
    expect(schemaProblems(bad, paged)).toEqual([
      "Provider.leases stores an unbounded list ([Lease]): every list must be a @derivedFrom field",
      "Provider.tags stores an unbounded list ([String]): every list must be a @derivedFrom field",
      "Provider.leases (paged by the explorer) is not a @derivedFrom field",
    ]);
  });

  it("reports a @derivedFrom naming a missing field, a field of another type, a list, and a derived field", () => {
    const bad = `
      type Provider @entity(immutable: false) {
        id: ID!
        leases: [Lease!]! @derivedFrom(field: "owner")
        byBuyer: [Lease!]! @derivedFrom(field: "buyer")
        byTags: [Lease!]! @derivedFrom(field: "providers")
        again: [Lease!]! @derivedFrom(field: "mirror")
        one: Lease @derivedFrom(field: "provider")
      }
      type Account @entity(immutable: false) { id: ID! }
      type Lease @entity(immutable: false) {
        id: ID! provider: Provider! buyer: Account! providers: [Provider!]! mirror: [Provider!]! @derivedFrom(field: "id")
      }`;
    expect(schemaProblems(bad, paged)).toEqual([
      'Provider.leases is @derivedFrom(field: "owner"), which Lease does not have',
      "Provider.byBuyer is @derivedFrom Lease.buyer, which is Account, not a reference to Provider",
      "Provider.byTags is @derivedFrom Lease.providers, which is a list of Provider, not a reference to Provider",
      "Provider.again is @derivedFrom Lease.mirror, which is a list of Provider, not a reference to Provider",
      "Provider.again is @derivedFrom Lease.mirror, which is itself derived",
      "Provider.one is @derivedFrom but not a list [Lease!]!",
      "Lease.providers stores an unbounded list ([Provider]): every list must be a @derivedFrom field",
      "Lease.mirror is @derivedFrom Provider.id, which is ID, not a reference to Lease",
    ]);
  });

  it("reports a missing @entity or id, an unknown type, and a paged relation that is gone", () => {
    const bad = `
      type Provider { name: String! score: Float! }
      type Lease @entity(immutable: false) { id: ID! }`;
    expect(schemaProblems(bad, paged)).toEqual([
      "Provider has no @entity directive",
      "Provider has no non-null id (ID, Bytes, String or Int8)",
      "Provider.score has type Float, neither a Graph scalar nor an entity of the schema",
      "Provider.leases (paged by the explorer) is missing",
    ]);
  });
});

describe("the rendered manifest", () => {
  // The global setup (support/build-subgraph.ts) rendered it from the template, networks.json and the ABIs.
  const manifest = readFileSync(join(SUBGRAPH_DIR, "subgraph.yaml"), "utf8");
  const sources = manifestDataSources(manifest);
  const abiOf = (name: string) =>
    (
      JSON.parse(readFileSync(join(SUBGRAPH_DIR, "abis", `${name}.json`), "utf8")) as {
        type: string;
      }[]
    ).filter(isEvent);
  /**
   * What each data source leaves out: the market's and the policy's ownership changes touch no entity; of EAS, only
   * attestations and revocations (offchain ones and timestamps are not Gridlease's).
   */
  const indexed = (source: string, name: string) =>
    source === "EAS" ? ["Attested", "Revoked"].includes(name) : !name.startsWith("Ownership");

  it("has a data source for the market, EAS, the three resolvers and the policy, at networks.json's addresses", () => {
    const networks = JSON.parse(readFileSync(join(SUBGRAPH_DIR, "networks.json"), "utf8"));
    const [network, contracts] = Object.entries(networks)[0] as [
      string,
      Record<string, { address: string; startBlock: number }>,
    ];
    expect(sources.map((s) => s.name)).toEqual([
      "GridleaseMarket",
      "EAS",
      "GridleaseAuditResolver",
      "GridleaseReviewResolver",
      "GridleaseVettingResolver",
      "AttestationPolicy",
    ]);
    for (const s of sources)
      expect(s.address, s.name).toBe(contracts[s.name]!.address.toLowerCase());
    expect(manifest.match(/network: "([\w-]+)"/g)).toEqual(
      sources.map(() => `network: "${network}"`),
    );
  });

  it("uses the SDK's ABIs (the ones the app and Ponder read)", () => {
    const sdk: Record<string, readonly { type: string }[]> = {
      GridleaseMarket: gridleaseMarketAbi,
      EAS: easAbi,
      GridleaseAuditResolver: gridleaseAuditResolverAbi,
      GridleaseReviewResolver: gridleaseReviewResolverAbi,
      GridleaseVettingResolver: gridleaseVettingResolverAbi,
      AttestationPolicy: attestationPolicyAbi,
    };
    for (const s of sources) {
      const sdkEvents = sdk[s.name]!.filter(isEvent).map(eventSignature).sort();
      expect(abiOf(s.name).map(eventSignature).sort(), s.name).toEqual(sdkEvents);
    }
  });

  it("has one handler for each indexed event of each ABI, with graph-node's signature and a handle<Event> name", () => {
    const blocks = manifest.split(/^ {2}- kind: ethereum\n/m).slice(1);
    sources.forEach((s, i) => {
      const expected = abiOf(s.name)
        .filter((e) => indexed(s.name, e.name))
        .map((e) => ({ event: eventSignature(e), handler: `handle${e.name}` }))
        .sort((a, b) => a.event.localeCompare(b.event));
      const handlers = manifestHandlers(blocks[i]!).sort((a, b) => a.event.localeCompare(b.event));
      expect(handlers, s.name).toEqual(expected);
    });
  });

  it("names handlers the mappings export", () => {
    const dir = join(SUBGRAPH_DIR, "src", "mappings");
    const exported = new Set(
      readdirSync(dir).flatMap((f) =>
        [...readFileSync(join(dir, f), "utf8").matchAll(/^export function (handle\w+)\(/gm)].map(
          (m) => m[1],
        ),
      ),
    );
    for (const { handler } of manifestHandlers(manifest))
      expect(exported, handler).toContain(handler);
  });

  it("lists every entity of the schema and reads the schema and ABIs the checks above read", () => {
    const entities = parse(readFileSync(SCHEMA_PATH, "utf8"))
      .definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION)
      .map((d) => d.name.value)
      .sort();
    const listed = [
      ...new Set([...manifest.matchAll(/^ {8}- ([A-Z]\w*)$/gm)].map((m) => m[1])),
    ].sort();
    expect(listed).toEqual(entities);
    expect(manifest).toMatch(/^\s*file: \.\/schema\.graphql$/m);
    for (const s of sources)
      expect(manifest).toMatch(new RegExp(`^\\s*file: \\./abis/${s.name}\\.json$`, "m"));
  });
});
