// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

/// @notice A provider cannot move out bond that live leases depend on — not even by leasing its own offer from
/// another address it controls and refusing that lease to collect the penalty itself. Each live lease reserves its
/// penalty when it opens, so self-dealing can only spend the provider's free bond (which it could withdraw anyway),
/// and every honest buyer the provider fails still gets the full penalty.
contract BondLockBypassFuzzTest is BaseTest {
    function testFuzz_SelfLeasesCannotDrainReservedBond(uint256 honestSeed, bool viaSybil) public {
        uint256 honest = bound(honestSeed, 2, 4);
        uint256 penalty = (MIN_BOND * PENALTY_BPS) / 10_000; // 500 GRID; the 5,000 GRID bond covers ten
        uint256 offerId = _createDefaultOffer();

        address[] memory buyers = new address[](honest);
        uint256[] memory leases = new uint256[](honest);
        for (uint256 i = 0; i < honest; ++i) {
            buyers[i] = address(uint160(0xB0000 + i));
            _fundAndApprove(buyers[i]);
            leases[i] = _open(buyers[i], offerId, 1, 1 hours);
        }
        uint256 freeBefore = PROVIDER_BOND - honest * penalty;
        assertEq(
            _lockedOf(provider, address(usd)),
            honest * penalty,
            "one penalty reserved per honest lease"
        );

        // A plain withdrawal of reserved bond is refused.
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_BondLocked.selector, provider, honest * penalty, freeBefore)
        );
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND);

        // The attempted bypass: lease from an address the provider controls, refuse it as the provider, repeat
        // for as long as the market lets a new lease open.
        address sham = viaSybil ? address(0x5B11) : provider;
        if (viaSybil) _fundAndApprove(sham);
        // Penalties are paid in the lease's token (USD); a refused pending lease refunds its deposit in full, so the
        // side's USD moves only by the penalties it collects.
        uint256 sideBefore = usd.balanceOf(provider) + (viaSybil ? usd.balanceOf(sham) : 0);
        for (uint256 i = 0; i < 20; ++i) {
            if (_bondOf(provider, address(usd)) - _lockedOf(provider, address(usd)) < penalty) break;
            uint256 id = _open(sham, offerId, 1, 1 hours);
            vm.prank(provider);
            market.terminateLease(id);
        }
        uint256 sideAfter = usd.balanceOf(provider) + (viaSybil ? usd.balanceOf(sham) : 0);
        assertLe(sideAfter - sideBefore, freeBefore, "only the free bond moved to the provider's side");
        assertGe(_bondOf(provider, address(usd)), honest * penalty, "the reserved bond stayed");

        // Once the free bond is spent, a new lease cannot reserve a penalty and is refused.
        uint256 free = _bondOf(provider, address(usd)) - _lockedOf(provider, address(usd));
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_BondCommitted.selector, provider, free, penalty)
        );
        _open(buyer, offerId, 1, 1 hours);

        // The provider no-shows the honest leases: every buyer gets the full penalty.
        vm.warp(vm.getBlockTimestamp() + WINDOW + 1);
        for (uint256 i = 0; i < honest; ++i) {
            uint256 before = usd.balanceOf(buyers[i]);
            vm.prank(buyers[i]);
            market.cancelLease(leases[i]);
            assertEq(
                usd.balanceOf(buyers[i]) - before,
                _cost(H100_PRICE, 8, 1 hours) + penalty,
                "honest buyer's deposit and penalty"
            );
        }
        assertEq(_lockedOf(provider, address(usd)), 0, "nothing reserved once every lease ended");
    }

    function _fundAndApprove(address who) internal {
        usd.mint(who, 1_000_000e6);
        vm.startPrank(who);
        usd.approve(address(market), type(uint256).max);
        grid.approve(address(market), type(uint256).max);
        vm.stopPrank();
    }
}
