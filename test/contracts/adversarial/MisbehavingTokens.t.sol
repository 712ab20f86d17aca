// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {FalseReturnToken} from "../mocks/FalseReturnToken.sol";
import {NoReturnToken} from "../mocks/NoReturnToken.sol";
import {BrokenBalanceToken} from "../mocks/BrokenBalanceToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseStatus, OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @dev Every mock token here can mint; each offer's provider bonds in the offer's token (see `_listToken`).
interface IMintable {
    function mint(address to, uint256 amount) external;
}

contract MisbehavingTokens_Adversarial_Test is AdversarialBase {
    FalseReturnToken internal falsy;
    uint256 internal falsyOffer;

    function setUp() public override {
        super.setUp();
        falsy = new FalseReturnToken();
        falsyOffer = _listToken(address(falsy));
        _track(address(falsy));
        falsy.mint(buyer, 1_000_000e6);
        vm.prank(buyer);
        falsy.approve(address(market), type(uint256).max);
    }

    /*//////////////////////////////////////////////////////////////
                           FALSE-RETURNING TOKEN
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_OpenWithFalseReturn() public {
        falsy.setFailing(true);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falsy)));
        _open(buyer, falsyOffer, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ExtendWithFalseReturn() public {
        uint256 id = _openActive(falsyOffer, 1, 1 hours);
        falsy.setFailing(true);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falsy)));
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        _assertUnchanged(before);
    }

    /// @notice Payouts to the caller itself (a provider's claim, the treasury's fees) still revert while the token
    /// returns false, changing nothing, and go through once it works.
    function test_RevertWhen_PayoutsToCallerWithFalseReturn() public {
        uint256 active = _openActive(falsyOffer, 1, 10 hours);
        vm.warp(NOW + 2 hours);
        vm.prank(provider);
        market.claim(_ids(active)); // fees in the token, while it still works
        vm.warp(NOW + 3 hours);
        falsy.setFailing(true);
        MarketState memory before = _captureState();
        bytes memory failed = abi.encodeWithSelector(
            SafeERC20.SafeERC20FailedOperation.selector,
            address(falsy)
        );

        vm.expectRevert(failed);
        vm.prank(provider);
        market.claim(_ids(active));

        vm.expectRevert(failed);
        market.withdrawFees(address(falsy));

        _assertUnchanged(before);

        falsy.setFailing(false);
        vm.prank(provider);
        market.claim(_ids(active));
        market.withdrawFees(address(falsy));
        assertEq(market.protocolFees(address(falsy)), 0, "fees paid out");
    }

    /// @notice Payouts to the buyer (refunds of a termination, a refusal and a no-show cancel) no longer revert
    /// while the token returns false: each lease ends, its units and reservation are freed, and what could not be
    /// delivered is credited to the buyer, to withdraw once the token works. (Before the credits, each end
    /// reverted with SafeERC20FailedOperation: the assertions that the leases ended failed.)
    function test_WhenBuyerPayoutsWithFalseReturn_Credited() public {
        uint256 active = _openActive(falsyOffer, 1, 10 hours);
        uint256 refused = _open(buyer, falsyOffer, 1, 10 hours);
        uint256 noShow = _open(buyer, falsyOffer, 1, 10 hours);
        uint256 deposit = _cost(H100_PRICE, 8, 10 hours);
        uint256 penalty = (MIN_BOND * PENALTY_BPS) / 10_000;
        vm.warp(NOW + 3 hours);
        falsy.setFailing(true);
        uint256 lockedBefore = _lockedOf(provider, address(falsy));
        uint256 falsyBefore = falsy.balanceOf(buyer);
        uint256 refund = deposit - _cost(H100_PRICE, 8, 3 hours);
        // The refused lease and the no-show pay their penalties in the lease's token too: refused, so credited.
        uint256 owed = refund + 2 * deposit + 2 * penalty;

        vm.expectEmit(true, true, true, true, address(market));
        emit IGridleaseMarketEvents.LeaseEnded(
            active,
            EndReason.BuyerTerminated,
            NOW + 3 hours,
            deposit - refund,
            refund,
            0
        );
        vm.expectEmit(true, true, true, true, address(market));
        emit IGridleaseMarketEvents.CreditAdded(buyer, address(falsy), refund);
        vm.prank(buyer);
        market.terminateLease(active);
        vm.prank(provider);
        market.terminateLease(refused);
        vm.prank(buyer);
        market.cancelLease(noShow);

        assertEq(market.credits(address(falsy), buyer), owed, "every refund and penalty credited");
        assertEq(falsy.balanceOf(buyer), falsyBefore, "no token moved");
        assertEq(
            _bondOf(provider, address(falsy)),
            PROVIDER_BOND - 2 * penalty,
            "both penalties left the bond"
        );
        assertEq(market.getOffer(falsyOffer).unitsInUse, 0, "units freed");
        assertEq(_lockedOf(provider, address(falsy)), lockedBefore - 3 * penalty, "reservations released");
        assertEq(uint8(market.getLease(active).status), uint8(LeaseStatus.Ended), "terminated");
        assertEq(uint8(market.getLease(refused).endReason), uint8(EndReason.ProviderTerminated), "refused");
        assertEq(uint8(market.getLease(noShow).endReason), uint8(EndReason.NoShowCancelled), "cancelled");

        // While the token still refuses, the withdrawal reverts and keeps the credit.
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falsy)));
        vm.prank(buyer);
        market.withdrawCredit(address(falsy));
        assertEq(market.credits(address(falsy), buyer), owed, "credit kept");

        falsy.setFailing(false);
        vm.expectEmit(true, true, true, true, address(market));
        emit IGridleaseMarketEvents.CreditWithdrawn(buyer, address(falsy), owed);
        vm.prank(buyer);
        market.withdrawCredit(address(falsy));
        assertEq(falsy.balanceOf(buyer) - falsyBefore, owed, "credit delivered");
        assertEq(market.credits(address(falsy), buyer), 0, "credit spent");
    }

    function test_RevertWhen_BondWithFalseReturn() public {
        falsy.mint(provider2, 100e6);
        vm.startPrank(provider2);
        falsy.approve(address(market), type(uint256).max);
        market.registerProvider("");
        market.depositBond(address(falsy), 60e6);
        falsy.setFailing(true);
        MarketState memory before = _captureState();

        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falsy)));
        market.depositBond(address(falsy), 10e6);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(falsy)));
        market.withdrawBond(address(falsy), 10e6);
        vm.stopPrank();

        _assertUnchanged(before);
        assertEq(_bondOf(provider2, address(falsy)), 60e6, "bond unchanged");
    }

    /*//////////////////////////////////////////////////////////////
                            NO-RETURN TOKEN
    //////////////////////////////////////////////////////////////*/

    function test_GivenNoReturnToken_WholeLease() public {
        NoReturnToken usdt = new NoReturnToken();
        uint256 offerId = _listToken(address(usdt));
        usdt.mint(buyer, 1_000e6);
        vm.prank(buyer);
        usdt.approve(address(market), type(uint256).max);

        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        vm.warp(NOW + 1 hours);
        vm.prank(provider);
        market.claim(_ids(id));
        vm.prank(buyer);
        market.terminateLease(id);
        market.withdrawFees(address(usdt));

        uint256 used = _cost(H100_PRICE, 8, 1 hours);
        uint256 fee = (used * FEE_BPS) / 10_000;
        assertEq(usdt.balanceOf(buyer), 1_000e6 - used, "buyer paid for one hour");
        assertEq(usdt.balanceOf(provider), used - fee, "provider paid");
        assertEq(usdt.balanceOf(treasury), fee, "treasury paid");
        assertEq(
            usdt.balanceOf(address(market)),
            PROVIDER_BOND,
            "market holds only the provider's USDT bond"
        );
        assertEq(uint8(market.getLease(id).endReason), uint8(EndReason.BuyerTerminated), "ended");
    }

    /*//////////////////////////////////////////////////////////////
                           BROKEN BALANCE OF
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_BalanceOfReverts() public {
        _assertOpenFailsWith(BrokenBalanceToken.Mode.Reverts);
    }

    function test_RevertWhen_BalanceOfReturnsNothing() public {
        _assertOpenFailsWith(BrokenBalanceToken.Mode.ReturnsNothing);
    }

    function test_RevertWhen_BalanceOfReturnsShort() public {
        BrokenBalanceToken broken = new BrokenBalanceToken();
        uint256 offerId = _listToken(address(broken));
        _track(address(broken));
        broken.mint(buyer, 1_000e6);
        vm.prank(buyer);
        broken.approve(address(market), type(uint256).max);
        uint256 id = _openActive(offerId, 1, 1 hours);

        MarketState memory before = _captureState();
        broken.setMode(BrokenBalanceToken.Mode.ReturnsShort);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenCallFailed.selector, address(broken)));
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        broken.setMode(BrokenBalanceToken.Mode.Normal);
        _assertUnchanged(before);
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Active), "lease unaffected");
    }

    function test_RevertWhen_BondTokenBalanceOfReverts() public {
        BrokenBalanceToken broken = new BrokenBalanceToken();
        vm.prank(owner);
        market.setPaymentToken(address(broken), true);
        broken.mint(provider2, 100e6);
        vm.startPrank(provider2);
        broken.approve(address(market), type(uint256).max);
        market.registerProvider("");
        vm.stopPrank();
        broken.setMode(BrokenBalanceToken.Mode.Reverts);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenCallFailed.selector, address(broken)));
        vm.prank(provider2);
        market.depositBond(address(broken), 100e6);
        broken.setMode(BrokenBalanceToken.Mode.Normal);
        assertEq(broken.balanceOf(provider2), 100e6, "nothing pulled");
        assertEq(_bondOf(provider2, address(broken)), 0, "nothing credited");
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Allows `token`, has the provider bond PROVIDER_BOND in it (a lease's penalty comes from the bond in its
    /// token) and lists the default offer priced in it. The approval is a raw call: some mocks return nothing.
    function _listToken(address token) internal returns (uint256 offerId) {
        vm.prank(owner);
        market.setPaymentToken(token, true);
        IMintable(token).mint(provider, PROVIDER_BOND);
        vm.prank(provider);
        (bool ok, ) = token.call(abi.encodeCall(IERC20.approve, (address(market), PROVIDER_BOND)));
        assertTrue(ok, "approved");
        _depositBond(provider, token, PROVIDER_BOND);
        OfferParams memory p = _h100Params();
        p.paymentToken = token;
        offerId = _createOffer(p);
    }

    function _assertOpenFailsWith(BrokenBalanceToken.Mode mode) internal {
        BrokenBalanceToken broken = new BrokenBalanceToken();
        uint256 offerId = _listToken(address(broken));
        _track(address(broken));
        broken.mint(buyer, 1_000e6);
        vm.prank(buyer);
        broken.approve(address(market), type(uint256).max);

        MarketState memory before = _captureState();
        broken.setMode(mode);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenCallFailed.selector, address(broken)));
        _open(buyer, offerId, 1, 1 hours);
        broken.setMode(BrokenBalanceToken.Mode.Normal);
        _assertUnchanged(before);
    }
}
