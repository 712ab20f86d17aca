// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract Claim_Unit_Test is MarketStateTest {
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
    }

    function test_RevertWhen_ListEmpty() public {
        vm.expectRevert(Errors.Market_EmptyLeaseList.selector);
        vm.prank(provider);
        market.claim(new uint256[](0));
    }

    function test_RevertWhen_ListTooLong() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        uint256[] memory ids = new uint256[](201);
        for (uint256 i = 0; i < ids.length; ++i) ids[i] = id;
        vm.warp(START_TIME + 1 hours);
        vm.expectRevert(Errors.Market_TooManyLeases.selector);
        vm.prank(provider);
        market.claim(ids);
    }

    function test_RevertWhen_UnknownLeaseInList() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.warp(START_TIME + 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 77));
        vm.prank(provider);
        market.claim(_list(id, 77));
        _assertUnchanged(before);
    }

    function test_RevertWhen_CallerNotProvider() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.warp(START_TIME + 1 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, id, buyer));
        vm.prank(buyer);
        market.claim(_list(id));
    }

    function test_RevertWhen_OneLeaseOfAnotherProvider() public {
        uint256 mine = _openActive(offerId, 1, 1 hours);
        vm.startPrank(provider2);
        market.registerProvider("");
        market.depositBond(address(usd), MIN_BOND);
        uint256 theirOffer = market.createOffer(_h100Params());
        vm.stopPrank();
        uint256 theirs = _open(buyer, theirOffer, 1, 1 hours);
        vm.prank(provider2);
        market.activateLease(theirs, _access());
        vm.warp(START_TIME + 1 hours);

        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, theirs, provider));
        vm.prank(provider);
        market.claim(_list(mine, theirs));
        _assertUnchanged(before);
    }

    function test_RevertGiven_OnlyPendingLeases() public {
        uint256 a = _open(buyer, offerId, 1, 1 hours);
        uint256 b = _open(buyer2, offerId, 1, 1 hours);
        vm.warp(START_TIME + 30 minutes);
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(_list(a, b));
    }

    function test_RevertGiven_ActivatedThisSecond() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(_list(id));
    }

    function test_RevertGiven_AlreadyClaimed() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.warp(START_TIME + 20 minutes);
        vm.startPrank(provider);
        market.claim(_list(id));
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        market.claim(_list(id));
        vm.stopPrank();
    }

    function test_GivenAccrued_ClaimMidLease() public {
        uint256 id = _openActive(offerId, 2, 24 hours);
        vm.warp(START_TIME + 6 hours);
        uint256 gross = _cost(H100_PRICE, 16, 6 hours);
        uint256 fee = (gross * FEE_BPS) / 10_000;
        uint256 before = usd.balanceOf(provider);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(id, provider, gross, fee);
        vm.prank(provider);
        market.claim(_list(id));

        assertEq(gross, 187_200_000, "premise: 96 GPU-hours at $1.95");
        assertEq(fee, 4_680_000, "premise: 2.5%");
        assertEq(usd.balanceOf(provider) - before, gross - fee, "provider paid net");
        assertEq(market.protocolFees(address(usd)), fee, "fee kept");
        assertEq(market.escrowOf(id), _cost(H100_PRICE, 16, 24 hours) - gross, "escrow released");
        LeaseView memory l = market.getLease(id);
        assertEq(l.settled, gross, "settled");
        assertEq(l.claimable, 0, "nothing left to claim now");
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            market.escrowOf(id) + market.protocolFees(address(usd)),
            "market holds escrow and fees, beside the bond"
        );
    }

    function test_GivenAccrued_ClaimAcrossLife() public {
        uint256 id = _openActive(offerId, 1, 10 hours);
        uint256 deposit = _cost(H100_PRICE, 8, 10 hours);
        uint256 before = usd.balanceOf(provider);
        uint256[3] memory at = [uint256(1 hours + 7), 4 hours + 13, 30 hours];
        for (uint256 i = 0; i < 3; ++i) {
            vm.warp(START_TIME + at[i]);
            vm.prank(provider);
            market.claim(_list(id));
        }
        uint256 totalFee = (deposit * FEE_BPS) / 10_000;
        assertEq(usd.balanceOf(provider) - before, deposit - totalFee, "whole deposit less the fee");
        assertEq(market.protocolFees(address(usd)), totalFee, "fee on the total");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, totalFee, "only fees left");
        assertEq(market.escrowOf(id), 0, "escrow empty");
    }

    function test_GivenSmallClaims_FeeRoundsOnTotals() public {
        // 39 base units per second; 2.5% of 39 is 0.975, which would round to 0 on every single claim.
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 39 * 3600;
        uint256 small = _createOffer(p);
        uint256 id = _openActive(small, 1, 1 hours);
        for (uint256 i = 1; i <= 40; ++i) {
            vm.warp(START_TIME + i);
            vm.prank(provider);
            market.claim(_list(id));
        }
        assertEq(market.getLease(id).settled, 39 * 40, "40 seconds settled");
        assertEq(market.protocolFees(address(usd)), (39 * 40 * FEE_BPS) / 10_000, "39, as one claim would");
    }

    function test_GivenClaimAllFee_NoTransferToProvider() public {
        // One base unit per second at 2.5%: the 40th unit carries the whole fee of the first 40, so a claim of
        // just that unit is all fee and pays the provider nothing (no zero-amount transfer is made).
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 3600;
        uint256 tiny = _createOffer(p);
        uint256 id = _openActive(tiny, 1, 1 hours);
        vm.warp(START_TIME + 39);
        vm.prank(provider);
        market.claim(_list(id));
        assertEq(market.protocolFees(address(usd)), 0, "no fee on the first 39 units");
        uint256 providerBefore = usd.balanceOf(provider);

        vm.warp(START_TIME + 40);
        vm.expectEmit(true, true, false, true, address(market));
        emit IGridleaseMarketEvents.EarningsClaimed(id, provider, 1, 1);
        vm.prank(provider);
        market.claim(_list(id));
        assertEq(usd.balanceOf(provider), providerBefore, "nothing paid");
        assertEq(market.protocolFees(address(usd)), 1, "the unit went to the fee");
    }

    function test_GivenEndedEarly_ClaimAccrued() public {
        uint256 id = _openActive(offerId, 1, 10 hours);
        vm.warp(START_TIME + 3 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        vm.warp(START_TIME + 9 hours);
        uint256 gross = _cost(H100_PRICE, 8, 3 hours);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(id, provider, gross, (gross * FEE_BPS) / 10_000);
        vm.prank(provider);
        market.claim(_list(id));
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            (gross * FEE_BPS) / 10_000,
            "only the fee left"
        );
    }

    function test_GivenPendingAndDuplicates_SkipsThem() public {
        uint256 active = _openActive(offerId, 1, 2 hours);
        uint256 pending = _open(buyer, offerId, 1, 2 hours);
        vm.warp(START_TIME + 1 hours);
        uint256 gross = _cost(H100_PRICE, 8, 1 hours);
        uint256 before = usd.balanceOf(provider);

        vm.recordLogs();
        vm.prank(provider);
        market.claim(_list(pending, active, active));
        assertEq(vm.getRecordedLogs().length, 2, "one EarningsClaimed and one Transfer");

        assertEq(usd.balanceOf(provider) - before, gross - (gross * FEE_BPS) / 10_000, "paid once");
        assertEq(market.getLease(pending).settled, 0, "pending untouched");
    }

    function test_GivenTwoTokens_PaysEach() public {
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.pricePerGpuHour = 3e18;
        p.minProviderBond = GRID_MIN_BOND;
        uint256 gridOffer = _createOffer(p);
        _depositBond(provider, address(grid), GRID_BOND);
        uint256 a = _openActive(offerId, 1, 2 hours);
        uint256 b = _openActive(gridOffer, 1, 2 hours);
        uint256 c = _openActive(offerId, 2, 2 hours);
        vm.warp(START_TIME + 1 hours);

        uint256 grossA = _cost(H100_PRICE, 8, 1 hours);
        uint256 grossB = 24e18;
        uint256 grossC = _cost(H100_PRICE, 16, 1 hours);
        uint256 feeA = (grossA * FEE_BPS) / 10_000;
        uint256 feeB = (grossB * FEE_BPS) / 10_000;
        uint256 feeC = (grossC * FEE_BPS) / 10_000;
        uint256 usdBefore = usd.balanceOf(provider);
        uint256 gridBefore = grid.balanceOf(provider);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(a, provider, grossA, feeA);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(b, provider, grossB, feeB);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(c, provider, grossC, feeC);
        vm.prank(provider);
        market.claim(_list(a, b, c));

        assertEq(usd.balanceOf(provider) - usdBefore, grossA + grossC - feeA - feeC, "USD");
        assertEq(grid.balanceOf(provider) - gridBefore, grossB - feeB, "GRID");
        assertEq(market.protocolFees(address(usd)), feeA + feeC, "USD fees");
        assertEq(market.protocolFees(address(grid)), feeB, "GRID fees");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "bond apart from GRID earnings");
    }

    function test_GivenFeeChangedAfterOpen_UsesLockedFee() public {
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.prank(owner);
        market.setProtocolFee(1_000);
        vm.warp(START_TIME + 1 hours);
        vm.prank(provider);
        market.claim(_list(id));
        uint256 gross = _cost(H100_PRICE, 8, 1 hours);
        assertEq(market.protocolFees(address(usd)), (gross * FEE_BPS) / 10_000, "2.5%, not 10%");
    }

    function test_GivenZeroFee_PaysAll() public {
        vm.prank(owner);
        market.setProtocolFee(0);
        uint256 id = _openActive(offerId, 1, 1 hours);
        vm.warp(START_TIME + 1 hours);
        uint256 before = usd.balanceOf(provider);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.EarningsClaimed(id, provider, _cost(H100_PRICE, 8, 1 hours), 0);
        vm.prank(provider);
        market.claim(_list(id));
        assertEq(usd.balanceOf(provider) - before, _cost(H100_PRICE, 8, 1 hours), "all of it");
        assertEq(market.protocolFees(address(usd)), 0, "no fees");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, 0, "market empty");
    }

    function test_GivenMaxBatch_Claim() public {
        vm.startPrank(provider);
        market.setOfferUnits(offerId, 200);
        market.depositBond(address(usd), 100_000e6); // 200 live leases reserve 500 USD each
        vm.stopPrank();
        uint256[] memory ids = new uint256[](200);
        for (uint256 i = 0; i < 200; ++i) ids[i] = _openActive(offerId, 1, 1 hours);
        vm.warp(START_TIME + 1 hours);
        uint256 before = usd.balanceOf(provider);
        vm.prank(provider);
        market.claim(ids);
        uint256 gross = _cost(H100_PRICE, 8, 1 hours);
        assertEq(
            usd.balanceOf(provider) - before,
            200 * (gross - (gross * FEE_BPS) / 10_000),
            "200 leases paid"
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _list(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function _list(uint256 a, uint256 b) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        ids[0] = a;
        ids[1] = b;
    }

    function _list(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](3);
        ids[0] = a;
        ids[1] = b;
        ids[2] = c;
    }
}
