// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseStatus, LeaseView} from "../../../contracts/types/DataTypes.sol";

contract ActivateLease_Unit_Test is MarketStateTest {
    uint256 internal offerId;
    uint256 internal leaseId;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _open(buyer, offerId, 2, 24 hours);
        deadline = START_TIME + WINDOW;
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 99));
        vm.prank(provider);
        market.activateLease(99, _access());
    }

    function test_RevertGiven_LeaseIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 0));
        vm.prank(provider);
        market.activateLease(0, _access());
    }

    function test_RevertWhen_CallerIsBuyer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, leaseId, buyer));
        vm.prank(buyer);
        market.activateLease(leaseId, _access());
    }

    function test_RevertWhen_CallerIsAnotherProvider() public {
        vm.prank(provider2);
        market.registerProvider("");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, leaseId, provider2));
        vm.prank(provider2);
        market.activateLease(leaseId, _access());
    }

    function test_RevertGiven_LeaseActive() public {
        _activate(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Active)
        );
        _activate(leaseId);
    }

    function test_RevertGiven_LeaseExpired() public {
        _activate(leaseId);
        vm.warp(START_TIME + 24 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Expired)
        );
        _activate(leaseId);
    }

    function test_RevertGiven_LeaseEnded() public {
        vm.prank(provider);
        market.terminateLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        _activate(leaseId);
    }

    function test_RevertWhen_DeadlinePassed() public {
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowMissed.selector, leaseId, deadline)
        );
        _activate(leaseId);
    }

    function test_RevertWhen_PayloadEmpty() public {
        vm.expectRevert(Errors.Market_EmptyAccessPayload.selector);
        vm.prank(provider);
        market.activateLease(leaseId, "");
    }

    function test_RevertWhen_PayloadTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_AccessPayloadTooLarge.selector, 4_097, 4_096));
        vm.prank(provider);
        market.activateLease(leaseId, new bytes(4_097));
    }

    function test_WhenValid_Activate() public {
        uint256 at = START_TIME + 20 minutes; // the provider takes a while; the buyer pays from activation on
        vm.warp(at);
        uint256 marketBefore = usd.balanceOf(address(market));
        bytes memory payload = _access();

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseActivated(leaseId, at, at + 24 hours, payload);
        vm.prank(provider);
        market.activateLease(leaseId, payload);

        LeaseView memory l = market.getLease(leaseId);
        assertEq(uint8(l.status), uint8(LeaseStatus.Active), "active");
        assertEq(l.start, at, "start");
        assertEq(l.end, at + 24 hours, "end");
        assertEq(l.activationDeadline, 0, "no deadline once active");
        assertEq(l.accrued, 0, "nothing accrued yet");
        assertEq(usd.balanceOf(address(market)), marketBefore, "no tokens move");
        assertEq(market.escrowOf(leaseId), _cost(H100_PRICE, 16, 24 hours), "escrow intact");
    }

    function test_WhenAtDeadline_Activate() public {
        vm.warp(deadline);
        _activate(leaseId);
        assertEq(market.getLease(leaseId).start, deadline, "activated at the deadline");
    }

    function test_WhenPayloadAtBounds_Activate() public {
        bytes memory largest = new bytes(4_096);
        largest[4_095] = 0xff;
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseActivated(leaseId, START_TIME, START_TIME + 24 hours, largest);
        vm.prank(provider);
        market.activateLease(leaseId, largest);

        uint256 other = _open(buyer, offerId, 1, 1 hours);
        vm.prank(provider);
        market.activateLease(other, hex"01");
        assertEq(uint8(market.getLease(other).status), uint8(LeaseStatus.Active), "one byte is enough");
    }
}
