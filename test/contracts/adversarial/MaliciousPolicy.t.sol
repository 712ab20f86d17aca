// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {DenyAllPolicy, MalformedPolicy, ReentrantPolicy, RevertingPolicy} from "../mocks/MockPolicies.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

contract MaliciousPolicy_Adversarial_Test is AdversarialBase {
    function test_GivenPolicyReverts() public {
        uint256 offerId = _offerWithPolicy(address(new RevertingPolicy()));
        _assertRefused(offerId);
    }

    function test_GivenPolicyReturnsFalse() public {
        uint256 offerId = _offerWithPolicy(address(new DenyAllPolicy()));
        _assertRefused(offerId);
    }

    function test_GivenPolicyReentersOpenLease_Bubbled() public {
        ReentrantPolicy evil = new ReentrantPolicy(address(market));
        uint256 offerId = _offerWithPolicy(address(evil));
        evil.configure(_openCall(USD_OFFER), true);
        _assertRefused(offerId);
    }

    function test_GivenPolicyReentersOpenLease_Swallowed() public {
        ReentrantPolicy evil = new ReentrantPolicy(address(market));
        uint256 offerId = _offerWithPolicy(address(evil));
        evil.configure(_openCall(USD_OFFER), false);
        uint256 countBefore = market.leaseCount();
        uint256 unitsBefore = market.getOffer(USD_OFFER).unitsInUse;

        uint256 id = _open(buyer, offerId, 1, 1 hours);

        assertEq(market.leaseCount(), countBefore + 1, "exactly one lease");
        assertEq(market.getLease(id).offerId, offerId, "the buyer's lease");
        assertEq(market.getOffer(USD_OFFER).unitsInUse, unitsBefore, "no lease slipped in on another offer");
    }

    function test_GivenPolicyWritesThroughUnguardedFunction() public {
        ReentrantPolicy evil = new ReentrantPolicy(address(market));
        uint256 offerId = _offerWithPolicy(address(evil));
        // registerProvider has no reentrancy guard, but the policy runs inside a STATICCALL.
        evil.configure(abi.encodeCall(market.registerProvider, ("ipfs://evil")), false);
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        assertEq(market.getLease(id).buyer, buyer, "lease opened: the write failed");
        assertFalse(market.getProvider(address(evil)).registered, "policy did not register");
    }

    // Malformed answers (no data, or a word other than 0 or 1) count as "not allowed", with the clear error.
    function test_GivenPolicyReturnsTwo() public {
        _assertRefused(_offerWithPolicy(address(new MalformedPolicy(false))));
    }

    function test_GivenPolicyReturnsNothing() public {
        _assertRefused(_offerWithPolicy(address(new MalformedPolicy(true))));
    }

    /// @dev A policy address without code (a typo, a policy not deployed on this chain) is refused when listing.
    function test_RevertWhen_PolicyHasNoCode() public {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(0xBAD);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_PolicyNotContract.selector, address(0xBAD)));
        vm.prank(provider);
        market.createOffer(p);
        _assertUnchanged(before);
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _offerWithPolicy(address buyerPolicy) internal returns (uint256) {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = buyerPolicy;
        return _createOffer(p);
    }

    function _openCall(uint256 offerId) internal view returns (bytes memory) {
        return abi.encodeCall(market.openLease, (offerId, 1, 1 hours, type(uint256).max, PUBKEY));
    }

    function _assertRefused(uint256 offerId) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, buyer));
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }
}
