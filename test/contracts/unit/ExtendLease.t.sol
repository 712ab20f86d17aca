// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract ExtendLease_Unit_Test is MarketStateTest {
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
    }

    function test_RevertGiven_UnknownLease() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 1));
        vm.prank(buyer);
        market.extendLease(1, 1 hours);
    }

    function test_RevertGiven_LeaseExpired() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.warp(START_TIME + 2 hours);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Expired)
        );
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
    }

    function test_RevertGiven_LeaseEnded() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, id, LeaseStatus.Ended)
        );
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
    }

    function test_RevertWhen_AddedDurationZero() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.expectRevert(Errors.Market_ZeroDuration.selector);
        vm.prank(buyer);
        market.extendLease(id, 0);
    }

    function test_RevertWhen_NewDurationAboveMax() public {
        uint256 id = _openActive(offerId, 1, 29 days);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 30 days + 1, 1 hours, 30 days)
        );
        vm.prank(buyer);
        market.extendLease(id, 1 days + 1);
    }

    function test_RevertWhen_NewDepositAboveUint104() public {
        OfferParams memory p = _h100Params();
        p.pricePerGpuHour = type(uint96).max;
        p.maxDuration = 1_000 hours;
        uint256 huge = _createOffer(p);
        uint256 firstDeposit = _cost(type(uint96).max, 8, 1 hours);
        usd.mint(buyer, firstDeposit);
        // Its 10% stake penalty needs a bond to match.
        usd.mint(provider, firstDeposit / 10);
        _depositBond(provider, address(usd), firstDeposit / 10);
        uint256 id = _open(buyer, huge, 1, 1 hours);

        uint256 newDeposit = _cost(type(uint96).max, 8, 100 hours);
        assertGt(newDeposit, type(uint104).max, "premise: above uint104");
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_DepositTooLarge.selector, newDeposit));
        vm.prank(buyer);
        market.extendLease(id, 99 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_AllowanceTooSmall() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        usd.mint(stranger, 1e12);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                _cost(H100_PRICE, 8, 1 hours)
            )
        );
        vm.prank(stranger);
        market.extendLease(id, 1 hours);
    }

    function test_GivenPending_Extend() public {
        uint256 id = _open(buyer, offerId, 2, 4 hours);
        uint256 topUp = _cost(H100_PRICE, 16, 6 hours) - _cost(H100_PRICE, 16, 4 hours);
        uint256 buyerBefore = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseExtended(id, buyer, 2 hours, topUp);
        vm.prank(buyer);
        market.extendLease(id, 2 hours);

        assertEq(usd.balanceOf(buyer), buyerBefore - topUp, "top-up paid");
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            _cost(H100_PRICE, 16, 6 hours),
            "market holds the new deposit, beside the bond"
        );
        LeaseView memory l = market.getLease(id);
        assertEq(l.duration, 6 hours, "duration");
        assertEq(l.deposit, _cost(H100_PRICE, 16, 6 hours), "deposit");
        assertEq(uint8(l.status), uint8(LeaseStatus.Pending), "still pending");

        vm.warp(START_TIME + 10 minutes);
        _activate(id);
        assertEq(
            market.getLease(id).end,
            START_TIME + 10 minutes + 6 hours,
            "end counts the whole new duration"
        );
    }

    function test_GivenActive_Extend() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        uint256 start = START_TIME;
        vm.warp(start + 90 minutes);
        uint256 topUp = _cost(H100_PRICE, 8, 3 hours) - _cost(H100_PRICE, 8, 2 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseExtended(id, buyer, 1 hours, topUp);
        vm.prank(buyer);
        market.extendLease(id, 1 hours);

        assertEq(market.getLease(id).end, start + 3 hours, "end moved by an hour");
        vm.warp(start + 2 hours + 30 minutes);
        assertEq(
            uint8(market.getLease(id).status),
            uint8(LeaseStatus.Active),
            "still active past the old end"
        );

        vm.warp(start + 3 hours);
        uint256 providerBefore = usd.balanceOf(provider);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(provider);
        market.claim(ids);
        uint256 gross = _cost(H100_PRICE, 8, 3 hours);
        assertEq(
            usd.balanceOf(provider) - providerBefore,
            gross - (gross * FEE_BPS) / 10_000,
            "paid to new end"
        );
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            market.protocolFees(address(usd)),
            "escrow emptied"
        );
    }

    function test_WhenOfferPriceChanged_ChargesLockedPrice() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.prank(provider);
        market.setOfferPrice(offerId, 4 * H100_PRICE);
        uint256 before = usd.balanceOf(buyer);
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        assertEq(before - usd.balanceOf(buyer), _cost(H100_PRICE, 8, 1 hours), "locked price");
    }

    function test_WhenNewDurationEqualsMax_Extend() public {
        uint256 id = _openActive(offerId, 1, 29 days);
        vm.prank(buyer);
        market.extendLease(id, 1 days);
        assertEq(market.getLease(id).duration, 30 days, "at the maximum");
    }

    function test_WhenThirdPartyPays_Extend() public {
        uint256 id = _openActive(offerId, 1, 2 hours);
        uint256 topUp = _cost(H100_PRICE, 8, 1 hours);
        usd.mint(stranger, topUp);
        vm.prank(stranger);
        usd.approve(address(market), topUp);
        uint256 buyerBefore = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseExtended(id, stranger, 1 hours, topUp);
        vm.prank(stranger);
        market.extendLease(id, 1 hours);

        assertEq(usd.balanceOf(stranger), 0, "payer paid");
        assertEq(usd.balanceOf(buyer), buyerBefore, "buyer paid nothing");
        assertEq(market.getLease(id).buyer, buyer, "lease still the buyer's");

        // An early end refunds the unused time, including the sponsor's hour, to the buyer.
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(usd.balanceOf(buyer) - buyerBefore, _cost(H100_PRICE, 8, 3 hours), "refund to the buyer");
    }

    function test_WhenTopUpRoundsToZero_Extend() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 1;
        p.minDuration = 1;
        uint256 cheap = _createOffer(p);
        uint256 id = _openActive(cheap, 1, 1 hours); // deposit 1
        // floor(3601 / 3600) = 1: the extra second costs nothing, and no tokens are pulled (the payer has
        // neither balance nor allowance).
        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseExtended(id, stranger, 1, 0);
        vm.prank(stranger);
        market.extendLease(id, 1);
        assertEq(market.getLease(id).duration, 1 hours + 1, "extended");
        assertEq(market.getLease(id).deposit, 1, "deposit unchanged");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, 1, "no tokens moved");
    }
}
