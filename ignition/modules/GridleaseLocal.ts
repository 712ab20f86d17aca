import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Gridlease from "./Gridlease.ts";
import GridleaseAttestations from "./GridleaseAttestations.ts";

/**
 * Local chains: the core plus the 6-decimal TestUSD stablecoin, allowed as a payment token, then EAS and the
 * attestation contracts (deployed after the core, so that its addresses did not move when they were added).
 */
export default buildModule("GridleaseLocal", (m) => {
  const core = m.useModule(Gridlease);
  const usd = m.contract("TestUSD");
  m.call(core.admin, "setPaymentToken", [usd, true], { id: "AllowTestUSD" });
  const attestations = m.useModule(GridleaseAttestations);
  return { ...core, usd, ...attestations };
});
