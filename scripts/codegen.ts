/**
 * `npm run codegen`: regenerates sdk/src/generated/*, subgraph/abis/* and subgraph/networks.json.
 * With CODEGEN_CHECK=1 it writes nothing and fails when a committed file is stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { network } from "hardhat";
import { localDeployment, publicDeployments, render, staleFiles } from "./lib/codegen.ts";

const root = process.cwd();
const connection = await network.create({ network: "default" });
const files = render(root, [await localDeployment(connection), ...publicDeployments(root)]);

if (process.env.CODEGEN_CHECK === "1") {
  const stale = staleFiles(root, files);
  if (stale.length) {
    console.error(
      `Generated files are stale: ${stale.join(", ")}\nRun \`npm run codegen\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`Generated files are up to date (${files.size} files).`);
} else {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}
