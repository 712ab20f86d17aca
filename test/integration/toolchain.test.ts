/**
 * EAS's contracts package declares Hardhat 2 as a dependency. The root package.json overrides it with our own
 * Hardhat (3), so that installing EAS never puts a second Hardhat beside the one that builds and tests everything.
 * These checks read npm's installed tree, as `npm ls` reports it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface NpmNode {
  version?: string;
  dependencies?: Record<string, NpmNode>;
}

/** Every installed version of `name` anywhere in the tree. */
function installedVersions(name: string): Set<string> {
  const tree = JSON.parse(
    execFileSync("npm", ["ls", name, "--all", "--json"], { encoding: "utf8" }),
  ) as NpmNode;
  const versions = new Set<string>();
  const walk = (node: NpmNode) => {
    for (const [dep, child] of Object.entries(node.dependencies ?? {})) {
      if (dep === name && child.version) versions.add(child.version);
      walk(child);
    }
  };
  walk(tree);
  return versions;
}

describe("npm's tree with EAS installed", () => {
  it("holds one Hardhat, the one the root package asks for (Hardhat 3)", () => {
    const versions = installedVersions("hardhat");
    expect(versions.size).toBe(1);
    const [version] = versions;
    expect(version.split(".")[0]).toBe("3");
  });

  it("holds one eas-contracts, the version the contracts are built from", () => {
    const root = JSON.parse(readFileSync("package.json", "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(installedVersions("@ethereum-attestation-service/eas-contracts")).toEqual(
      new Set([root.devDependencies["@ethereum-attestation-service/eas-contracts"]]),
    );
  });

  it("builds EAS with the 0.8.29 compiler it pins, beside 0.8.30 for Gridlease", () => {
    const build = JSON.parse(
      readFileSync(
        "artifacts/@ethereum-attestation-service/eas-contracts/contracts/EAS.sol/EAS.json",
        "utf8",
      ),
    ) as { buildInfoId?: string; contractName: string };
    expect(build.contractName).toBe("EAS");
    const info = JSON.parse(
      readFileSync(`artifacts/build-info/${build.buildInfoId}.json`, "utf8"),
    ) as { solcVersion: string };
    expect(info.solcVersion).toBe("0.8.29");
  });
});
