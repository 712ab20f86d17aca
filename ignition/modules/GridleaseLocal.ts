import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Gridlease from "./Gridlease.ts";

/** Local chains: the core plus the 6-decimal TestUSD stablecoin, allowed as a payment token. */
export default buildModule("GridleaseLocal", (m) => {
  const core = m.useModule(Gridlease);
  const usd = m.contract("TestUSD");
  m.call(core.admin, "setPaymentToken", [usd, true], { id: "AllowTestUSD" });
  return { ...core, usd };
});
