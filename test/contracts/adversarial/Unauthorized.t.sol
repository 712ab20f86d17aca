// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {ReservedTerms} from "../../../contracts/types/DataTypes.sol";

contract Unauthorized_Adversarial_Test is AdversarialBase {
    function test_RevertWhen_NonProviderClaims() public {
        address[3] memory intruders = [buyer, stranger, provider2];
        vm.prank(provider2);
        market.registerProvider("");
        MarketState memory before = _captureState();
        for (uint256 i = 0; i < intruders.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, ACTIVE, intruders[i])
            );
            vm.prank(intruders[i]);
            market.claim(_ids(ACTIVE));
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_ClaimListMixesOwners() public {
        vm.startPrank(provider2);
        market.registerProvider("");
        market.depositBond(address(usd), MIN_BOND);
        uint256 theirOffer = market.createOffer(_h100Params());
        vm.stopPrank();
        uint256 theirs = _open(buyer, theirOffer, 1, 2 hours);
        vm.prank(provider2);
        market.activateLease(theirs, _access());
        vm.warp(NOW + 1 hours);

        MarketState memory before = _captureState();
        // provider2 slips provider's lease in after its own: nothing is paid for either.
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, ACTIVE, provider2));
        vm.prank(provider2);
        market.claim(_ids(theirs, ACTIVE));
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonProviderActivatesOrRotates() public {
        uint256 fresh = _open(buyer, USD_OFFER, 1, 1 hours);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, fresh, buyer));
        vm.prank(buyer);
        market.activateLease(fresh, _access());
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, fresh, stranger));
        vm.prank(stranger);
        market.activateLease(fresh, _access());
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, ACTIVE, buyer));
        vm.prank(buyer);
        market.rotateAccess(ACTIVE, _access());
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonBuyerCancels() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, PENDING, provider));
        vm.prank(provider);
        market.cancelLease(PENDING);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, PENDING, buyer2));
        vm.prank(buyer2);
        market.cancelLease(PENDING);
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonPartyTerminates() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseParty.selector, ACTIVE, stranger));
        vm.prank(stranger);
        market.terminateLease(ACTIVE);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseParty.selector, ACTIVE, buyer2));
        vm.prank(buyer2);
        market.terminateLease(ACTIVE);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotLeaseParty.selector, PENDING, owner));
        vm.prank(owner);
        market.terminateLease(PENDING);
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonProviderChangesOffer() public {
        MarketState memory before = _captureState();
        vm.startPrank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, USD_OFFER, buyer));
        market.setOfferPrice(USD_OFFER, 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, USD_OFFER, buyer));
        market.setOfferUnits(USD_OFFER, 3);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, GRID_OFFER, buyer));
        market.setOfferPaused(GRID_OFFER, true);
        vm.stopPrank();
        _assertUnchanged(before);
    }

    function test_RevertWhen_WithdrawingSomeoneElsesBond() public {
        MarketState memory before = _captureState();
        address[2] memory tokens = [address(usd), address(grid)];
        for (uint256 i = 0; i < tokens.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_WithdrawalExceedsBond.selector, buyer, 0, 1)
            );
            vm.prank(buyer);
            market.withdrawBond(tokens[i], 1);
            vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderNotRegistered.selector, buyer));
            vm.prank(buyer);
            market.depositBond(tokens[i], 1);
        }
        // A bond in a token never listed does not exist, for anyone.
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_TokenNotAllowed.selector, stranger));
        vm.prank(provider);
        market.withdrawBond(stranger, 1);
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonOwnerAdministers() public {
        MarketState memory before = _captureState();
        bytes memory denied = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, provider);
        vm.startPrank(provider);
        vm.expectRevert(denied);
        market.setProtocolFee(0);
        vm.expectRevert(denied);
        market.setTreasury(provider);
        vm.expectRevert(denied);
        market.setActivationWindow(7 days);
        vm.expectRevert(denied);
        market.setPaymentToken(address(usd), false);
        vm.expectRevert(denied);
        market.setPaused(true);
        vm.expectRevert(denied);
        market.transferOwnership(provider);
        vm.expectRevert(denied);
        market.renounceOwnership();
        vm.expectRevert(denied);
        market.acceptOwnership();
        vm.stopPrank();
        _assertUnchanged(before);
        assertEq(market.owner(), owner, "owner");
        assertEq(market.treasury(), treasury, "treasury");
        assertEq(market.activationWindow(), WINDOW, "window");
        assertTrue(market.isPaymentToken(address(usd)), "token");
    }

    function test_RevertWhen_UnregisteredCreatesReservedOffer() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_ProviderNotRegistered.selector, buyer));
        vm.prank(buyer);
        market.createReservedOffer(_h100Params(), _windowTerms());
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonBuyerManagesTopUpsOrReleases() public {
        uint256 id = _rollingLease();
        vm.prank(buyer);
        market.setTopUpAllowance(id, 100e6, 1_000e6, 6 hours);
        MarketState memory before = _captureState();
        address[3] memory intruders = [provider, buyer2, stranger];
        for (uint256 i = 0; i < intruders.length; ++i) {
            bytes memory err = abi.encodeWithSelector(Errors.Market_NotLeaseBuyer.selector, id, intruders[i]);
            vm.startPrank(intruders[i]);
            vm.expectRevert(err);
            market.setTopUpAllowance(id, 1_000e6, 1_000e6, 1 days);
            vm.expectRevert(err);
            market.setTopUpAllowanceWithPermit(id, 1_000e6, 1_000e6, 1 days, 0, 0, 0, 0, 0);
            vm.expectRevert(err);
            market.revokeTopUpAllowance(id);
            vm.expectRevert(err);
            market.releaseServers(id, 1);
            vm.stopPrank();
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonProviderFailsServersOrEndsUnfunded() public {
        uint256 id = _rollingLease();
        vm.warp(NOW + 1 days + market.GRACE_PERIOD() + 1); // past the grace: only the caller is wrong
        MarketState memory before = _captureState();
        address[3] memory intruders = [buyer, provider2, stranger];
        for (uint256 i = 0; i < intruders.length; ++i) {
            bytes memory err = abi.encodeWithSelector(
                Errors.Market_NotLeaseProvider.selector,
                id,
                intruders[i]
            );
            vm.startPrank(intruders[i]);
            vm.expectRevert(err);
            market.endUnfunded(id);
            vm.stopPrank();
        }
        _assertUnchanged(before);
        vm.warp(NOW + 1 hours); // running again: failServers needs a running lease
        before = _captureState();
        for (uint256 i = 0; i < intruders.length; ++i) {
            bytes memory err = abi.encodeWithSelector(
                Errors.Market_NotLeaseProvider.selector,
                id,
                intruders[i]
            );
            vm.startPrank(intruders[i]);
            vm.expectRevert(err);
            market.failServers(id, 1);
            vm.stopPrank();
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonProviderResolvesOutage() public {
        vm.prank(buyer);
        market.reportOutage(ACTIVE, 1, bytes32("down"));
        MarketState memory before = _captureState();
        address[2] memory intruders = [buyer, stranger];
        for (uint256 i = 0; i < intruders.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_NotLeaseProvider.selector, ACTIVE, intruders[i])
            );
            vm.prank(intruders[i]);
            market.resolveOutage(ACTIVE, "");
        }
        _assertUnchanged(before);
    }

    /// @dev An active rolling lease of 2 servers on a new one-day-window offer: a day of its 3-day term funded.
    function _rollingLease() internal returns (uint256 id) {
        vm.prank(provider);
        uint256 offerId = market.createReservedOffer(_h100Params(), _windowTerms());
        vm.prank(buyer);
        id = market.openRollingLease(offerId, 2, 3 days, 1 days, type(uint256).max, PUBKEY);
        _activate(id);
    }

    function _windowTerms() internal pure returns (ReservedTerms memory t) {
        t.prepaidWindow = 1 days;
    }
}
