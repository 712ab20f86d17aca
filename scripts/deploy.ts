/**
 * `npm run deploy -- --network <name>`: deploys Gridlease with Ignition and records where it landed.
 *
 *   - localhost: the GridleaseLocal module (with TestUSD, EAS and the attestation contracts). Its addresses are
 *     deterministic and already in sdk/.
 *   - any other network: the GridleasePublic module with ignition/parameters/<network>.json (the chain's canonical
 *     EAS among them); the addresses, start block and registered schemas are written to deployments/<network>.json.
 *     Run `npm run codegen` afterwards and commit both.
 *
 * Keys come from configuration variables (see hardhat.config.ts), e.g. `npx hardhat keystore set DEPLOYER_PRIVATE_KEY`.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import GridleaseLocal from "../ignition/modules/GridleaseLocal.ts";
import GridleasePublic from "../ignition/modules/GridleasePublic.ts";
import { RESULT_KEYS, readSchemas, type DeploymentRecord } from "./lib/codegen.ts";

const root = process.cwd();
const connection = await network.create();
const name = connection.networkName;
if (name === "default") {
  console.error("Choose a network: npm run deploy -- --network localhost | baseSepolia");
  process.exit(2);
}
const parameters = join(root, "ignition", "parameters", `${name}.json`);
if (!existsSync(parameters)) {
  console.error(`No parameters for network "${name}": create ignition/parameters/${name}.json`);
  process.exit(2);
}
const publicClient = await connection.viem.getPublicClient();
const chainId = await publicClient.getChainId();
const before = await publicClient.getBlockNumber();
const local = name === "localhost";
console.log(
  `Deploying ${local ? "GridleaseLocal" : "GridleasePublic"} to ${name} (chain id ${chainId})…`,
);
const result = local
  ? await connection.ignition.deploy(GridleaseLocal, { parameters })
  : await connection.ignition.deploy(GridleasePublic, { parameters });

const contracts: DeploymentRecord["contracts"] = Object.fromEntries(
  Object.entries(result)
    // `admin` is the market's own address seen through its extension's ABI (ignition/modules/Gridlease.ts).
    .filter(([key]) => key !== "admin")
    .map(([key, c]) => [
      RESULT_KEYS[key],
      { address: (c as { address: string }).address, startBlock: Number(before) + 1 },
    ])
    .sort(([a], [b]) => String(a).localeCompare(String(b))),
);
for (const [contract, { address }] of Object.entries(contracts))
  console.log(`  ${contract.padEnd(24)} ${address}`);
const schemas = await readSchemas(publicClient, contracts);
for (const [key, { uid }] of Object.entries(schemas ?? {})) console.log(`  ${key} schema ${uid}`);

if (!local) {
  mkdirSync(join(root, "deployments"), { recursive: true });
  const file = join(root, "deployments", `${name}.json`);
  const record: DeploymentRecord = {
    chainId,
    network: name,
    contracts,
    ...(schemas ? { schemas } : {}),
  };
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  console.log(`wrote ${file}: now run \`npm run codegen\` and commit both`);
}
