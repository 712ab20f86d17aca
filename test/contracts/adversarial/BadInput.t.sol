// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

contract BadInput_Adversarial_Test is AdversarialBase {
    function test_RevertWhen_ZeroUnits() public {
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_ZeroUnits.selector);
        _open(buyer, USD_OFFER, 0, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_DurationOutOfRange() public {
        MarketState memory before = _captureState();
        uint256[3] memory bad = [uint256(0), 1 hours - 1, 30 days + 1];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, bad[i], 1 hours, 30 days)
            );
            _open(buyer, USD_OFFER, 1, bad[i]);
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_UnitsOverAvailability() public {
        // Leases 1, 2 and 4 took 2 + 1 + 1 units; lease 4 ended, so 13 of 16 are free.
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, USD_OFFER, 14, 13));
        _open(buyer, USD_OFFER, 14, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, USD_OFFER, 65_535, 13)
        );
        _open(buyer, USD_OFFER, 65_535, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, USD_OFFER, type(uint256).max, 13)
        );
        _open(buyer, USD_OFFER, type(uint256).max, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ExpiredLeaseHoldsUnits() public {
        // Lease 3 is expired but not closed: its unit stays taken until someone closes it.
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, GRID_OFFER, 16, 15));
        _open(buyer, GRID_OFFER, 16, 1 hours);
        _assertUnchanged(before);
        market.closeLease(EXPIRED);
        _open(buyer, GRID_OFFER, 16, 1 hours);
    }

    function test_RevertWhen_PublicKeyZero() public {
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_InvalidPublicKey.selector);
        vm.prank(buyer);
        market.openLease(USD_OFFER, 1, 1 hours, type(uint256).max, bytes32(0));
        _assertUnchanged(before);
    }

    function test_RevertWhen_ActivationAfterWindow() public {
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_ActivationWindowMissed.selector,
                PENDING,
                START_TIME + WINDOW
            )
        );
        _activate(PENDING);
        _assertUnchanged(before);
    }

    function test_RevertWhen_UnknownOfferEverywhere() public {
        MarketState memory before = _captureState();
        uint256[2] memory unknown = [uint256(0), 3];
        for (uint256 i = 0; i < unknown.length; ++i) {
            uint256 id = unknown[i];
            bytes memory err = abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, id);
            vm.startPrank(provider);
            vm.expectRevert(err);
            market.setOfferPrice(id, 1);
            vm.expectRevert(err);
            market.setOfferUnits(id, 1);
            vm.expectRevert(err);
            market.setOfferPaused(id, true);
            vm.stopPrank();
            vm.startPrank(buyer);
            vm.expectRevert(err);
            market.openLease(id, 1, 1 hours, type(uint256).max, PUBKEY);
            vm.expectRevert(err);
            market.openLeaseWithPermit(id, 1, 1 hours, type(uint256).max, PUBKEY, 0, 0, 0, 0, 0);
            vm.stopPrank();
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_UnknownLeaseEverywhere() public {
        MarketState memory before = _captureState();
        uint256[2] memory unknown = [uint256(0), 5];
        for (uint256 i = 0; i < unknown.length; ++i) {
            uint256 id = unknown[i];
            bytes memory err = abi.encodeWithSelector(Errors.Market_UnknownLease.selector, id);
            vm.startPrank(provider);
            vm.expectRevert(err);
            market.activateLease(id, _access());
            vm.expectRevert(err);
            market.rotateAccess(id, _access());
            vm.expectRevert(err);
            market.terminateLease(id);
            vm.expectRevert(err);
            market.claim(_ids(id));
            vm.expectRevert(err);
            market.claim(_ids(ACTIVE, id)); // after a valid lease: nothing is paid for it either
            vm.stopPrank();
            vm.startPrank(buyer);
            vm.expectRevert(err);
            market.extendLease(id, 1 hours);
            vm.expectRevert(err);
            market.cancelLease(id);
            vm.expectRevert(err);
            market.closeLease(id);
            vm.stopPrank();
            vm.expectRevert(err);
            market.getLease(id);
            assertEq(market.escrowOf(id), 0, "no escrow for an unknown lease");
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_ZeroAmountsOrEmptyPayloads() public {
        MarketState memory before = _captureState();
        vm.startPrank(provider);
        vm.expectRevert(Errors.Market_ZeroAmount.selector);
        market.depositBond(address(usd), 0);
        vm.expectRevert(Errors.Market_ZeroAmount.selector);
        market.withdrawBond(address(usd), 0);
        vm.expectRevert(Errors.Market_EmptyAccessPayload.selector);
        market.rotateAccess(ACTIVE, "");
        vm.expectRevert(Errors.Market_EmptyLeaseList.selector);
        market.claim(new uint256[](0));
        vm.stopPrank();
        vm.expectRevert(Errors.Market_ZeroDuration.selector);
        vm.prank(buyer);
        market.extendLease(ACTIVE, 0);
        _assertUnchanged(before);
    }
}
