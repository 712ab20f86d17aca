// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";

contract Constructor_Unit_Test is MarketStateTest {
    function test_RevertWhen_TreasuryZero() public {
        vm.expectRevert(Errors.Market_ZeroAddress.selector);
        _deployMarket(owner, address(0), grid, FEE_BPS, WINDOW, PENALTY_BPS);
    }

    function test_RevertWhen_BondTokenZero() public {
        vm.expectRevert(Errors.Market_ZeroAddress.selector);
        _deployMarket(owner, treasury, IERC20(address(0)), FEE_BPS, WINDOW, PENALTY_BPS);
    }

    function test_RevertWhen_OwnerZero() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        _deployMarket(address(0), treasury, grid, FEE_BPS, WINDOW, PENALTY_BPS);
    }

    function test_RevertWhen_FeeAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_FeeTooHigh.selector, 1_001, 1_000));
        _deployMarket(owner, treasury, grid, 1_001, WINDOW, PENALTY_BPS);
    }

    function test_RevertWhen_WindowBelowMin() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 59, 60, 7 days)
        );
        _deployMarket(owner, treasury, grid, FEE_BPS, 59, PENALTY_BPS);
    }

    function test_RevertWhen_WindowAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 7 days + 1, 60, 7 days)
        );
        _deployMarket(owner, treasury, grid, FEE_BPS, 7 days + 1, PENALTY_BPS);
    }

    function test_RevertWhen_PenaltyAboveBps() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_InvalidPenalty.selector, 10_001, 10_000));
        _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, 10_001);
    }

    function test_WhenArgumentsValid_Deploy() public {
        vm.expectEmit(true, true, true, true);
        emit IGridleaseMarketEvents.TreasurySet(address(0), treasury);
        vm.expectEmit(true, true, true, true);
        emit IGridleaseMarketEvents.ProtocolFeeSet(0, FEE_BPS);
        vm.expectEmit(true, true, true, true);
        emit IGridleaseMarketEvents.ActivationWindowSet(0, WINDOW);
        vm.expectEmit(true, true, true, true);
        emit IGridleaseMarketEvents.PenaltyRateSet(address(grid), PENALTY_BPS);
        IMarketUnderTest m = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, PENALTY_BPS);

        assertEq(m.owner(), owner, "owner");
        assertEq(m.pendingOwner(), address(0), "no pending owner");
        assertEq(m.treasury(), treasury, "treasury");
        assertEq(address(m.BOND_TOKEN()), address(grid), "bond token");
        assertEq(m.PENALTY_BPS(), PENALTY_BPS, "penalty");
        assertEq(m.feeBps(), FEE_BPS, "fee");
        assertEq(m.activationWindow(), WINDOW, "window");
        assertFalse(m.paused(), "not paused");
        assertEq(m.paymentTokens().length, 0, "no tokens");
        assertFalse(m.isPaymentToken(address(usd)), "usd not allowed");
        assertEq(m.offerCount(), 0, "no offers");
        assertEq(m.leaseCount(), 0, "no leases");
    }

    function test_WhenArgumentsAtBounds_Deploy() public {
        IMarketUnderTest a = _deployMarket(owner, treasury, grid, 1_000, 60, 10_000);
        assertEq(a.feeBps(), 1_000, "max fee");
        assertEq(a.activationWindow(), 60, "min window");
        assertEq(a.PENALTY_BPS(), 10_000, "whole bond");
        IMarketUnderTest b = _deployMarket(owner, treasury, grid, 0, 7 days, 0);
        assertEq(b.feeBps(), 0, "no fee");
        assertEq(b.activationWindow(), 7 days, "max window");
        assertEq(b.PENALTY_BPS(), 0, "no penalty");
    }

    function test_WhenDeployed_Constants() public view {
        assertEq(market.MAX_FEE_BPS(), 1_000, "fee cap");
        assertEq(market.MAX_UNITS(), 65_535, "units cap");
        assertEq(market.MAX_GPUS_PER_UNIT(), 1_024, "gpus cap");
        assertEq(market.MAX_LEASE_DURATION(), 1_096 days, "duration cap");
        assertEq(market.MIN_ACTIVATION_WINDOW(), 60, "min window");
        assertEq(market.MAX_ACTIVATION_WINDOW(), 7 days, "max window");
        assertEq(market.MAX_ACCESS_BYTES(), 4_096, "payload cap");
        assertEq(market.MAX_CLAIM_BATCH(), 200, "batch cap");
        assertEq(market.MAX_PAYMENT_TOKENS(), 64, "tokens cap");
    }
}
