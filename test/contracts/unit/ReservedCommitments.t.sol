// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReservedBase} from "./ReservedBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {EndReason, LeaseTermsView, ReservedTerms} from "../../../contracts/types/DataTypes.sol";

contract ReservedCommitments_Unit_Test is ReservedBase {
    /// @dev floor(x * bps / 10000), the fee the contract takes on a committed value.
    function _fee(uint256 x, uint256 bps) internal pure returns (uint256) {
        return (x * bps) / 10_000;
    }

    function _expectOfferRefused(uint256 minDuration, ReservedTerms memory terms, bytes memory err) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(err);
        vm.prank(provider);
        market.createReservedOffer(_reservedParams(minDuration), terms);
        _assertUnchanged(before);
    }

    function test_RevertWhen_CommitmentNonsense() public {
        ReservedTerms[6] memory bad = [
            ReservedTerms(1 days, 3 days, 1 hours, 0), // commitment above the minimum duration (2 days)
            ReservedTerms(1 days, 1 days, 1 hours, 100), // both a notice and a fee
            ReservedTerms(1 days, 1 days, 0, 0), // neither
            ReservedTerms(1 days, 1 days, 1 days + 1, 0), // notice longer than the commitment
            ReservedTerms(1 days, 1 days, 0, 3_001), // fee above MAX_EXIT_FEE_BPS
            ReservedTerms(0, 0, 0, 0) // nothing reserved at all
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            _expectOfferRefused(
                2 days,
                bad[i],
                abi.encodeWithSelector(
                    Errors.Market_InvalidCommitment.selector,
                    bad[i].commitment,
                    bad[i].noticePeriod,
                    bad[i].exitFeeBps
                )
            );
        }
        _expectOfferRefused(
            2 days,
            ReservedTerms(1 days, 0, 1 hours, 0),
            abi.encodeWithSelector(Errors.Market_InvalidCommitment.selector, 0, 1 hours, 0)
        );
    }

    function test_RevertWhen_WindowOutOfRange() public {
        uint256[2] memory windows = [uint256(1 days - 1), 60 days + 1];
        for (uint256 i = 0; i < 2; ++i) {
            _expectOfferRefused(
                1 hours,
                ReservedTerms(windows[i], 0, 0, 0),
                abi.encodeWithSelector(
                    Errors.Market_InvalidPrepaidWindow.selector,
                    windows[i],
                    1 days,
                    60 days
                )
            );
        }
    }

    function test_RevertWhen_FundingOutOfRange() public {
        uint256[2][2] memory cases = [[uint256(1 days - 1), 30 days], [uint256(30 days + 1), 30 days]];
        for (uint256 i = 0; i < 2; ++i) {
            MarketState memory before = _captureState();
            vm.expectRevert(
                abi.encodeWithSelector(
                    Errors.Market_FundingOutOfRange.selector,
                    cases[i][0],
                    1 days,
                    cases[i][1]
                )
            );
            vm.prank(buyer);
            market.openRollingLease(rollingOffer, 1, cases[i][1], cases[i][0], type(uint256).max, PUBKEY);
            _assertUnchanged(before);
        }
    }

    function test_RevertGiven_OfferNotRolling() public {
        uint256 plain = _createDefaultOffer();
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotRollingOffer.selector, plain));
        vm.prank(buyer);
        market.openRollingLease(plain, 1, 2 days, 1 days, type(uint256).max, PUBKEY);
        _assertUnchanged(before);
    }

    function test_WhenBuyerExitsUnderFee_ChargesTheQuote() public {
        uint256 id = _rolling(feeOffer, 2, 30 days, 3 days);
        uint256 t0 = vm.getBlockTimestamp();
        vm.warp(t0 + 1 days + 30 minutes);
        // 5 days 23.5 hours of commitment left: 143 whole hours.
        uint256 quote = _fee(_costOf(2, 143 hours), 2_000);
        assertEq(market.exitChargeAt(id, 2, vm.getBlockTimestamp()), quote, "exitChargeAt");
        assertEq(market.getLeaseTerms(id).exitChargeNow, quote, "exitChargeNow");
        uint256 escrow = _fee(_costOf(2, 7 days), 2_000);
        assertEq(market.getLeaseTerms(id).exitEscrow, escrow, "escrowed exit");
        uint256 billed = _costOf(2, 1 days + 30 minutes);
        uint256 refund = _costOf(2, 3 days) + escrow - billed - quote;
        uint256 before = usd.balanceOf(buyer);

        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.ExitCharged(id, quote);
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.BuyerTerminated,
            vm.getBlockTimestamp(),
            billed + quote,
            refund,
            0
        );
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(usd.balanceOf(buyer) - before, refund, "refund less exactly the quote");
        assertEq(market.getLeaseTerms(id).frozen, quote, "the charge is earned by the provider");
        assertEq(market.getLease(id).claimable, billed + quote, "claimable: rent plus the charge");
    }

    function test_WhenBuyerExitsUnderNotice_ChargesTheNotice() public {
        uint256 id = _rolling(noticeOffer, 2, 20 days, 5 days);
        vm.warp(vm.getBlockTimestamp() + 2 days);
        uint256 quote = _costOf(2, 3 days); // 8 days left: the whole notice
        assertEq(market.getLeaseTerms(id).exitChargeNow, quote, "exitChargeNow");
        vm.warp(vm.getBlockTimestamp() + 6 days); // 2 days left, but the 5 funded days ran out on day 5
        // Unfunded before the commitment's end: the quote is the whole escrowed notice, as the charge would be.
        assertEq(
            market.exitChargeAt(id, 2, vm.getBlockTimestamp()),
            _costOf(2, 3 days),
            "lapsed: whole escrow"
        );
        vm.prank(buyer);
        market.extendLease(id, 4 days); // funded past now again
        quote = _costOf(2, 2 days); // only what is left of the commitment, in whole hours
        assertEq(market.exitChargeAt(id, 2, vm.getBlockTimestamp()), quote, "notice capped at what is left");
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.ExitCharged(id, quote);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(market.getLeaseTerms(id).frozen, quote, "charged the quote");
    }

    function test_WhenCommitmentOver_NoCharge() public {
        uint256 id = _rolling(feeOffer, 2, 30 days, 8 days);
        vm.warp(vm.getBlockTimestamp() + 7 days);
        assertEq(market.getLeaseTerms(id).exitChargeNow, 0, "nothing to quote");
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(market.getLeaseTerms(id).frozen, 0, "nothing charged");
    }

    function test_WhenProviderTerminates_NoCharge() public {
        uint256 id = _rolling(feeOffer, 2, 30 days, 3 days);
        vm.warp(vm.getBlockTimestamp() + 1 days);
        uint256 penalty = market.getLeaseTerms(id).penalty;
        uint256 refund = market.escrowOf(id) - market.getLease(id).claimable;
        uint256 before = usd.balanceOf(buyer);
        vm.prank(provider);
        market.terminateLease(id);
        assertEq(
            usd.balanceOf(buyer) - before,
            refund + penalty,
            "refund of everything unused plus the penalty"
        );
        assertEq(market.getLeaseTerms(id).frozen, 0, "no exit charge when the provider is at fault");
    }

    function test_RevertGiven_GraceNotOver() public {
        uint256 id = _rolling(feeOffer, 2, 30 days, 1 days);
        uint256 graceEnds = vm.getBlockTimestamp() + 1 days + GRACE;
        assertEq(market.getLeaseTerms(id).graceEnds, graceEnds, "graceEnds");
        vm.warp(graceEnds);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_GraceNotOver.selector, id, graceEnds));
        vm.prank(provider);
        market.endUnfunded(id);
        _assertUnchanged(before);
    }

    function test_RevertGiven_FullyFunded() public {
        uint256 id = _rolling(rollingOffer, 1, 2 days, 2 days);
        vm.warp(vm.getBlockTimestamp() + 1 days);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_LeaseFunded.selector, id));
        vm.prank(provider);
        market.endUnfunded(id);
        _assertUnchanged(before);
    }

    function test_RevertGiven_NotRollingLease() public {
        uint256 id = _open(buyer, rollingOffer, 1, 2 days);
        _activate(id);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotRollingLease.selector, id));
        vm.prank(provider);
        market.endUnfunded(id);
        _assertUnchanged(before);
    }

    function test_RevertWhen_ClosingUnfundedLease() public {
        uint256 id = _rolling(rollingOffer, 1, 2 days, 1 days);
        uint256 fundedUntil = vm.getBlockTimestamp() + 1 days;
        vm.warp(vm.getBlockTimestamp() + 2 days);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_LeaseUnfunded.selector, id, fundedUntil));
        market.closeLease(id);
        _assertUnchanged(before);
    }

    function test_WhenGraceOver_EndsUnfundedWithTheEscrow() public {
        uint256 id = _rolling(feeOffer, 2, 30 days, 1 days);
        LeaseTermsView memory t = market.getLeaseTerms(id);
        uint256 escrow = _fee(_costOf(2, 7 days), 2_000);
        assertEq(t.exitEscrow, escrow, "escrowed exit");
        vm.warp(t.graceEnds + 1);
        uint256 buyerBefore = usd.balanceOf(buyer);
        uint256 bondBefore = market.bondOf(provider, address(usd)).amount;
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.ExitCharged(id, escrow);
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.LeaseEnded(
            id,
            EndReason.Unfunded,
            t.fundedUntil,
            _costOf(2, 1 days) + escrow,
            0,
            0
        );
        vm.prank(provider);
        market.endUnfunded(id);
        assertEq(usd.balanceOf(buyer), buyerBefore, "lapsing is no way out: nothing back");
        assertEq(market.bondOf(provider, address(usd)).amount, bondBefore, "no penalty");
        assertEq(market.bondOf(provider, address(usd)).locked, 0, "reservation released");
        uint256 earned = _costOf(2, 1 days) + escrow;
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint256 providerBefore = usd.balanceOf(provider);
        vm.prank(provider);
        market.claim(ids);
        assertEq(
            usd.balanceOf(provider) - providerBefore,
            earned - (earned * FEE_BPS) / 10_000,
            "rent + escrow, less fee"
        );
    }
}
