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
  const market = m.contract("GridleaseMarket", [
    deployer,
    treasury,
    grid,
    feeBps,
    activationWindow,
    penaltyBps,
  ]);
  const policy = m.contract("AllowlistPolicy");
  // The market's address also serves its extension's functions (admin, offer settings, reads): call them
  // through the extension's ABI at the market's address.
  const admin = m.contractAt("GridleaseMarketExtension", market, { id: "MarketAdmin" });
  m.call(admin, "setPaymentToken", [grid, true], { id: "AllowGrid" });

  return { grid, market, policy, admin };
});
