/**
 * The GraphQL API graph-node serves for a subgraph schema, derived here the way The Graph derives it (no graph-node
 * runs in these tests), and a small in-memory executor of it:
 *
 * - each entity `Lease` gets `lease(id)` and `leases(skip, first, orderBy, orderDirection, where, block)` on Query;
 * - `Lease_filter` has, for every stored field, the equality and `_not`, `_gt`, `_lt`, `_gte`, `_lte`, `_in`,
 *   `_not_in` filters (booleans: equality, `_not`, `_in`, `_not_in`), the string filters (`_contains`,
 *   `_starts_with`, …) on strings and references, `<reference>_` nested filters, and `and`/`or` lists;
 * - `Lease_orderBy` lists the fields; derived lists take the collection arguments too.
 *
 * The executor answers single-entity and collection fields from plain rows (references stored as ids) with graph-node's semantics:
 * `where` filters, `orderBy` with ties broken by `id` in the same direction (ids compared as strings, as in the C
 * locale graph-node requires), then `skip` and `first` (at most 1,000). A nested `<reference>_` filter is refused.
 */
import { readFileSync } from "node:fs";
import {
  buildSchema,
  graphql,
  Kind,
  parse,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type TypeNode,
} from "graphql";

const NUMERIC = new Set(["BigInt", "Int", "Int8", "Timestamp"]);
const ORDERED = ["ID", "String", "Bytes", "BigInt", "BigDecimal", "Int", "Int8", "Timestamp"];
const STRINGY = [
  "_contains",
  "_not_contains",
  "_starts_with",
  "_not_starts_with",
  "_ends_with",
  "_not_ends_with",
];

interface Field {
  name: string;
  /** The named type (scalar or entity). */
  type: string;
  sdl: string;
  list: boolean;
  derived: boolean;
}
interface Entity {
  name: string;
  fields: Field[];
}

const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
const isList = (t: TypeNode): boolean =>
  t.kind === Kind.LIST_TYPE ? true : t.kind === Kind.NON_NULL_TYPE ? isList(t.type) : false;
const printType = (t: TypeNode): string =>
  t.kind === Kind.NAMED_TYPE
    ? t.name.value
    : t.kind === Kind.LIST_TYPE
      ? `[${printType(t.type)}]`
      : `${printType(t.type)}!`;

/** The collection field's name, as graph-node pluralizes an entity: `Lease` → `leases`. */
export function collectionName(entity: string): string {
  const lower = entity[0]!.toLowerCase() + entity.slice(1);
  return /(s|x|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
}

function entitiesOf(sdl: string): Entity[] {
  return parse(sdl).definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION
      ? [
          {
            name: d.name.value,
            fields: (d.fields ?? []).map((f: FieldDefinitionNode) => ({
              name: f.name.value,
              type: named(f.type),
              sdl: printType(f.type),
              list: isList(f.type),
              derived: f.directives?.some((x) => x.name.value === "derivedFrom") ?? false,
            })),
          },
        ]
      : [],
  );
}

const collectionArgs = (e: string) =>
  `skip: Int = 0, first: Int = 100, orderBy: ${e}_orderBy, orderDirection: OrderDirection, where: ${e}_filter`;

/** The SDL graph-node would serve for the subgraph schema `sdl`. */
export function graphApiSdl(sdl: string): string {
  const entities = entitiesOf(sdl);
  const isEntity = new Set(entities.map((e) => e.name));
  const out: string[] = [
    "scalar BigInt",
    "scalar BigDecimal",
    "scalar Bytes",
    "scalar Int8",
    "scalar Timestamp",
    "enum OrderDirection { asc desc }",
    "input Block_height { hash: Bytes number: Int number_gte: Int }",
  ];
  const query: string[] = [];
  for (const e of entities) {
    const filter: string[] = [];
    const orderBy: string[] = [];
    const fields: string[] = [];
    for (const f of e.fields) {
      orderBy.push(f.name);
      if (f.derived) {
        fields.push(`${f.name}(${collectionArgs(f.type)}): ${f.sdl}`);
        filter.push(`${f.name}_: ${f.type}_filter`);
        continue;
      }
      fields.push(`${f.name}: ${f.sdl}`);
      // A reference is filtered by the referenced id, as a string, or by the referenced entity's own fields.
      const scalar = isEntity.has(f.type) ? "String" : f.type;
      const ops = ["", "_not", "_in", "_not_in"];
      if (ORDERED.includes(scalar)) ops.push("_gt", "_lt", "_gte", "_lte");
      if (scalar === "String" || scalar === "ID") ops.push(...STRINGY);
      if (scalar === "Bytes") ops.push("_contains", "_not_contains");
      for (const op of ops)
        filter.push(`${f.name}${op}: ${op.endsWith("_in") ? `[${scalar}!]` : scalar}`);
      if (isEntity.has(f.type)) filter.push(`${f.name}_: ${f.type}_filter`);
    }
    filter.push(`and: [${e.name}_filter]`, `or: [${e.name}_filter]`);
    out.push(`type ${e.name} { ${fields.join(" ")} }`);
    out.push(`input ${e.name}_filter { ${filter.join(" ")} }`);
    out.push(`enum ${e.name}_orderBy { ${orderBy.join(" ")} }`);
    const single = e.name[0]!.toLowerCase() + e.name.slice(1);
    query.push(`${single}(id: ID!, block: Block_height): ${e.name}`);
    query.push(
      `${collectionName(e.name)}(${collectionArgs(e.name)}, block: Block_height): [${e.name}!]!`,
    );
  }
  out.push(`type Query { ${query.join(" ")} }`);
  return out.join("\n");
}

let api: { sdl: string; schema: GraphQLSchema; entities: Entity[] } | undefined;

/** The Graph API of `subgraph/schema.graphql` (built once). */
export function subgraphApi(): { sdl: string; schema: GraphQLSchema; entities: Entity[] } {
  if (api) return api;
  const source = readFileSync(new URL("../../../subgraph/schema.graphql", import.meta.url), "utf8");
  const sdl = graphApiSdl(source);
  api = { sdl, schema: buildSchema(sdl), entities: entitiesOf(source) };
  return api;
}

export type Row = Record<string, string | number | boolean | null>;
type Where = Record<string, unknown>;

const OPS = [
  "_not_starts_with",
  "_not_ends_with",
  "_not_contains",
  "_starts_with",
  "_ends_with",
  "_contains",
  "_not_in",
  "_gte",
  "_lte",
  "_not",
  "_in",
  "_gt",
  "_lt",
];

/** Whether `row` of `entity` passes graph-node's `where`. */
function matches(entity: Entity, row: Row, where: Where): boolean {
  return Object.entries(where).every(([key, want]) => {
    if (key === "and") return (want as Where[]).every((w) => matches(entity, row, w));
    if (key === "or") return (want as Where[]).some((w) => matches(entity, row, w));
    if (key.endsWith("_"))
      throw new Error(`the test executor does not evaluate nested filters (${key})`);
    const op =
      OPS.find(
        (o) => key.endsWith(o) && entity.fields.some((f) => f.name === key.slice(0, -o.length)),
      ) ?? "";
    const field = entity.fields.find((f) => f.name === key.slice(0, key.length - op.length))!;
    const have = row[field.name] ?? null;
    const cmp = (a: unknown, b: unknown) => compare(field.type, a, b);
    switch (op) {
      case "":
        return have !== null && cmp(have, want) === 0;
      case "_not":
        return have === null || cmp(have, want) !== 0;
      case "_gt":
        return have !== null && cmp(have, want) > 0;
      case "_lt":
        return have !== null && cmp(have, want) < 0;
      case "_gte":
        return have !== null && cmp(have, want) >= 0;
      case "_lte":
        return have !== null && cmp(have, want) <= 0;
      case "_in":
        return (want as unknown[]).some((w) => have !== null && cmp(have, w) === 0);
      case "_not_in":
        return !(want as unknown[]).some((w) => have !== null && cmp(have, w) === 0);
      case "_starts_with":
        return String(have).startsWith(String(want));
      case "_not_starts_with":
        return !String(have).startsWith(String(want));
      case "_ends_with":
        return String(have).endsWith(String(want));
      case "_not_ends_with":
        return !String(have).endsWith(String(want));
      case "_contains":
        return String(have).includes(String(want));
      default:
        return !String(have).includes(String(want));
    }
  });
}

/** Numbers as numbers (BigInt as bigint), everything else as strings in code-unit order. */
function compare(type: string, a: unknown, b: unknown): number {
  if (NUMERIC.has(type)) {
    const x = BigInt(a as string | number);
    const y = BigInt(b as string | number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Runs `document` against rows held in memory (`rows[entity]`, references stored as the referenced id), validating
 * it against the derived API first. Returns the `data`, or throws with the GraphQL errors.
 */
export async function runGraphQuery(
  rows: Record<string, Row[]>,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const { schema, entities } = subgraphApi();
  const root: Record<string, unknown> = {};
  const isEntity = new Set(entities.map((e) => e.name));
  for (const entity of entities) {
    // A reference resolves to an object with only its id: the queries under test select nothing else of it.
    const present = (row: Row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => {
          const f = entity.fields.find((x) => x.name === k);
          return [k, f && isEntity.has(f.type) && v !== null ? { id: v } : v];
        }),
      );
    const single = entity.name[0]!.toLowerCase() + entity.name.slice(1);
    root[single] = ({ id }: { id: string }) => {
      const row = (rows[entity.name] ?? []).find((r) => r.id === id);
      return row ? present(row) : null;
    };
    root[collectionName(entity.name)] = (args: {
      skip: number;
      first: number;
      orderBy?: string;
      orderDirection?: "asc" | "desc";
      where?: Where;
    }) => {
      if (args.first > 1000) throw new Error("The `first` argument must be between 0 and 1000");
      const key = args.orderBy ?? "id";
      const type = entity.fields.find((f) => f.name === key)!.type;
      const sign = args.orderDirection === "desc" ? -1 : 1;
      return (rows[entity.name] ?? [])
        .filter((r) => matches(entity, r, args.where ?? {}))
        .sort((a, b) => sign * (compare(type, a[key], b[key]) || compare("ID", a.id, b.id)))
        .slice(args.skip, args.skip + args.first)
        .map(present);
    };
  }
  const result = await graphql({
    schema,
    source: document,
    rootValue: root,
    variableValues: variables,
  });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data as Record<string, unknown>;
}
