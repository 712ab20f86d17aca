// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {EndReason, LeaseStatus, OfferParams, ReservedTerms} from "../../../contracts/types/DataTypes.sol";

contract Paused_Adversarial_Test is AdversarialBase {
    uint256 internal constant PENALTY = (MIN_BOND * PENALTY_BPS) / 10_000;

    uint256 internal constant TERM = 3 days;
    uint256 internal constant FUNDED = 1 days;

    uint256 internal fresh; // a pending lease still inside its activation window
    uint256 internal rollingOffer; // the default offer with a one-day prepaid window
    uint256 internal rolling; // an active rolling lease of 3 servers, one day of its 3-day term funded

    function setUp() public override {
        super.setUp();
        fresh = _open(buyer2, USD_OFFER, 1, 2 hours);
        vm.prank(provider);
        rollingOffer = market.createReservedOffer(_h100Params(), _windowTerms());
        vm.prank(buyer);
        rolling = market.openRollingLease(rollingOffer, 3, TERM, FUNDED, type(uint256).max, PUBKEY);
        _activate(rolling);
        vm.prank(owner);
        market.setPaused(true);
    }

    function test_RevertWhen_CreateOffer() public {
        OfferParams memory p = _h100Params();
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_Paused.selector);
        _createOffer(p);
        vm.expectRevert(Errors.Market_Paused.selector);
        vm.prank(provider);
        market.createReservedOffer(p, _windowTerms());
        _assertUnchanged(before);
    }

    function test_RevertWhen_OpenLease() public {
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_Paused.selector);
        _open(buyer, USD_OFFER, 1, 1 hours);
        vm.expectRevert(Errors.Market_Paused.selector);
        vm.prank(buyer);
        market.openLeaseWithPermit(USD_OFFER, 1, 1 hours, type(uint256).max, PUBKEY, 0, 0, 0, 0, 0);
        vm.expectRevert(Errors.Market_Paused.selector);
        vm.prank(buyer);
        market.openRollingLease(rollingOffer, 1, TERM, FUNDED, type(uint256).max, PUBKEY);
        _assertUnchanged(before);
    }

    function test_WhenProvidersManage_Works() public {
        vm.startPrank(provider2);
        market.registerProvider("ipfs://p2");
        market.updateProvider("ipfs://p2-v2");
        market.depositBond(address(usd), MIN_BOND);
        vm.stopPrank();
        assertEq(_bondOf(provider2, address(usd)), MIN_BOND, "bonded");

        vm.startPrank(provider);
        market.setOfferPrice(USD_OFFER, 2_000_000);
        market.setOfferUnits(USD_OFFER, 32);
        market.setOfferPaused(GRID_OFFER, true);
        vm.stopPrank();
        assertEq(market.getOffer(USD_OFFER).pricePerGpuHour, 2_000_000, "price");
        assertEq(market.getOffer(USD_OFFER).totalUnits, 32, "units");
        assertTrue(market.getOffer(GRID_OFFER).paused, "offer paused");
    }

    function test_WhenActivateAndRotate_Works() public {
        _activate(fresh);
        assertEq(uint8(market.getLease(fresh).status), uint8(LeaseStatus.Active), "activated");
        vm.prank(provider);
        market.rotateAccess(fresh, hex"beef");
    }

    function test_WhenExtend_Works() public {
        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.extendLease(ACTIVE, 2 hours);
        assertEq(before - usd.balanceOf(buyer), _cost(H100_PRICE, 8, 2 hours), "top-up paid");
        assertEq(market.getLease(ACTIVE).end, START_TIME + 12 hours, "end moved");
    }

    function test_WhenTerminate_Works() public {
        uint256 buyerUsd = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.terminateLease(ACTIVE);
        assertEq(usd.balanceOf(buyer) - buyerUsd, _cost(H100_PRICE, 8, 6 hours), "buyer refunded");

        uint256 buyer2Usd = usd.balanceOf(buyer2);
        vm.prank(provider);
        market.terminateLease(fresh);
        assertEq(
            usd.balanceOf(buyer2) - buyer2Usd,
            _cost(H100_PRICE, 8, 2 hours) + PENALTY,
            "full refund, penalty"
        );
    }

    function test_WhenCancel_Works() public {
        uint256 buyerUsd = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.cancelLease(PENDING);
        assertEq(
            usd.balanceOf(buyer) - buyerUsd,
            _cost(H100_PRICE, 16, 10 hours) + PENALTY,
            "full refund, penalty"
        );
        assertEq(uint8(market.getLease(PENDING).endReason), uint8(EndReason.NoShowCancelled), "cancelled");
    }

    function test_WhenClose_Works() public {
        vm.prank(stranger);
        market.closeLease(EXPIRED);
        assertEq(uint8(market.getLease(EXPIRED).endReason), uint8(EndReason.Expired), "closed");
    }

    function test_WhenClaim_Works() public {
        uint256 usdBefore = usd.balanceOf(provider);
        uint256 gridBefore = grid.balanceOf(provider);
        vm.prank(provider);
        market.claim(_ids(ACTIVE, EXPIRED));
        uint256 usdGross = _cost(H100_PRICE, 8, 4 hours) - _cost(H100_PRICE, 8, 2 hours);
        uint256 usdFee =
            (_cost(H100_PRICE, 8, 4 hours) * FEE_BPS) / 10_000 -
                (_cost(H100_PRICE, 8, 2 hours) * FEE_BPS) / 10_000;
        assertEq(usd.balanceOf(provider) - usdBefore, usdGross - usdFee, "USD earnings");
        assertEq(grid.balanceOf(provider) - gridBefore, 48e18 - (48e18 * FEE_BPS) / 10_000, "GRID earnings");
    }

    function test_WhenWithdrawFees_Works() public {
        uint256 fee = market.protocolFees(address(usd));
        assertGt(fee, 0, "fees to withdraw");
        market.withdrawFees(address(usd));
        assertEq(usd.balanceOf(treasury), fee, "treasury paid");
    }

    function test_WhenWithdrawBond_Works() public {
        vm.prank(buyer);
        market.cancelLease(PENDING);
        vm.prank(buyer);
        market.terminateLease(ACTIVE);
        vm.prank(provider);
        market.terminateLease(fresh);
        market.closeLease(EXPIRED);
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - 2 * PENALTY, "two penalties paid in USD");
        // The rolling lease still reserves its penalty; the rest of the USD bond, and the whole GRID bond, are free.
        assertEq(_lockedOf(provider, address(usd)), PENALTY, "the live lease's reservation");
        uint256 free = PROVIDER_BOND - 3 * PENALTY;
        uint256 usdBefore = usd.balanceOf(provider);
        uint256 gridBefore = grid.balanceOf(provider);
        vm.startPrank(provider);
        market.withdrawBond(address(usd), free);
        market.withdrawBond(address(grid), GRID_BOND);
        vm.stopPrank();
        assertEq(usd.balanceOf(provider) - usdBefore, free, "free USD bond back");
        assertEq(grid.balanceOf(provider) - gridBefore, GRID_BOND, "GRID bond back");
    }

    function test_WhenOwnerChangesSettings_Works() public {
        vm.startPrank(owner);
        market.setProtocolFee(100);
        market.setTreasury(stranger);
        market.setActivationWindow(2 hours);
        market.setPaymentToken(address(grid), false);
        vm.stopPrank();
        assertEq(market.feeBps(), 100, "fee");
        assertEq(market.treasury(), stranger, "treasury");
        assertEq(market.activationWindow(), 2 hours, "window");
        assertFalse(market.isPaymentToken(address(grid)), "token");
    }

    function test_GivenUnpaused_OpensAgain() public {
        vm.prank(owner);
        market.setPaused(false);
        uint256 offerId = _createDefaultOffer();
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(id).offerId, offerId, "leases open again");
    }

    function test_WhenOutages_Work() public {
        vm.prank(buyer);
        market.reportOutage(ACTIVE, 1, bytes32("fan failure"));
        vm.warp(NOW + 10 minutes);
        vm.prank(provider);
        market.resolveOutage(ACTIVE, "");
        assertEq(market.getLease(ACTIVE).end, START_TIME + 10 hours + 10 minutes, "the end moved");

        uint256 at = NOW + 10 minutes + 1 hours;
        vm.warp(at);
        vm.prank(buyer);
        market.reportOutage(ACTIVE, 1, bytes32("down again"));
        vm.warp(at + REPAIR_WINDOW + 1);
        uint256 bondBefore = _bondOf(provider, address(usd));
        vm.prank(stranger);
        market.endUnresolvedOutage(ACTIVE);
        assertEq(
            uint8(market.getLease(ACTIVE).endReason),
            uint8(EndReason.OutageUnresolved),
            "ended unresolved"
        );
        assertEq(bondBefore - _bondOf(provider, address(usd)), PENALTY, "penalty paid while paused");
    }

    function test_WhenTopUps_Work() public {
        vm.prank(buyer);
        market.setTopUpAllowance(rolling, 1_000e6, 5_000e6, 6 hours);
        vm.warp(NOW + FUNDED - 4 hours); // 4 hours of runway, under the threshold
        uint256 before = usd.balanceOf(buyer);
        vm.prank(stranger);
        market.executeTopUp(rolling, 12 hours);
        uint256 amount = _cost(H100_PRICE, 24, 12 hours);
        assertEq(before - usd.balanceOf(buyer), amount, "top-up pulled from the buyer");
        assertEq(market.getLease(rolling).duration, FUNDED + 12 hours, "funded further");
        assertEq(market.getTopUpAllowance(rolling).remaining, 5_000e6 - amount, "allowance spent");
        vm.prank(buyer);
        market.revokeTopUpAllowance(rolling);
        assertEq(market.getTopUpAllowance(rolling).perTopUp, 0, "revoked");
    }

    function test_WhenServerEnds_Work() public {
        vm.warp(NOW + 1 hours);
        vm.prank(buyer);
        market.releaseServers(rolling, 1);
        vm.prank(provider);
        market.failServers(rolling, 1);
        assertEq(market.getLease(rolling).units, 1, "one server left");
        assertEq(uint8(market.getLease(rolling).status), uint8(LeaseStatus.Active), "the rest runs on");
    }

    function test_WhenEndUnfunded_Works() public {
        vm.warp(NOW + FUNDED + market.GRACE_PERIOD() + 1);
        vm.prank(provider);
        market.endUnfunded(rolling);
        assertEq(uint8(market.getLease(rolling).endReason), uint8(EndReason.Unfunded), "ended unfunded");
    }

    /// @dev A one-day prepaid window, no commitment.
    function _windowTerms() internal pure returns (ReservedTerms memory t) {
        t.prepaidWindow = 1 days;
    }
}
