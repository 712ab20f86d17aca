// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {EndReason, LeaseStatus, LeaseView, Offer, Provider} from "../../../contracts/types/DataTypes.sol";

contract Views_Unit_Test is MarketStateTest {
    uint256 internal offerId;
    uint256 internal deposit;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
        deposit = _cost(H100_PRICE, 16, 10 hours);
    }

    function test_RevertGiven_LeaseIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 0));
        market.getLease(0);
    }

    function test_RevertGiven_LeaseIdPastCount() public {
        _open(buyer, offerId, 1, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownLease.selector, 2));
        market.getLease(2);
    }

    function test_GivenPending_GetLease() public {
        uint256 id = _open(buyer, offerId, 2, 10 hours);
        vm.warp(START_TIME + 30 minutes);
        LeaseView memory l = market.getLease(id);
        assertEq(l.leaseId, id, "id");
        assertEq(l.offerId, offerId, "offer");
        assertEq(l.buyer, buyer, "buyer");
        assertEq(l.provider, provider, "provider");
        assertEq(l.paymentToken, address(usd), "token");
        assertEq(l.units, 2, "units");
        assertEq(l.gpusPerUnit, 8, "gpus");
        assertEq(l.pricePerGpuHour, H100_PRICE, "price");
        assertEq(l.feeBps, FEE_BPS, "fee");
        assertEq(l.duration, 10 hours, "duration");
        assertEq(l.start, 0, "no start");
        assertEq(l.end, 0, "no end");
        assertEq(l.activationDeadline, START_TIME + WINDOW, "deadline");
        assertEq(l.deposit, deposit, "deposit");
        assertEq(l.accrued, 0, "no accrual");
        assertEq(l.settled, 0, "nothing settled");
        assertEq(l.claimable, 0, "nothing claimable");
        assertEq(uint8(l.status), uint8(LeaseStatus.Pending), "pending");
        assertEq(uint8(l.endReason), uint8(EndReason.None), "no reason");
        // Still pending after the deadline, until someone acts.
        vm.warp(START_TIME + WINDOW + 1 days);
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Pending), "pending past deadline");
    }

    function test_GivenActive_GetLease() public {
        uint256 id = _openActive(offerId, 2, 10 hours);
        vm.warp(START_TIME + 4 hours);
        uint256 firstAccrual = _cost(H100_PRICE, 16, 4 hours);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(provider);
        market.claim(ids);
        vm.warp(START_TIME + 7 hours + 1);

        LeaseView memory l = market.getLease(id);
        assertEq(l.start, START_TIME, "start");
        assertEq(l.end, START_TIME + 10 hours, "end");
        assertEq(l.activationDeadline, 0, "no deadline");
        assertEq(l.deposit, deposit, "deposit");
        assertEq(l.accrued, _cost(H100_PRICE, 16, 7 hours + 1), "accrued to now");
        assertEq(l.settled, firstAccrual, "settled");
        assertEq(l.claimable, _cost(H100_PRICE, 16, 7 hours + 1) - firstAccrual, "claimable");
        assertEq(uint8(l.status), uint8(LeaseStatus.Active), "active");
        assertEq(uint8(l.endReason), uint8(EndReason.None), "no reason");
    }

    function test_GivenExpired_GetLease() public {
        uint256 id = _openActive(offerId, 2, 10 hours);
        vm.warp(START_TIME + 10 hours - 1);
        assertEq(
            uint8(market.getLease(id).status),
            uint8(LeaseStatus.Active),
            "active until the last second"
        );
        vm.warp(START_TIME + 10 hours);
        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.status), uint8(LeaseStatus.Expired), "expired at the end");
        assertEq(uint8(l.endReason), uint8(EndReason.None), "not ended yet");
        assertEq(l.accrued, deposit, "all accrued");
        vm.warp(START_TIME + 100 days);
        assertEq(market.getLease(id).accrued, deposit, "accrual stops at the end");
    }

    function test_GivenClosed_GetLease() public {
        uint256 id = _openActive(offerId, 2, 10 hours);
        vm.warp(START_TIME + 11 hours);
        market.closeLease(id);
        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.Expired), "expired");
        assertEq(l.end, START_TIME + 10 hours, "end");
        assertEq(l.deposit, deposit, "deposit");
        assertEq(l.claimable, deposit, "all claimable");
    }

    function test_GivenBuyerTerminated_GetLease() public {
        uint256 id = _openActive(offerId, 2, 10 hours);
        vm.warp(START_TIME + 3 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        vm.warp(START_TIME + 20 hours);
        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.BuyerTerminated), "buyer");
        assertEq(l.duration, 3 hours, "billed duration");
        assertEq(l.end, START_TIME + 3 hours, "end at termination");
        assertEq(l.deposit, _cost(H100_PRICE, 16, 3 hours), "billed");
        assertEq(l.accrued, _cost(H100_PRICE, 16, 3 hours), "accrued");
    }

    function test_GivenProviderTerminated_GetLease() public {
        uint256 id = _openActive(offerId, 2, 10 hours);
        vm.warp(START_TIME + 1 hours);
        vm.prank(provider);
        market.terminateLease(id);
        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.endReason), uint8(EndReason.ProviderTerminated), "provider");
        assertEq(l.accrued, _cost(H100_PRICE, 16, 1 hours), "accrued");
    }

    function test_GivenCancelled_GetLease() public {
        uint256 id = _open(buyer, offerId, 2, 10 hours);
        vm.warp(START_TIME + WINDOW + 1);
        vm.prank(buyer);
        market.cancelLease(id);
        LeaseView memory l = market.getLease(id);
        assertEq(uint8(l.status), uint8(LeaseStatus.Ended), "ended");
        assertEq(uint8(l.endReason), uint8(EndReason.NoShowCancelled), "no-show");
        assertEq(l.duration, 0, "nothing billed");
        assertEq(l.deposit, 0, "no deposit left");
        assertEq(l.accrued, 0, "no accrual");
        assertEq(l.activationDeadline, 0, "no deadline once ended");
    }

    function test_GivenLeaseExists_EscrowOfThroughLife() public {
        assertEq(market.escrowOf(1), 0, "unknown lease");
        uint256 id = _open(buyer, offerId, 2, 10 hours);
        assertEq(market.escrowOf(id), deposit, "pending");
        _activate(id);
        vm.warp(START_TIME + 2 hours);
        assertEq(market.escrowOf(id), deposit, "accrual alone releases nothing");
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(provider);
        market.claim(ids);
        assertEq(market.escrowOf(id), deposit - _cost(H100_PRICE, 16, 2 hours), "after a claim");
        vm.warp(START_TIME + 5 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(
            market.escrowOf(id),
            _cost(H100_PRICE, 16, 5 hours) - _cost(H100_PRICE, 16, 2 hours),
            "after termination: the provider's unclaimed accrual"
        );
        vm.prank(provider);
        market.claim(ids);
        assertEq(market.escrowOf(id), 0, "all paid");
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND,
            market.protocolFees(address(usd)),
            "only fees held"
        );
    }

    function test_WhenOffersAndLeasesAdded_CountsGrow() public {
        assertEq(market.offerCount(), 1, "one offer from setUp");
        assertEq(market.leaseCount(), 0, "no leases");
        _createDefaultOffer();
        assertEq(market.offerCount(), 2, "two offers");
        _open(buyer, offerId, 1, 1 hours);
        _open(buyer, 2, 1, 1 hours);
        assertEq(market.leaseCount(), 2, "two leases");
    }

    function test_WhenTokensListedAndDisallowed_PaymentTokens() public {
        address[] memory list = market.paymentTokens();
        assertEq(list.length, 2, "two listed");
        assertEq(list[0], address(usd), "usd first");
        assertEq(list[1], address(grid), "grid second");
        assertTrue(market.isPaymentToken(address(usd)), "usd allowed");
        assertTrue(market.isPaymentToken(address(grid)), "grid allowed");
        assertFalse(market.isPaymentToken(address(0xBEEF)), "unknown token");
        assertFalse(market.isPaymentToken(address(0)), "zero address");
        vm.prank(owner);
        market.setPaymentToken(address(grid), false);
        assertFalse(market.isPaymentToken(address(grid)), "grid disallowed");
        assertTrue(market.isPaymentToken(address(usd)), "usd unaffected");
        assertEq(market.paymentTokens().length, 2, "still listed");
    }

    function test_GivenUnknownIds_EmptyRecords() public view {
        Offer memory o = market.getOffer(999);
        assertEq(o.provider, address(0), "no offer");
        assertEq(o.totalUnits, 0, "no units");
        Provider memory p = market.getProvider(stranger);
        assertFalse(p.registered, "not registered");
        assertEq(_bondOf(stranger, address(usd)), 0, "no bond");
        assertEq(_lockedOf(stranger, address(usd)), 0, "nothing reserved");
    }
}
