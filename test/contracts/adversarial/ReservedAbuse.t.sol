// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {BlocklistToken} from "../mocks/BlocklistToken.sol";
import {FeeOnTransferToken} from "../mocks/FeeOnTransferToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {OfferParams, ReservedTerms} from "../../../contracts/types/DataTypes.sol";

/// @notice Reserved capacity against a griefer, a greedy keeper and misbehaving payment tokens.
contract ReservedAbuse_Adversarial_Test is BaseTest {
    uint256 internal constant GPUS = 8;

    function _offer(
        address token,
        uint256 maxDuration,
        ReservedTerms memory terms
    ) internal returns (uint256 id) {
        OfferParams memory p = _h100Params();
        p.paymentToken = token;
        p.totalUnits = 2_000;
        p.maxDuration = maxDuration;
        vm.prank(provider);
        id = market.createReservedOffer(p, terms);
    }

    function _rolling(
        uint256 offerId,
        uint256 units,
        uint256 term,
        uint256 funded
    ) internal returns (uint256 id) {
        vm.prank(buyer);
        id = market.openRollingLease(offerId, units, term, funded, type(uint256).max, PUBKEY);
        _activate(id);
    }

    function test_WhenGrieferFundsOneWindow_PenaltyScalesWithTheStake() public {
        vm.prank(provider);
        market.depositBond(address(usd), 1_000_000e6);
        uint256 offerId = _offer(address(usd), 1_096 days, ReservedTerms(30 days, 0, 0, 0));
        uint256 id = _rolling(offerId, 10, 1_096 days, 30 days);
        uint256 stake = _cost(H100_PRICE, GPUS * 10, 30 days);
        uint256 penalty = market.getLeaseTerms(id).penalty;
        assertEq(penalty, stake / 10, "10% of the funded window, not of three years");
        assertLt(penalty, _cost(H100_PRICE, GPUS * 10, 1_096 days) / 30, "far below a 3-year bond");
        assertEq(market.bondOf(provider, address(usd)).locked, penalty, "only that is locked");
        // Top-ups do not grow it either.
        vm.prank(buyer);
        market.extendLease(id, 30 days);
        assertEq(market.getLeaseTerms(id).penalty, penalty, "fixed at open");
    }

    function test_RevertWhen_KeeperPullsTwiceInARow() public {
        uint256 offerId = _offer(address(usd), 60 days, ReservedTerms(1 days, 0, 0, 0));
        uint256 id = _rolling(offerId, 1, 60 days, 1 days);
        vm.prank(buyer);
        market.setTopUpAllowance(id, type(uint96).max, type(uint96).max, 1 days);
        vm.warp(vm.getBlockTimestamp() + 1 hours);
        uint256 limit = vm.getBlockTimestamp() + 1 days;
        vm.prank(stranger);
        market.executeTopUp(id, 1 hours); // funded to now + 1 day exactly
        assertEq(market.getLeaseTerms(id).fundedUntil, limit, "funded to the window's edge");
        uint256 before = usd.balanceOf(buyer);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_RunwayAboveThreshold.selector, id, 1 days, 1 days)
        );
        vm.prank(stranger);
        market.executeTopUp(id, 1);
        assertEq(usd.balanceOf(buyer), before, "nothing more pulled");
    }

    function test_WhenBuyerBlocklisted_ServerEndsAreCredited() public {
        BlocklistToken busd = new BlocklistToken();
        vm.prank(owner);
        market.setPaymentToken(address(busd), true);
        busd.mint(buyer, 10_000_000e6);
        busd.mint(provider, 10_000_000e6);
        vm.prank(buyer);
        busd.approve(address(market), type(uint256).max);
        vm.startPrank(provider);
        busd.approve(address(market), type(uint256).max);
        market.depositBond(address(busd), 100_000e6);
        vm.stopPrank();
        uint256 offerId = _offer(address(busd), 60 days, ReservedTerms(1 days, 0, 0, 0));
        uint256 id = _rolling(offerId, 4, 30 days, 2 days);
        vm.warp(vm.getBlockTimestamp() + 12 hours);
        busd.setBlocklisted(buyer, true);
        uint256 reserved = market.getLeaseTerms(id).penalty;
        uint256 refund = _cost(H100_PRICE, GPUS, 2 days) - _cost(H100_PRICE, GPUS, 12 hours);
        vm.prank(buyer);
        market.releaseServers(id, 1);
        assertEq(market.credits(address(busd), buyer), refund, "release refund credited");
        vm.prank(provider);
        market.failServers(id, 1);
        assertEq(
            market.credits(address(busd), buyer),
            2 * refund + (reserved - reserved / 4 + 2) / 3,
            "failure refund and penalty share credited"
        );
        busd.setBlocklisted(buyer, false);
        uint256 credit = market.credits(address(busd), buyer);
        uint256 before = busd.balanceOf(buyer);
        vm.prank(buyer);
        market.withdrawCredit(address(busd));
        assertEq(busd.balanceOf(buyer) - before, credit, "the credit is withdrawn once the blocklist lifts");
        assertEq(market.credits(address(busd), buyer), 0, "and gone");
    }

    function test_RevertWhen_FeeOnTransferTopUp() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(0);
        vm.prank(owner);
        market.setPaymentToken(address(fot), true);
        fot.mint(buyer, 10_000_000e6);
        fot.mint(provider, 10_000_000e6);
        vm.prank(buyer);
        fot.approve(address(market), type(uint256).max);
        vm.startPrank(provider);
        fot.approve(address(market), type(uint256).max);
        market.depositBond(address(fot), 100_000e6);
        vm.stopPrank();
        uint256 offerId = _offer(address(fot), 60 days, ReservedTerms(1 days, 0, 0, 0));
        uint256 id = _rolling(offerId, 1, 30 days, 1 days);
        vm.prank(buyer);
        market.setTopUpAllowance(id, type(uint96).max, type(uint96).max, 1 days);
        fot.setFeeBps(100);
        vm.warp(vm.getBlockTimestamp() + 1 hours);
        uint256 amount = _cost(H100_PRICE, GPUS, 1 days + 1 hours) - _cost(H100_PRICE, GPUS, 1 days);
        uint256 escrow = market.escrowOf(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_FeeOnTransferToken.selector,
                address(fot),
                amount,
                amount - amount / 100
            )
        );
        vm.prank(stranger);
        market.executeTopUp(id, 1 hours);
        assertEq(market.escrowOf(id), escrow, "nothing changed");
    }
}
