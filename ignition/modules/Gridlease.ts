import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The Gridlease core: the marketplace token (GRID), the market and the shared allowlist policy.
 * GRID is allowed as a payment token at once. Per-network values come from ignition/parameters/<network>.json.
 */
export default buildModule("Gridlease", (m) => {
  const deployer = m.getAccount(0);
  const treasury = m.getParameter("treasury", deployer);
  const feeBps = m.getParameter("feeBps", 250n);
  const activationWindow = m.getParameter("activationWindow", 3600n);
  const penaltyBps = m.getParameter("penaltyBps", 5_000n);
  const gridSupply = m.getParameter("gridSupply", 1_000_000_000n * 10n ** 18n);

  const grid = m.contract("GridleaseToken", [deployer, gridSupply]);
  // The market delegates what it does not run itself to its extension, and the extension what it does not run to
  // the periphery (attestation claims, admin, reads): both are deployed first, with the market's bond token and
  // penalty rate.
  const periphery = m.contract("GridleaseMarketPeriphery", [grid, penaltyBps]);
  const extension = m.contract("GridleaseMarketExtension", [grid, penaltyBps, periphery]);
  const market = m.contract("GridleaseMarket", [
    deployer,
    treasury,
    grid,
    feeBps,
    activationWindow,
    penaltyBps,
    extension,
  ]);
  const policy = m.contract("AllowlistPolicy");
  // The market's address also serves its periphery's functions (admin, reads): call them
  // through the periphery's ABI at the market's address.
  const admin = m.contractAt("GridleaseMarketPeriphery", market, { id: "MarketAdmin" });
  m.call(admin, "setPaymentToken", [grid, true], { id: "AllowGrid" });

  return { grid, market, policy, admin, extension, periphery };
});
