/**
 * Vitest global setup: runs `graph codegen` and `graph build` once, before any worker starts, so every test that
 * executes the subgraph reads one fresh build. The build output is kept in subgraph/build/build.log.
 */
import { writeFileSync } from "node:fs";
import { buildSubgraph } from "./fixtures.ts";

export default function setup() {
  const output = buildSubgraph();
  writeFileSync(new URL("../../../subgraph/build/build.log", import.meta.url), output);
}
