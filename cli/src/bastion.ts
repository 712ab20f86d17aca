/**
 * Bastion access for big leases (issue #12): the access details of hundreds of servers do not fit in the market's
 * 4,096-byte payload, so a provisioning hook may print the lease's whole `inventory` document (sdk/inventory.ts)
 * beside the bastion login. The agent stores the canonical document where the bastion serves it and seals only
 * `inventory: { hash, path }`; `lease access` logs in to the bastion, reads the document and checks its hash.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  canonicalInventoryJson,
  inventoryHash,
  InventoryError,
  parseInventory,
  sealedInventoryOf,
  verifyInventory,
  type Inventory,
} from "@gridlease/sdk/inventory";
import { CliError, EXIT } from "./exit.ts";
import { sshCliError, SshError, SshSession, sshTargetOf } from "./ssh/session.ts";

/**
 * Agent side: the hook's connection details with an `inventory` document replaced by `{ hash, path }`, the
 * document written (canonical, world-readable: it names servers, not secrets) to `dir` on the bastion.
 */
export function withServedInventory(
  details: Record<string, unknown>,
  leaseId: string,
  dir: string | undefined,
): Record<string, unknown> {
  const { inventory, ...rest } = details;
  if (inventory === undefined) return details;
  if (!dir)
    throw new Error(
      "the provisioning hook printed an inventory, but the agent has no --inventory-dir to serve it from the bastion",
    );
  const doc = parseInventory(inventory);
  if (doc.leaseId !== leaseId)
    throw new Error(
      `the provisioning hook's inventory is for lease ${doc.leaseId}, not ${leaseId}`,
    );
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const path = join(resolve(dir), `lease-${leaseId}.inventory.json`);
  // Written then renamed, so the bastion never serves half a document.
  writeFileSync(`${path}.tmp`, canonicalInventoryJson(doc), { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
  return { ...rest, inventory: { hash: inventoryHash(doc), path } };
}

/** An inventory failure as the CLI reports it: a check that failed (exit 8), mismatched or malformed. */
const inventoryCliError = (err: InventoryError) =>
  new CliError(EXIT.MISMATCH, err.message, `inventory-${err.code}`);

/**
 * Buyer side: when the opened details seal an inventory, logs in to the bastion with them, reads the document
 * and returns it checked against the sealed hash; undefined when they seal none.
 */
export async function fetchInventory(
  leaseId: bigint,
  details: { host: string; port: number; user: string; [field: string]: unknown },
  timeoutMs = 20_000,
): Promise<Inventory | undefined> {
  let sealed;
  try {
    sealed = sealedInventoryOf(details);
  } catch (err) {
    if (err instanceof InventoryError) throw inventoryCliError(err);
    throw err;
  }
  if (!sealed) return undefined;
  const target = sshTargetOf(leaseId, details, "fetching the inventory from the bastion");
  let session: SshSession | undefined;
  try {
    session = await SshSession.connect(target, timeoutMs);
    // The path is sealed by the provider; quoted for the shell all the same.
    const quoted = `'${sealed.path.replace(/'/g, `'\\''`)}'`;
    const got = await session.exec(`cat -- ${quoted}`, { timeoutMs });
    if (got.code !== 0)
      throw new CliError(
        EXIT.NOT_FOUND,
        `The bastion ${target.host}:${target.port} has no inventory at ${sealed.path} (${got.stderr.trim() || `exit ${got.code}`})`,
        "inventory-missing",
      );
    return verifyInventory(got.stdout, sealed);
  } catch (err) {
    if (err instanceof SshError) throw sshCliError(err);
    if (err instanceof InventoryError) throw inventoryCliError(err);
    throw err;
  } finally {
    session?.close();
  }
}
