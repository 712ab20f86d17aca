import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// `import { network } from "hardhat"` builds the HRE from the closest hardhat.config.ts above the working
// directory. Pin it to this project's config so the suite also runs when vitest is started from elsewhere;
// test workers inherit this environment.
process.env.HARDHAT_CONFIG ??= fileURLToPath(new URL("../hardhat.config.ts", import.meta.url));

export default defineConfig({
  test: {
    root,
    include: ["test/integration/**/*.test.ts", "test/indexer/**/*.test.ts"],
    // Compiles the contracts once, before any worker starts: the workers only read artifacts.
    globalSetup: ["test/integration/support/build.ts", "test/indexer/support/build-subgraph.ts"],
    // Everything runs on an in-process chain, but the machine may be busy: the limits only catch hangs.
    testTimeout: 120_000,
    // A cold compile (in the global setup) takes tens of seconds on two cores.
    hookTimeout: 600_000,
  },
});
