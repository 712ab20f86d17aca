// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {ReservedBase} from "./ReservedBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {LeaseTermsView, TopUpAllowance} from "../../../contracts/types/DataTypes.sol";

contract ReservedTopUps_Unit_Test is ReservedBase {
    uint256 internal leaseId; // 2 servers, a 30-day term, 1 day funded, activated at START_TIME
    uint256 internal t0;

    function setUp() public override {
        super.setUp();
        leaseId = _rolling(rollingOffer, 2, 30 days, 1 days);
        t0 = vm.getBlockTimestamp();
    }

    function _allow(uint256 perTopUp, uint256 totalCap, uint256 threshold) internal {
        vm.prank(buyer);
        market.setTopUpAllowance(leaseId, perTopUp, totalCap, threshold);
    }

    function _expectRefused(uint256 added, bytes memory err) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(err);
        vm.prank(stranger);
        market.executeTopUp(leaseId, added);
        _assertUnchanged(before);
    }

    function test_RevertWhen_AllowanceTermsNonsense() public {
        uint256[3][4] memory bad = [
            [uint256(0), 10, 1 hours], // no per-top-up cap
            [uint256(11), 10, 1 hours], // per top-up above the total
            [uint256(1), 10, 0], // no threshold
            [uint256(1), 10, 1_096 days + 1] // threshold above the longest lease
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            MarketState memory before = _captureState();
            vm.expectRevert(
                abi.encodeWithSelector(
                    Errors.Market_InvalidTopUpAllowance.selector,
                    bad[i][0],
                    bad[i][1],
                    bad[i][2]
                )
            );
            vm.prank(buyer);
            market.setTopUpAllowance(leaseId, bad[i][0], bad[i][1], bad[i][2]);
            _assertUnchanged(before);
        }
    }

    function test_RevertWhen_AllowanceSetByStranger() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, leaseId, stranger));
        vm.prank(stranger);
        market.setTopUpAllowance(leaseId, 1, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_RevertGiven_NoAllowance() public {
        vm.warp(t0 + 18 hours);
        _expectRefused(1 hours, abi.encodeWithSelector(Errors.Market_TopUpNotAllowed.selector, leaseId));
    }

    function test_RevertGiven_AllowanceRevoked() public {
        _allow(_costOf(2, 1 days), _costOf(2, 3 days), 12 hours);
        vm.expectEmit(true, false, false, true, address(market));
        emit IGridleaseMarketEvents.TopUpAllowanceRevoked(leaseId);
        vm.prank(buyer);
        market.revokeTopUpAllowance(leaseId);
        TopUpAllowance memory a = market.getTopUpAllowance(leaseId);
        assertEq(a.perTopUp + a.remaining + a.runwayThreshold, 0, "allowance gone");
        vm.warp(t0 + 18 hours);
        _expectRefused(1 hours, abi.encodeWithSelector(Errors.Market_TopUpNotAllowed.selector, leaseId));
    }

    function test_RevertWhen_RunwayAboveThreshold() public {
        _allow(_costOf(2, 1 days), _costOf(2, 3 days), 12 hours);
        _expectRefused(
            1 hours,
            abi.encodeWithSelector(Errors.Market_RunwayAboveThreshold.selector, leaseId, 1 days, 12 hours)
        );
    }

    function test_RevertWhen_BeyondWindow() public {
        _allow(_costOf(2, 2 days), _costOf(2, 3 days), 12 hours);
        vm.warp(t0 + 18 hours);
        // Funded to t0 + 1 day; the window allows up to now + 1 day = t0 + 42 hours, so 18 hours at most.
        _expectRefused(
            18 hours + 1,
            abi.encodeWithSelector(
                Errors.Market_TopUpBeyondWindow.selector,
                leaseId,
                t0 + 42 hours + 1,
                t0 + 42 hours
            )
        );
    }

    function test_RevertWhen_AboveCap() public {
        uint256 perTopUp = _costOf(2, 1 hours);
        _allow(perTopUp, _costOf(2, 3 days), 12 hours);
        vm.warp(t0 + 18 hours);
        uint256 amount = _costOf(2, 1 days + 2 hours) - _costOf(2, 1 days);
        _expectRefused(
            2 hours,
            abi.encodeWithSelector(Errors.Market_TopUpAboveCap.selector, leaseId, amount, perTopUp)
        );
    }

    function test_RevertWhen_AllowanceExhausted() public {
        _allow(_costOf(2, 12 hours), _costOf(2, 12 hours), 1 days);
        vm.warp(t0 + 18 hours);
        vm.prank(stranger);
        market.executeTopUp(leaseId, 10 hours);
        uint256 remaining = market.getTopUpAllowance(leaseId).remaining;
        assertEq(remaining, _costOf(2, 12 hours) - (_costOf(2, 34 hours) - _costOf(2, 1 days)), "remaining");
        uint256 amount = _costOf(2, 42 hours) - _costOf(2, 34 hours);
        _expectRefused(
            8 hours,
            abi.encodeWithSelector(Errors.Market_TopUpAllowanceExhausted.selector, leaseId, amount, remaining)
        );
    }

    function test_RevertWhen_BeyondTerm() public {
        vm.prank(buyer);
        leaseId = market.openRollingLease(rollingOffer, 2, 2 days, 1 days, type(uint256).max, PUBKEY);
        _activate(leaseId);
        _allow(_costOf(2, 3 days), _costOf(2, 3 days), 1 days);
        vm.warp(vm.getBlockTimestamp() + 18 hours);
        _expectRefused(
            1 days + 1,
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 1 days + 1, 1, 1 days)
        );
    }

    function test_RevertWhen_ManualTopUpBeyondTerm() public {
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_DurationOutOfRange.selector, 30 days + 1, 1 hours, 30 days)
        );
        vm.prank(buyer);
        market.extendLease(leaseId, 29 days + 1);
        _assertUnchanged(before);
    }

    function test_WhenWithinAllowance_KeeperTopsUp() public {
        _allow(_costOf(2, 1 days), _costOf(2, 3 days), 12 hours);
        vm.warp(t0 + 18 hours);
        uint256 amount = _costOf(2, 42 hours) - _costOf(2, 1 days);
        uint256 buyerBefore = usd.balanceOf(buyer);
        uint256 keeperBefore = usd.balanceOf(stranger);
        uint256 escrowBefore = market.escrowOf(leaseId);
        vm.expectEmit(true, true, false, true, address(market));
        emit IGridleaseMarketEvents.TopUpExecuted(
            leaseId,
            stranger,
            18 hours,
            amount,
            t0 + 42 hours,
            _costOf(2, 3 days) - amount
        );
        vm.prank(stranger);
        market.executeTopUp(leaseId, 18 hours);
        assertEq(buyerBefore - usd.balanceOf(buyer), amount, "pulled from the buyer at the locked price");
        assertEq(usd.balanceOf(stranger), keeperBefore, "the keeper pays nothing");
        assertEq(market.escrowOf(leaseId), escrowBefore + amount, "escrow grows by the top-up");
        LeaseTermsView memory t = market.getLeaseTerms(leaseId);
        assertEq(t.fundedUntil, t0 + 42 hours, "funded until now + window");
        assertEq(t.graceEnds, t0 + 42 hours + GRACE, "grace follows");
        assertEq(market.getTopUpAllowance(leaseId).remaining, _costOf(2, 3 days) - amount, "remaining");
    }

    function test_WhenPermitGiven_SetsAllowanceAndApproves() public {
        vm.prank(buyer);
        usd.approve(address(market), 0);
        uint256 value = _costOf(2, 3 days);
        uint256 deadline = vm.getBlockTimestamp() + 1 hours;
        bytes32 typehash = keccak256(
            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
        );
        bytes32 structHash = keccak256(
            abi.encode(
                typehash,
                buyer,
                address(market),
                value,
                IERC20Permit(address(usd)).nonces(buyer),
                deadline
            )
        );
        bytes32 digest = keccak256(
            abi.encodePacked("\x19\x01", IERC20Permit(address(usd)).DOMAIN_SEPARATOR(), structHash)
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(BUYER_KEY, digest);
        vm.prank(buyer);
        market.setTopUpAllowanceWithPermit(leaseId, value, value, 12 hours, value, deadline, v, r, s);
        assertEq(usd.allowance(buyer, address(market)), value, "permit approved the market");
        assertEq(market.getTopUpAllowance(leaseId).remaining, value, "allowance set");
        vm.warp(t0 + 18 hours);
        vm.prank(stranger);
        market.executeTopUp(leaseId, 18 hours);
        assertEq(
            market.getLeaseTerms(leaseId).fundedUntil,
            t0 + 42 hours,
            "a keeper tops up on the permit alone"
        );
    }
}
