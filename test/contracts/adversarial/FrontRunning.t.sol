// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

contract FrontRunning_Adversarial_Test is AdversarialBase {
    uint256 internal quoted;
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        quoted = market.getOffer(offerId).pricePerGpuHour; // what the buyer's app showed
    }

    function test_RevertWhen_PriceRaisedBeforeOpen() public {
        vm.prank(provider);
        market.setOfferPrice(offerId, quoted * 2);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_PriceAboveMax.selector, offerId, quoted * 2, quoted)
        );
        vm.prank(buyer);
        market.openLease(offerId, 1, 1 hours, quoted, PUBKEY);
        _assertUnchanged(before);
    }

    function test_RevertWhen_PriceRaisedBeforeOpenWithPermit() public {
        vm.prank(provider);
        market.setOfferPrice(offerId, quoted + 1);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_PriceAboveMax.selector, offerId, quoted + 1, quoted)
        );
        vm.prank(buyer);
        market.openLeaseWithPermit(offerId, 1, 1 hours, quoted, PUBKEY, 0, 0, 0, 0, 0);
        _assertUnchanged(before);
    }

    function test_WhenPriceLoweredBeforeOpen_PaysLowerPrice() public {
        vm.prank(provider);
        market.setOfferPrice(offerId, quoted / 2);
        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        uint256 id = market.openLease(offerId, 1, 1 hours, quoted, PUBKEY);
        assertEq(before - usd.balanceOf(buyer), _cost(quoted / 2, 8, 1 hours), "lower price");
        assertEq(market.getLease(id).pricePerGpuHour, quoted / 2, "locked at the lower price");
    }

    function test_WhenPriceRaisedAfterOpen_LeaseKeepsPrice() public {
        vm.prank(buyer);
        uint256 id = market.openLease(offerId, 1, 4 hours, quoted, PUBKEY);
        _activate(id);
        vm.prank(provider);
        market.setOfferPrice(offerId, type(uint96).max);

        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        assertEq(before - usd.balanceOf(buyer), _cost(quoted, 8, 1 hours), "top-up at the locked price");

        vm.warp(NOW + 2 hours);
        before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(
            usd.balanceOf(buyer) - before,
            _cost(quoted, 8, 5 hours) - _cost(quoted, 8, 2 hours),
            "refund"
        );
        assertEq(market.getLease(id).accrued, _cost(quoted, 8, 2 hours), "billed at the locked price");
    }

    function test_RevertWhen_UnitsCutBeforeOpen() public {
        vm.prank(provider);
        market.setOfferUnits(offerId, 2);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, offerId, 4, 2));
        _open(buyer, offerId, 4, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_OfferPausedBeforeOpen() public {
        vm.prank(provider);
        market.setOfferPaused(offerId, true);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OfferPaused.selector, offerId));
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_BondWithdrawnBeforeOpen() public {
        // A provider with no live leases empties its bond just before a buyer's lease lands.
        vm.startPrank(provider2);
        market.registerProvider("");
        market.depositBond(address(usd), MIN_BOND);
        uint256 theirs = market.createOffer(_h100Params());
        market.withdrawBond(address(usd), 1);
        vm.stopPrank();
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InsufficientBond.selector, provider2, MIN_BOND - 1, MIN_BOND)
        );
        _open(buyer, theirs, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_WhenOwnerChangesTermsAfterOpen_LeaseKeepsThem() public {
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        vm.startPrank(owner);
        market.setProtocolFee(1_000);
        market.setActivationWindow(60);
        vm.stopPrank();
        assertEq(market.getLease(id).feeBps, FEE_BPS, "fee locked");
        assertEq(market.getLease(id).activationDeadline, NOW + WINDOW, "deadline locked");
        vm.warp(NOW + WINDOW);
        _activate(id); // still within the window it was opened with
    }
}
