// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketStateTest} from "../utils/MarketStateTest.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {AllowlistPolicy} from "../../../contracts/policies/AllowlistPolicy.sol";
import {LeaseStatus, OfferParams} from "../../../contracts/types/DataTypes.sol";

contract AllowlistPolicy_Unit_Test is MarketStateTest {
    function test_WhenListEmpty_NoChange() public {
        vm.recordLogs();
        vm.prank(provider);
        policy.setAllowed(new address[](0), true);
        assertEq(vm.getRecordedLogs().length, 0, "no events");
        assertFalse(policy.isAllowed(provider, 1, address(0)), "nothing allowed");
    }

    function test_WhenAdding_SetAllowed() public {
        vm.expectEmit(true, true, true, true, address(policy));
        emit AllowlistPolicy.BuyerAllowed(provider, buyer, true);
        vm.expectEmit(true, true, true, true, address(policy));
        emit AllowlistPolicy.BuyerAllowed(provider, buyer2, true);
        vm.prank(provider);
        policy.setAllowed(_pair(buyer, buyer2), true);

        assertTrue(policy.isAllowed(provider, 1, buyer), "buyer");
        assertTrue(policy.isAllowed(provider, 12345, buyer2), "buyer2, any offer id");
        assertFalse(policy.isAllowed(provider2, 1, buyer), "not on provider2's list");
        assertFalse(policy.isAllowed(provider, 1, stranger), "never added");
    }

    function test_WhenRemoving_SetAllowed() public {
        vm.startPrank(provider);
        policy.setAllowed(_pair(buyer, buyer2), true);
        vm.expectEmit(true, true, true, true, address(policy));
        emit AllowlistPolicy.BuyerAllowed(provider, buyer, false);
        policy.setAllowed(_one(buyer), false);
        vm.stopPrank();
        assertFalse(policy.isAllowed(provider, 1, buyer), "removed");
        assertTrue(policy.isAllowed(provider, 1, buyer2), "others stay");
    }

    function test_GivenOnList_Lease() public {
        uint256 offerId = _policyOffer();
        vm.prank(provider);
        policy.setAllowed(_one(buyer), true);
        uint256 id = _open(buyer, offerId, 1, 1 hours);
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Pending), "leased");
    }

    function test_GivenOnOtherProvidersListOnly_Revert() public {
        uint256 offerId = _policyOffer();
        vm.prank(provider2);
        policy.setAllowed(_one(buyer), true);
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, buyer));
        _open(buyer, offerId, 1, 1 hours);
        _assertUnchanged(before);
    }

    function test_GivenRemoved_Revert() public {
        uint256 offerId = _policyOffer();
        vm.prank(provider);
        policy.setAllowed(_one(buyer), true);
        uint256 id = _openActive(offerId, 1, 2 hours);
        vm.prank(provider);
        policy.setAllowed(_one(buyer), false);

        vm.expectRevert(abi.encodeWithSelector(Errors.Market_BuyerNotAllowed.selector, offerId, buyer));
        _open(buyer, offerId, 1, 1 hours);
        // The open lease is not the policy's business any more: it extends and ends as usual.
        vm.prank(buyer);
        market.extendLease(id, 1 hours);
        vm.prank(buyer);
        market.terminateLease(id);
        assertEq(uint8(market.getLease(id).status), uint8(LeaseStatus.Ended), "ended");
    }

    function _policyOffer() internal returns (uint256) {
        OfferParams memory p = _h100Params();
        p.buyerPolicy = address(policy);
        return _createOffer(p);
    }

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _pair(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        list[0] = a;
        list[1] = b;
    }
}
