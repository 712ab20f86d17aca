/// <reference lib="dom" />
/**
 * Runs the compiled subgraph (subgraph/build/GridleaseMarket/GridleaseMarket.wasm, the one module every data
 * source of the manifest runs) in Node, standing in for graph-node: an in-memory entity store and the host
 * functions the module imports (read from its import list; an unknown import fails loudly). Events are written into
 * the module's memory in the AssemblyScript object layout graph-node uses (class ids from the module's own
 * `id_of_type`), then handed to the handler the manifest names for the data source at the log's address, decoded
 * with that data source's ABI (subgraph/abis/<name>.json).
 *
 * Layout facts (AssemblyScript 0.27, stub runtime): every object's payload follows a 20-byte header whose last
 * two words are the class id and the payload size; strings are UTF-16LE; typed arrays are
 * { buffer, dataStart, byteLength }; arrays add `length`; class fields are laid out in declaration order.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import type { Abi, AbiEvent, AbiParameter } from "viem";
import type { EventVector } from "../../../scripts/indexer/scenario.ts";

const root = new URL("../../../", import.meta.url).pathname;
export const SUBGRAPH_DIR = join(root, "subgraph");
export const WASM_PATH = join(SUBGRAPH_DIR, "build", "GridleaseMarket", "GridleaseMarket.wasm");
export const SCHEMA_PATH = join(SUBGRAPH_DIR, "schema.graphql");

/** Store value kinds (graph-ts common/value.ts). */
const SV = {
  STRING: 0,
  INT: 1,
  BIGDECIMAL: 2,
  BOOL: 3,
  ARRAY: 4,
  NULL: 5,
  BYTES: 6,
  BIGINT: 7,
} as const;
/** Ethereum value kinds (graph-ts chain/ethereum.ts). */
const EV = {
  ADDRESS: 0,
  FIXED_BYTES: 1,
  BYTES: 2,
  INT: 3,
  UINT: 4,
  BOOL: 5,
  STRING: 6,
  FIXED_ARRAY: 7,
  ARRAY: 8,
  TUPLE: 9,
} as const;

export type StoreValue =
  | { kind: "String"; value: string }
  | { kind: "Array"; value: StoreValue[] }
  | { kind: "Int"; value: number }
  | { kind: "Boolean"; value: boolean }
  | { kind: "Bytes"; value: string }
  | { kind: "BigInt"; value: bigint }
  | { kind: "Null" };
export type StoredEntity = Map<string, StoreValue>;

/**
 * One field's value in a dump: BigInt as a decimal string, Bytes as lowercase hex, a stored list (of addresses) as
 * its items joined by commas.
 */
export type DumpValue = string | number | boolean | null;
/** Plain JSON entities: `{ Type: { id: { field: value } } }`. */
export type EntityDump = Record<string, Record<string, Record<string, DumpValue>>>;

export interface EntityField {
  name: string;
  /** Scalar name (ID, String, Int, BigInt, Bytes, Boolean) or, for a reference, the entity type. */
  type: string;
  nullable: boolean;
  /** A reference to another entity (stored as its id). */
  reference: boolean;
  /** A @derivedFrom list: not stored. */
  derived: boolean;
  /** A stored list (of scalars). */
  list: boolean;
  /** For a derived list: the field of the child entity that refers back. */
  derivedFrom?: string;
}

/** Every entity type of subgraph/schema.graphql with its fields. */
export function subgraphEntities(schemaPath = SCHEMA_PATH): Map<string, EntityField[]> {
  const sdl = readFileSync(schemaPath, "utf8");
  const schema = buildSchema(
    `directive @entity(immutable: Boolean) on OBJECT\ndirective @derivedFrom(field: String!) on FIELD_DEFINITION\nscalar BigInt\nscalar Bytes\nscalar BigDecimal\n${sdl}`,
  );
  const entities = new Map<string, EntityField[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__") || type.name === "Query") continue;
    entities.set(
      type.name,
      Object.values(type.getFields()).map((f) => {
        const named = getNamedType(f.type);
        const from = (f.astNode?.directives ?? []).find((d) => d.name.value === "derivedFrom");
        const arg = from?.arguments?.find((a) => a.name.value === "field")?.value;
        return {
          name: f.name,
          type: named.name,
          nullable: !isNonNullType(f.type),
          reference: isObjectType(named),
          derived: from !== undefined,
          list: from === undefined && isListType(getNullableType(f.type)),
          ...(arg?.kind === "StringValue" ? { derivedFrom: arg.value } : {}),
        };
      }),
    );
  }
  return entities;
}

/** One data source of the manifest: its contract, its ABI and its handlers by event name. */
export interface DataSource {
  name: string;
  /** Lowercase hex. */
  address: string;
  abi: Abi;
  handlers: Map<string, string>;
}

/** The data sources of the rendered subgraph.yaml. */
export function manifestDataSources(manifest: string): DataSource[] {
  return manifest
    .split(/^ {2}- kind: ethereum\n/m)
    .slice(1)
    .map((block) => {
      const name = /^ {4}name: (\w+)$/m.exec(block)?.[1];
      const address = /^ {6}address: "(0x[0-9a-fA-F]{40})"$/m.exec(block)?.[1];
      const abiName = /^ {6}abi: (\w+)$/m.exec(block)?.[1];
      if (!name || !address || !abiName)
        throw new Error(`a data source of subgraph.yaml is incomplete:\n${block}`);
      const handlers = new Map<string, string>();
      for (const m of block.matchAll(/- event: (\w+)\(.*\n\s+handler: (\w+)/g))
        handlers.set(m[1]!, m[2]!);
      const abi = JSON.parse(
        readFileSync(join(SUBGRAPH_DIR, "abis", `${abiName}.json`), "utf8"),
      ) as Abi;
      return { name, address: address.toLowerCase(), abi, handlers };
    });
}

export class SubgraphRuntime {
  readonly store = new Map<string, Map<string, StoredEntity>>();
  readonly logs: { level: number; message: string }[] = [];
  private exports!: Record<string, any>;
  private classIds = new Map<string, number>();
  private readonly entities = subgraphEntities();
  readonly dataSources: DataSource[];
  /** The manifest's network, which `dataSource.network()` returns. */
  private readonly network: string;

  private constructor(dataSources: DataSource[], network: string) {
    this.dataSources = dataSources;
    this.network = network;
  }

  /** Instantiates the compiled module with the rendered manifest's data sources. */
  static async load(wasmPath = WASM_PATH): Promise<SubgraphRuntime> {
    const manifest = readFileSync(join(SUBGRAPH_DIR, "subgraph.yaml"), "utf8");
    const network = /\bnetwork: "?([\w-]+)/.exec(manifest)?.[1];
    if (!network) throw new Error("subgraph.yaml names no network");
    const runtime = new SubgraphRuntime(manifestDataSources(manifest), network);
    const module = await WebAssembly.compile(readFileSync(wasmPath));
    const imports = runtime.hostImports(module);
    const instance = await WebAssembly.instantiate(module, imports);
    runtime.exports = instance.exports as Record<string, any>;
    runtime.exports._start();
    return runtime;
  }

  /* ----------------------------------------------------------- memory ------------------------------------------ */

  private get view() {
    return new DataView((this.exports.memory as WebAssembly.Memory).buffer);
  }
  private get bytes() {
    return new Uint8Array((this.exports.memory as WebAssembly.Memory).buffer);
  }
  private classId(typeName: string): number {
    let id = this.classIds.get(typeName);
    if (id === undefined) {
      const typeId = (this.exports[`TypeId.${typeName}`] as WebAssembly.Global).value as number;
      id = this.exports.id_of_type(typeId) as number;
      this.classIds.set(typeName, id);
    }
    return id;
  }
  private alloc(size: number, typeName: string): number {
    return this.exports.__new(size, this.classId(typeName)) as number;
  }
  private u32(ptr: number) {
    return this.view.getUint32(ptr, true);
  }
  private setU32(ptr: number, value: number) {
    this.view.setUint32(ptr, value, true);
  }
  private rtSize(ptr: number) {
    return this.u32(ptr - 4);
  }

  private readString(ptr: number): string {
    const len = this.rtSize(ptr);
    return Buffer.from(this.bytes.slice(ptr, ptr + len)).toString("utf16le");
  }
  private writeString(s: string): number {
    const data = Buffer.from(s, "utf16le");
    const ptr = this.alloc(data.length, "String");
    this.bytes.set(data, ptr);
    return ptr;
  }
  private readBytes(ptr: number): Uint8Array {
    const dataStart = this.u32(ptr + 4);
    const length = this.u32(ptr + 8);
    return this.bytes.slice(dataStart, dataStart + length);
  }
  private writeBytes(data: Uint8Array): number {
    const buffer = this.alloc(data.length, "ArrayBuffer");
    this.bytes.set(data, buffer);
    const ptr = this.alloc(12, "Uint8Array");
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, data.length);
    return ptr;
  }
  private readArray(ptr: number): number[] {
    const dataStart = this.u32(ptr + 4);
    const length = this.u32(ptr + 12);
    return Array.from({ length }, (_, i) => this.u32(dataStart + 4 * i));
  }
  private writeArray(items: number[], typeName: string): number {
    const buffer = this.alloc(items.length * 4, "ArrayBuffer");
    items.forEach((item, i) => this.setU32(buffer + 4 * i, item));
    const ptr = this.alloc(16, typeName);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, items.length * 4);
    this.setU32(ptr + 12, items.length);
    return ptr;
  }

  /** graph-ts BigInt: signed, little-endian, two's complement. */
  private readBigInt(ptr: number): bigint {
    const b = this.readBytes(ptr);
    if (b.length === 0) return 0n;
    let value = 0n;
    for (let i = b.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) value -= 1n << BigInt(8 * b.length);
    return value;
  }
  private writeBigInt(value: bigint): number {
    const out: number[] = [];
    let v = value;
    // Shortest two's complement encoding, as graph-node's to_signed_bytes_le.
    for (;;) {
      const byte = Number(v & 0xffn);
      v >>= 8n;
      out.push(byte);
      if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
    }
    return this.writeBytes(Uint8Array.from(out));
  }

  /* --------------------------------------------------------- host functions ------------------------------------ */

  private hostImports(module: WebAssembly.Module): WebAssembly.Imports {
    const bigOp = (f: (a: bigint, b: bigint) => bigint) => (a: number, b: number) =>
      this.writeBigInt(f(this.readBigInt(a), this.readBigInt(b)));
    // Host functions take and return i32 pointers and numbers (WebAssembly values).
    type HostFunction = (...args: number[]) => number | void;
    const available: Record<string, Record<string, HostFunction>> = {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new Error(
            `subgraph aborted: ${msg ? this.readString(msg) : "?"} at ${file ? this.readString(file) : "?"}:${line}:${col}`,
          );
        },
      },
      index: {
        "store.get": (entity: number, id: number) =>
          this.storeGet(this.readString(entity), this.readString(id)),
        "store.get_in_block": (entity: number, id: number) =>
          this.storeGet(this.readString(entity), this.readString(id)),
        "store.set": (entity: number, id: number, data: number) =>
          this.storeSet(this.readString(entity), this.readString(id), data),
        "store.loadRelated": (entity: number, id: number, field: number) =>
          this.loadRelated(this.readString(entity), this.readString(id), this.readString(field)),
        "store.remove": (entity: number, id: number) => {
          this.store.get(this.readString(entity))?.delete(this.readString(id));
        },
        "log.log": (level: number, msg: number) => {
          const message = this.readString(msg);
          this.logs.push({ level, message });
          if (level === 0) throw new Error(`subgraph critical log: ${message}`);
        },
      },
      datasource: {
        "dataSource.network": () => this.writeString(this.network),
      },
      conversion: {
        "typeConversion.bytesToHex": (ptr: number) =>
          this.writeString(`0x${Buffer.from(this.readBytes(ptr)).toString("hex")}`),
        "typeConversion.bigIntToString": (ptr: number) =>
          this.writeString(this.readBigInt(ptr).toString()),
        "typeConversion.bigIntToHex": (ptr: number) =>
          this.writeString(`0x${this.readBigInt(ptr).toString(16)}`),
        "typeConversion.bytesToString": (ptr: number) =>
          this.writeString(Buffer.from(this.readBytes(ptr)).toString("utf8").replace(/\0/g, "")),
        "typeConversion.stringToH160": (ptr: number) =>
          this.writeBytes(
            Uint8Array.from(Buffer.from(this.readString(ptr).replace(/^0x/, ""), "hex")),
          ),
      },
      numbers: {
        "bigInt.plus": bigOp((a, b) => a + b),
        "bigInt.minus": bigOp((a, b) => a - b),
        "bigInt.times": bigOp((a, b) => a * b),
        "bigInt.dividedBy": bigOp((a, b) => {
          if (b === 0n) throw new Error("subgraph divided a BigInt by zero");
          return a / b;
        }),
        "bigInt.mod": bigOp((a, b) => a % b),
        "bigInt.pow": (a: number, exponent: number) =>
          this.writeBigInt(this.readBigInt(a) ** BigInt(exponent)),
        "bigInt.fromString": (ptr: number) => this.writeBigInt(BigInt(this.readString(ptr))),
        "bigDecimal.toString": () => {
          throw new Error("BigDecimal is not used by the Gridlease subgraph");
        },
      },
    };
    const imports: Record<string, Record<string, HostFunction>> = {};
    for (const { module: mod, name } of WebAssembly.Module.imports(module)) {
      const fn = available[mod]?.[name];
      if (!fn)
        throw new Error(`the subgraph imports ${mod}.${name}, which this host does not provide`);
      (imports[mod] ??= {})[name] = fn;
    }
    return imports as WebAssembly.Imports;
  }

  private readStoreValue(ptr: number): StoreValue {
    const kind = this.view.getInt32(ptr, true);
    const payload = this.view.getBigUint64(ptr + 8, true);
    const p = Number(payload & 0xffffffffn);
    switch (kind) {
      case SV.STRING:
        return { kind: "String", value: this.readString(p) };
      case SV.INT:
        return { kind: "Int", value: Number(BigInt.asIntN(32, payload)) };
      case SV.BOOL:
        return { kind: "Boolean", value: payload !== 0n };
      case SV.BYTES:
        return { kind: "Bytes", value: `0x${Buffer.from(this.readBytes(p)).toString("hex")}` };
      case SV.BIGINT:
        return { kind: "BigInt", value: this.readBigInt(p) };
      case SV.NULL:
        return { kind: "Null" };
      case SV.ARRAY:
        return { kind: "Array", value: this.readArray(p).map((v) => this.readStoreValue(v)) };
      default:
        throw new Error(`store value kind ${kind} is not used by the Gridlease subgraph`);
    }
  }

  private writeStoreValue(v: StoreValue): number {
    const ptr = this.alloc(16, "StoreValue");
    let kind: number;
    let payload = 0n;
    switch (v.kind) {
      case "String":
        kind = SV.STRING;
        payload = BigInt(this.writeString(v.value));
        break;
      case "Int":
        kind = SV.INT;
        payload = BigInt.asUintN(64, BigInt(v.value));
        break;
      case "Boolean":
        kind = SV.BOOL;
        payload = v.value ? 1n : 0n;
        break;
      case "Bytes":
        kind = SV.BYTES;
        payload = BigInt(this.writeBytes(Uint8Array.from(Buffer.from(v.value.slice(2), "hex"))));
        break;
      case "BigInt":
        kind = SV.BIGINT;
        payload = BigInt(this.writeBigInt(v.value));
        break;
      case "Null":
        kind = SV.NULL;
        break;
      case "Array":
        kind = SV.ARRAY;
        payload = BigInt(
          this.writeArray(
            v.value.map((item) => this.writeStoreValue(item)),
            "ArrayStoreValue",
          ),
        );
        break;
    }
    this.view.setInt32(ptr, kind, true);
    this.view.setBigUint64(ptr + 8, payload, true);
    return ptr;
  }

  private storeGet(entity: string, id: string): number {
    const row = this.store.get(entity)?.get(id);
    return row ? this.writeEntity(row) : 0;
  }

  /** A derived field's entities (graph-ts `<Entity>.<field>.load()`): the children whose back reference is `id`. */
  private loadRelated(entity: string, id: string, field: string): number {
    const f = this.entities.get(entity)?.find((x) => x.name === field);
    if (!f?.derived || !f.derivedFrom)
      throw new Error(`store.loadRelated: ${entity}.${field} is not a derived field`);
    const children = [...(this.store.get(f.type)?.values() ?? [])].filter((row) => {
      const back = row.get(f.derivedFrom!);
      return back?.kind === "String" && back.value === id;
    });
    // graph-ts maps this type id to Array<Entity> (global.ts id_of_type).
    return this.writeArray(
      children.map((row) => this.writeEntity(row)),
      "ArrayTypedMapEntryStringStoreValue",
    );
  }

  private writeEntity(row: StoredEntity): number {
    const entries = [...row].map(([key, value]) => {
      const entry = this.alloc(8, "TypedMapEntryStringStoreValue");
      this.setU32(entry, this.writeString(key));
      this.setU32(entry + 4, this.writeStoreValue(value));
      return entry;
    });
    const map = this.alloc(4, "TypedMapStringStoreValue");
    this.setU32(map, this.writeArray(entries, "ArrayTypedMapEntryStringStoreValue"));
    return map;
  }

  private storeSet(entity: string, id: string, data: number) {
    const fields = this.entities.get(entity);
    if (!fields) throw new Error(`store.set of unknown entity type ${entity}`);
    const row: StoredEntity = new Map();
    for (const entry of this.readArray(this.u32(data))) {
      row.set(this.readString(this.u32(entry)), this.readStoreValue(this.u32(entry + 4)));
    }
    // graph-node refuses entities that miss a required field or set a derived one; so does this store.
    for (const f of fields) {
      const v = row.get(f.name);
      if (f.derived) {
        if (v) throw new Error(`${entity} ${id}: derived field ${f.name} was set`);
      } else if (!f.nullable && (!v || v.kind === "Null")) {
        throw new Error(`${entity} ${id}: required field ${f.name} is missing`);
      }
    }
    for (const key of row.keys()) {
      if (!fields.some((f) => f.name === key))
        throw new Error(`${entity} ${id}: unknown field ${key}`);
    }
    if (row.get("id")?.kind !== "String" || (row.get("id") as { value: string }).value !== id) {
      throw new Error(`${entity} ${id}: the id field does not match the key`);
    }
    let table = this.store.get(entity);
    if (!table) this.store.set(entity, (table = new Map()));
    table.set(id, row);
  }

  /* ---------------------------------------------------------- events ------------------------------------------- */

  private writeEthereumValue(param: AbiParameter, value: unknown): number {
    let kind: number;
    let payload: number;
    const type = param.type;
    if (type === "address") {
      kind = EV.ADDRESS;
      payload = this.writeBytes(hexBytes(value as string));
    } else if (type === "bool") {
      kind = EV.BOOL;
      payload = value ? 1 : 0;
    } else if (type === "string") {
      kind = EV.STRING;
      payload = this.writeString(value as string);
    } else if (type === "bytes") {
      kind = EV.BYTES;
      payload = this.writeBytes(hexBytes(value as string));
    } else if (/^bytes\d+$/.test(type)) {
      kind = EV.FIXED_BYTES;
      payload = this.writeBytes(hexBytes(value as string));
    } else if (/^u?int\d*$/.test(type)) {
      kind = type.startsWith("u") ? EV.UINT : EV.INT;
      payload = this.writeBigInt(BigInt(value as string | number));
    } else if (type.endsWith("[]")) {
      kind = EV.ARRAY;
      const item = { ...param, type: type.slice(0, -2) } as AbiParameter;
      payload = this.writeArray(
        (value as unknown[]).map((v) => this.writeEthereumValue(item, v)),
        "ArrayEthereumValue",
      );
    } else if (type === "tuple") {
      kind = EV.TUPLE;
      const components = (param as { components: readonly AbiParameter[] }).components;
      const record = value as Record<string, unknown>;
      payload = this.writeArray(
        components.map((c, i) => this.writeEthereumValue(c, record[c.name ?? String(i)])),
        "ArrayEthereumValue",
      );
    } else {
      throw new Error(`ABI type ${type} is not used by the indexed events`);
    }
    const ptr = this.alloc(16, "EthereumValue");
    this.view.setInt32(ptr, kind, true);
    this.view.setBigUint64(ptr + 8, BigInt(payload), true);
    return ptr;
  }

  private writeEvent(v: EventVector, source: DataSource): number {
    const abiEvent = source.abi.find(
      (e): e is AbiEvent => e.type === "event" && e.name === v.event,
    );
    if (!abiEvent) throw new Error(`the ${source.name} ABI has no event ${v.event}`);
    const zero32 = new Uint8Array(32);
    const big = (x: bigint | number | string) => this.writeBigInt(BigInt(x));

    const blockFields = [
      this.writeBytes(hexBytes(v.blockHash)),
      this.writeBytes(hexBytes(v.parentHash)),
      this.writeBytes(zero32),
      this.writeBytes(new Uint8Array(20)),
      this.writeBytes(zero32),
      this.writeBytes(zero32),
      this.writeBytes(zero32),
      big(v.blockNumber),
      big(0),
      big(30_000_000),
      big(v.blockTimestamp),
      big(0),
      big(0),
      0, // size: null
      0, // baseFeePerGas: null
    ];
    const block = this.alloc(blockFields.length * 4, "EthereumBlock");
    blockFields.forEach((p, i) => this.setU32(block + 4 * i, p));

    const txFields = [
      this.writeBytes(hexBytes(v.txHash)),
      big(v.txIndex),
      this.writeBytes(hexBytes(v.txFrom)),
      v.txTo ? this.writeBytes(hexBytes(v.txTo)) : 0,
      big(0),
      big(0),
      big(0),
      this.writeBytes(new Uint8Array(0)),
      big(0),
    ];
    const tx = this.alloc(txFields.length * 4, "EthereumTransaction");
    txFields.forEach((p, i) => this.setU32(tx + 4 * i, p));

    const params = abiEvent.inputs.map((input) => {
      const param = this.alloc(8, "EventParam");
      this.setU32(param, this.writeString(input.name ?? ""));
      this.setU32(param + 4, this.writeEthereumValue(input, v.args[input.name!]));
      return param;
    });

    const eventFields = [
      this.writeBytes(hexBytes(v.address)),
      big(v.logIndex),
      big(v.logIndex),
      0, // logType: null
      block,
      tx,
      this.writeArray(params, "ArrayEventParam"),
      0, // receipt: null
    ];
    const event = this.alloc(eventFields.length * 4, "EthereumEvent");
    eventFields.forEach((p, i) => this.setU32(event + 4 * i, p));
    return event;
  }

  /**
   * Feeds one event to the handler of the data source at its address; returns false when the manifest has no
   * handler for it.
   */
  handle(vector: EventVector): boolean {
    const source = this.dataSources.find((d) => d.address === vector.address.toLowerCase());
    const handler = source?.handlers.get(vector.event);
    if (!source || !handler) return false;
    const fn = this.exports[handler] as ((ptr: number) => void) | undefined;
    if (!fn) throw new Error(`the manifest names ${handler}, which the module does not export`);
    fn(this.writeEvent(vector, source));
    return true;
  }

  /** Feeds events in order. */
  handleAll(vectors: EventVector[]) {
    for (const v of vectors) this.handle(v);
  }

  /** Handled event names of one data source (by default the market), from the rendered manifest. */
  handledEvents(dataSource = "GridleaseMarket"): string[] {
    const source = this.dataSources.find((d) => d.name === dataSource);
    if (!source) throw new Error(`subgraph.yaml has no data source ${dataSource}`);
    return [...source.handlers.keys()];
  }

  /** The address of one data source (lowercase hex). */
  addressOf(dataSource: string): string {
    const source = this.dataSources.find((d) => d.name === dataSource);
    if (!source) throw new Error(`subgraph.yaml has no data source ${dataSource}`);
    return source.address;
  }

  /** The whole store as plain JSON, sorted by type and id. */
  dump(): EntityDump {
    const out: EntityDump = {};
    for (const type of [...this.entities.keys()].sort()) {
      const table = this.store.get(type);
      const rows: EntityDump[string] = {};
      for (const id of [...(table?.keys() ?? [])].sort()) {
        const row = table!.get(id)!;
        const fields: Record<string, DumpValue> = {};
        for (const f of this.entities.get(type)!) {
          if (f.derived) continue;
          fields[f.name] = dumpValue(row.get(f.name));
        }
        rows[id] = fields;
      }
      out[type] = rows;
    }
    return out;
  }
}

function dumpValue(v: StoreValue | undefined): DumpValue {
  if (!v || v.kind === "Null") return null;
  if (v.kind === "BigInt") return v.value.toString();
  if (v.kind === "Array") return v.value.map((item) => String(dumpValue(item))).join(",");
  return v.value;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}
