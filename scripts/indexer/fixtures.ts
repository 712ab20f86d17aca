/**
 * `npm run fixtures:indexer`: regenerates the indexer parity fixtures under test/indexer/fixtures/.
 *
 *   1. builds the subgraph (graph codegen + graph build);
 *   2. runs the parity scenario (scripts/indexer/scenario.ts) with its attestation history (./scenario-eas.ts) on a
 *      fresh in-process Hardhat chain;
 *   3. exports every log of the market, EAS, the resolvers and the policy as an event vector (decoded args + block
 *      and transaction metadata);
 *   4. feeds the vectors through the compiled subgraph and checks the resulting entities against the contracts'
 *      own reads (scripts/indexer/check-chain.ts, check-chain-eas.ts);
 *   5. writes scenario-events.json and scenario-entities.json.
 *
 * The tests then require both indexers to produce exactly these entities.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { exportVectors, runScenario } from "./scenario.ts";
import { checkAgainstChain } from "./check-chain.ts";
import { SubgraphRuntime } from "../../test/indexer/support/subgraph-runtime.ts";

const root = process.cwd();
const out = join(root, "test", "indexer", "fixtures");

const build = spawnSync("npm", ["run", "build", "--workspace", "@gridlease/subgraph"], {
  stdio: "inherit",
  env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" },
});
if (build.status !== 0) throw new Error("the subgraph build failed");

const connection = await network.create();
const result = await runScenario(connection, { attestations: true });
const vectors = await exportVectors(await connection.viem.getPublicClient(), result.market);

const runtime = await SubgraphRuntime.load();
runtime.handleAll(vectors);
const entities = runtime.dump();
const problems = await checkAgainstChain(connection, result.market, entities);
if (problems.length) {
  throw new Error(`the indexed entities disagree with the chain:\n  ${problems.join("\n  ")}`);
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "scenario-events.json"), JSON.stringify(vectors, null, 1) + "\n");
writeFileSync(join(out, "scenario-entities.json"), JSON.stringify(entities, null, 1) + "\n");
console.log(
  `wrote ${vectors.length} event vectors (blocks 1-${result.lastBlock}) and ${Object.values(entities).reduce((n, t) => n + Object.keys(t).length, 0)} entities to test/indexer/fixtures/`,
);
