// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReservedBase} from "./ReservedBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";

contract ReservedServerEnds_Unit_Test is ReservedBase {
    uint256 internal plainOffer;
    uint256 internal leaseId; // 4 servers of the plain offer for 2 days, active since t0
    uint256 internal t0;

    function setUp() public override {
        super.setUp();
        plainOffer = _createDefaultOffer();
        leaseId = _open(buyer, plainOffer, 4, 2 days);
        _activate(leaseId);
        t0 = vm.getBlockTimestamp();
    }

    function _expectCountRefused(address caller, uint256 count, bool failed) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidServerCount.selector, leaseId, count, 4));
        vm.prank(caller);
        if (failed) market.failServers(leaseId, count);
        else market.releaseServers(leaseId, count);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ReleasingAllOrMoreServers() public {
        _expectCountRefused(buyer, 0, false);
        _expectCountRefused(buyer, 4, false);
        _expectCountRefused(buyer, 5, false);
    }

    function test_RevertWhen_FailingAllOrMoreServers() public {
        _expectCountRefused(provider, 0, true);
        _expectCountRefused(provider, 4, true);
        _expectCountRefused(provider, 5, true);
    }

    function test_RevertWhen_WrongParty() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, leaseId, provider));
        vm.prank(provider);
        market.releaseServers(leaseId, 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, leaseId, buyer));
        vm.prank(buyer);
        market.failServers(leaseId, 1);
        _assertUnchanged(before);
    }

    function test_WhenReleased_RefundsUnusedTime() public {
        vm.warp(t0 + 12 hours);
        uint256 available = _costOf(4, 2 days) - _costOf(3, 2 days);
        uint256 earned = _costOf(4, 12 hours) - _costOf(3, 12 hours);
        uint256 reserved = market.getLeaseTerms(leaseId).penalty;
        uint256 before = usd.balanceOf(buyer);
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.ServersReleased(leaseId, 1, available - earned, 0, reserved / 4);
        vm.prank(buyer);
        market.releaseServers(leaseId, 1);
        assertEq(
            usd.balanceOf(buyer) - before,
            available - earned,
            "refund of the released server's unused time"
        );
        assertEq(market.getLease(leaseId).units, 3, "three servers left");
        assertEq(market.getOffer(plainOffer).unitsInUse, 3, "the offer's unit is free");
        assertEq(
            market.getLeaseTerms(leaseId).penalty,
            reserved - reserved / 4,
            "reservation follows, rounded down"
        );
        assertEq(
            market.bondOf(provider, address(usd)).locked,
            reserved - reserved / 4,
            "locked bond follows"
        );
        assertEq(market.getLeaseTerms(leaseId).frozen, earned, "its earnings kept for the provider");
    }

    function test_WhenFailed_PenaltyRoundsUp() public {
        // A twin lease: failing 2 servers at once against failing 1 then 1 on this one.
        uint256 twin = _open(buyer2, plainOffer, 4, 2 days);
        _activate(twin);
        uint256 reserved = market.getLeaseTerms(leaseId).penalty;
        vm.warp(t0 + 6 hours);
        uint256 bond0 = market.bondOf(provider, address(usd)).amount;
        uint256 first = (reserved + 3) / 4;
        vm.expectEmit(true, false, false, false, address(market));
        emit IGridleaseMarketEvents.ServersFailed(leaseId, 1, 0, first);
        vm.startPrank(provider);
        market.failServers(leaseId, 1);
        market.failServers(leaseId, 1);
        uint256 oneByOne = bond0 - market.bondOf(provider, address(usd)).amount;
        market.failServers(twin, 2);
        vm.stopPrank();
        uint256 atOnce = bond0 - oneByOne - market.bondOf(provider, address(usd)).amount;
        assertEq(atOnce, (reserved * 2 + 3) / 4, "two at once: ceil(reserved x 2 / 4)");
        assertEq(oneByOne, first + (reserved - first + 2) / 3, "one then one, each rounded up");
        assertGe(oneByOne, atOnce, "one at a time is never cheaper");
    }

    function test_WhenFailed_RefundPenaltyAndFrozenEarnings() public {
        vm.warp(t0 + 12 hours);
        uint256 available = _costOf(4, 2 days) - _costOf(3, 2 days);
        uint256 earned = _costOf(4, 12 hours) - _costOf(3, 12 hours);
        uint256 reserved = market.getLeaseTerms(leaseId).penalty;
        uint256 share = (reserved + 3) / 4;
        uint256 before = usd.balanceOf(buyer);
        vm.prank(provider);
        market.failServers(leaseId, 1);
        assertEq(
            usd.balanceOf(buyer) - before,
            available - earned + share,
            "refund plus the rounded-up share"
        );
        assertEq(market.getLeaseTerms(leaseId).frozen, earned, "no exit charge, only the earnings");
        // The frozen earnings stay claimable: the provider gets everything served, by all four servers.
        vm.warp(t0 + 2 days);
        market.closeLease(leaseId);
        uint256 gross = earned + _costOf(3, 2 days);
        uint256[] memory ids = new uint256[](1);
        ids[0] = leaseId;
        uint256 providerBefore = usd.balanceOf(provider);
        vm.prank(provider);
        market.claim(ids);
        assertEq(
            usd.balanceOf(provider) - providerBefore,
            gross - (gross * FEE_BPS) / 10_000,
            "frozen earnings claimed"
        );
    }

    function test_WhenReleasedUnderCommitment_ChargesTheQuote() public {
        uint256 id = _rolling(feeOffer, 3, 30 days, 3 days);
        vm.warp(vm.getBlockTimestamp() + 1 days + 10 minutes);
        uint256 quote = market.exitChargeAt(id, 1, vm.getBlockTimestamp());
        assertEq(quote, (_costOf(1, 143 hours) * 2_000) / 10_000, "fee on the whole hours left, one server");
        vm.prank(buyer);
        market.releaseServers(id, 1);
        uint256 earned = _costOf(3, 1 days + 10 minutes) - _costOf(2, 1 days + 10 minutes);
        assertEq(market.getLeaseTerms(id).frozen, earned + quote, "charged exactly the quote");
    }

    function test_WhenServersEndDuringOutage_DownCountFollows() public {
        uint256 paid = _costOf(4, 2 days);
        uint256 buyerBefore = usd.balanceOf(buyer);
        uint256 bondBefore = market.bondOf(provider, address(usd)).amount;
        vm.warp(t0 + 1 hours);
        vm.prank(buyer);
        market.reportOutage(leaseId, 2, keccak256("2 of 4 down"));
        // The provider fails one of the two down servers: one stays down, billing keeps excluding it.
        vm.warp(t0 + 2 hours);
        vm.prank(provider);
        market.failServers(leaseId, 1);
        assertEq(market.getOutage(leaseId).downUnits, 1, "a failure takes a down server off the count");
        assertEq(market.getOutage(leaseId).since, t0 + 2 hours, "the open outage counts on from now");
        assertEq(market.getLease(leaseId).units, 3, "three servers left");
        // All three down; then the buyer releases two: at most the one left can stay down.
        vm.warp(t0 + 3 hours);
        vm.prank(buyer);
        market.reportOutage(leaseId, 3, keccak256("3 of 3 down"));
        vm.warp(t0 + 4 hours);
        vm.prank(buyer);
        market.releaseServers(leaseId, 2);
        assertEq(market.getOutage(leaseId).downUnits, 1, "a release caps the count at the servers left");
        assertEq(market.getLease(leaseId).units, 1, "one server left");
        // However it ends, what the buyer got back and what the provider earned add up to what was paid.
        vm.warp(t0 + 3 days);
        market.closeLease(leaseId);
        uint256[] memory ids = new uint256[](1);
        ids[0] = leaseId;
        uint256 providerBefore = usd.balanceOf(provider);
        vm.prank(provider);
        market.claim(ids);
        uint256 net = usd.balanceOf(provider) - providerBefore;
        uint256 gross = market.getLease(leaseId).accrued;
        uint256 penaltyPaid = bondBefore - market.bondOf(provider, address(usd)).amount;
        uint256 refunds = usd.balanceOf(buyer) - buyerBefore - penaltyPaid;
        assertEq(refunds + gross, paid, "refunds + earnings == deposit");
        assertEq(net, gross - (gross * FEE_BPS) / 10_000, "the provider is paid its earnings less the fee");
        assertLt(gross, _costOf(1, 2 days) + _costOf(3, 4 hours), "down time was never billed");
    }
}
