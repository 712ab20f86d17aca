/**
 * The Ponder schema (indexer/ponder.schema.ts) and the subgraph schema (subgraph/schema.graphql) define the same
 * entities with the same fields and types, and the same derived lists.
 */
import { describe, expect, it } from "vitest";
import {
  getTableColumns,
  getTableName,
  is,
  Many,
  One,
  Relations,
  createTableRelationsHelpers,
} from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import * as ponderSchema from "../../indexer/ponder.schema.ts";
import { subgraphEntities } from "./support/subgraph-runtime.ts";

const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);

interface PonderColumn {
  columnType: string;
  dataType: string;
  /** An array column's element column. */
  baseColumn?: PonderColumn;
}

/** Ponder column type -> the subgraph scalar it stands for (a list of it for an array column: `[String]`). */
function scalarOf({ columnType, dataType, baseColumn }: PonderColumn): string {
  if (columnType === "PgArray" && baseColumn) return `[${scalarOf(baseColumn)}]`;
  if (columnType === "PgText") return "String";
  if (columnType === "PgHex") return "Bytes";
  if (columnType === "PgInteger") return "Int";
  if (columnType === "PgBoolean") return "Boolean";
  if (dataType === "bigint") return "BigInt";
  return `unknown ${columnType}/${dataType}`;
}

function ponderEntities() {
  const entities = new Map<
    string,
    { stored: Map<string, string>; nullable: Set<string>; derived: Set<string> }
  >();
  const byTable = new Map<string, string>();
  for (const [exportName, value] of Object.entries(ponderSchema)) {
    if (!is(value, PgTable)) continue;
    const stored = new Map<string, string>();
    const nullable = new Set<string>();
    for (const [name, col] of Object.entries(getTableColumns(value))) {
      stored.set(name, scalarOf(col));
      if (!col.notNull) nullable.add(name);
    }
    entities.set(upperFirst(exportName), { stored, nullable, derived: new Set() });
    byTable.set(getTableName(value), upperFirst(exportName));
  }
  const references = new Map<string, Map<string, string>>();
  for (const value of Object.values(ponderSchema)) {
    if (!is(value, Relations)) continue;
    const entity = byTable.get(getTableName(value.table))!;
    const config = value.config(createTableRelationsHelpers(value.table));
    for (const [name, rel] of Object.entries(config)) {
      const target = byTable.get(rel.referencedTableName)!;
      if (is(rel, Many)) entities.get(entity)!.derived.add(`${name}:${target}`);
      if (is(rel, One)) {
        if (!references.has(entity)) references.set(entity, new Map());
        references.get(entity)!.set(name, target);
      }
    }
  }
  return { entities, references };
}

describe("the Ponder and subgraph schemas", () => {
  const subgraph = subgraphEntities();
  const { entities: ponder, references } = ponderEntities();

  it("have the same entities", () => {
    expect([...ponder.keys()].sort()).toEqual([...subgraph.keys()].sort());
  });

  for (const [entity, fields] of subgraph) {
    it(`give ${entity} the same fields, types, nullability and derived lists`, () => {
      const p = ponder.get(entity)!;
      const stored = fields.filter((f) => !f.derived);
      // A reference is stored as the referenced entity's id (text) with a `one` relation of the same name.
      expect(
        Object.fromEntries(
          stored.map((f) => {
            const scalar = f.reference || f.type === "ID" ? "String" : f.type;
            return [f.name, f.list ? `[${scalar}]` : scalar];
          }),
        ),
      ).toEqual(Object.fromEntries(p.stored));
      expect(new Set(stored.filter((f) => f.nullable).map((f) => f.name))).toEqual(p.nullable);
      expect(
        Object.fromEntries(stored.filter((f) => f.reference).map((f) => [f.name, f.type])),
      ).toEqual(Object.fromEntries(references.get(entity) ?? []));
      expect(new Set(fields.filter((f) => f.derived).map((f) => `${f.name}:${f.type}`))).toEqual(
        p.derived,
      );
    });
  }
});
