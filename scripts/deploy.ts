/**
 * `npm run deploy -- --network <name>`: deploys Gridlease with Ignition and records where it landed.
 *
 *   - localhost: the GridleaseLocal module (with TestUSD). Its addresses are deterministic and already in sdk/.
 *   - any other network: the GridleasePublic module with ignition/parameters/<network>.json; the addresses and
 *     start block are written to deployments/<network>.json. Run `npm run codegen` afterwards and commit both.
 *
 * Keys come from configuration variables (see hardhat.config.ts), e.g. `npx hardhat keystore set DEPLOYER_PRIVATE_KEY`.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import GridleaseLocal from "../ignition/modules/GridleaseLocal.ts";
import GridleasePublic from "../ignition/modules/GridleasePublic.ts";

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
const result = await connection.ignition.deploy(local ? GridleaseLocal : GridleasePublic, {
  parameters,
});

const names: Record<string, string> = {
  market: "GridleaseMarket",
  grid: "GridleaseToken",
  policy: "AllowlistPolicy",
  usd: "TestUSD",
};
const contracts: Record<string, { address: string; startBlock: number }> = Object.fromEntries(
  Object.entries(result)
    // `admin` is the market's own address seen through its extension's ABI (ignition/modules/Gridlease.ts).
    .filter(([key]) => key !== "admin")
    .map(([key, c]) => [
      names[key],
      { address: (c as { address: string }).address, startBlock: Number(before) + 1 },
    ])
    .sort(([a], [b]) => String(a).localeCompare(String(b))),
);
for (const [contract, { address }] of Object.entries(contracts))
  console.log(`  ${contract.padEnd(16)} ${address}`);

if (!local) {
  mkdirSync(join(root, "deployments"), { recursive: true });
  const file = join(root, "deployments", `${name}.json`);
  writeFileSync(file, JSON.stringify({ chainId, network: name, contracts }, null, 2) + "\n");
  console.log(`wrote ${file}: now run \`npm run codegen\` and commit both`);
}
