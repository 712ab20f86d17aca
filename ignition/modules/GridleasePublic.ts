import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Gridlease from "./Gridlease.ts";

/** Public chains: the core plus an existing USD stablecoin (parameter `stablecoin`), allowed as a payment token. */
export default buildModule("GridleasePublic", (m) => {
  const core = m.useModule(Gridlease);
  const stablecoin = m.getParameter<string>("stablecoin");
  m.call(core.admin, "setPaymentToken", [stablecoin, true], { id: "AllowStablecoin" });
  return core;
});
