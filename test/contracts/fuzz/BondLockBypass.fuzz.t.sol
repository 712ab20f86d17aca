// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

/// @notice KNOWN FAILING: demonstrates a contract bug, kept failing on purpose until the market is fixed.
///
/// `withdrawBond` refuses while any of the provider's offers has units in use, because those leases depend on
/// the bond (rule 5: a buyer whose lease the provider fails gets a penalty out of it). But a provider can move its
/// bond out anyway while those leases are live: it opens a lease on its own offer from its own address or from
/// any other address it controls (addresses are pseudonymous), then terminates that lease as the provider. The
/// deposit comes back in full (the lease was pending) and the penalty, taken from the bond, goes to the "buyer":
/// itself. Repeating this while the bond still meets the offer's minimum takes the bond down to
/// `minProviderBond - penalty`, so the honest buyers who opened against a bond that covered all their penalties
/// then find it nearly empty: after the first, they get nothing.
contract BondLockBypassFuzzTest is BaseTest {
    /// @notice The bond locked by live leases must not flow back to the provider's side.
    function testFuzz_Bug_SelfLeaseDrainsBondLockedByLiveLeases(uint256 honestSeed, bool viaSybil) public {
        uint256 honest = bound(honestSeed, 2, 4);
        uint256 penalty = (MIN_BOND * PENALTY_BPS) / 10_000; // 500 GRID; the 5,000 GRID bond covers ten
        uint256 offerId = _createDefaultOffer();

        // Honest buyers lease while the bond covers every one of their penalties.
        address[] memory buyers = new address[](honest);
        uint256[] memory leases = new uint256[](honest);
        for (uint256 i = 0; i < honest; ++i) {
            buyers[i] = address(uint160(0xB0000 + i));
            _fundAndApprove(buyers[i]);
            leases[i] = _open(buyers[i], offerId, 1, 1 hours);
        }
        assertGe(market.getProvider(provider).bond, honest * penalty, "the bond covers every honest penalty");

        // The lock holds for a plain withdrawal.
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BondLocked.selector, provider, offerId, honest));
        vm.prank(provider);
        market.withdrawBond(1);

        // The bypass: lease from an address the provider controls, terminate as the provider, repeat.
        address sham = viaSybil ? address(0x5B11) : provider;
        if (viaSybil) _fundAndApprove(sham);
        uint256 sideBefore = grid.balanceOf(provider) + (viaSybil ? grid.balanceOf(sham) : 0);
        uint256 usdBefore = usd.balanceOf(sham);
        while (market.getProvider(provider).bond >= MIN_BOND) {
            uint256 id = _open(sham, offerId, 1, 1 hours);
            vm.prank(provider);
            market.terminateLease(id);
        }
        uint256 sideAfter = grid.balanceOf(provider) + (viaSybil ? grid.balanceOf(sham) : 0);
        assertEq(usd.balanceOf(sham), usdBefore, "the sham deposits came back in full");

        // What the lock promises, and what fails today: nothing of the bond reached the provider's side.
        assertEq(sideAfter, sideBefore, "bond moved to the provider's side while its leases were live");

        // The harm: the provider no-shows the honest leases; every buyer should get the penalty.
        vm.warp(vm.getBlockTimestamp() + WINDOW + 1);
        for (uint256 i = 0; i < honest; ++i) {
            uint256 before = grid.balanceOf(buyers[i]);
            vm.prank(buyers[i]);
            market.cancelLease(leases[i]);
            assertEq(grid.balanceOf(buyers[i]) - before, penalty, "honest buyer's penalty");
        }
    }

    function _fundAndApprove(address who) internal {
        usd.mint(who, 1_000_000e6);
        vm.startPrank(who);
        usd.approve(address(market), type(uint256).max);
        grid.approve(address(market), type(uint256).max);
        vm.stopPrank();
    }
}
