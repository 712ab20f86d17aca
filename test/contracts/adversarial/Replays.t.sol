// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {LeaseStatus} from "../../../contracts/types/DataTypes.sol";

contract Replays_Adversarial_Test is AdversarialBase {
    function test_RevertWhen_ClaimTwiceInOneSecond() public {
        vm.prank(provider);
        market.claim(_ids(ACTIVE, EXPIRED));
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(_ids(ACTIVE, EXPIRED));
        _assertUnchanged(before);
    }

    function test_RevertWhen_FullyPaidLeaseClaimedAgain() public {
        vm.prank(provider);
        market.claim(_ids(EXPIRED, ENDED));
        vm.warp(NOW + 30 days);
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_NothingToClaim.selector);
        vm.prank(provider);
        market.claim(_ids(EXPIRED, ENDED));
        _assertUnchanged(before);
        assertEq(market.escrowOf(EXPIRED), 0, "expired lease paid out");
        assertEq(market.escrowOf(ENDED), 0, "ended lease paid out");
    }

    function test_RevertWhen_CloseTwice() public {
        market.closeLease(EXPIRED);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, EXPIRED, LeaseStatus.Ended)
        );
        market.closeLease(EXPIRED);
        _assertUnchanged(before);
    }

    function test_RevertWhen_EndedLeaseActedOnAgain() public {
        MarketState memory before = _captureState();
        bytes memory ended = abi.encodeWithSelector(
            Errors.Market_UnexpectedStatus.selector,
            ENDED,
            LeaseStatus.Ended
        );

        vm.expectRevert(ended);
        vm.prank(buyer2);
        market.terminateLease(ENDED);
        vm.expectRevert(ended);
        vm.prank(provider);
        market.terminateLease(ENDED);
        vm.expectRevert(ended);
        vm.prank(buyer2);
        market.cancelLease(ENDED);
        vm.expectRevert(ended);
        market.closeLease(ENDED);
        vm.expectRevert(ended);
        vm.prank(buyer2);
        market.extendLease(ENDED, 1 hours);
        vm.expectRevert(ended);
        vm.prank(provider);
        market.activateLease(ENDED, _access());
        vm.expectRevert(ended);
        vm.prank(provider);
        market.rotateAccess(ENDED, _access());

        _assertUnchanged(before);
    }

    function test_RevertWhen_CancelTwice() public {
        vm.prank(buyer);
        market.cancelLease(PENDING);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, PENDING, LeaseStatus.Ended)
        );
        vm.prank(buyer);
        market.cancelLease(PENDING);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ActivateTwice() public {
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_UnexpectedStatus.selector, ACTIVE, LeaseStatus.Active)
        );
        _activate(ACTIVE);
        _assertUnchanged(before);
    }

    function test_RevertWhen_WithdrawFeesTwice() public {
        market.withdrawFees(address(usd));
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NothingToWithdraw.selector, address(usd)));
        market.withdrawFees(address(usd));
        _assertUnchanged(before);
    }

    function test_RevertWhen_WithdrawBondTwice() public {
        vm.startPrank(provider2);
        market.registerProvider("");
        market.depositBond(address(usd), MIN_BOND);
        market.withdrawBond(address(usd), MIN_BOND);
        vm.stopPrank();
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_WithdrawalExceedsBond.selector, provider2, 0, MIN_BOND)
        );
        vm.prank(provider2);
        market.withdrawBond(address(usd), MIN_BOND);
        _assertUnchanged(before);
    }
}
