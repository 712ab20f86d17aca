/** The generated ABIs, deployments and subgraph config committed in sdk/ and subgraph/ match the build. */
import { network } from "hardhat";
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
      "subgraph/abis/GridleaseMarket.json",
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
});
