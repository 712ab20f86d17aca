import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  CallableContractFuture,
  ContractFuture,
  IgnitionModuleBuilder,
} from "@nomicfoundation/ignition-core";
import Gridlease from "./Gridlease.ts";

/** EAS's contracts, built from the npm package's sources (hardhat.config.ts `npmFilesToBuild`). */
export const EAS_ARTIFACT = "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol:EAS";
export const SCHEMA_REGISTRY_ARTIFACT =
  "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol:SchemaRegistry";

/**
 * Gridlease's resolvers, the AttestationPolicy and the registration of the three schemas, for `market` on the EAS
 * at `eas` / `schemaRegistry`. Each schema is registered with the string its resolver declares (`SCHEMA()`,
 * `REVOCABLE()`), so the strings live in the contracts only.
 */
export function attestationContracts<
  Market extends string,
  Eas extends string,
  Registry extends string,
>(
  m: IgnitionModuleBuilder,
  market: ContractFuture<Market>,
  eas: CallableContractFuture<Eas>,
  schemaRegistry: CallableContractFuture<Registry>,
) {
  const auditResolver = m.contract("GridleaseAuditResolver", [eas, market]);
  const reviewResolver = m.contract("GridleaseReviewResolver", [eas, market]);
  const vettingResolver = m.contract("GridleaseVettingResolver", [eas]);
  const attestationPolicy = m.contract("AttestationPolicy", [eas, market]);
  const resolvers = { Audit: auditResolver, Review: reviewResolver, Vetting: vettingResolver };
  for (const [key, resolver] of Object.entries(resolvers)) {
    const schema = m.staticCall(resolver, "SCHEMA", [], 0, { id: `${key}Schema` });
    const revocable = m.staticCall(resolver, "REVOCABLE", [], 0, { id: `${key}Revocable` });
    m.call(schemaRegistry, "register", [schema, resolver, revocable], {
      id: `Register${key}Schema`,
    });
  }
  return { auditResolver, reviewResolver, vettingResolver, attestationPolicy };
}

/**
 * Local chains: EAS's SchemaRegistry and EAS deployed from the package's sources, then the Gridlease attestation
 * contracts. Everything here waits for the market, so the core's addresses (which depend on the deployer's
 * nonces) stay where they were before these contracts existed.
 */
export default buildModule("GridleaseAttestations", (m) => {
  const { market } = m.useModule(Gridlease);
  const schemaRegistry = m.contract(SCHEMA_REGISTRY_ARTIFACT, [], {
    id: "SchemaRegistry",
    after: [market],
  });
  const eas = m.contract(EAS_ARTIFACT, [schemaRegistry], { id: "EAS" });
  return { schemaRegistry, eas, ...attestationContracts(m, market, eas, schemaRegistry) };
});
