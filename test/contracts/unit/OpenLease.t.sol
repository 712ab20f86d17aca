// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, LeaseView, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract OpenLease_Unit_Test is MarketStateTest {
    uint256 internal offerId;

    function setUp() public override {
        super.setUp();
        offerId = _createDefaultOffer();
    }

    function test_RevertWhen_MarketPaused() public {
        vm.prank(owner);
        market.setPaused(true);
        vm.expectRevert(Errors.Market_Paused.selector);
        _open(buyer, offerId, 1, 1 hours);
    }

    function test_RevertGiven_UnknownOffer() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 99));
        _open(buyer, 99, 1, 1 hours);
    }

    function test_RevertGiven_OfferIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 0));
        _open(buyer, 0, 1, 1 hours);
    }

    function test_RevertGiven_OfferPaused() public {
        vm.prank(provider);
        market.setOfferPaused(offerId, true);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_OfferPaused.selector, offerId));
        _open(buyer, offerId, 1, 1 hours);
    }

    function test_RevertWhen_ZeroUnits() public {
        vm.expectRevert(Errors.Market_ZeroUnits.selector);
        _open(buyer, offerId, 0, 1 hours);
    }

    function test_RevertWhen_UnitsAboveTotal() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, offerId, 17, 16));
        _open(buyer, offerId, 17, 1 hours);
    }

    function test_RevertWhen_UnitsAboveAvailable() public {
        _open(buyer2, offerId, 10, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnitsUnavailable.selector, offerId, 7, 6));
        _open(buyer, offerId, 7, 1 hours);
    }

    function test_RevertWhen_DurationBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 1 hours - 1, 1 hours, 30 days)
        );
        _open(buyer, offerId, 1, 1 hours - 1);
    }

    function test_RevertWhen_DurationZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 0, 1 hours, 30 days)
        );
        _open(buyer, offerId, 1, 0);
    }

    function test_RevertWhen_DurationAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 30 days + 1, 1 hours, 30 days)
        );
        _open(buyer, offerId, 1, 30 days + 1);
    }

    function test_RevertWhen_PriceAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_PriceAboveMax.selector, offerId, H100_PRICE, H100_PRICE - 1)
        );
        vm.prank(buyer);
        market.openLease(offerId, 1, 1 hours, H100_PRICE - 1, PUBKEY);
    }

    function test_RevertGiven_BondBelowMinimum() public {
        OfferParams memory p = _h100Params();
        p.minProviderBond = PROVIDER_BOND + 1;
        uint256 strict = _createOffer(p);
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InsufficientBond.selector,
                provider,
                PROVIDER_BOND,
                PROVIDER_BOND + 1
            )
        );
        _open(buyer, strict, 1, 1 hours);
    }

    function test_RevertGiven_BondWithdrawnBelowMinimum() public {
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND - MIN_BOND + 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_InsufficientBond.selector, provider, MIN_BOND - 1, MIN_BOND)
        );
        _open(buyer, offerId, 1, 1 hours);
    }

    function test_RevertGiven_BondFullyReserved() public {
        // Each live lease reserves half the offer's minimum bond: ten leases take the whole 5,000 USD bond.
        uint256 penalty = (MIN_BOND * PENALTY_BPS) / 10_000;
        for (uint256 i = 0; i < PROVIDER_BOND / penalty; ++i) _open(buyer, offerId, 1, 1 hours);
        assertEq(_lockedOf(provider, address(usd)), PROVIDER_BOND, "all reserved");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BondCommitted.selector, provider, 0, penalty));
        _open(buyer2, offerId, 1, 1 hours);
    }

    function test_RevertGiven_PolicyRefusesBuyer() public {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(policy);
        uint256 vetted = _createOffer(p);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, vetted, buyer));
        _open(buyer, vetted, 1, 1 hours);
    }

    function test_RevertWhen_DepositZero() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1;
        p.pricePerGpuHour = 1;
        p.minDuration = 1;
        uint256 cheap = _createOffer(p);
        // 1 base unit per GPU-hour for 3599 seconds rounds down to nothing.
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_DepositZero.selector, cheap, 1, 3599));
        _open(buyer, cheap, 1, 3599);
        // One more second costs one base unit.
        uint256 id = _open(buyer, cheap, 1, 3600);
        assertEq(market.getLease(id).deposit, 1, "smallest deposit");
    }

    function test_RevertWhen_DepositAboveUint104() public {
        OfferParams memory p = _h100Params();
        p.gpusPerUnit = 1_024;
        p.pricePerGpuHour = type(uint96).max;
        uint256 huge = _createOffer(p);
        uint256 deposit = _cost(type(uint96).max, 1_024, 100 hours);
        assertGt(deposit, type(uint104).max, "premise: above uint104");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_DepositTooLarge.selector, deposit));
        _open(buyer, huge, 1, 100 hours);
    }

    function test_RevertGiven_TokenNoLongerAllowed() public {
        vm.prank(owner);
        market.setPaymentToken(address(usd), false);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(usd)));
        _open(buyer, offerId, 1, 1 hours);
    }

    function test_RevertWhen_PublicKeyZero() public {
        vm.expectRevert(Errors.Market_InvalidPublicKey.selector);
        vm.prank(buyer);
        market.openLease(offerId, 1, 1 hours, type(uint256).max, bytes32(0));
    }

    function test_RevertWhen_AllowanceTooSmall() public {
        uint256 deposit = _cost(H100_PRICE, 8, 1 hours);
        vm.prank(buyer);
        usd.approve(address(market), deposit - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                deposit - 1,
                deposit
            )
        );
        _open(buyer, offerId, 1, 1 hours);
    }

    function test_RevertWhen_BalanceTooSmall() public {
        uint256 deposit = _cost(H100_PRICE, 8, 1 hours);
        vm.prank(stranger);
        usd.approve(address(market), type(uint256).max);
        usd.mint(stranger, deposit - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                stranger,
                deposit - 1,
                deposit
            )
        );
        _open(stranger, offerId, 1, 1 hours);
    }

    function test_WhenChecksPass_Open() public {
        uint256 deposit = _cost(H100_PRICE, 16, 24 hours);
        uint256 buyerBefore = usd.balanceOf(buyer);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.LeaseOpened(1, offerId, buyer, 2, 24 hours, PUBKEY);
        vm.prank(buyer);
        // The buyer accepts up to $3 per GPU-hour; it pays the listed $1.95.
        uint256 id = market.openLease(offerId, 2, 24 hours, 3_000_000, PUBKEY);

        assertEq(id, 1, "first lease id");
        assertEq(market.leaseCount(), 1, "lease count");
        assertEq(deposit, 748_800_000, "premise: $748.80");
        assertEq(usd.balanceOf(buyer), buyerBefore - deposit, "buyer paid the deposit");
        assertEq(usd.balanceOf(address(market)) - PROVIDER_BOND, deposit, "market holds the deposit");
        assertEq(market.escrowOf(id), deposit, "escrow");
        assertEq(market.getOffer(offerId).unitsInUse, 2, "units in use");

        LeaseView memory l = market.getLease(id);
        assertEq(l.buyer, buyer, "buyer");
        assertEq(l.provider, provider, "provider");
        assertEq(l.offerId, offerId, "offer");
        assertEq(l.paymentToken, address(usd), "token");
        assertEq(l.units, 2, "units");
        assertEq(l.gpusPerUnit, 8, "gpus per unit");
        assertEq(l.duration, 24 hours, "duration");
        assertEq(l.pricePerGpuHour, H100_PRICE, "locked at the listed price");
        assertEq(l.feeBps, FEE_BPS, "fee locked");
        assertEq(l.activationDeadline, START_TIME + WINDOW, "deadline");
        assertEq(l.deposit, deposit, "deposit");
        assertEq(l.start, 0, "not started");
        assertEq(uint8(l.status), uint8(LeaseStatus.Pending), "pending");
        assertEq(uint8(l.endReason), uint8(EndReason.None), "no end reason");
    }

    function test_WhenAtEveryBound_Open() public {
        // Price equal to the maximum, every unit, the shortest duration...
        vm.prank(buyer);
        uint256 a = market.openLease(offerId, 10, 1 hours, H100_PRICE, PUBKEY);
        // ...then the rest of the units for the longest duration, whose 10% stake penalty (6,739 USD) needs more bond.
        _depositBond(provider, address(usd), 10_000e6);
        vm.prank(buyer2);
        uint256 b = market.openLease(offerId, 6, 30 days, H100_PRICE, PUBKEY);
        assertEq(market.getOffer(offerId).unitsInUse, 16, "all units in use");
        assertEq(market.getLease(a).deposit, _cost(H100_PRICE, 80, 1 hours), "deposit a");
        assertEq(market.getLease(b).deposit, _cost(H100_PRICE, 48, 30 days), "deposit b");
        assertEq(
            usd.balanceOf(address(market)) - PROVIDER_BOND - 10_000e6,
            _cost(H100_PRICE, 80, 1 hours) + _cost(H100_PRICE, 48, 30 days),
            "both deposits held, beside the bond"
        );
        assertEq(market.getLeaseTerms(b).penalty, _cost(H100_PRICE, 48, 30 days) / 10, "b's stake penalty");
    }

    function test_GivenPolicyAllowsBuyer_Open() public {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(policy);
        uint256 vetted = _createOffer(p);
        address[] memory list = new address[](1);
        list[0] = buyer;
        vm.prank(provider);
        policy.setAllowed(list, true);

        uint256 id = _open(buyer, vetted, 1, 1 hours);
        assertEq(market.getLease(id).buyer, buyer, "vetted buyer leases");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, vetted, buyer2));
        _open(buyer2, vetted, 1, 1 hours);
    }

    function test_GivenOfferInMarketToken_Open() public {
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.pricePerGpuHour = 3e18; // 3 GRID per GPU-hour
        p.minProviderBond = GRID_MIN_BOND;
        uint256 gridOffer = _createOffer(p);
        _depositBond(provider, address(grid), GRID_BOND);
        uint256 gridBefore = grid.balanceOf(address(market));
        uint256 id = _open(buyer, gridOffer, 1, 2 hours);
        assertEq(grid.balanceOf(address(market)) - gridBefore, 48e18, "8 GPUs x 2 h x 3 GRID");
        assertEq(market.getLease(id).paymentToken, address(grid), "token");
        assertEq(_bondOf(provider, address(grid)), GRID_BOND, "GRID bond kept apart");
        assertEq(_lockedOf(provider, address(grid)), GRID_MIN_BOND / 2, "the GRID bond reserves the penalty");
        assertEq(_lockedOf(provider, address(usd)), 0, "the USD bond reserves nothing");
    }

    function test_WhenFeeAndWindowChangeLater_TermsStayLocked() public {
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        uint256 deadline = START_TIME + WINDOW;
        vm.startPrank(owner);
        market.setProtocolFee(1_000);
        market.setActivationWindow(7 days);
        vm.stopPrank();
        LeaseView memory l = market.getLease(id);
        assertEq(l.feeBps, FEE_BPS, "fee locked at open");
        assertEq(l.activationDeadline, deadline, "deadline locked at open");
        uint256 later = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(later).feeBps, 1_000, "new fee for new leases");
        assertEq(market.getLease(later).activationDeadline, START_TIME + 7 days, "new window");
    }

    function test_WhenOpenedSeveralTimes_IdsIncrease() public {
        uint256 a = _open(buyer, offerId, 1, 1 hours);
        uint256 b = _open(buyer2, offerId, 1, 1 hours);
        uint256 c = _open(buyer, offerId, 1, 1 hours);
        assertEq(a, 1, "a");
        assertEq(b, 2, "b");
        assertEq(c, 3, "c");
        assertEq(market.leaseCount(), 3, "count");
        assertEq(market.getOffer(offerId).unitsInUse, 3, "units");
    }
}
