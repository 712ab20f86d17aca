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
  m.call(market, "setPaymentToken", [grid, true], { id: "AllowGrid" });

  return { grid, market, policy };
});
