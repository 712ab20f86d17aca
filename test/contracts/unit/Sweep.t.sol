// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {PlainToken} from "../mocks/PlainToken.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";

/// @notice The owner's sweep of tokens sent to the market by mistake, and the extension's refusal of direct calls.
contract Sweep_Unit_Test is MarketStateTest {
    PlainToken internal stray;
    address internal rescue = address(0x2E5C);

    function setUp() public override {
        super.setUp();
        stray = new PlainToken("STRAY");
        stray.mint(address(market), 1_234e18);
        _track(address(stray));
    }

    function test_WhenNeverListedToken_OwnerSweeps() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.TokensSwept(address(stray), rescue, 1_234e18);
        vm.prank(owner);
        uint256 amount = market.sweep(address(stray), rescue);
        assertEq(amount, 1_234e18, "returns the amount");
        assertEq(stray.balanceOf(rescue), 1_234e18, "sent to `to`");
        assertEq(stray.balanceOf(address(market)), 0, "nothing left");
    }

    function test_RevertWhen_SweepByNonOwner() public {
        MarketState memory before = _captureState();
        address[3] memory callers = [stranger, provider, treasury];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, callers[i]));
            vm.prank(callers[i]);
            market.sweep(address(stray), callers[i]);
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_SweepPaymentToken() public {
        // Escrow in the market, so that a sweep would take buyers' money.
        vm.prank(provider);
        market.createOffer(_h100Params());
        _open(buyer, 1, 1, 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_CannotSweep.selector, address(usd)));
        vm.prank(owner);
        market.sweep(address(usd), rescue);

        // Disallowing the token does not make it sweepable: its leases and credits may still hold it.
        vm.prank(owner);
        market.setPaymentToken(address(usd), false);
        before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_CannotSweep.selector, address(usd)));
        vm.prank(owner);
        market.sweep(address(usd), rescue);
        _assertUnchanged(before);
    }

    function test_RevertWhen_SweepBondToken() public {
        // A market whose bond token was never a payment token: the bonds are still not the owner's.
        PlainToken bondToken = new PlainToken("BOND");
        IMarketUnderTest other = _deployMarket(
            owner,
            treasury,
            IERC20(address(bondToken)),
            FEE_BPS,
            WINDOW,
            PENALTY_BPS
        );
        bondToken.mint(address(other), 10e18);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_CannotSweep.selector, address(bondToken)));
        vm.prank(owner);
        other.sweep(address(bondToken), rescue);
        assertEq(bondToken.balanceOf(address(other)), 10e18, "kept");
        // GRID, the bond token of the shared fixture (and a payment token), likewise.
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_CannotSweep.selector, address(grid)));
        vm.prank(owner);
        market.sweep(address(grid), rescue);
    }

    function test_RevertWhen_SweepZeroBalance() public {
        PlainToken empty = new PlainToken("EMPTY");
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NothingToWithdraw.selector, address(empty)));
        vm.prank(owner);
        market.sweep(address(empty), rescue);
    }

    function test_RevertWhen_SweepToZeroAddress() public {
        MarketState memory before = _captureState();
        vm.expectRevert(Errors.Market_ZeroAddress.selector);
        vm.prank(owner);
        market.sweep(address(stray), address(0));
        _assertUnchanged(before);
    }

    /// @notice The extension runs only on the market's storage: called at its own address, every function that
    /// writes reverts with Market_NotDelegated.
    function test_RevertWhen_ExtensionCalledDirectly() public {
        IMarketUnderTest ext = IMarketUnderTest(market.EXTENSION());
        bytes[15] memory calls = [
            abi.encodeCall(ext.registerProvider, ("")),
            abi.encodeCall(ext.updateProvider, ("")),
            abi.encodeCall(ext.setOfferPrice, (1, 1)),
            abi.encodeCall(ext.setOfferUnits, (1, 1)),
            abi.encodeCall(ext.setOfferPaused, (1, true)),
            abi.encodeCall(ext.setOfferRepairWindow, (1, 1 hours)),
            abi.encodeCall(ext.rotateAccess, (1, _access())),
            abi.encodeCall(ext.setProtocolFee, (1)),
            abi.encodeCall(ext.setTreasury, (rescue)),
            abi.encodeCall(ext.setActivationWindow, (1 hours)),
            abi.encodeCall(ext.setPaymentToken, (address(stray), true)),
            abi.encodeCall(ext.setPaused, (true)),
            abi.encodeCall(ext.withdrawFees, (address(usd))),
            abi.encodeCall(ext.withdrawCredit, (address(usd))),
            abi.encodeCall(ext.sweep, (address(stray), rescue))
        ];
        // The market deployed the extension, so it is the owner of the extension's own storage: call as both.
        address[2] memory callers = [address(market), stranger];
        for (uint256 c = 0; c < callers.length; ++c) {
            for (uint256 i = 0; i < calls.length; ++i) {
                vm.prank(callers[c]);
                (bool ok, bytes memory ret) = address(ext).call(calls[i]);
                assertFalse(ok, "refused");
                assertEq(
                    ret,
                    abi.encodeWithSelector(Errors.Market_NotDelegated.selector),
                    "Market_NotDelegated"
                );
            }
        }
    }
}
