/**
 * EAS and Gridlease's attestation contracts on a test chain beside a market deployed by scripts/lib/fixture.ts:
 * SchemaRegistry and EAS from the package's sources, the three resolvers, the AttestationPolicy, and each schema
 * registered with the string and revocability its resolver declares (as ignition/modules/GridleaseAttestations.ts
 * does). Shared by the SDK's and the CLI's tests.
 */
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { easDeploymentAt, type EasDeployment } from "../../src/eas/schemas.ts";

const EAS = "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol:EAS";
const REGISTRY =
  "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol:SchemaRegistry";

/** Deploys and registers everything; returns the deployment the SDK's actions take. */
export async function deployAttestations(
  connection: NetworkConnection,
  market: Address,
): Promise<EasDeployment> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract(REGISTRY);
  const eas = await viem.deployContract(EAS, [registry.address]);
  const auditResolver = await viem.deployContract("GridleaseAuditResolver", [eas.address, market]);
  const reviewResolver = await viem.deployContract("GridleaseReviewResolver", [
    eas.address,
    market,
  ]);
  const vettingResolver = await viem.deployContract("GridleaseVettingResolver", [eas.address]);
  const policy = await viem.deployContract("AttestationPolicy", [eas.address, market]);
  for (const resolver of [auditResolver, reviewResolver, vettingResolver]) {
    const [schema, revocable] = await Promise.all([
      resolver.read.SCHEMA(),
      resolver.read.REVOCABLE(),
    ]);
    const hash = await registry.write.register([schema, resolver.address, revocable]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`registering ${schema} reverted`);
  }
  return easDeploymentAt({
    eas: eas.address,
    schemaRegistry: registry.address,
    auditResolver: auditResolver.address,
    reviewResolver: reviewResolver.address,
    vettingResolver: vettingResolver.address,
    policy: policy.address,
  });
}

/** The deployment as the CLI's GRIDLEASE_ATTESTATIONS setting gives it. */
export const attestationsSetting = (d: EasDeployment): string =>
  JSON.stringify({
    eas: d.eas,
    schemaRegistry: d.schemaRegistry,
    auditResolver: d.auditResolver,
    reviewResolver: d.reviewResolver,
    vettingResolver: d.vettingResolver,
    policy: d.policy,
  });
