// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract CancelLease_Unit_Test is MarketStateTest {
    uint256 internal constant PENALTY = (MIN_BOND * PENALTY_BPS) / 10_000;

    uint256 internal offerId;
    uint256 internal leaseId;
    uint256 internal deadline;
    uint256 internal deposit;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _open(buyer, offerId, 3, 12 hours);
        deadline = START_TIME + WINDOW;
        deposit = _cost(H100_PRICE, 24, 12 hours);
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 2));
        vm.prank(buyer);
        market.cancelLease(2);
    }

    function test_RevertWhen_CallerIsProvider() public {
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, leaseId, provider));
        vm.prank(provider);
        market.cancelLease(leaseId);
    }

    function test_RevertWhen_CallerIsStranger() public {
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, leaseId, stranger));
        vm.prank(stranger);
        market.cancelLease(leaseId);
    }

    function test_RevertGiven_LeaseActive() public {
        _activate(leaseId);
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Active)
        );
        vm.prank(buyer);
        market.cancelLease(leaseId);
    }

    function test_RevertGiven_LeaseExpired() public {
        _activate(leaseId);
        vm.warp(START_TIME + 12 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Expired)
        );
        vm.prank(buyer);
        market.cancelLease(leaseId);
    }

    function test_RevertGiven_LeaseEnded() public {
        vm.warp(deadline + 1);
        vm.startPrank(buyer);
        market.cancelLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        market.cancelLease(leaseId);
        vm.stopPrank();
    }

    function test_RevertWhen_BeforeDeadline() public {
        vm.warp(deadline - 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOpen.selector, leaseId, deadline)
        );
        vm.prank(buyer);
        market.cancelLease(leaseId);
    }

    function test_RevertWhen_AtDeadline() public {
        vm.warp(deadline);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOpen.selector, leaseId, deadline)
        );
        vm.prank(buyer);
        market.cancelLease(leaseId);
    }

    function test_WhenDeadlinePassed_Cancel() public {
        vm.warp(deadline + 1);
        uint256 buyerUsd = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.NoShowCancelled,
            deadline + 1,
            0,
            deposit,
            PENALTY
        );
        vm.prank(buyer);
        market.cancelLease(leaseId);

        assertEq(usd.balanceOf(buyer), buyerUsd + deposit + PENALTY, "whole deposit back, with the penalty");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - PENALTY, "bond slashed");
        assertEq(_lockedOf(provider, address(usd)), 0, "reservation released");
        assertEq(usd.balanceOf(address(market)), PROVIDER_BOND - PENALTY, "no escrow left, only the bond");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
        assertEq(market.escrowOf(leaseId), 0, "escrow");

        LeaseView memory l = market.getLease(leaseId);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.NoShowCancelled), "reason");
        assertEq(l.start, deadline + 1, "start is the cancellation time");
        assertEq(l.end, deadline + 1, "zero length");
        assertEq(l.deposit, 0, "nothing billed");
        assertEq(l.activationDeadline, 0, "no deadline once ended");

        uint256[] memory ids = new uint256[](1);
        ids[0] = leaseId;
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(ids);
    }

    function test_GivenExtendedWhilePending_RefundsTopUp() public {
        vm.prank(buyer);
        market.extendLease(leaseId, 12 hours);
        vm.warp(deadline + 1 days);
        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.cancelLease(leaseId);
        assertEq(
            usd.balanceOf(buyer) - before,
            _cost(H100_PRICE, 24, 24 hours) + PENALTY,
            "deposit and top-up back, with the penalty"
        );
        assertEq(usd.balanceOf(address(market)), PROVIDER_BOND - PENALTY, "no escrow left, only the bond");
    }

    /// @notice Issue #12: an offer without a bond floor no longer means no penalty: the lease reserves, and a no-show
    /// pays, STAKE_PENALTY_BPS (10%) of its deposit.
    function test_GivenOfferWithoutBondFloor_StakePenalty() public {
        OfferParams memory p = _h100Params();
        p.minProviderBond = 0;
        uint256 free = _createOffer(p);
        uint256 id = _open(buyer, free, 1, 1 hours);
        uint256 paid = _cost(H100_PRICE, 8, 1 hours);
        uint256 stakePenalty = paid / 10;
        assertEq(market.getLeaseTerms(id).penalty, stakePenalty, "reserved at open");
        vm.warp(deadline + 1);
        uint256 buyerUsd = usd.balanceOf(buyer);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.NoShowCancelled,
            deadline + 1,
            0,
            paid,
            stakePenalty
        );
        vm.prank(buyer);
        market.cancelLease(id);
        assertEq(
            usd.balanceOf(buyer) - buyerUsd,
            paid + stakePenalty,
            "deposit back, with the stake penalty"
        );
        assertEq(
            _bondOf(provider, address(usd)),
            PROVIDER_BOND - stakePenalty,
            "bond cut by the stake penalty"
        );
    }
}
