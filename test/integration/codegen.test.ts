/** The generated ABIs, deployments and subgraph config committed in sdk/ and subgraph/ match the build. */
import { network } from "hardhat";
import { encodePacked, keccak256 } from "viem";
import { gridleaseMarketAbi } from "@gridlease/sdk/abis";
import { describe, expect, it } from "vitest";
import {
  localDeployment,
  publicDeployments,
  render,
  staleFiles,
} from "../../scripts/lib/codegen.ts";

const root = process.cwd();

describe("codegen", () => {
  it("committed generated files are up to date (run `npm run codegen` if this fails)", async () => {
    const connection = await network.create({ network: "default" });
    const files = render(root, [await localDeployment(connection), ...publicDeployments(root)]);
    expect([...files.keys()].sort()).toEqual([
      "sdk/src/generated/abis.ts",
      "sdk/src/generated/deployments.ts",
      "sdk/src/generated/easAbis.ts",
      "subgraph/abis/AttestationPolicy.json",
      "subgraph/abis/EAS.json",
      "subgraph/abis/GridleaseAuditResolver.json",
      "subgraph/abis/GridleaseMarket.json",
      "subgraph/abis/GridleaseReviewResolver.json",
      "subgraph/abis/GridleaseVettingResolver.json",
      "subgraph/networks.json",
    ]);
    expect(staleFiles(root, files)).toEqual([]);
  });

  it("notices a deployment that moved", async () => {
    const connection = await network.create({ network: "default" });
    const local = await localDeployment(connection);
    local.contracts.GridleaseMarket = {
      ...local.contracts.GridleaseMarket,
      address: "0x000000000000000000000000000000000000dEaD",
      startBlock: 1,
    };
    expect(staleFiles(root, render(root, [local]))).toEqual([
      "sdk/src/generated/deployments.ts",
      "subgraph/networks.json",
    ]);
  });

  it("records the market's PENALTY_BPS from the contract, for the SDK and the subgraph", async () => {
    const connection = await network.create({ network: "default" });
    const local = await localDeployment(connection);
    const market = local.contracts.GridleaseMarket!;
    const onChain = await (
      await connection.viem.getPublicClient()
    ).readContract({
      address: market.address as `0x${string}`,
      abi: gridleaseMarketAbi,
      functionName: "PENALTY_BPS",
    });
    expect(market.penaltyBps).toBe(Number(onChain));
    local.contracts.GridleaseMarket = { ...market, penaltyBps: market.penaltyBps! + 1 };
    expect(staleFiles(root, render(root, [local]))).toEqual(["sdk/src/generated/deployments.ts"]);
  });

  it("records each Gridlease schema as the SchemaRegistry holds it, under the UID EAS derives", async () => {
    const connection = await network.create({ network: "default" });
    const local = await localDeployment(connection);
    const schemas = local.schemas!;
    expect(Object.keys(schemas).sort()).toEqual(["audit", "review", "vetting"]);
    expect(schemas.audit.resolver).toBe(local.contracts.GridleaseAuditResolver!.address);
    expect(schemas.review.revocable).toBe(false);
    for (const s of Object.values(schemas)) {
      const uid = keccak256(
        encodePacked(
          ["string", "address", "bool"],
          [s.schema, s.resolver as `0x${string}`, s.revocable],
        ),
      );
      expect(s.uid).toBe(uid);
    }
    local.schemas = { ...schemas, vetting: { ...schemas.vetting, schema: "bytes32 other" } };
    expect(staleFiles(root, render(root, [local]))).toEqual(["sdk/src/generated/deployments.ts"]);
  });
});
