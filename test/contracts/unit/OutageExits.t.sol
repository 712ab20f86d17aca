// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OutageBase} from "./OutageBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, LeaseView} from "../../../contracts/types/DataTypes.sol";

/// @notice How leases with outages end: endUnresolvedOutage, terminateLease and closeLease once the unresolved
/// exit is open, closeLease with an open outage, and claims, all billing only the unit-seconds served.
contract OutageExits_Unit_Test is OutageBase {
    /// @dev The market's own constants agree with the rules the outage suites restate.
    function test_WhenReadingTheOutageConstants_TheyMatchTheRules() public view {
        assertEq(market.MAX_OUTAGE_REPORTS(), MAX_OUTAGE_REPORTS, "report limit");
        assertEq(market.REPORT_COOLDOWN(), REPORT_COOLDOWN, "cooldown");
        assertEq(market.MIN_REPAIR_WINDOW(), MIN_REPAIR_WINDOW, "min window");
        assertEq(market.MAX_REPAIR_WINDOW(), MAX_REPAIR_WINDOW, "max window");
    }

    /*//////////////////////////////////////////////////////////////
                          END UNRESOLVED OUTAGE
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_EndUnresolvedUnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 99));
        market.endUnresolvedOutage(99);
    }

    function test_RevertGiven_EndUnresolvedNotActive() public {
        uint256 pending = _open(buyer, offerId, 1, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, pending, LeaseStatus.Pending)
        );
        market.endUnresolvedOutage(pending);
        vm.prank(buyer);
        market.terminateLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        market.endUnresolvedOutage(leaseId);
    }

    function test_RevertGiven_EndUnresolvedNeverReported() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
    }

    function test_RevertGiven_EndUnresolvedTooEarly() public {
        _report(2);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
        _assertUnchanged(before);
        vm.warp(START_TIME + REPAIR_WINDOW); // the deadline itself still belongs to the provider
        before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
        _assertUnchanged(before);
    }

    function test_RevertGiven_EndUnresolvedAfterResolution() public {
        _report(2);
        vm.warp(START_TIME + 1 hours);
        _resolve();
        vm.warp(START_TIME + REPAIR_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
    }

    function test_RevertGiven_EndUnresolvedDeadlineAfterEnd() public {
        vm.warp(end - 1 hours);
        _report(2); // deadline end + 3 h: the lease ends first
        vm.warp(end + 4 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
    }

    function test_WhenDeadlinePassed_AnyoneEndsWithRefundAndPenalty() public {
        vm.warp(START_TIME + 1 hours);
        _report(2);
        uint256 at = START_TIME + 1 hours + REPAIR_WINDOW + 1;
        vm.warp(at);
        uint256 accrued = _billed(UNITS * (at - START_TIME) - 2 * (REPAIR_WINDOW + 1));
        uint256 refund = deposit - accrued;
        uint256 usdBefore = usd.balanceOf(buyer);
        uint256 gridBefore = grid.balanceOf(buyer);
        uint256 marketUsd = usd.balanceOf(address(market));

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.OutageUnresolved,
            at,
            accrued,
            refund,
            penalty
        );
        vm.prank(stranger);
        market.endUnresolvedOutage(leaseId);

        assertEq(
            usd.balanceOf(buyer) - usdBefore,
            refund + penalty,
            "the whole unused deposit back, with the penalty"
        );
        assertEq(grid.balanceOf(buyer), gridBefore, "nothing in GRID");
        assertEq(
            marketUsd - usd.balanceOf(address(market)),
            refund + penalty,
            "the market paid refund and penalty"
        );
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - penalty, "bond cut");
        assertEq(_lockedOf(provider, address(usd)), 0, "reservation released");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
        assertEq(market.escrowOf(leaseId), accrued, "only the billed part stays, for the provider");
        LeaseView memory l = market.getLease(leaseId);
        assertEq(uint8(l.endReason), uint8(EndReason.OutageUnresolved), "reason");
        assertEq(l.end, at, "ended now");
        assertEq(l.downUnits, 0, "no open outage on an ended lease");
        assertEq(l.downUnitSeconds, 2 * (REPAIR_WINDOW + 1), "downtime up to the end");

        vm.prank(provider);
        market.claim(_one(leaseId));
        assertEq(market.escrowOf(leaseId), 0, "claimed the billed part only");
    }

    function test_WhenReportLimitReached_AnyoneEnds() public {
        for (uint256 i = 0; i < MAX_OUTAGE_REPORTS; ++i) {
            _report(1);
            vm.warp(block.timestamp + 10);
            _resolve();
        }
        uint256 down = 10 * MAX_OUTAGE_REPORTS;
        uint256 at = block.timestamp;
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.OutageUnresolved,
            at,
            _billed(UNITS * (at - START_TIME) - down),
            deposit - _billed(UNITS * (at - START_TIME) - down),
            penalty
        );
        vm.prank(stranger);
        market.endUnresolvedOutage(leaseId);
    }

    function test_RevertGiven_ReportLimitReachedAfterEnd() public {
        for (uint256 i = 0; i < MAX_OUTAGE_REPORTS; ++i) {
            _report(1);
            vm.warp(block.timestamp + 4);
            _resolve();
        }
        // 48 down unit-seconds over 4 servers: the end moved 12 s. Past it the lease just expires.
        vm.warp(end + 12);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageExitClosed.selector, leaseId));
        market.endUnresolvedOutage(leaseId);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(leaseId, EndReason.Expired, end + 12, deposit, 0, 0);
        market.closeLease(leaseId);
    }

    /*//////////////////////////////////////////////////////////////
                        TERMINATE AND CLOSE
    //////////////////////////////////////////////////////////////*/

    function test_WhenBuyerTerminatesWithExitOpen_EndsAsUnresolved() public {
        _report(1);
        vm.warp(START_TIME + REPAIR_WINDOW + 1);
        uint256 accrued = _billed(UNITS * (REPAIR_WINDOW + 1) - (REPAIR_WINDOW + 1));
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.OutageUnresolved,
            START_TIME + REPAIR_WINDOW + 1,
            accrued,
            deposit - accrued,
            penalty
        );
        vm.prank(buyer);
        market.terminateLease(leaseId);
    }

    function test_WhenProviderTerminatesWithExitOpen_EndsAsUnresolved() public {
        _report(4);
        vm.warp(START_TIME + REPAIR_WINDOW + 1);
        uint256 usdBefore = usd.balanceOf(buyer);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.OutageUnresolved,
            START_TIME + REPAIR_WINDOW + 1,
            0,
            deposit,
            penalty
        );
        vm.prank(provider);
        market.terminateLease(leaseId);
        assertEq(
            usd.balanceOf(buyer) - usdBefore,
            deposit + penalty,
            "the provider cannot dodge the penalty"
        );
    }

    function test_WhenBuyerTerminatesBeforeDeadline_EndsAsTerminated() public {
        _report(1);
        vm.warp(START_TIME + 1 hours);
        uint256 accrued = _billed(UNITS * 1 hours - 1 hours);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.BuyerTerminated,
            START_TIME + 1 hours,
            accrued,
            deposit - accrued,
            0
        );
        vm.prank(buyer);
        market.terminateLease(leaseId);
    }

    function test_RevertGiven_CloseBeforeTheMovedEnd() public {
        _report(2);
        vm.warp(START_TIME + 1 hours);
        _resolve(); // 7,200 unit-seconds: the end moves 1,800 s
        vm.warp(end + 1_799);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_LeaseNotExpired.selector, leaseId, end + 1_800));
        market.closeLease(leaseId);
    }

    function test_WhenCloseWithExitOpen_EndsAsUnresolved() public {
        _report(2);
        vm.warp(end);
        uint256 accrued = _billed(UNITS * DURATION - 2 * DURATION);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.OutageUnresolved,
            end,
            accrued,
            deposit - accrued,
            penalty
        );
        vm.prank(stranger);
        market.closeLease(leaseId);
    }

    function test_WhenCloseExpiredWithOpenOutage_RefundsTheUnbilledPart() public {
        vm.warp(end - 1 hours);
        _report(2); // deadline after the end: no penalty, but the downtime is not billed
        vm.warp(end + 5 hours);
        uint256 accrued = _billed(UNITS * DURATION - 2 * 1 hours);
        uint256 usdBefore = usd.balanceOf(buyer);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            leaseId,
            EndReason.Expired,
            end,
            accrued,
            deposit - accrued,
            0
        );
        market.closeLease(leaseId);
        assertEq(usd.balanceOf(buyer) - usdBefore, deposit - accrued, "downtime refunded");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");
        assertEq(_lockedOf(provider, address(usd)), 0, "reservation released");
    }

    function test_WhenCloseAfterResolution_RefundsTheLeftoverUnitSeconds() public {
        _report(3);
        vm.warp(START_TIME + 1_001);
        _resolve(); // 3,003 unit-seconds, the end moves 750 s, 3 unit-seconds are never billed
        vm.warp(end + 750);
        uint256 accrued = _billed(UNITS * (DURATION + 750) - 3_003);
        assertEq(deposit - accrued, deposit - _billed(UNITS * DURATION - 3), "the leftover 3 unit-seconds");
        uint256 usdBefore = usd.balanceOf(buyer);
        market.closeLease(leaseId);
        assertEq(usd.balanceOf(buyer) - usdBefore, deposit - accrued, "refunded at the end");
        assertEq(market.getLease(leaseId).end, end + 750, "ended at the moved end");
    }

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    function test_WhenClaimDuringAnOutage_ExcludesDowntime() public {
        vm.warp(START_TIME + 1 hours);
        _report(2);
        vm.warp(START_TIME + 3 hours);
        uint256 gross = _billed(UNITS * 3 hours - 2 * 2 hours);
        uint256 fee = (gross * FEE_BPS) / 10_000;
        uint256 before = usd.balanceOf(provider);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(leaseId, provider, gross, fee);
        vm.prank(provider);
        market.claim(_one(leaseId));
        assertEq(usd.balanceOf(provider) - before, gross - fee, "paid the billed unit-seconds");
        assertEq(market.escrowOf(leaseId), deposit - gross, "escrow");
        assertEq(market.getLease(leaseId).claimable, 0, "nothing more yet");

        vm.warp(START_TIME + 4 hours);
        assertEq(
            market.getLease(leaseId).claimable,
            _billed(UNITS * 4 hours - 2 * 3 hours) - gross,
            "two servers bill"
        );
    }
}
