// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract CloseLease_Unit_Test is MarketStateTest {
    uint256 internal offerId;
    uint256 internal leaseId;
    uint256 internal end;
    uint256 internal deposit;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        leaseId = _openActive(offerId, 4, 8 hours);
        end = START_TIME + 8 hours;
        deposit = _cost(H100_PRICE, 32, 8 hours);
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 9));
        market.closeLease(9);
    }

    function test_RevertGiven_LeasePending() public {
        uint256 pending = _open(buyer, offerId, 1, 1 hours);
        vm.warp(START_TIME + 30 days);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, pending, LeaseStatus.Pending)
        );
        market.closeLease(pending);
    }

    function test_RevertGiven_AlreadyClosed() public {
        vm.warp(end);
        market.closeLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        market.closeLease(leaseId);
    }

    function test_RevertGiven_Terminated() public {
        vm.prank(buyer);
        market.terminateLease(leaseId);
        vm.warp(end + 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        market.closeLease(leaseId);
    }

    function test_RevertGiven_NotExpired() public {
        vm.warp(end - 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_LeaseNotExpired.selector, leaseId, end));
        market.closeLease(leaseId);
    }

    function test_GivenExpired_Close() public {
        vm.warp(end);
        MarketState memory before = _captureState();

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(leaseId, EndReason.Expired, end, deposit, 0, 0);
        vm.prank(stranger);
        market.closeLease(leaseId);

        // No token moves: compare balances and fees, which `_assertUnchanged` would also check.
        MarketState memory afterClose = _captureState();
        for (uint256 i = 0; i < before.balances.length; ++i) {
            assertEq(afterClose.balances[i], before.balances[i], "no token moved");
        }
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
        assertEq(market.escrowOf(leaseId), deposit, "earnings still in escrow");
        LeaseView memory l = market.getLease(leaseId);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.Expired), "reason");
        assertEq(l.end, end, "end");
        assertEq(l.claimable, deposit, "claimable");

        uint256 providerBefore = usd.balanceOf(provider);
        uint256[] memory ids = new uint256[](1);
        ids[0] = leaseId;
        vm.prank(provider);
        market.claim(ids);
        assertEq(usd.balanceOf(provider) - providerBefore, deposit - (deposit * FEE_BPS) / 10_000, "paid");
    }

    function test_GivenExpired_Close_ReleasesReservedPenalty() public {
        uint256 penalty = (MIN_BOND * PENALTY_BPS) / 10_000;
        assertEq(_lockedOf(provider, address(usd)), penalty, "the live lease reserves its penalty");
        vm.warp(end);
        market.closeLease(leaseId);
        assertEq(_lockedOf(provider, address(usd)), 0, "released");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "nothing taken from the bond");
    }

    /// @notice Issue #12: without a bond floor a lease still reserves its 10% stake penalty; closing releases it.
    function test_GivenOfferWithoutBondFloor_Close_ReleasesStakePenalty() public {
        OfferParams memory p = _h100Params();
        p.minProviderBond = 0;
        uint256 free = _createOffer(p);
        uint256 locked = _lockedOf(provider, address(usd));
        uint256 id = _openActive(free, 1, 1 hours);
        uint256 stake = _cost(H100_PRICE, 8, 1 hours) / 10;
        assertEq(_lockedOf(provider, address(usd)), locked + stake, "the stake penalty reserved");
        vm.warp(START_TIME + 1 hours);
        market.closeLease(id);
        assertEq(_lockedOf(provider, address(usd)), locked, "released at close");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "nothing taken from the bond");
        assertEq(uint256(market.getLease(id).endReason), uint256(EndReason.Expired), "ended as expired");
    }

    function test_GivenClosedLongAfterEnd_EndTimeIsLeaseEnd() public {
        vm.warp(end + 90 days);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(leaseId, EndReason.Expired, end, deposit, 0, 0);
        vm.prank(buyer);
        market.closeLease(leaseId);
        assertEq(market.getLease(leaseId).end, end, "end unchanged");
    }

    function test_GivenClaimedBeforeClose_Close() public {
        vm.warp(end);
        uint256[] memory ids = new uint256[](1);
        ids[0] = leaseId;
        vm.prank(provider);
        market.claim(ids);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(leaseId, EndReason.Expired, end, deposit, 0, 0);
        vm.prank(provider);
        market.closeLease(leaseId);
        assertEq(market.escrowOf(leaseId), 0, "nothing left");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
    }
}
