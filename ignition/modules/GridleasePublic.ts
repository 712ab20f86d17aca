import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Gridlease from "./Gridlease.ts";
import {
  attestationContracts,
  EAS_ARTIFACT,
  SCHEMA_REGISTRY_ARTIFACT,
} from "./GridleaseAttestations.ts";

/**
 * Public chains: the core plus an existing USD stablecoin (parameter `stablecoin`), allowed as a payment token, and
 * the attestation contracts on the chain's canonical EAS (parameters `eas` and `schemaRegistry`, from
 * node_modules/@ethereum-attestation-service/eas-contracts/deployments/<network>/).
 */
export default buildModule("GridleasePublic", (m) => {
  const core = m.useModule(Gridlease);
  const stablecoin = m.getParameter<string>("stablecoin");
  m.call(core.admin, "setPaymentToken", [stablecoin, true], { id: "AllowStablecoin" });
  const eas = m.contractAt(EAS_ARTIFACT, m.getParameter<string>("eas"), { id: "EAS" });
  const schemaRegistry = m.contractAt(
    SCHEMA_REGISTRY_ARTIFACT,
    m.getParameter<string>("schemaRegistry"),
    { id: "SchemaRegistry" },
  );
  return {
    ...core,
    eas,
    schemaRegistry,
    ...attestationContracts(m, core.market, eas, schemaRegistry),
  };
});
