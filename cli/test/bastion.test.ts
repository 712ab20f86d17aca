/**
 * Bastion access for big leases (issue #12), against a real chain, a real OpenSSH server and the agent: the
 * provisioning hook prints the bastion login with a 300-server inventory (far over the 4,096-byte access limit);
 * the agent stores the canonical document where the bastion serves it and seals only its path and hash; `lease
 * access` logs in to the bastion, fetches the document and checks the hash; a tampered document is refused with
 * exit 8 and a plain message. Also the inventory's canonical encoding (sdk/inventory.ts) on its own.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, size } from "viem";
import { getAccessPayload } from "@gridlease/sdk";
import {
  canonicalInventoryJson,
  INVENTORY_SCHEMA,
  inventoryHash,
  InventoryError,
  parseInventory,
  verifyInventory,
  type Inventory,
} from "@gridlease/sdk/inventory";
import { BUYER_KEY } from "./support.ts";
import { sshdUnavailable } from "./support/sshd.ts";
import { SSH_ACCOUNT_HOOK, startSshHost, type SshHost } from "./support/sshHost.ts";

const SERVERS = 300;
const skip = sshdUnavailable();

/** The inventory a hook prints for lease `leaseId`: SERVERS servers of 8 GPUs behind the bastion. */
const inventoryFor = (leaseId: string): Inventory => ({
  schema: INVENTORY_SCHEMA,
  leaseId,
  servers: Array.from({ length: SERVERS }, (_, i) => ({
    hostname: `gpu-${String(i).padStart(4, "0")}.jp27.internal`,
    port: 22,
    gpus: 8,
  })),
});

describe("inventory encoding", () => {
  const doc = inventoryFor("7");

  it("hashes the same content the same way whatever the key order and whitespace", () => {
    const reordered = JSON.stringify(
      {
        servers: doc.servers.map((s) => ({ port: s.port, gpus: s.gpus, hostname: s.hostname })),
        schema: doc.schema,
        leaseId: doc.leaseId,
      },
      null,
      2,
    );
    expect(canonicalInventoryJson(parseInventory(reordered))).toBe(canonicalInventoryJson(doc));
    expect(verifyInventory(reordered, { hash: inventoryHash(doc), path: "/x" })).toEqual(doc);
  });

  it("refuses a document whose content differs from the sealed hash", () => {
    const changed = { ...doc, servers: [...doc.servers.slice(1), doc.servers[0]] };
    expect(() =>
      verifyInventory(JSON.stringify(changed), { hash: inventoryHash(doc), path: "/inv.json" }),
    ).toThrow(/does not match the hash sealed/);
  });

  it.each([
    ["not JSON", "{"],
    ["no servers", JSON.stringify({ ...doc, servers: [] })],
    ["a bad port", JSON.stringify({ ...doc, servers: [{ hostname: "a", port: 0, gpus: 8 }] })],
    ["another schema", JSON.stringify({ ...doc, schema: "x" })],
  ])("names a malformed document (%s)", (_what, text) => {
    expect(() => parseInventory(text)).toThrow(InventoryError);
  });
});

describe.skipIf(skip)("lease access through a bastion", () => {
  let host: SshHost;
  let inventoryDir: string;
  let leaseId: string;

  beforeAll(async () => {
    // Outside the tests' private temporary directories: the bastion's per-lease account must read it.
    inventoryDir = mkdtempSync(join(tmpdir(), "gridlease-inventory-"));
    chmodSync(inventoryDir, 0o755);
    host = await startSshHost({
      accountPrefix: "glbastion",
      agentFlags: (dir) => {
        // The shipped hook makes the bastion account; this wrapper adds the lease's whole inventory to its output.
        const wrapper = join(dir, "bastion-hook");
        writeFileSync(
          wrapper,
          [
            "#!/bin/sh",
            `out=$("${SSH_ACCOUNT_HOOK}") || exit $?`,
            `[ "$GRIDLEASE_HOOK" = provision ] || { printf '%s' "$out"; exit 0; }`,
            `printf '%s' "$out" | "${process.execPath}" -e '`,
            `let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {`,
            `  const id = process.env.GRIDLEASE_LEASE_ID;`,
            `  const servers = Array.from({ length: ${SERVERS} }, (_, i) =>`,
            `    ({ hostname: "gpu-" + String(i).padStart(4, "0") + ".jp27.internal", port: 22, gpus: 8 }));`,
            `  process.stdout.write(JSON.stringify({ ...JSON.parse(s),`,
            `    inventory: { schema: "${INVENTORY_SCHEMA}", leaseId: id, servers } }));`,
            `});'`,
          ].join("\n"),
          { mode: 0o755 },
        );
        return ["--provision-hook", wrapper, "--inventory-dir", inventoryDir];
      },
    });
    leaseId = await host.openLease();
    await host.activated(leaseId);
  });

  afterAll(async () => {
    await host?.stop();
    rmSync(inventoryDir, { recursive: true, force: true });
  });

  it("seals only the bastion login and the inventory's hash, and lease access fetches and checks it", async () => {
    const expected = inventoryFor(leaseId);
    expect(canonicalInventoryJson(expected).length).toBeGreaterThan(4096);
    const client = createPublicClient({ transport: http(host.chain.url) });
    const sealed = await getAccessPayload(client, {
      market: host.chain.market,
      leaseId: BigInt(leaseId),
      fromBlock: 0n,
    });
    expect(size(sealed!.encryptedAccess)).toBeLessThan(1024);

    const got = await host.run(BUYER_KEY, [
      "lease",
      "access",
      "--lease",
      leaseId,
      "--key",
      host.keyFile,
    ]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.json.access.user).toBe(host.account(leaseId));
    expect(got.json.access.inventory).toEqual({
      hash: inventoryHash(expected),
      path: join(inventoryDir, `lease-${leaseId}.inventory.json`),
    });
    expect(got.json.inventory).toEqual(expected);
  });

  it("refuses an inventory the bastion serves that is not the sealed one (exit 8), naming the mismatch", async () => {
    const path = join(inventoryDir, `lease-${leaseId}.inventory.json`);
    const served = JSON.parse(readFileSync(path, "utf8"));
    served.servers[17].hostname = "attacker.example";
    writeFileSync(path, JSON.stringify(served));
    const got = await host.run(BUYER_KEY, [
      "lease",
      "access",
      "--lease",
      leaseId,
      "--key",
      host.keyFile,
    ]);
    expect(got.code).toBe(8);
    expect(got.json.error.kind).toBe("inventory-hash-mismatch");
    expect(got.stderr).toMatch(/does not match the hash sealed in the access details/);
  });
});
