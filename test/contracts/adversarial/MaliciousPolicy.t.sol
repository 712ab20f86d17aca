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

    // The two malformed answers below revert (the buyer is refused) but, like the code-less policy further down,
    // without Market_BuyerNotAllowed: the failed decoding escapes the `try`. Only the revert is asserted here.
    function test_GivenPolicyReturnsTwo() public {
        uint256 offerId = _offerWithPolicy(address(new MalformedPolicy(false)));
        MarketState memory before = _captureState();
        vm.expectRevert();
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_GivenPolicyReturnsNothing() public {
        uint256 offerId = _offerWithPolicy(address(new MalformedPolicy(true)));
        MarketState memory before = _captureState();
        vm.expectRevert();
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }

    /// @dev BUG: IBuyerPolicy says a failing policy counts as "not allowed", and rule 8 of the design asks for a
    /// clear custom error. An offer whose policy address has no code (a typo, or a policy not deployed on this
    /// chain) makes `openLease` revert with empty data: the `try` in `_policyAllows` cannot catch the failed
    /// decoding of an empty return. Fix: call the policy with a low-level staticcall and treat anything but a
    /// successful 32-byte return equal to 1 as "not allowed" (and optionally refuse a code-less policy in
    /// createOffer).
    function test_Bug_PolicyWithoutCodeGivesNoCustomError() public {
        uint256 offerId = _offerWithPolicy(address(0xBAD));
        _assertRefused(offerId);
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
