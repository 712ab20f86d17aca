// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AdversarialBase} from "./AdversarialBase.sol";
import {
    DenyAllPolicy,
    GasBurnerPolicy,
    HugeDataPolicy,
    MalformedPolicy,
    ReentrantPolicy,
    RevertingPolicy
} from "../mocks/MockPolicies.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

contract MaliciousPolicy_Adversarial_Test is AdversarialBase {
    uint256 internal constant POLICY_GAS = 100_000;
    /// @dev The gas limit the buyer's refused calls are sent with: far above what a refusal should cost.
    uint256 internal constant CALL_GAS = 5_000_000;

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
                          POLICY GAS AND DATA CAPS
    //////////////////////////////////////////////////////////////*/

    /// @notice Finding 2 of issue #11. Before, the policy got all the gas and burned it: the buyer's call used the
    /// whole CALL_GAS, so the assertion `used < baseline + POLICY_GAS` failed.
    function test_GivenPolicyBurnsAllItsGas_RefusedForAboutPolicyGas() public {
        uint256 baseline = _refusalGas(_offerWithPolicy(address(new DenyAllPolicy())));
        uint256 used = _refusalGas(_offerWithPolicy(address(new GasBurnerPolicy())));
        assertEq(market.POLICY_GAS(), POLICY_GAS, "the documented stipend");
        assertGt(used, POLICY_GAS, "the policy burned its stipend");
        assertLt(used, baseline + POLICY_GAS, "and not more: about POLICY_GAS over a plain refusal");
    }

    /// @notice A policy that returns 1 MB runs out of its stipend paying for that memory and is refused; one that
    /// refuses with a 64 KB answer (which it can afford) is read for its first word only, and one that allows with
    /// a 64 KB answer lets the buyer in. Before, the market copied the whole answer into its own memory.
    function test_GivenPolicyReturnsHugeData_RefusedCheaply() public {
        uint256 baseline = _refusalGas(_offerWithPolicy(address(new DenyAllPolicy())));
        uint256 mega = _refusalGas(_offerWithPolicy(address(new HugeDataPolicy(1 << 20, false, 1))));
        assertLt(mega, baseline + POLICY_GAS, "1 MB: refused within the stipend");
        uint256 wide = _refusalGas(_offerWithPolicy(address(new HugeDataPolicy(1 << 16, false, 0))));
        assertLt(wide, baseline + POLICY_GAS, "64 KB refusal: the caller does not pay to copy it");
        uint256 allowing = _offerWithPolicy(address(new HugeDataPolicy(1 << 16, false, 1)));
        uint256 id = _open(buyer, allowing, 1, 1 hours);
        assertEq(market.getLease(id).buyer, buyer, "a long answer is read by its first word");
    }

    /// @notice Reverting with 1 MB (or 64 KB) is a refusal too, and as cheap.
    function test_GivenPolicyRevertsWithHugeData_RefusedCheaply() public {
        uint256 baseline = _refusalGas(_offerWithPolicy(address(new DenyAllPolicy())));
        assertLt(
            _refusalGas(_offerWithPolicy(address(new HugeDataPolicy(1 << 20, true, 1)))),
            baseline + POLICY_GAS,
            "1 MB revert"
        );
        assertLt(
            _refusalGas(_offerWithPolicy(address(new HugeDataPolicy(1 << 16, true, 1)))),
            baseline + POLICY_GAS,
            "64 KB revert"
        );
    }

    /// @notice A buyer who sends too little gas for the policy to get its stipend cannot pass the policy's
    /// starvation off as a refusal: Market_InsufficientGas, and nothing changes.
    function test_RevertWhen_TooLittleGasForThePolicy() public {
        uint256 offerId = _offerWithPolicy(address(new GasBurnerPolicy()));
        MarketState memory before = _captureState();
        vm.prank(buyer);
        try market.openLease{gas: 60_000}(offerId, 1, 1 hours, type(uint256).max, PUBKEY) {
            revert AssertionFailed("the starved open succeeded");
        } catch (bytes memory err) {
            assertEq(bytes4(err), Errors.Market_InsufficientGas.selector, "Market_InsufficientGas(gasLeft)");
        }
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

    /// @dev Gas the buyer's `openLease` of `offerId` uses, sent with CALL_GAS, which must be refused with
    /// Market_BuyerNotAllowed and change nothing.
    function _refusalGas(uint256 offerId) internal returns (uint256 used) {
        MarketState memory before = _captureState();
        vm.prank(buyer);
        uint256 start = gasleft();
        try market.openLease{gas: CALL_GAS}(offerId, 1, 1 hours, type(uint256).max, PUBKEY) {
            revert AssertionFailed("the policy let the buyer in");
        } catch (bytes memory err) {
            used = start - gasleft();
            assertEq(
                err,
                abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, buyer),
                "refused"
            );
        }
        _assertUnchanged(before);
    }

    function _assertRefused(uint256 offerId) internal {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, buyer));
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }
}
