// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseStatus} from "../../../contracts/types/DataTypes.sol";

contract RotateAccess_Unit_Test is MarketStateTest {
    uint256 internal offerId;
    uint256 internal leaseId;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _openActive(offerId, 1, 2 hours);
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 5));
        vm.prank(provider);
        market.rotateAccess(5, hex"aa");
    }

    function test_RevertWhen_CallerNotProvider() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, leaseId, buyer));
        vm.prank(buyer);
        market.rotateAccess(leaseId, hex"aa");
    }

    function test_RevertGiven_LeasePending() public {
        uint256 pending = _open(buyer, offerId, 1, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, pending, LeaseStatus.Pending)
        );
        vm.prank(provider);
        market.rotateAccess(pending, hex"aa");
    }

    function test_RevertGiven_LeaseExpired() public {
        vm.warp(START_TIME + 2 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Expired)
        );
        vm.prank(provider);
        market.rotateAccess(leaseId, hex"aa");
    }

    function test_RevertGiven_LeaseEnded() public {
        vm.prank(buyer);
        market.terminateLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        vm.prank(provider);
        market.rotateAccess(leaseId, hex"aa");
    }

    function test_RevertWhen_PayloadEmpty() public {
        vm.expectRevert(Errors.Market_EmptyAccessPayload.selector);
        vm.prank(provider);
        market.rotateAccess(leaseId, "");
    }

    function test_RevertWhen_PayloadTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_AccessPayloadTooLarge.selector, 5_000, 4_096));
        vm.prank(provider);
        market.rotateAccess(leaseId, new bytes(5_000));
    }

    function test_WhenPayloadValid_Rotate() public {
        vm.warp(START_TIME + 30 minutes);
        MarketState memory before = _captureState();

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseAccessRotated(leaseId, hex"c0ffee");
        vm.prank(provider);
        market.rotateAccess(leaseId, hex"c0ffee");

        bytes memory largest = new bytes(4_096);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseAccessRotated(leaseId, largest);
        vm.prank(provider);
        market.rotateAccess(leaseId, largest);

        _assertUnchanged(before);
    }
}
