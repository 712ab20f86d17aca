/**
 * Vitest global setup: runs Hardhat's `build` task once in the main process, so the test workers, which each
 * create their own Hardhat runtime and in-process chain, find fresh artifacts and never compile concurrently.
 */
export default async function build() {
  const hre = (await import("hardhat")).default;
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
}
