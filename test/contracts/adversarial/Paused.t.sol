// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {EndReason, LeaseStatus, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract Paused_Adversarial_Test is AdversarialBase {
    uint256 internal constant PENALTY = (MIN_BOND * PENALTY_BPS) / 10_000;

    uint256 internal fresh; // a pending lease still inside its activation window

    function setUp() public override {
        super.setUp();
        fresh = _open(buyer2, USD_OFFER, 1, 2 hours);
        vm.prank(owner);
        market.setPaused(true);
    }

    function test_RevertWhen_CreateOffer() public {
        OfferParams memory p = _h100Params();
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_Paused.selector);
        _createOffer(p);
        _assertUnchanged(before);
    }

    function test_RevertWhen_OpenLease() public {
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_Paused.selector);
        _open(buyer, USD_OFFER, 1, 1 hours);
        vm.expectRevert(Errors.Market_Paused.selector);
        vm.prank(buyer);
        market.openLeaseWithPermit(USD_OFFER, 1, 1 hours, type(uint256).max, PUBKEY, 0, 0, 0, 0, 0);
        _assertUnchanged(before);
    }

    function test_WhenProvidersManage_Works() public {
        vm.startPrank(provider2);
        market.registerProvider("ipfs://p2");
        market.updateProvider("ipfs://p2-v2");
        market.depositBond(MIN_BOND);
        vm.stopPrank();
        assertEq(market.getProvider(provider2).bond, MIN_BOND, "bonded");

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
        uint256 buyer2Grid = grid.balanceOf(buyer2);
        vm.prank(provider);
        market.terminateLease(fresh);
        assertEq(usd.balanceOf(buyer2) - buyer2Usd, _cost(H100_PRICE, 8, 2 hours), "full refund");
        assertEq(grid.balanceOf(buyer2) - buyer2Grid, PENALTY, "penalty");
    }

    function test_WhenCancel_Works() public {
        uint256 buyerUsd = usd.balanceOf(buyer);
        uint256 buyerGrid = grid.balanceOf(buyer);
        vm.prank(buyer);
        market.cancelLease(PENDING);
        assertEq(usd.balanceOf(buyer) - buyerUsd, _cost(H100_PRICE, 16, 10 hours), "full refund");
        assertEq(grid.balanceOf(buyer) - buyerGrid, PENALTY, "penalty");
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
        uint256 bond = market.getProvider(provider).bond;
        assertEq(bond, PROVIDER_BOND - 2 * PENALTY, "two penalties paid");
        uint256 before = grid.balanceOf(provider);
        vm.prank(provider);
        market.withdrawBond(bond);
        assertEq(grid.balanceOf(provider) - before, bond, "bond back");
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
        uint256 gridBefore = grid.balanceOf(buyer);
        vm.prank(stranger);
        market.endUnresolvedOutage(ACTIVE);
        assertEq(
            uint8(market.getLease(ACTIVE).endReason),
            uint8(EndReason.OutageUnresolved),
            "ended unresolved"
        );
        assertEq(grid.balanceOf(buyer) - gridBefore, PENALTY, "penalty paid while paused");
    }
}
