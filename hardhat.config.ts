import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

const require = createRequire(import.meta.url);

const solcPath = require.resolve("solc/soljson.js");
// EAS's sources pin 0.8.29; they compile with that release of the npm solc, installed under an alias.
const solc0829Path = require.resolve("solc-0.8.29/soljson.js");
const compilerSettings = {
  optimizer: { enabled: true, runs: 10_000 },
  evmVersion: "cancun",
  // The market's events and lease packing need more stack than the legacy pipeline gives.
  viaIR: true,
};

// Solidity tests do not need the IR pipeline, and compiling them through it with the JS solc took most of a cold
// `npm test` build. They never compile the market either: they deploy it from its artifact (see
// test/contracts/utils/BaseTest.sol), and MarketBytecode.t.sol checks that what they deploy is that artifact.
const testCompilerSettings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
};

/** Every Solidity file under contracts/, as Hardhat names it: each gets the production settings. Read relative to
 * this file, so that Hardhat run from a subfolder sees the same list. */
function contractSources(dir = "contracts"): string[] {
  return readdirSync(new URL(dir, import.meta.url), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return contractSources(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}
const production = { version: "0.8.30", path: solcPath, settings: compilerSettings };
/** The market's extension and its reserved-capacity code run off the lease path (offer settings, top-ups, per-server
 * ends, admin, reads), so they are optimized for size rather than for calls: at 10,000 runs they would not fit
 * EIP-170. Each is deployed on its own and handed to the contract that delegates to it, so its settings are its
 * own. */
const sizeOptimized = [
  "contracts/GridleaseMarketExtension.sol",
  "contracts/GridleaseMarketPeriphery.sol",
];
const extensionCompiler = {
  ...production,
  settings: { ...compilerSettings, optimizer: { enabled: true, runs: 200 } },
};

/** EAS's SchemaRegistry and EAS, built from the npm package's sources for the local chain and the tests. Their
 * `pragma solidity 0.8.29` selects this compiler (no IR; EAS's own build does not use it). Public networks use EAS's
 * canonical deployments instead (see ignition/modules/GridleasePublic.ts). */
const easSources = [
  "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol",
  "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol",
];
const easCompiler = {
  version: "0.8.29",
  path: solc0829Path,
  settings: { optimizer: { enabled: true, runs: 1_000_000 }, evmVersion: "cancun" },
};

/** Test files with functions that hold more locals than the legacy pipeline's stack allows. */
const viaIrTests = ["test/contracts/fuzz/LeaseAccounting.fuzz.t.sol"];
const viaIrTest = {
  version: "0.8.30",
  path: solcPath,
  settings: { ...testCompilerSettings, viaIR: true },
};

// CI (CI=true) runs the invariant suite at the depth the issue asks for; local runs stay quicker.
const inCi = process.env.CI === "true";

export default defineConfig({
  plugins: [hardhatViem, hardhatIgnitionViem, hardhatKeystore, hardhatNetworkHelpers],
  solidity: {
    // Compiled offline from the npm solc package: Hardhat cannot download compilers here. Contracts get the same
    // settings in both profiles (the production one is used by `hardhat ignition deploy`), or the deployed
    // bytecode would differ; in the default profile the tests get the cheaper settings above.
    profiles: {
      default: {
        compilers: [
          { version: "0.8.30", path: solcPath, settings: testCompilerSettings },
          easCompiler,
        ],
        overrides: Object.fromEntries([
          ...contractSources().map((source) => [
            source,
            sizeOptimized.includes(source) ? extensionCompiler : production,
          ]),
          ...viaIrTests.map((source) => [source, viaIrTest]),
        ]),
      },
      production: {
        compilers: [production, easCompiler],
        overrides: Object.fromEntries(sizeOptimized.map((source) => [source, extensionCompiler])),
      },
    },
    npmFilesToBuild: easSources,
    // Contracts are built first, on their own, so that tests find the market's artifact, and test artifacts stay
    // out of artifacts/ (they go to cache/test-artifacts).
    splitTestsCompilation: true,
  },
  paths: {
    tests: { solidity: "test/contracts" },
  },
  test: {
    solidity: {
      fuzz: { runs: inCi ? 512 : 256 },
      invariant: { runs: 256, depth: 50, failOnRevert: false },
    },
  },
  networks: {
    // The chain `npm run dev` runs (`hardhat node --network devnode`): genesis set back in time by the dev stack so
    // that the seeded history ends at the present.
    devnode: {
      type: "edr-simulated",
      chainType: "l1",
      ...(process.env.GRIDLEASE_GENESIS_DATE
        ? { initialDate: process.env.GRIDLEASE_GENESIS_DATE }
        : {}),
    },
    localhost: { type: "http", url: process.env.GRIDLEASE_RPC_URL ?? "http://127.0.0.1:8545" },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
