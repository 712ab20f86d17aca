/**
 * The SDK's tests (sdk/test/): `npx vitest run --config sdk/vitest.config.ts`. The on-chain ones run on an
 * in-process Hardhat chain with the repository's contracts, built once before any worker starts.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// `import { network } from "hardhat"` builds the HRE from the closest hardhat.config.ts above the working
// directory: pin it to the project's, and test workers inherit it.
process.env.HARDHAT_CONFIG ??= fileURLToPath(new URL("../hardhat.config.ts", import.meta.url));

export default defineConfig({
  test: {
    root,
    include: ["sdk/test/**/*.test.ts"],
    globalSetup: ["test/integration/support/build.ts"],
    // The limits only catch hangs: the machine may be busy.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
