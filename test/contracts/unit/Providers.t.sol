// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";
import {Provider} from "../../../contracts/types/DataTypes.sol";

contract Providers_Unit_Test is MarketStateTest {
    /*//////////////////////////////////////////////////////////////
                            REGISTER PROVIDER
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_AlreadyRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderAlreadyRegistered.selector, provider));
        vm.prank(provider);
        market.registerProvider("ipfs://again");
    }

    function test_GivenNotRegistered_Register() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.ProviderRegistered(provider2, "ipfs://provider/osaka");
        vm.prank(provider2);
        market.registerProvider("ipfs://provider/osaka");

        Provider memory p = market.getProvider(provider2);
        assertTrue(p.registered, "registered");
        assertEq(_bondOf(provider2, address(usd)), 0, "no bond");
        assertEq(_lockedOf(provider2, address(usd)), 0, "nothing reserved");
    }

    /*//////////////////////////////////////////////////////////////
                             UPDATE PROVIDER
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_UpdateNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderNotRegistered.selector, stranger));
        vm.prank(stranger);
        market.updateProvider("ipfs://x");
    }

    function test_GivenRegistered_Update() public {
        Provider memory before = market.getProvider(provider);
        _expectMarketEvent();
        emit IGridleaseMarketEvents.ProviderUpdated(provider, "ipfs://provider/brisbane-dc2");
        vm.prank(provider);
        market.updateProvider("ipfs://provider/brisbane-dc2");
        assertEq(abi.encode(market.getProvider(provider)), abi.encode(before), "record unchanged");
    }

    /*//////////////////////////////////////////////////////////////
                              DEPOSIT BOND
    //////////////////////////////////////////////////////////////*/

    function test_RevertGiven_DepositNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderNotRegistered.selector, provider2));
        vm.prank(provider2);
        market.depositBond(address(usd), 1e6);
    }

    function test_RevertWhen_DepositZero() public {
        vm.expectRevert(Errors.Market_ZeroAmount.selector);
        vm.prank(provider);
        market.depositBond(address(usd), 0);
    }

    function test_RevertWhen_DepositAboveUint128() public {
        // A market bonded in the mintable test dollar, so that more than 2^128 base units can exist.
        IMarketUnderTest m = _deployMarket(owner, treasury, IERC20(address(usd)), FEE_BPS, WINDOW, 0);
        vm.prank(owner);
        m.setPaymentToken(address(usd), true);
        usd.mint(provider2, uint256(type(uint128).max) + 1);
        vm.startPrank(provider2);
        usd.approve(address(m), type(uint256).max);
        m.registerProvider("");
        m.depositBond(address(usd), type(uint128).max); // exactly the cap is fine
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_InvalidBond.selector,
                uint256(type(uint128).max) + 1,
                type(uint128).max
            )
        );
        m.depositBond(address(usd), 1);
        vm.stopPrank();
        assertEq(m.bondOf(provider2, address(usd)).amount, type(uint128).max, "bond at the cap");
        assertEq(usd.balanceOf(address(m)), type(uint128).max, "market holds the cap");
    }

    function test_RevertWhen_DepositAllowanceTooSmall() public {
        vm.prank(provider);
        usd.approve(address(market), 1e6 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                1e6 - 1,
                1e6
            )
        );
        vm.prank(provider);
        market.depositBond(address(usd), 1e6);
    }

    function test_WhenDepositValid() public {
        uint256 providerBefore = usd.balanceOf(provider);
        uint256 marketBefore = usd.balanceOf(address(market));

        _expectMarketEvent();
        emit IGridleaseMarketEvents.BondDeposited(provider, address(usd), 250e6, PROVIDER_BOND + 250e6);
        vm.prank(provider);
        market.depositBond(address(usd), 250e6);

        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND + 250e6, "bond");
        assertEq(usd.balanceOf(provider), providerBefore - 250e6, "provider paid");
        assertEq(usd.balanceOf(address(market)), marketBefore + 250e6, "market received");
    }

    /*//////////////////////////////////////////////////////////////
                              WITHDRAW BOND
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_WithdrawZero() public {
        vm.expectRevert(Errors.Market_ZeroAmount.selector);
        vm.prank(provider);
        market.withdrawBond(address(usd), 0);
    }

    function test_RevertWhen_WithdrawAboveBond() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_WithdrawalExceedsBond.selector,
                provider,
                PROVIDER_BOND,
                PROVIDER_BOND + 1
            )
        );
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND + 1);
    }

    function test_RevertWhen_WithdrawWithoutBond() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_WithdrawalExceedsBond.selector, stranger, 0, 1));
        vm.prank(stranger);
        market.withdrawBond(address(usd), 1);
    }

    uint256 internal constant PENALTY = (MIN_BOND * PENALTY_BPS) / 10_000; // 500 USD reserved per live lease

    function test_RevertGiven_PendingLease() public {
        uint256 offerId = _createDefaultOffer();
        _open(buyer, offerId, 3, 1 hours);
        assertEq(_lockedOf(provider, address(usd)), PENALTY, "one penalty reserved");
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_BondLocked.selector,
                provider,
                PENALTY,
                PROVIDER_BOND - PENALTY
            )
        );
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND - PENALTY + 1);
    }

    function test_RevertGiven_ExpiredLeaseNotClosed() public {
        uint256 offerId = _createDefaultOffer();
        uint256 id = _openActive(offerId, 2, 1 hours);
        vm.warp(START_TIME + 2 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                Errors.Market_BondLocked.selector,
                provider,
                PENALTY,
                PROVIDER_BOND - PENALTY
            )
        );
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND);
        market.closeLease(id);
        assertEq(_lockedOf(provider, address(usd)), 0, "closing releases the reservation");
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND);
    }

    function test_GivenLeasesOnTwoOffers_LocksTwoPenalties() public {
        uint256 first = _createDefaultOffer();
        uint256 second = _createDefaultOffer();
        _open(buyer, first, 1, 1 hours);
        _open(buyer2, second, 5, 1 hours);
        uint256 free = PROVIDER_BOND - 2 * PENALTY;
        vm.prank(provider);
        market.withdrawBond(address(usd), free);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BondLocked.selector, provider, 2 * PENALTY, 0));
        vm.prank(provider);
        market.withdrawBond(address(usd), 1);
        assertEq(_bondOf(provider, address(usd)), 2 * PENALTY, "exactly the reservations stay");
    }

    function test_GivenLiveLease_WithdrawFreePart() public {
        _open(buyer, _createDefaultOffer(), 1, 1 hours);
        uint256 before = usd.balanceOf(provider);
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND - PENALTY);
        assertEq(usd.balanceOf(provider), before + PROVIDER_BOND - PENALTY, "free part paid");
        assertEq(_bondOf(provider, address(usd)), PENALTY, "the reservation stays");
    }

    function test_GivenNoUnitsInUse_WithdrawPart() public {
        _createDefaultOffer(); // an idle offer does not lock the bond
        uint256 before = usd.balanceOf(provider);

        _expectMarketEvent();
        emit IGridleaseMarketEvents.BondWithdrawn(provider, address(usd), 1_500e6, PROVIDER_BOND - 1_500e6);
        vm.prank(provider);
        market.withdrawBond(address(usd), 1_500e6);

        assertEq(_bondOf(provider, address(usd)), PROVIDER_BOND - 1_500e6, "bond");
        assertEq(usd.balanceOf(provider), before + 1_500e6, "provider received");
        assertEq(usd.balanceOf(address(market)), PROVIDER_BOND - 1_500e6, "market keeps the rest");
    }

    function test_GivenNoUnitsInUse_WithdrawAll() public {
        _expectMarketEvent();
        emit IGridleaseMarketEvents.BondWithdrawn(provider, address(usd), PROVIDER_BOND, 0);
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND);
        assertEq(_bondOf(provider, address(usd)), 0, "bond empty");
        assertEq(usd.balanceOf(address(market)), 0, "market empty");
        assertTrue(market.getProvider(provider).registered, "still registered");
    }

    function test_GivenEveryLeaseEnded_Withdraw() public {
        uint256 offerId = _createDefaultOffer();
        uint256 a = _openActive(offerId, 1, 1 hours);
        uint256 b = _openActive(offerId, 1, 2 hours);
        vm.warp(START_TIME + 1 hours);
        market.closeLease(a);
        vm.prank(buyer);
        market.terminateLease(b);

        uint256 before = usd.balanceOf(provider);
        vm.prank(provider);
        market.withdrawBond(address(usd), PROVIDER_BOND);
        assertEq(usd.balanceOf(provider), before + PROVIDER_BOND, "whole bond back");
    }
}
