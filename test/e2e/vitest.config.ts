import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

// The global setup imports Hardhat to deploy: pin it to this project's config wherever vitest starts.
process.env.HARDHAT_CONFIG ??= fileURLToPath(new URL("../../hardhat.config.ts", import.meta.url));

/**
 * `npm run test:e2e`: the app's production build in Chromium against a seeded local stack (chain, contracts,
 * indexer), started once by the global setup and shared by every test file (see test/e2e/support/harness.ts).
 */
export default defineConfig({
  test: {
    root,
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/e2e/support/global-setup.ts"],
    // One browser and one chain for all files: run them one after another (the machine has two cores).
    fileParallelism: false,
    // The limits only catch hangs; the machine may be busy.
    testTimeout: 120_000,
    // Building the app, compiling, seeding and the indexer's backfill: a few minutes at worst.
    hookTimeout: 600_000,
  },
});
