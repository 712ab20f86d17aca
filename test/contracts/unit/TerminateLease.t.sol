// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract TerminateLease_Unit_Test is MarketStateTest {
    uint256 internal constant PENALTY = (MIN_BOND * PENALTY_BPS) / 10_000; // 500 USD

    uint256 internal offerId;
    uint256 internal deposit;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        deposit = _cost(H100_PRICE, 16, 24 hours);
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 42));
        vm.prank(buyer);
        market.terminateLease(42);
    }

    function test_RevertWhen_CallerNotParty() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseParty.selector, id, stranger));
        vm.prank(stranger);
        market.terminateLease(id);
    }

    function test_RevertGiven_BuyerAndPending() public {
        uint256 id = _open(buyer, offerId, 2, 24 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Pending)
        );
        vm.prank(buyer);
        market.terminateLease(id);
    }

    function test_RevertGiven_BuyerAndExpired() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.warp(START_TIME + 24 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Expired)
        );
        vm.prank(buyer);
        market.terminateLease(id);
    }

    function test_RevertGiven_BuyerAndEnded() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Ended)
        );
        vm.prank(buyer);
        market.terminateLease(id);
    }

    function test_RevertGiven_ProviderAndExpired() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.warp(START_TIME + 25 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Expired)
        );
        vm.prank(provider);
        market.terminateLease(id);
    }

    function test_RevertGiven_ProviderAndEnded() public {
        uint256 id = _open(buyer, offerId, 2, 24 hours);
        vm.warp(START_TIME + WINDOW + 1);
        vm.prank(buyer);
        market.cancelLease(id);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Ended)
        );
        vm.prank(provider);
        market.terminateLease(id);
    }

    function test_GivenBuyerAndActive_Terminate() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        uint256 start = START_TIME;
        vm.warp(start + 6 hours);
        uint256 accrued = _cost(H100_PRICE, 16, 6 hours);
        uint256 refund = deposit - accrued;
        uint256 buyerUsd = usd.balanceOf(buyer);
        uint256 buyerGrid = grid.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.BuyerTerminated,
            start + 6 hours,
            accrued,
            refund,
            0
        );
        vm.prank(buyer);
        market.terminateLease(id);

        assertEq(refund, _cost(H100_PRICE, 16, 18 hours), "premise: 18 of 24 hours unused");
        assertEq(usd.balanceOf(buyer), buyerUsd + refund, "refund");
        assertEq(grid.balanceOf(buyer), buyerGrid, "no penalty");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "bond untouched");
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            accrued,
            "market keeps what the provider earned"
        );
        assertEq(market.escrowOf(id), accrued, "escrow is the provider's accrual");
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");

        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.BuyerTerminated), "reason");
        assertEq(l.duration, 6 hours, "billed duration");
        assertEq(l.start, start, "start kept");
        assertEq(l.end, start + 6 hours, "end at termination");
        assertEq(l.deposit, accrued, "deposit is what was used");
        assertEq(l.claimable, accrued, "claimable");

        // Later, the provider is paid exactly what was used.
        vm.warp(START_TIME + 10 days);
        assertEq(market.getLease(id).accrued, accrued, "accrual stopped");
        _claimAs(provider, id);
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            (accrued * FEE_BPS) / 10_000,
            "only the fee is left"
        );
    }

    function test_GivenBuyerInActivationSecond_FullRefund() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        uint256 before = usd.balanceOf(buyer);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(id, EndReason.BuyerTerminated, START_TIME, 0, deposit, 0);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(usd.balanceOf(buyer) - before, deposit, "whole deposit back");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, 0, "market empty");
    }

    function test_GivenRefundRoundsToZero_Terminate() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 1;
        uint256 cheap = _createOffer(p);
        uint256 id = _openActive(cheap, 1, 2 hours - 1); // deposit floor(7199 / 3600) = 1
        vm.warp(START_TIME + 1 hours); // accrued floor(3600 / 3600) = 1
        uint256 before = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(id, EndReason.BuyerTerminated, START_TIME + 1 hours, 1, 0, 0);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(usd.balanceOf(buyer), before, "nothing refunded");
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Ended), "ended");
    }

    function test_GivenProviderAndPending_Terminate() public {
        uint256 id = _open(buyer, offerId, 2, 24 hours);
        vm.warp(START_TIME + 10 minutes);
        uint256 buyerUsd = usd.balanceOf(buyer);
        uint256 buyerGrid = grid.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.ProviderTerminated,
            START_TIME + 10 minutes,
            0,
            deposit,
            PENALTY
        );
        vm.prank(provider);
        market.terminateLease(id);

        assertEq(
            usd.balanceOf(buyer),
            buyerUsd + deposit + PENALTY,
            "whole deposit back, with the USD penalty"
        );
        assertEq(grid.balanceOf(buyer), buyerGrid, "nothing in GRID");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - PENALTY, "bond slashed");
        assertEq(
            usd.balanceOf(address(market)),
            PROVIDER_BOND - PENALTY,
            "no escrow left: the market's USD is the bond"
        );
        assertEq(market.getOffer(offerId).unitsInUse, 0, "units freed");

        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.endReason), uint8(EndReason.ProviderTerminated), "reason");
        assertEq(l.start, START_TIME + 10 minutes, "start is the end time");
        assertEq(l.end, START_TIME + 10 minutes, "zero length");
        assertEq(l.deposit, 0, "nothing billed");
        assertEq(market.escrowOf(id), 0, "no escrow");
    }

    function test_GivenProviderAndActive_Terminate() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.warp(START_TIME + 5 hours + 17 seconds);
        uint256 accrued = _cost(H100_PRICE, 16, 5 hours + 17);
        uint256 refund = deposit - accrued;
        uint256 buyerUsd = usd.balanceOf(buyer);
        uint256 buyerGrid = grid.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.ProviderTerminated,
            START_TIME + 5 hours + 17,
            accrued,
            refund,
            PENALTY
        );
        vm.prank(provider);
        market.terminateLease(id);

        assertEq(usd.balanceOf(buyer), buyerUsd + refund + PENALTY, "refund and penalty, in USD");
        assertEq(grid.balanceOf(buyer), buyerGrid, "nothing in GRID");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - PENALTY, "bond slashed");
        assertEq(
            usd.balanceOf(address(market)) - (PROVIDER_BOND - PENALTY),
            accrued,
            "accrual stays for the provider"
        );
        assertEq(uint8(market.getLease(id).endReason), uint8(EndReason.ProviderTerminated), "reason");
    }

    function test_GivenPenaltiesReserved_PaysEachInFull() public {
        // The offer asks for 4,000 USD, so each lease reserves a 2,000 penalty; the 5,000 bond covers two.
        OfferParams memory p = _h100Params();
        p.minProviderBond = 4_000e6;
        uint256 strict = _createOffer(p);
        uint256[2] memory ids = [_openActive(strict, 1, 1 hours), _openActive(strict, 1, 1 hours)];
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_BondCommitted.selector, provider, 1_000e6, 2_000e6)
        );
        _open(buyer2, strict, 1, 1 hours);

        for (uint256 i = 0; i < 2; ++i) {
            uint256 buyerUsd = usd.balanceOf(buyer);
            _expectMarketEvent();
            emit IGridleaseMarketEvents.LeaseEnded(
                ids[i],
                EndReason.ProviderTerminated,
                START_TIME,
                0,
                _cost(H100_PRICE, 8, 1 hours),
                2_000e6
            );
            vm.prank(provider);
            market.terminateLease(ids[i]);
            assertEq(
                usd.balanceOf(buyer) - buyerUsd,
                _cost(H100_PRICE, 8, 1 hours) + 2_000e6,
                "refund and the full penalty"
            );
        }
        assertEq(_bondOf(provider, address(usd)), 1_000e6, "the free part is left");
        assertEq(_lockedOf(provider, address(usd)), 0, "nothing reserved");
        assertEq(usd.balanceOf(address(market)), 1_000e6, "USD left is the bond");
    }

    /// @notice Issue #12: without a bond floor the provider's termination still pays the 10% stake penalty.
    function test_GivenOfferWithoutBondFloor_StakePenalty() public {
        OfferParams memory p = _h100Params();
        p.minProviderBond = 0;
        uint256 free = _createOffer(p);
        uint256 id = _openActive(free, 1, 1 hours);
        uint256 paid = _cost(H100_PRICE, 8, 1 hours);
        uint256 buyerUsd = usd.balanceOf(buyer);
        vm.prank(provider);
        market.terminateLease(id);
        assertEq(
            usd.balanceOf(buyer) - buyerUsd,
            paid + paid / 10,
            "whole deposit back, with the stake penalty"
        );
        assertEq(
            _bondOf(provider, address(usd)),
            PROVIDER_BOND - paid / 10,
            "the stake penalty left the bond"
        );
    }

    function test_GivenFreedUnits_ReusedByNewLease() public {
        uint256 id = _openActive(offerId, 16, 24 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, offerId, 1, 0));
        _open(buyer2, offerId, 1, 1 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        uint256 next = _open(buyer2, offerId, 16, 1 hours);
        assertEq(market.getLease(next).units, 16, "all units leasable again");
    }

    function _claimAs(address who, uint256 id) internal {
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(who);
        market.claim(ids);
    }
}
