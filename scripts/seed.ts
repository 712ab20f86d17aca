/**
 * `npm run seed -- --network localhost`: fills a local chain where GridleaseLocal is deployed (or deploys it)
 * with a realistic, deterministic market: providers, offers and leases in every state over 15 days of chain
 * time. `SEED=<any value>` picks another market; the same value always builds the same one.
 *
 * The logic lives in scripts/lib/seed/index.ts (`seedMarket`), which the dev stack and the tests call directly.
 */
import { network } from "hardhat";
import { formatSummary, seedMarket } from "./lib/seed/index.ts";

const connection = await network.create();
const summary = await seedMarket(connection, {
  seed: process.env.SEED || undefined,
  trackGas: process.env.SEED_GAS === "1",
  log: (line) => console.log(`  ${line}`),
});
console.log(formatSummary(summary));
if (summary.gas) console.table(summary.gas.map((g) => ({ ...g, maxUsed: Number(g.maxUsed) })));
await connection.close();
