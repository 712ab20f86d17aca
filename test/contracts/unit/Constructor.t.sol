// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {GridleaseMarketState} from "../../../contracts/abstracts/GridleaseMarketState.sol";

contract Constructor_Unit_Test is MarketStateTest {
    function test_RevertWhen_TreasuryZero() public {
        _assertDeployReverts(
            owner,
            address(0),
            grid,
            FEE_BPS,
            WINDOW,
            PENALTY_BPS,
            abi.encodeWithSelector(Errors.Market_ZeroAddress.selector)
        );
    }

    function test_RevertWhen_BondTokenZero() public {
        _assertDeployReverts(
            owner,
            treasury,
            IERC20(address(0)),
            FEE_BPS,
            WINDOW,
            PENALTY_BPS,
            abi.encodeWithSelector(Errors.Market_ZeroAddress.selector)
        );
    }

    function test_RevertWhen_OwnerZero() public {
        _assertDeployReverts(
            address(0),
            treasury,
            grid,
            FEE_BPS,
            WINDOW,
            PENALTY_BPS,
            abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0))
        );
    }

    function test_RevertWhen_FeeAboveMax() public {
        _assertDeployReverts(
            owner,
            treasury,
            grid,
            1_001,
            WINDOW,
            PENALTY_BPS,
            abi.encodeWithSelector(Errors.Market_FeeTooHigh.selector, 1_001, 1_000)
        );
    }

    function test_RevertWhen_WindowBelowMin() public {
        _assertDeployReverts(
            owner,
            treasury,
            grid,
            FEE_BPS,
            59,
            PENALTY_BPS,
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 59, 60, 7 days)
        );
    }

    function test_RevertWhen_WindowAboveMax() public {
        _assertDeployReverts(
            owner,
            treasury,
            grid,
            FEE_BPS,
            7 days + 1,
            PENALTY_BPS,
            abi.encodeWithSelector(Errors.Market_ActivationWindowOutOfRange.selector, 7 days + 1, 60, 7 days)
        );
    }

    function test_RevertWhen_PenaltyAboveBps() public {
        _assertDeployReverts(
            owner,
            treasury,
            grid,
            FEE_BPS,
            WINDOW,
            10_001,
            abi.encodeWithSelector(Errors.Market_InvalidPenalty.selector, 10_001, 10_000)
        );
    }

    function test_RevertWhen_ExtensionHasAnotherPenalty() public {
        address extension = _extensionFor(grid, PENALTY_BPS + 1);
        _assertMarketReverts(
            extension,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, extension)
        );
    }

    function test_RevertWhen_ExtensionHasAnotherBondToken() public {
        address extension = _extensionFor(usd, PENALTY_BPS);
        _assertMarketReverts(
            extension,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, extension)
        );
    }

    function test_RevertWhen_ExtensionHasNoCode() public {
        _assertMarketReverts(
            stranger,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, stranger)
        );
    }

    function test_RevertWhen_ExtensionsPeripheryHasAnotherPenalty() public {
        address periphery = _createFrom(abi.encodePacked(peripheryCode, abi.encode(grid, PENALTY_BPS + 1)));
        _assertExtensionReverts(
            periphery,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, periphery)
        );
    }

    function test_RevertWhen_ExtensionsPeripheryHasAnotherBondToken() public {
        address periphery = _createFrom(abi.encodePacked(peripheryCode, abi.encode(usd, PENALTY_BPS)));
        _assertExtensionReverts(
            periphery,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, periphery)
        );
    }

    function test_RevertWhen_ExtensionsPeripheryHasNoCode() public {
        _assertExtensionReverts(
            stranger,
            abi.encodeWithSelector(Errors.Market_ExtensionMismatch.selector, stranger)
        );
    }

    function test_WhenExtensionAndPeripheryMatch_Deploy() public {
        address extension = _extensionFor(grid, PENALTY_BPS);
        IMarketUnderTest m = _deployMarketWith(
            extension,
            owner,
            treasury,
            grid,
            FEE_BPS,
            WINDOW,
            PENALTY_BPS
        );
        assertTrue(address(m) != address(0), "deployed");
        assertEq(m.EXTENSION(), extension, "extension");
        assertEq(GridleaseMarketState(extension).PENALTY_BPS(), PENALTY_BPS, "extension's penalty");
        assertEq(
            address(GridleaseMarketState(m.PERIPHERY()).BOND_TOKEN()),
            address(grid),
            "periphery's bond token"
        );
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

    /// @dev Deploying a market with these arguments, on an extension deployed for them, reverts with exactly
    /// `expected`.
    function _assertDeployReverts(
        address owner_,
        address treasury_,
        IERC20 bondToken,
        uint256 feeBps_,
        uint256 window,
        uint256 penaltyBps,
        bytes memory expected
    ) internal {
        address extension = _extensionFor(bondToken, penaltyBps);
        bytes memory initCode = abi.encodePacked(
            marketCode,
            abi.encode(owner_, treasury_, bondToken, feeBps_, window, penaltyBps, extension)
        );
        _assertCreateReverts(initCode, expected);
    }

    /// @dev Deploying a market (grid, PENALTY_BPS) on `extension` reverts with exactly `expected`. The revert data is
    /// read from the failed CREATE itself: an expectation on a CREATE made in assembly is not checked reliably.
    function _assertMarketReverts(address extension, bytes memory expected) internal {
        bytes memory initCode = abi.encodePacked(
            marketCode,
            abi.encode(owner, treasury, grid, FEE_BPS, WINDOW, PENALTY_BPS, extension)
        );
        _assertCreateReverts(initCode, expected);
    }

    /// @dev Deploying an extension (grid, PENALTY_BPS) on `periphery` reverts with exactly `expected`.
    function _assertExtensionReverts(address periphery, bytes memory expected) internal {
        _assertCreateReverts(
            abi.encodePacked(extensionCode, abi.encode(grid, PENALTY_BPS, periphery)),
            expected
        );
    }

    function _assertCreateReverts(bytes memory initCode, bytes memory expected) internal {
        address at;
        bytes memory reason;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            at := create(0, add(initCode, 0x20), mload(initCode))
            let size := returndatasize()
            reason := mload(0x40)
            mstore(reason, size)
            returndatacopy(add(reason, 0x20), 0, size)
            mstore(0x40, add(add(reason, 0x20), and(add(size, 31), not(31))))
        }
        assertEq(at, address(0), "the deployment reverted");
        assertEq(reason, expected, "revert data");
    }
}
