/**
 * The server inventory of a big lease (issue #12, bastion access). The access details of a lease of hundreds of
 * servers do not fit in the market's 4,096-byte access payload, so the provider seals only a bastion login and
 * the keccak256 hash of an inventory document (every server: hostname, SSH port, GPUs); the buyer logs in to the
 * bastion, fetches the document from the sealed path and checks it against the sealed hash.
 *
 * Canonical encoding: JSON with keys sorted at every level, no whitespace, servers in the document's order, so
 * the same inventory always gives the same bytes and the same hash.
 */
import { keccak256, toBytes, type Hex } from "viem";

/** Schema tag of inventory documents. */
export const INVENTORY_SCHEMA = "gridlease/inventory/v1";

/** One leased server, as the buyer reaches it from the bastion. */
export interface InventoryServer {
  hostname: string;
  port: number;
  gpus: number;
}

/** The inventory document of one lease. */
export interface Inventory {
  schema: typeof INVENTORY_SCHEMA;
  leaseId: string;
  servers: InventoryServer[];
}

/** What the sealed access details of a big lease carry about the inventory, beside the bastion login. */
export interface SealedInventory {
  /** keccak256 of the canonical inventory JSON. */
  hash: Hex;
  /** Absolute path of the document on the bastion. */
  path: string;
}

/** Why an inventory could not be read or did not match its sealed hash. */
export type InventoryErrorCode = "malformed" | "hash-mismatch";

/** An inventory failure, with a message fit to show a person. */
export class InventoryError extends Error {
  override name = "InventoryError";
  readonly code: InventoryErrorCode;

  constructor(code: InventoryErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const malformed = (why: string) =>
  new InventoryError("malformed", `The inventory document is malformed: ${why}`);

function parseServer(v: unknown, i: number): InventoryServer {
  if (!isRecord(v)) throw malformed(`server ${i} is not an object`);
  const { hostname, port, gpus } = v;
  if (typeof hostname !== "string" || !/^[A-Za-z0-9.:_-]{1,253}$/.test(hostname))
    throw malformed(`server ${i} has no valid hostname`);
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    throw malformed(`server ${i}'s port is not a number from 1 to 65535`);
  if (typeof gpus !== "number" || !Number.isInteger(gpus) || gpus < 0)
    throw malformed(`server ${i}'s GPU count is not a whole number`);
  return { hostname, port, gpus };
}

/** Reads an inventory from JSON text or a parsed value; throws InventoryError("malformed") with the reason. */
export function parseInventory(json: string | unknown): Inventory {
  let doc: unknown = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch {
      throw malformed("it is not JSON");
    }
  }
  if (!isRecord(doc)) throw malformed("it is not an object");
  if (doc.schema !== INVENTORY_SCHEMA) throw malformed(`its schema is not ${INVENTORY_SCHEMA}`);
  if (typeof doc.leaseId !== "string" || !/^\d+$/.test(doc.leaseId))
    throw malformed("its leaseId is not a decimal string");
  if (!Array.isArray(doc.servers) || doc.servers.length === 0)
    throw malformed("it lists no servers");
  return { schema: INVENTORY_SCHEMA, leaseId: doc.leaseId, servers: doc.servers.map(parseServer) };
}

/** The canonical JSON of an inventory: keys sorted at every level, no whitespace. */
export function canonicalInventoryJson(inventory: Inventory): string {
  const servers = inventory.servers.map((s) => ({
    gpus: s.gpus,
    hostname: s.hostname,
    port: s.port,
  }));
  return JSON.stringify({ leaseId: inventory.leaseId, schema: inventory.schema, servers });
}

/** keccak256 of the inventory's canonical JSON: what the provider seals into the access details. */
export function inventoryHash(inventory: Inventory): Hex {
  return keccak256(toBytes(canonicalInventoryJson(inventory)));
}

/**
 * Checks a fetched document against the sealed hash and returns it parsed. The hash is taken over the canonical
 * encoding of what was parsed, so whitespace or key order on the bastion does not matter; content does.
 */
export function verifyInventory(fetched: string, sealed: SealedInventory): Inventory {
  const inventory = parseInventory(fetched);
  const actual = inventoryHash(inventory);
  if (actual.toLowerCase() !== sealed.hash.toLowerCase())
    throw new InventoryError(
      "hash-mismatch",
      `The inventory at ${sealed.path} does not match the hash sealed in the access details (sealed ${sealed.hash}, fetched ${actual}): do not use these servers and tell the provider.`,
    );
  return inventory;
}

/** Reads the `inventory` field of opened access details, if any; throws InventoryError("malformed") if bad. */
export function sealedInventoryOf(details: Record<string, unknown>): SealedInventory | undefined {
  const v = details.inventory;
  if (v === undefined) return undefined;
  if (
    !isRecord(v) ||
    typeof v.hash !== "string" ||
    !/^0x[0-9a-fA-F]{64}$/.test(v.hash) ||
    typeof v.path !== "string" ||
    !v.path.startsWith("/")
  )
    throw new InventoryError(
      "malformed",
      "The access details' inventory field is not { hash: 32 bytes of hex, path: an absolute path }",
    );
  return { hash: v.hash as Hex, path: v.path };
}
