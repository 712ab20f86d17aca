// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OutageBase} from "./OutageBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseStatus, LeaseView, Outage} from "../../../contracts/types/DataTypes.sol";

/// @notice reportOutage, resolveOutage and setOfferRepairWindow. The exits an outage opens are in
/// OutageExits.t.sol.
contract Outages_Unit_Test is OutageBase {
    /*//////////////////////////////////////////////////////////////
                              REPORT OUTAGE
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_ReportUnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 99));
        vm.prank(buyer);
        market.reportOutage(99, 1, EVIDENCE);
    }

    function test_RevertWhen_ReportByNonBuyer() public {
        MarketState memory before = _captureState();
        address[2] memory callers = [provider, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, leaseId, callers[i])
            );
            vm.prank(callers[i]);
            market.reportOutage(leaseId, 1, EVIDENCE);
        }
        _assertUnchanged(before);
    }

    function test_RevertGiven_ReportPending() public {
        uint256 pending = _open(buyer, offerId, 1, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, pending, LeaseStatus.Pending)
        );
        vm.prank(buyer);
        market.reportOutage(pending, 1, EVIDENCE);
    }

    function test_RevertGiven_ReportExpired() public {
        vm.warp(end);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Expired)
        );
        _report(1);
        _assertUnchanged(before);
    }

    function test_RevertGiven_ReportEnded() public {
        vm.prank(buyer);
        market.terminateLease(leaseId);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Ended)
        );
        _report(1);
    }

    function test_RevertWhen_ReportUnitsOutOfRange() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidOutageUnits.selector, leaseId, 0, UNITS));
        _report(0);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidOutageUnits.selector, leaseId, UNITS + 1, UNITS)
        );
        _report(UNITS + 1);
        _assertUnchanged(before);
    }

    function test_WhenReport_StopsBillingForTheDownServers() public {
        vm.warp(START_TIME + 1 hours);
        uint256 deadline = START_TIME + 1 hours + REPAIR_WINDOW;
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OutageReported(leaseId, buyer, 2, EVIDENCE, deadline, 1);
        _report(2);

        Outage memory o = market.getOutage(leaseId);
        assertEq(o.since, START_TIME + 1 hours, "since");
        assertEq(o.deadline, deadline, "deadline = now + the offer's window");
        assertEq(o.downUnits, 2, "down units");
        assertEq(o.reports, 1, "one report");
        assertEq(o.downUnitSeconds, 0, "no resolved downtime");

        vm.warp(START_TIME + 3 hours);
        LeaseView memory l = market.getLease(leaseId);
        assertEq(l.downUnits, 2, "view: down units");
        assertEq(l.repairDeadline, deadline, "view: deadline");
        assertEq(l.outageReports, 1, "view: reports");
        assertEq(l.downUnitSeconds, 2 * 2 hours, "view: open downtime counted");
        assertEq(l.accrued, _billed(4 * 3 hours - 2 * 2 hours), "two servers bill 3 h, two bill 1 h");
        assertEq(l.end, end, "the end does not move while the outage is open");
        assertEq(uint8(l.status), uint8(LeaseStatus.Active), "still active");
        assertEq(market.escrowOf(leaseId), deposit, "the deposit stays in escrow");
    }

    function test_RevertWhen_RaiseNotHigher() public {
        _report(2);
        vm.warp(START_TIME + 10 minutes);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageUnitsNotRaised.selector, leaseId, 2, 2));
        _report(2);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OutageUnitsNotRaised.selector, leaseId, 1, 2));
        _report(1);
        _assertUnchanged(before);
    }

    function test_WhenRaise_KeepsTheDeadline() public {
        _report(1);
        uint256 deadline = START_TIME + REPAIR_WINDOW;
        vm.warp(START_TIME + 1 hours);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OutageReported(leaseId, buyer, 3, EVIDENCE, deadline, 2);
        _report(3);
        Outage memory o = market.getOutage(leaseId);
        assertEq(o.deadline, deadline, "deadline kept");
        assertEq(o.downUnits, 3, "raised");
        assertEq(o.downUnitSeconds, 1 hours, "one server was down for the first hour");
        assertEq(o.since, START_TIME + 1 hours, "the raise restarts the open count");
        vm.warp(START_TIME + 2 hours);
        assertEq(market.getLease(leaseId).downUnitSeconds, 1 hours + 3 * 1 hours, "both parts");
    }

    function test_WhenReportWithinCooldown_KeepsTheEarlierDeadline() public {
        _report(1);
        uint256 deadline = START_TIME + REPAIR_WINDOW;
        vm.warp(START_TIME + 1 hours);
        _resolve();
        vm.warp(START_TIME + 1 hours + REPORT_COOLDOWN - 1);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OutageReported(leaseId, buyer, 1, EVIDENCE, deadline, 2);
        _report(1);
        assertEq(market.getOutage(leaseId).deadline, deadline, "the clock did not restart");
    }

    function test_WhenReportWithinCooldown_KeepsADeadlineAlreadyPast() public {
        _report(1);
        vm.warp(START_TIME + REPAIR_WINDOW); // the last second the provider may resolve
        _resolve();
        vm.warp(START_TIME + REPAIR_WINDOW + 30 minutes);
        _report(1);
        assertEq(market.getOutage(leaseId).deadline, START_TIME + REPAIR_WINDOW, "past deadline kept");
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_RepairDeadlinePassed.selector,
                leaseId,
                START_TIME + REPAIR_WINDOW
            )
        );
        _resolve();
        vm.prank(stranger);
        market.endUnresolvedOutage(leaseId); // the exit is open at once
    }

    function test_WhenReportAfterCooldown_StartsANewDeadline() public {
        _report(1);
        vm.warp(START_TIME + 1 hours);
        _resolve();
        uint256 at = START_TIME + 1 hours + REPORT_COOLDOWN;
        vm.warp(at);
        _report(1);
        assertEq(market.getOutage(leaseId).deadline, at + REPAIR_WINDOW, "a fresh window");
    }

    function test_RevertWhen_ReportLimitReached() public {
        uint256 max = MAX_OUTAGE_REPORTS;
        for (uint256 i = 0; i < max; ++i) {
            _report(1);
            vm.warp(block.timestamp + 1);
            _resolve();
        }
        assertEq(market.getOutage(leaseId).reports, max, "every report counted");
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TooManyOutageReports.selector, leaseId, max));
        _report(1);
        _assertUnchanged(before);
    }

    /*//////////////////////////////////////////////////////////////
                              RESOLVE OUTAGE
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_ResolveUnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 99));
        vm.prank(provider);
        market.resolveOutage(99, "");
    }

    function test_RevertWhen_ResolveByNonProvider() public {
        _report(1);
        MarketState memory before = _captureState();
        address[2] memory callers = [buyer, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, leaseId, callers[i])
            );
            vm.prank(callers[i]);
            market.resolveOutage(leaseId, "");
        }
        _assertUnchanged(before);
    }

    function test_RevertGiven_NoOpenOutage() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NoOpenOutage.selector, leaseId));
        _resolve();
        _report(1);
        vm.warp(START_TIME + 1 minutes);
        _resolve();
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NoOpenOutage.selector, leaseId));
        _resolve();
        _assertUnchanged(before);
    }

    function test_RevertGiven_ResolveAfterDeadline() public {
        _report(1);
        uint256 deadline = START_TIME + REPAIR_WINDOW;
        vm.warp(deadline + 1);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_RepairDeadlinePassed.selector, leaseId, deadline)
        );
        _resolve();
        _assertUnchanged(before);
    }

    function test_RevertGiven_ResolveExpired() public {
        vm.warp(end - 1 hours);
        _report(1); // deadline after the end
        vm.warp(end);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, leaseId, LeaseStatus.Expired)
        );
        _resolve();
    }

    function test_RevertWhen_ResolvePayloadTooLarge() public {
        _report(1);
        bytes memory big = new bytes(MAX_ACCESS_BYTES + 1);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_AccessPayloadTooLarge.selector,
                MAX_ACCESS_BYTES + 1,
                MAX_ACCESS_BYTES
            )
        );
        vm.prank(provider);
        market.resolveOutage(leaseId, big);
        _assertUnchanged(before);
    }

    function test_WhenResolve_MovesTheEndByTheDowntime() public {
        vm.warp(START_TIME + 1 hours);
        _report(3);
        vm.warp(START_TIME + 1 hours + 1_001);
        // 3 servers x 1,001 s = 3,003 unit-seconds over 4 servers: the end moves 750 s, 3 unit-seconds are left.
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OutageResolved(leaseId, 750, 3_003, end + 750, _access());
        vm.prank(provider);
        market.resolveOutage(leaseId, _access());

        Outage memory o = market.getOutage(leaseId);
        assertEq(o.since, 0, "closed");
        assertEq(o.downUnits, 0, "nothing down");
        assertEq(o.extension, 750, "floor(3003 / 4)");
        assertEq(o.downUnitSeconds, 3_003, "resolved downtime");
        assertEq(o.lastResolved, START_TIME + 1 hours + 1_001, "last resolution");
        LeaseView memory l = market.getLease(leaseId);
        assertEq(l.end, end + 750, "view: end moved");
        assertEq(l.downUnits, 0, "view: nothing down");
        assertEq(l.repairDeadline, 0, "view: no deadline");

        // Billing resumed: at the new end the lease billed every unit-second but the downtime.
        vm.warp(end + 750);
        assertEq(
            market.getLease(leaseId).accrued,
            _billed(4 * (DURATION + 750) - 3_003),
            "billed unit-seconds"
        );
        assertEq(
            uint8(market.getLease(leaseId).status),
            uint8(LeaseStatus.Expired),
            "expired at the new end"
        );
    }

    function test_WhenResolveTwice_TheExtensionIsCumulative() public {
        _report(3);
        vm.warp(START_TIME + 1_001);
        _resolve(); // 3,003: 750 s
        vm.warp(START_TIME + 2 hours);
        _report(1);
        vm.warp(START_TIME + 2 hours + 1);
        // 3,004 in all: floor(3004 / 4) = 751, one more second.
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OutageResolved(leaseId, 1, 3_004, end + 751, "");
        _resolve();
        assertEq(market.getOutage(leaseId).extension, 751, "cumulative");
    }

    function test_WhenResolveWithEmptyPayload_Resolves() public {
        _report(1);
        vm.warp(START_TIME + 10);
        _resolve();
        assertEq(market.getOutage(leaseId).since, 0, "resolved without new access details");
    }

    /*//////////////////////////////////////////////////////////////
                          SET OFFER REPAIR WINDOW
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_RepairWindowOutOfBounds() public {
        uint256 min = MIN_REPAIR_WINDOW;
        uint256 max = MAX_REPAIR_WINDOW;
        MarketState memory before = _captureState();
        vm.startPrank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidRepairWindow.selector, min - 1, min, max)
        );
        market.setOfferRepairWindow(offerId, min - 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InvalidRepairWindow.selector, max + 1, min, max)
        );
        market.setOfferRepairWindow(offerId, max + 1);
        vm.stopPrank();
        _assertUnchanged(before);
    }

    function test_RevertWhen_RepairWindowByNonProvider() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, stranger));
        vm.prank(stranger);
        market.setOfferRepairWindow(offerId, 1 days);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 77));
        vm.prank(provider);
        market.setOfferRepairWindow(77, 1 days);
    }

    function test_WhenRepairWindowSet_OnlyFutureReportsUseIt() public {
        _report(1);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferRepairWindowSet(offerId, REPAIR_WINDOW, MAX_REPAIR_WINDOW);
        vm.prank(provider);
        market.setOfferRepairWindow(offerId, MAX_REPAIR_WINDOW);
        assertEq(market.getOffer(offerId).repairWindow, MAX_REPAIR_WINDOW, "stored");
        assertEq(
            market.getOutage(leaseId).deadline,
            START_TIME + REPAIR_WINDOW,
            "the open outage keeps its own"
        );

        vm.warp(START_TIME + 1 hours);
        _resolve();
        vm.warp(START_TIME + 1 hours + REPORT_COOLDOWN);
        _report(1);
        assertEq(
            market.getOutage(leaseId).deadline,
            START_TIME + 1 hours + REPORT_COOLDOWN + MAX_REPAIR_WINDOW,
            "a new report uses the new window"
        );
    }

    function test_WhenRepairWindowAtBounds_Accepted() public {
        vm.startPrank(provider);
        market.setOfferRepairWindow(offerId, MIN_REPAIR_WINDOW);
        assertEq(market.getOffer(offerId).repairWindow, MIN_REPAIR_WINDOW, "min");
        market.setOfferRepairWindow(offerId, MAX_REPAIR_WINDOW);
        assertEq(market.getOffer(offerId).repairWindow, MAX_REPAIR_WINDOW, "max");
        vm.stopPrank();
    }
}
