/** The attestation contracts' Ignition deployment: on a public chain's existing EAS, and on the local chain. */
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";
import {
  attestationPolicyAbi,
  gridleaseAuditResolverAbi,
  gridleaseReviewResolverAbi,
} from "@gridlease/sdk/abis";
import { describe, expect, it } from "vitest";
import GridleasePublic from "../../ignition/modules/GridleasePublic.ts";
import { readSchemas, RESULT_KEYS, type DeploymentRecord } from "../../scripts/lib/codegen.ts";
import { deployments } from "@gridlease/sdk/deployments";

describe("GridleasePublic", () => {
  it("deploys the resolvers and the policy on the chain's EAS and registers the three schemas there", async () => {
    const connection = await network.create({ network: "default" });
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    // Stand-ins for a public chain's canonical EAS and stablecoin, deployed first.
    const registry = await viem.deployContract("SchemaRegistry");
    const eas = await viem.deployContract("EAS", [registry.address]);
    const stablecoin = await viem.deployContract("TestUSD");

    const result = await connection.ignition.deploy(GridleasePublic, {
      displayUi: false,
      parameters: {
        GridleasePublic: {
          stablecoin: stablecoin.address,
          eas: eas.address,
          schemaRegistry: registry.address,
        },
      },
    });
    expect(getAddress(result.eas.address)).toBe(getAddress(eas.address));
    expect(getAddress(result.schemaRegistry.address)).toBe(getAddress(registry.address));

    const contracts: DeploymentRecord["contracts"] = {};
    for (const [key, c] of Object.entries(result)) {
      const name = RESULT_KEYS[key];
      if (name) contracts[name] = { address: c.address, startBlock: 0 };
    }
    const schemas = (await readSchemas(publicClient, contracts))!;
    expect(schemas.audit.resolver).toBe(getAddress(result.auditResolver.address));
    expect(schemas.review).toMatchObject({
      revocable: false,
      schema: expect.stringMatching(/^uint256 leaseId/),
    });
    expect(schemas.vetting).toMatchObject({ revocable: true, schema: "bytes32 evidenceHash" });

    // The resolvers and the policy serve the market deployed beside them, on the given EAS.
    const market = getAddress(result.market.address);
    for (const [address, abi] of [
      [result.auditResolver.address, gridleaseAuditResolverAbi],
      [result.reviewResolver.address, gridleaseReviewResolverAbi],
      [result.attestationPolicy.address, attestationPolicyAbi],
    ] as const) {
      expect(await publicClient.readContract({ address, abi, functionName: "MARKET" })).toBe(
        market,
      );
    }
    expect(
      await publicClient.readContract({
        address: result.attestationPolicy.address,
        abi: attestationPolicyAbi,
        functionName: "EAS",
      }),
    ).toBe(getAddress(eas.address));
  });
});

describe("GridleaseLocal (generated deployment)", () => {
  it("keeps the core's local addresses where they were before the attestation contracts", () => {
    const local = deployments["31337"].contracts;
    expect(local.AllowlistPolicy.address).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(local.GridleaseToken.address).toBe("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    expect(local.TestUSD.address).toBe("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
    // Issue #12: the periphery and the extension are deployed before the market, which moved two nonces on.
    expect(local.GridleaseMarket.address).toBe("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707");
    expect(local.AttestationPolicy.address).not.toBe(zeroAddress);
  });
});
