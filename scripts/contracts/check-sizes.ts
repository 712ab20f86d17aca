/**
 * EIP-170 check: every deployable contract's runtime bytecode must fit in 24,576 bytes (and its init code in the
 * 49,152 bytes of EIP-3860), or mainnet-style chains refuse to deploy it. Reads the artifacts of the last build
 * (`npx hardhat build --no-tests`), prints each contract's size and margin, and exits with 1 when one is over.
 *
 * Mocks (contracts/mocks/, test/contracts/mocks/) are left out: they are never deployed outside local chains.
 * Interfaces and abstract contracts have no bytecode; libraries whose functions are all internal (inlined into
 * their callers, never deployed) have no function in their ABI: both are skipped.
 *
 * Usage: node scripts/contracts/check-sizes.ts [--write]   (--write also records the table in bench/sizes.json)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const RUNTIME_LIMIT = 24_576; // EIP-170
const INITCODE_LIMIT = 49_152; // EIP-3860
const root = process.cwd();
const artifactsDir = join(root, "artifacts", "contracts");

interface Artifact {
  contractName: string;
  sourceName: string;
  abi: { type: string }[];
  bytecode: string;
  deployedBytecode: string;
}

/** One contract's sizes, in bytes. */
interface ContractSize {
  contract: string;
  source: string;
  runtime: number;
  runtimeMargin: number;
  initcode: number;
  initcodeMargin: number;
}

function artifactFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "build-info" ? [] : artifactFiles(full);
    return entry.name.endsWith(".json") ? [full] : [];
  });
}

/** Bytes in a 0x-prefixed hex string. */
const byteLength = (hex: string) => (hex.length - 2) / 2;

/** Sizes of every deployable, non-mock contract in the last build, largest first. */
function contractSizes(): ContractSize[] {
  if (!existsSync(artifactsDir)) {
    throw new Error(
      `no artifacts in ${relative(root, artifactsDir)}: run npx hardhat build --no-tests first`,
    );
  }
  return artifactFiles(artifactsDir)
    .map((file) => JSON.parse(readFileSync(file, "utf8")) as Artifact)
    .filter((a) => !a.sourceName.split("/").includes("mocks") && byteLength(a.deployedBytecode) > 0)
    .filter((a) => a.abi.some((entry) => entry.type !== "error" && entry.type !== "event"))
    .map((a) => ({
      contract: a.contractName,
      source: a.sourceName,
      runtime: byteLength(a.deployedBytecode),
      runtimeMargin: RUNTIME_LIMIT - byteLength(a.deployedBytecode),
      initcode: byteLength(a.bytecode),
      initcodeMargin: INITCODE_LIMIT - byteLength(a.bytecode),
    }))
    .sort((a, b) => b.runtime - a.runtime);
}

const sizes = contractSizes();
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `${"contract".padEnd(24)} ${pad("runtime", 8)} ${pad("margin", 8)} ${pad("initcode", 9)} ${pad("margin", 8)}`,
);
for (const s of sizes) {
  console.log(
    `${s.contract.padEnd(24)} ${pad(s.runtime, 8)} ${pad(s.runtimeMargin, 8)} ${pad(s.initcode, 9)} ${pad(s.initcodeMargin, 8)}`,
  );
}
console.log(
  `limits: runtime ${RUNTIME_LIMIT} bytes (EIP-170), init code ${INITCODE_LIMIT} bytes (EIP-3860)`,
);

if (process.argv.includes("--write")) {
  const record = Object.fromEntries(
    sizes.map(({ contract, runtime, runtimeMargin, initcode, initcodeMargin }) => [
      contract,
      { runtime, runtimeMargin, initcode, initcodeMargin },
    ]),
  );
  writeFileSync(join(root, "bench", "sizes.json"), `${JSON.stringify(record, null, 2)}\n`);
  console.log("wrote bench/sizes.json");
}

const over = sizes.filter((s) => s.runtimeMargin < 0 || s.initcodeMargin < 0);
if (sizes.length === 0) {
  console.error("no deployable contract found in the artifacts");
  process.exit(1);
}
if (over.length > 0) {
  for (const s of over) console.error(`${s.contract} (${s.source}) is over the limit`);
  process.exit(1);
}
