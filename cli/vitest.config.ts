import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// The tests deploy the market with Hardhat (scripts/lib/fixture.ts): pin the HRE to the project's config so they
// also run when vitest is started from another directory; test workers inherit this environment.
process.env.HARDHAT_CONFIG ??= fileURLToPath(new URL("../hardhat.config.ts", import.meta.url));

export default defineConfig({
  test: {
    root,
    include: ["cli/test/**/*.test.ts"],
    // Compiles the contracts once, before any worker starts: the workers only read artifacts.
    globalSetup: ["test/integration/support/build.ts"],
    // Each file starts its own hardhat node (and explore.test.ts a Ponder): one file at a time on a small machine,
    // and the limits only catch hangs.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
