// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {PlainToken} from "../mocks/PlainToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

contract Admin_Unit_Test is MarketStateTest {
    address internal newOwner = address(0x0B0B0);

    /*//////////////////////////////////////////////////////////////
                                   FEE
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SetFeeNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        market.setProtocolFee(100);
    }

    function test_RevertWhen_FeeAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_FeeTooHigh.selector, 1_001, 1_000));
        vm.prank(owner);
        market.setProtocolFee(1_001);
    }

    function test_WhenFeeValid_SetFee() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.ProtocolFeeSet(FEE_BPS, 1_000);
        vm.prank(owner);
        market.setProtocolFee(1_000);
        assertEq(market.feeBps(), 1_000, "max fee");

        uint256 offerId = _createDefaultOffer();
        assertEq(market.getLease(_open(buyer, offerId, 1, 1 hours)).feeBps, 1_000, "new lease at 10%");

        _expectMarketEvent();
        emit IGridleaseMarketEvents.ProtocolFeeSet(1_000, 0);
        vm.prank(owner);
        market.setProtocolFee(0);
        assertEq(market.feeBps(), 0, "zero fee");
        assertEq(market.getLease(_open(buyer, offerId, 1, 1 hours)).feeBps, 0, "new lease at 0%");
        assertEq(market.getLease(1).feeBps, 1_000, "earlier lease keeps 10%");
    }

    /*//////////////////////////////////////////////////////////////
                                TREASURY
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SetTreasuryNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, provider));
        vm.prank(provider);
        market.setTreasury(provider);
    }

    function test_RevertWhen_TreasuryZero() public {
        vm.expectRevert(Errors.Market_ZeroAddress.selector);
        vm.prank(owner);
        market.setTreasury(address(0));
    }

    function test_WhenTreasuryValid_SetTreasury() public {
        address newTreasury = address(0x7EA6);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.TreasurySet(treasury, newTreasury);
        vm.prank(owner);
        market.setTreasury(newTreasury);
        assertEq(market.treasury(), newTreasury, "treasury");

        uint256 fee = _earnFees();
        market.withdrawFees(address(usd));
        assertEq(usd.balanceOf(newTreasury), fee, "fees go to the new treasury");
        assertEq(usd.balanceOf(treasury), 0, "old treasury gets nothing");
    }

    /*//////////////////////////////////////////////////////////////
                            ACTIVATION WINDOW
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SetWindowNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, buyer));
        vm.prank(buyer);
        market.setActivationWindow(2 hours);
    }

    function test_RevertWhen_WindowBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 59, 60, 7 days)
        );
        vm.prank(owner);
        market.setActivationWindow(59);
    }

    function test_RevertWhen_WindowAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 7 days + 1, 60, 7 days)
        );
        vm.prank(owner);
        market.setActivationWindow(7 days + 1);
    }

    function test_WhenWindowValid_SetWindow() public {
        uint256 offerId = _createDefaultOffer();
        _expectMarketEvent();
        emit IGridleaseMarketEvents.ActivationWindowSet(WINDOW, 60);
        vm.prank(owner);
        market.setActivationWindow(60);
        assertEq(market.activationWindow(), 60, "min window");
        uint256 a = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(a).activationDeadline, START_TIME + 60, "one minute");

        _expectMarketEvent();
        emit IGridleaseMarketEvents.ActivationWindowSet(60, 7 days);
        vm.prank(owner);
        market.setActivationWindow(7 days);
        uint256 b = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(b).activationDeadline, START_TIME + 7 days, "a week");
        assertEq(market.getLease(a).activationDeadline, START_TIME + 60, "earlier lease unchanged");
    }

    /*//////////////////////////////////////////////////////////////
                             PAYMENT TOKENS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SetTokenNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, provider));
        vm.prank(provider);
        market.setPaymentToken(address(0x1234), true);
    }

    function test_RevertWhen_TokenZero() public {
        vm.expectRevert(Errors.Market_ZeroAddress.selector);
        vm.prank(owner);
        market.setPaymentToken(address(0), true);
    }

    function test_GivenNewToken_Allow() public {
        PlainToken eur = new PlainToken("EURT");
        _expectMarketEvent();
        emit IGridleaseMarketEvents.PaymentTokenSet(address(eur), true);
        vm.prank(owner);
        market.setPaymentToken(address(eur), true);

        address[] memory list = market.paymentTokens();
        assertEq(list.length, 3, "listed");
        assertEq(list[2], address(eur), "appended");
        assertTrue(market.isPaymentToken(address(eur)), "allowed");

        OfferParams memory p = _h100Params();
        p.paymentToken = address(eur);
        uint256 offerId = _createOffer(p);
        assertEq(market.getOffer(offerId).tokenIndex, 2, "third bit");
    }

    function test_GivenSixtyFourTokens_RevertOnNext() public {
        // usd and grid are listed; 62 more fill the bitmap.
        address last;
        vm.startPrank(owner);
        for (uint256 i = 0; i < 62; ++i) {
            last = address(uint160(0x10000 + i));
            market.setPaymentToken(last, true);
        }
        assertEq(market.paymentTokens().length, 64, "full");
        assertTrue(market.isPaymentToken(last), "64th allowed");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TooManyPaymentTokens.selector, 64));
        market.setPaymentToken(address(0xFFFFF), true);
        // A listed token can still be switched off and on.
        market.setPaymentToken(last, false);
        assertFalse(market.isPaymentToken(last), "64th off");
        market.setPaymentToken(last, true);
        vm.stopPrank();
        assertTrue(market.isPaymentToken(last), "64th on again");
        assertTrue(market.isPaymentToken(address(usd)), "first still on");
    }

    function test_GivenSixtyFourthToken_LeasesWork() public {
        vm.startPrank(owner);
        for (uint256 i = 0; i < 61; ++i) market.setPaymentToken(address(uint160(0x10000 + i)), true);
        PlainToken last = new PlainToken("LAST");
        market.setPaymentToken(address(last), true);
        vm.stopPrank();

        OfferParams memory p = _h100Params();
        p.paymentToken = address(last);
        uint256 offerId = _createOffer(p);
        assertEq(market.getOffer(offerId).tokenIndex, 63, "top bit");
        // The provider bonds in the 64th token too: a lease's penalty comes from the bond in its token.
        last.mint(provider, MIN_BOND);
        vm.prank(provider);
        last.approve(address(market), MIN_BOND);
        _depositBond(provider, address(last), MIN_BOND);
        assertEq(_bondOf(provider, address(last)), MIN_BOND, "bonded in the 64th token");
        last.mint(buyer, 1e12);
        vm.prank(buyer);
        last.approve(address(market), type(uint256).max);
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        assertEq(
            last.balanceOf(address(market)),
            MIN_BOND + _cost(H100_PRICE, 8, 1 hours),
            "bond and deposit in the 64th token"
        );

        vm.prank(owner);
        market.setPaymentToken(address(last), false);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(last)));
        _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(id).paymentToken, address(last), "open lease unaffected");
    }

    function test_GivenListedToken_Disallow() public {
        uint256 offerId = _createDefaultOffer();
        uint256 open = _openActive(offerId, 1, 2 hours);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.PaymentTokenSet(address(usd), false);
        vm.prank(owner);
        market.setPaymentToken(address(usd), false);

        assertFalse(market.isPaymentToken(address(usd)), "not allowed");
        assertTrue(market.isPaymentToken(address(grid)), "other token unaffected");
        assertEq(market.paymentTokens().length, 2, "still listed");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, address(usd)));
        _open(buyer, offerId, 1, 1 hours);

        // The open lease is untouched: it extends, is paid and ends.
        vm.prank(buyer);
        market.extendLease(open, 1 hours);
        vm.warp(START_TIME + 3 hours);
        market.closeLease(open);
        uint256[] memory ids = new uint256[](1);
        ids[0] = open;
        vm.prank(provider);
        market.claim(ids);
        assertEq(market.escrowOf(open), 0, "paid out");
    }

    function test_GivenDisallowedToken_AllowAgain() public {
        uint256 offerId = _createDefaultOffer();
        vm.startPrank(owner);
        market.setPaymentToken(address(usd), false);
        market.setPaymentToken(address(usd), true);
        vm.stopPrank();
        assertEq(market.paymentTokens().length, 2, "not listed twice");
        assertEq(market.paymentTokens()[0], address(usd), "same index");
        assertTrue(market.isPaymentToken(address(usd)), "allowed");
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        assertEq(id, 1, "old offer leases again");
    }

    function test_GivenAllowedToken_AllowAgainIsNoOp() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.PaymentTokenSet(address(usd), true);
        vm.prank(owner);
        market.setPaymentToken(address(usd), true);
        assertTrue(market.isPaymentToken(address(usd)), "still allowed");
        assertEq(market.paymentTokens().length, 2, "not listed twice");
    }

    /// @dev Disallowing a token that was never allowed must not spend one of the MAX_PAYMENT_TOKENS places.
    function test_WhenOwner_DisallowUnlistedToken() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.PaymentTokenSet(address(0xABCD), false);
        vm.prank(owner);
        market.setPaymentToken(address(0xABCD), false);
        assertFalse(market.isPaymentToken(address(0xABCD)), "not allowed");
        assertEq(market.paymentTokens().length, 2, "a token never allowed is not listed");
    }

    /*//////////////////////////////////////////////////////////////
                                  PAUSE
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SetPausedNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, treasury));
        vm.prank(treasury);
        market.setPaused(true);
    }

    function test_WhenOwner_SetPaused() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.MarketPausedSet(true);
        vm.prank(owner);
        market.setPaused(true);
        assertTrue(market.paused(), "paused");

        _expectMarketEvent();
        emit IGridleaseMarketEvents.MarketPausedSet(false);
        vm.prank(owner);
        market.setPaused(false);
        assertFalse(market.paused(), "running");
        uint256 offerId = _createDefaultOffer();
        assertEq(_open(buyer, offerId, 1, 1 hours), 1, "leases open again");
    }

    /*//////////////////////////////////////////////////////////////
                              WITHDRAW FEES
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_NoFees() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NothingToWithdraw.selector, address(usd)));
        market.withdrawFees(address(usd));
    }

    function test_RevertGiven_UnknownToken() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NothingToWithdraw.selector, address(0xdead)));
        market.withdrawFees(address(0xdead));
    }

    function test_GivenFees_Withdraw() public {
        uint256 fee = _earnFees();
        uint256 escrow = usd.balanceOf(address(market)) - fee;

        _expectMarketEvent();
        emit IGridleaseMarketEvents.FeesWithdrawn(address(usd), treasury, fee);
        vm.prank(stranger);
        uint256 amount = market.withdrawFees(address(usd));

        assertEq(amount, fee, "returned amount");
        assertEq(usd.balanceOf(treasury), fee, "treasury paid");
        assertEq(usd.balanceOf(stranger), 0, "caller gets nothing");
        assertEq(market.protocolFees(address(usd)), 0, "fees zeroed");
        assertEq(usd.balanceOf(address(market)), escrow, "escrow untouched");

        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NothingToWithdraw.selector, address(usd)));
        market.withdrawFees(address(usd));
    }

    function test_GivenFeesInTwoTokens_WithdrawOne() public {
        _earnFees();
        OfferParams memory p = _h100Params();
        p.paymentToken = address(grid);
        p.pricePerGpuHour = 1e18;
        p.minProviderBond = GRID_MIN_BOND;
        uint256 gridOffer = _createOffer(p);
        _depositBond(provider, address(grid), GRID_BOND);
        uint256 id = _openActive(gridOffer, 1, 1 hours);
        vm.warp(START_TIME + 2 hours);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(provider);
        market.claim(ids);
        uint256 gridFee = (8e18 * FEE_BPS) / 10_000;
        assertEq(market.protocolFees(address(grid)), gridFee, "GRID fee");

        market.withdrawFees(address(grid));
        assertEq(grid.balanceOf(treasury), gridFee, "GRID fee to treasury");
        assertEq(_bondOf(provider, address(grid)), GRID_BOND, "GRID bond untouched");
        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND, "USD bond untouched");
        assertGt(market.protocolFees(address(usd)), 0, "USD fees stay");
    }

    /*//////////////////////////////////////////////////////////////
                                OWNERSHIP
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_TransferNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        market.transferOwnership(stranger);
    }

    function test_WhenOwner_StartTransfer() public {
        vm.expectEmit(true, true, false, false, address(market));
        emit Ownable2Step.OwnershipTransferStarted(owner, newOwner);
        vm.prank(owner);
        market.transferOwnership(newOwner);
        assertEq(market.pendingOwner(), newOwner, "pending");
        assertEq(market.owner(), owner, "owner unchanged");

        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, newOwner));
        vm.prank(newOwner);
        market.setProtocolFee(0);
    }

    function test_RevertWhen_AcceptNotPending() public {
        vm.prank(owner);
        market.transferOwnership(newOwner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        market.acceptOwnership();
    }

    function test_WhenPendingOwnerAccepts() public {
        vm.prank(owner);
        market.transferOwnership(newOwner);
        vm.expectEmit(true, true, false, false, address(market));
        emit Ownable.OwnershipTransferred(owner, newOwner);
        vm.prank(newOwner);
        market.acceptOwnership();

        assertEq(market.owner(), newOwner, "new owner");
        assertEq(market.pendingOwner(), address(0), "no pending owner");
        vm.prank(newOwner);
        market.setProtocolFee(100);
        assertEq(market.feeBps(), 100, "new owner administers");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner));
        vm.prank(owner);
        market.setProtocolFee(200);
    }

    function test_WhenOwnerRenounces() public {
        vm.prank(owner);
        market.renounceOwnership();
        assertEq(market.owner(), address(0), "no owner");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner));
        vm.prank(owner);
        market.setPaused(true);
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Runs an hour of a one-server lease to its end and claims it; returns the USD fee collected.
    function _earnFees() internal returns (uint256 fee) {
        uint256 offerId = _createDefaultOffer();
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.warp(START_TIME + 1 hours); // called at START_TIME
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(provider);
        market.claim(ids);
        fee = (_cost(H100_PRICE, 8, 1 hours) * FEE_BPS) / 10_000;
        assertEq(market.protocolFees(address(usd)), fee, "fee collected");
    }
}
